//! The extension-field arithmetic table: fused multiply-adds `c = a * b + d` in the quintic
//! extension `K = F_p^5 = F_p[X] / (X^5 + X^2 - 1)` as `lean_prover` AIR rows, the second
//! building block of recursion (`docs/recursion.md`, "Building blocks"). The recursive
//! verifier's sumchecks, folds and summand evaluations are chains of such operations in `K`;
//! a table computing them requests each one by sending its tuple on this table's bus.
//!
//! `K` is exactly `backend::field::Ext5` (coefficients constant term first, the same modulus,
//! Plonky3's `QuinticTrinomialExtensionField` over KoalaBear), and every row agrees with
//! `Ext5`'s `*` and `+` bit for bit (`tests/ext5_table.rs`).
//!
//! # Layout: one row per operation
//!
//! | columns | count |
//! |---|---|
//! | `a[0..5]`: the first factor's coefficients | 5 |
//! | `b[0..5]`: the second factor's | 5 |
//! | `d[0..5]`: the addend's | 5 |
//! | `c[0..5]`: the result's, `c = a * b + d` | 5 |
//! | `mult` | 1 |
//! | **total** | **21** ([`EXT5_TABLE_WIDTH`]) |
//!
//! One fused operation covers the others: a multiplication is `d = 0`, an addition `b = 1`, a
//! subtraction `a - e` is `(a, 1, -e)`, a base-field scaling `b = (s, 0, 0, 0, 0)`, a square
//! `a = b`, and an inverse `a^-1` is checked as the product `(a, a^-1, 0) -> 1`. A requester
//! sends expressions, not only columns, so the constants `0`, `1` and negations cost it
//! nothing; a multiply-then-add (Horner steps, the sumchecks' linear combinations) takes one
//! row instead of two.
//!
//! # Constraints (5, all of degree 2)
//! With the unreduced product `p_k = sum_{i + j = k} a_i b_j` (`k = 0..=8`) and the reduction
//! `X^5 = 1 - X^2`, `X^6 = X - X^3`, `X^7 = X^2 - X^4`, `X^8 = -1 + X^2 + X^3`
//! ([`ext5_reduction`], derived from the modulus [`EXT5_MODULUS_LOW`]), coordinate by
//! coordinate:
//!
//! * `c_0 - d_0 - (p_0 + p_5 - p_8) = 0`
//! * `c_1 - d_1 - (p_1 + p_6) = 0`
//! * `c_2 - d_2 - (p_2 - p_5 + p_7 + p_8) = 0`
//! * `c_3 - d_3 - (p_3 - p_6 + p_8) = 0`
//! * `c_4 - d_4 - (p_4 - p_7) = 0`
//!
//! Constraint `m` is the one of coordinate `m`. Together they force `c = a * b + d` in `K` on
//! every row, padding rows included (a zero row is valid: `0 * 0 + 0 = 0`).
//!
//! # Bus
//! Every row *receives* the 20-value tuple `(a[0..5], b[0..5], d[0..5], c[0..5])` with
//! multiplicity `mult` on [`EXT5_BUS`] (0x40). The id is new: the Poseidon1 tables use 0x10,
//! 0x11 and 0x18 to 0x1a ([`crate::poseidon_table`]), the aggregation statement 0x20 to 0x27
//! (`statement/buses.rs`) and the Poseidon2 tables 0x30 to 0x3f
//! ([`crate::poseidon2_table`]); 0x40 to 0x4f is kept for extension arithmetic. Any other
//! table obtains `a * b + d` by *sending* the same tuple ([`ext5_fma_tuple`] gives it for
//! concrete values) with multiplicity 1 (or a boolean flag); LogUp balance then means that
//! every requested tuple is a row of the table. `mult` is not constrained: whatever its value,
//! only rows that satisfy the constraints can absorb requests. (The usual LogUp caveat
//! applies: multiplicities are field elements, so the argument assumes fewer than `p`
//! requests in total.)
//!
//! # Witness
//! [`Ext5Table::trace`] fills one row per `(a, b, d)` with [`Ext5Table::fill_row`], which
//! computes `c` with `backend::field::Ext5` arithmetic; debug builds check every row against
//! the constraints' formula (the reduction above). Rows are filled in parallel with rayon, the
//! padding rows (up to a power of two, at least 4 rows) are zero with multiplicity 0. There
//! are no vector kernels here (20 scalar products per row), so the trace takes no instruction
//! set; its cells depend on nothing but the operations and multiplicities.

