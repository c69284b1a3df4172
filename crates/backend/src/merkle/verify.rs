//! Verification of Merkle openings against a root. Every malformed input is reported as a
//! [`MerkleError`]; nothing here panics on data from a proof.
//!
//! [`verify`] and [`verify_multi`] hash one row or node at a time with the scalar reference
//! permutations. [`verify_multi_with`] checks the same things in the same order and returns
//! the same result, but hashes all opened rows of a layer with the batched, dispatched
//! sponge kernel ([`crate::poseidon::sponge_batch`], as the tree construction does) and
//! compresses each layer's nodes with one batched Poseidon2 call: the kernels are
//! bit-identical with the scalar reference on every instruction set, so only the speed
//! differs.

use super::error::MerkleError;
use super::hash::{DIGEST_LEN, Digest, ROW_HASH_PERMUTATION, compress, compress_batch, hash_row};
use super::shape::{Dimensions, MultiOpening, Opening, layout};
use crate::field::KoalaBear;
use crate::isa::Isa;
use crate::poseidon;

/// Checks that leaf `leaf` opens one row of the right width per matrix.
fn check_rows(
    leaf: usize,
    rows: &[Vec<KoalaBear>],
    dims: &[Dimensions],
) -> Result<(), MerkleError> {
    if rows.len() != dims.len() {
        return Err(MerkleError::WrongRowCount {
            leaf,
            expected: dims.len(),
            got: rows.len(),
        });
    }
    for (k, (row, d)) in rows.iter().zip(dims).enumerate() {
        if row.len() != d.width {
            return Err(MerkleError::WrongRowWidth {
                leaf,
                matrix: k,
                expected: d.width,
                got: row.len(),
            });
        }
    }
    Ok(())
}

/// `hash_row` of the concatenated rows of the matrices `group`.
fn hash_group(rows: &[Vec<KoalaBear>], group: &[usize]) -> Digest {
    if let [k] = group {
        return hash_row(&rows[*k]);
    }
    let cat: Vec<KoalaBear> = group
        .iter()
        .flat_map(|&k| rows[k].iter().copied())
        .collect();
    hash_row(&cat)
}

/// Recomputes the root from distinct leaves in increasing order (shapes already checked) and
/// the siblings, consuming every sibling.
fn recompute(
    groups: &[Vec<usize>],
    leaves: &[(usize, &[Vec<KoalaBear>])],
    siblings: &[Digest],
) -> Result<Digest, MerkleError> {
    let depth = groups.len() - 1;
    // (node index, digest, position in `leaves` of a leaf below it)
    let mut cur: Vec<(usize, Digest, usize)> = leaves
        .iter()
        .enumerate()
        .map(|(pos, (i, rows))| (*i, hash_group(rows, &groups[0]), pos))
        .collect();
    let mut sib = siblings.iter();
    for (l, group) in groups.iter().enumerate().skip(1) {
        let mut next = Vec::with_capacity(cur.len());
        let mut j = 0;
        while j < cur.len() {
            let (i, d, pos) = cur[j];
            let (left, right) = match cur.get(j + 1) {
                Some(&(i2, d2, _)) if i & 1 == 0 && i2 == i + 1 => {
                    j += 2;
                    (d, d2)
                }
                _ => {
                    j += 1;
                    let s = *sib
                        .next()
                        .ok_or(MerkleError::TooFewSiblings { layer: l - 1 })?;
                    if i & 1 == 0 { (d, s) } else { (s, d) }
                }
            };
            let mut node = compress(&left, &right);
            if !group.is_empty() {
                node = compress(&node, &hash_group(leaves[pos].1, group));
            }
            next.push((i >> 1, node, pos));
        }
        cur = next;
    }
    debug_assert!(depth == 0 || cur.len() <= 1);
    let extra = sib.len();
    if extra > 0 {
        return Err(MerkleError::TooManySiblings { extra });
    }
    Ok(cur.first().map(|c| c.1).unwrap_or_default())
}

