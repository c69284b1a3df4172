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

mod verify;

pub use verify::{verify, verify_multi, verify_multi_with};

use crate::field::KoalaBear;
use crate::isa::Isa;
use crate::poseidon::{self, Permutation, poseidon2_16_batch, poseidon2_permute_16};
use rayon::prelude::*;

/// A Merkle digest: eight field elements (about 248 bits).
pub type Digest = [KoalaBear; DIGEST_LEN];

/// Number of field elements in a [`Digest`].
pub const DIGEST_LEN: usize = 8;

/// The permutation of the row hash (Poseidon2 width 24, sponge rate 16).
pub const ROW_HASH_PERMUTATION: Permutation = Permutation::Poseidon2W24;

/// The permutation of the 2-to-1 compression (Poseidon2 width 16).
pub const COMPRESS_PERMUTATION: Permutation = Permutation::Poseidon2W16;

/// Digests per rayon task in the leaf layer and in injections.
const ROW_CHUNK: usize = 256;
/// Nodes per rayon task in the inner layers.
const NODE_CHUNK: usize = 1024;
/// States per batched permutation call (stays in L1).
const BLOCK: usize = 128;

/// Errors of tree construction, opening and verification. Each names the offending input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// A commitment needs at least one matrix.
    #[error("no matrices to commit to")]
    NoMatrices,
    /// Matrix `matrix` has width 0.
    #[error("matrix {matrix} has width 0")]
    ZeroWidth {
        /// Index of the matrix.
        matrix: usize,
    },
    /// Matrix `matrix` has `len` values, not a multiple of its width.
    #[error("matrix {matrix}: {len} values is not a whole number of rows of width {width}")]
    RaggedMatrix {
        /// Index of the matrix.
        matrix: usize,
        /// Number of values.
        len: usize,
        /// Row width.
        width: usize,
    },
    /// Matrix `matrix` has a height that is zero or not a power of two.
    #[error("matrix {matrix} has height {height}, not a power of two")]
    HeightNotPowerOfTwo {
        /// Index of the matrix.
        matrix: usize,
        /// Its height.
        height: usize,
    },
    /// The rows hashed together at one height are too long for the sponge (`>= p` elements).
    #[error("rows of the matrices of height {height} have {len} elements in total, too many")]
    RowTooLong {
        /// The height of the matrices concerned.
        height: usize,
        /// Total row length.
        len: usize,
    },
    /// A multi-opening was asked for, or checked against, no index at all.
    #[error("no indices to open")]
    NoIndices,
    /// A leaf index is not below the number of leaves.
    #[error("index {index} out of range for a tree of {leaves} leaves")]
    IndexOutOfRange {
        /// The index.
        index: usize,
        /// Number of leaves (the largest matrix height).
        leaves: usize,
    },
    /// A single-path opening has the wrong number of siblings.
    #[error("path of {got} siblings, expected {expected}")]
    WrongPathLength {
        /// The tree depth.
        expected: usize,
        /// Siblings in the opening.
        got: usize,
    },
    /// A multi-opening has the wrong number of opened leaves (one per distinct index).
    #[error("{got} opened leaves, expected {expected} (one per distinct index)")]
    WrongOpeningCount {
        /// Number of distinct indices.
        expected: usize,
        /// Opened leaves in the opening.
        got: usize,
    },
    /// An opened leaf has the wrong number of rows (one per matrix).
    #[error("opened leaf {leaf} has {got} rows, expected {expected} (one per matrix)")]
    WrongRowCount {
        /// Index of the leaf.
        leaf: usize,
        /// Number of matrices.
        expected: usize,
        /// Rows in the opening.
        got: usize,
    },
    /// An opened row has the wrong width.
    #[error("opened leaf {leaf}, matrix {matrix}: row of {got} elements, expected {expected}")]
    WrongRowWidth {
        /// Index of the leaf.
        leaf: usize,
        /// Index of the matrix.
        matrix: usize,
        /// The matrix width.
        expected: usize,
        /// Elements in the opened row.
        got: usize,
    },
    /// Two opened leaves share a row of a shorter matrix but disagree on its values.
    #[error("matrix {matrix}, row {row}: opened twice with different values")]
    InconsistentRows {
        /// Index of the matrix.
        matrix: usize,
        /// Row index in that matrix.
        row: usize,
    },
    /// A multi-opening ran out of sibling digests.
    #[error("too few sibling digests: ran out at layer {layer}")]
    TooFewSiblings {
        /// The layer (0 = leaves) whose sibling was missing.
        layer: usize,
    },
    /// A multi-opening has sibling digests left over.
    #[error("{extra} sibling digests left over")]
    TooManySiblings {
        /// Number of unused siblings.
        extra: usize,
    },
    /// The recomputed root differs from the commitment.
    #[error("recomputed root does not match the commitment")]
    RootMismatch,
}

