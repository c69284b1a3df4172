//! The WHIR verifier: [`receive_commitment`] replays the commitment's transcript, [`verify`]
//! checks an opening against linear claims (the protocol is in the [module docs](super)).
//! Every check returns a [`WhirError`] naming the round; nothing panics on any proof.

use super::encode::domain_point;
use super::error::WhirError;
use super::params::{RoundParams, WhirParams};
use super::proof::{RoundProof, WhirCommitment, WhirProof};
use super::queries::{fold_values, sample_queries};
use super::weight::{Claim, Weight, check_claims, horner};
use crate::v2::arith::{VerifierField, VerifierTranscript};
use crate::v2::mle;
use crate::v2::sumcheck::interpolate_at;
use backend::Isa;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::merkle::{Digest, Dimensions, verify_multi_with};

/// The initial oracle as the verifier holds it after [`receive_commitment`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedCommitment {
    /// The Merkle root.
    pub root: Digest,
    /// The out-of-domain claims: `P(z_j) = answer_j`.
    pub ood_claims: Vec<Claim>,
}

/// Observes the commitment as [`super::commit`] did and draws the same out-of-domain points.
///
/// # Errors
/// [`WhirError::Shape`] if the number of answers is not the parameters' count.
pub fn receive_commitment(
    params: &WhirParams,
    commitment: &WhirCommitment,
    ch: &mut Challenger,
) -> Result<ReceivedCommitment, WhirError> {
    let received = receive_commitment_values(params, commitment, ch)?;
    let num_variables = params.rounds[0].num_variables;
    Ok(ReceivedCommitment {
        root: commitment.root,
        ood_claims: received
            .ood
            .into_iter()
            .map(|(z, value)| Claim {
                weight: Weight::power(z, num_variables),
                value,
            })
            .collect(),
    })
}

/// The commitment as a verifier computes with it (natively or in a circuit:
/// [`crate::v2::arith`]): the root's eight values and the out-of-domain points with their
/// answers.
#[derive(Clone, Debug)]
pub struct CommitmentValues<E> {
    /// The Merkle root, as received.
    pub root: [E; 8],
    /// `(z_j, P(z_j))` per out-of-domain sample.
    pub ood: Vec<(E, E)>,
}

