//! The statement's semantics under proof system v2 (`lean_prover::v2`): the example AIRs
//! prove and verify at every rate; a broken transition, a wrong claimed result (boundary
//! constraint against a public value) and a broken degree-4 constraint are refused by the
//! prover and, proved anyway with the unchecked prover, rejected by the verifier; buses with
//! several interactions per table and buses that only public interactions use must balance;
//! a changed public value, another parameter or another height is rejected; malformed
//! statements (no tables, bad heights, trace shapes, public value counts, mixed tuple
//! lengths on one bus) are typed [`StatementError`]s from the prover and the verifier alike.

mod common;

use backend::Isa;
use common::*;
use lean_prover::v2::{
    ErrorV2, ParamsV2, PolicyV2, ProofV2, prove_v2, prove_v2_unchecked, verify_v2_bytes,
};
use lean_prover::{AirBuilder, BusId, StatementError, TableWitness};

fn prove_at(params: &ParamsV2, tables: &[Table]) -> Result<ProofV2, ErrorV2> {
    prove_v2(Isa::current(), params, &witnesses(tables), &[])
}

fn verify_at(params: &ParamsV2, tables: &[Table], bytes: &[u8]) -> Result<(), ErrorV2> {
    verify_v2_bytes(
        Isa::current(),
        params,
        &policy(),
        &instances(tables),
        &[],
        bytes,
    )
}

/// Proves with the unchecked prover (no witness checks) and returns the verifier's verdict.
fn forged_verdict(params: &ParamsV2, tables: &[Table]) -> Result<(), ErrorV2> {
    let proof = prove_v2_unchecked(Isa::current(), params, &witnesses(tables), &[])
        .expect("the unchecked prover proves anything well-shaped");
    verify_at(params, tables, &proof.to_bytes())
}

/// Honest: proves, and the proof verifies (as bytes).
fn assert_honest(params: &ParamsV2, tables: &[Table], what: &str) {
    let bytes = prove_at(params, tables)
        .unwrap_or_else(|e| panic!("{what}: prove: {e}"))
        .to_bytes();
    verify_at(params, tables, &bytes).unwrap_or_else(|e| panic!("{what}: verify: {e}"));
}

/// The prover's error for constraint `constraint` of table `table` failing first on `row`.
fn constraint_failed(table: usize, constraint: usize, row: usize) -> ErrorV2 {
    ErrorV2::ConstraintFailed {
        table,
        constraint,
        row,
    }
}

/// A false witness: the prover refuses it with `expected`, the forged proof is rejected.
fn assert_refused_and_rejected(params: &ParamsV2, tables: &[Table], expected: ErrorV2) {
    assert_eq!(prove_at(params, tables).err(), Some(expected.clone()));
    let verdict = forged_verdict(params, tables);
    assert!(verdict.is_err(), "{expected:?}: forged proof accepted");
    if expected == ErrorV2::Unbalanced {
        assert_eq!(verdict, Err(ErrorV2::Unbalanced));
    }
}

#[test]
fn every_example_proves_and_verifies_at_every_rate() {
    for r in 1..=4 {
        let params = params_at(r);
        assert_honest(&params, &[fibonacci(4)], "fibonacci");
        assert_honest(
            &params,
            &range_pair(5, 6, &[0, 5, 31, 7, 7, 19, 30], 12),
            "range pair",
        );
        assert_honest(&params, &[permutation(5, 9)], "permutation");
        assert_honest(&params, &all_examples(), "all examples");
    }
}

#[test]
fn a_broken_transition_is_refused_and_rejected_at_every_rate() {
    for r in 1..=4 {
        let mut t = [fibonacci(4)];
        // b' = a + b broken from row 6 to row 7 and a' = b from row 7 to row 8: the prover
        // names the first failing row.
        t[0].trace[2 * 7 + 1] += f(1);
        assert_refused_and_rejected(&params_at(r), &t, constraint_failed(0, 3, 6));
    }
}

