//! Why a WHIR commitment or opening could not be made, or was rejected.

use backend::merkle::MerkleError;

/// A WHIR failure: bad parameters or inputs on the prover's side, a malformed or false
/// proof on the verifier's side. Every variant names the round or input concerned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WhirError {
    /// A parameter outside what the prover can run.
    #[error("WHIR parameter {what} = {value} is out of range")]
    Params {
        /// The parameter.
        what: &'static str,
        /// Its value.
        value: usize,
    },
    /// The committed table does not have `2^v` values.
    #[error("polynomial has {got} values, the parameters need 2^{num_variables}")]
    PolynomialLength {
        /// Variables of the parameters.
        num_variables: usize,
        /// Values received.
        got: usize,
    },
    /// The committed table is not zero on a block the parameters leave out of the first
    /// oracle ([`super::WhirParams::first_active`]).
    #[error("committed table is not zero on block {block}, which the first oracle leaves out")]
    InactiveBlock {
        /// The block `a` of the first round.
        block: usize,
    },
    /// A claim's weight does not have one factor per variable.
    #[error("claim {index} has {got} variables, the polynomial has {expected}")]
    ClaimDimension {
        /// The claim.
        index: usize,
        /// Variables of the polynomial.
        expected: usize,
        /// Variables of the claim's weight.
        got: usize,
    },
    /// A point given to a weight does not have one coordinate per variable.
    #[error("point has {got} coordinates, the weight has {expected} variables")]
    PointDimension {
        /// Variables of the weight.
        expected: usize,
        /// Coordinates of the point.
        got: usize,
    },
    /// Building an oracle's Merkle tree failed (the codeword's shape does not fit the
    /// leaves the parameters fix).
    #[error("round {round}: building the oracle's Merkle tree failed: {source}")]
    Tree {
        /// The round whose oracle was being committed.
        round: usize,
        /// The Merkle error.
        source: MerkleError,
    },
    /// The proof does not have the shape the parameters fix.
    #[error("malformed proof: {what} (round {round}): expected {expected}, got {got}")]
    Shape {
        /// What is malformed.
        what: &'static str,
        /// The round.
        round: usize,
        /// The count expected.
        expected: usize,
        /// The count received.
        got: usize,
    },
    /// A grinding nonce does not give the required zero bits.
    #[error("proof of work rejected in round {round} ({what})")]
    ProofOfWork {
        /// The round.
        round: usize,
        /// Which grinding: a fold or the queries.
        what: &'static str,
    },
    /// A Merkle opening does not verify against the round's root.
    #[error("round {round}: query opening rejected: {source}")]
    Opening {
        /// The round.
        round: usize,
        /// The Merkle error.
        source: MerkleError,
    },
    /// A folded query value differs from the final polynomial.
    #[error("round {round}: query {query} does not match the final polynomial")]
    FinalQuery {
        /// The last round.
        round: usize,
        /// The query (its place among the indices drawn).
        query: usize,
    },
    /// The last sumcheck claim differs from the weight times the final polynomial.
    #[error("final claim differs from the weights times the final polynomial")]
    FinalClaim,
}
