//! The DEEP batching terms shared by prover and verifier: the coefficient of every
//! (column, point) term of a table, the claimed value of their combination, and helpers to
//! read extension columns as their 5 base coordinates.

use crate::layout::TableLayout;
use crate::proof::TableOpenings;
use backend::KoalaBear;
use backend::field::Ext5;

/// `X^c`, the `c`-th basis element of the extension.
pub(crate) fn basis(c: usize) -> Ext5 {
    let mut e = [KoalaBear::ZERO; 5];
    e[c % 5] = KoalaBear::ONE;
    Ext5::new(e)
}

/// Combines the evaluations of the 5 coordinate polynomials of an extension column.
pub(crate) fn recombine(coords: &[Ext5]) -> Ext5 {
    coords.iter().enumerate().map(|(c, v)| *v * basis(c)).sum()
}

/// The DEEP coefficient vectors of one table: for the main, aux and quotient matrices, the
/// coefficient of each base column at `z`, and of each column opened at `z w`
/// ([`TableLayout::main_next`], [`TableLayout::aux_next`]).
pub(crate) struct DeepCoeffs {
    pub(crate) main_z: Vec<Ext5>,
    /// One coefficient per entry of [`TableLayout::main_next`].
    pub(crate) main_next: Vec<Ext5>,
    pub(crate) aux_z: Vec<Ext5>,
    /// Five (one per base coordinate) per entry of [`TableLayout::aux_next`].
    pub(crate) aux_next: Vec<Ext5>,
    pub(crate) quot_z: Vec<Ext5>,
}

impl DeepCoeffs {
    /// Coefficients from the sampled DEEP challenges (`pows[k] = gamma_k`, enough of them).
    pub(crate) fn new(t: &TableLayout, pows: &[Ext5]) -> DeepCoeffs {
        let mut k = t.gamma_offset;
        let mut take = |n: usize| {
            let s = pows.get(k..k + n).map(<[Ext5]>::to_vec).unwrap_or_default();
            k += n;
            s
        };
        let expand = |v: Vec<Ext5>| -> Vec<Ext5> {
            v.iter()
                .flat_map(|g| (0..5).map(move |c| *g * basis(c)))
                .collect()
        };
        let main_z = take(t.width);
        let main_next = take(t.main_next.len());
        let aux_z = expand(take(t.num_aux));
        let aux_next = expand(take(t.aux_next.len()));
        let quot_z = expand(take(t.chunks));
        DeepCoeffs {
            main_z,
            main_next,
            aux_z,
            aux_next,
            quot_z,
        }
    }

    /// `(V_z, V_zw)`: the same combinations of the claimed openings.
    pub(crate) fn claimed(&self, o: &TableOpenings) -> (Ext5, Ext5) {
        // Extension columns: coefficient gamma^k applies to the opened extension value.
        let ext_dot = |coeffs: &[Ext5], vals: &[Ext5]| -> Ext5 {
            coeffs.chunks(5).zip(vals).map(|(c, v)| c[0] * *v).sum()
        };
        let dot = |coeffs: &[Ext5], vals: &[Ext5]| -> Ext5 {
            coeffs.iter().zip(vals).map(|(c, v)| *c * *v).sum()
        };
        let vz = dot(&self.main_z, &o.main)
            + ext_dot(&self.aux_z, &o.aux)
            + ext_dot(&self.quot_z, &o.quotient);
        let vn = dot(&self.main_next, &o.main_next) + ext_dot(&self.aux_next, &o.aux_next);
        (vz, vn)
    }
}

/// `sum_k coeffs[k] * row[cols[k]]`: a combination of the columns `cols` of a base row.
pub(crate) fn dot_cols(coeffs: &[Ext5], cols: &[usize], row: &[KoalaBear]) -> Ext5 {
    coeffs
        .iter()
        .zip(cols)
        .map(|(c, &j)| *c * row.get(j).copied().unwrap_or_default())
        .sum()
}

/// The base columns of the extension columns `ext_cols` (5 consecutive ones each).
pub(crate) fn ext_base_cols(ext_cols: &[usize]) -> Vec<usize> {
    ext_cols
        .iter()
        .flat_map(|&c| (5 * c..5 * c + 5).collect::<Vec<_>>())
        .collect()
}
