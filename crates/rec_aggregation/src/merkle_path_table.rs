//! A Merkle-path table for recursion: it proves that a leaf digest, a leaf index and a root
//! belong to one authentication path of `backend::merkle`'s binary Poseidon2 tree (the tree of
//! the WHIR oracles), its 2-to-1 compressions requested from the Poseidon2-16 compression
//! table ([`crate::poseidon2_table`]).
//!
//! # Layout: one row per level of one path
//! | columns | count |
//! |---|---|
//! | `path` (the path's id, the same on all its rows) | 1 |
//! | `node[0..8]` (the digest at this level: the leaf digest on the path's first row) | 8 |
//! | `sibling[0..8]` | 8 |
//! | `bit` (bit `l` of the leaf index on the row of level `l`) | 1 |
//! | `parent[0..8]` (the digest one level up) | 8 |
//! | `pow` (`2^l`), `index` (the index's low `l + 1` bits) | 2 |
//! | `first`, `last` (the path's first and last rows), `active` (0 on padding rows) | 3 |
//! | **total** | **31** |
//!
//! A path of depth `D` takes `D` consecutive rows, levels 0 to `D - 1`; padding rows after the
//! paths are one-row paths (`first = last = 1`) with `active = 0`.
//!
//! # Constraints (degree at most 3)
//! * `bit`, `first`, `last`, `active` are boolean;
//! * on a path's first row `pow = 1` and `index = bit`;
//! * from a row that is not its path's last to the next: the next `node` is this `parent`
//!   (8), `path` and `active` stay, `pow' = 2 pow`, `index' = index + bit' pow'`, and the next
//!   row is not a first row; after a last row the next row is a first row; the table's first
//!   row is a first row and its last row a last row (so the cyclic step from the last row to
//!   the first needs no transition selector).
//!
//! # Buses
//! * Every active row *sends* `(left[0..8], right[0..8], parent[0..8])` on
//!   [`POSEIDON2_16_COMPRESS_BUS`] (`left = node, right = sibling` when `bit = 0`, swapped when
//!   `bit = 1`, as `backend::merkle` orders them): the compression table receives it, so
//!   `parent = compress(left, right)` on every active row.
//! * A path's first row *receives* `(path, node[0..8])` on [`MERKLE_LEAF_BUS`] (the leaf
//!   digest, from whoever hashes the opened leaf) with multiplicity `first * active`.
//! * A path's last row *receives* `(path, index, pow, parent[0..8])` on [`MERKLE_ROOT_BUS`]
//!   with multiplicity `last * active`: whoever holds the query index and the root sends it,
//!   with `pow = 2^(D - 1)` fixing the depth.
//!
//! So a requester that sends `(p, leaf)` and `(p, i, 2^(D-1), root)` gets both received only if
//! the table holds a path `p` of depth `D` from `leaf` at index `i` to `root` whose every
//! compression the Poseidon2 table proves. The id is what links a leaf to its root: a
//! requester must give every path its own id (two paths sharing one could trade leaves).
//! Paths are checked one by one (a multi-opening's
//! shared nodes are hashed again for every path that crosses them). Not used by any statement
//! yet (`docs/recursion.md`).

mod columns;

pub use columns::MerklePathColumns;

use crate::poseidon_table::MIN_HEIGHT;
use crate::poseidon2_table::POSEIDON2_16_COMPRESS_BUS;
use backend::KoalaBear as F;
use backend::merkle::{DIGEST_LEN, Digest, compress};
use lean_prover::{Air, AirBuilder, AirError, BusId};
use rayon::prelude::*;

/// Bus on which a path's first row receives `(path, leaf digest[8])`.
pub const MERKLE_LEAF_BUS: BusId = BusId(0x50);
/// Bus on which a path's last row receives `(path, index, 2^(depth - 1), root[8])`.
pub const MERKLE_ROOT_BUS: BusId = BusId(0x51);
/// Maximum constraint degree of the table.
pub const MERKLE_PATH_DEGREE: usize = 3;
/// Longest path the table accepts (`backend::merkle` trees are at most this deep here: the
/// index and `2^l` must stay below the field's order).
pub const MAX_DEPTH: usize = 30;

