//! The authentication path of every opened leaf of a multi-opening of one matrix: the
//! siblings a single opening of that leaf would send, recovered from the shared ones, for
//! consumers that check paths one by one (the Merkle tables of a recursive proof).

use super::error::MerkleError;
use super::hash::{Digest, compress, hash_row};
use super::shape::{Dimensions, MultiOpening};
use super::verify::verify_multi;
use crate::field::KoalaBear;
use std::collections::HashMap;

/// An opened row and its sibling digests, leaf level first.
pub type AuthenticationPath = (Vec<KoalaBear>, Vec<Digest>);

/// For each of `indices` (in that order, repeats allowed), its opened row and its sibling
/// digests from the leaf level up, from a multi-opening of the one matrix `dims` under
/// `root`: the opening is verified first ([`verify_multi`]), then every node on the opened
/// leaves' paths is recomputed, and each path reads its siblings among those nodes and the
/// siblings sent.
///
/// # Errors
/// The [`MerkleError`] of [`verify_multi`].
pub fn authentication_paths(
    root: &Digest,
    dims: Dimensions,
    indices: &[usize],
    opening: &MultiOpening,
) -> Result<Vec<AuthenticationPath>, MerkleError> {
    let rows = verify_multi(root, &[dims], indices, opening)?;
    let depth = dims.height.trailing_zeros() as usize;
    let mut distinct = indices.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    // Every node known on the opened paths and every sibling sent, by (layer, index).
    let mut nodes: HashMap<(usize, usize), Digest> = HashMap::new();
    let mut cur: Vec<(usize, Digest)> = distinct
        .iter()
        .zip(&opening.rows)
        .map(|(&i, r)| (i, hash_row(&r[0])))
        .collect();
    let mut sent = opening.siblings.iter();
    for layer in 0..depth {
        for &(i, d) in &cur {
            nodes.insert((layer, i), d);
        }
        let mut next = Vec::with_capacity(cur.len());
        let mut j = 0;
        while j < cur.len() {
            let (i, d) = cur[j];
            let (left, right) = match cur.get(j + 1) {
                Some(&(i2, d2)) if i & 1 == 0 && i2 == i + 1 => {
                    j += 2;
                    (d, d2)
                }
                _ => {
                    j += 1;
                    // verify_multi accepted the opening, so every needed sibling is there.
                    let s = *sent.next().ok_or(MerkleError::TooFewSiblings { layer })?;
                    nodes.insert((layer, i ^ 1), s);
                    if i & 1 == 0 { (d, s) } else { (s, d) }
                }
            };
            next.push((i >> 1, compress(&left, &right)));
        }
        cur = next;
    }
    indices
        .iter()
        .zip(rows)
        .map(|(&i, r)| {
            let siblings = (0..depth)
                .map(|l| {
                    nodes
                        .get(&(l, (i >> l) ^ 1))
                        .copied()
                        .ok_or(MerkleError::TooFewSiblings { layer: l })
                })
                .collect::<Result<Vec<Digest>, MerkleError>>()?;
            Ok((r[0].clone(), siblings))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::Isa;
    use crate::merkle::MerkleTree;

    #[test]
    fn paths_are_the_single_openings_paths() {
        let (height, width) = (64usize, 7usize);
        let values: Vec<KoalaBear> = (0..height * width)
            .map(|x| KoalaBear::new(x as u32 * 7919 + 3))
            .collect();
        let tree = MerkleTree::from_rows(Isa::current(), values, width).unwrap();
        let root = tree.root();
        let dims = Dimensions { width, height };
        for indices in [vec![5usize], vec![3, 4, 5, 63, 4, 0], vec![1, 0, 2, 3, 33]] {
            let opening = tree.open_multi(&indices).unwrap();
            let paths = authentication_paths(&root, dims, &indices, &opening).unwrap();
            for (&i, (row, siblings)) in indices.iter().zip(&paths) {
                let single = tree.open(i).unwrap();
                assert_eq!(row, &single.rows[0]);
                assert_eq!(siblings, &single.siblings);
            }
        }
        // A tampered opening is refused.
        let mut opening = tree.open_multi(&[9, 10]).unwrap();
        opening.rows[0][0][0] += KoalaBear::ONE;
        assert!(authentication_paths(&root, dims, &[9, 10], &opening).is_err());
    }
}
