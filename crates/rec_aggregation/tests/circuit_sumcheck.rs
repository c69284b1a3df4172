//! `lean_prover`'s sumcheck verifier run on a circuit (`rec_aggregation::circuit::Sym`): on
//! real proofs (degrees 1 to 4), the recorded rounds give the native verifier's point and
//! final claim; with the final check against the factors' values the circuit proves
//! and verifies; a forged round message makes the final check false, and the statement is
//! refused by the prover and, proved anyway, rejected.

mod common;

use backend::Isa;
use backend::challenger::Challenger;
use backend::field::Ext5;
use common::{Rng, Table, prove_and_verify_with, prover_verdict_with};
use lean_prover::v2::sumcheck::interpolate_at;
use lean_prover::v2::{
    ErrorV2, ProverOutput, SumcheckError, SumcheckOutcome, VerifierField, VerifierTranscript,
    prove_product, verify_product,
};
use rec_aggregation::circuit::{Circuit, CircuitStatement, CircuitTranscript, Sym};
use std::cell::RefCell;

fn ext(rng: &mut Rng) -> Ext5 {
    Ext5::new(rng.state::<5>())
}

/// A sumcheck proof of the product of `degree` random multilinears in `num_vars` variables,
/// on a fresh transcript.
fn proof(seed: u64, num_vars: usize, degree: usize) -> ProverOutput {
    let mut rng = Rng(seed);
    let factors: Vec<Vec<Ext5>> = (0..degree)
        .map(|_| (0..1 << num_vars).map(|_| ext(&mut rng)).collect())
        .collect();
    prove_product(Isa::current(), factors, &mut Challenger::new()).unwrap()
}

/// The circuit of the verifier on `out`'s proof (claimed sum and factor values as constants)
/// with the final check `final_claim = prod_j f_j(r)`; the outcome's values.
fn record(out: &ProverOutput, num_vars: usize, degree: usize) -> (Circuit, SumcheckOutcome) {
    let cell = RefCell::new(Circuit::new());
    let outcome = {
        let mut t = CircuitTranscript::new(&cell);
        let sum = Sym::Const(out.claimed_sum);
        let o = verify_product(num_vars, degree, sum, &out.proof, &mut t).unwrap();
        let product = out
            .evals
            .iter()
            .fold(Sym::one(), |acc, &e| acc * Sym::Const(e));
        o.final_claim.check_eq(product);
        SumcheckOutcome {
            point: o.point.iter().map(Sym::value).collect(),
            final_claim: o.final_claim.value(),
        }
    };
    (cell.into_inner(), outcome)
}

fn tables(st: &CircuitStatement) -> Vec<Table> {
    common::circuit_tables(st)
}

#[test]
fn the_circuit_gives_the_native_verifiers_point_and_claim() {
    for (seed, n, k) in [(1, 1, 1), (2, 3, 2), (3, 5, 3), (4, 4, 4), (5, 2, 3)] {
        let out = proof(seed, n, k);
        let native =
            verify_product(n, k, out.claimed_sum, &out.proof, &mut Challenger::new()).unwrap();
        let (c, outcome) = record(&out, n, k);
        assert_eq!(outcome, native, "n {n} k {k}");
        assert_eq!(c.failed_check(), None, "n {n} k {k}");
    }
}

#[test]
fn interpolation_matches_the_native_one() {
    let mut rng = Rng(9);
    for d in 0..6 {
        let values: Vec<Ext5> = (0..=d).map(|_| ext(&mut rng)).collect();
        let r = ext(&mut rng);
        let cell = RefCell::new(Circuit::new());
        let mut t = CircuitTranscript::new(&cell);
        let wires: Vec<Sym<'_>> = values.iter().map(|&v| t.receive_ext(v)).collect();
        let rw = t.receive_ext(r);
        let at = interpolate_at(&wires, rw);
        assert_eq!(at.value(), interpolate_at(&values, r), "degree {d}");
        // Constants fold: nothing is recorded.
        let before = cell.borrow().num_ops();
        let folded = interpolate_at(
            &values.iter().map(|&v| Sym::Const(v)).collect::<Vec<_>>(),
            Sym::Const(r),
        );
        assert_eq!(folded.value(), interpolate_at(&values, r));
        assert_eq!(cell.borrow().num_ops(), before);
    }
}

#[test]
fn honest_sumchecks_prove_and_verify() {
    for (seed, n, k) in [(6, 4, 3), (7, 2, 1)] {
        let out = proof(seed, n, k);
        let (c, _) = record(&out, n, k);
        let st = c.statement(Isa::current()).unwrap();
        let lists = st.lists.lookups();
        prove_and_verify_with(&tables(&st), true, &lists, &lists)
            .unwrap_or_else(|e| panic!("n {n} k {k}: {e}"));
    }
}

#[test]
fn forged_round_messages_are_refused_and_rejected() {
    let (n, k) = (4, 3);
    let honest = proof(8, n, k);
    for (round, at) in [(0, 0), (1, 2), (3, 1)] {
        let mut out = honest.clone();
        out.proof.round_polys[round][at] += Ext5::ONE;
        // The native verifier's final claim no longer matches the factors.
        let native =
            verify_product(n, k, out.claimed_sum, &out.proof, &mut Challenger::new()).unwrap();
        let product: Ext5 = out.evals.iter().copied().product();
        assert_ne!(native.final_claim, product);
        let (c, _) = record(&out, n, k);
        assert!(c.failed_check().is_some());
        let st = c.statement(Isa::current()).unwrap();
        let t = tables(&st);
        let lists = st.lists.lookups();
        assert!(
            matches!(prover_verdict_with(&t, &lists), Err(ErrorV2::Unbalanced)),
            "round {round}"
        );
        assert!(
            prove_and_verify_with(&t, false, &lists, &lists).is_err(),
            "round {round}: verifier accepted"
        );
    }
    // The honest circuit's lists do not accept a proof of the forged one either.
    let (hc, _) = record(&honest, n, k);
    let mut out = honest.clone();
    out.proof.round_polys[2][0] += Ext5::ONE;
    let (fc, _) = record(&out, n, k);
    let (hs, fs) = (
        hc.statement(Isa::current()).unwrap(),
        fc.statement(Isa::current()).unwrap(),
    );
    assert_eq!(hs.lists, fs.lists, "same structure, same constants");
    assert!(
        prove_and_verify_with(
            &tables(&fs),
            false,
            &fs.lists.lookups(),
            &hs.lists.lookups()
        )
        .is_err()
    );
}

#[test]
fn shapes_are_checked_like_the_native_verifier() {
    let out = proof(10, 3, 2);
    let cell = RefCell::new(Circuit::new());
    let mut t = CircuitTranscript::new(&cell);
    let sum = Sym::Const(out.claimed_sum);
    assert!(matches!(
        verify_product(4, 2, sum, &out.proof, &mut t),
        Err(SumcheckError::WrongRoundCount {
            expected: 4,
            got: 3
        })
    ));
    assert!(matches!(
        verify_product(3, 3, sum, &out.proof, &mut t),
        Err(SumcheckError::WrongRoundLength { round: 0, .. })
    ));
    assert!(matches!(
        verify_product(3, 0, sum, &out.proof, &mut t),
        Err(SumcheckError::DegreeOutOfRange { degree: 0 })
    ));
}
