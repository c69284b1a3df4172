//! The v2 verifier: replays the protocol of [`super::prover`] and checks every step. Never
//! panics on any proof; every rejection is an [`ErrorV2`] naming the step.

use super::arith::{VerifierField, VerifierTranscript};
use super::error::ErrorV2;
use super::gkr;
use super::gkr::GkrClaim;
use super::mle;
use super::params::ParamsV2;
use super::plan::{
    Plan, batch, column_evaluations, eq_point, observe_start, plan, shape, zerocheck_claim,
    zerocheck_tables,
};
use super::proof::ProofV2;
use super::prover::check_balance;
use super::security::{PolicyV2, report};
use super::sumcheck::verify_product;
use super::whir;
use super::whir::CommitmentValues;
use super::zerocheck;
use crate::lookup::PublicLookup;
use crate::statement::TableInstance;
use backend::Isa;
use backend::challenger::Challenger;

/// Decodes `bytes` against the statement's shape and verifies the proof ([`verify_v2`]).
/// Never panics on any bytes.
///
/// # Errors
/// [`ErrorV2::Decode`] for bytes that are not a proof of this shape, otherwise the
/// [`ErrorV2`] of the first step that rejects.
pub fn verify_v2_bytes(
    isa: Isa,
    params: &ParamsV2,
    policy: &PolicyV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    bytes: &[u8],
) -> Result<(), ErrorV2> {
    let plan = checked_plan(params, policy, instances, lookups)?;
    let proof = ProofV2::from_bytes(bytes, &shape(&plan, instances))?;
    verify_v2(isa, params, policy, instances, lookups, &proof)
}

/// Verifies a v2 proof of the statement (`instances` and the public lookup lists) under
/// `params` (the caller's, never the proof's), first checking that they give the statement
/// at least the security `policy` asks for ([`super::security`]; pass
/// [`PolicyV2::DEFAULT`] unless you mean to accept less).
///
/// # Errors
/// [`ErrorV2::Policy`] if the parameters are too weak, otherwise the [`ErrorV2`] of the
/// first step that rejects.
pub fn verify_v2(
    isa: Isa,
    params: &ParamsV2,
    policy: &PolicyV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    proof: &ProofV2,
) -> Result<(), ErrorV2> {
    verify_v2_on(
        isa,
        params,
        policy,
        instances,
        lookups,
        proof,
        &mut Challenger::new(),
    )
}

