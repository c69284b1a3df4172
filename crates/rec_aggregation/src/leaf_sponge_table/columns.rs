//! [`LeafSpongeColumns`]: the column indices of the leaf-sponge table.

use lean_prover::Col;

/// Column indices of the leaf-sponge table (see the module docs of
/// [`leaf_sponge_table`](super)).
#[derive(Clone, Debug)]
pub struct LeafSpongeColumns {
    /// The sponge's id.
    pub leaf: Col,
    /// The chunk's index in the sponge.
    pub chunk: Col,
    /// The sponge's input length.
    pub len: Col,
    /// The absorbed chunk: the permutation's input cells 0 to 15.
    pub rate: [Col; 16],
    /// The permutation's input cells 16 to 23.
    pub capacity: [Col; 8],
    /// The permutation's output.
    pub out: [Col; 24],
    /// 1 on a sponge's first row.
    pub first: Col,
    /// 1 on a sponge's last row.
    pub last: Col,
    /// 1 on the rows of a sponge, 0 on padding rows.
    pub active: Col,
}
