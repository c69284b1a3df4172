//! [`MerklePathColumns`]: the column indices of the Merkle-path table.

use backend::merkle::DIGEST_LEN;
use lean_prover::Col;

/// Column indices of the Merkle-path table (see the module docs of
/// [`merkle_path_table`](super)).
#[derive(Clone, Debug)]
pub struct MerklePathColumns {
    /// The path's id.
    pub path: Col,
    /// The digest at this level.
    pub node: [Col; DIGEST_LEN],
    /// Its sibling.
    pub sibling: [Col; DIGEST_LEN],
    /// The index bit of this level.
    pub bit: Col,
    /// The digest one level up.
    pub parent: [Col; DIGEST_LEN],
    /// `2^level`.
    pub pow: Col,
    /// The index's bits up to this level.
    pub index: Col,
    /// 1 on a path's first row.
    pub first: Col,
    /// 1 on a path's last row.
    pub last: Col,
    /// 1 on the rows of a path, 0 on padding rows.
    pub active: Col,
}