/// Width and height of a committed matrix (what a verifier knows about it).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dimensions {
    /// Row length.
    pub width: usize,
    /// Number of rows (a power of two).
    pub height: usize,
}

/// A row-major matrix: `values` holds the rows one after the other, `width` elements each.
///
/// `V` is the storage: `Vec<KoalaBear>` for an owned matrix, `&[KoalaBear]` for a borrowed one.
/// The shape is validated by [`MerkleTree::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix<V = Vec<KoalaBear>> {
    values: V,
    width: usize,
}

impl<V: AsRef<[KoalaBear]>> Matrix<V> {
    /// A matrix of rows of `width` elements stored in `values`.
    pub fn new(values: V, width: usize) -> Self {
        Self { values, width }
    }

    /// Row length.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows (0 if the width is 0).
    pub fn height(&self) -> usize {
        self.values
            .as_ref()
            .len()
            .checked_div(self.width)
            .unwrap_or(0)
    }

    /// All values, row-major.
    pub fn values(&self) -> &[KoalaBear] {
        self.values.as_ref()
    }

    /// Row `i`.
    ///
    /// # Panics
    /// If `i >= self.height()`.
    pub fn row(&self, i: usize) -> &[KoalaBear] {
        &self.values.as_ref()[i * self.width..(i + 1) * self.width]
    }

    /// Width and height.
    pub fn dimensions(&self) -> Dimensions {
        Dimensions {
            width: self.width,
            height: self.height(),
        }
    }
}

/// An opening of one leaf index: the opened row of every matrix (in commitment order) and the
/// `depth` sibling digests from the leaves up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    /// `rows[k]` is the opened row of matrix `k`.
    pub rows: Vec<Vec<KoalaBear>>,
    /// Sibling digests, leaf layer first.
    pub siblings: Vec<Digest>,
}

/// An opening of several leaf indices at once, each needed sibling sent once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiOpening {
    /// For each distinct index in increasing order, the opened row of every matrix.
    pub rows: Vec<Vec<Vec<KoalaBear>>>,
    /// Sibling digests in verification order: layer by layer from the leaves up, within a
    /// layer by increasing node index; a sibling that the verifier can compute is not sent.
    pub siblings: Vec<Digest>,
}

/// The row hash: [`crate::poseidon::sponge`] with Poseidon2 width 24 (scalar reference).
pub fn hash_row(row: &[KoalaBear]) -> Digest {
    poseidon::sponge(ROW_HASH_PERMUTATION, row)
}

/// The 2-to-1 compression: `(P(l || r) + (l || r))[0..8]` with `P` Poseidon2 width 16
/// (scalar reference).
pub fn compress(left: &Digest, right: &Digest) -> Digest {
    let mut input = [KoalaBear::ZERO; 16];
    input[..DIGEST_LEN].copy_from_slice(left);
    input[DIGEST_LEN..].copy_from_slice(right);
    let mut s = input;
    poseidon2_permute_16(&mut s);
    core::array::from_fn(|i| s[i] + input[i])
}

/// Batched [`compress`]: `out[i] = compress(left(i), right(i))`, `BLOCK` states per dispatched
/// call.
fn compress_batch(isa: Isa, pair: impl Fn(usize) -> (Digest, Digest), out: &mut [Digest]) {
    let mut inputs = [[KoalaBear::ZERO; 16]; BLOCK];
    let mut buf = [[KoalaBear::ZERO; 16]; BLOCK];
    for (b, outs) in out.chunks_mut(BLOCK).enumerate() {
        let inputs = &mut inputs[..outs.len()];
        for (i, s) in inputs.iter_mut().enumerate() {
            let (l, r) = pair(b * BLOCK + i);
            s[..DIGEST_LEN].copy_from_slice(&l);
            s[DIGEST_LEN..].copy_from_slice(&r);
        }
        let buf = &mut buf[..outs.len()];
        buf.copy_from_slice(inputs);
        poseidon2_16_batch(isa, buf);
        for ((o, s), x) in outs.iter_mut().zip(buf.iter()).zip(inputs.iter()) {
            *o = core::array::from_fn(|i| s[i] + x[i]);
        }
    }
}

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

