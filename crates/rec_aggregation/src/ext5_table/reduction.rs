//! The reduction of `K = F_p^5 = F_p[X] / (X^5 + X^2 - 1)`, derived from the modulus alone:
//! the coefficients of `X^k mod (X^5 + X^2 - 1)` for `k = 0..=8` (the degrees a product of two
//! elements reaches) and the fused multiply-add computed through them, the formula the
//! table's constraints state. The witness generator computes with `backend::field::Ext5`
//! instead, and checks in debug builds that the two agree.

use backend::KoalaBear as F;

/// The extension degree: coefficients per element of `K`.
pub const EXT5_DEGREE: usize = 5;

/// Coefficients of the product of two elements before reduction (degrees 0 to 8).
pub const EXT5_PRODUCT_LEN: usize = 2 * EXT5_DEGREE - 1;

/// The modulus `X^5 + X^2 - 1` below its leading term: `X^5 + sum_k m_k X^k` with
/// `m = [-1, 0, 1, 0, 0]` (the polynomial of `backend::field::Ext5`, Plonky3's quintic
/// trinomial extension of KoalaBear).
pub const EXT5_MODULUS_LOW: [F; EXT5_DEGREE] = [F::NEG_ONE, F::ZERO, F::ONE, F::ZERO, F::ZERO];

/// Row `k` holds the coefficients of `X^k mod (X^5 + X^2 - 1)`, constant term first:
/// `X^k` itself for `k < 5`, then `X^5 = 1 - X^2`, `X^6 = X - X^3`, `X^7 = X^2 - X^4` and
/// `X^8 = -1 + X^2 + X^3`, each obtained from the previous one by multiplying by `X` and
/// replacing `X^5` by `-(m_0 + m_1 X + ... + m_4 X^4)`.
pub fn ext5_reduction() -> [[F; EXT5_DEGREE]; EXT5_PRODUCT_LEN] {
    let mut r = [[F::ZERO; EXT5_DEGREE]; EXT5_PRODUCT_LEN];
    for (k, row) in r.iter_mut().enumerate().take(EXT5_DEGREE) {
        row[k] = F::ONE;
    }
    for k in EXT5_DEGREE..EXT5_PRODUCT_LEN {
        let prev = r[k - 1];
        let top = prev[EXT5_DEGREE - 1];
        let mut next = [F::ZERO; EXT5_DEGREE];
        next[1..].copy_from_slice(&prev[..EXT5_DEGREE - 1]);
        for (n, &m) in next.iter_mut().zip(&EXT5_MODULUS_LOW) {
            *n -= top * m;
        }
        r[k] = next;
    }
    r
}

/// `a * b + d` on coefficient vectors through `reduction` (the output of [`ext5_reduction`]):
/// the unreduced product `p_k = sum_{i + j = k} a_i b_j`, then
/// `c_m = d_m + sum_k reduction[k][m] p_k`. This is the value the table's constraints force
/// into the `c` columns.
pub(super) fn fma_by_reduction(
    reduction: &[[F; EXT5_DEGREE]; EXT5_PRODUCT_LEN],
    a: &[F; EXT5_DEGREE],
    b: &[F; EXT5_DEGREE],
    d: &[F; EXT5_DEGREE],
) -> [F; EXT5_DEGREE] {
    let mut p = [F::ZERO; EXT5_PRODUCT_LEN];
    for (i, &x) in a.iter().enumerate() {
        for (j, &y) in b.iter().enumerate() {
            p[i + j] += x * y;
        }
    }
    core::array::from_fn(|m| {
        d[m] + reduction
            .iter()
            .zip(&p)
            .map(|(row, &pk)| row[m] * pk)
            .sum::<F>()
    })
}
