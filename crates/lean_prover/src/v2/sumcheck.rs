//! Sumcheck for a product of multilinears: `sum_{x in {0,1}^n} prod_{j<k} f_j(x) = S`.
//!
//! # Protocol
//! Variables are bound in the order of [`super::mle`]: `x_0` (the most significant index bit)
//! first. With `r_0, ..., r_{i-1}` already fixed, round `i` has the univariate
//!
//! `g_i(X) = sum_{x' in {0,1}^(n-1-i)} prod_j f_j(r_0, ..., r_{i-1}, X, x')`,
//!
//! of degree at most `k`, and the claim `c_i` (`c_0 = S`) it must satisfy:
//! `g_i(0) + g_i(1) = c_i`.
//!
//! **What is sent: `k` extension elements per round**, the evaluations
//! `g_i(0), g_i(2), g_i(3), ..., g_i(k)`. The evaluation at 1 is not sent: the verifier
//! derives it as `g_i(1) = c_i - g_i(0)`, which is the round's sum check (a polynomial of
//! degree `k` is fixed by `k + 1` values, and the check removes one degree of freedom, so `k`
//! is the minimum). The verifier then interpolates `g_i` on the nodes `0, 1, ..., k`
//! (Lagrange, `O(k)` extension products) and sets `c_{i+1} = g_i(r_i)`.
//!
//! After `n` rounds the verifier holds the point `r = (r_0, ..., r_{n-1})` and the final
//! claim `c_n`; the caller must check `c_n = prod_j f_j(r)` against evaluations it trusts
//! (an oracle, a commitment opening, or a later protocol), for example with
//! [`SumcheckOutcome::check_product`]. A wrong `S` or a tampered round message goes
//! unnoticed by the rounds themselves and surfaces there.
//!
//! # Transcript
//! Both sides, on the [`Challenger`] they are given: observe `n` and `k` (base elements) and
//! `S` (extension), then per round observe the `k` sent values in order and sample `r_i` with
//! [`Challenger::sample_ext`]. The prover's claimed `f_j(r)` are returned, not observed: the
//! caller observes them if later challenges must depend on them.
//!
//! # Soundness
//! If `S` is wrong, a cheating prover survives round `i` only if its `g_i` differs from the
//! true one yet agrees with it at `r_i`: probability `<= k / |K|` (Schwartz-Zippel), so
//! `<= k n / |K|` in total (Lund, Fortnow, Karloff, Nisan 1992), about `2^-148` for `k = 4`,
//! `n = 30` over `K = F_p^5` (`|K| ~ 2^154.9`).
//!
//! # Prover cost
//! Round `i` computes `g_i(0..=k)` over `2^(n-1-i)` pairs: for each chunk of the lower half,
//! `d_j = hi_j - lo_j` ([`sub`](kx::sub)), the values at `t = 2, 3, ...` by repeated
//! [`add`](kx::add), the product of the first `k - 1` factors by [`mul`](kx::mul) and the sum
//! against the last one by [`dot`](kx::dot); chunks run on rayon and their sums are added
//! (exact arithmetic: the result does not depend on the split). Then every factor is folded
//! in place ([`mle::fold_first_in_place`]).

use super::arith::{VerifierField, VerifierTranscript};
use super::mle::{self, MleError};
use backend::Isa;
use backend::challenger::Challenger;
use backend::field::{Ext5, KoalaBear};
use backend::kernels::ext as kx;
use rayon::prelude::*;

/// Largest supported number of factors `k` (the degree of the round polynomials).
pub const MAX_DEGREE: usize = 16;
/// Largest supported number of variables `n`.
pub const MAX_VARS: usize = mle::MAX_VARS;
/// Elements per chunk of the prover's round loop (its `2 k + 2` buffers of this size, 20 KiB
/// each, stay in the L2 cache).
const CHUNK: usize = 1024;

/// A sumcheck proof: per round `i`, the values `[g_i(0), g_i(2), g_i(3), ..., g_i(k)]`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SumcheckProof {
    /// `round_polys[i]` holds the `k` values sent in round `i` (see the module docs).
    pub round_polys: Vec<Vec<Ext5>>,
}

