//! The first WHIR round's partial sums of the column claims, computed from the traces.
//!
//! A column claim is `f(p, rev(b)) = value` for column `c` of a table of height `2^h` at the
//! table's point `p` ([`super::stack`]: rows on the top `h` variables). WHIR's first round
//! needs, per claim, `u[a] = sum_b tail(b) f[a 2^(V - k_0) + b]` for the `2^k_0` values `a`
//! of the first `k_0` variables. With `h >= k_0`, `a` is the top `k_0` bits of the row, the
//! tail's row factors are `eq(p[k_0..h], m)` over the low bits `m`, and its selector factors
//! pick column `c`, so
//!
//! `u_c[a] = sum_m eq(p[k_0..], m) trace[a 2^(h - k_0) + m][c]`:
//!
//! for each `a`, one linear combination of `2^(h - k_0)` consecutive trace rows gives the
//! sums of every column of the table at once. That reads each trace once, sequentially,
//! where WHIR's own computation would read the stacked table column by column (one cache
//! line per value). Tables lower than `2^k_0` rows are left to WHIR.

use super::mle;
use crate::statement::TableWitness;
use backend::Isa;
use backend::field::Ext5;
use backend::kernels::ext as kx;
use rayon::prelude::*;

/// The partial sums of every column of `table` (height `2^h`, `h >= k`) at `point`
/// (`h` coordinates): `sums[c][a]`.
fn table_sums(isa: Isa, table: &TableWitness<'_>, point: &[Ext5], k: usize) -> Vec<Vec<Ext5>> {
    let w = table.air.width();
    let h = point.len();
    let eq = match mle::eq_table(isa, &point[k..]) {
        Ok(eq) => eq,
        Err(e) => unreachable!("eq table of at most 24 coordinates: {e}"),
    };
    let rows = 1usize << (h - k);
    let per_block: Vec<Vec<Ext5>> = (0..1usize << k)
        .into_par_iter()
        .map(|a| {
            let block = &table.trace[a * rows * w..(a + 1) * rows * w];
            let cols: Vec<&[backend::KoalaBear]> = block.chunks_exact(w).collect();
            let mut out = Ext5::zero_vec(w);
            kx::linear_combination(isa, &mut out, &eq, &cols);
            out
        })
        .collect();
    (0..w)
        .map(|c| per_block.iter().map(|u| u[c]).collect())
        .collect()
}

/// The partial sums of the column claims in [`super::plan::column_claims`]'s order (per
/// table its main columns at `s[..h]`, then its next-row columns at the next-row point),
/// `None` for the claims of tables lower than `2^k` rows.
pub(crate) fn column_partial_sums(
    isa: Isa,
    tables: &[TableWitness<'_>],
    s: &[Ext5],
    shift_points: &[Option<(Vec<Ext5>, Vec<Ext5>)>],
    k: usize,
) -> Vec<Option<Vec<Ext5>>> {
    let mut out = Vec::new();
    for (t, shift) in tables.iter().zip(shift_points) {
        let w = t.air.width();
        let h = (t.trace.len() / w).trailing_zeros() as usize;
        let next = t.air.main_next_columns();
        let claims = w + if shift.is_some() { next.len() } else { 0 };
        if h < k {
            out.extend(std::iter::repeat_n(None, claims));
            continue;
        }
        out.extend(table_sums(isa, t, &s[..h], k).into_iter().map(Some));
        if let Some((point, _)) = shift {
            let mut sums = table_sums(isa, t, point, k);
            out.extend(next.iter().map(|&c| Some(std::mem::take(&mut sums[c]))));
        }
    }
    out
}
