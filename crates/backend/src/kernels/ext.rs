//! Dispatched slice kernels over the degree-5 extension [`Ext5`].
//!
//! Memory holds extension elements as arrays of structures (five Montgomery words per element,
//! constant coefficient first). The packed kernels work on `W = K::LANES` elements at a time as
//! five packed coordinate vectors (structure of arrays in registers): `ExtPacked::load_ext`
//! and `ExtPacked::store_ext` move between the two layouts, and products reduce with
//! `X^5 = 1 - X^2`. Results are canonical, hence bit-identical on every instruction set and
//! identical to the scalar [`Ext5`] operations.
//!
//! # Panics
//! Like the base-field kernels in [`crate::kernels`], every function panics if its slices do
//! not have the lengths it documents.

use crate::field::{Ext5, KoalaBear, as_raw, ext_as_raw, ext_as_raw_mut};
use crate::isa::Isa;
use crate::simd::dispatch;

#[track_caller]
fn check_len(what: &str, expected: usize, got: usize) {
    assert_eq!(
        expected, got,
        "kernel slice length mismatch: `{what}` has {got} elements, expected {expected}"
    );
}

fn raw_ext(x: Ext5) -> [u32; 5] {
    x.0.map(KoalaBear::to_monty)
}

fn ext_from_raw(x: [u32; 5]) -> Ext5 {
    Ext5(x.map(KoalaBear::from_monty))
}

/// `out[i] = a[i] + b[i]`.
pub fn add(isa: Isa, out: &mut [Ext5], a: &[Ext5], b: &[Ext5]) {
    check_len("a", out.len(), a.len());
    check_len("b", out.len(), b.len());
    // Coefficient-wise, so the base-field kernel on the raw words is exactly right.
    dispatch!(
        isa,
        base::add(ext_as_raw_mut(out), ext_as_raw(a), ext_as_raw(b))
    )
}

/// `out[i] = a[i] - b[i]`.
pub fn sub(isa: Isa, out: &mut [Ext5], a: &[Ext5], b: &[Ext5]) {
    check_len("a", out.len(), a.len());
    check_len("b", out.len(), b.len());
    dispatch!(
        isa,
        base::sub(ext_as_raw_mut(out), ext_as_raw(a), ext_as_raw(b))
    )
}

/// `out[i] = a[i] * b[i]` (extension times extension).
pub fn mul(isa: Isa, out: &mut [Ext5], a: &[Ext5], b: &[Ext5]) {
    check_len("a", out.len(), a.len());
    check_len("b", out.len(), b.len());
    dispatch!(
        isa,
        ext::mul(ext_as_raw_mut(out), ext_as_raw(a), ext_as_raw(b))
    )
}

/// `out[i] = a[i] * b[i]` (extension times base).
pub fn mul_base(isa: Isa, out: &mut [Ext5], a: &[Ext5], b: &[KoalaBear]) {
    check_len("a", out.len(), a.len());
    check_len("b", out.len(), b.len());
    dispatch!(
        isa,
        ext::mul_base(ext_as_raw_mut(out), ext_as_raw(a), as_raw(b))
    )
}

/// `out[i] = s * a[i]` for an extension scalar `s`.
pub fn scale(isa: Isa, out: &mut [Ext5], a: &[Ext5], s: Ext5) {
    check_len("a", out.len(), a.len());
    dispatch!(
        isa,
        ext::scale(ext_as_raw_mut(out), ext_as_raw(a), raw_ext(s))
    )
}

/// `out[i] = s * a[i]` for base-field `a` and an extension scalar `s`.
pub fn scale_base(isa: Isa, out: &mut [Ext5], a: &[KoalaBear], s: Ext5) {
    check_len("a", out.len(), a.len());
    dispatch!(
        isa,
        ext::scale_base(ext_as_raw_mut(out), as_raw(a), raw_ext(s))
    )
}

/// `acc[i] += s * x[i]` (all extension elements).
pub fn axpy(isa: Isa, acc: &mut [Ext5], s: Ext5, x: &[Ext5]) {
    check_len("x", acc.len(), x.len());
    dispatch!(
        isa,
        ext::axpy(ext_as_raw_mut(acc), raw_ext(s), ext_as_raw(x))
    )
}

