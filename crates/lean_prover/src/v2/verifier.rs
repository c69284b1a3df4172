//! The v2 verifier: replays the protocol of [`super::prover`] and checks every step. Never
//! panics on any proof; every rejection is an [`ErrorV2`] naming the step.

use super::error::ErrorV2;
use super::gkr;
use super::gkr::GkrClaim;
use super::mle;
use super::params::ParamsV2;
use super::plan::{
    Plan, batch, column_claims, eq_point, plan, shape, start_transcript, zerocheck_claim,
    zerocheck_tables,
};
use super::proof::ProofV2;
use super::prover::check_balance;
use super::security::{PolicyV2, report};
use super::sumcheck::verify_product;
use super::whir;
use super::zerocheck;
use crate::lookup::PublicLookup;
use crate::statement::TableInstance;
use backend::Isa;
use backend::challenger::Challenger;
use backend::field::Ext5;

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
    let plan = plan(params, instances, lookups)?;
    policy.check(&report(params, &plan, instances, lookups))?;
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
    let plan = plan(params, instances, lookups)?;
    policy.check(&report(params, &plan, instances, lookups))?;
    // 1. The transcript's start.
    let mut ch = start_transcript(params, instances, lookups);
    // 2. The commitment.
    let received = whir::receive_commitment(&plan.whir, &proof.commitment, &mut ch)?;
    // 3. Bus challenges.
    if !ch.check_pow(params.bus_pow_bits, proof.bus_nonce) {
        return Err(ErrorV2::BusProofOfWork);
    }
    let bus = [ch.sample_ext(), ch.sample_ext()];
    // 4. LogUp by GKR and the balance.
    let gkr_claim = logup(isa, &plan, instances, lookups, bus, proof, &mut ch)?;
    // 5. The AIR sumcheck.
    let s = air_sumcheck(&plan, instances, bus, &gkr_claim, proof, &mut ch)?;
    // 6. The next-row sumchecks.
    let shift_points = next_row_sumchecks(instances, &s, proof, &mut ch)?;
    // 7. The WHIR opening.
    let claims = column_claims(&plan, instances, &s, &proof.zerocheck.evals, &shift_points);
    whir::verify(isa, &plan.whir, &received, &claims, &proof.whir, &mut ch)?;
    Ok(())
}

/// Step 4: verifies GKR and checks the balance with the public contribution; returns GKR's
/// claims.
///
/// # Errors
/// GKR's error, [`ErrorV2::PublicDenominator`] or [`ErrorV2::Unbalanced`].
fn logup(
    isa: Isa,
    plan: &Plan,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    bus: [Ext5; 2],
    proof: &ProofV2,
    ch: &mut Challenger,
) -> Result<GkrClaim, ErrorV2> {
    let gkr_claim = gkr::verify(plan.fractions.num_variables, &proof.gkr, ch)?;
    check_balance(isa, instances, lookups, bus, &gkr_claim)?;
    Ok(gkr_claim)
}

/// Step 5: samples `alpha`, `lambda` and the eq point and verifies the AIR sumcheck against
/// GKR's claims; returns its point `s`.
///
/// # Errors
/// The AIR sumcheck's error.
fn air_sumcheck(
    plan: &Plan,
    instances: &[TableInstance<'_>],
    bus: [Ext5; 2],
    gkr_claim: &GkrClaim,
    proof: &ProofV2,
    ch: &mut Challenger,
) -> Result<Vec<Ext5>, ErrorV2> {
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

/// A table's next-row point and the column values sent at it (none without next-row
/// columns).
type ShiftPoint<'p> = Option<(Vec<Ext5>, &'p [Ext5])>;

/// Step 6: samples `beta` and verifies, per table with next-row columns, its next-row
/// sumcheck; returns, per table, the point and the column values its WHIR claims are at.
///
/// # Errors
/// [`ErrorV2::Shape`] for a wrong number of sumchecks or column values,
/// [`ErrorV2::Shift`] or [`ErrorV2::ShiftClaim`] naming the table.
fn next_row_sumchecks<'p>(
    instances: &[TableInstance<'_>],
    s: &[Ext5],
    proof: &'p ProofV2,
    ch: &mut Challenger,
) -> Result<Vec<ShiftPoint<'p>>, ErrorV2> {
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
    for (t, (inst, evals)) in instances.iter().zip(&proof.zerocheck.evals).enumerate() {
        let next = inst.air.main_next_columns();
        let Some(sp) = (!next.is_empty()).then(|| shifts.next()).flatten() else {
            shift_points.push(None);
            continue;
        };
        let st = &s[..inst.log_height];
        let outcome = verify_product(
            inst.log_height,
            2,
            batch(&evals.next, beta),
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
        for &v in &sp.columns {
            ch.observe_ext(v);
        }
        let shift = mle::shift_eval(st, &outcome.point).map_err(|e| ErrorV2::Shift {
            table: t,
            source: e.into(),
        })?;
        if outcome.final_claim != shift * batch(&sp.columns, beta) {
            return Err(ErrorV2::ShiftClaim { table: t });
        }
        shift_points.push(Some((outcome.point, sp.columns.as_slice())));
    }
    Ok(shift_points)
}