/// `hash_row` of the concatenated rows of the matrices `group`, for the leaves at
/// `positions` of `leaves`, batched.
fn hash_groups_batched(
    isa: Isa,
    leaves: &[(usize, &[Vec<KoalaBear>])],
    positions: &[usize],
    group: &[usize],
) -> Vec<Digest> {
    let mut out = vec![[KoalaBear::ZERO; DIGEST_LEN]; positions.len()];
    let Some(&(_, first)) = leaves.first() else {
        return out;
    };
    let width: usize = group.iter().map(|&k| first[k].len()).sum();
    let mut buf = Vec::with_capacity(width * positions.len());
    for &p in positions {
        for &k in group {
            buf.extend_from_slice(&leaves[p].1[k]);
        }
    }
    poseidon::sponge_batch(isa, ROW_HASH_PERMUTATION, &buf, width, &mut out);
    out
}

/// [`recompute`] with batched hashing: the opened rows of each layer in one batched sponge
/// call, the nodes of each layer in one batched compression. Same result, same errors.
fn recompute_batched(
    isa: Isa,
    groups: &[Vec<usize>],
    leaves: &[(usize, &[Vec<KoalaBear>])],
    siblings: &[Digest],
) -> Result<Digest, MerkleError> {
    // Node indices of the current layer, a leaf position below each, and their digests.
    let mut idx: Vec<usize> = leaves.iter().map(|l| l.0).collect();
    let mut pos: Vec<usize> = (0..leaves.len()).collect();
    let mut digests = hash_groups_batched(isa, leaves, &pos, &groups[0]);
    let mut sib = siblings.iter();
    for (l, group) in groups.iter().enumerate().skip(1) {
        let mut pairs = Vec::with_capacity(idx.len());
        let mut next_idx = Vec::with_capacity(idx.len());
        let mut next_pos = Vec::with_capacity(idx.len());
        let mut j = 0;
        while j < idx.len() {
            let i = idx[j];
            next_idx.push(i >> 1);
            next_pos.push(pos[j]);
            if i & 1 == 0 && idx.get(j + 1) == Some(&(i + 1)) {
                pairs.push((digests[j], digests[j + 1]));
                j += 2;
            } else {
                let s = *sib
                    .next()
                    .ok_or(MerkleError::TooFewSiblings { layer: l - 1 })?;
                pairs.push(if i & 1 == 0 {
                    (digests[j], s)
                } else {
                    (s, digests[j])
                });
                j += 1;
            }
        }
        let mut nodes = vec![[KoalaBear::ZERO; DIGEST_LEN]; pairs.len()];
        compress_batch(isa, |k| pairs[k], &mut nodes);
        if !group.is_empty() {
            let injected = hash_groups_batched(isa, leaves, &next_pos, group);
            let below = nodes.clone();
            compress_batch(isa, |k| (below[k], injected[k]), &mut nodes);
        }
        idx = next_idx;
        pos = next_pos;
        digests = nodes;
    }
    let extra = sib.len();
    if extra > 0 {
        return Err(MerkleError::TooManySiblings { extra });
    }
    Ok(digests.first().copied().unwrap_or_default())
}

fn check_index(index: usize, depth: usize) -> Result<(), MerkleError> {
    let leaves = 1usize << depth;
    if index < leaves {
        Ok(())
    } else {
        Err(MerkleError::IndexOutOfRange { index, leaves })
    }
}

/// Verifies a single-path opening of leaf `index` against `root`, for matrices of dimensions
/// `dims` (in commitment order).
///
/// # Errors
/// A [`MerkleError`] naming the first problem: bad `dims`, index out of range, wrong path
/// length, wrong row count or width, or [`MerkleError::RootMismatch`].
pub fn verify(
    root: &Digest,
    dims: &[Dimensions],
    index: usize,
    opening: &Opening,
) -> Result<(), MerkleError> {
    let (depth, groups) = layout(dims)?;
    check_index(index, depth)?;
    if opening.siblings.len() != depth {
        return Err(MerkleError::WrongPathLength {
            expected: depth,
            got: opening.siblings.len(),
        });
    }
    check_rows(0, &opening.rows, dims)?;
    let got = recompute(&groups, &[(index, &opening.rows)], &opening.siblings)?;
    if got == *root {
        Ok(())
    } else {
        Err(MerkleError::RootMismatch)
    }
}

