//! The AVX2 kernel set: 8 lanes of 32 bits in a `__m256i`.
//!
//! Everything here that touches a `__m256i` is `#[inline(always)]` and ends up inside one of
//! the `#[target_feature(enable = "avx2")]` entry points generated at the bottom of this file.

use core::arch::asm;
use core::arch::x86_64::*;

use super::packed::Packed;
use crate::field::{MONTY_MU, P};

/// Token for the AVX2 kernel set. Only constructible where AVX2 is known to be enabled.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// Private to this module: only the entry points generated in its child modules (each
    /// a `#[target_feature]` function, reached through `dispatch!` with a detected
    /// [`crate::Isa`]) create the token.
    ///
    /// # Safety
    /// The CPU must support AVX2 (callers are `#[target_feature(enable = "avx2")]` functions).
    #[inline(always)]
    unsafe fn new_unchecked() -> Self {
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
    fn load_at(self, s: &[u32], i: usize) -> __m256i {
        assert!(s.len() >= 8 && i <= s.len() - 8);
        // SAFETY: the token proves AVX2; words `i .. i + 8` of `s` are in bounds (checked
        // above, so the offset pointer stays inside the slice) and the load is unaligned.
        unsafe { _mm256_loadu_si256(s.as_ptr().add(i).cast()) }
    }

    #[inline(always)]
    fn store_at(self, s: &mut [u32], i: usize, v: __m256i) {
        assert!(s.len() >= 8 && i <= s.len() - 8);
        // SAFETY: the token proves AVX2; words `i .. i + 8` of `s` are in bounds (checked
        // above) and writable through the exclusive borrow; unaligned store.
        unsafe { _mm256_storeu_si256(s.as_mut_ptr().add(i).cast(), v) }
    }

    #[inline(always)]
    fn load_rows8(self, s: &[u32], i: usize, _stride: usize) -> __m256i {
        // One run of 8 words: a plain load.
        self.load_at(s, i)
    }

    #[inline(always)]
    fn store_rows8(self, s: &mut [u32], i: usize, _stride: usize, v: __m256i) {
        self.store_at(s, i, v)
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
            // Odd lanes are moved down with `movehdup` (not a 64-bit shift): a shift tells
            // LLVM the upper halves are zero, and it then rewrites the chain into full 64-bit
            // multiplies with twice the `vpmuludq` count.
            let p = self.splat(P);
            let mu = self.splat(MONTY_MU);
            let prod_evn = _mm256_mul_epu32(a, b);
            let prod_odd = _mm256_mul_epu32(movehdup(a), movehdup(b));
            let qp_evn = mul_epu32_opaque(mul_epu32_opaque(prod_evn, mu), p);
            let qp_odd = mul_epu32_opaque(mul_epu32_opaque(prod_odd, mu), p);
            let d_evn = movehdup(_mm256_sub_epi64(prod_evn, qp_evn));
            let d_odd = _mm256_sub_epi64(prod_odd, qp_odd);
            let d = _mm256_blend_epi32::<0b1010_1010>(d_evn, d_odd);
            // d is negative (as i32) exactly when d + p is the reduced result.
            _mm256_min_epu32(d, _mm256_add_epi32(d, p))
        }
    }

    #[inline(always)]
    fn mul_2exp_neg(self, x: __m256i, n: u32) -> __m256i {
        assert!(
            (1..=24).contains(&n),
            "mul_2exp_neg: n = {n} is not in 1..=24"
        );
        // SAFETY: the token proves AVX2.
        unsafe {
            // A uniform constant shift count becomes an immediate shift after inlining.
            let hi = _mm256_srlv_epi32(x, self.splat(n));
            let lo = _mm256_and_si256(x, self.splat((1 << n) - 1));
            self.sub(hi, _mm256_mullo_epi32(lo, self.splat((P - 1) >> n)))
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
}

/// `vpmuludq` as an opaque instruction: the product of the low 32 bits of each 64-bit lane.
///
/// The intrinsic is lowered to generic `and` + `mul` IR, and in the Montgomery chain LLVM's
/// demanded-bits simplification drops the 32-bit masks and then emits full 64-bit multiplies
/// (10 `vpmuludq` per vector instead of 6, at every opt-level). Inline assembly keeps the one
/// instruction we mean. (`inline(always)` cannot be combined with `target_feature`, which the
/// asm register class needs; the function is one instruction and inlines at every optimising
/// opt-level, and the ISA audit checks that.)
#[target_feature(enable = "avx2")]
#[inline]
fn mul_epu32_opaque(a: __m256i, b: __m256i) -> __m256i {
    let out: __m256i;
    // SAFETY: the function's target feature guarantees the instruction and registers exist;
    // the asm reads and writes registers only (no memory, stack or flags).
    unsafe {
        asm!(
            "vpmuludq {out}, {a}, {b}",
            a = in(ymm_reg) a,
            b = in(ymm_reg) b,
            out = lateout(ymm_reg) out,
            options(pure, nomem, nostack, preserves_flags),
        );
    }
    out
}

/// Copies the odd 32-bit lanes onto the even ones (`vmovshdup`).
#[inline(always)]
fn movehdup(x: __m256i) -> __m256i {
    // SAFETY: only reached from kernels holding an `Avx2` token (AVX is a subset of AVX2).
    unsafe { _mm256_castps_si256(_mm256_movehdup_ps(_mm256_castsi256_ps(x))) }
}

pub(crate) mod base {
    //! AVX2 entry points of the base-field slice kernels.
    use super::Avx2;
    crate::generic::base::entry_points_for!(
        attr: target_feature(enable = "avx2"),
        token: Avx2::new_unchecked()
    );
}

pub(crate) mod ext {
    //! AVX2 extension-field support (layout shuffles, delayed-reduction sums of products)
    //! and the entry points of the extension-field slice kernels.
    use core::arch::x86_64::*;

    use super::Avx2;
    use crate::field::{MONTY_MU, P};
    use crate::generic::ext_packed::{ExtPacked, ExtShuffle, ExtV, arr5};
    use crate::simd::packed::Packed;

    type Shuf = ExtShuffle<8>;

    /// Blends five vectors into one: starts from `v[0]` and takes `v[i]` where the bits of
    /// the immediate `Shuf::$masks[$row][i]` are set (`i = 1..5`).
    macro_rules! blend5 {
        ($v:expr, $masks:ident, $row:literal) => {{
            let v = $v;
            // SAFETY: only expanded inside `Avx2` methods, whose token proves AVX2.
            unsafe {
                let b = _mm256_blend_epi32::<{ Shuf::$masks[$row][1] as i32 }>(v[0], v[1]);
                let b = _mm256_blend_epi32::<{ Shuf::$masks[$row][2] as i32 }>(b, v[2]);
                let b = _mm256_blend_epi32::<{ Shuf::$masks[$row][3] as i32 }>(b, v[3]);
                _mm256_blend_epi32::<{ Shuf::$masks[$row][4] as i32 }>(b, v[4])
            }
        }};
    }

    impl Avx2 {
        /// The 64-bit products of the even and of the odd 32-bit lanes of `x` and `y`.
        #[inline(always)]
        fn wide_product(self, x: __m256i, y: __m256i) -> (__m256i, __m256i) {
            // SAFETY: the token proves AVX2.
            unsafe {
                let (xo, yo) = (_mm256_srli_epi64::<32>(x), _mm256_srli_epi64::<32>(y));
                (_mm256_mul_epu32(x, y), _mm256_mul_epu32(xo, yo))
            }
        }

        /// Sum of two [`Avx2::wide_product`] sums.
        #[inline(always)]
        fn wide_sum(self, a: (__m256i, __m256i), b: (__m256i, __m256i)) -> (__m256i, __m256i) {
            // SAFETY: the token proves AVX2.
            unsafe { (_mm256_add_epi64(a.0, b.0), _mm256_add_epi64(a.1, b.1)) }
        }

        /// Lane-wise `S * 2^-32 mod p`, fully reduced, for a sum `S` of at most four
        /// [`Avx2::wide_product`]s: one Montgomery reduction for the whole sum.
        ///
        /// Bounds: each product is at most `(p-1)^2`, so the 64-bit sum `S` of at most four is
        /// below `4 p^2 < 2^64` (as `2p < 2^32`): no overflow. With `q = S * p^-1 mod 2^32`,
        /// the low words of `S` and `q p` are equal, so `(S - q p) / 2^32 = hi(S) - hi(q p)`
        /// exactly. `hi(q p) < p` because `q < 2^32`, and `hi(S) < 4 p^2 / 2^32 < 2p`, so one
        /// conditional subtraction brings `hi(S)` below `p` and a modular subtraction gives
        /// the canonical `S * 2^-32 mod p`.
        #[inline(always)]
        fn wide_reduce_products(self, s: (__m256i, __m256i)) -> __m256i {
            let (evn, odd) = s;
            // SAFETY: the token proves AVX2.
            unsafe {
                let p = self.splat(P);
                let mu = self.splat(MONTY_MU);
                // Opaque multiplies: see `mul_epu32_opaque`.
                let qp_evn = super::mul_epu32_opaque(super::mul_epu32_opaque(evn, mu), p);
                let qp_odd = super::mul_epu32_opaque(super::mul_epu32_opaque(odd, mu), p);
                let hi = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(evn), odd);
                let qp_hi =
                    _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(qp_evn), qp_odd);
                let hi = _mm256_min_epu32(hi, _mm256_sub_epi32(hi, p));
                self.sub(hi, qp_hi)
            }
        }
    }

    impl ExtPacked for Avx2 {
        #[inline(always)]
        fn load_ext_at(self, s: &[u32], i: usize) -> ExtV<Self> {
            assert!(s.len() >= 40 && i <= s.len() - 40);
            // SAFETY: the token proves AVX2; words `i .. i + 40` are in bounds (checked
            // above) and each load reads 8 of them, unaligned.
            let v = arr5!(|j| unsafe { _mm256_loadu_si256(s.as_ptr().add(i + 8 * j).cast()) });
            let b = [
                blend5!(v, LOAD_MASK, 0),
                blend5!(v, LOAD_MASK, 1),
                blend5!(v, LOAD_MASK, 2),
                blend5!(v, LOAD_MASK, 3),
                blend5!(v, LOAD_MASK, 4),
            ];
            arr5!(|c| {
                let idx = self.load(&Shuf::LOAD_PERM[c]);
                // SAFETY: the token proves AVX2.
                unsafe { _mm256_permutevar8x32_epi32(b[c], idx) }
            })
        }

        #[inline(always)]
        fn store_ext_at(self, s: &mut [u32], i: usize, v: ExtV<Self>) {
            assert!(s.len() >= 40 && i <= s.len() - 40);
            let y = arr5!(|c| {
                let idx = self.load(&Shuf::STORE_PERM[c]);
                // SAFETY: the token proves AVX2.
                unsafe { _mm256_permutevar8x32_epi32(v[c], idx) }
            });
            let out = [
                blend5!(y, STORE_MASK, 0),
                blend5!(y, STORE_MASK, 1),
                blend5!(y, STORE_MASK, 2),
                blend5!(y, STORE_MASK, 3),
                blend5!(y, STORE_MASK, 4),
            ];
            let p = s.as_mut_ptr();
            // SAFETY: the token proves AVX2; words `i .. i + 40` are in bounds (checked
            // above) and each store writes 8 of them, unaligned.
            arr5!(|j| unsafe { _mm256_storeu_si256(p.add(i + 8 * j).cast(), out[j]) });
        }

        #[inline(always)]
        fn sum_of_products4(self, a: [__m256i; 4], b: [__m256i; 4]) -> __m256i {
            let s01 = self.wide_sum(self.wide_product(a[0], b[0]), self.wide_product(a[1], b[1]));
            let s23 = self.wide_sum(self.wide_product(a[2], b[2]), self.wide_product(a[3], b[3]));
            self.wide_reduce_products(self.wide_sum(s01, s23))
        }

        #[inline(always)]
        fn sum_of_products5(self, a: [__m256i; 5], b: [__m256i; 5]) -> __m256i {
            let s4 = self.sum_of_products4([a[0], a[1], a[2], a[3]], [b[0], b[1], b[2], b[3]]);
            self.add(s4, self.mul(a[4], b[4]))
        }
    }

    crate::generic::ext::entry_points_for!(
        attr: target_feature(enable = "avx2"),
        token: Avx2::new_unchecked()
    );
}

