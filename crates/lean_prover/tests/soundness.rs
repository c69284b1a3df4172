//! Soundness: bad witnesses are refused by the prover's checks, and when those checks are
//! skipped the verifier rejects the resulting proof; tampered proofs and statements fail.

mod common;
use backend::field::Ext5;
use common::*;
use lean_prover::{
    ProveError, ProverOptions, StarkParams, VerifyError, prove, prove_with, verify, verify_bytes,
};

fn unchecked() -> ProverOptions {
    ProverOptions {
        skip_witness_checks: true,
        ..ProverOptions::default()
    }
}

/// Proves without the prover's checks and returns the verifier's verdict.
fn verdict(params: &StarkParams, t: &[Table]) -> Result<(), VerifyError> {
    let proof = prove_with(params, &witnesses(t), &unchecked()).expect("unchecked prove");
    verify_bytes(params, &instances(t), &proof.to_bytes())
}

#[test]
fn broken_transition_is_refused_and_rejected() {
    for r in 1..=4 {
        let params = test_params(r);
        let mut t = [fibonacci(4)];
        // Break b' = a + b on one row in the middle.
        t[0].trace[2 * 7 + 1] += f(1);
        // Keep the public result consistent with the (modified) last row is irrelevant:
        // row 7 breaks the transition from row 6 and to row 8.
        let err = prove(&params, &witnesses(&t)).unwrap_err();
        assert!(
            matches!(err, ProveError::ConstraintFailed { table: 0, .. }),
            "{err:?}"
        );
        assert!(verdict(&params, &t).is_err(), "rate {r}");
    }
}

#[test]
fn broken_boundary_is_rejected() {
    let params = test_params(2);
    let mut t = [fibonacci(4)];
    t[0].publics[2] += f(1); // wrong claimed result
    assert!(matches!(
        prove(&params, &witnesses(&t)),
        Err(ProveError::ConstraintFailed { constraint: 4, .. })
    ));
    assert!(verdict(&params, &t).is_err());
}

#[test]
fn broken_degree_three_constraint_is_rejected() {
    let params = test_params(1);
    let mut t = [permutation(4, 3)];
    t[0].trace[3 * 5 + 2] += f(1); // c != a^3 on row 5
    assert!(matches!(
        prove(&params, &witnesses(&t)),
        Err(ProveError::ConstraintFailed { row: 5, .. })
    ));
    assert!(verdict(&params, &t).is_err());
}

#[test]
fn out_of_range_value_unbalances_the_bus() {
    for r in [1, 3] {
        let params = test_params(r);
        // 40 is not in the 5-bit range table: its send has no matching receive.
        let t = range_pair(5, 4, &[1, 2, 40], 3);
        assert!(matches!(
            prove(&params, &witnesses(&t)),
            Err(ProveError::BusUnbalanced)
        ));
        assert!(matches!(
            verdict(&params, &t),
            Err(VerifyError::BusUnbalanced)
        ));
    }
}

#[test]
fn wrong_multiplicity_or_public_unbalances_the_bus() {
    let params = test_params(2);
    let mut t = range_pair(5, 4, &[1, 2, 3], 3);
    t[0].trace[2 * 9 + 1] += f(1); // one extra receive of 9
    assert!(matches!(
        prove(&params, &witnesses(&t)),
        Err(ProveError::BusUnbalanced)
    ));
    assert!(verdict(&params, &t).is_err());

    // Out-of-range public value sent by the verifier.
    let t = range_pair(5, 4, &[1, 2, 3], 99);
    assert!(verdict(&params, &t).is_err());
}

#[test]
fn not_a_permutation_is_rejected() {
    let params = test_params(2);
    let mut t = [permutation(4, 5)];
    t[0].trace[3 * 2 + 1] = t[0].trace[3 * 3 + 1]; // duplicate one entry of b
    assert!(matches!(
        prove(&params, &witnesses(&t)),
        Err(ProveError::BusUnbalanced)
    ));
    assert!(verdict(&params, &t).is_err());
}

