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
use crate::simd::dispatch::dispatch;

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

/// `out[j] = sum_i coeffs[i] * columns[i][j]`: a linear combination of base-field columns
/// with extension coefficients (in `lean_prover`'s v2 prover: affine forms of trace columns,
/// columns batched with powers of a challenge, rows weighted by `eq` in WHIR's first-round
/// column sums, and WHIR's query weights built from runs of powers).
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