#[allow(clippy::too_many_arguments)]
pub(crate) mod ntt {
    //! AVX2 entry points of the NTT kernels.
    use super::Avx2;
    crate::generic::ntt::entry_points_for!(
        attr: target_feature(enable = "avx2"),
        token: Avx2::new_unchecked()
    );
}

pub(crate) mod poseidon {
    //! AVX2 entry points of the batched Poseidon kernels, and the wide (64-bit lane) operations
    //! they use: a wide value is the even and the odd 32-bit lanes, each zero-extended to 64 bits.
    use super::Avx2;
    use super::Packed;
    use crate::field::{MONTY_MU, P};
    use crate::generic::poseidon::PoseidonPacked;
    use core::arch::x86_64::*;

    /// `x mod 2^31 + (x >> 31) * (2^24 - 1)`, congruent to `x` since `2^31 = 2^24 - 1 (mod p)`.
    #[inline(always)]
    fn fold(x: __m256i) -> __m256i {
        // SAFETY: only reached from kernels holding an `Avx2` token.
        unsafe {
            let lo = _mm256_and_si256(x, _mm256_set1_epi64x(0x7fff_ffff));
            let hi = _mm256_srli_epi64::<31>(x);
            let hi = _mm256_sub_epi64(_mm256_slli_epi64::<24>(hi), hi);
            _mm256_add_epi64(lo, hi)
        }
    }

