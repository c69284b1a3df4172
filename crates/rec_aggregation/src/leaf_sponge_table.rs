//! A leaf-sponge table for recursion: it hashes opened Merkle rows with `backend::merkle`'s row
//! hash (the width-24 Poseidon2 sponge of `backend::poseidon::sponge`: rate 16, capacity 8,
//! the input length in `state[16]`, overwrite mode, the digest `state[0..8]`), its
//! permutations requested from the Poseidon2-24 table ([`crate::poseidon2_table`]), and sends
//! each digest to the Merkle-path table ([`crate::merkle_path_table`]) as that path's leaf.
//!
//! # Layout: one row per permutation of one sponge
//! | columns | count |
//! |---|---|
//! | `leaf` (the sponge's id: the id of the path its digest starts), `chunk` (its index), `len` (the input length) | 3 |
//! | `rate[0..16]` (the absorbed chunk: the permutation's input cells 0 to 15) | 16 |
//! | `capacity[0..8]` (the permutation's input cells 16 to 23) | 8 |
//! | `out[0..24]` (the permutation's output) | 24 |
//! | `first`, `last`, `active` | 3 |
//! | **total** | **54** |
//!
//! # Constraints (degree at most 2)
//! * `first`, `last`, `active` are boolean;
//! * on a sponge's first row `chunk = 0`, `capacity = (len, 0, ..., 0)`;
//! * from a row that is not its sponge's last to the next: the next `capacity` is this
//!   `out[16..24]`, `leaf`, `len` and `active` stay, `chunk` grows by one, the next row is
//!   not a first row; after a last row the next is a first row; the table's first row is a
//!   first row and its last row a last row (so no transition selector is needed).
//!
//! # Buses
//! * Every active row *sends* `(rate, capacity, out)` (48 values) on [`POSEIDON2_24_BUS`]: the
//!   Poseidon2-24 table receives it, so `out = Poseidon2_24(rate || capacity)`.
//! * Every active row *receives* `(leaf, chunk, len, rate[0..16])` on [`LEAF_CHUNK_BUS`]: the
//!   opened row's values, zero-padded to whole chunks, from whoever holds them (the WHIR
//!   verifier's fold reads the same values).
//! * A sponge's last row *sends* `(leaf, out[0..8])` on [`MERKLE_LEAF_BUS`] with multiplicity
//!   `last * active`: the Merkle-path table's path `leaf` starts at that digest.
//!
//! A requester that sends every chunk of an opened row `(leaf, c, len, values)` and the root
//! tuple of path `leaf` gets them all received only if the row hashes to a leaf of that path.
//! The requester fixes the number of chunks (`ceil(len / 16)`) and their zero padding (the
//! table absorbs exactly the chunks it receives), and gives every opened row its own id.
//! Not used by any statement yet (`docs/recursion.md`).

mod columns;

pub use columns::LeafSpongeColumns;

use crate::merkle_path_table::MERKLE_LEAF_BUS;
use crate::poseidon_table::MIN_HEIGHT;
use crate::poseidon2_table::POSEIDON2_24_BUS;
use backend::KoalaBear as F;
use backend::merkle::ROW_HASH_PERMUTATION;
use backend::poseidon::{SPONGE_CAPACITY, SPONGE_OUTPUT, poseidon2_permute_24};
use lean_prover::{Air, AirBuilder, AirError, BusId};

/// Bus on which every row receives `(leaf, chunk, len, values[16])`.
pub const LEAF_CHUNK_BUS: BusId = BusId(0x52);
/// The permutation's width (`backend::merkle`'s row hash).
const WIDTH: usize = ROW_HASH_PERMUTATION.width();
/// The sponge's rate (values absorbed per permutation).
pub const RATE: usize = WIDTH - SPONGE_CAPACITY;
/// Maximum constraint degree of the table.
pub const LEAF_SPONGE_DEGREE: usize = 2;

/// One opened row to hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedRow {
    /// The sponge's id (the Merkle path its digest starts).
    pub leaf: u32,
    /// The row's values (at least one).
    pub values: Vec<F>,
}

impl OpenedRow {
    /// The tuples a requester sends on [`LEAF_CHUNK_BUS`], one per chunk: `(leaf, c, len,
    /// values[16 c .. 16 c + 16])`, the last chunk zero-padded.
    pub fn chunk_tuples(&self) -> Vec<Vec<F>> {
        let len = F::new(self.values.len() as u32);
        self.values
            .chunks(RATE)
            .enumerate()
            .map(|(c, chunk)| {
                let mut t = vec![F::new(self.leaf), F::new(c as u32), len];
                t.extend_from_slice(chunk);
                t.resize(3 + RATE, F::ZERO);
                t
            })
            .collect()
    }
}

/// The leaf-sponge table: its AIR and column layout.
pub struct LeafSpongeTable {
    air: Air,
    cols: LeafSpongeColumns,
}

