//! The portable kernel set: one lane, plain integer arithmetic.
//!
//! This is the reference every SIMD path is tested against, and the path used for slice tails
//! shorter than a vector.

use super::Packed;
use crate::field::{MONTY_MU, P, monty_reduce};

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

/// `a + b mod p` on Montgomery words.
#[inline(always)]
pub(crate) fn add(a: u32, b: u32) -> u32 {
    let s = a + b;
    s.min(s.wrapping_sub(P))
}

/// `a - b mod p` on Montgomery words.
#[inline(always)]
pub(crate) fn sub(a: u32, b: u32) -> u32 {
    let d = a.wrapping_sub(b);
    d.min(d.wrapping_add(P))
}

/// Montgomery product of two Montgomery words.
#[inline(always)]
pub(crate) fn mul(a: u32, b: u32) -> u32 {
    monty_reduce(a as u64 * b as u64)
}

pub(crate) mod base {
    //! Scalar entry points of the base-field slice kernels.
    use super::Scalar;
    crate::kernels::base::entry_points_for!(attr: inline, token: Scalar);
}

pub(crate) mod ext {
    //! Scalar entry points of the extension-field slice kernels.
    use super::Scalar;
    crate::kernels::ext::entry_points_for!(attr: inline, token: Scalar);
}

#[allow(clippy::too_many_arguments)]
pub(crate) mod ntt {
    //! Scalar entry points of the NTT kernels.
    use super::Scalar;
    crate::ntt::entry_points_for!(attr: inline, token: Scalar);
}

pub(crate) mod poseidon {
    //! Scalar entry points of the batched Poseidon kernels, and the wide operations they use.
    use super::{Scalar, add};
    use crate::field::{P, monty_reduce};
    use crate::poseidon::kernels::PoseidonPacked;

    impl PoseidonPacked for Scalar {
        type Wide = u64;
        #[inline(always)]
        fn widen(self, x: u32) -> u64 {
            x as u64
        }
        #[inline(always)]
        fn wide_mul_small(self, x: u64, c: u32) -> u64 {
            x * c as u64
        }
        #[inline(always)]
        fn wide_add(self, a: u64, b: u64) -> u64 {
            a + b
        }
        #[inline(always)]
        fn wide_reduce(self, a: u64) -> u32 {
            (a % P as u64) as u32
        }
        #[inline(always)]
        fn wide_monty_reduce_split(self, s0: u64, s1: u64) -> u32 {
            // s0 + 2^16 s1 = (s1 >> 16) 2^32 + (s0 + (s1 mod 2^16) 2^16): the first term
            // reduces to s1 >> 16, the second (< 2^54 < p 2^32) by one Montgomery reduction.
            let y = s0 + ((s1 & 0xffff) << 16);
            add(monty_reduce(y), ((s1 >> 16) % P as u64) as u32)
        }
    }

    crate::poseidon::kernels::entry_points_for!(attr: inline, token: Scalar);
}
