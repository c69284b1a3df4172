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
//! A main column (current or next row), an auxiliary column and every selector have degree 1,
//! constants, public values and challenges degree 0; sums take the maximum, products the sum.
//! The selectors are the normalised ones (`is_first` 1 on row 0, `is_last` 1 on the last row,
//! `is_transition` 1 elsewhere; multilinear in the row index's bits, so of degree 1 in the AIR
//! sumcheck's variables like a column).
//!
//! # Buses (LogUp)
//! [`AirBuilder::send`] / [`AirBuilder::receive`] add `+m / (beta - c)` / `-m / (beta - c)` to
//! the table's running sum, where `m` is the multiplicity expression and
//! `c = bus + sum_j alpha^(j+1) v_j` compresses the bus id and the tuple `v`. `alpha, beta` are
//! extension challenges drawn after the main trace is committed. [`AirBuilder::send_public`] /
//! [`AirBuilder::receive_public`] declare contributions that the verifier computes itself from
//! the public values. The proof is accepted only if every table's sum plus those contributions
//! (and those of the statement's public lookup lists, [`crate::lookup`]) is zero.
//!
//! Proof system v2 proves the buses by a GKR fractional sumcheck over the interactions'
//! fractions themselves (`crate::v2::gkr`). The auxiliary columns below are what `build`
//! still derives for the FRI STARK this crate had first: they are part of every AIR (its
//! structural digest, constraint count and degree) but v2 neither commits nor evaluates them.
//!
//! `build` splits a table's `k > 0` private interactions into groups
//! ([`Air::interaction_groups`]) and appends one auxiliary extension column per group. With
//! `d_i = beta - c_i` and `N_G = sum_(i in G) ±m_i prod_(l in G, l != i) d_l` (`+` for a send,
//! `-` for a receive), so that `N_G / prod_(i in G) d_i = sum_(i in G) ±m_i / d_i`:
//!
//! * every group `G_j` but the last has a column `h_j` with the constraint
//!   `h_j prod_(i in G_j) d_i - N_(G_j) = 0`: `h_j` is the group's sum of fractions;
//! * the last column is the running sum `s`, with, for the last group `G`, the constraint
//!   `(s' - s + claimed_sum / n - sum_j h_j) prod_(i in G) d_i - N_G = 0` on every row,
//!   cyclically (`n` the table height; the prover starts `s` at 0 on the first row), so
//!   `s' - s + claimed_sum / n` is the row's sum of all fractions. Summed over the `n` rows of
//!   the cycle the `s` terms telescope away, leaving
//!   `claimed_sum = sum over rows of sum_i ±m_i / d_i`; no selector is needed, and `s` is the
//!   only auxiliary column read at the next row.
//!
//! When every denominator is non-zero on the trace domain, these constraints fix every
//! column to the sum of its fractions, exactly as one column per fraction would, so grouping
//! does not change what is proved nor the LogUp soundness term (which counts fractions). A group's constraint has degree
//! `max(1 + sum_i deg d_i, max_i (deg m_i + sum_(l != i) deg d_l))`: with linear tuples
//! and multiplicities of degree at most 1, a pair has degree 3 and a group of `g` degree
//! `g + 1`. Groups are formed first-fit in declaration order under a degree limit that never
//! exceeds the table's `max_constraint_degree`; among the limits allowed, `build` takes the
//! one that minimises the extension columns opened per query (groups plus quotient chunks),
//! the lowest on ties. So a table declared with degree 2 keeps one interaction per column,
//! a degree-3 table pairs its linear interactions, and an interaction whose own constraint
//! already has the table's degree (a quadratic tuple in a degree-3 table) keeps a column of
//! its own.
//!
//! # Next-row openings
//! [`Air::main_next_columns`] lists the main columns that some constraint reads at the next
//! row; v2 proves a next-row claim only for those ([`Air::aux_next_columns`], the auxiliary
//! columns read at the next row, is the FRI STARK's).
//!
//! # Files
//! [`AirBuilder`] and [`Expr`] (`builder.rs`), its `build` (`build.rs`) with the LogUp columns
//! (`logup.rs`) and the symbolic analysis (`analysis.rs`), the finished [`Air`] (`table.rs`),
//! the expression arena (`node.rs`), buses and interactions (`bus.rs`), size limits and
//! [`AirError`] (`limits.rs`). Each file uses only the ones before it in the order
//! `limits`, `node`, `bus`, `analysis`, `builder`, `table`, `logup`, `build`.

mod analysis;
mod build;
mod builder;
mod bus;
mod limits;
mod logup;
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
