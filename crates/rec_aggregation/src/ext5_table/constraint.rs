//! The five constraints of one fused multiply-add `c = a * b + d` in `K = F_p^5` on four
//! groups of five columns, as the extension-field arithmetic table states them (its module
//! docs give the formula); shared with every table that computes in `K` row by row (the
//! circuit table of `crate::circuit`).

use super::reduction::{EXT5_DEGREE, EXT5_PRODUCT_LEN};
use backend::KoalaBear;
use lean_prover::{AirBuilder, Col, Expr};

/// States `c = a * b + d` in `K` on the columns `[a, b, d, c]` (five coefficients each,
/// constant term first): with the unreduced product `p_k = sum_{i + j = k} a_i b_j`, one
/// degree-2 constraint per coordinate `m`, `c_m - d_m - sum_k reduction[k][m] p_k = 0`.
pub(crate) fn assert_fma(
    b: &AirBuilder,
    reduction: &[[KoalaBear; EXT5_DEGREE]; EXT5_PRODUCT_LEN],
    [a, bb, d, c]: [[Col; EXT5_DEGREE]; 4],
) {
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
    for m in 0..EXT5_DEGREE {
        let mut e = b.main(c[m]) - b.main(d[m]);
        for (row, &pk) in reduction.iter().zip(&p) {
            let r = row[m];
            e = if r == KoalaBear::ZERO {
                e
            } else if r == KoalaBear::ONE {
                e - pk
            } else if r == KoalaBear::NEG_ONE {
                e + pk
            } else {
                e - pk * r
            };
        }
        b.assert_zero(e);
    }
}
