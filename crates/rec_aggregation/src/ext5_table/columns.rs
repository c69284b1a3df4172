//! The column layout of the extension-field arithmetic table ([`Ext5Columns`]): built with the
//! AIR by `Ext5Table::with_bus` and read by the witness generator (`Ext5Table::fill_row`).

use lean_prover::Col;

/// Column indices of the extension-field arithmetic table: one row per operation
/// `c = a * b + d` in `K = F_p^5`, every element stored as its five coefficients (constant
/// term first, as `backend::field::Ext5::coeffs` gives them).
#[derive(Clone, Debug)]
pub struct Ext5Columns {
    /// The coefficients of the first factor `a`.
    pub a: [Col; 5],
    /// The coefficients of the second factor `b`.
    pub b: [Col; 5],
    /// The coefficients of the addend `d`.
    pub d: [Col; 5],
    /// The coefficients of the result `c = a * b + d`.
    pub c: [Col; 5],
    /// Multiplicity of the bus receive.
    pub mult: Col,
    /// Number of columns.
    pub width: usize,
}