#[test]
fn changed_public_value_fails() {
    let params = test_params(2);
    let t = all_examples();
    let proof = prove(&params, &witnesses(&t)).unwrap().to_bytes();
    // Fibonacci result.
    let mut t2 = all_examples();
    t2[0].publics[2] += f(1);
    assert!(verify_bytes(&params, &instances(&t2), &proof).is_err());
    // The verifier-sent public value of the user table (still in range).
    let mut t3 = all_examples();
    t3[2].publics[0] = f(13);
    assert!(verify_bytes(&params, &instances(&t3), &proof).is_err());
    // Unchanged statement still verifies.
    verify_bytes(&params, &instances(&t), &proof).unwrap();
}

#[test]
fn wrong_parameters_or_heights_fail() {
    let params = test_params(2);
    let t = all_examples();
    let proof = prove(&params, &witnesses(&t)).unwrap().to_bytes();
    for other in [
        StarkParams {
            num_queries: 13,
            ..params
        },
        StarkParams {
            pow_bits: 4,
            ..params
        },
        StarkParams {
            bus_pow_bits: 3,
            ..params
        },
        StarkParams {
            log_inv_rate: 3,
            ..params
        },
        StarkParams {
            log_final_poly_len: 2,
            ..params
        },
    ] {
        assert!(verify_bytes(&other, &instances(&t), &proof).is_err());
    }
    let mut inst = instances(&t);
    inst[0].log_height += 1;
    assert!(verify_bytes(&params, &inst, &proof).is_err());
}

#[test]
fn every_single_byte_flip_fails() {
    let params = test_params(1);
    let t = [fibonacci(2)];
    let inst = instances(&t);
    let bytes = prove(&params, &witnesses(&t)).unwrap().to_bytes();
    verify_bytes(&params, &inst, &bytes).unwrap();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            assert!(
                verify_bytes(&params, &inst, &b).is_err(),
                "flip {mask:#x} at byte {i} of {} accepted",
                bytes.len()
            );
        }
    }
}

#[test]
fn dense_byte_flips_on_a_multi_table_proof_fail() {
    let params = test_params(2);
    let t = all_examples();
    let inst = instances(&t);
    let bytes = prove(&params, &witnesses(&t)).unwrap().to_bytes();
    let mut i = 0;
    let mut checked = 0;
    while i < bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 1 << (i % 8);
        assert!(verify_bytes(&params, &inst, &b).is_err(), "flip at {i}");
        checked += 1;
        i += 7;
    }
    assert!(checked > 100);
}

#[test]
fn truncation_and_extension_fail() {
    let params = test_params(1);
    let t = all_examples();
    let inst = instances(&t);
    let bytes = prove(&params, &witnesses(&t)).unwrap().to_bytes();
    for cut in (0..bytes.len()).step_by(13).chain([bytes.len() - 1]) {
        assert!(verify_bytes(&params, &inst, &bytes[..cut]).is_err());
    }
    for extra in [&[0u8][..], &[0, 0, 0, 0], &[1, 2, 3, 4, 5, 6, 7, 8]] {
        let mut b = bytes.clone();
        b.extend_from_slice(extra);
        assert!(verify_bytes(&params, &inst, &b).is_err());
    }
}

/// A table that sends `(x, 0)` on the range bus, whose other users carry 1-value tuples.
/// `(x, 0)` and `(x)` compress to the same field element, so such a statement must be refused
/// before anything is proved or verified.
#[test]
fn mixed_tuple_lengths_on_one_bus_are_refused() {
    use lean_prover::{AirBuilder, StatementError};
    let b = AirBuilder::new("padded-sender");
    let x = b.column("x");
    b.send(RANGE_BUS, &[b.main(x), b.constant(f(0))], b.constant(f(1)));
    let padded = Table {
        air: b.build(3).expect("AIR"),
        trace: (0..8).map(f).collect(),
        publics: vec![],
    };
    let [range, _] = range_pair(3, 3, &[1, 2, 3], 0);
    let tables = [range, padded];
    let params = test_params(1);
    let is_tuple_error = |e: &StatementError| {
        matches!(
            e,
            StatementError::BusTupleLength {
                bus: 7,
                table: 1,
                len: 2,
                expected: 1
            }
        )
    };
    match prove_with(&params, &witnesses(&tables), &unchecked()) {
        Err(ProveError::Statement(e)) => assert!(is_tuple_error(&e), "{e}"),
        other => panic!("expected a statement error, got {other:?}"),
    }
    match verify_bytes(&params, &instances(&tables), &[]) {
        Err(VerifyError::Statement(e)) => assert!(is_tuple_error(&e), "{e}"),
        other => panic!("expected a statement error, got {other:?}"),
    }
}

