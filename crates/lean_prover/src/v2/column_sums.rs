//! The first WHIR round's partial sums of the column claims, computed from the committed
//! table's rows all at once.
//!
//! The committed table is the stacking rotated by `k_0` ([`super::stack::rotate_index`]), and
//! WHIR's first oracle holds it as `2^n` rows (`n = V - k_0`) of its active blocks
//! ([`super::whir::WhirWitness::first_rows`]): row `b` holds, for each active block `a`, the
//! placement's value at index `b 2^k_0 + a`. A column of a table of height `2^h` with
//! `V - h >= k_0` has its row `y` at placement index `(y << (V - h)) | r` (`r` its reversed
//! selector), which is row `(y << (n - h)) | (r >> k_0)` of that form, block `r mod 2^k_0`.
//! Its claim at a point `p` (`h` coordinates), rotated, has the boolean head
//! `eq(r mod 2^k_0, .)` and the tail `eq(p, y)` on the rows' top `h` bits and the low bits
//! of `r >> k_0` below, so WHIR's partial sums are
//!
//! `u[a] = sum_y eq(p, y) row[(y << (n - h)) | m][a]`, `m = r >> k_0`:
//!
//! the rows folded on their top `h` bits at `p`, read at `m`. One fold serves every claim at
//! `p`; the main columns' points are prefixes `s[..h]` of one point, so the folds at the
//! tables' heights follow from one another, the first reading the rows once. Each table's
//! next-row point gets a fold of its own. Claims of a table with `V - h < k_0` (whose head is
//! not boolean) are left to WHIR.

use super::mle;
use super::plan::Plan;
use crate::statement::TableWitness;
use backend::Isa;
use backend::field::{Ext5, KoalaBear};
use backend::kernels::ext as kx;
use rayon::prelude::*;

/// The rows (`width` values each, base-field or extension) folded on their top bits.
enum Folded<'a> {
    /// The committed rows themselves (nothing folded yet).
    Base(&'a [KoalaBear]),
    /// Rows of extension values after a fold.
    Ext(Vec<Ext5>),
}

/// `out[m] = sum_y eq(p, y) rows[(y << (log_rows - |p|)) | m]` for the `2^log_rows` rows of
/// `width` values in `rows`.
fn fold_top(isa: Isa, rows: &Folded<'_>, width: usize, log_rows: usize, p: &[Ext5]) -> Vec<Ext5> {
    let eq = match mle::eq_table(isa, p) {
        Ok(eq) => eq,
        Err(e) => unreachable!("eq table of at most 24 coordinates: {e}"),
    };
    let stride = 1usize << (log_rows - p.len());
    let mut out = Ext5::zero_vec(stride * width);
    out.par_chunks_mut(width)
        .enumerate()
        .for_each(|(m, o)| match rows {
            Folded::Base(base) => combine_rows(isa, base, width, stride, &eq, m, o),
            Folded::Ext(ext) => {
                for (y, &e) in eq.iter().enumerate() {
                    let at = (y * stride + m) * width;
                    kx::axpy(isa, o, e, &ext[at..at + width]);
                }
            }
        });
    out
}

/// [`fold_top`] of the base-field rows at the output rows `wanted` only: row `i` of the
/// result is output row `wanted[i]`.
fn fold_rows_at(
    isa: Isa,
    rows: &[KoalaBear],
    width: usize,
    log_rows: usize,
    p: &[Ext5],
    wanted: &[usize],
) -> Vec<Ext5> {
    let eq = match mle::eq_table(isa, p) {
        Ok(eq) => eq,
        Err(e) => unreachable!("eq table of at most 24 coordinates: {e}"),
    };
    let stride = 1usize << (log_rows - p.len());
    let mut out = Ext5::zero_vec(wanted.len() * width);
    out.par_chunks_mut(width)
        .zip(wanted)
        .for_each(|(o, &m)| combine_rows(isa, rows, width, stride, &eq, m, o));
    out
}

