//! The link table of a circuit: one row per value the verifier observes in `K` (a proof value,
//! or a wire computed by the circuit) or challenge it samples, binding the wire to the
//! transcript table's slots at the positions the verifier's list gives.
//!
//! # Layout
//! | columns | count |
//! |---|---|
//! | `w` (wire id), `mw` (uses of `w` if the link defines it, `-1` if it observes a wire defined elsewhere) | 2 |
//! | `observed` (1: observation, 0: sample) | 1 |
//! | `call[0..5]`, `slot[0..5]` (the coefficients' transcript positions) | 10 |
//! | `v[0..5]` (the coefficients) | 5 |
//! | `active` (0 on padding rows) | 1 |
//! | **total** | **19** |
//!
//! # Constraints (degree 2)
//! `active` and `observed` boolean; `(1 - active) mw = 0`, `(1 - active) observed = 0`.
//!
//! # Buses
//! Receives `(w, mw, observed, call[0..5], slot[0..5])` on [`LINK_WIRING_BUS`] with
//! multiplicity `active`; sends `(w, v)` on [`WIRE_BUS`] with multiplicity `mw`; sends
//! `(call[k], slot[k], v[k])` on the transcript's observation bus with multiplicity
//! `observed`, on its sample bus with multiplicity `active - observed`.

use super::{CIRCUIT_DEGREE, LINK_WIRING_BUS, WIRE_BUS};
use crate::ext5_table::EXT5_DEGREE;
use crate::poseidon_table::MIN_HEIGHT;
use crate::transcript_table::{TRANSCRIPT_OBSERVE_BUS, TRANSCRIPT_SAMPLE_BUS};
use backend::KoalaBear as F;
use backend::field::Ext5;
use lean_prover::{Air, AirBuilder, AirError, Col, Expr};

/// Column indices of the link table.
#[derive(Clone, Debug)]
pub struct LinkColumns {
    /// The wire id.
    pub w: Col,
    /// Multiplicity of the wire's send (uses, or `-1`).
    pub mw: Col,
    /// 1 for an observation, 0 for a sample.
    pub observed: Col,
    /// Transcript call of each coefficient.
    pub call: [Col; EXT5_DEGREE],
    /// Transcript slot of each coefficient.
    pub slot: [Col; EXT5_DEGREE],
    /// The coefficients, constant term first.
    pub v: [Col; EXT5_DEGREE],
    /// 1 on link rows, 0 on padding rows.
    pub active: Col,
}

/// One row's content.
#[derive(Copy, Clone, Debug)]
pub(crate) struct LinkRow {
    pub(crate) wire: u32,
    pub(crate) mw: F,
    pub(crate) observed: bool,
    pub(crate) positions: [(u32, u32); EXT5_DEGREE],
    pub(crate) value: Ext5,
}

/// The link table: its AIR and layout (see the module docs).
pub struct LinkTable {
    air: Air,
    cols: LinkColumns,
}

impl LinkTable {
    /// Builds the AIR.
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<LinkTable, AirError> {
        let b = AirBuilder::new("circuit_links");
        let w = b.column("w");
        let mw = b.column("mw");
        let observed = b.column("observed");
        let five = |n: &str| -> [Col; EXT5_DEGREE] {
            core::array::from_fn(|i| b.column(&format!("{n}{i}")))
        };
        let (call, slot, v) = (five("call"), five("slot"), five("v"));
        let active = b.column("active");
        let one = b.constant(F::ONE);
        for c in [active, observed] {
            b.assert_zero(b.main(c) * (b.main(c) - one));
        }
        b.assert_zero((one - b.main(active)) * b.main(mw));
        b.assert_zero((one - b.main(active)) * b.main(observed));

        let mut wiring: Vec<Expr<'_>> = vec![b.main(w), b.main(mw), b.main(observed)];
        wiring.extend(call.iter().chain(&slot).map(|&c| b.main(c)));
        b.receive(LINK_WIRING_BUS, &wiring, b.main(active));
        let wire: Vec<Expr<'_>> = std::iter::once(b.main(w))
            .chain(v.iter().map(|&c| b.main(c)))
            .collect();
        b.send(WIRE_BUS, &wire, b.main(mw));
        for k in 0..EXT5_DEGREE {
            let t = [b.main(call[k]), b.main(slot[k]), b.main(v[k])];
            b.send(TRANSCRIPT_OBSERVE_BUS, &t, b.main(observed));
            b.send(TRANSCRIPT_SAMPLE_BUS, &t, b.main(active) - b.main(observed));
        }
        let air = b.build(CIRCUIT_DEGREE)?;
        Ok(LinkTable {
            air,
            cols: LinkColumns {
                w,
                mw,
                observed,
                call,
                slot,
                v,
                active,
            },
        })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &LinkColumns {
        &self.cols
    }

    /// Number of columns (19).
    pub fn width(&self) -> usize {
        self.air.width()
    }

    /// The row-major trace of `rows`, padded to a power of two (at least 4 rows) with zero
    /// (inactive) rows.
    pub(crate) fn trace(&self, rows: &[LinkRow]) -> Vec<F> {
        let w = self.width();
        let height = rows.len().next_power_of_two().max(MIN_HEIGHT);
        let mut trace = F::zero_vec(height * w);
        let c = &self.cols;
        for (row, link) in trace.chunks_exact_mut(w).zip(rows) {
            row[c.w.0] = F::new(link.wire);
            row[c.mw.0] = link.mw;
            row[c.observed.0] = F::new(u32::from(link.observed));
            for k in 0..EXT5_DEGREE {
                row[c.call[k].0] = F::new(link.positions[k].0);
                row[c.slot[k].0] = F::new(link.positions[k].1);
                row[c.v[k].0] = link.value.coeffs()[k];
            }
            row[c.active.0] = F::ONE;
        }
        trace
    }
}
