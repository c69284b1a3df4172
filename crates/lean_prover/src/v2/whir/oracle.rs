//! The prover's first oracle: the Merkle commitment to the encoding of the committed table,
//! and its openings.
//!
//! The codeword has `2^(v + r_0)` values, `2^r_0` times the table (the first oracle holds
//! the table's active blocks only: at `N = 1000` signatures and rate 1/4, 768 MiB beside the
//! 192 MiB table). Every run is built from the table's block transpose
//! ([`encode::transpose_blocks`], kept by the prover instead of the table). Up to
//! [`KEEP_MAX`] values the codeword is kept (as every later oracle is). Above, it is built one
//! coset run at a time ([`encode::encode_run`]), each run hashed into the leaf digests
//! ([`backend::merkle::hash_leaves`]) in one buffer; the last run's codeword stays in it. At
//! query time the last run's queried rows are read from it, and the other runs holding
//! queried leaves are encoded again in that buffer, carrying the transform on only where a
//! queried leaf lies. The commitment and every opening are the same bytes either way (the
//! same Merkle tree over the same rows); only memory and time differ: one run's buffer (the
//! table's size) instead of the codeword, for a partial encoding of the other runs that are
//! queried.

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
    /// Only the digests are kept, and the last run's codeword (the buffer the runs were
    /// built in); opened rows of the other runs are encoded again from the table, in that
    /// buffer.
    Recomputed {
        /// The tree over the leaf digests.
        tree: LeafTree,
        /// The encoding's shape.
        shape: Shape,
        /// The last run's codeword, until the opening reuses its buffer.
        last_run: Vec<KoalaBear>,
    },
}

impl FirstOracle {
    /// Encodes the table whose block transpose ([`encode::transpose`]) is `transposed` with
    /// `shape` and commits to it, keeping the codeword if it has at most `keep_max` values.
    pub(super) fn commit(
        isa: Isa,
        transposed: &[KoalaBear],
        shape: Shape,
        keep_max: usize,
    ) -> Result<FirstOracle, WhirError> {
        let tree_error = |source| WhirError::Tree { round: 0, source };
        let rows = 1usize << shape.log_rows;
        if shape.codeword_len() <= keep_max {
            let mut codeword = KoalaBear::zero_vec(shape.codeword_len());
            for (j, run) in codeword.chunks_exact_mut(shape.run_len()).enumerate() {
                encode::encode_run(isa, transposed, shape, j, run, None);
            }
            return MerkleTree::from_rows(isa, codeword, shape.width)
                .map(FirstOracle::Kept)
                .map_err(tree_error);
        }
        let mut leaves = vec![[KoalaBear::ZERO; merkle::DIGEST_LEN]; rows << shape.log_runs];
        let mut buffer = KoalaBear::zero_vec(shape.run_len());
        for (j, digests) in leaves.chunks_exact_mut(rows).enumerate() {
            encode::encode_run(isa, transposed, shape, j, &mut buffer, None);
            merkle::hash_leaves(isa, &buffer, shape.width, digests);
        }
        let tree = LeafTree::new(isa, leaves).map_err(tree_error)?;
        Ok(FirstOracle::Recomputed {
            tree,
            shape,
            last_run: buffer,
        })
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

    /// The multi-opening of `indices` (`transposed` is the committed table's block transpose,
    /// used to encode the queried rows again when the codeword was not kept, and not read
    /// otherwise). Opening the recomputed oracle reuses the kept last run's buffer, so it
    /// takes the oracle mutably; the openings of one oracle are the same every time.
    pub(super) fn open_multi(
        &mut self,
        isa: Isa,
        transposed: &[KoalaBear],
        indices: &[usize],
    ) -> Result<MultiOpening, MerkleError> {
        let (tree, shape, last_run) = match self {
            FirstOracle::Kept(t) => return t.open_multi(indices),
            FirstOracle::Recomputed {
                tree,
                shape,
                last_run,
            } => (tree, *shape, last_run),
        };
        let (nodes, siblings) = tree.multi_siblings(indices)?;
        let mut rows = vec![Vec::new(); nodes.len()];
        let local = |node: usize| node & ((1 << shape.log_rows) - 1);
        let row_of = |buffer: &[KoalaBear], q: usize| {
            let i = local(q);
            vec![buffer[i * shape.width..(i + 1) * shape.width].to_vec()]
        };
        // The last run's rows first, from its kept codeword (if still whole).
        let last = (1usize << shape.log_runs) - 1;
        let mut buffer = std::mem::take(last_run);
        if buffer.len() == shape.run_len() {
            for (slot, &q) in rows.iter_mut().zip(&nodes) {
                if q >> shape.log_rows == last {
                    *slot = row_of(&buffer, q);
                }
            }
        }
        let mut at = 0;
        while at < nodes.len() {
            let run = nodes[at] >> shape.log_rows;
            let end = at
                + nodes[at..]
                    .iter()
                    .take_while(|&&q| q >> shape.log_rows == run)
                    .count();
            if rows[at].is_empty() {
                if buffer.len() != shape.run_len() {
                    buffer = KoalaBear::zero_vec(shape.run_len());
                }
                let wanted: Vec<usize> = nodes[at..end].iter().map(|&q| local(q)).collect();
                encode::encode_run(isa, transposed, shape, run, &mut buffer, Some(&wanted));
                for (slot, &q) in rows[at..end].iter_mut().zip(&nodes[at..end]) {
                    *slot = row_of(&buffer, q);
                }
            }
            at = end;
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
            let table = encode::transpose(&table, shape);
            let mut kept = FirstOracle::commit(isa, &table, shape, usize::MAX).unwrap();
            let mut streamed = FirstOracle::commit(isa, &table, shape, 0).unwrap();
            assert!(matches!(kept, FirstOracle::Kept(_)));
            assert!(matches!(streamed, FirstOracle::Recomputed { .. }));
            assert_eq!(kept.root(), streamed.root());
            let leaves = 1usize << shape.log_leaves();
            let picks = [leaves - 1, 0, 5 % leaves, leaves / 2 + 1, leaves - 1, 3];
            let expected = kept.open_multi(isa, &table, &picks).unwrap();
            assert_eq!(expected, streamed.open_multi(isa, &table, &picks).unwrap());
            // A second opening (the kept run's buffer now reused) is the same.
            assert_eq!(expected, streamed.open_multi(isa, &table, &picks).unwrap());
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
