//! Row-major matrix helpers of the prover's steps: combining rows with extension weights,
//! selecting columns, scaling rows by powers, and flattening extension vectors to their
//! coordinates.

use backend::field::Ext5;
use backend::kernels::ext;
use backend::{Isa, KoalaBear};
use rayon::prelude::*;

/// `out[c] = sum_j weights[j] * matrix[j][c]` for a row-major matrix.
pub(super) fn combine_rows(
    isa: Isa,
    weights: &[Ext5],
    matrix: &[KoalaBear],
    width: usize,
) -> Vec<Ext5> {
    const BLOCK: usize = 1024;
    let partials: Vec<Vec<Ext5>> = weights
        .par_chunks(BLOCK)
        .zip(matrix.par_chunks(BLOCK * width))
        .map(|(w, m)| {
            let rows: Vec<&[KoalaBear]> = m.chunks(width).collect();
            let mut out = vec![Ext5::ZERO; width];
            ext::linear_combination(isa, &mut out, w, &rows);
            out
        })
        .collect();
    let mut out = vec![Ext5::ZERO; width];
    for p in partials {
        for (o, x) in out.iter_mut().zip(p) {
            *o += x;
        }
    }
    out
}

/// The columns `cols` of a row-major matrix of width `width`, as a row-major matrix.
pub(super) fn select_columns(matrix: &[KoalaBear], width: usize, cols: &[usize]) -> Vec<KoalaBear> {
    if cols.is_empty() {
        return Vec::new();
    }
    if cols.len() == width {
        return matrix.to_vec();
    }
    matrix
        .chunks_exact(width)
        .flat_map(|row| cols.iter().map(move |&c| row[c]))
        .collect()
}

/// Flattens extension elements to their coordinates.
pub(super) fn flatten(v: &[Ext5]) -> Vec<KoalaBear> {
    v.iter().flat_map(|e| *e.coeffs()).collect()
}

/// Multiplies row `k` of a row-major matrix by `s^k`.
pub(super) fn scale_rows_by_powers(m: &mut [KoalaBear], width: usize, s: KoalaBear) {
    const BLOCK: usize = 1024;
    m.par_chunks_mut(BLOCK * width)
        .enumerate()
        .for_each(|(b, rows)| {
            let mut p = s.exp_u64((b * BLOCK) as u64);
            for row in rows.chunks_mut(width) {
                row.iter_mut().for_each(|x| *x *= p);
                p *= s;
            }
        });
}