/// One authentication path as the witness generator takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerklePath {
    /// The path's id (what the leaf and root requests name it by).
    pub id: u32,
    /// The leaf digest.
    pub leaf: Digest,
    /// The leaf index.
    pub index: u64,
    /// The sibling digests, leaf level first (the path's depth is their number, 1 to
    /// [`MAX_DEPTH`]).
    pub siblings: Vec<Digest>,
}

impl MerklePath {
    /// The root this path leads to, with `backend::merkle`'s ordering.
    pub fn root(&self) -> Digest {
        let mut node = self.leaf;
        for (l, s) in self.siblings.iter().enumerate() {
            node = if self.index >> l & 1 == 0 {
                compress(&node, s)
            } else {
                compress(s, &node)
            };
        }
        node
    }

    /// The tuple a requester sends on [`MERKLE_LEAF_BUS`]: `(id, leaf)`.
    pub fn leaf_tuple(&self) -> Vec<F> {
        std::iter::once(F::new(self.id)).chain(self.leaf).collect()
    }

    /// The tuple a requester sends on [`MERKLE_ROOT_BUS`]: `(id, index, 2^(depth - 1), root)`.
    ///
    /// # Panics
    /// If the path's depth is 0 or above [`MAX_DEPTH`].
    pub fn root_tuple(&self) -> Vec<F> {
        let depth = self.siblings.len();
        assert!(
            (1..=MAX_DEPTH).contains(&depth),
            "path {}: depth {depth}",
            self.id
        );
        [
            F::new(self.id),
            F::new(self.index as u32),
            F::new(1u32 << (depth - 1)),
        ]
        .into_iter()
        .chain(self.root())
        .collect()
    }
}

/// The Merkle-path table: its AIR and column layout.
pub struct MerklePathTable {
    air: Air,
    cols: MerklePathColumns,
}

