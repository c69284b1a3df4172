//! The AIR sumcheck's messages ([`ZerocheckProof`], the per-table column values
//! [`TableEvals`]), their transcript observation, and why a sumcheck fails
//! ([`ZerocheckError`]).

use backend::challenger::Challenger;
use backend::field::Ext5;

/// The values the prover sends for one table at its point `s_t`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TableEvals {
    /// Every main column, in order.
    pub main: Vec<Ext5>,
    /// Every rotated column, in the order of [`Air::main_next_columns`](crate::air::Air::main_next_columns).
    pub next: Vec<Ext5>,
}

/// An AIR sumcheck proof.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ZerocheckProof {
    /// Per round, `q_i(0), q_i(2), ..., q_i(D)`.
    pub rounds: Vec<Vec<Ext5>>,
    /// Per table, the column values at its point.
    pub evals: Vec<TableEvals>,
}

impl ZerocheckProof {
    /// Extension elements in the proof.
    pub fn num_elements(&self) -> usize {
        self.rounds.iter().map(Vec::len).sum::<usize>()
            + self
                .evals
                .iter()
                .map(|e| e.main.len() + e.next.len())
                .sum::<usize>()
    }
}

/// Why an AIR sumcheck could not be made or was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ZerocheckError {
    /// A table's inputs do not fit its AIR or the point.
    #[error("zerocheck table {table}: {what}")]
    Input {
        /// The table.
        table: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// The proof does not have the shape the statement fixes.
    #[error("malformed zerocheck proof: {what}: expected {expected}, got {got}")]
    Shape {
        /// What is malformed.
        what: &'static str,
        /// Expected count.
        expected: usize,
        /// Count received.
        got: usize,
    },
    /// An eq coordinate is zero (probability `1 / |K|`).
    #[error("zerocheck round {round}: zero eq coordinate")]
    Degenerate {
        /// The round.
        round: usize,
    },
    /// The reduced claim differs from the tables' summands at the sent values.
    #[error("zerocheck: the column values do not satisfy the final claim")]
    FinalClaim,
}

/// Observes one table's sent values: main columns, then rotated ones.
pub(super) fn ch_observe_evals(ch: &mut Challenger, e: &TableEvals) {
    for &v in e.main.iter().chain(&e.next) {
        ch.observe_ext(v);
    }
}