/// What the prover obtains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProverOutput {
    /// The claimed sum `S = sum_x prod_j f_j(x)` (computed by the prover).
    pub claimed_sum: Ext5,
    /// The round messages.
    pub proof: SumcheckProof,
    /// The challenges `r = (r_0, ..., r_{n-1})`, `r_i` for variable `x_i`.
    pub point: Vec<Ext5>,
    /// `f_j(r)` for every factor, in the factors' order.
    pub evals: Vec<Ext5>,
}

/// What the verifier obtains after the rounds (in `K`, or as a circuit's values: see
/// [`super::arith`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SumcheckOutcome<E = Ext5> {
    /// The challenges `r = (r_0, ..., r_{n-1})`.
    pub point: Vec<E>,
    /// The final claim `c_n = g_{n-1}(r_{n-1})` (`S` itself when `n = 0`), which must equal
    /// `prod_j f_j(r)`.
    pub final_claim: E,
}

impl SumcheckOutcome {
    /// The caller's final check: `final_claim = prod_j evals[j]` with `evals[j] = f_j(r)`
    /// taken from a source the caller trusts; `evals.len()` must be the degree `k`.
    pub fn check_product(&self, degree: usize, evals: &[Ext5]) -> Result<(), SumcheckError> {
        if evals.len() != degree {
            return Err(SumcheckError::WrongEvalCount {
                expected: degree,
                got: evals.len(),
            });
        }
        if evals.iter().copied().product::<Ext5>() == self.final_claim {
            Ok(())
        } else {
            Err(SumcheckError::FinalClaimMismatch)
        }
    }
}

/// Why a sumcheck could not be proved or was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SumcheckError {
    /// The degree `k` (number of factors) is 0 or above [`MAX_DEGREE`].
    #[error("degree {degree} outside 1..={MAX_DEGREE}")]
    DegreeOutOfRange {
        /// The degree requested.
        degree: usize,
    },
    /// More variables than [`MAX_VARS`].
    #[error("{num_vars} variables exceed the maximum {MAX_VARS}")]
    TooManyVariables {
        /// Variables requested.
        num_vars: usize,
    },
    /// The factors do not all have the same length.
    #[error("factor {index} has {got} values, factor 0 has {expected}")]
    FactorLength {
        /// The offending factor.
        index: usize,
        /// Length of factor 0.
        expected: usize,
        /// Its length.
        got: usize,
    },
    /// A factor is not a multilinear table.
    #[error("malformed factor: {0}")]
    Mle(#[from] MleError),
    /// The proof does not have one message per variable.
    #[error("proof has {got} rounds, expected {expected}")]
    WrongRoundCount {
        /// Rounds expected (`n`).
        expected: usize,
        /// Rounds in the proof.
        got: usize,
    },
    /// A round message does not have `k` values.
    #[error("round {round} has {got} values, expected {expected}")]
    WrongRoundLength {
        /// The round.
        round: usize,
        /// Values expected (`k`).
        expected: usize,
        /// Values received.
        got: usize,
    },
    /// [`SumcheckOutcome::check_product`] received the wrong number of evaluations.
    #[error("{got} evaluations given, expected {expected}")]
    WrongEvalCount {
        /// Evaluations expected (`k`).
        expected: usize,
        /// Evaluations received.
        got: usize,
    },
    /// The final claim is not the product of the evaluations.
    #[error("final claim differs from the product of the evaluations")]
    FinalClaimMismatch,
}

fn check_shape(num_vars: usize, degree: usize) -> Result<(), SumcheckError> {
    if degree == 0 || degree > MAX_DEGREE {
        return Err(SumcheckError::DegreeOutOfRange { degree });
    }
    if num_vars > MAX_VARS {
        return Err(SumcheckError::TooManyVariables { num_vars });
    }
    Ok(())
}

fn observe_header<E: VerifierField>(
    challenger: &mut impl VerifierTranscript<E>,
    num_vars: usize,
    degree: usize,
    sum: E,
) {
    // Both are bounded by `check_shape` (far below p), so the encoding is injective.
    challenger.observe(KoalaBear::new(num_vars as u32));
    challenger.observe(KoalaBear::new(degree as u32));
    challenger.observe_ext(sum);
}

/// `g(0..=k)` of the current round: `2^(n-1)` pairs per factor, chunked over rayon.
fn round_evaluations(isa: Isa, factors: &[Vec<Ext5>]) -> Vec<Ext5> {
    let k = factors.len();
    let half = factors[0].len() / 2;
    (0..half.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let start = c * CHUNK;
            chunk_evaluations(isa, factors, half, start, (start + CHUNK).min(half))
        })
        .reduce(
            || vec![Ext5::ZERO; k + 1],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        )
}

