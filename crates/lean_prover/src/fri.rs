//! FRI helpers shared by prover and verifier: the folding schedule, domain points in
//! bit-reversed order and the folding of one group of sibling evaluations.
//!
//! A layer of height `N = 2^h` holds the evaluations of a polynomial on the coset
//! `s_h * <w_N>` with `s_h = g^(2^(h_max - h))` (`g = KoalaBear::GENERATOR`), in bit-reversed
//! order: index `i` is the point `s_h * w_N^bitrev_h(i)`. The `a = 2^k` points of a folding
//! group (indices `a j .. a j + a`) are `x0 * zeta^bitrev_k(t)` with `zeta` a primitive `a`-th
//! root of unity, and they all map to the point `x0^a` of index `j` of the next layer.

use backend::KoalaBear;
use backend::field::Ext5;

/// `bitrev` of the low `bits` bits of `i`.
pub(crate) fn bitrev(i: usize, bits: usize) -> usize {
    if bits == 0 {
        0
    } else {
        i.reverse_bits() >> (usize::BITS as usize - bits)
    }
}

/// The coset shift of a layer or table LDE of height `2^log_h` when the tallest is `2^log_max`.
pub(crate) fn shift_for(log_h: usize, log_max: usize) -> KoalaBear {
    KoalaBear::GENERATOR.exp_u64(1u64 << (log_max - log_h))
}

/// The point of index `i` (bit-reversed order) of the layer of height `2^log_h`.
pub(crate) fn point(i: usize, log_h: usize, log_max: usize) -> KoalaBear {
    let w = KoalaBear::two_adic_generator(log_h);
    shift_for(log_h, log_max) * w.exp_u64(bitrev(i, log_h) as u64)
}

/// Folding schedule: `(log_height, log_arity)` per committed layer, largest first, and the
/// `log2` height of the final polynomial's evaluation domain.
///
/// Every fold has arity `2^log_folding_arity`, except a fold that would jump over the height
/// of an input (a shorter table's LDE): that one stops at the input's height (arity 2 when
/// heights differ by an odd power of two).
pub(crate) fn schedule(
    input_logs_desc: &[usize],
    log_folding_arity: usize,
    log_final_poly_len: usize,
    log_inv_rate: usize,
) -> (Vec<(usize, usize)>, usize) {
    let Some(&top) = input_logs_desc.first() else {
        return (Vec::new(), 0);
    };
    let smallest = input_logs_desc.last().copied().unwrap_or(top);
    let final_log = (log_final_poly_len + log_inv_rate).min(smallest);
    let mut layers = Vec::new();
    let mut cur = top;
    while cur > final_log {
        let next_input = input_logs_desc
            .iter()
            .copied()
            .find(|&h| h < cur)
            .unwrap_or(final_log)
            .max(final_log);
        let step = log_folding_arity.min(cur - next_input);
        layers.push((cur, step));
        cur -= step;
    }
    (layers, final_log)
}

/// Constants for folding groups of `2^log_arity` sibling evaluations.
pub(crate) struct Folder {
    log_arity: usize,
    zeta_inv_pows: Vec<KoalaBear>,
    a_inv: KoalaBear,
}

impl Folder {
    pub(crate) fn new(log_arity: usize) -> Self {
        let a = 1usize << log_arity;
        let zeta_inv = KoalaBear::two_adic_generator(log_arity)
            .try_inverse()
            .unwrap_or(KoalaBear::ONE);
        Self {
            log_arity,
            zeta_inv_pows: zeta_inv.powers(a),
            a_inv: KoalaBear::new(a as u32)
                .try_inverse()
                .unwrap_or(KoalaBear::ONE),
        }
    }

    /// Folds one group of sibling evaluations (bit-reversed order, first point `x0`, given
    /// as `x0_inv = 1 / x0`) with challenge `beta`: the value at `beta` of the polynomial of
    /// degree `< a` through the group, which equals `sum_r beta^r f_r(x0^a)` for
    /// `f(x) = sum_r x^r f_r(x^a)`. Missing values read as zero.
    pub(crate) fn fold(&self, values: &[Ext5], x0_inv: KoalaBear, beta: Ext5) -> Ext5 {
        let a = 1usize << self.log_arity;
        // D_r = sum_t v_t zeta^(-r bitrev(t)); result = (1/a) sum_r (beta / x0)^r D_r.
        let c = beta * x0_inv;
        let mut acc = Ext5::ZERO;
        let mut c_pow = Ext5::ONE;
        for r in 0..a {
            let mut d = Ext5::ZERO;
            for (t, v) in values.iter().enumerate().take(a) {
                let e = (r * bitrev(t, self.log_arity)) % a;
                d += *v * self.zeta_inv_pows[e];
            }
            acc += c_pow * d;
            c_pow *= c;
        }
        acc * self.a_inv
    }
}

/// Evaluates a polynomial with extension coefficients (constant first) at a base point.
pub(crate) fn horner(coeffs: &[Ext5], x: KoalaBear) -> Ext5 {
    coeffs.iter().rev().fold(Ext5::ZERO, |acc, &c| acc * x + c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_matches_definition() {
        // f(x) = sum_k c_k x^k of degree < 16, folded by 4: sum_r beta^r f_r(y).
        let coeffs: Vec<Ext5> = (0..16u32)
            .map(|i| Ext5::new([i + 1, 3 * i, 7, i * i, 5].map(KoalaBear::new)))
            .collect();
        let beta = Ext5::new([2, 9, 4, 1, 8].map(KoalaBear::new));
        let log_h = 6;
        let log_max = 8;
        for log_a in 1..=3 {
            let a = 1 << log_a;
            for j in 0..(1 << (log_h - log_a)) {
                let vals: Vec<Ext5> = (0..a)
                    .map(|t| horner(&coeffs, point(j * a + t, log_h, log_max)))
                    .collect();
                let x0 = point(j * a, log_h, log_max);
                let y = x0.exp_u64(a as u64);
                assert_eq!(y, point(j, log_h - log_a, log_max));
                let mut expect = Ext5::ZERO;
                for r in 0..a {
                    let fr: Vec<Ext5> = coeffs.iter().skip(r).step_by(a).copied().collect();
                    expect += beta.exp_u64(r as u64) * horner(&fr, y);
                }
                let got = Folder::new(log_a).fold(&vals, x0.try_inverse().unwrap(), beta);
                assert_eq!(got, expect);
            }
        }
    }

    #[test]
    fn schedule_stops_at_every_input_height() {
        let (layers, fin) = schedule(&[12, 11, 8], 2, 3, 1);
        assert_eq!(layers, vec![(12, 1), (11, 2), (9, 1), (8, 2), (6, 2)]);
        assert_eq!(fin, 4);
        let (layers, fin) = schedule(&[5], 2, 3, 2);
        assert_eq!(layers, vec![]);
        assert_eq!(fin, 5);
    }
}