/// `acc[i] += s * x[i]` for base-field `x` and an extension scalar `s`.
pub fn axpy_base(isa: Isa, acc: &mut [Ext5], s: Ext5, x: &[KoalaBear]) {
    check_len("x", acc.len(), x.len());
    dispatch!(
        isa,
        ext::axpy_base(ext_as_raw_mut(acc), raw_ext(s), as_raw(x))
    )
}

/// `out[j] = sum_i coeffs[i] * columns[i][j]`: a random linear combination of base-field
/// columns with extension coefficients (the prover's DEEP / FRI batching).
///
/// `columns` must have `coeffs.len()` entries, each of length `out.len()`. With no columns
/// `out` is zeroed.
pub fn linear_combination(isa: Isa, out: &mut [Ext5], coeffs: &[Ext5], columns: &[&[KoalaBear]]) {
    check_len("columns", coeffs.len(), columns.len());
    for col in columns {
        check_len("columns[i]", out.len(), col.len());
    }
    dispatch!(
        isa,
        ext::linear_combination(ext_as_raw_mut(out), ext_as_raw(coeffs), columns)
    )
}

/// Dot product `sum_i a[i] * b[i]` of two extension slices.
pub fn dot(isa: Isa, a: &[Ext5], b: &[Ext5]) -> Ext5 {
    check_len("b", a.len(), b.len());
    ext_from_raw(dispatch!(isa, ext::dot(ext_as_raw(a), ext_as_raw(b))))
}

/// Dot product `sum_i a[i] * b[i]` of an extension slice with a base-field slice.
pub fn dot_base(isa: Isa, a: &[Ext5], b: &[KoalaBear]) -> Ext5 {
    check_len("b", a.len(), b.len());
    ext_from_raw(dispatch!(isa, ext::dot_base(ext_as_raw(a), as_raw(b))))
}

/// Batch inversion: `out[i] = a[i]^-1`, and zero where `a[i]` is zero.
///
/// Montgomery's trick: three extension products per element and one extension inversion.
pub fn batch_inverse(isa: Isa, out: &mut [Ext5], a: &[Ext5]) {
    check_len("a", out.len(), a.len());
    dispatch!(isa, ext::batch_inverse(ext_as_raw_mut(out), ext_as_raw(a)))
}

/// Allocating form of [`batch_inverse`].
pub fn batch_inverse_vec(isa: Isa, a: &[Ext5]) -> Vec<Ext5> {
    let mut out = vec![Ext5::ZERO; a.len()];
    batch_inverse(isa, &mut out, a);
    out
}

pub(crate) mod packed {
    //! The generic packed kernels behind the public functions, written once over
    //! `K: ExtPacked` and `#[inline(always)]` so each ISA's entry point compiles them with its
    //! own instruction set. Slices are raw Montgomery words; extension slices hold five words
    //! per element. Lengths are checked by the public wrappers.

    use crate::field::{Ext5, KoalaBear, as_raw};
    use crate::simd::scalar::Scalar;
    use crate::simd::{Packed, step_loop};

    /// Packed extension elements: five coordinate vectors, constant coefficient first.
    pub(crate) type ExtV<K> = [<K as Packed>::V; 5];

    const ONE: u32 = KoalaBear::ONE.to_monty();

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
    fn mul_ext_base<K: ExtPacked>(k: K, a: ExtV<K>, b: K::V) -> ExtV<K> {
        arr5!(|c| k.mul(a[c], b))
    }

    /// Lane-wise extension sum.
    #[inline(always)]
    fn add_ext<K: ExtPacked>(k: K, a: ExtV<K>, b: ExtV<K>) -> ExtV<K> {
        arr5!(|c| k.add(a[c], b[c]))
    }

    /// Sums the lanes of packed extension elements (scalar adds; order is irrelevant since
    /// the field arithmetic is exact).
    #[inline(always)]
    fn horizontal_sum<K: ExtPacked>(k: K, v: ExtV<K>) -> [u32; 5] {
        arr5!(|c| crate::kernels::base::horizontal_sum(k, v[c]))
    }

    /// Elements handled by whole vectors, as a word offset into an extension slice.
    #[inline(always)]
    fn ext_split<K: Packed>(words: usize) -> usize {
        let n = words / 5;
        (n - n % K::LANES) * 5
    }

