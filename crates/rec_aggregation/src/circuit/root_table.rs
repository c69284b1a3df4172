//! The Merkle-root table of a circuit: for each Merkle opening a verifier relies on, its
//! index and root read from wires and sent to the Merkle-path table, which checks that the
//! opening's leaf digest leads to that root at that index.
//!
//! # Layout: one row per opening
//! | columns | count |
//! |---|---|
//! | `path` (the opening's id), `index`, `top` (`2^(depth - 1)`) | 3 |
//! | `index_id`, `root_id[0..8]` (wire ids) | 9 |
//! | `root[0..8]` | 8 |
//! | `active` (0 on padding rows) | 1 |
//! | **total** | **21** |
//!
//! # Constraints (degree 2)
//! `active` boolean.
//!
//! # Buses
//! Receives `(path, index_id, top, root_id[0..8])` on [`ROOT_WIRING_BUS`], `(index_id,
//! index, 0, 0, 0, 0)` and `(root_id[k], root[k], 0, 0, 0, 0)` on [`WIRE_BUS`], and sends
//! `(path, index, top, root[0..8])` on the Merkle-path table's root bus, all with
//! multiplicity `active`.

use super::{CIRCUIT_DEGREE, ROOT_WIRING_BUS, WIRE_BUS};
use crate::merkle_path_table::MERKLE_ROOT_BUS;
use crate::poseidon_table::MIN_HEIGHT;
use backend::KoalaBear as F;
use lean_prover::{Air, AirBuilder, AirError, Col, Expr};

/// Values per pinned tuple: `path, index_id, top` and the root's eight wire ids.
pub const ROOT_WIRING_LEN: usize = 3 + 8;

/// Column indices of the Merkle-root table.
#[derive(Clone, Debug)]
pub struct RootColumns {
    /// The opening's id.
    pub path: Col,
    /// The leaf index.
    pub index: Col,
    /// `2^(depth - 1)`.
    pub top: Col,
    /// The index's wire id.
    pub index_id: Col,
    /// The root values' wire ids.
    pub root_id: [Col; 8],
    /// The root.
    pub root: [Col; 8],
    /// 1 on opening rows, 0 on padding rows.
    pub active: Col,
}

/// One row's content.
#[derive(Clone, Debug)]
pub(crate) struct RootRowData {
    pub(crate) path: u32,
    pub(crate) index: u32,
    pub(crate) top: u32,
    pub(crate) index_id: u32,
    pub(crate) root_id: [u32; 8],
    pub(crate) root: [F; 8],
}

impl RootRowData {
    /// The row's pinned tuple.
    pub(crate) fn wiring(&self) -> Vec<F> {
        let mut t = vec![F::new(self.path), F::new(self.index_id), F::new(self.top)];
        t.extend(self.root_id.map(F::new));
        t
    }
}

/// The Merkle-root table: its AIR and layout (see the module docs).
pub struct RootTable {
    air: Air,
    cols: RootColumns,
}

impl RootTable {
    /// Builds the AIR.
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<RootTable, AirError> {
        let b = AirBuilder::new("circuit_merkle_roots");
        let path = b.column("path");
        let index = b.column("index");
        let top = b.column("top");
        let index_id = b.column("index_id");
        let root_id: [Col; 8] = core::array::from_fn(|i| b.column(&format!("root_id{i}")));
        let root: [Col; 8] = core::array::from_fn(|i| b.column(&format!("root{i}")));
        let active = b.column("active");
        let one = b.constant(F::ONE);
        b.assert_zero(b.main(active) * (b.main(active) - one));
        let act = b.main(active);
        let mut wiring: Vec<Expr<'_>> = vec![b.main(path), b.main(index_id), b.main(top)];
        wiring.extend(root_id.iter().map(|&c| b.main(c)));
        b.receive(ROOT_WIRING_BUS, &wiring, act);
        let zero = b.constant(F::ZERO);
        let base_wire = |id: Col, value: Col| [b.main(id), b.main(value), zero, zero, zero, zero];
        b.receive(WIRE_BUS, &base_wire(index_id, index), act);
        for k in 0..8 {
            b.receive(WIRE_BUS, &base_wire(root_id[k], root[k]), act);
        }
        let mut sent: Vec<Expr<'_>> = vec![b.main(path), b.main(index), b.main(top)];
        sent.extend(root.iter().map(|&c| b.main(c)));
        b.send(MERKLE_ROOT_BUS, &sent, act);
        let air = b.build(CIRCUIT_DEGREE)?;
        Ok(RootTable {
            air,
            cols: RootColumns {
                path,
                index,
                top,
                index_id,
                root_id,
                root,
                active,
            },
        })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &RootColumns {
        &self.cols
    }

    /// The row-major trace of `rows`, padded to a power of two (at least 4 rows) with zero
    /// (inactive) rows.
    pub(crate) fn trace(&self, rows: &[RootRowData]) -> Vec<F> {
        let w = self.air.width();
        let height = rows.len().next_power_of_two().max(MIN_HEIGHT);
        let mut trace = F::zero_vec(height * w);
        let c = &self.cols;
        for (row, data) in trace.chunks_exact_mut(w).zip(rows) {
            row[c.path.0] = F::new(data.path);
            row[c.index.0] = F::new(data.index);
            row[c.top.0] = F::new(data.top);
            row[c.index_id.0] = F::new(data.index_id);
            for k in 0..8 {
                row[c.root_id[k].0] = F::new(data.root_id[k]);
                row[c.root[k].0] = data.root[k];
            }
            row[c.active.0] = F::ONE;
        }
        trace
    }
}