/// A table whose only interactions are public: the verifier sends `p` and receives `q` on
/// one bus. The bus challenges are drawn even without an auxiliary trace, so `p != q` does
/// not balance (with `alpha = beta = 0` the two terms would cancel for any `p, q`).
#[test]
fn public_only_interactions_must_balance() {
    use lean_prover::{AirBuilder, BusId};
    let b = AirBuilder::new("public-only");
    b.column("x");
    let p = b.public_value();
    let q = b.public_value();
    b.send_public(BusId(5), &[p], b.constant(f(1)));
    b.receive_public(BusId(5), &[q], b.constant(f(1)));
    let air = b.build(3).expect("AIR");
    let params = test_params(1);
    let table = |pq: [u32; 2]| Table {
        air: air.clone(),
        trace: vec![f(0); 4],
        publics: pq.map(f).to_vec(),
    };
    let t = [table([3, 3])];
    let proof = prove(&params, &witnesses(&t)).expect("balanced");
    verify_bytes(&params, &instances(&t), &proof.to_bytes()).expect("verify");
    let t = [table([3, 4])];
    assert_eq!(
        prove(&params, &witnesses(&t)).unwrap_err(),
        ProveError::BusUnbalanced
    );
    assert_eq!(verdict(&params, &t), Err(VerifyError::BusUnbalanced));
}

/// Only the columns read at the next row are opened at `z w`: one opening more or less (as
/// a proof of the old, every-column shape would have) is a decoding error, and a changed
/// next-row value is caught by the out-of-domain check.
#[test]
fn next_row_openings_have_exactly_the_statement_shape() {
    let params = test_params(2);
    let t = all_examples();
    let inst = instances(&t);
    let proof = prove(&params, &witnesses(&t)).unwrap();
    verify(&params, &inst, &proof).unwrap();
    for (o, table) in proof.openings.iter().zip(&t) {
        assert_eq!(o.main_next.len(), table.air.main_next_columns().len());
        assert_eq!(o.aux_next.len(), table.air.aux_next_columns().len());
    }
    // The permutation table reads nothing of its main trace at the next row.
    assert!(proof.openings[3].main_next.is_empty());
    for (table, tt) in t.iter().enumerate() {
        let mut extra = proof.clone();
        let v = extra.openings[table].main[0];
        extra.openings[table].main_next.push(v);
        assert!(matches!(
            verify(&params, &inst, &extra),
            Err(VerifyError::Decode(_))
        ));
        let mut full = proof.clone();
        full.openings[table].aux_next = full.openings[table].aux.clone();
        if tt.air.num_aux_columns() > 1 {
            assert!(matches!(
                verify(&params, &inst, &full),
                Err(VerifyError::Decode(_))
            ));
        }
        if let Some(v) = proof.openings[table].main_next.first() {
            let mut changed = proof.clone();
            changed.openings[table].main_next[0] = *v + Ext5::ONE;
            assert_eq!(
                verify(&params, &inst, &changed),
                Err(VerifyError::OodMismatch(table))
            );
        }
        if let Some(v) = proof.openings[table].aux_next.first() {
            let mut changed = proof.clone();
            changed.openings[table].aux_next[0] = *v + Ext5::ONE;
            assert_eq!(
                verify(&params, &inst, &changed),
                Err(VerifyError::OodMismatch(table))
            );
        }
    }
}

