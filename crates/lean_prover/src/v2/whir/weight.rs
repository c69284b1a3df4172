//! Linear claims on a committed multilinear polynomial: `sum_x w(x) f(x) = value` with a
//! product weight `w(x) = prod_t w_t(x_t)`.
//!
//! Both kinds of claim a WHIR opening handles have this form:
//! * an evaluation `f(z) = sum_x eq(z, x) f(x)`: `w_t = (1 - z_t, z_t)` ([`Weight::eq`]);
//! * a value of the committed codeword's polynomial at a field point `y` (out-of-domain samples
//!   and queries): `f^(y) = sum_x y^x f(x)` with `x` read as an integer (variable `x_0` the
//!   most significant bit), so `w_t = (1, y^(2^(v-1-t)))` ([`Weight::power`]).
//!
//! A factor is stored by its two values `(w_t(0), w_t(1))`; the weight's multilinear
//! extension at `r` is `prod_t (w_t(0) + (w_t(1) - w_t(0)) r_t)`, `O(v)` for the verifier.
//! Leading factors with a zero value (a boolean coordinate of an eq point) make the table
//! zero outside one block, which [`Weight::table`] exploits.

use super::error::WhirError;
use crate::v2::arith::VerifierField;
use crate::v2::mle;
use backend::Isa;
use backend::field::{Ext5, KoalaBear};
use backend::kernels::ext as kx;
use rayon::prelude::*;

/// A product weight over `v` variables: `factors[t] = (w_t(0), w_t(1))`, `t = 0` for the
/// most significant index bit (the order of [`crate::v2::mle`]); in `K`, or as a circuit's
/// values for the verifier inside a recursive proof ([`crate::v2::arith`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Weight<E = Ext5> {
    factors: Vec<[E; 2]>,
}

/// A claim `sum_x w(x) f(x) = value` on the committed polynomial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim<E = Ext5> {
    /// The weight.
    pub weight: Weight<E>,
    /// The claimed value.
    pub value: E,
}

impl<E: VerifierField> Claim<E> {
    /// The evaluation claim `f(point) = value`.
    pub fn evaluation(point: &[E], value: E) -> Claim<E> {
        Claim {
            weight: Weight::eq(point),
            value,
        }
    }
}

impl<E: VerifierField> Weight<E> {
    /// `eq(point, x)`.
    pub fn eq(point: &[E]) -> Weight<E> {
        Weight {
            factors: point.iter().map(|&z| [E::one() - z, z]).collect(),
        }
    }

    /// `y^x` over `num_variables` variables (`x` read as an integer, `x_0` its most
    /// significant bit): the weight of the codeword polynomial's value at `y`.
    pub fn power(y: E, num_variables: usize) -> Weight<E> {
        let mut factors = vec![[E::one(), E::one()]; num_variables];
        let mut p = y;
        for f in factors.iter_mut().rev() {
            f[1] = p;
            p = p * p;
        }
        Weight { factors }
    }

    /// A weight from its factors `(w_t(0), w_t(1))`.
    pub fn from_factors(factors: Vec<[E; 2]>) -> Weight<E> {
        Weight { factors }
    }

    /// The factors.
    pub fn factors(&self) -> &[[E; 2]] {
        &self.factors
    }

    /// Variables of the weight.
    pub fn num_variables(&self) -> usize {
        self.factors.len()
    }

    /// The weight's multilinear extension at `point`.
    ///
    /// # Errors
    /// [`WhirError::PointDimension`] if `point` does not have one coordinate per variable.
    pub fn evaluate(&self, point: &[E]) -> Result<E, WhirError> {
        if point.len() != self.factors.len() {
            return Err(WhirError::PointDimension {
                expected: self.factors.len(),
                got: point.len(),
            });
        }
        // Factors with a value the verifier does not know as a constant first (then the
        // constant ones, boolean coordinates of stacked points): in a circuit, weights that
        // share their variable factors then share the products of those.
        let mut acc = E::one();
        for constants in [false, true] {
            for (&[a, b], &r) in self.factors.iter().zip(point) {
                let constant = a.as_constant().is_some() && b.as_constant().is_some();
                if constant == constants {
                    // `(b - a) r + a`; with `a = 1` (a power weight's factor) as `b r + (1 - r)`,
                    // where `1 - r` is the same for every weight at this point (one operation
                    // per factor in a circuit instead of two).
                    acc *= if a.as_constant() == Some(Ext5::ONE) {
                        b.mul_add(r, E::one() - r)
                    } else {
                        (b - a).mul_add(r, a)
                    };
                }
            }
        }
        Ok(acc)
    }
}

