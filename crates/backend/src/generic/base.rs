//! Generic base-field slice kernels, written once over a kernel set `K: Packed`.
//!
//! Every function here is `#[inline(always)]` so that it is compiled inside the
//! `#[target_feature]` entry point that instantiates it (see [`entry_points_for`]). Slices are
//! raw Montgomery words; the public wrappers in [`crate::kernels`] check lengths and convert
//! from field-element slices. Tails shorter than a vector use the one-word Montgomery
//! operations of [`crate::field::monty`].

use crate::field::monty;
use crate::field::{KoalaBear, P};
use crate::simd::one_lane::Scalar;
use crate::simd::packed::{Packed, step_loop};

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
                monty::$method(a, b)
            }
        }
    };
}
bin_op!(AddOp, add);
bin_op!(SubOp, sub);
bin_op!(MulOp, mul);

/// `out[i] = op(a[i], b[i])`. All slices have the same length (checked by the caller, and
/// again here so that the loop's bounds checks fold away).
///
/// The loops in this file are `while` loops over indices with [`Packed::load_at`]: no
/// iterator adapters or sub-slices, which are out-of-line calls at opt-level `"z"`.
#[inline(always)]
pub(crate) fn binary<K: Packed, O: BinOp>(k: K, out: &mut [u32], a: &[u32], b: &[u32]) {
    let n = out.len();
    assert!(a.len() == n && b.len() == n);
    let mut i = 0;
    step_loop!(i, K::LANES, n, {
        k.store_at(out, i, O::packed(k, k.load_at(a, i), k.load_at(b, i)));
    });
    while i < n {
        out[i] = O::scalar(a[i], b[i]);
        i += 1;
    }
}

