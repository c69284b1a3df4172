//! Soundness of the recursive verifier, step by step: a child proof forged at one step of its
//! verification (GKR, the balance, the AIR sumcheck, the column values, the next-row
//! sumchecks, the proofs of work, the WHIR folds, out-of-domain answers, final polynomial and
//! final sumcheck) recorded on a permissive circuit (which goes on past the false check) has
//! the honest circuit's structure, the same verifier lists, and a witness the outer prover
//! refuses and, proved anyway, the outer verifier rejects; forged opened leaves and Merkle
//! roots in the outer witness likewise.

mod common;

use backend::field::Ext5;
use backend::{Isa, KoalaBear as F};
use common::{Table, prove_and_verify_with, prover_verdict_with};
use lean_prover::v2::{ErrorV2, PolicyV2, ProofV2, verify_v2, verify_v2_on};
use rec_aggregation::circuit::{
    Circuit, CircuitStatement, CircuitTranscript, OpenedTable, RootTable,
};
use rec_aggregation::statement::{Statement, params_v2};
use std::cell::RefCell;

const MESSAGE: [u8; 32] = [0x45; 32];

fn child() -> (Statement, ProofV2) {
    let (st, proof, _) = common::test_child(6, 2, MESSAGE, 3);
    (st, proof)
}

/// The circuit of the verification of `proof` (permissive: past false checks).
fn record(st: &Statement, proof: &ProofV2, permissive: bool) -> Circuit {
    let circuit = if permissive {
        Circuit::structure_only()
    } else {
        Circuit::new()
    };
    record_on(st, proof, circuit, permissive)
}

/// The verification of `proof` recorded on `circuit` (`permissive` if it is structure-only).
fn record_on(st: &Statement, proof: &ProofV2, circuit: Circuit, permissive: bool) -> Circuit {
    let cell = RefCell::new(circuit);
    let out = verify_v2_on(
        Isa::current(),
        &params_v2(2),
        &PolicyV2::DEFAULT,
        &st.instances(),
        &st.lookups(),
        proof,
        &mut CircuitTranscript::new(&cell),
    );
    assert!(out.is_ok() || !permissive, "{out:?}");
    cell.into_inner()
}

fn tables(st: &CircuitStatement) -> Vec<Table> {
    common::circuit_tables(st)
}

type Forgery = (&'static str, fn(&mut ProofV2), bool);

#[test]
fn a_child_forged_at_any_step_is_refused_and_rejected() {
    let (st, proof) = child();
    let honest = record(&st, &proof, false);
    assert_eq!(honest.failed_check(), None);
    let lists = honest.lists().unwrap();
    let forgeries: [Forgery; 12] = [
        (
            "GKR layer message",
            |p| p.gkr.layers[3].sumcheck[1][0] += Ext5::ONE,
            true,
        ),
        (
            "GKR root (the balance)",
            |p| p.gkr.root[0] += Ext5::ONE,
            false,
        ),
        (
            "GKR child values",
            |p| p.gkr.layers[2].children[1] += Ext5::ONE,
            false,
        ),
        (
            "AIR sumcheck round",
            |p| p.zerocheck.rounds[2][0] += Ext5::ONE,
            false,
        ),
        (
            "AIR column value",
            |p| p.zerocheck.evals[1].main[0] += Ext5::ONE,
            false,
        ),
        (
            "next-row sumcheck",
            |p| p.shifts[0].sumcheck.round_polys[0][0] += Ext5::ONE,
            false,
        ),
        (
            "next-row column value",
            |p| p.shifts[0].columns[0] += Ext5::ONE,
            false,
        ),
        ("bus proof of work", |p| p.bus_nonce += F::ONE, true),
        (
            "WHIR fold message",
            |p| p.whir.rounds[0].sumcheck[0][0] += Ext5::ONE,
            false,
        ),
        (
            "WHIR out-of-domain answer",
            |p| p.commitment.ood_answers[0] += Ext5::ONE,
            false,
        ),
        (
            "WHIR final polynomial",
            |p| p.whir.final_polynomial[0] += Ext5::ONE,
            false,
        ),
        (
            "WHIR query proof of work",
            |p| p.whir.rounds[0].query_nonce += F::ONE,
            false,
        ),
    ];
    for (what, forge, prove_too) in forgeries {
        let mut bad = proof.clone();
        forge(&mut bad);
        assert!(
            verify_v2(
                Isa::current(),
                &params_v2(2),
                &PolicyV2::DEFAULT,
                &st.instances(),
                &st.lookups(),
                &bad
            )
            .is_err(),
            "{what}: the native verifier accepts"
        );
        let c = record(&st, &bad, true);
        assert!(c.failed_check().is_some(), "{what}: no false assertion");
        let forged = c.statement(Isa::current()).unwrap();
        // The verifier's lists for the claimed challenges the forged witness carries (the
        // honest ones unless the forgery changes the child's bus challenges) are the forged
        // circuit's: the structure does not change.
        let claimed = c.claims();
        let expected = if claimed == honest.claims() {
            lists.clone()
        } else {
            record_on(&st, &proof, Circuit::with_claims(claimed), true)
                .lists()
                .unwrap()
        };
        assert_eq!(forged.lists, expected, "{what}: another structure");
        let t = tables(&forged);
        let l = expected.lookups();
        assert!(
            matches!(prover_verdict_with(&t, &l), Err(ErrorV2::Unbalanced)),
            "{what}: the outer prover did not refuse"
        );
        if prove_too {
            assert!(
                prove_and_verify_with(&t, false, &l, &l).is_err(),
                "{what}: the outer verifier accepted"
            );
        }
    }
}

#[test]
fn forged_leaves_and_roots_in_the_outer_witness_are_refused_and_rejected() {
    let (st, proof) = child();
    let c = record(&st, &proof, false);
    let honest = c.statement(Isa::current()).unwrap();
    let l = honest.lists.lookups();
    let opened = OpenedTable::new().unwrap();
    let oc = opened.columns().clone();
    let ow = opened.air().width();
    let roots = RootTable::new().unwrap();
    let rc = roots.columns().clone();
    let rw = roots.air().width();

    // An opened value that is not the leaf's (its wire's uses take the forged value too:
    // only the leaf hash can tell).
    let mut t = tables(&honest);
    t[4].trace[2 * ow + oc.v[5].0] += F::ONE;
    assert!(matches!(
        prover_verdict_with(&t, &l),
        Err(ErrorV2::Unbalanced)
    ));
    assert!(prove_and_verify_with(&t, false, &l, &l).is_err());

    // A root that is not the child's, and an index that is not the query's.
    for col in [rc.root[3], rc.index] {
        let mut t = tables(&honest);
        t[5].trace[rw + col.0] += F::ONE;
        assert!(matches!(
            prover_verdict_with(&t, &l),
            Err(ErrorV2::Unbalanced)
        ));
    }
}