impl Weight {
    /// The weight of the first `k` factors and that of the rest:
    /// `w(a, b) = head(a) tail(b)`.
    pub fn split(&self, k: usize) -> (Weight, Weight) {
        let (h, t) = self.factors.split_at(k.min(self.factors.len()));
        (
            Weight {
                factors: h.to_vec(),
            },
            Weight {
                factors: t.to_vec(),
            },
        )
    }

    /// The weight after its first `r.len()` variables are fixed to `r`: the scalar
    /// `head(r)` and the remaining factors.
    ///
    /// # Errors
    /// [`WhirError::PointDimension`] if `r` is longer than the weight.
    pub fn fix_prefix(&self, r: &[Ext5]) -> Result<(Ext5, Weight), WhirError> {
        let (head, tail) = self.split(r.len());
        Ok((head.evaluate(r)?, tail))
    }

    /// The hypercube table of the weight ([`WeightTable`]). Leading and trailing factors with
    /// a zero value (boolean coordinates of an eq point) fix the top and bottom index bits;
    /// the middle is a [`mle::product_table`] (`O(len)` extension products).
    pub fn table(&self, isa: Isa) -> WeightTable {
        let v = self.factors.len();
        let mut offset = 0usize;
        let mut scale = Ext5::ONE;
        // One boolean factor: its scale and whether it fixes the bit to one.
        let mut lead = 0;
        while lead < v {
            let Some((s, one)) = boolean(self.factors[lead]) else {
                break;
            };
            scale *= s;
            if one {
                offset |= 1 << (v - 1 - lead);
            }
            lead += 1;
        }
        let mut trail = 0;
        while lead + trail < v {
            let t = v - 1 - trail;
            let Some((s, one)) = boolean(self.factors[t]) else {
                break;
            };
            scale *= s;
            if one {
                offset |= 1 << trail;
            }
            trail += 1;
        }
        match mle::product_table(isa, scale, &self.factors[lead..v - trail]) {
            Ok(values) => WeightTable {
                offset,
                stride_bits: trail,
                values,
            },
            // Every weight the WHIR code builds has at most `MAX_VARIABLES <= MAX_VARS`
            // variables (checked against the parameters before any table is built).
            Err(e) => unreachable!("weight over at most MAX_VARS variables: {e}"),
        }
    }

    /// `(middle, trail, bits, scale)` when the weight is `scale eq(middle, y) [x_low = bits]`
    /// on `x = y 2^trail + x_low`: no leading boolean factor, `trail` trailing ones.
    fn middle_and_trailing_bits(&self) -> Option<(&[[Ext5; 2]], usize, usize, Ext5)> {
        let v = self.factors.len();
        let mut trail = 0;
        let mut bits = 0usize;
        let mut scale = Ext5::ONE;
        while trail < v {
            let Some((s, one)) = boolean(self.factors[v - 1 - trail]) else {
                break;
            };
            scale *= s;
            if one {
                bits |= 1 << trail;
            }
            trail += 1;
        }
        let middle = &self.factors[..v - trail];
        match middle.first() {
            Some(&f) if boolean(f).is_some() => None,
            _ => Some((middle, trail, bits, scale)),
        }
    }

    /// `sum_j scale_j w_j(x)` added to `out[x]` for every `x`, for weights over `v`
    /// variables (`out` of length `2^v`): [`Weight::accumulate`] for each, except that the
    /// weights of one middle part ahead of trailing boolean coordinates (the column claims
    /// of one table, which differ only in those) are summed first and added as one table,
    /// `out[y 2^trail ..][bits] += eq(middle, y) g[bits]`, when that is cheaper.
    pub fn accumulate_all(isa: Isa, terms: &[(Ext5, &Weight)], out: &mut [Ext5]) {
        // Groups by middle part: (middle, trail, g over 2^trail, members).
        type Group<'w> = (&'w [[Ext5; 2]], usize, Vec<(usize, Ext5)>);
        let mut groups: Vec<Group<'_>> = Vec::new();
        for &(c, w) in terms {
            match w.middle_and_trailing_bits() {
                Some((middle, trail, bits, s)) => {
                    match groups
                        .iter_mut()
                        .find(|(m, t, _)| *t == trail && *m == middle)
                    {
                        Some(g) => g.2.push((bits, c * s)),
                        None => groups.push((middle, trail, vec![(bits, c * s)])),
                    }
                }
                None => w.accumulate(isa, c, out),
            }
        }
        for (middle, trail, members) in groups {
            let eq = match mle::product_table(isa, Ext5::ONE, middle) {
                Ok(t) => t,
                Err(e) => unreachable!("weight over at most MAX_VARS variables: {e}"),
            };
            // A dense row of 2^trail per middle point costs about an eighth of a strided
            // scalar update per member.
            if (1usize << trail) <= 8 * members.len() {
                let mut g = Ext5::zero_vec(1 << trail);
                for &(bits, c) in &members {
                    g[bits] += c;
                }
                out[..eq.len() << trail]
                    .par_chunks_mut(1 << trail)
                    .zip(eq.par_iter())
                    .with_min_len((1 << 12) >> trail.min(12))
                    .for_each(|(row, &e)| kx::axpy(isa, row, e, &g));
            } else {
                for &(bits, c) in &members {
                    for (y, &e) in eq.iter().enumerate() {
                        out[(y << trail) | bits] += c * e;
                    }
                }
            }
        }
    }

    /// Adds `scale * w(x)` to `out[x]` for every `x` (`out` of length `2^v`).
    pub fn accumulate(&self, isa: Isa, scale: Ext5, out: &mut [Ext5]) {
        let t = self.table(isa);
        if t.stride_bits == 0 {
            kx::axpy(
                isa,
                &mut out[t.offset..t.offset + t.values.len()],
                scale,
                &t.values,
            );
        } else {
            for (j, &w) in t.values.iter().enumerate() {
                out[t.index(j)] += scale * w;
            }
        }
    }
}

