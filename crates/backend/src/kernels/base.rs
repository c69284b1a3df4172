//! Generic base-field slice kernels, written once over a kernel set `K: Packed`.
//!
//! Every function here is `#[inline(always)]` so that it is compiled inside the
//! `#[target_feature]` entry point that instantiates it (see [`entry_points_for`]). Slices are
//! raw Montgomery words; the public wrappers in [`crate::kernels`] check lengths and convert
//! from field-element slices. Tails shorter than a vector use the scalar operations.

use crate::field::{KoalaBear, P};
use crate::simd::Packed;
use crate::simd::scalar;

const ONE: u32 = KoalaBear::ONE.to_monty();

/// A lane-wise binary operation, as a type so that it inlines at every opt-level.
pub(crate) trait BinOp {
    /// Packed form.
    fn packed<K: Packed>(k: K, a: K::V, b: K::V) -> K::V;
    /// Scalar form, for tails.
    fn scalar(a: u32, b: u32) -> u32;
}

macro_rules! bin_op {
    ($name:ident, $method:ident) => {
        pub(crate) struct $name;
        impl BinOp for $name {
            #[inline(always)]
            fn packed<K: Packed>(k: K, a: K::V, b: K::V) -> K::V {
                k.$method(a, b)
            }
            #[inline(always)]
            fn scalar(a: u32, b: u32) -> u32 {
                scalar::$method(a, b)
            }
        }
    };
}
bin_op!(AddOp, add);
bin_op!(SubOp, sub);
bin_op!(MulOp, mul);

/// `out[i] = op(a[i], b[i])`. All slices have the same length (checked by the caller).
#[inline(always)]
pub(crate) fn binary<K: Packed, O: BinOp>(k: K, out: &mut [u32], a: &[u32], b: &[u32]) {
    let split = out.len() - out.len() % K::LANES;
    let (out_v, out_t) = out.split_at_mut(split);
    for ((o, x), y) in out_v
        .chunks_exact_mut(K::LANES)
        .zip(a.chunks_exact(K::LANES))
        .zip(b.chunks_exact(K::LANES))
    {
        k.store(o, O::packed(k, k.load(x), k.load(y)));
    }
    for ((o, x), y) in out_t.iter_mut().zip(&a[split..]).zip(&b[split..]) {
        *o = O::scalar(*x, *y);
    }
}

/// `acc[i] = op(acc[i], a[i])`.
#[inline(always)]
pub(crate) fn binary_assign<K: Packed, O: BinOp>(k: K, acc: &mut [u32], a: &[u32]) {
    let split = acc.len() - acc.len() % K::LANES;
    let (acc_v, acc_t) = acc.split_at_mut(split);
    for (o, x) in acc_v
        .chunks_exact_mut(K::LANES)
        .zip(a.chunks_exact(K::LANES))
    {
        let r = O::packed(k, k.load(o), k.load(x));
        k.store(o, r);
    }
    for (o, x) in acc_t.iter_mut().zip(&a[split..]) {
        *o = O::scalar(*o, *x);
    }
}

/// `out = a + b`.
#[inline(always)]
pub(crate) fn add<K: Packed>(k: K, out: &mut [u32], a: &[u32], b: &[u32]) {
    binary::<K, AddOp>(k, out, a, b)
}
/// `out = a - b`.
#[inline(always)]
pub(crate) fn sub<K: Packed>(k: K, out: &mut [u32], a: &[u32], b: &[u32]) {
    binary::<K, SubOp>(k, out, a, b)
}
/// `out = a * b`.
#[inline(always)]
pub(crate) fn mul<K: Packed>(k: K, out: &mut [u32], a: &[u32], b: &[u32]) {
    binary::<K, MulOp>(k, out, a, b)
}
/// `acc += a`.
#[inline(always)]
pub(crate) fn add_assign<K: Packed>(k: K, acc: &mut [u32], a: &[u32]) {
    binary_assign::<K, AddOp>(k, acc, a)
}
/// `acc -= a`.
#[inline(always)]
pub(crate) fn sub_assign<K: Packed>(k: K, acc: &mut [u32], a: &[u32]) {
    binary_assign::<K, SubOp>(k, acc, a)
}
/// `acc *= a`.
#[inline(always)]
pub(crate) fn mul_assign<K: Packed>(k: K, acc: &mut [u32], a: &[u32]) {
    binary_assign::<K, MulOp>(k, acc, a)
}