impl MerklePathTable {
    /// Builds the AIR (see the module docs).
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<Self, AirError> {
        let b = AirBuilder::new("merkle_path");
        let path = b.column("path");
        let node: Vec<_> = b.columns("node", DIGEST_LEN);
        let sibling: Vec<_> = b.columns("sibling", DIGEST_LEN);
        let bit = b.column("bit");
        let parent: Vec<_> = b.columns("parent", DIGEST_LEN);
        let pow = b.column("pow");
        let index = b.column("index");
        let first = b.column("first");
        let last = b.column("last");
        let active = b.column("active");
        let one = || b.constant(F::ONE);

        for c in [bit, first, last, active] {
            b.assert_zero(b.main(c) * (b.main(c) - one()));
        }
        b.assert_zero(b.main(first) * (b.main(pow) - one()));
        b.assert_zero(b.main(first) * (b.main(index) - b.main(bit)));
        // Row to row, cyclically: the table's last row is a path's last row (so `stay` is 0
        // there) and its first row a path's first row, so no transition selector is needed
        // and the index step stays at degree 3.
        let stay = one() - b.main(last);
        for (&n, &p) in node.iter().zip(&parent) {
            b.assert_zero(stay * (b.next(n) - b.main(p)));
        }
        b.assert_zero(stay * (b.next(path) - b.main(path)));
        b.assert_zero(stay * (b.next(active) - b.main(active)));
        b.assert_zero(stay * (b.next(pow) - b.main(pow) * F::new(2)));
        b.assert_zero(stay * (b.next(index) - b.main(index) - b.next(bit) * b.next(pow)));
        b.assert_zero(stay * b.next(first));
        b.assert_zero(b.main(last) * (one() - b.next(first)));
        b.when_first_row(b.main(first) - one());
        b.when_last_row(b.main(last) - one());

        // parent = compress(left, right), the order chosen by the bit.
        let bt = b.main(bit);
        let mut tuple = Vec::with_capacity(3 * DIGEST_LEN);
        for (&n, &s) in node.iter().zip(&sibling) {
            tuple.push(b.main(n) + bt * (b.main(s) - b.main(n)));
        }
        for (&n, &s) in node.iter().zip(&sibling) {
            tuple.push(b.main(s) + bt * (b.main(n) - b.main(s)));
        }
        tuple.extend(parent.iter().map(|&p| b.main(p)));
        b.send(POSEIDON2_16_COMPRESS_BUS, &tuple, b.main(active));

        let leaf: Vec<_> = std::iter::once(b.main(path))
            .chain(node.iter().map(|&n| b.main(n)))
            .collect();
        b.receive(MERKLE_LEAF_BUS, &leaf, b.main(first) * b.main(active));
        let root: Vec<_> = [b.main(path), b.main(index), b.main(pow)]
            .into_iter()
            .chain(parent.iter().map(|&p| b.main(p)))
            .collect();
        b.receive(MERKLE_ROOT_BUS, &root, b.main(last) * b.main(active));

        let air = b.build(MERKLE_PATH_DEGREE)?;
        let cols = MerklePathColumns {
            path,
            node: node.try_into().expect("8 node columns"),
            sibling: sibling.try_into().expect("8 sibling columns"),
            bit,
            parent: parent.try_into().expect("8 parent columns"),
            pow,
            index,
            first,
            last,
            active,
        };
        Ok(MerklePathTable { air, cols })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &MerklePathColumns {
        &self.cols
    }

    /// Number of columns (31).
    pub fn width(&self) -> usize {
        self.air.width()
    }

    /// The trace of `paths` (row-major, each path's levels in order, padded to a power of two
    /// of at least 4 rows) and the compression inputs `left || right` its active rows request,
    /// one per row in row order (for the Poseidon2-16 compression table's witness).
    ///
    /// # Panics
    /// If a path's depth is 0 or above [`MAX_DEPTH`], or its index does not fit its depth.
    pub fn trace(&self, paths: &[MerklePath]) -> (Vec<F>, Vec<[F; 16]>) {
        for p in paths {
            let depth = p.siblings.len();
            assert!(
                (1..=MAX_DEPTH).contains(&depth) && p.index >> depth == 0,
                "path {}: depth {depth}, index {}",
                p.id,
                p.index
            );
        }
        let active_rows: usize = paths.iter().map(|p| p.siblings.len()).sum();
        let height = active_rows.next_power_of_two().max(MIN_HEIGHT);
        let w = self.width();
        let c = &self.cols;
        let mut trace = vec![F::ZERO; height * w];
        // Padding rows: one-row inactive paths.
        for row in trace.chunks_exact_mut(w).skip(active_rows) {
            row[c.pow.0] = F::ONE;
            row[c.first.0] = F::ONE;
            row[c.last.0] = F::ONE;
        }
        let mut requests = vec![[F::ZERO; 16]; active_rows];
        let (rows, _) = trace.split_at_mut(active_rows * w);
        let mut row_parts: Vec<(&mut [F], &mut [[F; 16]])> = Vec::with_capacity(paths.len());
        let (mut rows_left, mut reqs_left) = (rows, requests.as_mut_slice());
        for p in paths {
            let d = p.siblings.len();
            let (r, rest) = rows_left.split_at_mut(d * w);
            let (q, qrest) = reqs_left.split_at_mut(d);
            row_parts.push((r, q));
            (rows_left, reqs_left) = (rest, qrest);
        }
        row_parts
            .into_par_iter()
            .zip(paths.par_iter())
            .for_each(|((rows, reqs), p)| self.fill_path(p, rows, reqs));
        (trace, requests)
    }

    /// Writes the rows of one path and its compression inputs.
    fn fill_path(&self, p: &MerklePath, rows: &mut [F], reqs: &mut [[F; 16]]) {
        let c = &self.cols;
        let w = self.width();
        let depth = p.siblings.len();
        let mut node = p.leaf;
        let mut index = 0u64;
        for (l, ((row, req), sibling)) in rows
            .chunks_exact_mut(w)
            .zip(reqs.iter_mut())
            .zip(&p.siblings)
            .enumerate()
        {
            let bit = p.index >> l & 1;
            index += bit << l;
            let (left, right) = if bit == 0 {
                (node, *sibling)
            } else {
                (*sibling, node)
            };
            let parent = compress(&left, &right);
            row[c.path.0] = F::new(p.id);
            for k in 0..DIGEST_LEN {
                row[c.node[k].0] = node[k];
                row[c.sibling[k].0] = sibling[k];
                row[c.parent[k].0] = parent[k];
            }
            row[c.bit.0] = F::new(bit as u32);
            row[c.pow.0] = F::new(1u32 << l);
            row[c.index.0] = F::new(index as u32);
            row[c.first.0] = F::new(u32::from(l == 0));
            row[c.last.0] = F::new(u32::from(l + 1 == depth));
            row[c.active.0] = F::ONE;
            req[..DIGEST_LEN].copy_from_slice(&left);
            req[DIGEST_LEN..].copy_from_slice(&right);
            node = parent;
        }
    }
}
