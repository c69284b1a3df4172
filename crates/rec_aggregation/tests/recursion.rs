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