    /// `out = a * b` on the whole vectors from word `from` on; returns where they end. The
    /// public kernels call each `*_chunks` twice on the same slices: with the kernel set,
    /// then with [`Scalar`] for the tail from the returned index.
    ///
    /// The `*_chunks` loops index with `load_ext_at` in `while` loops: iterator adapters and
    /// sub-slices are out-of-line calls at opt-level `"z"` (see [`Packed::load_at`]).
    #[inline(always)]
    fn mul_chunks<K: ExtPacked>(k: K, out: &mut [u32], a: &[u32], b: &[u32], from: usize) -> usize {
        let (n, w) = (out.len(), 5 * K::LANES);
        assert!(a.len() == n && b.len() == n);
        let mut i = from;
        step_loop!(i, w, n, {
            k.store_ext_at(out, i, mul_ext(k, k.load_ext_at(a, i), k.load_ext_at(b, i)));
        });
        i
    }

    /// `out = a * b` (extension times extension).
    #[inline(always)]
    pub(crate) fn mul<K: ExtPacked>(k: K, out: &mut [u32], a: &[u32], b: &[u32]) {
        let i = mul_chunks(k, out, a, b, 0);
        mul_chunks(Scalar, out, a, b, i);
    }

    #[inline(always)]
    fn mul_base_chunks<K: ExtPacked>(
        k: K,
        out: &mut [u32],
        a: &[u32],
        b: &[u32],
        from: usize,
    ) -> usize {
        let (n, w) = (b.len(), K::LANES);
        assert!(a.len() == 5 * n && out.len() == 5 * n);
        let mut i = from;
        step_loop!(i, w, n, {
            let r = mul_ext_base(k, k.load_ext_at(a, 5 * i), k.load_at(b, i));
            k.store_ext_at(out, 5 * i, r);
        });
        i
    }

    /// `out = a * b` (extension times base).
    #[inline(always)]
    pub(crate) fn mul_base<K: ExtPacked>(k: K, out: &mut [u32], a: &[u32], b: &[u32]) {
        let i = mul_base_chunks(k, out, a, b, 0);
        mul_base_chunks(Scalar, out, a, b, i);
    }

    #[inline(always)]
    fn scale_chunks<K: ExtPacked>(
        k: K,
        out: &mut [u32],
        a: &[u32],
        s: [u32; 5],
        from: usize,
    ) -> usize {
        let (n, w) = (out.len(), 5 * K::LANES);
        assert!(a.len() == n);
        let m = mul_matrix(k, splat_ext(k, s));
        let mut i = from;
        step_loop!(i, w, n, {
            k.store_ext_at(out, i, mul_by_matrix(k, k.load_ext_at(a, i), &m));
        });
        i
    }

    /// `out = s * a` (extension slice, extension scalar).
    #[inline(always)]
    pub(crate) fn scale<K: ExtPacked>(k: K, out: &mut [u32], a: &[u32], s: [u32; 5]) {
        let i = scale_chunks(k, out, a, s, 0);
        scale_chunks(Scalar, out, a, s, i);
    }

    #[inline(always)]
    fn scale_base_chunks<K: ExtPacked>(
        k: K,
        out: &mut [u32],
        a: &[u32],
        s: [u32; 5],
        from: usize,
    ) -> usize {
        let (n, w) = (a.len(), K::LANES);
        assert!(out.len() == 5 * n);
        let sv = splat_ext(k, s);
        let mut i = from;
        step_loop!(i, w, n, {
            k.store_ext_at(out, 5 * i, mul_ext_base(k, sv, k.load_at(a, i)));
        });
        i
    }

    /// `out = s * a` (base slice, extension scalar).
    #[inline(always)]
    pub(crate) fn scale_base<K: ExtPacked>(k: K, out: &mut [u32], a: &[u32], s: [u32; 5]) {
        let i = scale_base_chunks(k, out, a, s, 0);
        scale_base_chunks(Scalar, out, a, s, i);
    }

