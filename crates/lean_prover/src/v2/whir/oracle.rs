//! The prover's first oracle: the Merkle commitment to the encoding of the committed table,
//! and its openings.
//!
//! The codeword has `2^(v + r_0)` values, `2^r_0` times the table: at `N = 1000` signatures
//! and rate 1/4, 1 GiB beside the 256 MiB table. Up to [`KEEP_MAX`] values it is kept (as every
//! later oracle is). Above, it is built one coset run at a time ([`encode::encode_coset`]),
//! each run hashed into the leaf digests ([`backend::merkle::hash_leaves`]) and dropped; at
//! query time the runs holding queried leaves are encoded again from the table. The
//! commitment and every opening are the same bytes either way (the same Merkle tree over
//! the same rows); only memory and time differ: one run's buffer (the table's size) instead
//! of the codeword, for one more encoding of the runs that are queried.

use super::encode::{self, Shape};
use super::error::WhirError;
use backend::Isa;
use backend::field::KoalaBear;
use backend::merkle::{self, LeafTree, MerkleError, MerkleTree, MultiOpening};

/// Largest codeword kept in memory, in base elements (256 MiB).
pub const KEEP_MAX: usize = 1 << 26;

/// The first oracle's commitment, with or without its codeword.
#[derive(Debug)]
pub(super) enum FirstOracle {
    /// The whole codeword is kept in the tree.
    Kept(MerkleTree),
    /// Only the digests are kept; opened rows are encoded again from the table.
    Recomputed {
        /// The tree over the leaf digests.
        tree: LeafTree,
        /// The encoding's shape.
        shape: Shape,
    },
}

impl FirstOracle {
    /// Encodes `table` with `shape` and commits to it, keeping the codeword if it has at most
    /// `keep_max` values.
    pub(super) fn commit(
        isa: Isa,
        table: &[KoalaBear],
        shape: Shape,
        keep_max: usize,
    ) -> Result<FirstOracle, WhirError> {
        let tree_error = |source| WhirError::Tree { round: 0, source };
        if shape.codeword_len() <= keep_max {
            return MerkleTree::from_rows(isa, encode::encode(isa, table, shape), shape.width)
                .map(FirstOracle::Kept)
                .map_err(tree_error);
        }
        let rows = 1usize << shape.log_rows;
        let mut leaves = vec![[KoalaBear::ZERO; merkle::DIGEST_LEN]; rows << shape.log_runs];
        let mut buffer = KoalaBear::zero_vec(shape.run_len());
        for (j, digests) in leaves.chunks_exact_mut(rows).enumerate() {
            encode::encode_coset(isa, table, shape, j, &mut buffer);
            merkle::hash_leaves(isa, &buffer, shape.width, digests);
        }
        drop(buffer);
        let tree = LeafTree::new(isa, leaves).map_err(tree_error)?;
        Ok(FirstOracle::Recomputed { tree, shape })
    }

    /// Whether the codeword is kept (openings do not need the table).
    pub(super) fn keeps_codeword(&self) -> bool {
        matches!(self, FirstOracle::Kept(_))
    }

    /// The Merkle root.
    pub(super) fn root(&self) -> merkle::Digest {
        match self {
            FirstOracle::Kept(t) => t.root(),
            FirstOracle::Recomputed { tree, .. } => tree.root(),
        }
    }

    /// The multi-opening of `indices` (`table` is the committed table, used to encode the
    /// queried runs again when the codeword was not kept, and not read otherwise).
    pub(super) fn open_multi(
        &self,
        isa: Isa,
        table: &[KoalaBear],
        indices: &[usize],
    ) -> Result<MultiOpening, MerkleError> {
        let (tree, shape) = match self {
            FirstOracle::Kept(t) => return t.open_multi(indices),
            FirstOracle::Recomputed { tree, shape } => (tree, *shape),
        };
        let (nodes, siblings) = tree.multi_siblings(indices)?;
        let mut rows = vec![Vec::new(); nodes.len()];
        let mut buffer = Vec::new();
        let mut at = 0;
        while at < nodes.len() {
            let run = nodes[at] >> shape.log_rows;
            if buffer.is_empty() {
                buffer = KoalaBear::zero_vec(shape.run_len());
            }
            encode::encode_coset(isa, table, shape, run, &mut buffer);
            while at < nodes.len() && nodes[at] >> shape.log_rows == run {
                let i = nodes[at] & ((1 << shape.log_rows) - 1);
                rows[at] = vec![buffer[i * shape.width..(i + 1) * shape.width].to_vec()];
                at += 1;
            }
        }
        Ok(MultiOpening { rows, siblings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recomputed_oracle_commits_and_opens_exactly_as_the_kept_one() {
        let isa = Isa::current();
        for (v, k, r) in [(8usize, 3usize, 2usize), (10, 4, 1), (9, 9, 3)] {
            let table: Vec<KoalaBear> = (0..1u64 << v)
                .map(|i| KoalaBear::from_u64(i * 7919 + 3))
                .collect();
            let shape = Shape::new(1, v, k, r);
            let kept = FirstOracle::commit(isa, &table, shape, usize::MAX).unwrap();
            let streamed = FirstOracle::commit(isa, &table, shape, 0).unwrap();
            assert!(matches!(kept, FirstOracle::Kept(_)));
            assert!(matches!(streamed, FirstOracle::Recomputed { .. }));
            assert_eq!(kept.root(), streamed.root());
            let leaves = 1usize << shape.log_leaves();
            let picks = [leaves - 1, 0, 5 % leaves, leaves / 2 + 1, leaves - 1, 3];
            assert_eq!(
                kept.open_multi(isa, &table, &picks).unwrap(),
                streamed.open_multi(isa, &table, &picks).unwrap()
            );
            assert_eq!(
                streamed.open_multi(isa, &table, &[leaves]),
                Err(MerkleError::IndexOutOfRange {
                    index: leaves,
                    leaves
                })
            );
        }
    }
}