/// `out = sum_y eq[y] rows[y stride + m]` (rows of `width` base-field values).
fn combine_rows(
    isa: Isa,
    rows: &[KoalaBear],
    width: usize,
    stride: usize,
    eq: &[Ext5],
    m: usize,
    out: &mut [Ext5],
) {
    let picked: Vec<&[KoalaBear]> = (0..eq.len())
        .map(|y| {
            let at = (y * stride + m) * width;
            &rows[at..at + width]
        })
        .collect();
    kx::linear_combination(isa, out, eq, &picked);
}

/// One claim's partial sums from the folded rows: row `m`, placed at the active blocks.
fn sums_at(folded: &[Ext5], width: usize, m: usize, active: &[usize], k: usize) -> Vec<Ext5> {
    let mut u = Ext5::zero_vec(1 << k);
    for (&a, &x) in active.iter().zip(&folded[m * width..(m + 1) * width]) {
        u[a] = x;
    }
    u
}

/// The partial sums of the column claims in [`super::plan::column_claims`]'s order (per
/// table its main columns at `s[..h]`, then its next-row columns at the next-row point),
/// from the committed rows `rows` (see the module docs); `None` for the claims of tables
/// with `V - h < k_0`.
pub(crate) fn column_partial_sums(
    isa: Isa,
    plan: &Plan,
    tables: &[TableWitness<'_>],
    s: &[Ext5],
    shift_points: &[Option<(Vec<Ext5>, Vec<Ext5>)>],
    rows: &[KoalaBear],
) -> Vec<Option<Vec<Ext5>>> {
    let v = plan.columns.num_variables;
    let k = plan.whir.rounds[0].folding_factor;
    let active = &plan.whir.first_active;
    let width = active.len();
    let n = v - k;
    let heights: Vec<usize> = tables
        .iter()
        .map(|t| (t.trace.len() / t.air.width()).trailing_zeros() as usize)
        .collect();

    // The main point's folds at every height served, in increasing order, each from the one
    // before.
    let mut served: Vec<usize> = heights.iter().copied().filter(|&h| h <= n).collect();
    served.sort_unstable();
    served.dedup();
    let mut main_folds: Vec<(usize, Vec<Ext5>)> = Vec::with_capacity(served.len());
    for &h in &served {
        let folded = match main_folds.last() {
            None => fold_top(isa, &Folded::Base(rows), width, n, &s[..h]),
            Some((done, prev)) => {
                // `prev` is already folded on `done` top bits: `n - done` row bits remain.
                let rows = Folded::Ext(prev.clone());
                fold_top(isa, &rows, width, n - done, &s[*done..h])
            }
        };
        main_folds.push((h, folded));
    }

    let mut out = Vec::new();
    for (t, (tw, shift)) in tables.iter().zip(shift_points).enumerate() {
        let w = tw.air.width();
        let h = heights[t];
        let next = tw.air.main_next_columns();
        let claims = w + if shift.is_some() { next.len() } else { 0 };
        if h > n {
            out.extend(std::iter::repeat_n(None, claims));
            continue;
        }
        let blocks = &plan.columns.blocks[plan.column_start[t]..][..w];
        let m_of = |c: usize| blocks[c].committed_index(0, v) >> k;
        let main = match main_folds.iter().find(|(fh, _)| *fh == h) {
            Some((_, f)) => f,
            None => unreachable!("every height up to n has its fold"),
        };
        out.extend((0..w).map(|c| Some(sums_at(main, width, m_of(c), active, k))));
        if let Some((point, _)) = shift {
            // A fold of every row, or only the rows of the next-row columns when they are
            // fewer (a short table with few such columns).
            let mut wanted: Vec<usize> = next.iter().map(|&c| m_of(c)).collect();
            wanted.sort_unstable();
            wanted.dedup();
            if wanted.len() << h < 1usize << n {
                let folded = fold_rows_at(isa, rows, width, n, point, &wanted);
                out.extend(next.iter().map(|&c| {
                    let i = wanted.partition_point(|&m| m < m_of(c));
                    Some(sums_at(&folded, width, i, active, k))
                }));
            } else {
                let folded = fold_top(isa, &Folded::Base(rows), width, n, point);
                out.extend(
                    next.iter()
                        .map(|&c| Some(sums_at(&folded, width, m_of(c), active, k))),
                );
            }
        }
    }
    out
}
