//! Merkle commitments to one or several row-major matrices of KoalaBear elements, hashed with
//! Poseidon2, built in parallel with batched (one state per SIMD lane) permutations.
//!
//! # Construction
//!
//! A digest is [`Digest`] = `[KoalaBear; 8]`.
//!
//! * **Row hash** ([`hash_row`]): the general sponge [`crate::poseidon::sponge`] over
//!   Poseidon2 width 24 (rate 16, capacity 8, the input length in `state[16]`, overwrite mode,
//!   last chunk zero-padded, digest `state[0..8]`).
//! * **Node compression** ([`compress`]): `compress(l, r) = (P(l || r) + (l || r))[0..8]`,
//!   where `P` is Poseidon2 width 16, `l || r` the 16-element state `[l0..l7, r0..r7]` and `+`
//!   element-wise (feed-forward), truncated to the first 8 cells.
//! * **Several matrices** (all heights powers of two, `H` the largest, `d = log2 H`):
//!   - layer 0 has `H` digests: digest `i` is `hash_row` of the concatenation of row `i` of every
//!     matrix of height `H`, in the order the matrices were given;
//!   - layer `l + 1` (height `H / 2^(l+1)`) node `j` is first `n = compress(layer_l[2j],
//!     layer_l[2j+1])`; if some matrices have height `H / 2^(l+1)`, it becomes
//!     `compress(n, hash_row(concatenation of row j of those matrices, in the given order)))`;
//!   - the root is the single node of layer `d`.
//!
//!   With one matrix this is the usual binary Merkle tree over row hashes. The same rule as
//!   Plonky3's MMCS (inject shorter matrices at the layer of their height), not its exact bits.
//! * **Openings** ([`Opening`], [`MultiOpening`]): the opened row of every matrix (matrix `k`
//!   of height `h_k` is opened at row `index >> (d - log2 h_k)`) plus sibling digests from the
//!   leaves up. A multi-opening sends each needed sibling once: for each layer, going through
//!   the distinct node indices of that layer in increasing order, the sibling of a node is sent
//!   unless it is itself one of those nodes.
//!
//! Results are identical on every instruction set and rayon thread count: each digest is
//! computed independently from the same inputs by bit-identical kernels.
//!
//! Verification ([`verify`], [`verify_multi`]) uses the scalar reference permutations;
//! [`verify_multi_with`] gives the same answers with the batched, dispatched kernels (all
//! rows and nodes of a layer in one call each). All return a [`MerkleError`] naming the first
//! problem found and never panic on malformed openings.
//! Matrices of width 0 are rejected (their height would be undefined for a row-major slice).

mod chunks;
mod error;
mod hash;
mod leaf_tree;
mod paths;
mod shape;
mod verify;

pub use error::MerkleError;
pub use hash::{
    COMPRESS_PERMUTATION, DIGEST_LEN, Digest, ROW_HASH_PERMUTATION, compress, hash_row,
};
pub use leaf_tree::{LeafTree, hash_leaves};
pub use paths::{AuthenticationPath, authentication_paths};
pub use shape::{Dimensions, Matrix, MultiOpening, Opening};
pub use verify::{verify, verify_multi, verify_multi_with};

use crate::field::KoalaBear;
use crate::isa::Isa;
use crate::poseidon;
use chunks::ROW_CHUNK;
use hash::compress_batch;
use leaf_tree::compress_layer;
use rayon::prelude::*;
use shape::layout;

/// Hashes rows `start..start + out.len()` of the matrices `group` (all of one height; each row
/// the concatenation of their rows in order) into `out`, batched.
fn hash_rows<V: AsRef<[KoalaBear]>>(
    isa: Isa,
    matrices: &[Matrix<V>],
    group: &[usize],
    start: usize,
    out: &mut [Digest],
) {
    let n = out.len();
    if let [k] = group {
        let m = &matrices[*k];
        let w = m.width;
        poseidon::sponge_batch(
            isa,
            ROW_HASH_PERMUTATION,
            &m.values()[start * w..(start + n) * w],
            w,
            out,
        );
        return;
    }
    let total: usize = group.iter().map(|&k| matrices[k].width).sum();
    let mut buf = Vec::with_capacity(n * total);
    for i in start..start + n {
        for &k in group {
            buf.extend_from_slice(matrices[k].row(i));
        }
    }
    poseidon::sponge_batch(isa, ROW_HASH_PERMUTATION, &buf, total, out);
}

/// A Merkle tree over one or several matrices, keeping every layer for openings.
#[derive(Clone, Debug)]
pub struct MerkleTree<V = Vec<KoalaBear>> {
    matrices: Vec<Matrix<V>>,
    /// The digests, layer by layer.
    tree: LeafTree,
}