mod columns;
mod constraint;
mod reduction;

pub use columns::Ext5Columns;
pub use reduction::{EXT5_DEGREE, EXT5_MODULUS_LOW, EXT5_PRODUCT_LEN, ext5_reduction};

use crate::poseidon_table::MIN_HEIGHT;
use backend::KoalaBear;
use backend::field::Ext5;
use lean_prover::{Air, AirBuilder, AirError, BusId, Col, Expr};
use rayon::prelude::*;
use reduction::fma_by_reduction;

pub(crate) use constraint::{assert_fma, fma_exprs};

/// Bus on which the table receives `(a[5], b[5], d[5], c[5])` tuples, `c = a * b + d`.
pub const EXT5_BUS: BusId = BusId(0x40);

/// Maximum constraint degree of the table.
pub const EXT5_TABLE_DEGREE: usize = 2;

/// Values per bus tuple: `a`, `b`, `d` and `c`, five coefficients each.
pub const EXT5_TUPLE_LEN: usize = 4 * EXT5_DEGREE;

/// Columns per row: the tuple and the multiplicity.
pub const EXT5_TABLE_WIDTH: usize = EXT5_TUPLE_LEN + 1;

/// One operation `(a, b, d)` of the table: the row computes `a * b + d`.
pub type Ext5Op = (Ext5, Ext5, Ext5);

/// The bus tuple of the operation `a * b + d`: the coefficients of `a`, `b`, `d` and
/// `a * b + d` (computed with [`Ext5`]), constant terms first. A requester sends these values
/// (from its columns, or as constants) to obtain the operation from the table.
pub fn ext5_fma_tuple(a: Ext5, b: Ext5, d: Ext5) -> [KoalaBear; EXT5_TUPLE_LEN] {
    let c = a * b + d;
    let mut t = [KoalaBear::ZERO; EXT5_TUPLE_LEN];
    for (chunk, x) in t.chunks_exact_mut(EXT5_DEGREE).zip([a, b, d, c]) {
        chunk.copy_from_slice(x.coeffs());
    }
    t
}

/// The extension-field arithmetic table: its AIR and column layout (see the module docs).
pub struct Ext5Table {
    bus: BusId,
    reduction: [[KoalaBear; EXT5_DEGREE]; EXT5_PRODUCT_LEN],
    air: Air,
    cols: Ext5Columns,
}

impl Ext5Table {
    /// Builds the AIR receiving on [`EXT5_BUS`].
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<Self, AirError> {
        Self::with_bus(EXT5_BUS)
    }