impl LeafSpongeTable {
    /// Builds the AIR (see the module docs).
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<Self, AirError> {
        let b = AirBuilder::new("leaf_sponge");
        let leaf = b.column("leaf");
        let chunk = b.column("chunk");
        let len = b.column("len");
        let rate: Vec<_> = b.columns("rate", RATE);
        let capacity: Vec<_> = b.columns("capacity", SPONGE_CAPACITY);
        let out: Vec<_> = b.columns("out", WIDTH);
        let first = b.column("first");
        let last = b.column("last");
        let active = b.column("active");
        let one = || b.constant(F::ONE);

        for c in [first, last, active] {
            b.assert_zero(b.main(c) * (b.main(c) - one()));
        }
        b.assert_zero(b.main(first) * b.main(chunk));
        b.assert_zero(b.main(first) * (b.main(capacity[0]) - b.main(len)));
        for &c in &capacity[1..] {
            b.assert_zero(b.main(first) * b.main(c));
        }
        // Row to row, cyclically (see the module docs).
        let stay = one() - b.main(last);
        for (&c, &o) in capacity.iter().zip(&out[RATE..]) {
            b.assert_zero(stay * (b.next(c) - b.main(o)));
        }
        for c in [leaf, len, active] {
            b.assert_zero(stay * (b.next(c) - b.main(c)));
        }
        b.assert_zero(stay * (b.next(chunk) - b.main(chunk) - one()));
        b.assert_zero(stay * b.next(first));
        b.assert_zero(b.main(last) * (one() - b.next(first)));
        b.when_first_row(b.main(first) - one());
        b.when_last_row(b.main(last) - one());

        let perm: Vec<_> = rate
            .iter()
            .chain(&capacity)
            .chain(&out)
            .map(|&c| b.main(c))
            .collect();
        b.send(POSEIDON2_24_BUS, &perm, b.main(active));
        let absorbed: Vec<_> = [leaf, chunk, len]
            .iter()
            .chain(&rate)
            .map(|&c| b.main(c))
            .collect();
        b.receive(LEAF_CHUNK_BUS, &absorbed, b.main(active));
        let digest: Vec<_> = std::iter::once(b.main(leaf))
            .chain(out[..SPONGE_OUTPUT].iter().map(|&c| b.main(c)))
            .collect();
        b.send(MERKLE_LEAF_BUS, &digest, b.main(last) * b.main(active));

        let air = b.build(LEAF_SPONGE_DEGREE)?;
        let cols = LeafSpongeColumns {
            leaf,
            chunk,
            len,
            rate: rate.try_into().expect("16 rate columns"),
            capacity: capacity.try_into().expect("8 capacity columns"),
            out: out.try_into().expect("24 output columns"),
            first,
            last,
            active,
        };
        Ok(LeafSpongeTable { air, cols })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &LeafSpongeColumns {
        &self.cols
    }

    /// Number of columns (54).
    pub fn width(&self) -> usize {
        self.air.width()
    }

    /// The trace of `rows` (each sponge's permutations in order, padded to a power of two of
    /// at least 4 rows with inactive one-row sponges) and the permutation inputs its active
    /// rows request, one per active row (for the Poseidon2-24 table's witness).
    ///
    /// # Panics
    /// If a row is empty.
    pub fn trace(&self, rows: &[OpenedRow]) -> (Vec<F>, Vec<[F; WIDTH]>) {
        let c = &self.cols;
        let w = self.width();
        let active: usize = rows
            .iter()
            .map(|r| {
                assert!(!r.values.is_empty(), "opened row {}: no values", r.leaf);
                r.values.len().div_ceil(RATE)
            })
            .sum();
        let height = active.next_power_of_two().max(MIN_HEIGHT);
        let mut trace = vec![F::ZERO; height * w];
        let mut requests = Vec::with_capacity(active);
        let mut at = 0;
        for r in rows {
            let len = F::new(r.values.len() as u32);
            let chunks = r.values.len().div_ceil(RATE);
            let mut cap = [F::ZERO; SPONGE_CAPACITY];
            cap[0] = len;
            for (k, values) in r.values.chunks(RATE).enumerate() {
                let row = &mut trace[at * w..(at + 1) * w];
                let mut state = [F::ZERO; WIDTH];
                state[..values.len()].copy_from_slice(values);
                state[RATE..].copy_from_slice(&cap);
                requests.push(state);
                let mut out = state;
                poseidon2_permute_24(&mut out);
                row[c.leaf.0] = F::new(r.leaf);
                row[c.chunk.0] = F::new(k as u32);
                row[c.len.0] = len;
                for i in 0..RATE {
                    row[c.rate[i].0] = state[i];
                }
                for i in 0..SPONGE_CAPACITY {
                    row[c.capacity[i].0] = state[RATE + i];
                }
                for i in 0..WIDTH {
                    row[c.out[i].0] = out[i];
                }
                row[c.first.0] = F::new(u32::from(k == 0));
                row[c.last.0] = F::new(u32::from(k + 1 == chunks));
                row[c.active.0] = F::ONE;
                cap.copy_from_slice(&out[RATE..]);
                at += 1;
            }
        }
        // Padding rows: inactive one-row sponges of the empty state (capacity (len = 0, 0...)),
        // whose output is not constrained by any bus.
        for row in trace.chunks_exact_mut(w).skip(active) {
            row[c.first.0] = F::ONE;
            row[c.last.0] = F::ONE;
        }
        (trace, requests)
    }
}
