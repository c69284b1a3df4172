//! Points and selector values on the prover's evaluation domains: the trace domain `H`, the
//! quotient domain `shift * K` and an LDE domain in bit-reversed order.

use crate::fri;
use backend::kernels;
use backend::ntt;
use backend::{Isa, KoalaBear};
use rayon::prelude::*;

/// Selector values on the trace domain `H` (natural order): the exact values of the
/// unnormalised selector polynomials.
pub(super) fn trace_selectors(log_n: usize) -> [Vec<KoalaBear>; 3] {
    let n = 1usize << log_n;
    let w = KoalaBear::two_adic_generator(log_n);
    let w_inv = w.try_inverse().unwrap_or(KoalaBear::ONE);
    let nf = KoalaBear::new(n as u32);
    let mut first = vec![KoalaBear::ZERO; n];
    first[0] = nf;
    let mut last = vec![KoalaBear::ZERO; n];
    last[n - 1] = nf * w;
    let trans = w.powers(n).into_iter().map(|x| x - w_inv).collect();
    [first, last, trans]
}

/// Points, `1 / Z_H` and selectors on the quotient domain `shift * K`, `|K| = n Q`.
pub(super) struct QuotientDomain {
    pub(super) inv_zh: Vec<KoalaBear>,
    pub(super) first: Vec<KoalaBear>,
    pub(super) last: Vec<KoalaBear>,
    pub(super) trans: Vec<KoalaBear>,
}

pub(super) fn quotient_domain(
    isa: Isa,
    log_n: usize,
    log_q: usize,
    shift: KoalaBear,
) -> QuotientDomain {
    let size = 1usize << (log_n + log_q);
    let q = 1usize << log_q;
    let wk = KoalaBear::two_adic_generator(log_n + log_q);
    let w_inv = KoalaBear::two_adic_generator(log_n)
        .try_inverse()
        .unwrap_or(KoalaBear::ONE);
    let mut xs = wk.powers(size);
    kernels::scale_assign(isa, &mut xs, shift);
    // Z_H(x_j) = shift^n w_Q^j - 1 depends on j mod Q only.
    let shift_n = shift.exp_u64(1 << log_n);
    let wq = KoalaBear::two_adic_generator(log_q);
    let zh: Vec<KoalaBear> = wq
        .powers(q)
        .into_iter()
        .map(|x| shift_n * x - KoalaBear::ONE)
        .collect();
    let inv_zh_q = kernels::batch_inverse_vec(isa, &zh);
    let zh_full: Vec<KoalaBear> = (0..size).map(|j| zh[j % q]).collect();
    let inv_zh = (0..size).map(|j| inv_zh_q[j % q]).collect();
    let xm1: Vec<KoalaBear> = xs.iter().map(|&x| x - KoalaBear::ONE).collect();
    let trans: Vec<KoalaBear> = xs.iter().map(|&x| x - w_inv).collect();
    let mut first = kernels::batch_inverse_vec(isa, &xm1);
    kernels::mul_assign(isa, &mut first, &zh_full);
    let mut last = kernels::batch_inverse_vec(isa, &trans);
    kernels::mul_assign(isa, &mut last, &zh_full);
    QuotientDomain {
        inv_zh,
        first,
        last,
        trans,
    }
}

/// The points of an LDE of height `2^log_h` in bit-reversed order.
pub(super) fn bit_reversed_points(log_h: usize, log_max: usize) -> Vec<KoalaBear> {
    let mut xs = KoalaBear::two_adic_generator(log_h).powers(1 << log_h);
    let shift = fri::shift_for(log_h, log_max);
    xs.par_iter_mut().for_each(|x| *x *= shift);
    ntt::bit_reverse_rows(&mut xs, 1);
    xs
}