impl<V: AsRef<[KoalaBear]> + Sync> MerkleTree<V> {
    /// Commits to `matrices` (see the module docs for the construction), hashing with the
    /// kernels of `isa` and splitting each layer across rayon tasks.
    ///
    /// # Errors
    /// [`MerkleError::NoMatrices`], [`MerkleError::ZeroWidth`], [`MerkleError::RaggedMatrix`],
    /// [`MerkleError::HeightNotPowerOfTwo`] or [`MerkleError::RowTooLong`] naming the first
    /// bad matrix.
    pub fn new(isa: Isa, matrices: Vec<Matrix<V>>) -> Result<Self, MerkleError> {
        for (k, m) in matrices.iter().enumerate() {
            let len = m.values().len();
            if m.width == 0 {
                return Err(MerkleError::ZeroWidth { matrix: k });
            }
            if len % m.width != 0 {
                return Err(MerkleError::RaggedMatrix {
                    matrix: k,
                    len,
                    width: m.width,
                });
            }
        }
        let dims: Vec<Dimensions> = matrices.iter().map(Matrix::dimensions).collect();
        let (depth, groups) = layout(&dims)?;
        let leaves = 1usize << depth;

        let mut layers = Vec::with_capacity(depth + 1);
        let mut leaf = vec![[KoalaBear::ZERO; DIGEST_LEN]; leaves];
        leaf.par_chunks_mut(ROW_CHUNK)
            .enumerate()
            .for_each(|(c, out)| hash_rows(isa, &matrices, &groups[0], c * ROW_CHUNK, out));
        layers.push(leaf);
        for (l, group) in groups.iter().enumerate().skip(1) {
            let prev: &[Digest] = &layers[l - 1];
            if group.is_empty() {
                let next = compress_layer(isa, prev);
                layers.push(next);
                continue;
            }
            let mut next = vec![[KoalaBear::ZERO; DIGEST_LEN]; leaves >> l];
            next.par_chunks_mut(ROW_CHUNK)
                .enumerate()
                .for_each(|(c, out)| {
                    let start = c * ROW_CHUNK;
                    compress_batch(
                        isa,
                        |i| (prev[2 * (start + i)], prev[2 * (start + i) + 1]),
                        out,
                    );
                    let mut rows = vec![[KoalaBear::ZERO; DIGEST_LEN]; out.len()];
                    hash_rows(isa, &matrices, group, start, &mut rows);
                    let nodes = out.to_vec();
                    compress_batch(isa, |i| (nodes[i], rows[i]), out);
                });
            layers.push(next);
        }
        Ok(Self {
            matrices,
            tree: LeafTree::from_layers(layers),
        })
    }

    /// Commits to a single row-major matrix; see [`MerkleTree::new`].
    ///
    /// # Errors
    /// As [`MerkleTree::new`].
    pub fn from_rows(isa: Isa, values: V, width: usize) -> Result<Self, MerkleError> {
        Self::new(isa, vec![Matrix::new(values, width)])
    }

    /// The commitment.
    pub fn root(&self) -> Digest {
        self.tree.root()
    }

    /// Number of layers above the leaves (`log2` of the largest height).
    pub fn depth(&self) -> usize {
        self.tree.depth()
    }

    /// Number of leaves (the largest height).
    pub fn leaves(&self) -> usize {
        self.tree.leaves()
    }

    /// The digests of layer `l` (0 = leaves), or `None` above the root.
    pub fn layer(&self, l: usize) -> Option<&[Digest]> {
        self.tree.layer(l)
    }

    /// The committed matrices, in commitment order.
    pub fn matrices(&self) -> &[Matrix<V>] {
        &self.matrices
    }

    /// The dimensions of the committed matrices (what the verifier needs), in order.
    pub fn dimensions(&self) -> Vec<Dimensions> {
        self.matrices.iter().map(Matrix::dimensions).collect()
    }

    fn check_index(&self, index: usize) -> Result<(), MerkleError> {
        if index < self.leaves() {
            Ok(())
        } else {
            Err(MerkleError::IndexOutOfRange {
                index,
                leaves: self.leaves(),
            })
        }
    }

    fn rows_at(&self, index: usize) -> Vec<Vec<KoalaBear>> {
        let depth = self.depth();
        self.matrices
            .iter()
            .map(|m| {
                let shift = depth - m.height().trailing_zeros() as usize;
                m.row(index >> shift).to_vec()
            })
            .collect()
    }

    /// Opens leaf `index`: the rows of every matrix and the sibling path.
    ///
    /// # Errors
    /// [`MerkleError::IndexOutOfRange`].
    pub fn open(&self, index: usize) -> Result<Opening, MerkleError> {
        self.check_index(index)?;
        let layers = self.tree.layers();
        let siblings = (0..self.depth())
            .map(|l| layers[l][(index >> l) ^ 1])
            .collect();
        Ok(Opening {
            rows: self.rows_at(index),
            siblings,
        })
    }

    /// Opens several leaves at once (in any order, duplicates allowed); shared nodes are sent
    /// once (see [`MultiOpening`]).
    ///
    /// # Errors
    /// [`MerkleError::NoIndices`] or [`MerkleError::IndexOutOfRange`] for the first bad index.
    pub fn open_multi(&self, indices: &[usize]) -> Result<MultiOpening, MerkleError> {
        let (nodes, siblings) = self.tree.multi_siblings(indices)?;
        let rows = nodes.iter().map(|&i| self.rows_at(i)).collect();
        Ok(MultiOpening { rows, siblings })
    }
}
