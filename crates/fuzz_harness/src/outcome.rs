//! [`Outcome`]: what a harness function made of its input, returned by every target so that
//! the replay tests can check real behaviour on the known seeds.

/// What a harness function made of its input.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The decoder (and, where the target verifies, the verifier) accepted the input.
    Accepted,
    /// The input was rejected with an error value.
    Rejected,
}

impl Outcome {
    /// `Accepted` if `ok`.
    pub fn from_bool(ok: bool) -> Outcome {
        if ok {
            Outcome::Accepted
        } else {
            Outcome::Rejected
        }
    }
}
