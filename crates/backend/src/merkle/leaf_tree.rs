//! A Merkle tree over leaf digests that the caller computes chunk by chunk ([`hash_leaves`]),
//! for a matrix too large to keep: the caller hashes each part of it while the part is in
//! memory, drops it, and supplies the opened rows again when asked. The tree is the same as
//! [`super::MerkleTree::from_rows`] over the whole matrix (same leaves, same layers, same
//! multi-opening siblings), so a verifier cannot tell the two apart.

use super::chunks::{NODE_CHUNK, ROW_CHUNK};
use super::error::MerkleError;
use super::hash::{DIGEST_LEN, Digest, ROW_HASH_PERMUTATION, compress_batch};
use crate::field::KoalaBear;
use crate::isa::Isa;
use crate::poseidon;
use rayon::prelude::*;

/// Hashes the rows of a row-major matrix (`rows.len() = width * out.len()`) into `out`:
/// `out[i]` is the leaf digest of row `i`, exactly as [`super::MerkleTree::from_rows`]
/// computes it. Batched and split across rayon tasks.
///
/// # Panics
/// If `width` is zero or `rows` does not hold `out.len()` rows of `width` values (the caller's
/// shapes are fixed by its own parameters).
pub fn hash_leaves(isa: Isa, rows: &[KoalaBear], width: usize, out: &mut [Digest]) {
    assert!(
        width > 0 && rows.len() == width * out.len(),
        "hash_leaves: {} values are not {} rows of width {width}",
        rows.len(),
        out.len()
    );
    out.par_chunks_mut(ROW_CHUNK)
        .enumerate()
        .for_each(|(c, digests)| {
            let start = c * ROW_CHUNK * width;
            let part = &rows[start..start + digests.len() * width];
            poseidon::sponge_batch(isa, ROW_HASH_PERMUTATION, part, width, digests);
        });
}

/// The layers of a binary Merkle tree above given leaf digests (no matrix kept).
#[derive(Clone, Debug)]
pub struct LeafTree {
    /// `layers[0]` are the leaf digests, `layers[depth]` is `[root]`.
    layers: Vec<Vec<Digest>>,
}

impl LeafTree {
    /// Builds the inner layers above `leaves` (a power-of-two count).
    ///
    /// # Errors
    /// [`MerkleError::HeightNotPowerOfTwo`] (matrix 0) if the count is zero or not a power of
    /// two.
    pub fn new(isa: Isa, leaves: Vec<Digest>) -> Result<Self, MerkleError> {
        if !leaves.len().is_power_of_two() {
            return Err(MerkleError::HeightNotPowerOfTwo {
                matrix: 0,
                height: leaves.len(),
            });
        }
        let mut layers = vec![leaves];
        while let Some(prev) = layers.last().filter(|l| l.len() > 1) {
            let next = compress_layer(isa, prev);
            layers.push(next);
        }
        Ok(LeafTree { layers })
    }

    /// A tree from layers built elsewhere (`layers[0]` the leaves, each next layer half the
    /// previous one, the last `[root]`).
    pub(super) fn from_layers(layers: Vec<Vec<Digest>>) -> LeafTree {
        LeafTree { layers }
    }

    /// Every layer, the leaves first.
    pub(super) fn layers(&self) -> &[Vec<Digest>] {
        &self.layers
    }

    /// The digests of layer `l` (0 = leaves), or `None` above the root.
    pub fn layer(&self, l: usize) -> Option<&[Digest]> {
        self.layers.get(l).map(Vec::as_slice)
    }

    /// The commitment.
    pub fn root(&self) -> Digest {
        self.layers[self.depth()][0]
    }

    /// Number of layers above the leaves.
    pub fn depth(&self) -> usize {
        self.layers.len() - 1
    }

    /// Number of leaves.
    pub fn leaves(&self) -> usize {
        self.layers[0].len()
    }

    /// The distinct `indices` in increasing order (the order of a multi-opening's rows) and
    /// the siblings of their multi-opening, exactly as [`super::MerkleTree::open_multi`]
    /// sends them.
    ///
    /// # Errors
    /// [`MerkleError::NoIndices`] or [`MerkleError::IndexOutOfRange`] for the first bad index.
    pub fn multi_siblings(
        &self,
        indices: &[usize],
    ) -> Result<(Vec<usize>, Vec<Digest>), MerkleError> {
        let nodes = distinct_leaves(indices, self.leaves())?;
        let siblings = multi_siblings(&self.layers, nodes.clone());
        Ok((nodes, siblings))
    }
}

/// The next layer up: `out[j] = compress(prev[2j], prev[2j + 1])`.
pub(super) fn compress_layer(isa: Isa, prev: &[Digest]) -> Vec<Digest> {
    let mut next = vec![[KoalaBear::ZERO; DIGEST_LEN]; prev.len() / 2];
    next.par_chunks_mut(NODE_CHUNK)
        .enumerate()
        .for_each(|(c, out)| {
            let start = c * NODE_CHUNK;
            compress_batch(
                isa,
                |i| (prev[2 * (start + i)], prev[2 * (start + i) + 1]),
                out,
            );
        });
    next
}

/// Checks `indices` against `leaves` and returns them sorted and deduplicated.
fn distinct_leaves(indices: &[usize], leaves: usize) -> Result<Vec<usize>, MerkleError> {
    if indices.is_empty() {
        return Err(MerkleError::NoIndices);
    }
    if let Some(&index) = indices.iter().find(|&&i| i >= leaves) {
        return Err(MerkleError::IndexOutOfRange { index, leaves });
    }
    let mut nodes = indices.to_vec();
    nodes.sort_unstable();
    nodes.dedup();
    Ok(nodes)
}

/// The siblings of a multi-opening of the sorted distinct leaf indices `nodes`: layer by layer
/// from the leaves up, by increasing node index, skipping a sibling that is itself opened.
fn multi_siblings(layers: &[Vec<Digest>], mut nodes: Vec<usize>) -> Vec<Digest> {
    let mut siblings = Vec::new();
    for layer in &layers[..layers.len() - 1] {
        let mut j = 0;
        while j < nodes.len() {
            let i = nodes[j];
            if i & 1 == 0 && nodes.get(j + 1) == Some(&(i + 1)) {
                j += 2;
            } else {
                siblings.push(layer[i ^ 1]);
                j += 1;
            }
        }
        for n in nodes.iter_mut() {
            *n >>= 1;
        }
        nodes.dedup();
    }
    siblings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_shapes_and_indices_are_typed_errors() {
        let isa = Isa::current();
        assert!(matches!(
            LeafTree::new(isa, vec![[KoalaBear::ZERO; 8]; 3]),
            Err(MerkleError::HeightNotPowerOfTwo { height: 3, .. })
        ));
        assert!(LeafTree::new(isa, Vec::new()).is_err());
        let tree = LeafTree::new(isa, vec![[KoalaBear::ONE; 8]; 4]).unwrap();
        assert_eq!(tree.multi_siblings(&[]), Err(MerkleError::NoIndices));
        assert_eq!(
            tree.multi_siblings(&[1, 4]),
            Err(MerkleError::IndexOutOfRange {
                index: 4,
                leaves: 4
            })
        );
    }
}
