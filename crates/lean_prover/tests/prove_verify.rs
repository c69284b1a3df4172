//! End-to-end: the example AIRs prove and verify at every rate, alone and together.

mod common;
use common::*;
use lean_prover::{prove, verify, verify_bytes};

#[test]
fn fibonacci_every_rate() {
    for r in 1..=4 {
        let t = [fibonacci(4)];
        let params = test_params(r);
        let proof = prove(&params, &witnesses(&t)).expect("prove");
        verify(&params, &instances(&t), &proof).expect("verify");
        verify_bytes(&params, &instances(&t), &proof.to_bytes()).expect("verify bytes");
    }
}

#[test]
fn range_check_bus_every_rate() {
    for r in 1..=4 {
        let t = range_pair(5, 6, &[0, 5, 31, 7, 7, 19, 30], 12);
        let params = test_params(r);
        let proof = prove(&params, &witnesses(&t)).expect("prove");
        verify(&params, &instances(&t), &proof).expect("verify");
    }
}

#[test]
fn permutation_every_rate() {
    for r in 1..=4 {
        let t = [permutation(5, 9)];
        let params = test_params(r);
        let proof = prove(&params, &witnesses(&t)).expect("prove");
        verify(&params, &instances(&t), &proof).expect("verify");
    }
}

#[test]
fn all_tables_mixed_heights_every_rate() {
    for r in 1..=4 {
        let t = all_examples();
        let params = test_params(r);
        let proof = prove(&params, &witnesses(&t)).expect("prove");
        verify(&params, &instances(&t), &proof).expect("verify");
    }
}

#[test]
fn default_parameters_end_to_end() {
    // 105 queries on trees with fewer leaves than queries (duplicates), 16 bits of grinding.
    let params = lean_prover::StarkParams::default();
    let t = all_examples();
    let proof = prove(&params, &witnesses(&t)).expect("prove");
    verify_bytes(&params, &instances(&t), &proof.to_bytes()).expect("verify");
}

#[test]
fn arity_eight_and_longer_final_polynomial() {
    for r in [1, 3] {
        let params = lean_prover::StarkParams {
            log_folding_arity: 3,
            log_final_poly_len: 2,
            ..test_params(r)
        };
        let t = [permutation(9, 2), fibonacci(6)];
        let proof = prove(&params, &witnesses(&t)).expect("prove");
        verify_bytes(&params, &instances(&t), &proof.to_bytes()).expect("verify");
    }
}