/// A factor `(w(0), w(1))` that is zero at one point (a boolean coordinate of an eq point):
/// its other value and whether that is at 1.
fn boolean([a, b]: [Ext5; 2]) -> Option<(Ext5, bool)> {
    if b == Ext5::ZERO {
        Some((a, false))
    } else if a == Ext5::ZERO {
        Some((b, true))
    } else {
        None
    }
}

/// A weight's values on the hypercube: `w(x) = values[j]` at `x = offset + j 2^stride_bits`
/// (`j < values.len()`), zero elsewhere. The top bits of `offset` are the leading boolean
/// coordinates, its low `stride_bits` bits the trailing ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightTable {
    /// The index of `values[0]`.
    pub offset: usize,
    /// `log2` of the distance between consecutive values.
    pub stride_bits: usize,
    /// The non-zero part.
    pub values: Vec<Ext5>,
}

impl WeightTable {
    /// The hypercube index of `values[j]`.
    pub fn index(&self, j: usize) -> usize {
        self.offset + (j << self.stride_bits)
    }

    /// `sum_j values[j] f[start + index(j)]` for a base-field `f`.
    pub fn dot_base(&self, isa: Isa, f: &[KoalaBear], start: usize) -> Ext5 {
        let first = start + self.offset;
        if self.stride_bits == 0 {
            kx::dot_base(isa, &self.values, &f[first..first + self.values.len()])
        } else {
            let gathered: Vec<KoalaBear> = (0..self.values.len())
                .map(|j| f[first + (j << self.stride_bits)])
                .collect();
            kx::dot_base(isa, &self.values, &gathered)
        }
    }

    /// `sum_j values[j] f[index(j)]`.
    pub fn dot(&self, isa: Isa, f: &[Ext5]) -> Ext5 {
        if self.stride_bits == 0 {
            kx::dot(
                isa,
                &self.values,
                &f[self.offset..self.offset + self.values.len()],
            )
        } else {
            self.values
                .iter()
                .enumerate()
                .map(|(j, &w)| w * f[self.index(j)])
                .sum()
        }
    }

    /// The table over all `2^v` points (zeros outside the support).
    pub fn dense(&self, num_variables: usize) -> Vec<Ext5> {
        let mut full = Ext5::zero_vec(1 << num_variables);
        for (j, &w) in self.values.iter().enumerate() {
            full[self.index(j)] = w;
        }
        full
    }
}

/// Checks that every claim's weight has `num_variables` variables.
///
/// # Errors
/// [`WhirError::ClaimDimension`] naming the first claim that does not.
pub(super) fn check_claims<E: VerifierField>(
    claims: &[Claim<E>],
    num_variables: usize,
) -> Result<(), WhirError> {
    match claims
        .iter()
        .position(|c| c.weight.num_variables() != num_variables)
    {
        Some(index) => Err(WhirError::ClaimDimension {
            index,
            expected: num_variables,
            got: claims[index].weight.num_variables(),
        }),
        None => Ok(()),
    }
}

/// [`horner`] over any verifier arithmetic, at a point of `K`.
pub fn horner_at<E: VerifierField>(values: &[E], y: E) -> E {
    values
        .iter()
        .rev()
        .fold(E::zero(), |acc, &v| acc.mul_add(y, v))
}

