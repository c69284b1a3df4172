//! The five constraints of one fused multiply-add `c = a * b + d` in `K = F_p^5` on four
//! groups of five columns, as the extension-field arithmetic table states them (its module
//! docs give the formula); shared with every table that computes in `K` row by row (the
//! circuit table of `crate::circuit`).

use super::reduction::{EXT5_DEGREE, EXT5_PRODUCT_LEN};
use backend::KoalaBear;
use lean_prover::{AirBuilder, Col, Expr};

/// The five coefficients of `a * b + d` in `K` as degree-2 expressions of the columns
/// `[a, b, d]` (five coefficients each, constant term first): with the unreduced product
/// `p_k = sum_{i + j = k} a_i b_j`, coordinate `m` is `d_m + sum_k reduction[k][m] p_k`.
pub(crate) fn fma_exprs<'a>(
    b: &'a AirBuilder,
    reduction: &[[KoalaBear; EXT5_DEGREE]; EXT5_PRODUCT_LEN],
    [a, bb, d]: [[Col; EXT5_DEGREE]; 3],
) -> [Expr<'a>; EXT5_DEGREE] {
    let mut p: Vec<Option<Expr<'_>>> = vec![None; EXT5_PRODUCT_LEN];
    for (i, &ai) in a.iter().enumerate() {
        for (j, &bj) in bb.iter().enumerate() {
            let term = b.main(ai) * b.main(bj);
            p[i + j] = Some(match p[i + j] {
                Some(acc) => acc + term,
                None => term,
            });
        }
    }
    let p: Vec<Expr<'_>> = p.into_iter().flatten().collect();
    debug_assert_eq!(p.len(), EXT5_PRODUCT_LEN);
    core::array::from_fn(|m| {
        let mut e = b.main(d[m]);
        for (row, &pk) in reduction.iter().zip(&p) {
            let r = row[m];
            e = if r == KoalaBear::ZERO {
                e
            } else if r == KoalaBear::ONE {
                e + pk
            } else if r == KoalaBear::NEG_ONE {
                e - pk
            } else {
                e + pk * r
            };
        }
        e
    })
}

/// States `c = a * b + d` in `K` on the columns `[a, b, d, c]` (five coefficients each,
/// constant term first): one degree-2 constraint per coordinate `m`,
/// `c_m - (a * b + d)_m = 0` with the coordinates of [`fma_exprs`].
pub(crate) fn assert_fma(
    b: &AirBuilder,
    reduction: &[[KoalaBear; EXT5_DEGREE]; EXT5_PRODUCT_LEN],
    [a, bb, d, c]: [[Col; EXT5_DEGREE]; 4],
) {
    for (m, e) in fma_exprs(b, reduction, [a, bb, d]).into_iter().enumerate() {
        b.assert_zero(b.main(c[m]) - e);
    }
}