    /// Builds the AIR receiving on `bus` (for a statement that needs two independent
    /// arithmetic tables).
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn with_bus(bus: BusId) -> Result<Self, AirError> {
        let reduction = ext5_reduction();
        let b = AirBuilder::new("ext5_fma");
        let five = |name: &str| -> [Col; EXT5_DEGREE] {
            core::array::from_fn(|i| b.column(&format!("{name}{i}")))
        };
        let (a, bb, d, c) = (five("a"), five("b"), five("d"), five("c"));
        let mult = b.column("mult");

        assert_fma(&b, &reduction, [a, bb, d, c]);

        let tuple: Vec<Expr<'_>> = [a, bb, d, c]
            .iter()
            .flatten()
            .map(|&col| b.main(col))
            .collect();
        b.receive(bus, &tuple, b.main(mult));
        let air = b.build(EXT5_TABLE_DEGREE)?;
        debug_assert_eq!(air.width(), EXT5_TABLE_WIDTH);
        Ok(Ext5Table {
            bus,
            reduction,
            air,
            cols: Ext5Columns {
                a,
                b: bb,
                d,
                c,
                mult,
                width: EXT5_TABLE_WIDTH,
            },
        })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &Ext5Columns {
        &self.cols
    }

    /// Number of columns per row ([`EXT5_TABLE_WIDTH`]).
    pub fn width(&self) -> usize {
        self.cols.width
    }

    /// The bus the table receives on.
    pub fn bus(&self) -> BusId {
        self.bus
    }

    /// Fills one row (`width()` cells) for the operation `a * b + d` with multiplicity
    /// `mult`; the result is computed with [`Ext5`] arithmetic.
    ///
    /// # Panics
    /// If `row` does not have `width()` cells; in debug builds, if `Ext5` disagrees with the
    /// constraints' reduction (it does not).
    pub fn fill_row(&self, (a, b, d): Ext5Op, mult: KoalaBear, row: &mut [KoalaBear]) {
        assert_eq!(row.len(), self.cols.width, "row length");
        let c = a * b + d;
        if cfg!(debug_assertions) {
            assert_eq!(
                *c.coeffs(),
                fma_by_reduction(&self.reduction, a.coeffs(), b.coeffs(), d.coeffs()),
                "Ext5 arithmetic disagrees with the table's reduction"
            );
        }
        let cols = &self.cols;
        for (cols, x) in [(&cols.a, a), (&cols.b, b), (&cols.d, d), (&cols.c, c)] {
            for (col, &v) in cols.iter().zip(x.coeffs()) {
                row[col.0] = v;
            }
        }
        row[self.cols.mult.0] = mult;
    }

    /// The row-major trace: row `k` is the operation `ops[k]` with multiplicity `mults[k]`,
    /// padded to a power of two (at least 4 rows) with zero rows of multiplicity 0
    /// (`0 * 0 + 0 = 0`). Rows are filled in parallel by [`Self::fill_row`]; the cells do
    /// not depend on the number of threads.
    ///
    /// # Panics
    /// If `ops` and `mults` differ in length.
    pub fn trace(&self, ops: &[Ext5Op], mults: &[u32]) -> Vec<KoalaBear> {
        assert_eq!(ops.len(), mults.len(), "one multiplicity per operation");
        let height = ops.len().next_power_of_two().max(MIN_HEIGHT);
        let w = self.cols.width;
        let mut trace = KoalaBear::zero_vec(height * w);
        trace
            .par_chunks_exact_mut(w)
            .zip(ops.par_iter().zip(mults))
            .for_each(|(row, (&op, &mult))| self.fill_row(op, KoalaBear::new(mult), row));
        trace
    }

    /// The trace for `ops`, each with multiplicity 1 (see [`Self::trace`]).
    pub fn trace_for_ops(&self, ops: &[Ext5Op]) -> Vec<KoalaBear> {
        self.trace(ops, &vec![1; ops.len()])
    }

    /// The elements `[a, b, d, c]` stored in `row`.
    ///
    /// # Panics
    /// If `row` does not have `width()` cells.
    pub fn row_values(&self, row: &[KoalaBear]) -> [Ext5; 4] {
        assert_eq!(row.len(), self.cols.width, "row length");
        [&self.cols.a, &self.cols.b, &self.cols.d, &self.cols.c]
            .map(|cols| Ext5::new(cols.map(|col| row[col.0])))
    }
}

/// The table on [`EXT5_BUS`].
///
/// # Panics
/// Never (the AIR is within `lean_prover`'s limits).
pub fn ext5_table() -> Ext5Table {
    Ext5Table::new().expect("Ext5 arithmetic AIR")
}
