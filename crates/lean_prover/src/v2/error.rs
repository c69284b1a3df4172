//! Why a v2 proof could not be made, or was rejected: every variant names the step.

use super::gkr::GkrError;
use super::sumcheck::SumcheckError;
use super::whir::WhirError;
use super::zerocheck::ZerocheckError;
use crate::codec::DecodeError;
use crate::statement::StatementError;

/// A v2 failure.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ErrorV2 {
    /// The bytes are not a well-formed proof of this statement's shape.
    #[error("malformed v2 proof bytes: {0}")]
    Decode(#[from] DecodeError),
    /// The statement (tables, heights, public values, buses, lookup lists) is invalid.
    #[error("statement: {0}")]
    Statement(#[from] StatementError),
    /// The stacked polynomial's commitment or opening.
    #[error("WHIR: {0}")]
    Whir(#[from] WhirError),
    /// LogUp's fractional sum.
    #[error("GKR: {0}")]
    Gkr(#[from] GkrError),
    /// The AIR sumcheck.
    #[error("AIR sumcheck: {0}")]
    Zerocheck(#[from] ZerocheckError),
    /// A table's next-row sumcheck.
    #[error("table {table}: next-row sumcheck: {source}")]
    Shift {
        /// The table.
        table: usize,
        /// The sumcheck error.
        source: SumcheckError,
    },
    /// A table's next-row sumcheck ends on values that do not match its claim.
    #[error("table {table}: next-row columns do not match the shift claim")]
    ShiftClaim {
        /// The table.
        table: usize,
    },
    /// The grinding before the bus challenges is not satisfied.
    #[error("proof of work before the bus challenges rejected")]
    BusProofOfWork,
    /// The buses do not balance: the tables' fractions plus the public contributions are not
    /// zero (on the prover's side: the witness is false).
    #[error("the bus sums do not balance")]
    Unbalanced,
    /// On the prover's side: constraint `constraint` (in the order the AIR declared its
    /// constraints) of table `table` does not hold on row `row` (the first such row of the
    /// first such table; the witness is false).
    #[error("table {table}: constraint {constraint} fails on row {row}")]
    ConstraintFailed {
        /// The table, in statement order.
        table: usize,
        /// The constraint's index among the AIR's own constraints.
        constraint: usize,
        /// The first failing row.
        row: usize,
    },
    /// The AIR sumcheck's claim differs from the prover's own sum, and no constraint fails
    /// on any row: a fraction is inconsistent with the trace (the witness is false).
    #[error("the witness does not satisfy the tables' constraints")]
    FalseWitness,
    /// The proof's parts do not have the shape the statement fixes.
    #[error("malformed v2 proof: {what}: expected {expected}, got {got}")]
    Shape {
        /// What is malformed.
        what: &'static str,
        /// Expected count.
        expected: usize,
        /// Count received.
        got: usize,
    },
    /// The parameters give less security for this statement than the verifier's policy
    /// asks for ([`super::PolicyV2`]; computed by the verifier, never read from the proof).
    #[error(
        "v2 parameters give {provable_bits:.2} provable bits for this statement (binding term: {binding}), below the policy minimum {min_provable_bits}"
    )]
    Policy {
        /// The parameters' provable bits for the statement.
        provable_bits: f64,
        /// The weakest term's name.
        binding: String,
        /// The policy's minimum.
        min_provable_bits: f64,
    },
    /// A LogUp denominator the verifier computes (public interactions, lookup lists) is zero.
    #[error("a public LogUp denominator is zero")]
    PublicDenominator,
}