/// Checks the shapes of a commitment; returns `log2` of the largest height and, for each layer
/// `l` in `0..=depth`, the indices of the matrices of height `H >> l`.
pub(crate) fn layout(dims: &[Dimensions]) -> Result<(usize, Vec<Vec<usize>>), MerkleError> {
    if dims.is_empty() {
        return Err(MerkleError::NoMatrices);
    }
    for (k, d) in dims.iter().enumerate() {
        if d.width == 0 {
            return Err(MerkleError::ZeroWidth { matrix: k });
        }
        if !d.height.is_power_of_two() {
            return Err(MerkleError::HeightNotPowerOfTwo {
                matrix: k,
                height: d.height,
            });
        }
    }
    let max = dims.iter().map(|d| d.height).max().unwrap_or(1);
    let depth = max.trailing_zeros() as usize;
    let mut groups = vec![Vec::new(); depth + 1];
    for (k, d) in dims.iter().enumerate() {
        groups[depth - d.height.trailing_zeros() as usize].push(k);
    }
    for (l, g) in groups.iter().enumerate() {
        let len = g
            .iter()
            .fold(0usize, |acc, &k| acc.saturating_add(dims[k].width));
        if len >= KoalaBear::ORDER as usize {
            return Err(MerkleError::RowTooLong {
                height: max >> l,
                len,
            });
        }
    }
    Ok((depth, groups))
}

/// A Merkle tree over one or several matrices, keeping every layer for openings.
#[derive(Clone, Debug)]
pub struct MerkleTree<V = Vec<KoalaBear>> {
    matrices: Vec<Matrix<V>>,
    /// `layers[0]` are the leaf digests, `layers[depth]` is `[root]`.
    layers: Vec<Vec<Digest>>,
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
            let mut next = vec![[KoalaBear::ZERO; DIGEST_LEN]; leaves >> l];
            let chunk = if group.is_empty() {
                NODE_CHUNK
            } else {
                ROW_CHUNK
            };
            next.par_chunks_mut(chunk).enumerate().for_each(|(c, out)| {
                let start = c * chunk;
                compress_batch(
                    isa,
                    |i| (prev[2 * (start + i)], prev[2 * (start + i) + 1]),
                    out,
                );
                if !group.is_empty() {
                    let mut rows = vec![[KoalaBear::ZERO; DIGEST_LEN]; out.len()];
                    hash_rows(isa, &matrices, group, start, &mut rows);
                    let nodes = out.to_vec();
                    compress_batch(isa, |i| (nodes[i], rows[i]), out);
                }
            });
            layers.push(next);
        }
        Ok(Self { matrices, layers })
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
        self.layers[self.depth()][0]
    }

    /// Number of layers above the leaves (`log2` of the largest height).
    pub fn depth(&self) -> usize {
        self.layers.len() - 1
    }

    /// Number of leaves (the largest height).
    pub fn leaves(&self) -> usize {
        self.layers[0].len()
    }

    /// The digests of layer `l` (0 = leaves), or `None` above the root.
    pub fn layer(&self, l: usize) -> Option<&[Digest]> {
        self.layers.get(l).map(Vec::as_slice)
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
        let siblings = (0..self.depth())
            .map(|l| self.layers[l][(index >> l) ^ 1])
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
        if indices.is_empty() {
            return Err(MerkleError::NoIndices);
        }
        for &i in indices {
            self.check_index(i)?;
        }
        let mut nodes = indices.to_vec();
        nodes.sort_unstable();
        nodes.dedup();
        let rows = nodes.iter().map(|&i| self.rows_at(i)).collect();
        let mut siblings = Vec::new();
        for l in 0..self.depth() {
            let mut j = 0;
            while j < nodes.len() {
                let i = nodes[j];
                if i & 1 == 0 && nodes.get(j + 1) == Some(&(i + 1)) {
                    j += 2;
                } else {
                    siblings.push(self.layers[l][i ^ 1]);
                    j += 1;
                }
            }
            for n in nodes.iter_mut() {
                *n >>= 1;
            }
            nodes.dedup();
        }
        Ok(MultiOpening { rows, siblings })
    }
}
