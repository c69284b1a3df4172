//! The AVX-512 kernel set: 16 lanes of 32 bits in a `__m512i` (AVX-512F).
//!
//! Everything here that touches a `__m512i` or a mask register is `#[inline(always)]` and ends
//! up inside one of the `#[target_feature(enable = "avx512f,avx2")]` entry points generated at
//! the bottom of this file.

use core::arch::asm;
use core::arch::x86_64::*;

use super::packed::Packed;
use crate::field::{MONTY_MU, P};

/// Token for the AVX-512 kernel set. Only constructible where AVX-512F is known to be enabled.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Avx512(());

impl Avx512 {
    /// Private to this module: only the entry points generated in its child modules (each
    /// a `#[target_feature]` function, reached through `dispatch!` with a detected
    /// [`crate::Isa`]) create the token.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and AVX2 (callers are `#[target_feature]` functions
    /// enabling both).
    #[inline(always)]
    unsafe fn new_unchecked() -> Self {
        Avx512(())
    }
}

impl Packed for Avx512 {
    const LANES: usize = 16;
    type V = __m512i;
    type Lanes = [u32; 16];

    #[inline(always)]
    fn zero_lanes(self) -> [u32; 16] {
        [0; 16]
    }

    #[inline(always)]
    fn load(self, s: &[u32]) -> __m512i {
        assert!(s.len() >= 16);
        // SAFETY: the token proves AVX-512F; `s` has at least 16 readable words and the load
        // is unaligned.
        unsafe { _mm512_loadu_si512(s.as_ptr().cast()) }
    }

    #[inline(always)]
    fn store(self, s: &mut [u32], v: __m512i) {
        assert!(s.len() >= 16);
        // SAFETY: the token proves AVX-512F; `s` has at least 16 writable words; unaligned.
        unsafe { _mm512_storeu_si512(s.as_mut_ptr().cast(), v) }
    }

    #[inline(always)]
    fn load_at(self, s: &[u32], i: usize) -> __m512i {
        assert!(s.len() >= 16 && i <= s.len() - 16);
        // SAFETY: the token proves AVX-512F; words `i .. i + 16` of `s` are in bounds (checked
        // above, so the offset pointer stays inside the slice) and the load is unaligned.
        unsafe { _mm512_loadu_si512(s.as_ptr().add(i).cast()) }
    }

    #[inline(always)]
    fn store_at(self, s: &mut [u32], i: usize, v: __m512i) {
        assert!(s.len() >= 16 && i <= s.len() - 16);
        // SAFETY: the token proves AVX-512F; words `i .. i + 16` of `s` are in bounds (checked
        // above) and writable through the exclusive borrow; unaligned store.
        unsafe { _mm512_storeu_si512(s.as_mut_ptr().add(i).cast(), v) }
    }

    #[inline(always)]
    fn load_rows8(self, s: &[u32], i: usize, stride: usize) -> __m512i {
        assert!(s.len() >= 8 && stride <= s.len() - 8 && i <= s.len() - 8 - stride);
        // SAFETY: the token proves AVX-512F (and AVX2); words `i .. i + 8` and
        // `i + stride .. i + stride + 8` are in bounds (checked above, so both offset pointers
        // stay inside the slice); both loads are unaligned.
        unsafe {
            let p = s.as_ptr().add(i);
            let lo = _mm256_loadu_si256(p.cast());
            let hi = _mm256_loadu_si256(p.add(stride).cast());
            _mm512_inserti64x4::<1>(_mm512_castsi256_si512(lo), hi)
        }
    }

    #[inline(always)]
    fn store_rows8(self, s: &mut [u32], i: usize, stride: usize, v: __m512i) {
        assert!(s.len() >= 8 && stride <= s.len() - 8 && i <= s.len() - 8 - stride);
        // SAFETY: as in `load_rows8`; the slice is writable through the exclusive borrow and
        // both stores are unaligned.
        unsafe {
            let p = s.as_mut_ptr().add(i);
            _mm256_storeu_si256(p.cast(), _mm512_castsi512_si256(v));
            _mm256_storeu_si256(p.add(stride).cast(), _mm512_extracti64x4_epi64::<1>(v));
        }
    }

