//! The [`Packed`] trait: the packed operations every kernel set provides, over `LANES`
//! KoalaBear elements in Montgomery form, and the [`step_loop`] macro the kernels loop with.
//!
//! This is the layer between the field (below) and the generic kernel bodies in
//! [`crate::generic`] (above): it names operations, it implements none of them. The kernel
//! sets are [`super::one_lane::Scalar`] and the SIMD tokens of `simd::avx2` / `simd::avx512`.

/// The packed operations of one instruction set, over `LANES` KoalaBear elements in
/// Montgomery form. All outputs are fully reduced (`< p`), so results are bit-identical on
/// every instruction set.
pub(crate) trait Packed: Copy {
    /// Number of 32-bit lanes in one packed value.
    const LANES: usize;
    /// The in-register packed value. Only ever a local inside an inlined kernel.
    type V: Copy;
    /// `[u32; LANES]`, for moving lanes through memory with `u32` alignment.
    type Lanes: Copy + AsRef<[u32]> + AsMut<[u32]>;

    /// An all-zero lane array.
    fn zero_lanes(self) -> Self::Lanes;
    /// Loads the first `LANES` words of `s` (unaligned). Panics if `s` is shorter.
    fn load(self, s: &[u32]) -> Self::V;
    /// Stores into the first `LANES` words of `s` (unaligned). Panics if `s` is shorter.
    fn store(self, s: &mut [u32], v: Self::V);
    /// Loads words `i .. i + LANES` of `s` (unaligned). Panics unless they are in bounds.
    ///
    /// Hot loops index with this rather than `load(&s[i..])`: at opt-level `"z"` a sub-slice
    /// is an out-of-line `SliceIndex::index` call per vector, and iterator adapters
    /// (`chunks_exact`, `zip`) are out-of-line calls too. The check is written
    /// `s.len() >= LANES && i <= s.len() - LANES`, the form [`step_loop`] tests, so that in
    /// such a loop it folds away at opt-level 3 (which then still unrolls the loop).
    fn load_at(self, s: &[u32], i: usize) -> Self::V;
    /// Stores into words `i .. i + LANES` of `s` (unaligned). Panics unless they are in
    /// bounds. See [`Packed::load_at`].
    fn store_at(self, s: &mut [u32], i: usize, v: Self::V);
    /// Every lane set to `x`.
    fn splat(self, x: u32) -> Self::V;
    /// Lane-wise `a + b mod p`.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a - b mod p`.
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise Montgomery product `a * b mod p`.
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `x * 2^-n mod p`, for `1 <= n <= 24` (panics otherwise; the Poseidon2
    /// internal layer calls it with constants, so the check folds away).
    ///
    /// With `x = hi 2^n + lo` (`lo < 2^n`) and `2^-n = -(p - 1) / 2^n (mod p)` (as
    /// `p - 1 = 127 * 2^24`), `x 2^-n = hi - lo (p - 1) / 2^n`, where `hi < 2^(31 - n)` and
    /// `lo (p - 1) / 2^n < p - 1`: a shift, a mask, one 32-bit product by a constant and a
    /// modular subtraction, instead of a Montgomery multiplication (six 32x32-bit products per
    /// 16 lanes). The Montgomery word of `v` times `2^-n` is the Montgomery word of `v 2^-n`.
    fn mul_2exp_neg(self, x: Self::V, n: u32) -> Self::V;
    /// Lane-wise `if x == 0 { if_zero } else { otherwise }`.
    fn select_zero(self, x: Self::V, if_zero: Self::V, otherwise: Self::V) -> Self::V;
    /// Block interleave of two vectors, used by the NTT for butterflies between lanes.
    ///
    /// Splitting both inputs into blocks of `h` lanes, `x = [X0, X1, X2, X3, ..]` and
    /// `y = [Y0, Y1, Y2, Y3, ..]`, returns `([X0, Y0, X2, Y2, ..], [X1, Y1, X3, Y3, ..])`:
    /// the two halves of every `2h`-lane block of `x` (and of `y`) end up in the same lanes of
    /// the two outputs. The operation is an involution: applying it again restores `(x, y)`.
    ///
    /// # Panics
    /// Unless `h` is a power of two smaller than `LANES` (so the scalar set never accepts it).
    fn interleave(self, x: Self::V, y: Self::V, h: usize) -> (Self::V, Self::V);
    /// Loads `LANES` words in runs of 8: lanes `8g .. 8g + 8` are words `i + g stride ..
    /// i + g stride + 8` of `s` (the scalar set, one lane, loads word `i`). Panics unless they
    /// are in bounds. Feeds [`Packed::interleave`]-based transposes of 8 x 8 blocks.
    fn load_rows8(self, s: &[u32], i: usize, stride: usize) -> Self::V;
    /// Stores `v` where [`Packed::load_rows8`] with the same arguments loads from.
    fn store_rows8(self, s: &mut [u32], i: usize, stride: usize, v: Self::V);

    /// Loads a lane array.
    #[inline(always)]
    fn load_lanes(self, l: &Self::Lanes) -> Self::V {
        self.load(l.as_ref())
    }
    /// Stores into a lane array.
    #[inline(always)]
    fn to_lanes(self, v: Self::V) -> Self::Lanes {
        let mut l = self.zero_lanes();
        self.store(l.as_mut(), v);
        l
    }
}

/// `while $i + $step <= $n { $body; $i += $step }`, written as
/// `if $n >= $step { while $i <= $n - $step { .. } }`.
///
/// The two forms are equivalent, but the second states the loop bound the way
/// [`Packed::load_at`] and [`Packed::store_at`] check theirs (no addition that could wrap), so
/// at opt-level 3 the optimiser proves the checks of loads at `$i` true and drops them, and
/// unrolls the loop as it did the iterator version; at `"z"` the loop is a plain counted loop
/// with no calls. The body must not `continue` (the step is at its end).
macro_rules! step_loop {
    ($i:ident, $step:expr, $n:expr, $body:block) => {{
        let (step, n): (usize, usize) = ($step, $n);
        if n >= step {
            let last = n - step;
            while $i <= last {
                $body
                $i += step;
            }
        }
    }};
}
pub(crate) use step_loop;
