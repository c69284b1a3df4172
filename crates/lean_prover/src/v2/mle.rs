//! Multilinear polynomials given by their evaluations on the boolean hypercube.
//!
//! # Convention
//! A multilinear `f` in `n` variables `(x_0, ..., x_{n-1})` is stored as the `2^n` values
//! `f(x)` at index `sum_i x_i 2^(n-1-i)`: **variable `x_0` is the most significant bit of the
//! index** (big-endian). A point `r = (r_0, ..., r_{n-1})` lists its coordinates in the same
//! order, `r_0` for `x_0`.
//!
//! With this convention the first variable splits a table into halves: `lo = f[..2^(n-1)]`
//! (`x_0 = 0`) and `hi = f[2^(n-1)..]` (`x_0 = 1`), so fixing `x_0 = r` is
//! `out[i] = lo[i] + r (hi[i] - lo[i])` on contiguous slices, exactly the shape of the
//! dispatched [`backend::kernels::ext`] kernels ([`sub`](backend::kernels::ext::sub) then
//! [`axpy`](backend::kernels::ext::axpy)). The eq table is built the same way, one variable
//! per doubling, from the last coordinate to the first.
//!
//! Every function takes the [`Isa`] its kernels dispatch on; the results are exact field
//! elements, identical on every instruction set. Malformed inputs (a length that is not a
//! power of two, a point of the wrong dimension) are reported as [`MleError`], never a panic.

use super::arith::VerifierField;
use backend::Isa;
use backend::field::{Ext5, KoalaBear};
use backend::kernels::ext as kx;
use rayon::prelude::*;

/// Largest number of variables a table may have here (its length must fit a `usize`, and a
/// point of more coordinates is certainly a mistake).
pub const MAX_VARS: usize = 48;

/// A malformed multilinear table or point.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MleError {
    /// The table's length is not a power of two.
    #[error("table length {len} is not a power of two")]
    NotPowerOfTwo {
        /// The length received.
        len: usize,
    },
    /// The point does not have one coordinate per variable.
    #[error("point has {got} coordinates, the table has {expected} variables")]
    PointDimension {
        /// Variables of the table.
        expected: usize,
        /// Coordinates of the point.
        got: usize,
    },
    /// Folding needs at least one variable.
    #[error("cannot fold a table with no variables")]
    NoVariable,
    /// More variables than [`MAX_VARS`].
    #[error("{num_vars} variables exceed the maximum {MAX_VARS}")]
    TooManyVariables {
        /// Variables requested.
        num_vars: usize,
    },
}

/// The number of variables `n` of a table of `len = 2^n` values.
pub fn num_vars(len: usize) -> Result<usize, MleError> {
    if len.is_power_of_two() {
        Ok(len.trailing_zeros() as usize)
    } else {
        Err(MleError::NotPowerOfTwo { len })
    }
}

/// Lifts base-field values into the extension, coefficient by coefficient.
pub fn lift(values: &[KoalaBear]) -> Vec<Ext5> {
    values.iter().map(|&v| Ext5::from_base(v)).collect()
}

/// `eq(a, b) = prod_i (a_i b_i + (1 - a_i)(1 - b_i))`, the multilinear extension of equality
/// evaluated at two points of the same dimension.
pub fn eq_eval(a: &[Ext5], b: &[Ext5]) -> Result<Ext5, MleError> {
    if a.len() != b.len() {
        return Err(MleError::PointDimension {
            expected: a.len(),
            got: b.len(),
        });
    }
    Ok(a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let xy = x * y;
            // x y + (1 - x)(1 - y) = 1 - x - y + 2 x y
            Ext5::ONE - x - y + xy + xy
        })
        .product())
}

/// The eq table of `point`: `out[x] = eq(point, x)` for every `x` of the hypercube, in the
/// index order of the module docs. `2^n` values, built in `O(2^n)` extension products
/// ([`product_table`] with the factors `(1 - r, r)`).
pub fn eq_table(isa: Isa, point: &[Ext5]) -> Result<Vec<Ext5>, MleError> {
    let factors: Vec<[Ext5; 2]> = point.iter().map(|&r| [Ext5::ONE - r, r]).collect();
    product_table(isa, Ext5::ONE, &factors)
}

