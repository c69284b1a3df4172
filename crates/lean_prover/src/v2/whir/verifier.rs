//! The WHIR verifier: [`receive_commitment`] replays the commitment's transcript, [`verify`]
//! checks an opening against linear claims (the protocol is in the [module docs](super)).
//! Every check returns a [`WhirError`] naming the round; nothing panics on any proof.

use super::error::WhirError;
use super::params::{RoundParams, WhirParams};
use super::proof::{RoundProof, WhirCommitment, WhirProof};
use super::queries::fold_leaves;
use super::weight::{Claim, Weight, check_claims, horner_at};
use crate::v2::arith::{Query, VerifierField, VerifierTranscript};
use crate::v2::mle;
use crate::v2::sumcheck::interpolate_at;
use backend::Isa;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::merkle::{Digest, Dimensions};

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
struct Term<E> {
    coef: E,
    offset: usize,
    weight: Weight<E>,
}

/// One sumcheck round: derives `g(1) = claim - g(0)`, observes the message, and returns the
/// claim `g(r)` at the challenge drawn by `challenge` (which may check a nonce first).
fn sumcheck_round<E: VerifierField, T: VerifierTranscript<E>>(
    ch: &mut T,
    claim: E,
    msg: [Ext5; 2],
    challenge: impl FnOnce(&mut T) -> Result<E, WhirError>,
) -> Result<(E, E), WhirError> {
    let g0 = ch.receive_ext(msg[0]);
    let g2 = ch.receive_ext(msg[1]);
    let g1 = claim - g0;
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
    let root_values = received.root.map(Ext5::from_base);
    verify_values(
        isa,
        params,
        (&received.root, root_values),
        &received.ood_claims,
        claims,
        proof,
        ch,
    )
}

