//! The portable kernel set [`Scalar`]: one lane, plain integer arithmetic on Montgomery words.
//!
//! This is the reference every SIMD path is tested against, and the kernel set the generic
//! kernels use for slice tails shorter than a vector. It sits below the generic kernel bodies
//! (which use it) and is distinct from [`super::scalar`], the scalar ISA's entry points.

use super::packed::Packed;
use crate::field::MONTY_MU;
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
    fn select_zero(self, x: u32, if_zero: u32, otherwise: u32) -> u32 {
        if x == 0 { if_zero } else { otherwise }
    }
    #[inline(always)]
    fn interleave(self, _x: u32, _y: u32, h: usize) -> (u32, u32) {
        panic!("interleave: block size {h} is not smaller than the 1 lane of the scalar set")
    }
    #[inline(always)]
    fn twiddle_mu(self, t: u32) -> u32 {
        t.wrapping_mul(MONTY_MU)
    }
    #[inline(always)]
    fn mul_twiddle(self, a: u32, t: u32, _t_mu: u32) -> u32 {
        // One 64-bit product and `monty_reduce` measure faster here than the companion form.
        mul(a, t)
    }
}