    /// One 64-bit half of `wide_monty_reduce_split`: returns a value `< 2p` congruent to
    /// `(s0 + 2^16 s1) * 2^-32`, in the low word of each 64-bit lane.
    #[inline(always)]
    fn monty_split_half(s0: __m256i, s1: __m256i) -> __m256i {
        // SAFETY: only reached from kernels holding the token of this module.
        unsafe {
            // s0 + 2^16 s1 = (s1 >> 16) 2^32 + y with y = s0 + (s1 mod 2^16) 2^16 < 2^54.
            let y = _mm256_add_epi64(
                s0,
                _mm256_slli_epi64::<16>(_mm256_and_si256(s1, _mm256_set1_epi64x(0xffff))),
            );
            // Montgomery: q = y mu mod 2^32, (y - q p) / 2^32 = hi(y) - hi(q p), in (-p, 2^22).
            let q = super::mul_epu32_opaque(y, _mm256_set1_epi32(MONTY_MU as i32));
            let qp = super::mul_epu32_opaque(q, _mm256_set1_epi32(P as i32));
            let d = _mm256_sub_epi64(_mm256_srli_epi64::<32>(y), _mm256_srli_epi64::<32>(qp));
            // + (s1 >> 16) (< 2^36, folded below 2^31 + 2^29) + p: positive, below 2^33.
            let h = fold(_mm256_srli_epi64::<16>(s1));
            let v = _mm256_add_epi64(_mm256_add_epi64(d, h), _mm256_set1_epi64x(P as i64));
            fold(v)
        }
    }

