//! The AIR sumcheck verifier (protocol in the [module docs](super)). Never panics; every
//! rejection is a [`ZerocheckError`].

use super::proof::{ZerocheckError, ZerocheckProof, ch_observe_evals};
use super::summand::{ZerocheckTable, check_table, round_degree, summand_at};
use crate::v2::eq_round;
use backend::KoalaBear;
use backend::challenger::Challenger;
use backend::field::Ext5;

/// Verifies an AIR sumcheck of `tables` against the eq point `tau`, the claimed sum `claim`
/// and the bus challenges; returns the point `s` (`K = tau.len()` coordinates; table `t`'s
/// column values in the proof are at `s[..k_t]`).
///
/// # Errors
/// [`ZerocheckError::Input`] for tables that do not fit `K`, [`ZerocheckError::Shape`] for
/// a malformed proof, [`ZerocheckError::Degenerate`] or [`ZerocheckError::FinalClaim`] for a
/// rejected one.
pub fn verify(
    tables: &[ZerocheckTable<'_>],
    tau: &[Ext5],
    claim: Ext5,
    bus: [Ext5; 2],
    proof: &ZerocheckProof,
    ch: &mut Challenger,
) -> Result<Vec<Ext5>, ZerocheckError> {
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
        for &m in msg {
            ch.observe_ext(m);
        }
        let s = ch.sample_ext();
        reduced = eq_round::reduce(reduced, tau[i], msg, s)
            .map_err(|_| ZerocheckError::Degenerate { round: i })?;
        point.push(s);
    }
    for e in &proof.evals {
        ch_observe_evals(ch, e);
    }
    let expected: Ext5 = tables
        .iter()
        .zip(&proof.evals)
        .map(|(t, e)| summand_at(t, e, &point[..t.log_height], bus))
        .sum();
    if reduced == expected {
        Ok(point)
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
