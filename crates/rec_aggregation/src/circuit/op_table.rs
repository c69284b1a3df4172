//! The operation table of a circuit: one row per recorded operation `c = a * b + d` in `K`,
//! with the wires it reads and defines (or checks); the row's wiring is received from the
//! verifier's list on [`OP_WIRING_BUS`], its inputs from [`WIRE_BUS`], and its result sent
//! there with the multiplicity the list gives (`-1`: a check). The result is not a column:
//! the send carries `a * b + d` itself (five degree-2 expressions of the inputs' columns),
//! so no constraint is needed for it and a row cannot send anything else.
//!
//! # Layout
//! | columns | count |
//! |---|---|
//! | `wa`, `wb`, `wd`, `wc` (wire ids) | 4 |
//! | `mc` (uses of `wc`; `-1` for a check) | 1 |
//! | `ma` (1: `a` is read from `wa`; 0: a hint, `a` is the prover's) | 1 |
//! | `a[0..5]`, `b[0..5]`, `d[0..5]` | 15 |
//! | `active` (0 on padding rows) | 1 |
//! | **total** | **22** |
//!
//! # Constraints (degree 2)
//! `active` boolean, `(1 - active) mc = 0`, `(1 - active) ma = 0`.
//!
//! # Buses
//! Receives `(wa, wb, wd, wc, mc, ma)` on [`OP_WIRING_BUS`] with multiplicity `active`,
//! `(wa, a)` on [`WIRE_BUS`] with multiplicity `ma`, `(wb, b)` and `(wd, d)` with multiplicity
//! `active`; sends `(wc, a * b + d)` on [`WIRE_BUS`] with multiplicity `mc` (the product's
//! coordinates by the extension-field table's formula, a degree-2 denominator).

use super::{CIRCUIT_DEGREE, OP_WIRING_BUS, WIRE_BUS};
use crate::ext5_table::{EXT5_DEGREE, ext5_reduction, fma_exprs};
use crate::poseidon_table::MIN_HEIGHT;
use backend::KoalaBear as F;
use backend::field::Ext5;
use lean_prover::{Air, AirBuilder, AirError, Col, Expr};
use rayon::prelude::*;

/// Column indices of the operation table.
#[derive(Clone, Debug)]
pub struct OpColumns {
    /// Wire ids of `a`, `b`, `d` and `c`.
    pub ids: [Col; 4],
    /// Multiplicity of the result's send (uses of `c`, or `-1` for a check).
    pub mc: Col,
    /// Multiplicity of the receive of `a` (0 for a hint).
    pub ma: Col,
    /// Coefficients of `a`, `b` and `d`, constant term first.
    pub values: [[Col; EXT5_DEGREE]; 3],
    /// 1 on operation rows, 0 on padding rows.
    pub active: Col,
}

/// One row's content: the four wire ids, the result's and `a`'s multiplicities and the inputs `a`, `b`,
/// `d` (the table computes `c`).
#[derive(Copy, Clone, Debug)]
pub(crate) struct OpRow {
    pub(crate) ids: [u32; 4],
    pub(crate) mc: F,
    pub(crate) ma: F,
    pub(crate) inputs: [Ext5; 3],
}

/// The operation table: its AIR and layout (see the module docs).
pub struct OpTable {
    air: Air,
    cols: OpColumns,
}

impl OpTable {
    /// Builds the AIR.
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<OpTable, AirError> {
        let b = AirBuilder::new("circuit_ops");
        let ids: [Col; 4] = ["wa", "wb", "wd", "wc"].map(|n| b.column(n));
        let mc = b.column("mc");
        let ma = b.column("ma");
        let values: [[Col; EXT5_DEGREE]; 3] =
            ["a", "b", "d"].map(|n| core::array::from_fn(|i| b.column(&format!("{n}{i}"))));
        let active = b.column("active");
        let one = b.constant(F::ONE);
        b.assert_zero(b.main(active) * (b.main(active) - one));
        b.assert_zero((one - b.main(active)) * b.main(mc));
        b.assert_zero((one - b.main(active)) * b.main(ma));

        let mut wiring: Vec<Expr<'_>> = ids.iter().map(|&c| b.main(c)).collect();
        wiring.push(b.main(mc));
        wiring.push(b.main(ma));
        b.receive(OP_WIRING_BUS, &wiring, b.main(active));
        let wire = |k: usize| -> Vec<Expr<'_>> {
            std::iter::once(b.main(ids[k]))
                .chain(values[k].iter().map(|&c| b.main(c)))
                .collect()
        };
        b.receive(WIRE_BUS, &wire(0), b.main(ma));
        for k in 1..3 {
            b.receive(WIRE_BUS, &wire(k), b.main(active));
        }
        let result: Vec<Expr<'_>> = std::iter::once(b.main(ids[3]))
            .chain(fma_exprs(&b, &ext5_reduction(), values))
            .collect();
        b.send(WIRE_BUS, &result, b.main(mc));
        let air = b.build(CIRCUIT_DEGREE)?;
        Ok(OpTable {
            air,
            cols: OpColumns {
                ids,
                mc,
                ma,
                values,
                active,
            },
        })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &OpColumns {
        &self.cols
    }

    /// Number of columns (22).
    pub fn width(&self) -> usize {
        self.air.width()
    }

    /// The row-major trace of `rows`, padded to a power of two (at least 4 rows) with zero
    /// rows (`0 * 0 + 0 = 0`, inactive). Filled in parallel; the cells do not depend on the
    /// thread count.
    pub(crate) fn trace(&self, rows: &[OpRow]) -> Vec<F> {
        let w = self.width();
        let height = rows.len().next_power_of_two().max(MIN_HEIGHT);
        let mut trace = F::zero_vec(height * w);
        let c = &self.cols;
        trace
            .par_chunks_exact_mut(w)
            .zip(rows.par_iter())
            .for_each(|(row, op)| {
                let [a, bb, d] = op.inputs;
                for (col, id) in c.ids.iter().zip(op.ids) {
                    row[col.0] = F::new(id);
                }
                row[c.mc.0] = op.mc;
                row[c.ma.0] = op.ma;
                for (cols, x) in c.values.iter().zip([a, bb, d]) {
                    for (col, &v) in cols.iter().zip(x.coeffs()) {
                        row[col.0] = v;
                    }
                }
                row[c.active.0] = F::ONE;
            });
        trace
    }
}