    #[inline(always)]
    fn axpy_chunks<K: ExtPacked>(
        k: K,
        acc: &mut [u32],
        s: [u32; 5],
        x: &[u32],
        from: usize,
    ) -> usize {
        let (n, w) = (acc.len(), 5 * K::LANES);
        assert!(x.len() == n);
        let m = mul_matrix(k, splat_ext(k, s));
        let mut i = from;
        step_loop!(i, w, n, {
            let r = add_ext(
                k,
                k.load_ext_at(acc, i),
                mul_by_matrix(k, k.load_ext_at(x, i), &m),
            );
            k.store_ext_at(acc, i, r);
        });
        i
    }

    /// `acc += s * x` (all extension).
    #[inline(always)]
    pub(crate) fn axpy<K: ExtPacked>(k: K, acc: &mut [u32], s: [u32; 5], x: &[u32]) {
        let i = axpy_chunks(k, acc, s, x, 0);
        axpy_chunks(Scalar, acc, s, x, i);
    }

    #[inline(always)]
    fn axpy_base_chunks<K: ExtPacked>(
        k: K,
        acc: &mut [u32],
        s: [u32; 5],
        x: &[u32],
        from: usize,
    ) -> usize {
        let (n, w) = (x.len(), K::LANES);
        assert!(acc.len() == 5 * n);
        let sv = splat_ext(k, s);
        let mut i = from;
        step_loop!(i, w, n, {
            let r = add_ext(
                k,
                k.load_ext_at(acc, 5 * i),
                mul_ext_base(k, sv, k.load_at(x, i)),
            );
            k.store_ext_at(acc, 5 * i, r);
        });
        i
    }

    /// `acc += s * x` (extension accumulator and scalar, base `x`).
    #[inline(always)]
    pub(crate) fn axpy_base<K: ExtPacked>(k: K, acc: &mut [u32], s: [u32; 5], x: &[u32]) {
        let i = axpy_base_chunks(k, acc, s, x, 0);
        axpy_base_chunks(Scalar, acc, s, x, i);
    }

    /// Rows per tile of [`linear_combination`]: the tile's accumulators (`5 * 512` words,
    /// 10 KiB) stay in L1 while the columns are streamed through it four at a time.
    const LC_TILE: usize = 512;

    /// Rows `row0 .. row0 + out.len() / 5` of the linear combination, whole vectors only.
    ///
    /// The rows are cut into tiles of [`LC_TILE`]. Within a tile the columns are visited
    /// four at a time, each read sequentially over the tile (so only four memory streams are
    /// live, which the prefetchers follow), and every coordinate of every row takes one
    /// reduced sum of four products per group (`ExtPacked::sum_of_products`).
    #[inline(always)]
    fn linear_combination_chunks<K: ExtPacked>(
        k: K,
        out: &mut [u32],
        coeffs: &[u32],
        columns: &[&[KoalaBear]],
        row0: usize,
    ) {
        const { assert!(LC_TILE.is_multiple_of(MAX_LANES) && MAX_LANES.is_multiple_of(K::LANES)) };
        let w = K::LANES;
        let rows = out.len() / 5;
        let groups = columns.len() / 4;
        let mut acc = [[0u32; LC_TILE]; 5];
        let mut t0 = 0;
        while t0 < rows {
            // `rows` and `LC_TILE` are multiples of `w`, hence so is `tn`.
            let tn = (rows - t0).min(LC_TILE);
            let (r0, r1) = (row0 + t0, row0 + t0 + tn);
            unroll5!(|c| acc[c][..tn].fill(0));
            let mut g = 0;
            while g < groups {
                let cols = arr4!(|j| &as_raw(columns[4 * g + j])[r0..r1]);
                let cs = &coeffs[20 * g..20 * g + 20];
                let ss = arr5!(|c| arr4!(|j| k.splat(cs[5 * j + c])));
                let mut i = 0;
                while i < tn {
                    let xs = arr4!(|j| k.load_at(cols[j], i));
                    unroll5!(|c| {
                        let r = k.add(k.load_at(&acc[c], i), k.sum_of_products4(xs, ss[c]));
                        k.store_at(&mut acc[c], i, r);
                    });
                    i += w;
                }
                g += 1;
            }
            let mut col_i = 4 * groups;
            while col_i < columns.len() {
                let col = &as_raw(columns[col_i])[r0..r1];
                let cs = &coeffs[5 * col_i..5 * col_i + 5];
                let ss = arr5!(|c| k.splat(cs[c]));
                let mut i = 0;
                while i < tn {
                    let x = k.load_at(col, i);
                    unroll5!(|c| {
                        let r = k.add(k.load_at(&acc[c], i), k.mul(x, ss[c]));
                        k.store_at(&mut acc[c], i, r);
                    });
                    i += w;
                }
                col_i += 1;
            }
            let mut i = 0;
            while i < tn {
                let v = arr5!(|c| k.load_at(&acc[c], i));
                k.store_ext_at(out, 5 * (t0 + i), v);
                i += w;
            }
            t0 += tn;
        }
    }

