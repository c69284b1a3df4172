//! `rec_aggregation::recursion`: the recursive proof that aggregates verify, checked from the
//! children's statements alone. The lists and heights a verifier derives from the statements
//! (a structure-only recording on placeholder proofs) are exactly the prover's; the proof
//! verifies from the statements and the claimed challenges of the deferred balances, and is
//! rejected for any other claim, a child with another message, slot or key order, for the
//! children in another order, and for a child left out.

mod common;

use backend::Isa;
use backend::field::Ext5;
use lean_prover::v2::ErrorV2;
use lean_prover::v2::ProofV2;
use rec_aggregation::recursion::{
    RecursionError, prove_verifications, record_verifications, verification_lists,
    verify_verifications,
};
use rec_aggregation::statement::Statement;
use xmss::{Config, PublicKey};

fn child(n: usize, message: [u8; 32], slot: u32) -> (Statement, ProofV2, Vec<PublicKey>) {
    common::test_child(u64::from(slot), n, message, slot)
}

#[test]
fn the_verifier_derives_the_provers_lists_and_checks_the_proof() {
    let isa = Isa::current();
    let (a, pa, _) = child(1, [0x51; 32], 11);
    let (b, pb, keys_b) = child(2, [0x52; 32], 12);
    let circuit = record_verifications(isa, 2, &[(&a, &pa), (&b, &pb)]).unwrap();
    let claims = circuit.claims();
    assert_eq!(claims.len(), 2 * 2, "one (alpha, beta) per child");
    let (lists, heights) = verification_lists(isa, 2, &[&a, &b], &claims).unwrap();
    assert_eq!(lists, circuit.lists().unwrap());
    assert_eq!(heights, circuit.log_heights());

    // The outer proof at small parameters (quick); the statement's instances agree with the
    // heights.
    let params = common::test_params();
    let (proof, st) = prove_verifications(isa, &circuit, &params).unwrap();
    let got: Vec<usize> = st.instances().iter().map(|i| i.log_height).collect();
    assert_eq!(got, heights.to_vec());
    let bytes = proof.to_bytes();
    let policy = common::policy();
    let verify_claimed = |statements: &[&Statement], claims: &[Ext5]| {
        verify_verifications(isa, 2, statements, claims, &params, &policy, &bytes)
    };
    let verify = |statements: &[&Statement]| verify_claimed(statements, &claims);
    verify(&[&a, &b]).unwrap();
    // Any other claimed challenge fails the circuit's assertion that it is the child's (the
    // verifier computes the balance for the claim); a claim missing or extra is an error.
    for i in 0..claims.len() {
        let mut other = claims.clone();
        other[i] += Ext5::ONE;
        assert!(
            matches!(
                verify_claimed(&[&a, &b], &other),
                Err(RecursionError::Outer(_))
            ),
            "claim {i}"
        );
    }
    for wrong in [&claims[..3], &[claims.as_slice(), &claims[..1]].concat()] {
        assert!(matches!(
            verify_claimed(&[&a, &b], wrong),
            Err(RecursionError::Circuit(_))
        ));
    }
    // The default policy refuses the outer parameters of this test (80 bits).
    assert!(matches!(
        verify_verifications(
            isa,
            2,
            &[&a, &b],
            &claims,
            &params,
            &lean_prover::v2::PolicyV2::DEFAULT,
            &bytes
        ),
        Err(RecursionError::Outer(ErrorV2::Policy { .. }))
    ));
    // Another message, slot or key order for a child; the children swapped; one left out.
    let other_message = Statement::new(Config::Test, &[0x53; 32], 12, &keys_b);
    let other_slot = Statement::new(Config::Test, &[0x52; 32], 13, &keys_b);
    let mut swapped = keys_b.clone();
    swapped.swap(0, 1);
    let other_keys = Statement::new(Config::Test, &[0x52; 32], 12, &swapped);
    for (what, statements) in [
        ("message", vec![&a, &other_message]),
        ("slot", vec![&a, &other_slot]),
        ("key order", vec![&a, &other_keys]),
        ("children swapped", vec![&b, &a]),
        ("a child left out", vec![&a]),
    ] {
        assert!(verify(&statements).is_err(), "{what}: accepted");
    }
}

/// `record_verifications` records each child on its own circuit (in parallel) and appends
/// them (`Circuit::append_fresh`): the circuit is the one a sequential recording of the
/// same verifiers on one circuit, each after a fresh transcript, gives: the same lists,
/// heights, claims and traces (so the same proof).
#[test]
fn recording_children_apart_and_appending_them_is_the_sequential_recording() {
    use lean_prover::v2::{PolicyV2, verify_v2_on};
    use rec_aggregation::circuit::{Circuit, CircuitTranscript};
    use rec_aggregation::recursion::ChildStatement;
    use std::cell::RefCell;

    let isa = Isa::current();
    let (a, pa, _) = child(1, [0x61; 32], 21);
    let (b, pb, _) = child(2, [0x62; 32], 22);
    let (c, pc, _) = child(1, [0x63; 32], 23);
    let children = [(&a, &pa), (&b, &pb), (&c, &pc)];
    let cell = RefCell::new(Circuit::new());
    let params = rec_aggregation::statement::params_v2(2);
    for (k, (st, proof)) in children.iter().enumerate() {
        if k > 0 {
            cell.borrow_mut().fresh_transcript();
        }
        verify_v2_on(
            isa,
            &params,
            &PolicyV2::DEFAULT,
            &st.instances(),
            &ChildStatement::lookups(*st),
            proof,
            &mut CircuitTranscript::new(&cell),
        )
        .unwrap();
    }
    let sequential = cell.into_inner();
    let appended = record_verifications(isa, 2, &children).unwrap();
    assert_eq!(appended.num_wires(), sequential.num_wires());
    assert_eq!(appended.num_ops(), sequential.num_ops());
    assert_eq!(appended.claims(), sequential.claims());
    let (got, want) = (appended.lists().unwrap(), sequential.lists().unwrap());
    for (name, g, w) in [
        ("operations", &got.op_wiring, &want.op_wiring),
        ("links", &got.link_wiring, &want.link_wiring),
        ("constants", &got.constants, &want.constants),
        ("constant uses", &got.constant_uses, &want.constant_uses),
        ("known", &got.known, &want.known),
        ("opened", &got.opened_wiring, &want.opened_wiring),
        ("roots", &got.root_wiring, &want.root_wiring),
        ("fresh", &got.fresh, &want.fresh),
        ("queries", &got.query_wiring, &want.query_wiring),
    ] {
        let first = g.iter().zip(w).position(|(a, b)| a != b);
        assert!(
            first.is_none() && g.len() == w.len(),
            "{name}: lengths {} and {}, first difference at {first:?}",
            g.len(),
            w.len()
        );
    }
    assert_eq!(got, want);
    assert_eq!(appended.log_heights(), sequential.log_heights());
    let traces = |c: &Circuit| -> Vec<Vec<backend::KoalaBear>> {
        let st = c.statement(isa).unwrap();
        st.tables.into_iter().map(|t| t.trace).collect()
    };
    assert_eq!(traces(&appended), traces(&sequential));
}