/// `out = a * b + c`.
#[inline(always)]
pub(crate) fn mul_add<K: Packed>(k: K, out: &mut [u32], a: &[u32], b: &[u32], c: &[u32]) {
    let split = out.len() - out.len() % K::LANES;
    let (out_v, out_t) = out.split_at_mut(split);
    for (((o, x), y), z) in out_v
        .chunks_exact_mut(K::LANES)
        .zip(a.chunks_exact(K::LANES))
        .zip(b.chunks_exact(K::LANES))
        .zip(c.chunks_exact(K::LANES))
    {
        k.store(o, k.add(k.mul(k.load(x), k.load(y)), k.load(z)));
    }
    for (((o, x), y), z) in out_t
        .iter_mut()
        .zip(&a[split..])
        .zip(&b[split..])
        .zip(&c[split..])
    {
        *o = scalar::add(scalar::mul(*x, *y), *z);
    }
}

/// `acc += s * x` (scalar `s`).
#[inline(always)]
pub(crate) fn axpy<K: Packed>(k: K, acc: &mut [u32], s: u32, x: &[u32]) {
    let split = acc.len() - acc.len() % K::LANES;
    let sv = k.splat(s);
    let (acc_v, acc_t) = acc.split_at_mut(split);
    for (o, xs) in acc_v
        .chunks_exact_mut(K::LANES)
        .zip(x.chunks_exact(K::LANES))
    {
        let r = k.add(k.load(o), k.mul(sv, k.load(xs)));
        k.store(o, r);
    }
    for (o, xs) in acc_t.iter_mut().zip(&x[split..]) {
        *o = scalar::add(*o, scalar::mul(s, *xs));
    }
}

/// `out = s * a` (scalar `s`).
#[inline(always)]
pub(crate) fn scale<K: Packed>(k: K, out: &mut [u32], a: &[u32], s: u32) {
    let split = out.len() - out.len() % K::LANES;
    let sv = k.splat(s);
    let (out_v, out_t) = out.split_at_mut(split);
    for (o, x) in out_v
        .chunks_exact_mut(K::LANES)
        .zip(a.chunks_exact(K::LANES))
    {
        k.store(o, k.mul(sv, k.load(x)));
    }
    for (o, x) in out_t.iter_mut().zip(&a[split..]) {
        *o = scalar::mul(s, *x);
    }
}

/// `acc *= s` in place (scalar `s`).
#[inline(always)]
pub(crate) fn scale_assign<K: Packed>(k: K, acc: &mut [u32], s: u32) {
    let split = acc.len() - acc.len() % K::LANES;
    let sv = k.splat(s);
    let (acc_v, acc_t) = acc.split_at_mut(split);
    for o in acc_v.chunks_exact_mut(K::LANES) {
        let r = k.mul(sv, k.load(o));
        k.store(o, r);
    }
    for o in acc_t.iter_mut() {
        *o = scalar::mul(s, *o);
    }
}

/// `sum(a[i] * b[i])`.
#[inline(always)]
pub(crate) fn dot<K: Packed>(k: K, a: &[u32], b: &[u32]) -> u32 {
    let split = a.len() - a.len() % K::LANES;
    let mut acc = k.splat(0);
    for (x, y) in a[..split]
        .chunks_exact(K::LANES)
        .zip(b[..split].chunks_exact(K::LANES))
    {
        acc = k.add(acc, k.mul(k.load(x), k.load(y)));
    }
    let mut total = k
        .to_lanes(acc)
        .as_ref()
        .iter()
        .fold(0, |s, &v| scalar::add(s, v));
    for (x, y) in a[split..].iter().zip(&b[split..]) {
        total = scalar::add(total, scalar::mul(*x, *y));
    }
    total
}