/// The table of a product weight: `out[x] = scale * prod_t factors[t][x_t]` for every `x` of
/// the hypercube (`x_0`, the most significant bit, takes `factors[0]`). One doubling per
/// factor, last factor first: `hi = t b`, and `lo = t - hi` when `a = 1 - b` (an eq factor:
/// one product per element), `lo = t a` otherwise.
pub fn product_table(isa: Isa, scale: Ext5, factors: &[[Ext5; 2]]) -> Result<Vec<Ext5>, MleError> {
    let n = factors.len();
    if n > MAX_VARS {
        return Err(MleError::TooManyVariables { num_vars: n });
    }
    let size = 1usize << n;
    let mut table = Ext5::zero_vec(size);
    table[0] = scale;
    let mut scratch = Ext5::zero_vec(size / 2);
    let mut m = 1;
    // The last factor enters first; each new one becomes the most significant bit.
    for &[a, b] in factors.iter().rev() {
        let (lo, rest) = table.split_at_mut(m);
        let hi = &mut rest[..m];
        let old = &mut scratch[..m];
        old.copy_from_slice(lo);
        kx::scale(isa, hi, old, b);
        if a + b == Ext5::ONE {
            kx::sub(isa, lo, old, hi);
        } else {
            kx::scale(isa, lo, old, a);
        }
        m *= 2;
    }
    Ok(table)
}

fn check_point(len: usize, point: &[Ext5]) -> Result<(), MleError> {
    let n = num_vars(len)?;
    if n != point.len() {
        return Err(MleError::PointDimension {
            expected: n,
            got: point.len(),
        });
    }
    Ok(())
}

/// `f(point)` for the multilinear `f` with hypercube values `evals`: the [`dot`](kx::dot)
/// product of `evals` with the eq table of `point`.
pub fn evaluate(isa: Isa, evals: &[Ext5], point: &[Ext5]) -> Result<Ext5, MleError> {
    check_point(evals.len(), point)?;
    let eq = eq_table(isa, point)?;
    Ok(kx::dot(isa, &eq, evals))
}

/// [`eq_table`] over any verifier arithmetic ([`crate::v2::arith`]): `2^n` values, `point[0]`
/// on the most significant index bit.
pub fn eq_table_values<E: VerifierField>(point: &[E]) -> Vec<E> {
    let mut table = vec![E::one()];
    for &z in point {
        let mut next = Vec::with_capacity(2 * table.len());
        for &e in &table {
            let high = e * z;
            next.push(e - high);
            next.push(high);
        }
        table = next;
    }
    table
}

/// [`evaluate`] over any verifier arithmetic: folds the variables in order (`x_0` first).
///
/// # Errors
/// [`MleError`] if `evals` is not a power of two long or `point` has the wrong length.
pub fn evaluate_values<E: VerifierField>(evals: &[E], point: &[E]) -> Result<E, MleError> {
    let n = num_vars(evals.len())?;
    if n != point.len() {
        return Err(MleError::PointDimension {
            expected: n,
            got: point.len(),
        });
    }
    let mut values = evals.to_vec();
    for &z in point {
        let half = values.len() / 2;
        let (lo, hi) = values.split_at(half);
        values = lo
            .iter()
            .zip(hi)
            .map(|(&l, &h)| (h - l).mul_add(z, l))
            .collect();
    }
    Ok(values[0])
}

/// [`evaluate`] for base-field values (the [`dot_base`](kx::dot_base) kernel: extension
/// times base, no lifting).
pub fn evaluate_base(isa: Isa, evals: &[KoalaBear], point: &[Ext5]) -> Result<Ext5, MleError> {
    check_point(evals.len(), point)?;
    let eq = eq_table(isa, point)?;
    Ok(kx::dot_base(isa, &eq, evals))
}

