//! The column layout of a Poseidon1 permutation table ([`Poseidon1Columns`]): built with the
//! AIR by `Poseidon1Table::with_output` and read by both witness generators (the
//! round-by-round reference and the batched rows of `rows.rs`).

use lean_prover::Col;

/// Column indices of one permutation table.
#[derive(Clone, Debug)]
pub struct Poseidon1Columns<const T: usize> {
    /// Input state.
    pub input: [Col; T],
    /// Per round: the stored S-box input columns (`t` for a stored full round, 1 for a
    /// partial round, none for round 0).
    pub sbox: Vec<Vec<Col>>,
    /// Output cells: the output state, or the compression output (`len` cells).
    pub output: Vec<Col>,
    /// Multiplicity of the bus receive.
    pub mult: Col,
    /// Multiplicity of the shorter prefix's receive (prefix mode with `short` only).
    pub short_mult: Option<Col>,
    /// Number of columns.
    pub width: usize,
}