/// The contribution of the pairs `start..end` of the lower half to `g(0..=k)`.
fn chunk_evaluations(
    isa: Isa,
    factors: &[Vec<Ext5>],
    half: usize,
    start: usize,
    end: usize,
) -> Vec<Ext5> {
    let k = factors.len();
    let len = end - start;
    fn lo(f: &[Ext5], start: usize, end: usize) -> &[Ext5] {
        &f[start..end]
    }
    fn hi(f: &[Ext5], half: usize, start: usize, end: usize) -> &[Ext5] {
        &f[half + start..half + end]
    }
    let mut cur: Vec<Vec<Ext5>> = factors.iter().map(|f| lo(f, start, end).to_vec()).collect();
    let diff: Vec<Vec<Ext5>> = if k >= 2 {
        factors
            .iter()
            .map(|f| {
                let mut d = Ext5::zero_vec(len);
                kx::sub(isa, &mut d, hi(f, half, start, end), lo(f, start, end));
                d
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut tmp = Ext5::zero_vec(len);
    let mut prod = Ext5::zero_vec(len);
    let mut out = vec![Ext5::ZERO; k + 1];
    for (t, slot) in out.iter_mut().enumerate() {
        match t {
            0 => {}
            1 => {
                for (c, f) in cur.iter_mut().zip(factors) {
                    c.copy_from_slice(hi(f, half, start, end));
                }
            }
            _ => {
                // f_j(t) = f_j(t - 1) + (hi_j - lo_j)
                for (c, d) in cur.iter_mut().zip(&diff) {
                    kx::add(isa, &mut tmp, c, d);
                    core::mem::swap(c, &mut tmp);
                }
            }
        }
        *slot = if k == 1 {
            cur[0].iter().copied().sum()
        } else {
            prod.copy_from_slice(&cur[0]);
            for c in &cur[1..k - 1] {
                kx::mul(isa, &mut tmp, &prod, c);
                core::mem::swap(&mut prod, &mut tmp);
            }
            kx::dot(isa, &prod, &cur[k - 1])
        };
    }
    out
}

/// Proves `sum_x prod_j f_j(x) = S` for the factors' hypercube tables (all of length `2^n`,
/// `1 <= k <= MAX_DEGREE` of them), on `challenger` (see the module docs for what it
/// observes and samples). The tables are consumed (folded in place).
pub fn prove_product(
    isa: Isa,
    mut factors: Vec<Vec<Ext5>>,
    challenger: &mut Challenger,
) -> Result<ProverOutput, SumcheckError> {
    let degree = factors.len();
    if degree == 0 || degree > MAX_DEGREE {
        return Err(SumcheckError::DegreeOutOfRange { degree });
    }
    let len = factors[0].len();
    for (index, f) in factors.iter().enumerate() {
        if f.len() != len {
            return Err(SumcheckError::FactorLength {
                index,
                expected: len,
                got: f.len(),
            });
        }
    }
    let num_vars = mle::num_vars(len)?;
    check_shape(num_vars, degree)?;

    if num_vars == 0 {
        let claimed_sum = factors.iter().map(|f| f[0]).product();
        observe_header(challenger, 0, degree, claimed_sum);
        return Ok(ProverOutput {
            claimed_sum,
            proof: SumcheckProof::default(),
            point: Vec::new(),
            evals: factors.iter().map(|f| f[0]).collect(),
        });
    }

    let mut claimed_sum = Ext5::ZERO;
    let mut round_polys = Vec::with_capacity(num_vars);
    let mut point = Vec::with_capacity(num_vars);
    let mut scratch = Vec::new();
    for round in 0..num_vars {
        let g = round_evaluations(isa, &factors);
        if round == 0 {
            claimed_sum = g[0] + g[1];
            observe_header(challenger, num_vars, degree, claimed_sum);
        }
        let msg: Vec<Ext5> = core::iter::once(g[0])
            .chain(g[2..].iter().copied())
            .collect();
        for &v in &msg {
            challenger.observe_ext(v);
        }
        let r = challenger.sample_ext();
        for f in &mut factors {
            mle::fold_first_in_place(isa, f, r, &mut scratch)?;
        }
        round_polys.push(msg);
        point.push(r);
    }
    Ok(ProverOutput {
        claimed_sum,
        proof: SumcheckProof { round_polys },
        point,
        evals: factors.iter().map(|f| f[0]).collect(),
    })
}

/// `p(r)` for the polynomial of degree `<= values.len() - 1` with `p(i) = values[i]`
/// (Lagrange on the nodes `0, 1, ..., d`; `d <= MAX_DEGREE`), in `K` or in a circuit
/// ([`super::arith`]).
pub fn interpolate_at<E: VerifierField>(values: &[E], r: E) -> E {
    let d = match values.len() {
        0 => return E::zero(),
        n => n - 1,
    };
    // prefix[i] = prod_{m < i} (r - m), suffix[i] = prod_{m > i} (r - m)
    let diffs: Vec<E> = (0..=d).map(|m| r - E::from_base(node(m))).collect();
    let mut prefix = vec![E::one(); d + 1];
    for i in 1..=d {
        prefix[i] = prefix[i - 1] * diffs[i - 1];
    }
    let mut suffix = vec![E::one(); d + 1];
    for i in (0..d).rev() {
        suffix[i] = suffix[i + 1] * diffs[i + 1];
    }
    // denom_i = prod_{m != i} (i - m) = (-1)^(d-i) i! (d-i)!
    let mut fact = vec![KoalaBear::ONE; d + 1];
    for i in 1..=d {
        fact[i] = fact[i - 1] * node(i);
    }
    let mut acc = E::zero();
    for (i, &v) in values.iter().enumerate() {
        let mut denom = fact[i] * fact[d - i];
        if (d - i) % 2 == 1 {
            denom = -denom;
        }
        // d < p, so the factorials are non-zero.
        let w = prefix[i] * suffix[i] * denom.inverse_or_zero();
        acc = v.mul_add(w, acc);
    }
    acc
}

fn node(m: usize) -> KoalaBear {
    KoalaBear::from_u64(m as u64)
}

/// Verifies the rounds of a sumcheck for `num_vars` variables and degree `degree` (the
/// number of factors) against `claimed_sum`, on `challenger` (the same transcript the prover
/// used). Returns the point and the final claim; the caller must then check the final claim
/// against `prod_j f_j(point)` ([`SumcheckOutcome::check_product`]).
///
/// Never panics: a proof of the wrong shape is a [`SumcheckError`].
pub fn verify_product<E: VerifierField>(
    num_vars: usize,
    degree: usize,
    claimed_sum: E,
    proof: &SumcheckProof,
    challenger: &mut impl VerifierTranscript<E>,
) -> Result<SumcheckOutcome<E>, SumcheckError> {
    check_shape(num_vars, degree)?;
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
    observe_header(challenger, num_vars, degree, claimed_sum);
    let mut claim = claimed_sum;
    let mut point = Vec::with_capacity(num_vars);
    let mut values = Vec::with_capacity(degree + 1);
    for msg in &proof.round_polys {
        let sent: Vec<E> = msg.iter().map(|&v| challenger.receive_ext(v)).collect();
        let r = challenger.sample_ext();
        // [g(0), g(1) = claim - g(0), g(2), ..., g(k)]: the round's sum check.
        values.clear();
        values.push(sent[0]);
        values.push(claim - sent[0]);
        values.extend_from_slice(&sent[1..]);
        claim = interpolate_at(&values, r);
        point.push(r);
    }
    Ok(SumcheckOutcome {
        point,
        final_claim: claim,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_reproduces_a_polynomial() {
        // p(X) = 3 + 5 X + 7 X^3 at a non-node point, from its values at 0..=4.
        let p = |x: Ext5| {
            Ext5::from_base(KoalaBear::new(3))
                + x * KoalaBear::new(5)
                + x * x * x * KoalaBear::new(7)
        };
        let values: Vec<Ext5> = (0..5).map(|i| p(Ext5::from_base(node(i)))).collect();
        let r = Ext5::new(core::array::from_fn(|i| KoalaBear::new(11 + i as u32)));
        assert_eq!(interpolate_at(&values, r), p(r));
        assert_eq!(interpolate_at(&values, Ext5::from_base(node(2))), values[2]);
        assert_eq!(interpolate_at(&values[..1], r), values[0]);
        assert_eq!(interpolate_at(&[], r), Ext5::ZERO);
    }
}