    /// `out[j] = sum_i coeffs[i] * columns[i][j]`.
    #[inline(always)]
    pub(crate) fn linear_combination<K: ExtPacked>(
        k: K,
        out: &mut [u32],
        coeffs: &[u32],
        columns: &[&[KoalaBear]],
    ) {
        let sp = ext_split::<K>(out.len());
        let (ov, ot) = out.split_at_mut(sp);
        linear_combination_chunks(k, ov, coeffs, columns, 0);
        linear_combination_chunks(Scalar, ot, coeffs, columns, sp / 5);
    }

    #[inline(always)]
    fn dot_chunks<K: ExtPacked>(k: K, a: &[u32], b: &[u32], from: usize) -> ([u32; 5], usize) {
        let (n, w) = (a.len(), 5 * K::LANES);
        assert!(b.len() == n);
        let mut acc = splat_ext(k, [0; 5]);
        let mut i = from;
        step_loop!(i, w, n, {
            acc = add_ext(k, acc, mul_ext(k, k.load_ext_at(a, i), k.load_ext_at(b, i)));
        });
        (horizontal_sum(k, acc), i)
    }

    /// `sum_i a[i] * b[i]` (both extension).
    #[inline(always)]
    pub(crate) fn dot<K: ExtPacked>(k: K, a: &[u32], b: &[u32]) -> [u32; 5] {
        let (v, i) = dot_chunks(k, a, b, 0);
        let (t, _) = dot_chunks(Scalar, a, b, i);
        add_ext(Scalar, v, t)
    }

    #[inline(always)]
    fn dot_base_chunks<K: ExtPacked>(k: K, a: &[u32], b: &[u32], from: usize) -> ([u32; 5], usize) {
        let (n, w) = (b.len(), K::LANES);
        assert!(a.len() == 5 * n);
        let mut acc = splat_ext(k, [0; 5]);
        let mut i = from;
        step_loop!(i, w, n, {
            let p = mul_ext_base(k, k.load_ext_at(a, 5 * i), k.load_at(b, i));
            acc = add_ext(k, acc, p);
        });
        (horizontal_sum(k, acc), i)
    }

    /// `sum_i a[i] * b[i]` (extension `a`, base `b`).
    #[inline(always)]
    pub(crate) fn dot_base<K: ExtPacked>(k: K, a: &[u32], b: &[u32]) -> [u32; 5] {
        let (v, i) = dot_base_chunks(k, a, b, 0);
        let (t, _) = dot_base_chunks(Scalar, a, b, i);
        add_ext(Scalar, v, t)
    }

    /// The most lanes any kernel set has (AVX-512).
    const MAX_LANES: usize = 16;

    /// Inverts every lane of `v`; all lanes must be non-zero. Montgomery's trick across the
    /// lanes, so one scalar [`Ext5`] inversion per call.
    #[inline(always)]
    fn invert_lanes<K: ExtPacked>(k: K, v: ExtV<K>) -> ExtV<K> {
        const { assert!(K::LANES <= MAX_LANES) };
        let lanes = arr5!(|c| k.to_lanes(v[c]));
        let elem = |l: usize| {
            Ext5(core::array::from_fn(|c| {
                KoalaBear::from_monty(lanes[c].as_ref()[l])
            }))
        };
        let mut prefix = [Ext5::ONE; MAX_LANES];
        let mut run = Ext5::ONE;
        for (l, p) in prefix.iter_mut().enumerate().take(K::LANES) {
            *p = run;
            run *= elem(l);
        }
        let mut inv = run
            .try_inverse()
            .expect("a product of non-zero field elements is non-zero");
        let mut out = [k.zero_lanes(); 5];
        for l in (0..K::LANES).rev() {
            let r = inv * prefix[l];
            inv *= elem(l);
            for (c, o) in out.iter_mut().enumerate() {
                o.as_mut()[l] = r.0[c].to_monty();
            }
        }
        arr5!(|c| k.load_lanes(&out[c]))
    }

