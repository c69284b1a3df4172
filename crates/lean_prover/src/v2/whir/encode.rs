//! The Reed-Solomon encoding of an oracle as `2^k` interleaved codewords, one Merkle leaf per
//! point of the evaluation domain.
//!
//! A table `f` of `2^v` values (base-field or extension elements, `x_0` the most significant
//! index bit) folded by `k` variables splits into `2^k` blocks `f_a = f[a 2^n .. (a+1) 2^n]`,
//! `n = v - k`, one per value `a` of the first `k` variables. Block `a` becomes the polynomial
//! `P_a(Y) = sum_b f_a[b] Y^b` (**the table's values are its coefficients**; no basis change)
//! of degree `< 2^n`, evaluated on the subgroup `D` of order `M = 2^(n + r)`.
//!
//! Leaf `q` is the row `[P_0(y_q), ..., P_(2^k - 1)(y_q)]` at `y_q = w^bitrev(q)` with
//! `w = two_adic_generator(log2 M)` (the NTT's bit-reversed output order). For an extension
//! table each value is its 5 coefficients, so a row has `5 2^k` base elements.
//!
//! Why this is the right oracle: folding the first `k` variables at `alpha` gives the table
//! `g[b] = sum_a eq(alpha, a) f_a[b]`, whose polynomial is `sum_a eq(alpha, a) P_a`, so the
//! folded oracle's value at `y_q` is `sum_a eq(alpha, a) P_a(y_q)`, computed from leaf `q`
//! alone. And `P(y) = sum_x y^x f(x)` is a linear claim on `f` with a product weight
//! ([`super::Weight::power`]), which is how out-of-domain answers and queries become claims.
//!
//! Building it is a blocked transpose (the `2^k` blocks become the columns of a row-major
//! matrix of `2^n` rows, padded with zero rows to `M`) followed by one batched forward NTT of
//! the columns ([`backend::ntt::forward_to_bit_reversed`], dispatched).

use backend::Isa;
use backend::field::{Ext5, KoalaBear};
use backend::ntt;
use rayon::prelude::*;

/// Rows handled per task of the transpose (`TILE * width` elements stay in the L1/L2 cache).
const TILE: usize = 64;

/// The codeword matrix of a table: `M = 2^(v - k + r)` rows of `limbs 2^k` base elements
/// (`limbs` = 1 for base-field tables, 5 for extension tables given coefficient by
/// coefficient), rows in the NTT's bit-reversed order. `values` has `limbs 2^v` elements;
/// the caller checks the shapes (`k <= v`, `v - k + r <= 24`).
pub fn encode(
    isa: Isa,
    values: &[KoalaBear],
    limbs: usize,
    num_variables: usize,
    folding_factor: usize,
    log_inv_rate: usize,
) -> Vec<KoalaBear> {
    let n = num_variables - folding_factor;
    let blocks = 1usize << folding_factor;
    let width = blocks * limbs;
    let rows = 1usize << n;
    let height = rows << log_inv_rate;
    debug_assert_eq!(values.len(), limbs << num_variables);
    let mut out = KoalaBear::zero_vec(height * width);
    out[..rows * width]
        .par_chunks_mut(TILE * width)
        .enumerate()
        .for_each(|(c, chunk)| {
            let first = c * TILE;
            let here = chunk.len() / width;
            for a in 0..blocks {
                let src = &values[(a * rows + first) * limbs..(a * rows + first + here) * limbs];
                for (j, cell) in src.chunks_exact(limbs).enumerate() {
                    let at = j * width + a * limbs;
                    chunk[at..at + limbs].copy_from_slice(cell);
                }
            }
        });
    ntt::forward_to_bit_reversed(isa, &mut out, width);
    out
}

/// The base-field elements of an extension table, coefficient by coefficient.
pub fn flatten(values: &[Ext5]) -> Vec<KoalaBear> {
    values.iter().flat_map(|v| *v.coeffs()).collect()
}

/// The `2^k` values of a leaf row (`limbs` = 1 or 5 base elements per value).
pub fn leaf_values(row: &[KoalaBear], limbs: usize) -> Vec<Ext5> {
    if limbs == 1 {
        row.iter().map(|&x| Ext5::from_base(x)).collect()
    } else {
        row.chunks_exact(5)
            .map(|c| Ext5::new([c[0], c[1], c[2], c[3], c[4]]))
            .collect()
    }
}

/// The domain point `y_q = w^bitrev(q)` of leaf `q` among `2^log_leaves`.
pub fn domain_point(log_leaves: usize, q: usize) -> KoalaBear {
    let rev = if log_leaves == 0 {
        0
    } else {
        q.reverse_bits() >> (usize::BITS as usize - log_leaves)
    };
    KoalaBear::two_adic_generator(log_leaves).exp_u64(rev as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v2::whir::weight::horner;

    #[test]
    fn leaf_rows_hold_every_block_polynomial_at_the_leaf_point() {
        let isa = Isa::current();
        let (v, k, r) = (6, 2, 2);
        let f: Vec<KoalaBear> = (0..1u64 << v)
            .map(|i| KoalaBear::from_u64(i * i + 7))
            .collect();
        let cw = encode(isa, &f, 1, v, k, r);
        let n = v - k;
        let log_leaves = n + r;
        assert_eq!(cw.len(), (1 << log_leaves) << k);
        for q in 0..1 << log_leaves {
            let y = domain_point(log_leaves, q);
            for a in 0..1 << k {
                let block: Vec<Ext5> = f[a << n..(a + 1) << n]
                    .iter()
                    .map(|&x| Ext5::from_base(x))
                    .collect();
                assert_eq!(
                    Ext5::from_base(cw[(q << k) + a]),
                    horner(&block, y),
                    "q {q} a {a}"
                );
            }
        }
    }

    #[test]
    fn extension_tables_encode_coefficientwise() {
        let isa = Isa::current();
        let (v, k, r) = (5, 3, 1);
        let f: Vec<Ext5> = (0..1u64 << v)
            .map(|i| {
                Ext5::new(core::array::from_fn(|j| {
                    KoalaBear::from_u64(i * 31 + j as u64)
                }))
            })
            .collect();
        let cw = encode(isa, &flatten(&f), 5, v, k, r);
        let width = 5 << k;
        let log_leaves = v - k + r;
        for q in 0..1 << log_leaves {
            let vals = leaf_values(&cw[q * width..(q + 1) * width], 5);
            let y = domain_point(log_leaves, q);
            for (a, &got) in vals.iter().enumerate() {
                let n = v - k;
                assert_eq!(got, horner(&f[a << n..(a + 1) << n], y));
            }
        }
    }
}