    impl PoseidonPacked for Avx2 {
        type Wide = (__m256i, __m256i);

        #[inline(always)]
        fn widen(self, x: __m256i) -> (__m256i, __m256i) {
            // SAFETY: the token proves AVX2.
            unsafe {
                (
                    _mm256_and_si256(x, _mm256_set1_epi64x(0xffff_ffff)),
                    _mm256_srli_epi64::<32>(x),
                )
            }
        }

        #[inline(always)]
        fn wide_mul_small(self, x: (__m256i, __m256i), c: u32) -> (__m256i, __m256i) {
            // SAFETY: the token proves AVX2.
            unsafe {
                // `vpmuludq` reads only the low word of each 64-bit lane, so a 32-bit broadcast
                // (one instruction from memory) is enough.
                let c = _mm256_set1_epi32(c as i32);
                (_mm256_mul_epu32(x.0, c), _mm256_mul_epu32(x.1, c))
            }
        }

        #[inline(always)]
        fn wide_add(self, a: (__m256i, __m256i), b: (__m256i, __m256i)) -> (__m256i, __m256i) {
            // SAFETY: the token proves AVX2.
            unsafe { (_mm256_add_epi64(a.0, b.0), _mm256_add_epi64(a.1, b.1)) }
        }

        #[inline(always)]
        fn wide_reduce(self, a: (__m256i, __m256i)) -> __m256i {
            // a < 2^40: one fold gives < 2^31 + 2^33, a second < 2^31 + 4 * 2^24 < 2p.
            let evn = fold(fold(a.0));
            let odd = fold(fold(a.1));
            // SAFETY: the token proves AVX2.
            unsafe {
                let d = _mm256_blend_epi32::<0b1010_1010>(evn, _mm256_slli_epi64::<32>(odd));
                _mm256_min_epu32(d, _mm256_sub_epi32(d, self.splat(P)))
            }
        }

