//! Packed extension arithmetic, the layer under the extension slice kernels in
//! [`super::ext`]: the coordinate layout ([`ExtV`]), the [`ExtPacked`] operations a kernel
//! set provides beyond [`Packed`] (with portable defaults; the SIMD sets override them), the
//! shuffle tables the SIMD sets use to change layout, and the lane-wise extension products.
//!
//! Memory holds extension elements as arrays of structures (five Montgomery words per element,
//! constant coefficient first); in registers they are five packed coordinate vectors, and
//! products reduce with `X^5 = 1 - X^2`. Everything is `#[inline(always)]` so that each ISA's
//! entry point compiles it with its own instruction set.

use crate::field::KoalaBear;
use crate::simd::one_lane::Scalar;
use crate::simd::packed::Packed;

/// Packed extension elements: five coordinate vectors, constant coefficient first.
pub(crate) type ExtV<K> = [<K as Packed>::V; 5];

/// The Montgomery word of one.
pub(crate) const ONE: u32 = KoalaBear::ONE.to_monty();

/// `[e(0), e(1), e(2), e(3), e(4)]`, written out.
///
/// Used instead of `core::array::from_fn` / `<[T; N]>::map` wherever the element
/// expression touches vector values: a closure handed to a generic library function is
/// not guaranteed to be inlined into the `#[target_feature]` entry point, and an
/// out-of-line call would lose the target features (and be slow).
macro_rules! arr5 {
    (|$i:ident| $e:expr) => {
        [
            {
                let $i = 0;
                $e
            },
            {
                let $i = 1;
                $e
            },
            {
                let $i = 2;
                $e
            },
            {
                let $i = 3;
                $e
            },
            {
                let $i = 4;
                $e
            },
        ]
    };
}
pub(crate) use arr5;

/// `[e(0), e(1), e(2), e(3)]`, written out (see [`arr5`]).
macro_rules! arr4 {
    (|$i:ident| $e:expr) => {
        [
            {
                let $i = 0;
                $e
            },
            {
                let $i = 1;
                $e
            },
            {
                let $i = 2;
                $e
            },
            {
                let $i = 3;
                $e
            },
        ]
    };
}

pub(crate) use arr4;

/// Runs the statement `e` for `i = 0, 1, 2, 3, 4`, written out (see [`arr5`]).
macro_rules! unroll5 {
    (|$i:ident| $e:expr) => {{
        {
            let $i = 0;
            $e;
        }
        {
            let $i = 1;
            $e;
        }
        {
            let $i = 2;
            $e;
        }
        {
            let $i = 3;
            $e;
        }
        {
            let $i = 4;
            $e;
        }
    }};
}
pub(crate) use unroll5;

/// Operations a kernel set needs beyond [`Packed`] for extension arithmetic.
///
/// Every method has a portable default written with [`Packed`] operations; SIMD kernel
/// sets override them (in their ISA modules) with shuffles and delayed reductions.
///
/// Loops over the five coordinates are written out ([`arr5`], [`arr4`]) rather than left
/// to the optimiser: at opt-level `"z"` LLVM unrolls nothing, and a loop over an array of
/// vectors keeps the array on the stack.
pub(crate) trait ExtPacked: Packed {
    /// Loads `LANES` extension elements from words `i .. i + 5 * LANES` of `s` (array of
    /// structures) into five coordinate vectors. Panics unless those words are in bounds.
    #[inline(always)]
    fn load_ext_at(self, s: &[u32], i: usize) -> ExtV<Self> {
        assert!(s.len() >= 5 * Self::LANES && i <= s.len() - 5 * Self::LANES);
        arr5!(|c| {
            let mut l = self.zero_lanes();
            let lanes = l.as_mut();
            let mut j = 0;
            while j < lanes.len() {
                lanes[j] = s[i + 5 * j + c];
                j += 1;
            }
            self.load_lanes(&l)
        })
    }