/// A table that range-checks four columns (four sends on [`RANGE_BUS`], two per auxiliary
/// column) and the 5-bit range table receiving them.
fn four_sends(values: &[[u32; 4]], range_bits: usize) -> Vec<Table> {
    let b = lean_prover::AirBuilder::new("four");
    let xs = b.columns("x", 4);
    for &x in &xs {
        b.send(RANGE_BUS, &[b.main(x)], b.constant(f(1)));
    }
    let air = b.build(3).unwrap();
    assert_eq!(air.interaction_groups(), [vec![0, 1], vec![2, 3]]);
    let n_range = 1usize << range_bits;
    let mut mult = vec![0u32; n_range];
    for &v in values.iter().flatten() {
        if (v as usize) < n_range {
            mult[v as usize] += 1;
        }
    }
    let range = (0..n_range)
        .flat_map(|v| [f(v as u32), f(mult[v])])
        .collect();
    vec![
        Table {
            air: range_air(),
            trace: range,
            publics: vec![],
        },
        Table {
            air,
            trace: values.iter().flatten().map(|&v| f(v)).collect(),
            publics: vec![],
        },
    ]
}

#[test]
fn batched_interactions_balance_and_forgeries_fail() {
    let params = test_params(2);
    let rows: Vec<[u32; 4]> = (0..8u32).map(|i| [i, 3 * i % 32, 31 - i, 7]).collect();
    let t = four_sends(&rows, 5);
    let bytes = prove(&params, &witnesses(&t)).unwrap().to_bytes();
    verify_bytes(&params, &instances(&t), &bytes).unwrap();

    // One forged multiplicity in the receiving table, or one value out of range in either
    // column of either pair: unbalanced, refused and rejected.
    let mut forged = four_sends(&rows, 5);
    forged[0].trace[2 * 7 + 1] += f(1);
    assert!(matches!(
        prove(&params, &witnesses(&forged)),
        Err(ProveError::BusUnbalanced)
    ));
    assert_eq!(verdict(&params, &forged), Err(VerifyError::BusUnbalanced));
    for col in 0..4 {
        let mut bad = rows.clone();
        bad[5][col] = 32 + col as u32;
        let forged = four_sends(&bad, 5);
        assert_eq!(verdict(&params, &forged), Err(VerifyError::BusUnbalanced));
    }
    // Two values swapped between the columns of a pair (same multiset): still balanced.
    let mut swapped = rows.clone();
    swapped[2].swap(0, 1);
    let t = four_sends(&swapped, 5);
    verify_bytes(
        &params,
        &instances(&t),
        &prove(&params, &witnesses(&t)).unwrap().to_bytes(),
    )
    .unwrap();
}

/// A degree-4 AIR (`d = a^4`): three quotient chunks on a quotient domain of four times the
/// height, of which the fourth chunk is not committed.
fn fourth_power(log_n: usize) -> Table {
    let b = lean_prover::AirBuilder::new("fourth_power");
    let a = b.column("a");
    let d = b.column("d");
    b.assert_zero(b.main(d) - b.main(a) * b.main(a) * b.main(a) * b.main(a));
    let air = b.build(4).expect("degree-4 AIR");
    assert_eq!(air.quotient_chunks(), 3);
    assert_eq!(air.log_quotient_domain(), 2);
    let trace = (0..1u32 << log_n)
        .flat_map(|i| {
            let x = f(3 * i + 1);
            [x, x * x * x * x]
        })
        .collect();
    Table {
        air,
        trace,
        publics: vec![],
    }
}

#[test]
fn three_quotient_chunks_prove_and_a_broken_degree_four_constraint_is_rejected() {
    for r in 1..=3 {
        let params = test_params(r);
        let t = [fourth_power(5)];
        let proof = prove(&params, &witnesses(&t)).expect("honest degree-4 proof");
        verify(&params, &instances(&t), &proof).expect("honest degree-4 proof verifies");
        let mut bad = [fourth_power(5)];
        bad[0].trace[2 * 9 + 1] += f(1); // d != a^4 on row 9
        assert!(matches!(
            prove(&params, &witnesses(&bad)),
            Err(ProveError::ConstraintFailed { row: 9, .. })
        ));
        assert!(verdict(&params, &bad).is_err(), "rate {r}");
    }
}
