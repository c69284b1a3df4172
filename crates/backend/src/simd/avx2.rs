//! The AVX2 kernel set: 8 lanes of 32 bits in a `__m256i`.
//!
//! Everything here that touches a `__m256i` is `#[inline(always)]` and ends up inside one of
//! the `#[target_feature(enable = "avx2")]` entry points generated at the bottom of this file.

use core::arch::x86_64::*;

use super::Packed;
use crate::field::{MONTY_MU, P};

/// Token for the AVX2 kernel set. Only constructible where AVX2 is known to be enabled.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// # Safety
    /// The CPU must support AVX2 (callers are `#[target_feature(enable = "avx2")]` functions).
    #[inline(always)]
    pub(crate) unsafe fn new_unchecked() -> Self {
        Avx2(())
    }
}

impl Packed for Avx2 {
    const LANES: usize = 8;
    type V = __m256i;
    type Lanes = [u32; 8];

    #[inline(always)]
    fn zero_lanes(self) -> [u32; 8] {
        [0; 8]
    }

    #[inline(always)]
    fn load(self, s: &[u32]) -> __m256i {
        assert!(s.len() >= 8);
        // SAFETY: the token proves AVX2; `s` has at least 8 readable words and the load is
        // unaligned, so any `u32` alignment is fine.
        unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
    }

    #[inline(always)]
    fn store(self, s: &mut [u32], v: __m256i) {
        assert!(s.len() >= 8);
        // SAFETY: the token proves AVX2; `s` has at least 8 writable words; unaligned store.
        unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), v) }
    }

    #[inline(always)]
    fn splat(self, x: u32) -> __m256i {
        // SAFETY: the token proves AVX2 (AVX for this one).
        unsafe { _mm256_set1_epi32(x as i32) }
    }

    #[inline(always)]
    fn add(self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: the token proves AVX2.
        unsafe {
            // a + b < 2p < 2^32; min(t, t - p) picks the reduced value.
            let t = _mm256_add_epi32(a, b);
            _mm256_min_epu32(t, _mm256_sub_epi32(t, self.splat(P)))
        }
    }

    #[inline(always)]
    fn sub(self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: the token proves AVX2.
        unsafe {
            // If a < b the difference wraps above 2^32 - p and t + p is the reduced value.
            let t = _mm256_sub_epi32(a, b);
            _mm256_min_epu32(t, _mm256_add_epi32(t, self.splat(P)))
        }
    }

    #[inline(always)]
    fn mul(self, a: __m256i, b: __m256i) -> __m256i {
        // SAFETY: the token proves AVX2.
        unsafe {
            // Montgomery reduction on the even and odd 32-bit lanes separately:
            // d = (a*b - ((a*b*mu) mod 2^32) * p) / 2^32 lies in (-p, p).
            let p = self.splat(P);
            let mu = self.splat(MONTY_MU);
            let prod_evn = _mm256_mul_epu32(a, b);
            let prod_odd = _mm256_mul_epu32(_mm256_srli_epi64::<32>(a), _mm256_srli_epi64::<32>(b));
            let qp_evn = _mm256_mul_epu32(_mm256_mul_epu32(prod_evn, mu), p);
            let qp_odd = _mm256_mul_epu32(_mm256_mul_epu32(prod_odd, mu), p);
            let d_evn = _mm256_srli_epi64::<32>(_mm256_sub_epi64(prod_evn, qp_evn));
            let d_odd = _mm256_sub_epi64(prod_odd, qp_odd);
            let d = _mm256_blend_epi32::<0b1010_1010>(d_evn, d_odd);
            // d is negative (as i32) exactly when d + p is the reduced result.
            _mm256_min_epu32(d, _mm256_add_epi32(d, p))
        }
    }

    #[inline(always)]
    fn select_zero(self, x: __m256i, if_zero: __m256i, otherwise: __m256i) -> __m256i {
        // SAFETY: the token proves AVX2.
        unsafe {
            let m = _mm256_cmpeq_epi32(x, _mm256_setzero_si256());
            _mm256_blendv_epi8(otherwise, if_zero, m)
        }
    }

    #[inline(always)]
    fn interleave(self, x: __m256i, y: __m256i, h: usize) -> (__m256i, __m256i) {
        // SAFETY: the token proves AVX2.
        unsafe {
            match h {
                1 => (
                    // Even lanes from x, odd lanes from the even lanes of y (and vice versa).
                    _mm256_blend_epi32::<0b1010_1010>(x, _mm256_slli_epi64::<32>(y)),
                    _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(x), y),
                ),
                2 => (_mm256_unpacklo_epi64(x, y), _mm256_unpackhi_epi64(x, y)),
                4 => (
                    _mm256_permute2x128_si256::<0x20>(x, y),
                    _mm256_permute2x128_si256::<0x31>(x, y),
                ),
                _ => panic!("interleave: block size {h} is not 1, 2 or 4 on AVX2"),
            }
        }
    }

    #[inline(always)]
    fn twiddle_mu(self, t: __m256i) -> __m256i {
        // SAFETY: the token proves AVX2.
        unsafe { _mm256_mullo_epi32(t, self.splat(MONTY_MU)) }
    }

    #[inline(always)]
    fn mul_twiddle(self, a: __m256i, t: __m256i, t_mu: __m256i) -> __m256i {
        // SAFETY: the token proves AVX2.
        unsafe {
            // As `mul`, but the quotient q = a t mu mod 2^32 is one 32-bit product a * t_mu.
            let p = self.splat(P);
            let prod_evn = _mm256_mul_epu32(a, t);
            let prod_odd = _mm256_mul_epu32(_mm256_srli_epi64::<32>(a), _mm256_srli_epi64::<32>(t));
            let q = _mm256_mullo_epi32(a, t_mu);
            let qp_evn = _mm256_mul_epu32(q, p);
            let qp_odd = _mm256_mul_epu32(_mm256_srli_epi64::<32>(q), p);
            let d_evn = _mm256_srli_epi64::<32>(_mm256_sub_epi64(prod_evn, qp_evn));
            let d_odd = _mm256_sub_epi64(prod_odd, qp_odd);
            let d = _mm256_blend_epi32::<0b1010_1010>(d_evn, d_odd);
            _mm256_min_epu32(d, _mm256_add_epi32(d, p))
        }
    }
}

pub(crate) mod base {
    //! AVX2 entry points of the base-field slice kernels.
    use super::Avx2;
    crate::kernels::base::entry_points_for!(
        attr: target_feature(enable = "avx2"),
        token: Avx2::new_unchecked()
    );
}

#[allow(clippy::too_many_arguments)]
pub(crate) mod ntt {
    //! AVX2 entry points of the NTT kernels.
    use super::Avx2;
    crate::ntt::entry_points_for!(
        attr: target_feature(enable = "avx2"),
        token: Avx2::new_unchecked()
    );
}