/// [`verify`] over any verifier arithmetic ([`crate::v2::arith`]): the first oracle's root
/// (as the proof gives it, and as the verifier received its values) and out-of-domain
/// claims, then the claims to open.
///
/// # Errors
/// As [`verify`].
pub fn verify_values<E: VerifierField>(
    isa: Isa,
    params: &WhirParams,
    first_root: (&Digest, [E; 8]),
    ood_claims: &[Claim<E>],
    claims: &[Claim<E>],
    proof: &WhirProof,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<(), WhirError> {
    check_claims(claims, params.num_variables())?;
    check_shape(params, proof)?;
    for c in claims {
        ch.observe_ext(c.value);
    }
    let gamma = ch.sample_ext();
    let mut claim = E::zero();
    let mut terms = Vec::new();
    let mut coef = E::one();
    for c in ood_claims.iter().chain(claims) {
        claim = coef.mul_add(c.value, claim);
        terms.push(Term {
            coef,
            offset: 0,
            weight: c.weight.clone(),
        });
        coef *= gamma;
    }

    let mut challenges: Vec<E> = Vec::with_capacity(params.num_variables());
    let (mut root, mut root_values) = (*first_root.0, first_root.1);
    for (i, (round, rp)) in params.rounds.iter().zip(&proof.rounds).enumerate() {
        let last = i + 1 == params.rounds.len();
        let alphas = round_sumcheck(ch, i, round, last, rp, &mut claim)?;
        challenges.extend_from_slice(&alphas);
        // The next oracle's commitment and out-of-domain claims, or the final polynomial.
        let (next_ood, next_root, final_polynomial) = receive_next(ch, params, i, rp, proof)?;
        // The queries to the current oracle and their fold values.
        let (queries, values) =
            query_values(isa, ch, params, i, rp, (&root, &root_values), &alphas)?;
        match (&rp.next, next_root) {
            (Some(next), Some(next_values)) => {
                // Combine the next oracle's claims: out-of-domain answers, then fold values.
                let gamma = ch.sample_ext();
                let mut coef = gamma;
                let offset = challenges.len();
                let query_claims = queries.iter().zip(&values).map(|(q, &value)| Claim {
                    weight: Weight::power(q.point, round.folded_variables()),
                    value,
                });
                for c in next_ood.into_iter().chain(query_claims) {
                    claim = coef.mul_add(c.value, claim);
                    terms.push(Term {
                        coef,
                        offset,
                        weight: c.weight,
                    });
                    coef *= gamma;
                }
                (root, root_values) = (next.root, next_values);
            }
            _ => {
                for (query, (q, &value)) in queries.iter().zip(&values).enumerate() {
                    if !horner_at(&final_polynomial, q.point).check_eq(value) {
                        return Err(WhirError::FinalQuery { round: i, query });
                    }
                }
                return final_check(ch, proof, claim, &terms, challenges, &final_polynomial);
            }
        }
    }
    // check_shape fixes at least one round, the last without a next oracle.
    Err(WhirError::FinalClaim)
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
fn round_sumcheck<E: VerifierField>(
    ch: &mut impl VerifierTranscript<E>,
    i: usize,
    round: &RoundParams,
    last: bool,
    rp: &RoundProof,
    claim: &mut E,
) -> Result<Vec<E>, WhirError> {
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

/// What follows round `i`'s sumcheck: the next oracle's out-of-domain claims and root
/// values, or (last round) the final polynomial's values.
type NextOracle<E> = (Vec<Claim<E>>, Option<[E; 8]>, Vec<E>);

/// Observes round `i`'s next oracle (its root, then each out-of-domain point drawn and its
/// answer) and returns its out-of-domain claims and root; in the last round observes the
/// final polynomial instead and returns it.
///
/// # Errors
/// [`WhirError::Shape`] for a wrong number of answers.
fn receive_next<E: VerifierField>(
    ch: &mut impl VerifierTranscript<E>,
    params: &WhirParams,
    i: usize,
    rp: &RoundProof,
    proof: &WhirProof,
) -> Result<NextOracle<E>, WhirError> {
    match &rp.next {
        Some(next) => {
            let nr = &params.rounds[i + 1];
            expect("ood answers", i + 1, nr.ood_samples, next.ood_answers.len())?;
            let root = next.root.map(|x| ch.receive_base(x));
            let mut next_ood = Vec::with_capacity(next.ood_answers.len());
            for &value in &next.ood_answers {
                let z = ch.sample_ext();
                let value = ch.receive_ext(value);
                next_ood.push(Claim {
                    weight: Weight::power(z, params.rounds[i].folded_variables()),
                    value,
                });
            }
            Ok((next_ood, Some(root), Vec::new()))
        }
        None => {
            let f: Vec<E> = proof
                .final_polynomial
                .iter()
                .map(|&x| ch.receive_ext(x))
                .collect();
            Ok((Vec::new(), None, f))
        }
    }
}

/// Round `i`'s queries: checks the grinding nonce, draws the indices, verifies the Merkle
/// multi-opening against `root` and folds each opened leaf at `alphas`; returns the queries
/// (in the order drawn) and their fold values.
///
/// # Errors
/// [`WhirError::ProofOfWork`] or [`WhirError::Opening`].
#[allow(clippy::type_complexity)]
fn query_values<E: VerifierField>(
    isa: Isa,
    ch: &mut impl VerifierTranscript<E>,
    params: &WhirParams,
    i: usize,
    rp: &RoundProof,
    root: (&Digest, &[E; 8]),
    alphas: &[E],
) -> Result<(Vec<Query<E>>, Vec<E>), WhirError> {
    let round = &params.rounds[i];
    if !ch.check_pow(round.query_pow_bits, rp.query_nonce) {
        return Err(WhirError::ProofOfWork {
            round: i,
            what: "queries",
        });
    }
    let log_leaves = round.log_leaves();
    let queries: Vec<Query<E>> = (0..round.num_queries)
        .map(|_| ch.sample_query(log_leaves))
        .collect();
    let (limbs, active) = if i == 0 {
        (1, Some(params.first_active.as_slice()))
    } else {
        (5, None)
    };
    let dims = Dimensions {
        width: params.leaf_width(i),
        height: 1 << log_leaves,
    };
    let leaves = ch
        .open_leaves(isa, root.0, root.1, dims, limbs, &queries, &rp.queries)
        .map_err(|source| WhirError::Opening { round: i, source })?;
    let values = fold_leaves(&leaves, alphas, active);
    Ok((queries, values))
}

/// The final sumcheck, then `claim = W(r) f_final(r_final)` with `W` the combined weight of
/// every term at its challenges.
///
/// # Errors
/// [`WhirError::FinalClaim`] if it does not hold, or a weight's evaluation error.
fn final_check<E: VerifierField>(
    ch: &mut impl VerifierTranscript<E>,
    proof: &WhirProof,
    mut claim: E,
    terms: &[Term<E>],
    mut challenges: Vec<E>,
    final_polynomial: &[E],
) -> Result<(), WhirError> {
    let mut final_point = Vec::with_capacity(proof.final_sumcheck.len());
    for &msg in &proof.final_sumcheck {
        let (c, r) = sumcheck_round(ch, claim, msg, |ch| Ok(ch.sample_ext()))?;
        claim = c;
        final_point.push(r);
    }
    challenges.extend_from_slice(&final_point);
    let mut weight = E::zero();
    for t in terms {
        weight = t
            .coef
            .mul_add(t.weight.evaluate(&challenges[t.offset..])?, weight);
    }
    let f_final =
        mle::evaluate_values(final_polynomial, &final_point).map_err(|_| WhirError::FinalClaim)?;
    if claim.check_eq(weight * f_final) {
        Ok(())
    } else {
        Err(WhirError::FinalClaim)
    }
}
