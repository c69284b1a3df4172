//! Generic extension-field slice kernels, written once over a kernel set `K: ExtPacked`.
//!
//! Slices are raw Montgomery words; extension slices hold five words per element. Lengths are
//! checked by the public wrappers in [`crate::kernels::ext`]. Each kernel runs its `*_chunks`
//! loop on whole vectors with the kernel set, then with the one-lane [`Scalar`] set for the
//! tail. Every function is `#[inline(always)]` so that it is compiled inside the
//! `#[target_feature]` entry point that instantiates it (see [`entry_points_for`]).

use super::ext_packed::{
    ExtPacked, ExtV, ONE, add_ext, arr4, arr5, horizontal_sum, mul_by_matrix, mul_ext,
    mul_ext_base, mul_matrix, splat_ext, unroll5,
};
use crate::field::{Ext5, KoalaBear, as_raw};
use crate::simd::one_lane::Scalar;
use crate::simd::packed::{Packed, step_loop};

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
fn scale_chunks<K: ExtPacked>(k: K, out: &mut [u32], a: &[u32], s: [u32; 5], from: usize) -> usize {
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
fn axpy_chunks<K: ExtPacked>(k: K, acc: &mut [u32], s: [u32; 5], x: &[u32], from: usize) -> usize {
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

/// Generates the entry points of every extension kernel for one kernel set (which must
/// implement [`ExtPacked`]).
macro_rules! entry_points_for {
    (attr: $attr:meta, token: $tok:expr) => {
        $crate::simd::entry_points::entry_points! {
            attr: $attr,
            token: $tok,
            fn mul(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::generic::ext::mul;
            fn mul_base(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::generic::ext::mul_base;
            fn scale(out: &mut [u32], a: &[u32], s: [u32; 5]) => $crate::generic::ext::scale;
            fn scale_base(out: &mut [u32], a: &[u32], s: [u32; 5]) => $crate::generic::ext::scale_base;
            fn axpy(acc: &mut [u32], s: [u32; 5], x: &[u32]) => $crate::generic::ext::axpy;
            fn axpy_base(acc: &mut [u32], s: [u32; 5], x: &[u32]) => $crate::generic::ext::axpy_base;
            fn linear_combination(
                out: &mut [u32],
                coeffs: &[u32],
                columns: &[&[$crate::field::KoalaBear]]
            ) => $crate::generic::ext::linear_combination;
            fn dot(a: &[u32], b: &[u32]) -> [u32; 5] => $crate::generic::ext::dot;
            fn dot_base(a: &[u32], b: &[u32]) -> [u32; 5] => $crate::generic::ext::dot_base;
            fn batch_inverse(out: &mut [u32], a: &[u32]) => $crate::generic::ext::batch_inverse;
        }
    };
}
pub(crate) use entry_points_for;