/// `acc[i] = op(acc[i], a[i])`.
#[inline(always)]
pub(crate) fn binary_assign<K: Packed, O: BinOp>(k: K, acc: &mut [u32], a: &[u32]) {
    let n = acc.len();
    assert!(a.len() == n);
    let mut i = 0;
    step_loop!(i, K::LANES, n, {
        let r = O::packed(k, k.load_at(acc, i), k.load_at(a, i));
        k.store_at(acc, i, r);
    });
    while i < n {
        acc[i] = O::scalar(acc[i], a[i]);
        i += 1;
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
    let n = out.len();
    assert!(a.len() == n && b.len() == n && c.len() == n);
    let mut i = 0;
    step_loop!(i, K::LANES, n, {
        let r = k.add(k.mul(k.load_at(a, i), k.load_at(b, i)), k.load_at(c, i));
        k.store_at(out, i, r);
    });
    while i < n {
        out[i] = monty::add(monty::mul(a[i], b[i]), c[i]);
        i += 1;
    }
}

/// `acc += s * x` (scalar `s`).
#[inline(always)]
pub(crate) fn axpy<K: Packed>(k: K, acc: &mut [u32], s: u32, x: &[u32]) {
    let n = acc.len();
    assert!(x.len() == n);
    let sv = k.splat(s);
    let mut i = 0;
    step_loop!(i, K::LANES, n, {
        let r = k.add(k.load_at(acc, i), k.mul(sv, k.load_at(x, i)));
        k.store_at(acc, i, r);
    });
    while i < n {
        acc[i] = monty::add(acc[i], monty::mul(s, x[i]));
        i += 1;
    }
}

/// `out = s * a` (scalar `s`).
#[inline(always)]
pub(crate) fn scale<K: Packed>(k: K, out: &mut [u32], a: &[u32], s: u32) {
    let n = out.len();
    assert!(a.len() == n);
    let sv = k.splat(s);
    let mut i = 0;
    step_loop!(i, K::LANES, n, {
        k.store_at(out, i, k.mul(sv, k.load_at(a, i)));
    });
    while i < n {
        out[i] = monty::mul(s, a[i]);
        i += 1;
    }
}

/// `acc *= s` in place (scalar `s`).
#[inline(always)]
pub(crate) fn scale_assign<K: Packed>(k: K, acc: &mut [u32], s: u32) {
    let n = acc.len();
    let sv = k.splat(s);
    let mut i = 0;
    step_loop!(i, K::LANES, n, {
        let r = k.mul(sv, k.load_at(acc, i));
        k.store_at(acc, i, r);
    });
    while i < n {
        acc[i] = monty::mul(s, acc[i]);
        i += 1;
    }
}

/// Sum of the lanes of `v` (scalar adds, any order: the arithmetic is exact).
///
/// Written out for up to 16 lanes (the `if` folds at compile time): a loop over the lanes is
/// not unrolled at opt-level `"z"`, and short kernels called once per row pay this sum on
/// every call.
#[inline(always)]
pub(crate) fn horizontal_sum<K: Packed>(k: K, v: K::V) -> u32 {
    let lanes = k.to_lanes(v);
    let l = lanes.as_ref();
    let mut total = 0;
    macro_rules! lane {
        ($($j:literal)*) => {
            $( if $j < K::LANES { total = monty::add(total, l[$j]); } )*
        };
    }
    lane!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
    total
}

/// `sum(a[i] * b[i])`.
#[inline(always)]
pub(crate) fn dot<K: Packed>(k: K, a: &[u32], b: &[u32]) -> u32 {
    let n = a.len();
    assert!(b.len() == n);
    let mut acc = k.splat(0);
    let mut i = 0;
    step_loop!(i, K::LANES, n, {
        acc = k.add(acc, k.mul(k.load_at(a, i), k.load_at(b, i)));
    });
    let mut total = horizontal_sum(k, acc);
    while i < n {
        total = monty::add(total, monty::mul(a[i], b[i]));
        i += 1;
    }
    total
}

/// Lane-wise `x^(p-2)`, the inverse of every non-zero lane.
#[inline(always)]
pub(crate) fn pow_inverse<K: Packed>(k: K, x: K::V) -> K::V {
    let e = P - 2;
    let mut acc = k.splat(ONE);
    let mut bit = 32 - e.leading_zeros();
    while bit > 0 {
        bit -= 1;
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
    let n = a.len();
    assert!(out.len() == n);
    let split = n - n % K::LANES;
    let one = k.splat(ONE);
    let zero = k.splat(0);
    let mut acc = one;
    let mut i = 0;
    while i < split {
        k.store_at(out, i, acc);
        let xv = k.load_at(a, i);
        acc = k.mul(acc, k.select_zero(xv, one, xv));
        i += K::LANES;
    }
    let mut inv = pow_inverse(k, acc);
    while i > 0 {
        i -= K::LANES;
        let xv = k.load_at(a, i);
        let r = k.mul(inv, k.load_at(out, i));
        inv = k.mul(inv, k.select_zero(xv, one, xv));
        k.store_at(out, i, k.select_zero(xv, zero, r));
    }
    batch_inverse_tail(&mut out[split..], &a[split..]);
}

/// Scalar Montgomery trick for short tails.
#[inline(always)]
fn batch_inverse_tail(out: &mut [u32], a: &[u32]) {
    let n = a.len();
    assert!(out.len() == n);
    let mut acc = ONE;
    let mut i = 0;
    while i < n {
        out[i] = acc;
        if a[i] != 0 {
            acc = monty::mul(acc, a[i]);
        }
        i += 1;
    }
    let mut inv = pow_inverse(Scalar, acc);
    while i > 0 {
        i -= 1;
        if a[i] == 0 {
            out[i] = 0;
        } else {
            out[i] = monty::mul(inv, out[i]);
            inv = monty::mul(inv, a[i]);
        }
    }
}

/// Generates the entry points of every kernel in this file for one kernel set.
macro_rules! entry_points_for {
    (attr: $attr:meta, token: $tok:expr) => {
        $crate::simd::entry_points::entry_points! {
            attr: $attr,
            token: $tok,
            fn add(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::generic::base::add;
            fn sub(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::generic::base::sub;
            fn mul(out: &mut [u32], a: &[u32], b: &[u32]) => $crate::generic::base::mul;
            fn add_assign(acc: &mut [u32], a: &[u32]) => $crate::generic::base::add_assign;
            fn sub_assign(acc: &mut [u32], a: &[u32]) => $crate::generic::base::sub_assign;
            fn mul_assign(acc: &mut [u32], a: &[u32]) => $crate::generic::base::mul_assign;
            fn mul_add(out: &mut [u32], a: &[u32], b: &[u32], c: &[u32]) => $crate::generic::base::mul_add;
            fn axpy(acc: &mut [u32], s: u32, x: &[u32]) => $crate::generic::base::axpy;
            fn scale(out: &mut [u32], a: &[u32], s: u32) => $crate::generic::base::scale;
            fn scale_assign(acc: &mut [u32], s: u32) => $crate::generic::base::scale_assign;
            fn dot(a: &[u32], b: &[u32]) -> u32 => $crate::generic::base::dot;
            fn batch_inverse(out: &mut [u32], a: &[u32]) => $crate::generic::base::batch_inverse;
        }
    };
}
pub(crate) use entry_points_for;
