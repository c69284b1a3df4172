//! The portable kernel set [`Scalar`]: one lane, plain integer arithmetic on Montgomery words.
//!
//! This is the reference every SIMD path is tested against, and the kernel set the generic
//! kernels use for slice tails shorter than a vector. It sits below the generic kernel bodies
//! (which use it) and is distinct from [`super::scalar`], the scalar ISA's entry points.

use super::packed::Packed;
use crate::field::P;
use crate::field::monty::{add, mul, sub};

/// The portable kernel set (always available).
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct Scalar;

impl Packed for Scalar {
    const LANES: usize = 1;
    type V = u32;
    type Lanes = [u32; 1];

    #[inline(always)]
    fn zero_lanes(self) -> [u32; 1] {
        [0]
    }
    #[inline(always)]
    fn load(self, s: &[u32]) -> u32 {
        s[0]
    }
    #[inline(always)]
    fn store(self, s: &mut [u32], v: u32) {
        s[0] = v;
    }
    #[inline(always)]
    fn load_at(self, s: &[u32], i: usize) -> u32 {
        s[i]
    }
    #[inline(always)]
    fn store_at(self, s: &mut [u32], i: usize, v: u32) {
        s[i] = v;
    }
    #[inline(always)]
    fn splat(self, x: u32) -> u32 {
        x
    }
    #[inline(always)]
    fn add(self, a: u32, b: u32) -> u32 {
        add(a, b)
    }
    #[inline(always)]
    fn sub(self, a: u32, b: u32) -> u32 {
        sub(a, b)
    }
    #[inline(always)]
    fn mul(self, a: u32, b: u32) -> u32 {
        mul(a, b)
    }
    #[inline(always)]
    fn mul_2exp_neg(self, x: u32, n: u32) -> u32 {
        assert!(
            (1..=24).contains(&n),
            "mul_2exp_neg: n = {n} is not in 1..=24"
        );
        sub(x >> n, (x & ((1 << n) - 1)) * ((P - 1) >> n))
    }
    #[inline(always)]
    fn load_rows8(self, s: &[u32], i: usize, _stride: usize) -> u32 {
        s[i]
    }
    #[inline(always)]
    fn store_rows8(self, s: &mut [u32], i: usize, _stride: usize, v: u32) {
        s[i] = v;
    }
    #[inline(always)]
    fn select_zero(self, x: u32, if_zero: u32, otherwise: u32) -> u32 {
        if x == 0 { if_zero } else { otherwise }
    }
    #[inline(always)]
    fn interleave(self, _x: u32, _y: u32, h: usize) -> (u32, u32) {
        panic!("interleave: block size {h} is not smaller than the 1 lane of the scalar set")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::field::KoalaBear;

    /// Inputs for the `mul_2exp_neg` tests: edge values (including `2^k - 1`, `2^k` and
    /// `p - 2^k`, where the split into `hi` and `lo` changes) and pseudo-random words below p.
    pub(crate) fn mul_2exp_neg_inputs() -> Vec<u32> {
        let mut v = vec![0, 1, 2, P - 2, P - 1];
        for k in 0..31 {
            v.extend(
                [(1u32 << k) - 1, 1 << k, P - (1 << k)]
                    .iter()
                    .filter(|&&x| x < P),
            );
        }
        let mut s = 0x9e37_79b9_u32;
        for _ in 0..400 {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            v.push(s % P);
        }
        v
    }

    #[test]
    fn mul_2exp_neg_is_the_montgomery_product_by_2_pow_minus_n() {
        for n in 1..=24 {
            let inv = KoalaBear::TWO
                .exp_u64(n as u64)
                .inverse_or_zero()
                .to_monty();
            for x in mul_2exp_neg_inputs() {
                assert_eq!(Scalar.mul_2exp_neg(x, n), mul(x, inv), "x = {x}, n = {n}");
            }
        }
    }
}
