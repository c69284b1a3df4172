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
//! tables' heights follow from one another. Each table's next-row point gets a fold of its
//! own (of its columns' rows only, when they are few). The folds of all the rows (the main
//! point's first and the full next-row ones) share one pass over them.
//!
//! A table with `V - h < k_0` (taller than `n = V - k_0` rows) has the low `h - n` bits of
//! its row index among the first oracle's `k_0` block bits: its claim's head is
//! `eq(p[n..], .)` on those bits times the selector's indicator (no longer boolean, WHIR
//! computes it), and its tail is `eq(p[..n], b)` on every row `b`. Its partial sums are then
//! the rows folded on all `n` bits at `p[..n]`, the same single row for every claim at that
//! point: `s[..n]` for the main columns, the table's next-row point cut to `n` coordinates
//! for its next-row columns.

use super::mle;
use super::plan::Plan;
use crate::statement::TableWitness;
use backend::Isa;
use backend::field::{Ext5, KoalaBear};
use backend::kernels::ext as kx;
use rayon::prelude::*;

/// `out[m] = sum_y eq(p, y) rows[(y << (log_rows - |p|)) | m]` for the `2^log_rows` rows of
/// `width` extension values in `rows` (the main point's later folds).
fn fold_top(isa: Isa, rows: &[Ext5], width: usize, log_rows: usize, p: &[Ext5]) -> Vec<Ext5> {
    let eq = match mle::eq_table(isa, p) {
        Ok(eq) => eq,
        Err(e) => unreachable!("eq table of at most 24 coordinates: {e}"),
    };
    let stride = 1usize << (log_rows - p.len());
    let mut out = Ext5::zero_vec(stride * width);
    out.par_chunks_mut(width).enumerate().for_each(|(m, o)| {
        for (y, &e) in eq.iter().enumerate() {
            let at = (y * stride + m) * width;
            kx::axpy(isa, o, e, &rows[at..at + width]);
        }
    });
    out
}

/// The base-field rows folded at `p` as [`fold_top_fused`] does, at the output rows `wanted`
/// only: row `i` of the
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

