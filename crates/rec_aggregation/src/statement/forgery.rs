//! Deliberately wrong witnesses for the soundness tests (`docs/air.md`, section 9). Compiled
//! only with the `forgery` feature, which only this crate's tests enable: a build without it
//! has no [`Forgery`] and no forging branch in witness generation.

/// A deliberate error in one verification step of signature 0, for soundness tests: the
/// witness is computed with the error and every later value follows from it, so the witness
/// is consistent everywhere except at that step (and the key's root must be taken from the
/// roots [`Witness::generate_forged`](super::Witness::generate_forged) returns for the
/// statement to match the forged computation).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Forgery {
    /// An honest witness.
    None,
    /// The message hash uses a different message element.
    MessageHashInput,
    /// A message-hash remainder out of range (`r + 127 * 8^k`, digit `k` lowered by one in an
    /// unused position), so the decomposition still holds.
    RemainderRange,
    /// Chain 0 walks one step more than its digit says.
    ChainLength,
    /// Chains 0 and 1 are walked from each other's digits (each walk correct for its
    /// digit, the digit group's weights no longer matching the message hash).
    DigitOrder,
    /// The output of one step of chain 0 is altered.
    ChainStep,
    /// One step of chain 0 uses the tweak of another position.
    ChainTweak,
    /// Chain 0 is walked with a different public parameter.
    ChainParameter,
    /// The leaf sponge absorbs chains 0 and 1 in swapped order.
    SpongeOrder,
    /// The leaf sponge starts from a wrong capacity.
    SpongeCapacity,
    /// The leaf sponge absorbs a different public parameter (its rows carry it too).
    LeafParameter,
    /// Merkle level 0 swaps left and right.
    MerkleDirection,
    /// Merkle level 0 uses the tweak of level 2.
    MerkleTweak,
}