    /// Stores five coordinate vectors as `LANES` extension elements into words
    /// `i .. i + 5 * LANES` of `s`. Panics unless those words are in bounds.
    #[inline(always)]
    fn store_ext_at(self, s: &mut [u32], i: usize, v: ExtV<Self>) {
        assert!(s.len() >= 5 * Self::LANES && i <= s.len() - 5 * Self::LANES);
        arr5!(|c| {
            let l = self.to_lanes(v[c]);
            let lanes = l.as_ref();
            let mut j = 0;
            while j < lanes.len() {
                s[i + 5 * j + c] = lanes[j];
                j += 1;
            }
        });
    }

    /// Lane-wise `sum_i a[i] * b[i] mod p` over four pairs, fully reduced.
    #[inline(always)]
    fn sum_of_products4(self, a: [Self::V; 4], b: [Self::V; 4]) -> Self::V {
        let s01 = self.add(self.mul(a[0], b[0]), self.mul(a[1], b[1]));
        let s23 = self.add(self.mul(a[2], b[2]), self.mul(a[3], b[3]));
        self.add(s01, s23)
    }

    /// Lane-wise `sum_i a[i] * b[i] mod p` over five pairs, fully reduced.
    #[inline(always)]
    fn sum_of_products5(self, a: [Self::V; 5], b: [Self::V; 5]) -> Self::V {
        let s4 = self.sum_of_products4([a[0], a[1], a[2], a[3]], [b[0], b[1], b[2], b[3]]);
        self.add(s4, self.mul(a[4], b[4]))
    }
}

impl ExtPacked for Scalar {}

/// Shuffle tables for moving `W` extension elements between memory order (five vectors
/// of `W` consecutive words) and coordinate order (five vectors, one per coefficient)
/// with one lane permutation and four blends per vector.
///
/// Word `5 l + c` (element `l`, coordinate `c`) sits at position `(5 l + c) mod W` of
/// memory vector `(5 l + c) / W`. Since `W` is a power of two, 5 is invertible mod `W`, so
/// for a fixed `c` the `W` positions are distinct: blending the five memory vectors
/// gathers all of coordinate `c` into one vector, and one permutation puts element `l`
/// in lane `l`. Storing runs the same steps backwards. Used by the SIMD kernel sets.
#[allow(dead_code)] // only the x86-64 kernel sets use the tables
pub(crate) struct ExtShuffle<const W: usize>;

#[allow(dead_code)]
impl<const W: usize> ExtShuffle<W> {
    /// `5^-1 mod W`.
    const INV5: usize = {
        let mut i = 1;
        while (5 * i) % W != 1 {
            i += 2;
        }
        i
    };

    /// The element whose coordinate `c` sits at position `p` of its memory vector.
    const fn lane_at(c: usize, p: usize) -> usize {
        ((p + 5 * W - c) % W * Self::INV5) % W
    }

    /// `LOAD_PERM[c][l] = (5 l + c) mod W`: after blending, lane `l` of coordinate `c`
    /// takes position `LOAD_PERM[c][l]` (a `dst[l] = src[idx[l]]` permutation).
    pub(crate) const LOAD_PERM: [[u32; W]; 5] = {
        let mut t = [[0; W]; 5];
        let mut c = 0;
        while c < 5 {
            let mut l = 0;
            while l < W {
                t[c][l] = ((5 * l + c) % W) as u32;
                l += 1;
            }
            c += 1;
        }
        t
    };

    /// `LOAD_MASK[c][j]`: bit `p` set if position `p` of the blend for coordinate `c`
    /// comes from memory vector `j`.
    pub(crate) const LOAD_MASK: [[u32; 5]; 5] = {
        let mut t = [[0; 5]; 5];
        let mut c = 0;
        while c < 5 {
            let mut p = 0;
            while p < W {
                let j = (5 * Self::lane_at(c, p) + c) / W;
                t[c][j] |= 1 << p;
                p += 1;
            }
            c += 1;
        }
        t
    };