    /// `(mask, x')`: `mask` is zero in lanes where `x` is the zero element (non-zero
    /// elsewhere) and `x'` is `x` with those zero elements replaced by one.
    #[inline(always)]
    fn mask_zero<K: ExtPacked>(k: K, x: ExtV<K>) -> (K::V, ExtV<K>) {
        let one = k.splat(ONE);
        let m = k.select_zero(x[0], k.splat(0), one);
        let m = k.select_zero(x[1], m, one);
        let m = k.select_zero(x[2], m, one);
        let m = k.select_zero(x[3], m, one);
        let m = k.select_zero(x[4], m, one);
        let y = [k.select_zero(m, one, x[0]), x[1], x[2], x[3], x[4]];
        (m, y)
    }

    /// Montgomery's trick on whole vectors, one independent chain per lane; the prefix
    /// products are kept in `out`.
    #[inline(always)]
    fn batch_inverse_chunks<K: ExtPacked>(k: K, out: &mut [u32], a: &[u32]) {
        let (n, w) = (a.len(), 5 * K::LANES);
        assert!(out.len() == n && n % w == 0);
        if n == 0 {
            return;
        }
        let zero = k.splat(0);
        let mut acc = splat_ext(k, [ONE, 0, 0, 0, 0]);
        let mut i = 0;
        while i < n {
            k.store_ext_at(out, i, acc);
            let (_, xv) = mask_zero(k, k.load_ext_at(a, i));
            acc = mul_ext(k, acc, xv);
            i += w;
        }
        let mut inv = invert_lanes(k, acc);
        while i > 0 {
            i -= w;
            let (m, xv) = mask_zero(k, k.load_ext_at(a, i));
            let r = mul_ext(k, inv, k.load_ext_at(out, i));
            inv = mul_ext(k, inv, xv);
            k.store_ext_at(out, i, arr5!(|c| k.select_zero(m, zero, r[c])));
        }
    }

    /// `out[i] = a[i]^-1`, zero for zero.
    #[inline(always)]
    pub(crate) fn batch_inverse<K: ExtPacked>(k: K, out: &mut [u32], a: &[u32]) {
        let sp = ext_split::<K>(out.len());
        let (ov, ot) = out.split_at_mut(sp);
        batch_inverse_chunks(k, ov, &a[..sp]);
        batch_inverse_chunks(Scalar, ot, &a[sp..]);
    }
}

/// Generates the entry points of every extension kernel for one kernel set (which must
/// implement [`packed::ExtPacked`]).
macro_rules! entry_points_for {
    (attr: $attr:meta, token: $tok:expr) => {
        $crate::simd::entry_points! {
            attr: $attr,
            token: $tok,
            fn mul(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::kernels::ext::packed::mul;
            fn mul_base(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::kernels::ext::packed::mul_base;
            fn scale(out: &mut [u32], a: &[u32], s: [u32; 5]) => $crate::kernels::ext::packed::scale;
            fn scale_base(out: &mut [u32], a: &[u32], s: [u32; 5]) => $crate::kernels::ext::packed::scale_base;
            fn axpy(acc: &mut [u32], s: [u32; 5], x: &[u32]) => $crate::kernels::ext::packed::axpy;
            fn axpy_base(acc: &mut [u32], s: [u32; 5], x: &[u32]) => $crate::kernels::ext::packed::axpy_base;
            fn linear_combination(
                out: &mut [u32],
                coeffs: &[u32],
                columns: &[&[$crate::field::KoalaBear]]
            ) => $crate::kernels::ext::packed::linear_combination;
            fn dot(a: &[u32], b: &[u32]) -> [u32; 5] => $crate::kernels::ext::packed::dot;
            fn dot_base(a: &[u32], b: &[u32]) -> [u32; 5] => $crate::kernels::ext::packed::dot_base;
            fn batch_inverse(out: &mut [u32], a: &[u32]) => $crate::kernels::ext::packed::batch_inverse;
        }
    };
}
pub(crate) use entry_points_for;