    #[inline(always)]
    fn splat(self, x: u32) -> __m512i {
        // SAFETY: the token proves AVX-512F.
        unsafe { _mm512_set1_epi32(x as i32) }
    }

    #[inline(always)]
    fn add(self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: the token proves AVX-512F.
        unsafe {
            let t = _mm512_add_epi32(a, b);
            _mm512_min_epu32(t, _mm512_sub_epi32(t, self.splat(P)))
        }
    }

    #[inline(always)]
    fn sub(self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: the token proves AVX-512F.
        unsafe {
            let t = _mm512_sub_epi32(a, b);
            _mm512_min_epu32(t, _mm512_add_epi32(t, self.splat(P)))
        }
    }

    #[inline(always)]
    fn mul(self, a: __m512i, b: __m512i) -> __m512i {
        // SAFETY: the token proves AVX-512F.
        unsafe {
            // Same Montgomery reduction as the AVX2 set, on 8 even and 8 odd lanes (and the
            // same `movehdup` instead of shifts, for the same reason).
            let p = self.splat(P);
            let mu = self.splat(MONTY_MU);
            let prod_evn = _mm512_mul_epu32(a, b);
            let prod_odd = _mm512_mul_epu32(movehdup(a), movehdup(b));
            let qp_evn = mul_epu32_opaque(mul_epu32_opaque(prod_evn, mu), p);
            let qp_odd = mul_epu32_opaque(mul_epu32_opaque(prod_odd, mu), p);
            let d_evn = movehdup(_mm512_sub_epi64(prod_evn, qp_evn));
            let d_odd = _mm512_sub_epi64(prod_odd, qp_odd);
            let d = _mm512_mask_blend_epi32(0b1010_1010_1010_1010, d_evn, d_odd);
            _mm512_min_epu32(d, _mm512_add_epi32(d, p))
        }
    }

    #[inline(always)]
    fn mul_2exp_neg(self, x: __m512i, n: u32) -> __m512i {
        assert!(
            (1..=24).contains(&n),
            "mul_2exp_neg: n = {n} is not in 1..=24"
        );
        // SAFETY: the token proves AVX-512F.
        unsafe {
            // A uniform constant shift count becomes an immediate shift after inlining.
            let hi = _mm512_srlv_epi32(x, self.splat(n));
            let lo = _mm512_and_si512(x, self.splat((1 << n) - 1));
            self.sub(hi, _mm512_mullo_epi32(lo, self.splat((P - 1) >> n)))
        }
    }

    #[inline(always)]
    fn select_zero(self, x: __m512i, if_zero: __m512i, otherwise: __m512i) -> __m512i {
        // SAFETY: the token proves AVX-512F.
        unsafe {
            let m = _mm512_cmpeq_epi32_mask(x, _mm512_setzero_si512());
            _mm512_mask_blend_epi32(m, otherwise, if_zero)
        }
    }

