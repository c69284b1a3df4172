//! [`VerifyError`]: why a proof is rejected, one variant per check.

use crate::proof::DecodeError;
use crate::statement::StatementError;
use backend::merkle::MerkleError;

/// Why a proof is rejected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum VerifyError {
    /// The statement or parameters are invalid.
    #[error(transparent)]
    Statement(#[from] StatementError),
    /// The bytes are not a well-formed proof for this statement.
    #[error("malformed proof: {0}")]
    Decode(#[from] DecodeError),
    /// The bus sums plus the public contributions (public interactions and public lookup
    /// lists) are not zero.
    #[error("bus interactions do not balance")]
    BusUnbalanced,
    /// A public LogUp denominator (public interaction or public lookup list) vanished.
    #[error("zero LogUp denominator in a public interaction or lookup list")]
    ZeroDenominator,
    /// The out-of-domain point lies in the base field.
    #[error("out-of-domain point in the base field")]
    DegenerateChallenge,
    /// The constraints at the out-of-domain point do not match the quotient.
    #[error("table {0}: constraints at the out-of-domain point do not match the quotient")]
    OodMismatch(usize),
    /// The proof-of-work nonce is invalid.
    #[error("invalid proof of work")]
    ProofOfWork,
    /// A Merkle opening is invalid.
    #[error("{tree} opening: {err}")]
    Merkle {
        /// Which commitment.
        tree: &'static str,
        /// The problem.
        err: MerkleError,
    },
    /// A FRI layer's opened value differs from the folded (or DEEP) value.
    #[error("query {query}: FRI layer {layer} is inconsistent")]
    FriMismatch {
        /// Query number.
        query: usize,
        /// Layer number.
        layer: usize,
    },
    /// The final polynomial disagrees with the last folded value.
    #[error("query {0}: final polynomial mismatch")]
    FinalPoly(usize),
}

/// Maps a Merkle error of the tree named `tree` to a [`VerifyError`].
pub(super) fn merkle_err(tree: &'static str) -> impl Fn(MerkleError) -> VerifyError {
    move |err| VerifyError::Merkle { tree, err }
}