/// [`verify_v2`] on a fresh transcript `ch`, over any verifier arithmetic
/// ([`super::arith`]): natively it is [`verify_v2`]; on a circuit's values every step records
/// itself, so that a proof of the circuit proves the verification.
///
/// # Errors
/// As [`verify_v2`].
pub fn verify_v2_on<E: VerifierField>(
    isa: Isa,
    params: &ParamsV2,
    policy: &PolicyV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    proof: &ProofV2,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<(), ErrorV2> {
    let plan = checked_plan(params, policy, instances, lookups)?;
    let steps = statement_steps(isa, params, &plan, instances, lookups, proof, ch)?;
    // 7. The WHIR opening.
    let num_variables = plan.whir.rounds[0].num_variables;
    let ood: Vec<whir::Claim<E>> = steps
        .commitment
        .ood
        .iter()
        .map(|&(z, value)| whir::Claim {
            weight: whir::Weight::power(z, num_variables),
            value,
        })
        .collect();
    let claims: Vec<whir::Claim<E>> = steps
        .claims
        .iter()
        .map(|(point, value)| whir::Claim::evaluation(point, *value))
        .collect();
    whir::verify_values(
        isa,
        &plan.whir,
        (&proof.commitment.root, steps.commitment.root),
        &ood,
        &claims,
        &proof.whir,
        ch,
    )?;
    Ok(())
}

/// Decodes `bytes` as a v2 proof of the statement's shape (without verifying it).
///
/// # Errors
/// [`ErrorV2::Decode`] for bytes that are not a proof of this shape, or the statement's
/// error.
pub fn decode_proof(
    params: &ParamsV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    bytes: &[u8],
) -> Result<ProofV2, ErrorV2> {
    let plan = plan(params, instances, lookups)?;
    Ok(ProofV2::from_bytes(bytes, &shape(&plan, instances))?)
}

/// A proof of the shape the statement fixes with every value zero and empty Merkle openings
/// (it does not verify): what a verifier recorded as a circuit for its structure alone runs
/// on, since that structure depends on the statement and the parameters, never on the
/// proof's values (`rec_aggregation::circuit`).
///
/// # Errors
/// [`ErrorV2::Statement`] or [`ErrorV2::Whir`] for a statement the parameters cannot prove.
pub fn placeholder_proof(
    params: &ParamsV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) -> Result<ProofV2, ErrorV2> {
    let plan = plan(params, instances, lookups)?;
    Ok(shape(&plan, instances).placeholder())
}

/// What the verifier's steps 1 to 6 leave to the WHIR opening (step 7): the commitment as
/// received, and the claims on the stacked polynomial (a point in the committed table's
/// coordinates and a value, per main column of every table, then per next-row column).
#[derive(Clone, Debug)]
pub struct StatementClaims<E> {
    /// The commitment's root and out-of-domain answers.
    pub commitment: CommitmentValues<E>,
    /// The column claims, in WHIR's order.
    pub claims: Vec<(Vec<E>, E)>,
}

/// The verifier's steps 1 to 6 ([`verify_v2`] without the WHIR opening) on a fresh
/// transcript `ch`, over any verifier arithmetic ([`super::arith`]): natively they are
/// [`verify_v2`]'s own steps; on a circuit's values they record themselves. The policy is
/// checked first, as in [`verify_v2`].
///
/// # Errors
/// [`ErrorV2::Policy`] if the parameters are too weak, otherwise the [`ErrorV2`] of the
/// first step that rejects.
pub fn verify_v2_statement<E: VerifierField>(
    isa: Isa,
    params: &ParamsV2,
    policy: &PolicyV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    proof: &ProofV2,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<StatementClaims<E>, ErrorV2> {
    let plan = checked_plan(params, policy, instances, lookups)?;
    statement_steps(isa, params, &plan, instances, lookups, proof, ch)
}

/// The statement's plan, once its parameters are checked against `policy`.
///
/// # Errors
/// The statement's error, or [`ErrorV2::Policy`] if the parameters are too weak.
fn checked_plan(
    params: &ParamsV2,
    policy: &PolicyV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) -> Result<Plan, ErrorV2> {
    let plan = plan(params, instances, lookups)?;
    policy.check(&report(params, &plan, instances, lookups))?;
    Ok(plan)
}

/// Steps 1 to 6 (see [`verify_v2_statement`]).
fn statement_steps<E: VerifierField>(
    isa: Isa,
    params: &ParamsV2,
    plan: &Plan,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    proof: &ProofV2,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<StatementClaims<E>, ErrorV2> {
    // 1. The transcript's start.
    observe_start(isa, params, instances, lookups, ch);
    // 2. The commitment.
    let commitment = whir::receive_commitment_values(&plan.whir, &proof.commitment, ch)?;
    // 3. Bus challenges.
    if !ch.check_pow(params.bus_pow_bits, proof.bus_nonce) {
        return Err(ErrorV2::BusProofOfWork);
    }
    let bus = [ch.sample_ext(), ch.sample_ext()];
    // 4. LogUp by GKR and the balance.
    let gkr_claim = gkr::verify(plan.fractions.num_variables, &proof.gkr, ch)?;
    check_balance(isa, instances, lookups, bus, &gkr_claim)?;
    // 5. The AIR sumcheck.
    let (s, evals) = air_sumcheck(plan, instances, bus, &gkr_claim, proof, ch)?;
    // 6. The next-row sumchecks.
    let shift_points = next_row_sumchecks(instances, &s, &evals, proof, ch)?;
    let main: Vec<&[E]> = evals.iter().map(|(m, _)| m.as_slice()).collect();
    let shifts: Vec<Option<(Vec<E>, &[E])>> = shift_points
        .iter()
        .map(|o| o.as_ref().map(|(p, v)| (p.clone(), v.as_slice())))
        .collect();
    let claims = column_evaluations(plan, instances, &s, &main, &shifts);
    Ok(StatementClaims { commitment, claims })
}

/// Per table, its main and rotated column values as the verifier received them.
type ReceivedEvals<E> = Vec<(Vec<E>, Vec<E>)>;

/// Step 5: samples `alpha`, `lambda` and the eq point and verifies the AIR sumcheck against
/// GKR's claims; returns its point `s` and the column values received.
///
/// # Errors
/// The AIR sumcheck's error.
fn air_sumcheck<E: VerifierField>(
    plan: &Plan,
    instances: &[TableInstance<'_>],
    bus: [E; 2],
    gkr_claim: &GkrClaim<E>,
    proof: &ProofV2,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<(Vec<E>, ReceivedEvals<E>), ErrorV2> {
    let alpha = ch.sample_ext();
    let lambda = ch.sample_ext();
    let tau = eq_point(plan, &gkr_claim.point, ch);
    let ztables = zerocheck_tables(plan, instances, alpha, lambda, &gkr_claim.point);
    let claim = zerocheck_claim(plan, gkr_claim, lambda);
    Ok(zerocheck::verify(
        &ztables,
        &tau,
        claim,
        bus,
        &proof.zerocheck,
        ch,
    )?)
}

/// A table's next-row point and the column values received at it (none without next-row
/// columns).
type ShiftPoint<E> = Option<(Vec<E>, Vec<E>)>;

/// Step 6: samples `beta` and verifies, per table with next-row columns, its next-row
/// sumcheck; returns, per table, the point and the column values its WHIR claims are at.
///
/// # Errors
/// [`ErrorV2::Shape`] for a wrong number of sumchecks or column values, [`ErrorV2::Shift`] or
/// [`ErrorV2::ShiftClaim`] naming the table.
fn next_row_sumchecks<E: VerifierField>(
    instances: &[TableInstance<'_>],
    s: &[E],
    evals: &ReceivedEvals<E>,
    proof: &ProofV2,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<Vec<ShiftPoint<E>>, ErrorV2> {
    let beta = ch.sample_ext();
    let with_next = instances
        .iter()
        .filter(|i| !i.air.main_next_columns().is_empty())
        .count();
    if proof.shifts.len() != with_next {
        return Err(ErrorV2::Shape {
            what: "next-row sumchecks",
            expected: with_next,
            got: proof.shifts.len(),
        });
    }
    let mut shifts = proof.shifts.iter();
    let mut shift_points = Vec::with_capacity(instances.len());
    for (t, (inst, (_, next_evals))) in instances.iter().zip(evals).enumerate() {
        let next = inst.air.main_next_columns();
        let Some(sp) = (!next.is_empty()).then(|| shifts.next()).flatten() else {
            shift_points.push(None);
            continue;
        };
        let st = &s[..inst.log_height];
        let outcome = verify_product(
            inst.log_height,
            2,
            batch(next_evals, beta),
            &sp.sumcheck,
            ch,
        )
        .map_err(|source| ErrorV2::Shift { table: t, source })?;
        if sp.columns.len() != next.len() {
            return Err(ErrorV2::Shape {
                what: "next-row column values",
                expected: next.len(),
                got: sp.columns.len(),
            });
        }
        let columns: Vec<E> = sp.columns.iter().map(|&v| ch.receive_ext(v)).collect();
        let shift = mle::shift_eval(st, &outcome.point).map_err(|e| ErrorV2::Shift {
            table: t,
            source: e.into(),
        })?;
        if !outcome.final_claim.check_eq(shift * batch(&columns, beta)) {
            return Err(ErrorV2::ShiftClaim { table: t });
        }
        shift_points.push(Some((outcome.point, columns)));
    }
    Ok(shift_points)
}