/// Verifies a multi-opening of `indices` (any order, duplicates allowed, as given to
/// [`super::MerkleTree::open_multi`]) against `root`, for matrices of dimensions `dims`
/// (scalar reference hashes; [`verify_multi_with`] is the fast equivalent).
///
/// On success returns, for each entry of `indices` in order, the opened rows (one per matrix).
///
/// # Errors
/// A [`MerkleError`] naming the first problem: bad `dims`, no or out-of-range indices, wrong
/// number of opened leaves, wrong row count or width, a shared row of a shorter matrix opened
/// with different values, too few or too many siblings, or [`MerkleError::RootMismatch`].
pub fn verify_multi<'a>(
    root: &Digest,
    dims: &[Dimensions],
    indices: &[usize],
    opening: &'a MultiOpening,
) -> Result<Vec<&'a [Vec<KoalaBear>]>, MerkleError> {
    verify_multi_impl(None, root, dims, indices, opening)
}

/// [`verify_multi`] with the hashes batched on the kernels of `isa` (see the module docs):
/// the same result and the same error for every input and every `isa`, several times faster.
///
/// # Errors
/// As [`verify_multi`].
pub fn verify_multi_with<'a>(
    isa: Isa,
    root: &Digest,
    dims: &[Dimensions],
    indices: &[usize],
    opening: &'a MultiOpening,
) -> Result<Vec<&'a [Vec<KoalaBear>]>, MerkleError> {
    verify_multi_impl(Some(isa), root, dims, indices, opening)
}

/// Shape checks, then the root recomputed with the scalar reference (`isa` `None`) or the
/// batched kernels.
fn verify_multi_impl<'a>(
    isa: Option<Isa>,
    root: &Digest,
    dims: &[Dimensions],
    indices: &[usize],
    opening: &'a MultiOpening,
) -> Result<Vec<&'a [Vec<KoalaBear>]>, MerkleError> {
    let (depth, groups) = layout(dims)?;
    if indices.is_empty() {
        return Err(MerkleError::NoIndices);
    }
    for &i in indices {
        check_index(i, depth)?;
    }
    let mut distinct = indices.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if opening.rows.len() != distinct.len() {
        return Err(MerkleError::WrongOpeningCount {
            expected: distinct.len(),
            got: opening.rows.len(),
        });
    }
    for (leaf, rows) in opening.rows.iter().enumerate() {
        check_rows(leaf, rows, dims)?;
    }
    // Leaves below the same node of a shorter matrix must open the same row of it.
    for (k, d) in dims.iter().enumerate() {
        let shift = depth - d.height.trailing_zeros() as usize;
        if shift == 0 {
            continue;
        }
        for w in 1..distinct.len() {
            let row = distinct[w] >> shift;
            if distinct[w - 1] >> shift == row && opening.rows[w - 1][k] != opening.rows[w][k] {
                return Err(MerkleError::InconsistentRows { matrix: k, row });
            }
        }
    }
    let leaves: Vec<(usize, &[Vec<KoalaBear>])> = distinct
        .iter()
        .zip(&opening.rows)
        .map(|(&i, rows)| (i, rows.as_slice()))
        .collect();
    let got = match isa {
        None => recompute(&groups, &leaves, &opening.siblings)?,
        Some(isa) => recompute_batched(isa, &groups, &leaves, &opening.siblings)?,
    };
    if got != *root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(indices
        .iter()
        .map(|i| {
            let pos = distinct.binary_search(i).unwrap_or_default();
            opening.rows[pos].as_slice()
        })
        .collect())
}
