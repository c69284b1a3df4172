//! The AIR interface: named columns, symbolic constraints over the current and next row,
//! selectors, public values and LogUp bus interactions.
//!
//! An AIR is described once with an [`AirBuilder`]: every expression the caller writes is a
//! node of one arena (a DAG: identical nodes are shared), so the same description is evaluated
//! three ways:
//!
//! * symbolically, by [`AirBuilder::build`]: the degree of every constraint (checked against the
//!   configured maximum) and the list of bus interactions;
//! * by the prover over chunks of rows, node by node with the dispatched slice kernels
//!   (`crate::eval`; the AIR sumcheck has its own evaluation, `crate::v2::zerocheck`);
//! * by the verifier at the sumcheck's random point, in the extension field.
//!
//! # Degrees
//! A main column (current or next row) and every selector have degree 1,
//! constants, public values and challenges degree 0; sums take the maximum, products the sum.
//! The selectors are the normalised ones (`is_first` 1 on row 0, `is_last` 1 on the last row,
//! `is_transition` 1 elsewhere; multilinear in the row index's bits, so of degree 1 in the AIR
//! sumcheck's variables like a column).
//!
//! # Buses (LogUp)
//! [`AirBuilder::send`] / [`AirBuilder::receive`] add `+m / (beta - c)` / `-m / (beta - c)` to
//! the table's bus sum, where `m` is the multiplicity expression and
//! `c = bus + sum_j alpha^(j+1) v_j` compresses the bus id and the tuple `v`. `alpha, beta` are
//! extension challenges drawn after the trace is committed. [`AirBuilder::send_public`] /
//! [`AirBuilder::receive_public`] declare contributions that the verifier computes itself from
//! the public values. The proof is accepted only if every table's sum plus those contributions
//! (and those of the statement's public lookup lists, [`crate::lookup`]) is zero.
//!
//! Each interaction's denominator `beta - c` is an arena node that `build` adds; proof system
//! v2 proves the buses by a GKR fractional sumcheck over the fractions `±m / (beta - c)` of
//! every row (`crate::v2::gkr`), so interactions add no constraint and no column. Their count
//! and their longest tuple enter the LogUp soundness term.
//!
//! # Next-row openings
//! [`Air::main_next_columns`] lists the main columns that some constraint reads at the next
//! row; v2 proves a next-row claim only for those.
//!
//! # Files
//! [`AirBuilder`] and [`Expr`] (`builder.rs`), its `build` (`build.rs`) with the interactions'
//! denominators (`denominators.rs`) and the symbolic analysis (`analysis.rs`), the finished
//! [`Air`] (`table.rs`), the expression arena (`node.rs`), buses and interactions (`bus.rs`),
//! size limits and [`AirError`] (`limits.rs`). Each file uses only the ones before it in the
//! order `limits`, `node`, `bus`, `analysis`, `builder`, `table`, `denominators`, `build`.

mod analysis;
mod build;
mod builder;
mod bus;
mod denominators;
mod limits;
mod node;
mod table;

pub use builder::{AirBuilder, Col, Expr};
pub use bus::{BusId, Direction};
pub use limits::{
    AirError, MAX_COLUMNS, MAX_CONSTRAINT_DEGREE, MAX_INTERACTIONS, MAX_NODES, MAX_PUBLIC_VALUES,
    MAX_TUPLE_LEN,
};
pub use table::Air;

pub(crate) use node::{Challenges, Node};
