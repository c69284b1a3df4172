//! Dispatched slice kernels over KoalaBear (and, in [`ext`], its degree-5 extension).
//!
//! Each function takes the [`Isa`] to run on (use [`Isa::current`] for the process-wide
//! choice) and dispatches once per call. Results are bit-identical on every instruction set.
//!
//! # Panics
//! Like `copy_from_slice`, every kernel panics if its slices do not have the lengths it
//! documents; lengths are programmer invariants here, not untrusted input.

pub mod ext;

use crate::field::{KoalaBear, as_raw, as_raw_mut};
use crate::isa::Isa;
use crate::simd::dispatch::dispatch;

#[track_caller]
fn check_len(what: &str, expected: usize, got: usize) {
    assert_eq!(
        expected, got,
        "kernel slice length mismatch: `{what}` has {got} elements, expected {expected}"
    );
}

/// `out[i] = a[i] + b[i]`.
pub fn add(isa: Isa, out: &mut [KoalaBear], a: &[KoalaBear], b: &[KoalaBear]) {
    check_len("a", out.len(), a.len());
    check_len("b", out.len(), b.len());
    dispatch!(isa, base::add(as_raw_mut(out), as_raw(a), as_raw(b)))
}

/// `out[i] = a[i] - b[i]`.
pub fn sub(isa: Isa, out: &mut [KoalaBear], a: &[KoalaBear], b: &[KoalaBear]) {
    check_len("a", out.len(), a.len());
    check_len("b", out.len(), b.len());
    dispatch!(isa, base::sub(as_raw_mut(out), as_raw(a), as_raw(b)))
}

/// `out[i] = a[i] * b[i]`.
pub fn mul(isa: Isa, out: &mut [KoalaBear], a: &[KoalaBear], b: &[KoalaBear]) {
    check_len("a", out.len(), a.len());
    check_len("b", out.len(), b.len());
    dispatch!(isa, base::mul(as_raw_mut(out), as_raw(a), as_raw(b)))
}

/// `acc[i] += a[i]`.
pub fn add_assign(isa: Isa, acc: &mut [KoalaBear], a: &[KoalaBear]) {
    check_len("a", acc.len(), a.len());
    dispatch!(isa, base::add_assign(as_raw_mut(acc), as_raw(a)))
}

/// `acc[i] -= a[i]`.
pub fn sub_assign(isa: Isa, acc: &mut [KoalaBear], a: &[KoalaBear]) {
    check_len("a", acc.len(), a.len());
    dispatch!(isa, base::sub_assign(as_raw_mut(acc), as_raw(a)))
}

/// `acc[i] *= a[i]`.
pub fn mul_assign(isa: Isa, acc: &mut [KoalaBear], a: &[KoalaBear]) {
    check_len("a", acc.len(), a.len());
    dispatch!(isa, base::mul_assign(as_raw_mut(acc), as_raw(a)))
}

/// Multiply-add: `out[i] = a[i] * b[i] + c[i]`.
pub fn mul_add(isa: Isa, out: &mut [KoalaBear], a: &[KoalaBear], b: &[KoalaBear], c: &[KoalaBear]) {
    check_len("a", out.len(), a.len());
    check_len("b", out.len(), b.len());
    check_len("c", out.len(), c.len());
    dispatch!(
        isa,
        base::mul_add(as_raw_mut(out), as_raw(a), as_raw(b), as_raw(c))
    )
}

/// `acc[i] += s * x[i]`.
pub fn axpy(isa: Isa, acc: &mut [KoalaBear], s: KoalaBear, x: &[KoalaBear]) {
    check_len("x", acc.len(), x.len());
    dispatch!(isa, base::axpy(as_raw_mut(acc), s.to_monty(), as_raw(x)))
}

/// Scalar multiply: `out[i] = s * a[i]`.
pub fn scale(isa: Isa, out: &mut [KoalaBear], a: &[KoalaBear], s: KoalaBear) {
    check_len("a", out.len(), a.len());
    dispatch!(isa, base::scale(as_raw_mut(out), as_raw(a), s.to_monty()))
}

/// Scalar multiply in place: `acc[i] *= s`.
pub fn scale_assign(isa: Isa, acc: &mut [KoalaBear], s: KoalaBear) {
    dispatch!(isa, base::scale_assign(as_raw_mut(acc), s.to_monty()))
}

/// Dot product `sum(a[i] * b[i])`.
pub fn dot(isa: Isa, a: &[KoalaBear], b: &[KoalaBear]) -> KoalaBear {
    check_len("b", a.len(), b.len());
    KoalaBear::from_monty(dispatch!(isa, base::dot(as_raw(a), as_raw(b))))
}

/// Batch inversion: `out[i] = a[i]^-1`, and `0` where `a[i] == 0`.
///
/// One field inversion per lane plus three multiplications per element (Montgomery's trick).
pub fn batch_inverse(isa: Isa, out: &mut [KoalaBear], a: &[KoalaBear]) {
    check_len("a", out.len(), a.len());
    dispatch!(isa, base::batch_inverse(as_raw_mut(out), as_raw(a)))
}

/// Allocating form of [`batch_inverse`].
pub fn batch_inverse_vec(isa: Isa, a: &[KoalaBear]) -> Vec<KoalaBear> {
    let mut out = vec![KoalaBear::ZERO; a.len()];
    batch_inverse(isa, &mut out, a);
    out
}
