//! The scalar ISA: entry points of every generic kernel family for the portable one-lane kernel
//! set [`Scalar`], and the wide operations its Poseidon kernels use.
//!
//! The kernel set itself (the [`crate::simd::packed::Packed`] implementation) is in
//! [`super::one_lane`], below the generic kernels, which use it for tails.

use super::one_lane::Scalar;

pub(crate) mod base {
    //! Scalar entry points of the base-field slice kernels.
    use super::Scalar;
    crate::generic::base::entry_points_for!(attr: inline, token: Scalar);
}

pub(crate) mod ext {
    //! Scalar entry points of the extension-field slice kernels.
    use super::Scalar;
    crate::generic::ext::entry_points_for!(attr: inline, token: Scalar);
}

#[allow(clippy::too_many_arguments)]
pub(crate) mod ntt {
    //! Scalar entry points of the NTT kernels.
    use super::Scalar;
    crate::generic::ntt::entry_points_for!(attr: inline, token: Scalar);
}

pub(crate) mod poseidon {
    //! Scalar entry points of the batched Poseidon kernels, and the wide operations they use.
    use super::Scalar;
    use crate::field::monty::{P, add, monty_reduce};
    use crate::generic::poseidon::PoseidonPacked;

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

    crate::generic::poseidon::entry_points_for!(attr: inline, token: Scalar);
}