#[test]
fn a_wrong_claimed_result_is_refused_and_rejected() {
    // The last-row constraint b = result (constraint 4) against a wrong public result.
    let mut t = [fibonacci(4)];
    t[0].publics[2] += f(1);
    assert_refused_and_rejected(&params(), &t, constraint_failed(0, 4, 15));
    // ... and a wrong first-row public value (constraint 0), in the second table.
    let mut t = [permutation(3, 1), fibonacci(4)];
    t[1].publics[0] += f(1);
    assert_refused_and_rejected(&params(), &t, constraint_failed(1, 0, 0));
}

/// A degree-4 AIR: `d = a^4`.
fn fourth_power(log_n: usize) -> Table {
    let b = AirBuilder::new("fourth_power");
    let a = b.column("a");
    let d = b.column("d");
    b.assert_zero(b.main(d) - b.main(a) * b.main(a) * b.main(a) * b.main(a));
    let air = b.build(4).expect("degree-4 AIR");
    assert_eq!(air.constraint_degree(), 4);
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
fn a_degree_four_constraint_proves_and_its_break_is_refused_and_rejected() {
    for r in 1..=3 {
        let params = params_at(r);
        assert_honest(&params, &[fourth_power(5)], "degree 4");
        // Together with tables of lower degree and other heights.
        let mut t = all_examples();
        t.push(fourth_power(3));
        assert_honest(&params, &t, "degree 4 with the examples");
        let mut bad = [fourth_power(5)];
        bad[0].trace[2 * 9 + 1] += f(1); // d != a^4 on row 9
        assert_refused_and_rejected(&params, &bad, constraint_failed(0, 0, 9));
    }
}

/// A table that range-checks four columns (four sends on [`RANGE_BUS`]) and the range table
/// of `2^range_bits` rows receiving them.
fn four_sends(values: &[[u32; 4]], range_bits: usize) -> Vec<Table> {
    let b = AirBuilder::new("four");
    let xs = b.columns("x", 4);
    for &x in &xs {
        b.send(RANGE_BUS, &[b.main(x)], b.constant(f(1)));
    }
    let air = b.build(3).unwrap();
    assert_eq!(air.num_interactions(), 4);
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
fn several_interactions_per_table_balance_and_forgeries_fail() {
    let rows: Vec<[u32; 4]> = (0..8u32).map(|i| [i, 3 * i % 32, 31 - i, 7]).collect();
    assert_honest(&params(), &four_sends(&rows, 5), "four sends");

    // One forged multiplicity in the receiving table.
    let mut forged = four_sends(&rows, 5);
    forged[0].trace[2 * 7 + 1] += f(1);
    assert_refused_and_rejected(&params(), &forged, ErrorV2::Unbalanced);
    // One value out of range in each column.
    for col in 0..4 {
        let mut bad = rows.clone();
        bad[5][col] = 32 + col as u32;
        assert_refused_and_rejected(&params(), &four_sends(&bad, 5), ErrorV2::Unbalanced);
    }
    // Two values swapped between columns of one row (the same multiset): still balanced.
    let mut swapped = rows.clone();
    swapped[2].swap(0, 1);
    swapped[6].swap(1, 3);
    assert_honest(&params(), &four_sends(&swapped, 5), "swapped");
}

/// A table whose only interactions are public: the verifier sends `p` and receives `q` on
/// one bus. The bus challenges are drawn even without private interactions, so `p != q` does
/// not balance (with `alpha = beta = 0` the two terms would cancel for any `p, q`).
#[test]
fn public_only_interactions_must_balance() {
    let b = AirBuilder::new("public-only");
    b.column("x");
    let p = b.public_value();
    let q = b.public_value();
    b.send_public(BusId(5), &[p], b.constant(f(1)));
    b.receive_public(BusId(5), &[q], b.constant(f(1)));
    let air = b.build(3).expect("AIR");
    assert_eq!(air.num_interactions(), 0);
    let table = |pq: [u32; 2]| Table {
        air: air.clone(),
        trace: vec![f(0); 4],
        publics: pq.map(f).to_vec(),
    };
    assert_honest(&params(), &[table([3, 3])], "p = q");
    // Next to a table with private interactions on other buses, too.
    let [range, user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    assert_honest(
        &params(),
        &[range, user, table([9, 9])],
        "p = q, with a bus",
    );

    assert_refused_and_rejected(&params(), &[table([3, 4])], ErrorV2::Unbalanced);
    let [range, user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    assert_refused_and_rejected(
        &params(),
        &[range, user, table([9, 8])],
        ErrorV2::Unbalanced,
    );
}

/// The verifier-sent public value of the user table, changed to another in-range value (the
/// bus still balances for the changed statement's witness, but not for this proof).
#[test]
fn a_changed_verifier_sent_public_value_is_rejected() {
    let t = all_examples();
    let bytes = prove_at(&params(), &t).unwrap().to_bytes();
    verify_at(&params(), &t, &bytes).unwrap();
    let mut other = all_examples();
    other[2].publics[0] = f(13);
    assert!(verify_at(&params(), &other, &bytes).is_err());
    // Every public value of every table, changed.
    for table in 0..t.len() {
        for i in 0..t[table].publics.len() {
            let mut other = all_examples();
            other[table].publics[i] += f(1);
            assert!(
                verify_at(&params(), &other, &bytes).is_err(),
                "table {table} public {i}"
            );
        }
    }
}

/// The proof is bound to the parameters it was made with: each one changed is rejected by
/// the transcript or the proof's shape (the policy is zero bits here, so no rejection comes
/// from the policy); so is every table's height, one more or one less.
#[test]
fn other_parameters_or_heights_are_rejected() {
    let t = all_examples();
    let p = params();
    let bytes = prove_at(&p, &t).unwrap().to_bytes();
    let any = PolicyV2 {
        min_provable_bits: 0.0,
    };
    let verify = |params: &ParamsV2, inst: &[lean_prover::TableInstance<'_>]| {
        verify_v2_bytes(Isa::current(), params, &any, inst, &[], &bytes)
    };
    verify(&p, &instances(&t)).unwrap();
    for (what, other) in [
        (
            "rate",
            ParamsV2 {
                log_inv_rate: 3,
                ..p
            },
        ),
        (
            "security bits",
            ParamsV2 {
                security_bits: 81.0,
                ..p
            },
        ),
        ("WHIR grinding", ParamsV2 { pow_bits: 5, ..p }),
        (
            "bus grinding",
            ParamsV2 {
                bus_pow_bits: 5,
                ..p
            },
        ),
        (
            "first folding factor",
            ParamsV2 {
                first_folding_factor: 3,
                ..p
            },
        ),
        (
            "folding factor",
            ParamsV2 {
                folding_factor: 2,
                ..p
            },
        ),
        (
            "first domain shrink",
            ParamsV2 {
                first_domain_shrink: 2,
                ..p
            },
        ),
        (
            "final variables",
            ParamsV2 {
                max_final_variables: 3,
                ..p
            },
        ),
        (
            "minimum variables",
            ParamsV2 {
                min_variables: 9,
                ..p
            },
        ),
    ] {
        assert!(verify(&other, &instances(&t)).is_err(), "{what}");
    }
    for table in 0..t.len() {
        for delta in [1isize, -1] {
            let mut inst = instances(&t);
            inst[table].log_height = inst[table].log_height.wrapping_add_signed(delta);
            assert!(verify(&p, &inst).is_err(), "table {table} height {delta:+}");
        }
    }
}

/// Both the prover (checked or not) and the verifier (before reading any byte) refuse a
/// malformed statement with the same [`StatementError`].
fn assert_statement_error(witnesses: &[TableWitness<'_>], expected: StatementError) {
    let want = Some(ErrorV2::Statement(expected.clone()));
    assert_eq!(
        prove_v2(Isa::current(), &params(), witnesses, &[]).err(),
        want
    );
    assert_eq!(
        prove_v2_unchecked(Isa::current(), &params(), witnesses, &[]).err(),
        want
    );
    if let Some(inst) = witnesses
        .iter()
        .map(TableWitness::instance)
        .collect::<Option<Vec<_>>>()
    {
        assert_eq!(
            verify_v2_bytes(Isa::current(), &params(), &policy(), &inst, &[], &[1, 2, 3]).err(),
            want
        );
    }
}

#[test]
fn malformed_statements_are_typed_statement_errors() {
    assert_statement_error(&[], StatementError::TableCount(0));

    // A trace that is not 2^k rows of the AIR's width.
    let mut t = all_examples();
    t[1].trace.pop();
    assert_statement_error(&witnesses(&t), StatementError::TraceShape(1));
    let mut t = all_examples();
    t[0].trace.truncate(2 * 3);
    assert_statement_error(&witnesses(&t), StatementError::TraceShape(0));

    // Public values: one more or one less than the AIR declares.
    let mut t = all_examples();
    t[0].publics.push(f(0));
    assert_statement_error(
        &witnesses(&t),
        StatementError::PublicValues {
            table: 0,
            got: 4,
            expected: 3,
        },
    );
    let mut t = all_examples();
    t[2].publics.clear();
    assert_statement_error(
        &witnesses(&t),
        StatementError::PublicValues {
            table: 2,
            got: 0,
            expected: 1,
        },
    );

    // One row: a table of log height 0.
    let mut t = all_examples();
    t[3].trace.truncate(3);
    let min_height = ErrorV2::Statement(StatementError::Height {
        table: 3,
        log_height: 0,
        min: 1,
        max: lean_prover::v2::MAX_LOG_HEIGHT,
    });
    assert_eq!(prove_at(&params(), &t).err(), Some(min_height.clone()));
    let base = all_examples();
    let mut inst = instances(&base);
    inst[3].log_height = 0;
    assert_eq!(
        verify_v2_bytes(Isa::current(), &params(), &policy(), &inst, &[], &[]).err(),
        Some(min_height)
    );
    // A height above the maximum (the verifier's view; no such trace is built).
    let mut inst = instances(&base);
    inst[1].log_height = lean_prover::v2::MAX_LOG_HEIGHT + 1;
    assert_eq!(
        verify_v2_bytes(Isa::current(), &params(), &policy(), &inst, &[], &[]).err(),
        Some(ErrorV2::Statement(StatementError::Height {
            table: 1,
            log_height: lean_prover::v2::MAX_LOG_HEIGHT + 1,
            min: 1,
            max: lean_prover::v2::MAX_LOG_HEIGHT,
        }))
    );
}

/// A table that sends `(x, 0)` on the range bus, whose other users carry 1-value tuples.
/// `(x, 0)` and `(x)` compress to the same field element, so such a statement must be refused
/// before anything is proved or verified.
#[test]
fn mixed_tuple_lengths_on_one_bus_are_refused() {
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
    assert_statement_error(
        &witnesses(&tables),
        StatementError::BusTupleLength {
            bus: RANGE_BUS.0,
            table: 1,
            len: 2,
            expected: 1,
        },
    );
    // A public interaction with another length on the same bus, too.
    let b = AirBuilder::new("public-pair");
    b.column("x");
    let p = b.public_value();
    b.send_public(RANGE_BUS, &[p, p], b.constant(f(1)));
    let pair = Table {
        air: b.build(3).expect("AIR"),
        trace: vec![f(0); 2],
        publics: vec![f(1)],
    };
    let [range, user] = range_pair(3, 3, &[1, 2, 3], 0);
    let tables = [range, user, pair];
    assert_statement_error(
        &witnesses(&tables),
        StatementError::BusTupleLength {
            bus: RANGE_BUS.0,
            table: 2,
            len: 2,
            expected: 1,
        },
    );
}
