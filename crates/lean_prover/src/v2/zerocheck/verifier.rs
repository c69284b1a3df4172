//! The AIR sumcheck verifier (protocol in the [module docs](super)). Never panics; every
//! rejection is a [`ZerocheckError`].

use super::proof::{ZerocheckError, ZerocheckProof};
use super::summand::{ZerocheckTable, check_table, round_degree, summand_at};
use crate::v2::arith::{VerifierField, VerifierTranscript};
use crate::v2::eq_round;
use backend::KoalaBear;

/// Verifies an AIR sumcheck of `tables` against the eq point `tau`, the claimed sum `claim`
/// and the bus challenges; returns the point `s` (`K = tau.len()` coordinates; table `t`'s
/// column values in the proof are at `s[..k_t]`), and per table the column values it
/// received (main, then rotated), as the verifier computes with them (natively, or in a
/// circuit: [`crate::v2::arith`]).
///
/// # Errors
/// [`ZerocheckError::Input`] for tables that do not fit `K`, [`ZerocheckError::Shape`] for
/// a malformed proof, [`ZerocheckError::Degenerate`] or [`ZerocheckError::FinalClaim`] for a
/// rejected one.
#[allow(clippy::type_complexity)]
pub fn verify<E: VerifierField>(
    tables: &[ZerocheckTable<'_, E>],
    tau: &[E],
    claim: E,
    bus: [E; 2],
    proof: &ZerocheckProof,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<(Vec<E>, Vec<(Vec<E>, Vec<E>)>), ZerocheckError> {
    let k = tau.len();
    for (i, t) in tables.iter().enumerate() {
        check_table(i, t, k)?;
    }
    let d = round_degree(tables);
    expect("rounds", k, proof.rounds.len())?;
    for r in &proof.rounds {
        expect("round values", d, r.len())?;
    }
    expect("tables", tables.len(), proof.evals.len())?;
    for (t, e) in tables.iter().zip(&proof.evals) {
        expect("main column values", t.air.width(), e.main.len())?;
        expect(
            "rotated column values",
            t.air.main_next_columns().len(),
            e.next.len(),
        )?;
    }
    ch.observe(KoalaBear::new(k as u32));
    ch.observe(KoalaBear::new(d as u32));
    let mut reduced = claim;
    let mut point = Vec::with_capacity(k);
    for (i, msg) in proof.rounds.iter().enumerate() {
        let sent: Vec<E> = msg.iter().map(|&m| ch.receive_ext(m)).collect();
        let s = ch.sample_ext();
        reduced = eq_round::reduce(reduced, tau[i], &sent, s)
            .map_err(|_| ZerocheckError::Degenerate { round: i })?;
        point.push(s);
    }
    // Per table its main columns, then its rotated ones, in the transcript.
    let evals: Vec<(Vec<E>, Vec<E>)> = proof
        .evals
        .iter()
        .map(|e| {
            let main = e.main.iter().map(|&v| ch.receive_ext(v)).collect();
            let next = e.next.iter().map(|&v| ch.receive_ext(v)).collect();
            (main, next)
        })
        .collect();
    let expected = tables
        .iter()
        .zip(&evals)
        .fold(E::zero(), |acc, (t, (main, next))| {
            acc + summand_at(t, main, next, &point[..t.log_height], bus)
        });
    if reduced.check_eq(expected) {
        Ok((point, evals))
    } else {
        Err(ZerocheckError::FinalClaim)
    }
}

fn expect(what: &'static str, expected: usize, got: usize) -> Result<(), ZerocheckError> {
    if expected == got {
        Ok(())
    } else {
        Err(ZerocheckError::Shape {
            what,
            expected,
            got,
        })
    }
}