    #[inline(always)]
    fn interleave(self, x: __m512i, y: __m512i, h: usize) -> (__m512i, __m512i) {
        // SAFETY: the token proves AVX-512F.
        unsafe {
            match h {
                1 => (
                    // Even lanes from x, odd lanes from the even lanes of y (and vice versa).
                    _mm512_mask_blend_epi32(0xaaaa, x, _mm512_slli_epi64::<32>(y)),
                    _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64::<32>(x), y),
                ),
                2 => (_mm512_unpacklo_epi64(x, y), _mm512_unpackhi_epi64(x, y)),
                4 => {
                    // 64-bit lane indices; 8..16 select from y.
                    let lo = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
                    let hi = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
                    (
                        _mm512_permutex2var_epi64(x, lo, y),
                        _mm512_permutex2var_epi64(x, hi, y),
                    )
                }
                8 => (
                    _mm512_shuffle_i64x2::<0b0100_0100>(x, y),
                    _mm512_shuffle_i64x2::<0b1110_1110>(x, y),
                ),
                _ => panic!("interleave: block size {h} is not 1, 2, 4 or 8 on AVX-512"),
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
#[target_feature(enable = "avx512f")]
#[inline]
fn mul_epu32_opaque(a: __m512i, b: __m512i) -> __m512i {
    let out: __m512i;
    // SAFETY: the function's target feature guarantees the instruction and registers exist;
    // the asm reads and writes registers only (no memory, stack or flags).
    unsafe {
        asm!(
            "vpmuludq {out}, {a}, {b}",
            a = in(zmm_reg) a,
            b = in(zmm_reg) b,
            out = lateout(zmm_reg) out,
            options(pure, nomem, nostack, preserves_flags),
        );
    }
    out
}

/// Copies the odd 32-bit lanes onto the even ones (`vmovshdup`).
#[inline(always)]
fn movehdup(x: __m512i) -> __m512i {
    // SAFETY: only reached from kernels holding an `Avx512` token.
    unsafe { _mm512_castps_si512(_mm512_movehdup_ps(_mm512_castsi512_ps(x))) }
}

pub(crate) mod base {
    //! AVX-512 entry points of the base-field slice kernels.
    use super::Avx512;
    crate::generic::base::entry_points_for!(
        attr: target_feature(enable = "avx512f,avx2"),
        token: Avx512::new_unchecked()
    );
}

pub(crate) mod ext {
    //! AVX-512 extension-field support (layout shuffles, delayed-reduction sums of
    //! products) and the entry points of the extension-field slice kernels.
    use core::arch::x86_64::*;

    use super::Avx512;
    use crate::field::{MONTY_MU, P};
    use crate::generic::ext_packed::{ExtPacked, ExtShuffle, ExtV, arr5};
    use crate::simd::packed::Packed;

    type Shuf = ExtShuffle<16>;

    /// Blends five vectors into one: starts from `v[0]` and takes `v[i]` in the lanes whose
    /// bits of the constant `Shuf::$masks[$row][i]` are set (`i = 1..5`). Written out, so
    /// that every mask is an immediate at every opt-level.
    macro_rules! blend5 {
        ($v:expr, $masks:ident, $row:literal) => {{
            let v = $v;
            // SAFETY: only expanded inside `Avx512` methods, whose token proves AVX-512F.
            unsafe {
                let b = _mm512_mask_blend_epi32(Shuf::$masks[$row][1] as u16, v[0], v[1]);
                let b = _mm512_mask_blend_epi32(Shuf::$masks[$row][2] as u16, b, v[2]);
                let b = _mm512_mask_blend_epi32(Shuf::$masks[$row][3] as u16, b, v[3]);
                _mm512_mask_blend_epi32(Shuf::$masks[$row][4] as u16, b, v[4])
            }
        }};
    }

    impl Avx512 {
        /// The 64-bit products of the even and of the odd 32-bit lanes of `x` and `y`.
        #[inline(always)]
        fn wide_product(self, x: __m512i, y: __m512i) -> (__m512i, __m512i) {
            // SAFETY: the token proves AVX-512F.
            unsafe {
                let (xo, yo) = (_mm512_srli_epi64::<32>(x), _mm512_srli_epi64::<32>(y));
                (_mm512_mul_epu32(x, y), _mm512_mul_epu32(xo, yo))
            }
        }

        /// Sum of two [`Avx512::wide_product`] sums.
        #[inline(always)]
        fn wide_sum(self, a: (__m512i, __m512i), b: (__m512i, __m512i)) -> (__m512i, __m512i) {
            // SAFETY: the token proves AVX-512F.
            unsafe { (_mm512_add_epi64(a.0, b.0), _mm512_add_epi64(a.1, b.1)) }
        }

        /// Lane-wise `S * 2^-32 mod p`, fully reduced, for a sum `S` of at most four
        /// [`Avx512::wide_product`]s: one Montgomery reduction for the whole sum.
        ///
        /// Bounds: each product is at most `(p-1)^2`, so the 64-bit sum `S` of at most four is
        /// below `4 p^2 < 2^64` (as `2p < 2^32`): no overflow. With `q = S * p^-1 mod 2^32`,
        /// the low words of `S` and `q p` are equal, so `(S - q p) / 2^32 = hi(S) - hi(q p)`
        /// exactly. `hi(q p) < p` because `q < 2^32`, and `hi(S) < 4 p^2 / 2^32 < 2p`, so one
        /// conditional subtraction brings `hi(S)` below `p` and a modular subtraction gives
        /// the canonical `S * 2^-32 mod p`.
        #[inline(always)]
        fn wide_reduce_products(self, s: (__m512i, __m512i)) -> __m512i {
            let (evn, odd) = s;
            // SAFETY: the token proves AVX-512F.
            unsafe {
                let p = self.splat(P);
                let mu = self.splat(MONTY_MU);
                // Opaque multiplies: see `mul_epu32_opaque`.
                let qp_evn = super::mul_epu32_opaque(super::mul_epu32_opaque(evn, mu), p);
                let qp_odd = super::mul_epu32_opaque(super::mul_epu32_opaque(odd, mu), p);
                let odd_lanes = 0b1010_1010_1010_1010;
                let hi = _mm512_mask_blend_epi32(odd_lanes, _mm512_srli_epi64::<32>(evn), odd);
                let qp_hi =
                    _mm512_mask_blend_epi32(odd_lanes, _mm512_srli_epi64::<32>(qp_evn), qp_odd);
                let hi = _mm512_min_epu32(hi, _mm512_sub_epi32(hi, p));
                self.sub(hi, qp_hi)
            }
        }
    }

    impl ExtPacked for Avx512 {
        #[inline(always)]
        fn load_ext_at(self, s: &[u32], i: usize) -> ExtV<Self> {
            assert!(s.len() >= 80 && i <= s.len() - 80);
            // SAFETY: the token proves AVX-512F; words `i .. i + 80` are in bounds (checked
            // above) and each load reads 16 of them, unaligned.
            let v = arr5!(|j| unsafe { _mm512_loadu_si512(s.as_ptr().add(i + 16 * j).cast()) });
            let b = [
                blend5!(v, LOAD_MASK, 0),
                blend5!(v, LOAD_MASK, 1),
                blend5!(v, LOAD_MASK, 2),
                blend5!(v, LOAD_MASK, 3),
                blend5!(v, LOAD_MASK, 4),
            ];
            arr5!(|c| {
                let idx = self.load(&Shuf::LOAD_PERM[c]);
                // SAFETY: the token proves AVX-512F.
                unsafe { _mm512_permutexvar_epi32(idx, b[c]) }
            })
        }

        #[inline(always)]
        fn store_ext_at(self, s: &mut [u32], i: usize, v: ExtV<Self>) {
            assert!(s.len() >= 80 && i <= s.len() - 80);
            let y = arr5!(|c| {
                let idx = self.load(&Shuf::STORE_PERM[c]);
                // SAFETY: the token proves AVX-512F.
                unsafe { _mm512_permutexvar_epi32(idx, v[c]) }
            });
            let out = [
                blend5!(y, STORE_MASK, 0),
                blend5!(y, STORE_MASK, 1),
                blend5!(y, STORE_MASK, 2),
                blend5!(y, STORE_MASK, 3),
                blend5!(y, STORE_MASK, 4),
            ];
            let p = s.as_mut_ptr();
            // SAFETY: the token proves AVX-512F; words `i .. i + 80` are in bounds (checked
            // above) and each store writes 16 of them, unaligned.
            arr5!(|j| unsafe { _mm512_storeu_si512(p.add(i + 16 * j).cast(), out[j]) });
        }

        #[inline(always)]
        fn sum_of_products4(self, a: [__m512i; 4], b: [__m512i; 4]) -> __m512i {
            let s01 = self.wide_sum(self.wide_product(a[0], b[0]), self.wide_product(a[1], b[1]));
            let s23 = self.wide_sum(self.wide_product(a[2], b[2]), self.wide_product(a[3], b[3]));
            self.wide_reduce_products(self.wide_sum(s01, s23))
        }

        #[inline(always)]
        fn sum_of_products5(self, a: [__m512i; 5], b: [__m512i; 5]) -> __m512i {
            let s4 = self.sum_of_products4([a[0], a[1], a[2], a[3]], [b[0], b[1], b[2], b[3]]);
            self.add(s4, self.mul(a[4], b[4]))
        }
    }

    crate::generic::ext::entry_points_for!(
        attr: target_feature(enable = "avx512f,avx2"),
        token: Avx512::new_unchecked()
    );
}

#[allow(clippy::too_many_arguments)]
pub(crate) mod ntt {
    //! AVX-512 entry points of the NTT kernels.
    use super::Avx512;
    crate::generic::ntt::entry_points_for!(
        attr: target_feature(enable = "avx512f,avx2"),
        token: Avx512::new_unchecked()
    );
}

pub(crate) mod poseidon {
    //! AVX-512 entry points of the batched Poseidon kernels, and the wide (64-bit lane)
    //! operations they use: a wide value is the even and the odd 32-bit lanes, each
    //! zero-extended to 64 bits.
    use super::Avx512;
    use super::Packed;
    use crate::field::{MONTY_MU, P};
    use crate::generic::poseidon::PoseidonPacked;
    use core::arch::x86_64::*;

    /// `x mod 2^31 + (x >> 31) * (2^24 - 1)`, congruent to `x` since `2^31 = 2^24 - 1 (mod p)`.
    #[inline(always)]
    fn fold(x: __m512i) -> __m512i {
        // SAFETY: only reached from kernels holding an `Avx512` token.
        unsafe {
            let lo = _mm512_and_si512(x, _mm512_set1_epi64(0x7fff_ffff));
            let hi = _mm512_srli_epi64::<31>(x);
            let hi = _mm512_sub_epi64(_mm512_slli_epi64::<24>(hi), hi);
            _mm512_add_epi64(lo, hi)
        }
    }

    /// One 64-bit half of `wide_monty_reduce_split`: returns a value `< 2p` congruent to
    /// `(s0 + 2^16 s1) * 2^-32`, in the low word of each 64-bit lane.
    #[inline(always)]
    fn monty_split_half(s0: __m512i, s1: __m512i) -> __m512i {
        // SAFETY: only reached from kernels holding the token of this module.
        unsafe {
            // s0 + 2^16 s1 = (s1 >> 16) 2^32 + y with y = s0 + (s1 mod 2^16) 2^16 < 2^54.
            let y = _mm512_add_epi64(
                s0,
                _mm512_slli_epi64::<16>(_mm512_and_si512(s1, _mm512_set1_epi64(0xffff))),
            );
            // Montgomery: q = y mu mod 2^32, (y - q p) / 2^32 = hi(y) - hi(q p), in (-p, 2^22).
            let q = super::mul_epu32_opaque(y, _mm512_set1_epi32(MONTY_MU as i32));
            let qp = super::mul_epu32_opaque(q, _mm512_set1_epi32(P as i32));
            let d = _mm512_sub_epi64(_mm512_srli_epi64::<32>(y), _mm512_srli_epi64::<32>(qp));
            // + (s1 >> 16) (< 2^36, folded below 2^31 + 2^29) + p: positive, below 2^33.
            let h = fold(_mm512_srli_epi64::<16>(s1));
            let v = _mm512_add_epi64(_mm512_add_epi64(d, h), _mm512_set1_epi64(P as i64));
            fold(v)
        }
    }

    impl PoseidonPacked for Avx512 {
        type Wide = (__m512i, __m512i);

        #[inline(always)]
        fn widen(self, x: __m512i) -> (__m512i, __m512i) {
            // SAFETY: the token proves AVX-512F.
            unsafe {
                (
                    _mm512_and_si512(x, _mm512_set1_epi64(0xffff_ffff)),
                    _mm512_srli_epi64::<32>(x),
                )
            }
        }

        #[inline(always)]
        fn wide_mul_small(self, x: (__m512i, __m512i), c: u32) -> (__m512i, __m512i) {
            // SAFETY: the token proves AVX-512F.
            unsafe {
                // `vpmuludq` reads only the low word of each 64-bit lane, so a 32-bit broadcast
                // (one instruction from memory) is enough.
                let c = _mm512_set1_epi32(c as i32);
                (_mm512_mul_epu32(x.0, c), _mm512_mul_epu32(x.1, c))
            }
        }

        #[inline(always)]
        fn wide_add(self, a: (__m512i, __m512i), b: (__m512i, __m512i)) -> (__m512i, __m512i) {
            // SAFETY: the token proves AVX-512F.
            unsafe { (_mm512_add_epi64(a.0, b.0), _mm512_add_epi64(a.1, b.1)) }
        }

        #[inline(always)]
        fn wide_reduce(self, a: (__m512i, __m512i)) -> __m512i {
            // a < 2^40: one fold gives < 2^31 + 2^33, a second < 2^31 + 4 * 2^24 < 2p.
            let evn = fold(fold(a.0));
            let odd = fold(fold(a.1));
            // SAFETY: the token proves AVX-512F.
            unsafe {
                let d = _mm512_mask_blend_epi32(
                    0b1010_1010_1010_1010,
                    evn,
                    _mm512_slli_epi64::<32>(odd),
                );
                _mm512_min_epu32(d, _mm512_sub_epi32(d, self.splat(P)))
            }
        }

        #[inline(always)]
        fn wide_monty_reduce_split(
            self,
            s0: (__m512i, __m512i),
            s1: (__m512i, __m512i),
        ) -> __m512i {
            let evn = monty_split_half(s0.0, s1.0);
            let odd = monty_split_half(s0.1, s1.1);
            // SAFETY: the token proves AVX-512F.
            unsafe {
                let d = _mm512_mask_blend_epi32(
                    0b1010_1010_1010_1010,
                    evn,
                    _mm512_slli_epi64::<32>(odd),
                );
                _mm512_min_epu32(d, _mm512_sub_epi32(d, self.splat(P)))
            }
        }
    }

    crate::generic::poseidon::entry_points_for!(
        attr: target_feature(enable = "avx512f,avx2"),
        token: Avx512::new_unchecked()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::one_lane::{Scalar, tests::mul_2exp_neg_inputs};
    use crate::{Isa, IsaName};

    /// `mul_2exp_neg` on 16 lanes (with a run-time `n` here; the kernels pass constants).
    #[target_feature(enable = "avx512f,avx2")]
    fn mul_2exp_neg_lanes(x: &[u32; 16], n: u32) -> [u32; 16] {
        // SAFETY: this function's target features are the token's requirement, and its only
        // caller checks them with `Isa::from_name` first.
        let k = unsafe { Avx512::new_unchecked() };
        k.to_lanes(k.mul_2exp_neg(k.load(x), n))
    }

    #[test]
    fn mul_2exp_neg_equals_scalar() {
        if Isa::from_name(IsaName::Avx512).is_err() {
            eprintln!("Avx512 not available: mul_2exp_neg NOT tested on it");
            return;
        }
        let inputs = mul_2exp_neg_inputs();
        for n in 1..=24 {
            for chunk in inputs.chunks_exact(16) {
                let x: [u32; 16] = chunk.try_into().unwrap();
                // SAFETY: the CPU has Avx512 (checked above).
                let got = unsafe { mul_2exp_neg_lanes(&x, n) };
                let want = x.map(|w| Scalar.mul_2exp_neg(w, n));
                assert_eq!(got, want, "n = {n}");
            }
        }
    }
}
