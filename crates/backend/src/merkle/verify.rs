//! Verification of Merkle openings against a root (scalar reference hashes). Every malformed
//! input is reported as a [`MerkleError`]; nothing here panics on data from a proof.

use super::{Digest, Dimensions, MerkleError, MultiOpening, Opening, compress, hash_row, layout};
use crate::field::KoalaBear;

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
/// [`super::MerkleTree::open_multi`]) against `root`, for matrices of dimensions `dims`.
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
    let got = recompute(&groups, &leaves, &opening.siblings)?;
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