/// Fixes the first variable: `out(x_1, ..., x_{n-1}) = f(r, x_1, ..., x_{n-1})`, that is
/// `out[i] = lo[i] + r (hi[i] - lo[i])` with `lo, hi` the two halves of `evals`.
pub fn fold_first(isa: Isa, evals: &[Ext5], r: Ext5) -> Result<Vec<Ext5>, MleError> {
    let n = num_vars(evals.len())?;
    if n == 0 {
        return Err(MleError::NoVariable);
    }
    let half = evals.len() / 2;
    let (lo, hi) = evals.split_at(half);
    let mut diff = Ext5::zero_vec(half);
    kx::sub(isa, &mut diff, hi, lo);
    let mut out = lo.to_vec();
    kx::axpy(isa, &mut out, r, &diff);
    Ok(out)
}

/// [`fold_first`] for base-field values: `out[i] = (1 - r) lo[i] + r hi[i]` with the
/// base-times-extension kernels ([`scale_base`](kx::scale_base), [`axpy_base`](kx::axpy_base)).
pub fn fold_first_base(isa: Isa, evals: &[KoalaBear], r: Ext5) -> Result<Vec<Ext5>, MleError> {
    let n = num_vars(evals.len())?;
    if n == 0 {
        return Err(MleError::NoVariable);
    }
    let half = evals.len() / 2;
    let (lo, hi) = evals.split_at(half);
    let mut out = Ext5::zero_vec(half);
    kx::scale_base(isa, &mut out, lo, Ext5::ONE - r);
    kx::axpy_base(isa, &mut out, r, hi);
    Ok(out)
}

/// [`fold_first`] in place: `evals` keeps its first half, overwritten with the folded values.
/// `scratch` is resized as needed (pass the same buffer round after round to avoid
/// allocations).
pub fn fold_first_in_place(
    isa: Isa,
    evals: &mut Vec<Ext5>,
    r: Ext5,
    scratch: &mut Vec<Ext5>,
) -> Result<(), MleError> {
    let n = num_vars(evals.len())?;
    if n == 0 {
        return Err(MleError::NoVariable);
    }
    let half = evals.len() / 2;
    let (lo, hi) = evals.split_at_mut(half);
    if half >= 2 * PAR_FOLD {
        // Large tables in parallel chunks (the same values: each entry is folded alone).
        lo.par_chunks_mut(PAR_FOLD)
            .zip(hi.par_chunks(PAR_FOLD))
            .for_each_init(Vec::new, |diff: &mut Vec<Ext5>, (l, h)| {
                diff.resize(l.len(), Ext5::ZERO);
                kx::sub(isa, diff, h, l);
                kx::axpy(isa, l, r, diff);
            });
    } else {
        if scratch.len() < half {
            scratch.resize(half, Ext5::ZERO);
        }
        let diff = &mut scratch[..half];
        kx::sub(isa, diff, hi, lo);
        kx::axpy(isa, lo, r, diff);
    }
    evals.truncate(half);
    Ok(())
}

/// Entries per task of a parallel fold ([`fold_first_in_place`] of tables of at least twice
/// as many entries in each half).
const PAR_FOLD: usize = 1 << 12;

/// The multilinear extension of the cyclic "next row" relation on `n = a.len()` variables:
/// `shift(a, b) = sum_y eq(a, y) eq(b, y + 1 mod 2^n)`, so that for a table `f` and its
/// rotation `g[y] = f[(y + 1) mod 2^n]`, `g(a) = sum_x shift(a, x) f(x)`.
///
/// `O(n)`: `y + 1` flips the lowest zero bit `j` of `y` to one and the ones below it to zero,
/// so the relation is the sum over `j` of `prod_(l above j) eq(a_l, b_l) (1 - a_j) b_j
/// prod_(l below j) a_l (1 - b_l)`, plus the wrap-around `prod_l a_l (1 - b_l)` (`y` all
/// ones). Coordinates are in the order of the module docs (`a_0` most significant).
///
/// # Errors
/// [`MleError::PointDimension`] if the points differ in length.
pub fn shift_eval<E: VerifierField>(a: &[E], b: &[E]) -> Result<E, MleError> {
    if a.len() != b.len() {
        return Err(MleError::PointDimension {
            expected: a.len(),
            got: b.len(),
        });
    }
    let n = a.len();
    // below[l] = prod_(m >= l) a_m (1 - b_m): the bits less significant than l - 1, all
    // ones in y and zeros in y + 1.
    let mut below = vec![E::one(); n + 1];
    for l in (0..n).rev() {
        below[l] = below[l + 1] * a[l] * (E::one() - b[l]);
    }
    let mut above = E::one();
    let mut acc = below[0];
    for j in 0..n {
        acc += above * (E::one() - a[j]) * b[j] * below[j + 1];
        above *= (E::one() - a[j]) * (E::one() - b[j]) + a[j] * b[j];
    }
    Ok(acc)
}