/// `sum_i values[i] y^i` by Horner's rule: the codeword polynomial of a table `values`
/// (its hypercube values read as coefficients) at `y`.
pub fn horner(values: &[Ext5], y: KoalaBear) -> Ext5 {
    values.iter().rev().fold(Ext5::ZERO, |acc, &c| acc * y + c)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::v2::mle::test_ext as ext;

    #[test]
    fn accumulating_weights_together_equals_one_by_one() {
        let v = 7;
        let bit = |b: bool| if b { Ext5::ONE } else { Ext5::ZERO };
        let mut weights = Vec::new();
        // Column-claim shapes: a shared middle ahead of 0 to 4 boolean coordinates, several
        // per middle (grouped) and alone (left strided); a leading boolean; dense; power.
        let middle: Vec<Ext5> = (0..3).map(|i| ext(i + 40)).collect();
        for trail in 0..=4usize {
            let members = if trail == 4 { 1 } else { 5 };
            for m in 0..members {
                let mut z = middle.clone();
                z.extend((0..trail).map(|t| bit((m >> t) & 1 == 1)));
                z.extend((z.len()..v).map(|i| ext(i as u64 + 7)));
                weights.push(Weight::eq(&z[..v]));
            }
        }
        let mut lead = vec![Ext5::ONE];
        lead.extend((1..v).map(|i| ext(i as u64 + 3)));
        weights.push(Weight::eq(&lead));
        weights.push(Weight::eq(
            &(0..v).map(|i| ext(i as u64 + 90)).collect::<Vec<_>>(),
        ));
        weights.push(Weight::power(ext(5), v));
        for isa in Isa::available() {
            let terms: Vec<(Ext5, &Weight)> = weights
                .iter()
                .enumerate()
                .map(|(i, w)| (ext(i as u64 + 1), w))
                .collect();
            let mut one_by_one = Ext5::zero_vec(1 << v);
            for &(c, w) in &terms {
                w.accumulate(isa, c, &mut one_by_one);
            }
            let mut together = vec![ext(3); 1 << v];
            for x in &mut one_by_one {
                *x += ext(3);
            }
            Weight::accumulate_all(isa, &terms, &mut together);
            assert_eq!(together, one_by_one, "{isa}");
        }
    }

    #[test]
    fn eq_weight_table_is_the_eq_table_and_its_extension_is_eq() {
        let isa = Isa::scalar();
        let z: Vec<Ext5> = (0..5).map(ext).collect();
        let w = Weight::eq(&z);
        let t = w.table(isa);
        assert_eq!((t.offset, t.stride_bits), (0, 0));
        assert_eq!(t.values, mle::eq_table(isa, &z).unwrap());
        let r: Vec<Ext5> = (10..15).map(ext).collect();
        assert_eq!(w.evaluate(&r).unwrap(), mle::eq_eval(&z, &r).unwrap());
        assert!(w.evaluate(&r[1..]).is_err());
    }

    #[test]
    fn boolean_leading_and_trailing_coordinates_give_a_sparse_table() {
        let isa = Isa::scalar();
        let mut z: Vec<Ext5> = (0..7).map(ext).collect();
        z[0] = Ext5::ONE;
        z[1] = Ext5::ZERO;
        z[2] = Ext5::ONE;
        z[5] = Ext5::ONE;
        z[6] = Ext5::ZERO;
        let t = Weight::eq(&z).table(isa);
        assert_eq!((t.offset, t.stride_bits, t.values.len()), (0b1010010, 2, 4));
        let full = mle::eq_table(isa, &z).unwrap();
        assert_eq!(t.dense(7), full);
        let f: Vec<KoalaBear> = (0..128u32).map(|i| KoalaBear::new(i * i + 7)).collect();
        let lifted = mle::lift(&f);
        let expect = kx::dot(isa, &full, &lifted);
        assert_eq!(t.dot_base(isa, &f, 0), expect);
        assert_eq!(t.dot(isa, &lifted), expect);
        let mut acc = Ext5::zero_vec(128);
        Weight::eq(&z).accumulate(isa, Ext5::ONE, &mut acc);
        assert_eq!(acc, full);
    }

    #[test]
    fn power_weight_sums_to_the_codeword_polynomial() {
        let isa = Isa::scalar();
        let f: Vec<Ext5> = (0..16).map(|i| ext(100 + i)).collect();
        let y = KoalaBear::new(123_457);
        let t = Weight::power(Ext5::from_base(y), 4).table(isa);
        assert_eq!(t.offset, 0);
        assert_eq!(t.dot(isa, &f), horner(&f, y));
    }

    #[test]
    fn fix_prefix_factors_the_extension() {
        let w = Weight::power(ext(3), 6);
        let r: Vec<Ext5> = (20..26).map(ext).collect();
        let (s, tail) = w.fix_prefix(&r[..2]).unwrap();
        assert_eq!(s * tail.evaluate(&r[2..]).unwrap(), w.evaluate(&r).unwrap());
    }
}