    /// `STORE_PERM[c][p] = lane_at(c, p)`: moves lane `l` of coordinate `c` to position
    /// `(5 l + c) mod W` (a `dst[p] = src[idx[p]]` permutation).
    pub(crate) const STORE_PERM: [[u32; W]; 5] = {
        let mut t = [[0; W]; 5];
        let mut c = 0;
        while c < 5 {
            let mut p = 0;
            while p < W {
                t[c][p] = Self::lane_at(c, p) as u32;
                p += 1;
            }
            c += 1;
        }
        t
    };

    /// `STORE_MASK[j][c]`: bit `p` set if position `p` of memory vector `j` holds
    /// coordinate `c`.
    pub(crate) const STORE_MASK: [[u32; 5]; 5] = {
        let mut t = [[0; 5]; 5];
        let mut j = 0;
        while j < 5 {
            let mut p = 0;
            while p < W {
                t[j][(W * j + p) % 5] |= 1 << p;
                p += 1;
            }
            j += 1;
        }
        t
    };
}

/// Five packed coordinate vectors, each with every lane set to a coefficient of `s`.
#[inline(always)]
pub(crate) fn splat_ext<K: ExtPacked>(k: K, s: [u32; 5]) -> ExtV<K> {
    arr5!(|c| k.splat(s[c]))
}

/// The multiplication-by-`b` matrix: row `k` holds coefficient `k` of `b * X^i` for
/// `i = 0..5`, so that `(a * b)_k = sum_i a_i * row_k[i]`.
///
/// With `X^5 = 1 - X^2`, `b * X = (b4, b0, b1 - b4, b2, b3)`; iterating gives the rows
/// below in terms of `t1 = b1 - b4`, `t2 = b0 - b3`, `t3 = b4 - b2`, `t4 = b3 - t1`.
#[inline(always)]
pub(crate) fn mul_matrix<K: ExtPacked>(k: K, b: ExtV<K>) -> [ExtV<K>; 5] {
    let [b0, b1, b2, b3, b4] = b;
    let t1 = k.sub(b1, b4);
    let t2 = k.sub(b0, b3);
    let t3 = k.sub(b4, b2);
    let t4 = k.sub(b3, t1);
    [
        [b0, b4, b3, b2, t1],
        [b1, b0, b4, b3, b2],
        [b2, t1, t2, t3, t4],
        [b3, b2, t1, t2, t3],
        [b4, b3, b2, t1, t2],
    ]
}

/// `a * b` where `m = mul_matrix(b)`.
#[inline(always)]
pub(crate) fn mul_by_matrix<K: ExtPacked>(k: K, a: ExtV<K>, m: &[ExtV<K>; 5]) -> ExtV<K> {
    arr5!(|row| k.sum_of_products5(a, m[row]))
}

/// Lane-wise extension product.
#[inline(always)]
pub(crate) fn mul_ext<K: ExtPacked>(k: K, a: ExtV<K>, b: ExtV<K>) -> ExtV<K> {
    mul_by_matrix(k, a, &mul_matrix(k, b))
}

/// Lane-wise extension times base.
#[inline(always)]
pub(crate) fn mul_ext_base<K: ExtPacked>(k: K, a: ExtV<K>, b: K::V) -> ExtV<K> {
    arr5!(|c| k.mul(a[c], b))
}

/// Lane-wise extension sum.
#[inline(always)]
pub(crate) fn add_ext<K: ExtPacked>(k: K, a: ExtV<K>, b: ExtV<K>) -> ExtV<K> {
    arr5!(|c| k.add(a[c], b[c]))
}

/// Sums the lanes of packed extension elements (scalar adds; order is irrelevant since
/// the field arithmetic is exact).
#[inline(always)]
pub(crate) fn horizontal_sum<K: ExtPacked>(k: K, v: ExtV<K>) -> [u32; 5] {
    arr5!(|c| super::base::horizontal_sum(k, v[c]))
}