/// Lane-wise `x^(p-2)`, the inverse of every non-zero lane.
#[inline(always)]
pub(crate) fn pow_inverse<K: Packed>(k: K, x: K::V) -> K::V {
    let e = P - 2;
    let mut acc = k.splat(ONE);
    for bit in (0..32 - e.leading_zeros()).rev() {
        acc = k.mul(acc, acc);
        if (e >> bit) & 1 == 1 {
            acc = k.mul(acc, x);
        }
    }
    acc
}

/// `out[i] = a[i]^-1`, with `0` mapped to `0` (Montgomery's trick, one lane-wise inversion).
///
/// Each lane runs its own prefix-product chain over the elements it covers; the prefix
/// products are kept in `out`, so no scratch memory is needed.
#[inline(always)]
pub(crate) fn batch_inverse<K: Packed>(k: K, out: &mut [u32], a: &[u32]) {
    let split = a.len() - a.len() % K::LANES;
    let one = k.splat(ONE);
    let zero = k.splat(0);
    let mut acc = one;
    for (o, x) in out[..split]
        .chunks_exact_mut(K::LANES)
        .zip(a[..split].chunks_exact(K::LANES))
    {
        k.store(o, acc);
        let xv = k.load(x);
        acc = k.mul(acc, k.select_zero(xv, one, xv));
    }
    let mut inv = pow_inverse(k, acc);
    for (o, x) in out[..split]
        .chunks_exact_mut(K::LANES)
        .zip(a[..split].chunks_exact(K::LANES))
        .rev()
    {
        let xv = k.load(x);
        let r = k.mul(inv, k.load(o));
        inv = k.mul(inv, k.select_zero(xv, one, xv));
        k.store(o, k.select_zero(xv, zero, r));
    }
    batch_inverse_tail(&mut out[split..], &a[split..]);
}

/// Scalar Montgomery trick for short tails.
#[inline(always)]
fn batch_inverse_tail(out: &mut [u32], a: &[u32]) {
    let mut acc = ONE;
    for (o, &x) in out.iter_mut().zip(a) {
        *o = acc;
        if x != 0 {
            acc = scalar::mul(acc, x);
        }
    }
    let mut inv = pow_inverse(scalar::Scalar, acc);
    for (o, &x) in out.iter_mut().zip(a).rev() {
        if x == 0 {
            *o = 0;
        } else {
            *o = scalar::mul(inv, *o);
            inv = scalar::mul(inv, x);
        }
    }
}

/// Generates the entry points of every kernel in this file for one kernel set.
macro_rules! entry_points_for {
    (attr: $attr:meta, token: $tok:expr) => {
        $crate::simd::entry_points! {
            attr: $attr,
            token: $tok,
            fn add(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::kernels::base::add;
            fn sub(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::kernels::base::sub;
            fn mul(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::kernels::base::mul;
            fn add_assign(acc: &mut [u32], a: &[u32]) => $crate::kernels::base::add_assign;
            fn sub_assign(acc: &mut [u32], a: &[u32]) => $crate::kernels::base::sub_assign;
            fn mul_assign(acc: &mut [u32], a: &[u32]) => $crate::kernels::base::mul_assign;
            fn mul_add(out: &mut [u32], a: &[u32], b: &[u32], c: &[u32]) => $crate::kernels::base::mul_add;
            fn axpy(acc: &mut [u32], s: u32, x: &[u32]) => $crate::kernels::base::axpy;
            fn scale(out: &mut [u32], a: &[u32], s: u32) => $crate::kernels::base::scale;
            fn scale_assign(acc: &mut [u32], s: u32) => $crate::kernels::base::scale_assign;
            fn dot(a: &[u32], b: &[u32]) -> u32 => $crate::kernels::base::dot;
            fn batch_inverse(out: &mut [u32], a: &[u32]) => $crate::kernels::base::batch_inverse;
        }
    };
}
pub(crate) use entry_points_for;