        #[inline(always)]
        fn wide_monty_reduce_split(
            self,
            s0: (__m256i, __m256i),
            s1: (__m256i, __m256i),
        ) -> __m256i {
            let evn = monty_split_half(s0.0, s1.0);
            let odd = monty_split_half(s0.1, s1.1);
            // SAFETY: the token proves AVX2.
            unsafe {
                let d = _mm256_blend_epi32::<0b1010_1010>(evn, _mm256_slli_epi64::<32>(odd));
                _mm256_min_epu32(d, _mm256_sub_epi32(d, self.splat(P)))
            }
        }
    }

    crate::generic::poseidon::entry_points_for!(
        attr: target_feature(enable = "avx2"),
        token: Avx2::new_unchecked()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::one_lane::{Scalar, tests::mul_2exp_neg_inputs};
    use crate::{Isa, IsaName};

    /// `mul_2exp_neg` on 8 lanes (with a run-time `n` here; the kernels pass constants).
    #[target_feature(enable = "avx2")]
    fn mul_2exp_neg_lanes(x: &[u32; 8], n: u32) -> [u32; 8] {
        // SAFETY: this function's target features are the token's requirement, and its only
        // caller checks them with `Isa::from_name` first.
        let k = unsafe { Avx2::new_unchecked() };
        k.to_lanes(k.mul_2exp_neg(k.load(x), n))
    }

    #[test]
    fn mul_2exp_neg_equals_scalar() {
        if Isa::from_name(IsaName::Avx2).is_err() {
            eprintln!("Avx2 not available: mul_2exp_neg NOT tested on it");
            return;
        }
        let inputs = mul_2exp_neg_inputs();
        for n in 1..=24 {
            for chunk in inputs.chunks_exact(8) {
                let x: [u32; 8] = chunk.try_into().unwrap();
                // SAFETY: the CPU has Avx2 (checked above).
                let got = unsafe { mul_2exp_neg_lanes(&x, n) };
                let want = x.map(|w| Scalar.mul_2exp_neg(w, n));
                assert_eq!(got, want, "n = {n}");
            }
        }
    }
}
