//! The link table of a circuit: one row per value the verifier observes in `K` or in the base
//! field (a proof value, or a wire computed by the circuit) or challenge it samples, binding the wire to the
//! transcript table's slots at the positions the verifier's list gives.
//!
//! # Layout
//! | columns | count |
//! |---|---|
//! | `w` (wire id), `mw` (uses of `w` if the link defines it, `-1` if it observes a wire defined elsewhere) | 2 |
//! | `observed` (1: observation, 0: sample) | 1 |
//! | `ext` (1: an element of `K`, five coefficients; 0: a base-field element, one) | 1 |
//! | `call[0..5]`, `slot[0..5]` (the coefficients' transcript positions) | 10 |
//! | `v[0..5]` (the coefficients) | 5 |
//! | `active` (0 on padding rows) | 1 |
//! | **total** | **20** |
//!
//! # Constraints (degree 2)
//! `active`, `observed` and `ext` boolean; `(1 - active) mw = 0`, `(1 - active) observed = 0`;
//! a base-field link's coefficients above the first are zero (`(1 - ext) v[k] = 0`, `k > 0`).
//!
//! # Buses
//! Receives `(w, mw, observed, ext, call[0..5], slot[0..5])` on [`LINK_WIRING_BUS`] with
//! multiplicity `active`; sends `(w, v)` on [`WIRE_BUS`] with multiplicity `mw`; sends
//! `(call[k], slot[k], v[k])` on the transcript's observation bus with multiplicity
//! `observed`, on its sample bus with multiplicity `active - observed` (both times `ext` for
//! `k > 0`).

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
    /// 1 for an element of `K`, 0 for a base-field element.
    pub ext: Col,
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
    pub(crate) ext: bool,
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
        let ext = b.column("ext");
        let five = |n: &str| -> [Col; EXT5_DEGREE] {
            core::array::from_fn(|i| b.column(&format!("{n}{i}")))
        };
        let (call, slot, v) = (five("call"), five("slot"), five("v"));
        let active = b.column("active");
        let one = b.constant(F::ONE);
        for c in [active, observed, ext] {
            b.assert_zero(b.main(c) * (b.main(c) - one));
        }
        b.assert_zero((one - b.main(active)) * b.main(mw));
        b.assert_zero((one - b.main(active)) * b.main(observed));
        for &vk in &v[1..] {
            b.assert_zero((one - b.main(ext)) * b.main(vk));
        }

        let mut wiring: Vec<Expr<'_>> = vec![b.main(w), b.main(mw), b.main(observed), b.main(ext)];
        wiring.extend(call.iter().chain(&slot).map(|&c| b.main(c)));
        b.receive(LINK_WIRING_BUS, &wiring, b.main(active));
        let wire: Vec<Expr<'_>> = std::iter::once(b.main(w))
            .chain(v.iter().map(|&c| b.main(c)))
            .collect();
        b.send(WIRE_BUS, &wire, b.main(mw));
        for k in 0..EXT5_DEGREE {
            let t = [b.main(call[k]), b.main(slot[k]), b.main(v[k])];
            let (obs, smp) = (b.main(observed), b.main(active) - b.main(observed));
            // Coefficients above the first only for an element of K.
            let (obs, smp) = if k == 0 {
                (obs, smp)
            } else {
                (obs * b.main(ext), smp * b.main(ext))
            };
            b.send(TRANSCRIPT_OBSERVE_BUS, &t, obs);
            b.send(TRANSCRIPT_SAMPLE_BUS, &t, smp);
        }
        let air = b.build(CIRCUIT_DEGREE)?;
        Ok(LinkTable {
            air,
            cols: LinkColumns {
                w,
                mw,
                observed,
                ext,
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

    /// Number of columns (20).
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
            row[c.ext.0] = F::new(u32::from(link.ext));
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