/// [`receive_commitment`] over any verifier arithmetic: the same transcript, the commitment
/// as values.
///
/// # Errors
/// [`WhirError::Shape`] if the number of answers is not the parameters' count.
pub fn receive_commitment_values<E: VerifierField>(
    params: &WhirParams,
    commitment: &WhirCommitment,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<CommitmentValues<E>, WhirError> {
    let r0 = &params.rounds[0];
    expect(
        "ood answers",
        0,
        r0.ood_samples,
        commitment.ood_answers.len(),
    )?;
    params.observe(ch);
    let root = commitment.root.map(|x| ch.receive_base(x));
    let ood = commitment
        .ood_answers
        .iter()
        .map(|&value| {
            let z = ch.sample_ext();
            (z, ch.receive_ext(value))
        })
        .collect();
    Ok(CommitmentValues { root, ood })
}

fn expect(what: &'static str, round: usize, expected: usize, got: usize) -> Result<(), WhirError> {
    if expected == got {
        Ok(())
    } else {
        Err(WhirError::Shape {
            what,
            round,
            expected,
            got,
        })
    }
}

/// A weight term of the final check: `coef * w(r[offset..])`.
struct Term {
    coef: Ext5,
    offset: usize,
    weight: Weight,
}

/// One sumcheck round: derives `g(1) = claim - g(0)`, observes the message, and returns the
/// claim `g(r)` at the challenge drawn by `challenge` (which may check a nonce first).
fn sumcheck_round(
    ch: &mut Challenger,
    claim: Ext5,
    msg: [Ext5; 2],
    challenge: impl FnOnce(&mut Challenger) -> Result<Ext5, WhirError>,
) -> Result<(Ext5, Ext5), WhirError> {
    let [g0, g2] = msg;
    let g1 = claim - g0;
    ch.observe_ext(g0);
    ch.observe_ext(g2);
    let r = challenge(ch)?;
    Ok((interpolate_at(&[g0, g1, g2], r), r))
}

/// Verifies `proof` for the commitment `received` against `claims` (each over the table's `v`
/// variables), on the transcript [`receive_commitment`] used.
///
/// # Errors
/// A [`WhirError`] naming the first failed check: the proof's shape, a claim's dimension, a
/// grinding nonce, a Merkle opening, a query of the last round against the final polynomial,
/// or the final claim.
pub fn verify(
    isa: Isa,
    params: &WhirParams,
    received: &ReceivedCommitment,
    claims: &[Claim],
    proof: &WhirProof,
    ch: &mut Challenger,
) -> Result<(), WhirError> {
    check_claims(claims, params.num_variables())?;
    check_shape(params, proof)?;
    for c in claims {
        ch.observe_ext(c.value);
    }
    let gamma = ch.sample_ext();
    let mut claim = Ext5::ZERO;
    let mut terms = Vec::new();
    let mut coef = Ext5::ONE;
    for c in received.ood_claims.iter().chain(claims) {
        claim += coef * c.value;
        terms.push(Term {
            coef,
            offset: 0,
            weight: c.weight.clone(),
        });
        coef *= gamma;
    }

    let mut challenges: Vec<Ext5> = Vec::with_capacity(params.num_variables());
    let mut root = received.root;
    for (i, (round, rp)) in params.rounds.iter().zip(&proof.rounds).enumerate() {
        let last = i + 1 == params.rounds.len();
        let alphas = round_sumcheck(ch, i, round, last, rp, &mut claim)?;
        challenges.extend_from_slice(&alphas);
        // The next oracle's commitment and out-of-domain claims, or the final polynomial.
        let next_ood = receive_next(ch, params, i, rp, proof)?;
        // The queries to the current oracle and their fold values.
        let (indices, values) = query_values(isa, ch, params, i, rp, &root, &alphas)?;
        let log_leaves = round.log_leaves();
        match &rp.next {
            Some(next) => {
                // Combine the next oracle's claims: out-of-domain answers, then fold values.
                let gamma = ch.sample_ext();
                let mut coef = gamma;
                let offset = challenges.len();
                let query_claims = indices.iter().zip(&values).map(|(&q, &value)| Claim {
                    weight: Weight::power(
                        Ext5::from_base(domain_point(log_leaves, q)),
                        round.folded_variables(),
                    ),
                    value,
                });
                for c in next_ood.into_iter().chain(query_claims) {
                    claim += coef * c.value;
                    terms.push(Term {
                        coef,
                        offset,
                        weight: c.weight,
                    });
                    coef *= gamma;
                }
                root = next.root;
            }
            None => {
                for (query, (&q, &value)) in indices.iter().zip(&values).enumerate() {
                    if horner(&proof.final_polynomial, domain_point(log_leaves, q)) != value {
                        return Err(WhirError::FinalQuery { round: i, query });
                    }
                }
            }
        }
    }
    final_check(isa, ch, proof, claim, &terms, challenges)
}

/// The proof's shape against the parameters: rounds, final polynomial, final sumcheck.
///
/// # Errors
/// [`WhirError::Shape`] naming what differs.
fn check_shape(params: &WhirParams, proof: &WhirProof) -> Result<(), WhirError> {
    let rounds = params.rounds.len();
    expect("rounds", 0, rounds, proof.rounds.len())?;
    expect(
        "final polynomial",
        rounds,
        1 << params.final_variables,
        proof.final_polynomial.len(),
    )?;
    expect(
        "final sumcheck",
        rounds,
        params.final_variables,
        proof.final_sumcheck.len(),
    )
}

/// Round `i`'s sumcheck (`last`: the final round, which has no next oracle): checks each
/// message's grinding nonce, reduces `claim`, returns the folding challenges.
///
/// # Errors
/// [`WhirError::Shape`] for a wrong number of messages, nonces or next oracles,
/// [`WhirError::ProofOfWork`] for a bad nonce.
fn round_sumcheck(
    ch: &mut Challenger,
    i: usize,
    round: &RoundParams,
    last: bool,
    rp: &RoundProof,
    claim: &mut Ext5,
) -> Result<Vec<Ext5>, WhirError> {
    let k = round.folding_factor;
    expect("sumcheck messages", i, k, rp.sumcheck.len())?;
    expect("fold nonces", i, k, rp.fold_nonces.len())?;
    expect(
        "next oracle",
        i,
        usize::from(!last),
        usize::from(rp.next.is_some()),
    )?;
    let mut alphas = Vec::with_capacity(k);
    for (&msg, &nonce) in rp.sumcheck.iter().zip(&rp.fold_nonces) {
        let (c, alpha) = sumcheck_round(ch, *claim, msg, |ch| {
            if ch.check_pow(round.fold_pow_bits, nonce) {
                Ok(ch.sample_ext())
            } else {
                Err(WhirError::ProofOfWork {
                    round: i,
                    what: "fold",
                })
            }
        })?;
        *claim = c;
        alphas.push(alpha);
    }
    Ok(alphas)
}

/// Observes round `i`'s next oracle (its root, then each out-of-domain point drawn and its
/// answer) and returns its out-of-domain claims; in the last round observes the final
/// polynomial instead.
///
/// # Errors
/// [`WhirError::Shape`] for a wrong number of answers.
fn receive_next(
    ch: &mut Challenger,
    params: &WhirParams,
    i: usize,
    rp: &RoundProof,
    proof: &WhirProof,
) -> Result<Vec<Claim>, WhirError> {
    let mut next_ood = Vec::new();
    match &rp.next {
        Some(next) => {
            let nr = &params.rounds[i + 1];
            expect("ood answers", i + 1, nr.ood_samples, next.ood_answers.len())?;
            ch.observe_digest(&next.root);
            for &value in &next.ood_answers {
                let z = ch.sample_ext();
                ch.observe_ext(value);
                next_ood.push(Claim {
                    weight: Weight::power(z, params.rounds[i].folded_variables()),
                    value,
                });
            }
        }
        None => {
            for &x in &proof.final_polynomial {
                ch.observe_ext(x);
            }
        }
    }
    Ok(next_ood)
}

/// Round `i`'s queries: checks the grinding nonce, draws the indices, verifies the Merkle
/// multi-opening against `root` and folds each opened leaf at `alphas`; returns the indices
/// and the fold values.
///
/// # Errors
/// [`WhirError::ProofOfWork`] or [`WhirError::Opening`].
fn query_values(
    isa: Isa,
    ch: &mut Challenger,
    params: &WhirParams,
    i: usize,
    rp: &RoundProof,
    root: &Digest,
    alphas: &[Ext5],
) -> Result<(Vec<usize>, Vec<Ext5>), WhirError> {
    let round = &params.rounds[i];
    if !ch.check_pow(round.query_pow_bits, rp.query_nonce) {
        return Err(WhirError::ProofOfWork {
            round: i,
            what: "queries",
        });
    }
    let indices = sample_queries(ch, round);
    let (limbs, active) = if i == 0 {
        (1, Some(params.first_active.as_slice()))
    } else {
        (5, None)
    };
    let dims = [Dimensions {
        width: params.leaf_width(i),
        height: 1 << round.log_leaves(),
    }];
    verify_multi_with(isa, root, &dims, &indices, &rp.queries)
        .map_err(|source| WhirError::Opening { round: i, source })?;
    let values = fold_values(isa, &rp.queries.rows, limbs, alphas, active);
    Ok((indices, values))
}

/// The final sumcheck, then `claim = W(r) f_final(r_final)` with `W` the combined weight of
/// every term at its challenges.
///
/// # Errors
/// [`WhirError::FinalClaim`] if it does not hold, or a weight's evaluation error.
fn final_check(
    isa: Isa,
    ch: &mut Challenger,
    proof: &WhirProof,
    mut claim: Ext5,
    terms: &[Term],
    mut challenges: Vec<Ext5>,
) -> Result<(), WhirError> {
    let mut final_point = Vec::with_capacity(proof.final_sumcheck.len());
    for &msg in &proof.final_sumcheck {
        let (c, r) = sumcheck_round(ch, claim, msg, |ch| Ok(ch.sample_ext()))?;
        claim = c;
        final_point.push(r);
    }
    challenges.extend_from_slice(&final_point);
    let weight: Ext5 = terms
        .iter()
        .map(|t| Ok(t.coef * t.weight.evaluate(&challenges[t.offset..])?))
        .sum::<Result<Ext5, WhirError>>()?;
    let f_final = mle::evaluate(isa, &proof.final_polynomial, &final_point)
        .map_err(|_| WhirError::FinalClaim)?;
    if claim == weight * f_final {
        Ok(())
    } else {
        Err(WhirError::FinalClaim)
    }
}