/// The base-field rows folded on their top bits (`out[m] = sum_y eq(p, y) rows[(y <<
/// (n - |p|)) | m]`) at every point of `points` (each of at most `n`
/// coordinates), in one pass over the rows. The fold with the largest stride (the shortest
/// point) is cut into ranges of its output rows `m`: a task combines, for each `m` of its
/// range, the rows `y stride + m` of that fold, and while they are in cache adds the same rows
/// to its partial sums of every other fold (whose strides divide the largest); the partial
/// sums are added up after.
fn fold_top_fused(
    isa: Isa,
    rows: &[KoalaBear],
    width: usize,
    n: usize,
    points: &[&[Ext5]],
) -> Vec<Vec<Ext5>> {
    if points.is_empty() {
        return Vec::new();
    }
    let eqs: Vec<Vec<Ext5>> = points
        .iter()
        .map(|p| match mle::eq_table(isa, p) {
            Ok(eq) => eq,
            Err(e) => unreachable!("eq table of at most 24 coordinates: {e}"),
        })
        .collect();
    let strides: Vec<usize> = points.iter().map(|p| 1usize << (n - p.len())).collect();
    let lead = (0..points.len())
        .max_by_key(|&i| (strides[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    let top = strides[lead];
    // A task's range of `m`: a multiple of every other stride (all powers of two).
    let range = strides
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != lead)
        .map(|(_, &st)| st)
        .max()
        .unwrap_or(1)
        .max(FUSED_MIN_RANGE)
        .min(top);
    let tasks: Vec<(Vec<Ext5>, Vec<Vec<Ext5>>)> = (0..top / range)
        .into_par_iter()
        .map(|task| {
            let ms = task * range..(task + 1) * range;
            let mut lead_out = Ext5::zero_vec(range * width);
            for (o, m) in lead_out.chunks_exact_mut(width).zip(ms.clone()) {
                combine_rows(isa, rows, width, top, &eqs[lead], m, o);
            }
            let partials = (0..points.len())
                .map(|i| {
                    if i == lead {
                        return Vec::new();
                    }
                    let st = strides[i];
                    let mut part = Ext5::zero_vec(st * width);
                    for (r, o) in part.chunks_exact_mut(width).enumerate() {
                        // Rows `y top + m` with `m` in the range and `m = r mod st`: row
                        // `b` is read at `eq_i[b / st]`.
                        let mut coeffs = Vec::new();
                        let mut picked: Vec<&[KoalaBear]> = Vec::new();
                        for y in 0..eqs[lead].len() {
                            for m in ms.clone().skip(r).step_by(st) {
                                let b = y * top + m;
                                coeffs.push(eqs[i][b / st]);
                                picked.push(&rows[b * width..(b + 1) * width]);
                            }
                        }
                        kx::linear_combination(isa, o, &coeffs, &picked);
                    }
                    part
                })
                .collect();
            (lead_out, partials)
        })
        .collect();
    let mut out: Vec<Vec<Ext5>> = strides
        .iter()
        .map(|&st| Ext5::zero_vec(st * width))
        .collect();
    for (task, (lead_out, partials)) in tasks.into_iter().enumerate() {
        out[lead][task * range * width..(task + 1) * range * width].copy_from_slice(&lead_out);
        for (i, part) in partials.into_iter().enumerate() {
            if i != lead {
                for (a, b) in out[i].iter_mut().zip(&part) {
                    *a += *b;
                }
            }
        }
    }
    out
}

/// Fewest output rows of the leading fold per task of [`fold_top_fused`].
const FUSED_MIN_RANGE: usize = 16;

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
/// from the committed rows `rows` (see the module docs).
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

    // Which next-row points need a fold of every row (the others: only their columns' rows).
    let blocks_of =
        |t: usize| &plan.columns.blocks[plan.column_start[t]..][..tables[t].air.width()];
    let m_of = |t: usize, c: usize| blocks_of(t)[c].committed_index(0, v) >> k;
    let wanted: Vec<Option<Vec<usize>>> = tables
        .iter()
        .zip(shift_points)
        .enumerate()
        .map(|(t, (tw, shift))| {
            shift.as_ref().filter(|_| heights[t] <= n)?;
            let mut m: Vec<usize> = tw
                .air
                .main_next_columns()
                .iter()
                .map(|&c| m_of(t, c))
                .collect();
            m.sort_unstable();
            m.dedup();
            Some(m)
        })
        .collect();
    let full_shift = |t: usize| {
        wanted[t]
            .as_ref()
            .is_some_and(|m| m.len() << heights[t] >= 1usize << n)
    };

    // Every fold of all the rows in one pass over them: the main point's at the lowest
    // height served, then each full next-row point's (a table taller than `n` rows: cut to
    // `n` coordinates).
    let mut served: Vec<usize> = heights.iter().map(|&h| h.min(n)).collect();
    served.sort_unstable();
    served.dedup();
    let mut points: Vec<&[Ext5]> = Vec::new();
    if let Some(&h0) = served.first() {
        points.push(&s[..h0]);
    }
    let mut shift_fold = vec![None; tables.len()];
    for (t, shift) in shift_points.iter().enumerate() {
        if let Some((point, _)) = shift.as_ref().filter(|_| full_shift(t)) {
            shift_fold[t] = Some(points.len());
            points.push(point);
        } else if let Some((point, _)) = shift.as_ref().filter(|_| heights[t] > n) {
            shift_fold[t] = Some(points.len());
            points.push(&point[..n]);
        }
    }
    let mut fused = fold_top_fused(isa, rows, width, n, &points);

    // The main point's folds at every height served, in increasing order, each from the one
    // before.
    let mut main_folds: Vec<(usize, Vec<Ext5>)> = Vec::with_capacity(served.len());
    for &h in &served {
        let folded = match main_folds.last() {
            None => std::mem::take(&mut fused[0]),
            // `prev` is already folded on `done` top bits: `n - done` row bits remain.
            Some((done, prev)) => fold_top(isa, prev, width, n - done, &s[*done..h]),
        };
        main_folds.push((h, folded));
    }

    let mut out = Vec::new();
    for (t, (tw, shift)) in tables.iter().zip(shift_points).enumerate() {
        let w = tw.air.width();
        let h = heights[t];
        let next = tw.air.main_next_columns();
        // A table taller than `n` rows has `m_of(t, c) = 0` for every column: its claims'
        // sums are the single folded row.
        let main = match main_folds.iter().find(|(fh, _)| *fh == h.min(n)) {
            Some((_, f)) => f,
            None => unreachable!("every height up to n has its fold"),
        };
        out.extend((0..w).map(|c| Some(sums_at(main, width, m_of(t, c), active, k))));
        if let Some((point, _)) = shift {
            match (shift_fold[t], &wanted[t]) {
                (Some(j), _) => out.extend(
                    next.iter()
                        .map(|&c| Some(sums_at(&fused[j], width, m_of(t, c), active, k))),
                ),
                (None, Some(wanted)) => {
                    let folded = fold_rows_at(isa, rows, width, n, point, wanted);
                    out.extend(next.iter().map(|&c| {
                        let i = wanted.partition_point(|&m| m < m_of(t, c));
                        Some(sums_at(&folded, width, i, active, k))
                    }));
                }
                (None, None) => unreachable!("a table with a next-row point up to n"),
            }
        }
    }
    out
}
