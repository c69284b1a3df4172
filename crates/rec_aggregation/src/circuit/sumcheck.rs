//! The sumcheck verifier in a circuit: `lean_prover::v2::sumcheck::verify_product` with every
//! observation, challenge and interpolation recorded, so a [`Circuit`] proves that a sumcheck
//! proof reduces its claim to the returned point and final claim.

use super::{Circuit, Wire};
use backend::KoalaBear as F;
use backend::field::Ext5;
use lean_prover::v2::{SumcheckError, SumcheckProof};

/// Largest degree `lean_prover`'s sumcheck accepts.
const MAX_DEGREE: usize = 16;

/// What the rounds give: the point `r` and the final claim (to be checked by the caller
/// against the factors at `r`).
#[derive(Clone, Debug)]
pub struct SumcheckWires {
    /// The challenges `r_0..r_{n-1}`.
    pub point: Vec<Wire>,
    /// The final claim `c_n`.
    pub final_claim: Wire,
}

/// Records `verify_product(num_vars, degree, claimed_sum, proof)` on `c`'s transcript: the
/// header (`num_vars` and `degree` as statement data, the claimed sum's wire), then per round
/// the `degree` values observed, the challenge sampled, `g(1) = claim - g(0)` and the
/// interpolation at the challenge. The wires' values are the native verifier's.
///
/// # Errors
/// The native verifier's shape errors: a degree outside `1..=16`, a wrong number of rounds
/// or a round of the wrong length.
pub fn verify_product(
    c: &mut Circuit,
    num_vars: usize,
    degree: usize,
    claimed_sum: Wire,
    proof: &SumcheckProof,
) -> Result<SumcheckWires, SumcheckError> {
    if degree == 0 || degree > MAX_DEGREE {
        return Err(SumcheckError::DegreeOutOfRange { degree });
    }
    if proof.round_polys.len() != num_vars {
        return Err(SumcheckError::WrongRoundCount {
            expected: num_vars,
            got: proof.round_polys.len(),
        });
    }
    if let Some((round, msg)) = proof
        .round_polys
        .iter()
        .enumerate()
        .find(|(_, m)| m.len() != degree)
    {
        return Err(SumcheckError::WrongRoundLength {
            round,
            expected: degree,
            got: msg.len(),
        });
    }
    c.observe_known(F::new(num_vars as u32));
    c.observe_known(F::new(degree as u32));
    c.observe_wire(claimed_sum);
    let mut claim = claimed_sum;
    let mut point = Vec::with_capacity(num_vars);
    for msg in &proof.round_polys {
        let sent: Vec<Wire> = msg.iter().map(|&v| c.observe(v)).collect();
        let r = c.sample_ext();
        let mut values = Vec::with_capacity(degree + 1);
        values.push(sent[0]);
        values.push(c.sub(claim, sent[0]));
        values.extend_from_slice(&sent[1..]);
        claim = interpolate_at(c, &values, r);
        point.push(r);
    }
    Ok(SumcheckWires {
        point,
        final_claim: claim,
    })
}

/// The polynomial of degree `d = values.len() - 1` through `(m, values[m])`, `m = 0..=d`, at
/// `r` (Lagrange's form, as `lean_prover`'s `interpolate_at`):
/// `sum_i values[i] prod_{m != i} (r - m) / (i - m)`, with the products shared as prefix and
/// suffix products.
///
/// # Panics
/// If `values` is empty.
pub fn interpolate_at(c: &mut Circuit, values: &[Wire], r: Wire) -> Wire {
    let d = values.len() - 1;
    // diffs[m] = r - m (r itself for m = 0).
    let diffs: Vec<Wire> = (0..=d)
        .map(|m| {
            if m == 0 {
                r
            } else {
                c.add_base(r, -F::new(m as u32))
            }
        })
        .collect();
    // prefix[i] = prod_{m < i} (r - m), suffix[i] = prod_{m > i} (r - m); None is 1.
    let mut prefix: Vec<Option<Wire>> = vec![None; d + 1];
    for i in 1..=d {
        prefix[i] = Some(product(c, prefix[i - 1], diffs[i - 1]));
    }
    let mut suffix: Vec<Option<Wire>> = vec![None; d + 1];
    for i in (0..d).rev() {
        suffix[i] = Some(product(c, suffix[i + 1], diffs[i + 1]));
    }
    let mut acc: Option<Wire> = None;
    for (i, &v) in values.iter().enumerate() {
        let weight = match (prefix[i], suffix[i]) {
            (Some(p), Some(s)) => Some(c.mul(p, s)),
            (p, s) => p.or(s),
        };
        // 1 / prod_{m != i} (i - m) = (-1)^(d-i) / (i! (d-i)!)
        let mut denom = factorial(i) * factorial(d - i);
        if (d - i) % 2 == 1 {
            denom = -denom;
        }
        let scaled = c.scale(
            v,
            denom
                .try_inverse()
                .expect("i! (d - i)! is not zero for d < p"),
        );
        let zero = c.constant(Ext5::ZERO);
        let addend = acc.unwrap_or(zero);
        acc = Some(match weight {
            Some(wt) => c.fma(scaled, wt, addend),
            None => c.add(scaled, addend),
        });
    }
    acc.expect("at least one value")
}

/// `acc * x`, or `x` when `acc` is 1 (`None`).
fn product(c: &mut Circuit, acc: Option<Wire>, x: Wire) -> Wire {
    match acc {
        Some(a) => c.mul(a, x),
        None => x,
    }
}

fn factorial(n: usize) -> F {
    (1..=n).fold(F::ONE, |acc, k| acc * F::new(k as u32))
}
