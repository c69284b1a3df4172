//! The round of a sumcheck against an eq weight, with the eq factor split off (Gruen,
//! ePrint 2024/108, Section 3): both the GKR layers and the zerocheck use it.
//!
//! For `sum_x eq(p, x) Q(x) = c` over `n` variables, round `i` (challenges `s_0..s_{i-1}`
//! bound) has the univariate
//!
//! `g_i(X) = e_i eq(p_i, X) q_i(X)`, `e_i = prod_{l<i} eq(p_l, s_l)`,
//! `q_i(X) = sum_{x'} eq(p_{>i}, x') Q(s_{<i}, X, x')`,
//!
//! where `eq(a, X) = (1 - a)(1 - X) + a X`. The prover sends `q_i` (degree `d`, one below
//! `g_i`'s) by its values at `0, 2, 3, ..., d`; the verifier, holding `c'_i = c_i / e_i`
//! (`c'_0 = c`), derives `q_i(1) = (c'_i - (1 - p_i) q_i(0)) / p_i` (the round's check
//! `g_i(0) + g_i(1) = c_i`), and sets `c'_{i+1} = q_i(s_i)`. After `n` rounds `c'_n` must equal
//! `Q(s)`: the eq factor `eq(p, s)` has been divided out along the way.
//!
//! **Soundness:** as for any sumcheck, a round with a false claim survives with probability
//! at most `deg g_i / |K| = (d + 1) / |K|` (Schwartz-Zippel). The division needs `p_i != 0`:
//! `p_i` is a verifier challenge, zero with probability `1 / |K|`, and then the proof is
//! rejected ([`DegenerateCoordinate`]), a completeness error of `2^-154.9` per coordinate.

use super::arith::VerifierField;
use super::sumcheck::interpolate_at;

/// The eq point has a zero coordinate, so `q_i(1)` cannot be derived.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DegenerateCoordinate;

/// `q(1)` from the round's claim `c' = (1 - p) q(0) + p q(1)`.
///
/// # Errors
/// [`DegenerateCoordinate`] if `p = 0`.
pub fn value_at_one<E: VerifierField>(claim: E, p: E, q0: E) -> Result<E, DegenerateCoordinate> {
    let inv = p.try_inverse().ok_or(DegenerateCoordinate)?;
    Ok((claim - (E::one() - p) * q0) * inv)
}

/// The verifier's round: from the sent values `q(0), q(2), ..., q(d)` (`sent.len() = d`)
/// and the challenge `s`, the next reduced claim `q(s)`.
///
/// # Errors
/// [`DegenerateCoordinate`] if `p = 0`.
pub fn reduce<E: VerifierField>(
    claim: E,
    p: E,
    sent: &[E],
    s: E,
) -> Result<E, DegenerateCoordinate> {
    let Some((&q0, rest)) = sent.split_first() else {
        return Ok(claim);
    };
    let q1 = value_at_one(claim, p, q0)?;
    let mut values = Vec::with_capacity(sent.len() + 1);
    values.push(q0);
    values.push(q1);
    values.extend_from_slice(rest);
    Ok(interpolate_at(&values, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend::KoalaBear;
    use backend::field::Ext5;

    use crate::v2::mle::test_ext as ext;

    #[test]
    fn reduce_matches_the_quadratic_it_was_sent() {
        // q(X) = a + b X + c X^2, claim c' = (1 - p) q(0) + p q(1).
        let (a, b, c, p, s) = (ext(1), ext(2), ext(3), ext(4), ext(5));
        let q = |x: Ext5| a + b * x + c * x * x;
        let claim = (Ext5::ONE - p) * q(Ext5::ZERO) + p * q(Ext5::ONE);
        let two = Ext5::from_base(KoalaBear::new(2));
        assert_eq!(reduce(claim, p, &[q(Ext5::ZERO), q(two)], s), Ok(q(s)));
        assert_eq!(
            reduce(claim, Ext5::ZERO, &[q(Ext5::ZERO), q(two)], s),
            Err(DegenerateCoordinate)
        );
    }
}
