//! The opened-leaf table of a circuit: the values of the Merkle leaves a verifier opens,
//! defined as wires and sent, chunk by chunk, to the leaf-sponge table that hashes them (so a
//! wire holds a leaf's value only if the leaf's row hash is what the Merkle-path table
//! authenticates).
//!
//! # Layout: one row per 16-value chunk of an opened leaf
//! | columns | count |
//! |---|---|
//! | `path` (the opening's id), `chunk`, `len` (the leaf's length), `base` (the first value's wire id) | 4 |
//! | `used[0..16]` (slot `j` holds a value of the leaf) | 16 |
//! | `v[0..16]` (the values, zero in unused slots) | 16 |
//! | `mult[0..16]` (uses of the wire `base + j`) | 16 |
//! | `active` (0 on padding rows) | 1 |
//! | **total** | **53** |
//!
//! # Constraints (degree 2)
//! `active` and `used[j]` boolean; `(1 - used[j]) v[j] = 0`; `(1 - active) mult[j] = 0`.
//!
//! # Buses
//! Receives `(path, chunk, len, base, used[0..16], mult[0..16])` on [`OPENED_WIRING_BUS`]
//! with multiplicity `active`; sends `(path, chunk, len, v[0..16])` on the leaf-sponge
//! table's chunk bus with multiplicity `active`; sends `(base + j, v[j], 0, 0, 0, 0)` on
//! [`WIRE_BUS`] with multiplicity `mult[j]` (the values are base-field elements).

use super::{CIRCUIT_DEGREE, OPENED_WIRING_BUS, WIRE_BUS};
use crate::leaf_sponge_table::{LEAF_CHUNK_BUS, RATE};
use crate::poseidon_table::MIN_HEIGHT;
use backend::KoalaBear as F;
use lean_prover::{Air, AirBuilder, AirError, Col, Expr};

/// Values per pinned tuple of the table: `path, chunk, len, base`, 16 flags, 16 multiplicities.
pub const OPENED_WIRING_LEN: usize = 4 + 2 * RATE;

/// Column indices of the opened-leaf table.
#[derive(Clone, Debug)]
pub struct OpenedColumns {
    /// The opening's id (the leaf sponge's and the Merkle path's).
    pub path: Col,
    /// The chunk's number in the leaf.
    pub chunk: Col,
    /// The leaf's length.
    pub len: Col,
    /// The wire id of the chunk's first value.
    pub base: Col,
    /// Slot flags.
    pub used: [Col; RATE],
    /// The values.
    pub v: [Col; RATE],
    /// Uses of each value's wire.
    pub mult: [Col; RATE],
    /// 1 on chunk rows, 0 on padding rows.
    pub active: Col,
}

/// One row's content.
#[derive(Clone, Debug)]
pub(crate) struct OpenedRowData {
    pub(crate) path: u32,
    pub(crate) chunk: u32,
    pub(crate) len: u32,
    pub(crate) base: u32,
    pub(crate) values: Vec<F>,
    pub(crate) mult: Vec<F>,
}

impl OpenedRowData {
    /// The row's pinned tuple (what the verifier's list holds).
    pub(crate) fn wiring(&self) -> Vec<F> {
        let mut t = vec![
            F::new(self.path),
            F::new(self.chunk),
            F::new(self.len),
            F::new(self.base),
        ];
        t.extend((0..RATE).map(|j| F::new(u32::from(j < self.values.len()))));
        t.extend((0..RATE).map(|j| self.mult.get(j).copied().unwrap_or(F::ZERO)));
        t
    }
}

/// The opened-leaf table: its AIR and layout (see the module docs).
pub struct OpenedTable {
    air: Air,
    cols: OpenedColumns,
}

impl OpenedTable {
    /// Builds the AIR.
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<OpenedTable, AirError> {
        let b = AirBuilder::new("circuit_opened_leaves");
        let path = b.column("path");
        let chunk = b.column("chunk");
        let len = b.column("len");
        let base = b.column("base");
        let sixteen =
            |n: &str| -> [Col; RATE] { core::array::from_fn(|i| b.column(&format!("{n}{i}"))) };
        let (used, v, mult) = (sixteen("used"), sixteen("v"), sixteen("mult"));
        let active = b.column("active");
        let one = b.constant(F::ONE);
        b.assert_zero(b.main(active) * (b.main(active) - one));
        for j in 0..RATE {
            b.assert_zero(b.main(used[j]) * (b.main(used[j]) - one));
            b.assert_zero((one - b.main(used[j])) * b.main(v[j]));
            b.assert_zero((one - b.main(active)) * b.main(mult[j]));
        }
        let mut wiring: Vec<Expr<'_>> = [path, chunk, len, base].map(|c| b.main(c)).to_vec();
        wiring.extend(used.iter().chain(&mult).map(|&c| b.main(c)));
        b.receive(OPENED_WIRING_BUS, &wiring, b.main(active));
        let mut sent: Vec<Expr<'_>> = [path, chunk, len].map(|c| b.main(c)).to_vec();
        sent.extend(v.iter().map(|&c| b.main(c)));
        b.send(LEAF_CHUNK_BUS, &sent, b.main(active));
        let zero = b.constant(F::ZERO);
        for j in 0..RATE {
            let id = b.main(base) + b.constant(F::new(j as u32));
            b.send(
                WIRE_BUS,
                &[id, b.main(v[j]), zero, zero, zero, zero],
                b.main(mult[j]),
            );
        }
        let air = b.build(CIRCUIT_DEGREE)?;
        Ok(OpenedTable {
            air,
            cols: OpenedColumns {
                path,
                chunk,
                len,
                base,
                used,
                v,
                mult,
                active,
            },
        })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &OpenedColumns {
        &self.cols
    }

    /// The row-major trace of `rows`, padded to a power of two (at least 4 rows) with zero
    /// (inactive) rows.
    pub(crate) fn trace(&self, rows: &[OpenedRowData]) -> Vec<F> {
        let w = self.air.width();
        let height = rows.len().next_power_of_two().max(MIN_HEIGHT);
        let mut trace = F::zero_vec(height * w);
        let c = &self.cols;
        for (row, data) in trace.chunks_exact_mut(w).zip(rows) {
            row[c.path.0] = F::new(data.path);
            row[c.chunk.0] = F::new(data.chunk);
            row[c.len.0] = F::new(data.len);
            row[c.base.0] = F::new(data.base);
            for (j, &x) in data.values.iter().enumerate() {
                row[c.used[j].0] = F::ONE;
                row[c.v[j].0] = x;
            }
            for (j, &m) in data.mult.iter().enumerate() {
                row[c.mult[j].0] = m;
            }
            row[c.active.0] = F::ONE;
        }
        trace
    }
}