/// A deterministic extension element for unit tests.
#[cfg(test)]
pub(crate) fn test_ext(seed: u64) -> Ext5 {
    Ext5::new(core::array::from_fn(|i| {
        KoalaBear::from_u64(seed.wrapping_mul(0x9e37_79b9) ^ (i as u64 * 7919))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn rand_base(rng: &mut StdRng) -> KoalaBear {
        KoalaBear::from_u64(rng.random())
    }

    fn rand_ext(rng: &mut StdRng) -> Ext5 {
        Ext5::new(core::array::from_fn(|_| rand_base(rng)))
    }

    /// The textbook formula: `sum_x f(x) prod_i (x_i r_i + (1 - x_i)(1 - r_i))`, reading the
    /// bits of `x` with `x_0` most significant, one product per term (no eq table).
    fn naive_eval(evals: &[Ext5], point: &[Ext5]) -> Ext5 {
        let n = point.len();
        let mut acc = Ext5::ZERO;
        for (x, &v) in evals.iter().enumerate() {
            let mut w = Ext5::ONE;
            for (i, &r) in point.iter().enumerate() {
                let bit = (x >> (n - 1 - i)) & 1;
                w *= if bit == 1 { r } else { Ext5::ONE - r };
            }
            acc += v * w;
        }
        acc
    }

    #[test]
    fn eq_table_matches_eq_eval_on_boolean_points() {
        let mut rng = StdRng::seed_from_u64(1);
        for isa in Isa::available() {
            for n in 0..=6 {
                let point: Vec<Ext5> = (0..n).map(|_| rand_ext(&mut rng)).collect();
                let table = eq_table(isa, &point).unwrap();
                assert_eq!(table.len(), 1 << n);
                for (x, &t) in table.iter().enumerate() {
                    let bits: Vec<Ext5> = (0..n)
                        .map(|i| {
                            if (x >> (n - 1 - i)) & 1 == 1 {
                                Ext5::ONE
                            } else {
                                Ext5::ZERO
                            }
                        })
                        .collect();
                    assert_eq!(t, eq_eval(&point, &bits).unwrap(), "isa {isa} n {n} x {x}");
                }
                // The eq table sums to one.
                assert_eq!(table.iter().copied().sum::<Ext5>(), Ext5::ONE);
            }
        }
    }

    #[test]
    fn evaluation_matches_naive_formula() {
        let mut rng = StdRng::seed_from_u64(2);
        for isa in Isa::available() {
            for n in 0..=9 {
                let evals: Vec<Ext5> = (0..1 << n).map(|_| rand_ext(&mut rng)).collect();
                let base: Vec<KoalaBear> = (0..1 << n).map(|_| rand_base(&mut rng)).collect();
                let point: Vec<Ext5> = (0..n).map(|_| rand_ext(&mut rng)).collect();
                assert_eq!(
                    evaluate(isa, &evals, &point).unwrap(),
                    naive_eval(&evals, &point)
                );
                assert_eq!(
                    evaluate_base(isa, &base, &point).unwrap(),
                    naive_eval(&lift(&base), &point)
                );
            }
        }
    }

    #[test]
    fn evaluation_at_boolean_point_reads_the_table() {
        let mut rng = StdRng::seed_from_u64(3);
        let n = 4;
        let evals: Vec<Ext5> = (0..1 << n).map(|_| rand_ext(&mut rng)).collect();
        for x in 0..1usize << n {
            let point: Vec<Ext5> = (0..n)
                .map(|i| Ext5::from_base(KoalaBear::new(((x >> (n - 1 - i)) & 1) as u32)))
                .collect();
            assert_eq!(evaluate(Isa::scalar(), &evals, &point).unwrap(), evals[x]);
        }
    }

    #[test]
    fn folding_then_evaluating_equals_evaluating() {
        let mut rng = StdRng::seed_from_u64(4);
        for isa in Isa::available() {
            for n in 1..=9 {
                let evals: Vec<Ext5> = (0..1 << n).map(|_| rand_ext(&mut rng)).collect();
                let base: Vec<KoalaBear> = (0..1 << n).map(|_| rand_base(&mut rng)).collect();
                let point: Vec<Ext5> = (0..n).map(|_| rand_ext(&mut rng)).collect();
                let full = evaluate(isa, &evals, &point).unwrap();

                let folded = fold_first(isa, &evals, point[0]).unwrap();
                assert_eq!(evaluate(isa, &folded, &point[1..]).unwrap(), full);

                let mut in_place = evals.clone();
                let mut scratch = Vec::new();
                fold_first_in_place(isa, &mut in_place, point[0], &mut scratch).unwrap();
                assert_eq!(in_place, folded);

                // Folding all variables one by one leaves f(point).
                let mut all = evals.clone();
                for &r in &point {
                    fold_first_in_place(isa, &mut all, r, &mut scratch).unwrap();
                }
                assert_eq!(all, vec![full]);

                let folded_base = fold_first_base(isa, &base, point[0]).unwrap();
                assert_eq!(
                    folded_base,
                    fold_first(isa, &lift(&base), point[0]).unwrap()
                );
                assert_eq!(
                    evaluate(isa, &folded_base, &point[1..]).unwrap(),
                    evaluate_base(isa, &base, &point).unwrap()
                );
            }
        }
    }

    #[test]
    fn malformed_inputs_are_errors() {
        let isa = Isa::scalar();
        let three = vec![Ext5::ONE; 3];
        assert_eq!(
            evaluate(isa, &three, &[]),
            Err(MleError::NotPowerOfTwo { len: 3 })
        );
        assert_eq!(
            evaluate(isa, &[], &[]),
            Err(MleError::NotPowerOfTwo { len: 0 })
        );
        assert_eq!(
            evaluate(isa, &[Ext5::ONE; 4], &[Ext5::ONE]),
            Err(MleError::PointDimension {
                expected: 2,
                got: 1
            })
        );
        assert_eq!(
            fold_first(isa, &[Ext5::ONE], Ext5::ONE),
            Err(MleError::NoVariable)
        );
        assert_eq!(
            fold_first_base(isa, &[KoalaBear::ONE; 6], Ext5::ONE),
            Err(MleError::NotPowerOfTwo { len: 6 })
        );
        assert_eq!(
            eq_table(isa, &[Ext5::ONE; MAX_VARS + 1]),
            Err(MleError::TooManyVariables {
                num_vars: MAX_VARS + 1
            })
        );
        assert!(eq_eval(&[Ext5::ONE], &[]).is_err());
    }

    #[test]
    fn shift_eval_rotates_tables() {
        let mut rng = StdRng::seed_from_u64(9);
        let isa = Isa::scalar();
        for n in 0..=5 {
            let f: Vec<Ext5> = (0..1usize << n).map(|_| rand_ext(&mut rng)).collect();
            let g: Vec<Ext5> = (0..1usize << n).map(|y| f[(y + 1) % (1 << n)]).collect();
            let a: Vec<Ext5> = (0..n).map(|_| rand_ext(&mut rng)).collect();
            // g(a) = sum_x shift(a, x) f(x), over boolean x.
            let mut acc = Ext5::ZERO;
            for (x, &fx) in f.iter().enumerate() {
                let bits: Vec<Ext5> = (0..n)
                    .map(|i| Ext5::from_base(KoalaBear::new(((x >> (n - 1 - i)) & 1) as u32)))
                    .collect();
                acc += shift_eval(&a, &bits).unwrap() * fx;
            }
            assert_eq!(acc, evaluate(isa, &g, &a).unwrap(), "n = {n}");
        }
        assert!(shift_eval(&[Ext5::ONE], &[]).is_err());
    }
}
