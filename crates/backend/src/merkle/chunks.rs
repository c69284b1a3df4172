//! How many digests one rayon task computes when a tree layer is split across tasks, shared
//! by the tree over matrices (`MerkleTree`) and the tree over leaf digests (`LeafTree`,
//! `hash_leaves`).

/// Digests per rayon task in the leaf layer and in injections.
pub(super) const ROW_CHUNK: usize = 256;
/// Nodes per rayon task in the inner layers.
pub(super) const NODE_CHUNK: usize = 1024;
