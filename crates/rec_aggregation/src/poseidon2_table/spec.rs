//! [`Poseidon2Spec`]: the parameters of one Poseidon2 instance (round constants, internal
//! diagonal, bus, reference permutation), which the layers and the table are built from.

use backend::KoalaBear;
use lean_prover::BusId;

/// The parameters of one Poseidon2 instance (canonical `u32` constants).
#[derive(Copy, Clone, Debug)]
pub struct Poseidon2Spec<const T: usize> {
    /// Table name (used in the AIR's structural digest).
    pub name: &'static str,
    /// Constants of the initial external rounds, one vector per round.
    pub external_initial: &'static [[u32; T]],
    /// Constants of the internal rounds (added to cell 0), one per round.
    pub internal: &'static [u32],
    /// Constants of the final external rounds, one vector per round.
    pub external_final: &'static [[u32; T]],
    /// The internal diagonal `V` as `(numerator, log2 denominator)` pairs.
    pub diag: &'static [(i32, u32); T],
    /// Bus the table receives on in full-permutation mode.
    pub bus: BusId,
    /// The reference permutation (the debug check of the witness generator).
    pub permute: fn(&mut [KoalaBear; T]),
}

impl<const T: usize> Poseidon2Spec<T> {
    /// Total number of rounds (external and internal).
    pub fn rounds(&self) -> usize {
        self.external_initial.len() + self.internal.len() + self.external_final.len()
    }

    /// Whether round `r` is an external round.
    pub fn is_external(&self, r: usize) -> bool {
        r < self.external_initial.len() || r >= self.external_initial.len() + self.internal.len()
    }
}
