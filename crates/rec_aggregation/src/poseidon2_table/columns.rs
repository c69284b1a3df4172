//! The column layout of a Poseidon2 permutation table ([`Poseidon2Columns`]): built with the
//! AIR by `Poseidon2Table::with_output` and read by the witness generator
//! (`Poseidon2Table::fill_row`).

use lean_prover::Col;

/// Column indices of one Poseidon2 permutation table.
#[derive(Clone, Debug)]
pub struct Poseidon2Columns<const T: usize> {
    /// Input state.
    pub input: [Col; T],
    /// Per round, in round order (the 4 initial external rounds, the internal rounds, the 4
    /// final external rounds): the stored S-box input columns (`T` for a stored external
    /// round, 1 for an internal round, none for round 0, whose S-box input is affine in the
    /// input).
    pub sbox: Vec<Vec<Col>>,
    /// Output cells: the output state, or the compression output (`len` cells).
    pub output: Vec<Col>,
    /// Multiplicity of the bus receive.
    pub mult: Col,
    /// Number of columns.
    pub width: usize,
}
