//! The prover's switches ([`ProverOptions`]) and why it produces no proof ([`ProveError`]).

use crate::statement::StatementError;
use backend::Isa;
use backend::merkle::MerkleError;

/// Prover switches.
#[derive(Copy, Clone, Debug)]
pub struct ProverOptions {
    /// The instruction set for every kernel (the proof bytes do not depend on it).
    pub isa: Isa,
    /// Skip the prover's own witness checks (constraints on the trace, bus balance). Only
    /// for soundness tests (the test-only `forgery` feature; never in a release build): the
    /// resulting proof must then be rejected by the verifier.
    #[cfg(feature = "forgery")]
    pub skip_witness_checks: bool,
}

impl ProverOptions {
    /// The defaults with the instruction set `isa`.
    pub fn with_isa(isa: Isa) -> Self {
        Self {
            isa,
            #[cfg(feature = "forgery")]
            skip_witness_checks: false,
        }
    }

    /// Whether the prover skips its witness checks (never without the `forgery` feature).
    pub(crate) fn skips_witness_checks(&self) -> bool {
        #[cfg(feature = "forgery")]
        {
            self.skip_witness_checks
        }
        #[cfg(not(feature = "forgery"))]
        {
            false
        }
    }
}

impl Default for ProverOptions {
    fn default() -> Self {
        Self::with_isa(Isa::current())
    }
}

/// Why no proof was produced.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ProveError {
    /// The statement or parameters are invalid.
    #[error(transparent)]
    Statement(#[from] StatementError),
    /// A constraint fails on a row of the witness.
    #[error("table {table}: constraint {constraint} fails on row {row}")]
    ConstraintFailed {
        /// Table index.
        table: usize,
        /// Constraint index.
        constraint: usize,
        /// First failing row.
        row: usize,
    },
    /// The buses do not balance: the LogUp sums plus the public contributions (public
    /// interactions and public lookup lists) are not zero, or one of the public denominators
    /// vanished.
    #[error("bus interactions do not balance")]
    BusUnbalanced,
    /// A LogUp denominator vanished (probability about rows / 2^155).
    #[error("LogUp denominator is zero in table {0}")]
    ZeroDenominator(usize),
    /// The out-of-domain point fell in the base field (probability about 2^-124).
    #[error("out-of-domain point in the base field")]
    DegenerateChallenge,
    /// A commitment failed (an internal error).
    #[error("commitment: {0}")]
    Merkle(#[from] MerkleError),
}
