//! End-to-end tests of proof system v2 (`lean_prover::v2::prove_v2` / `verify_v2`) on the
//! example AIRs: completeness with identical proofs on every ISA; false witnesses (a
//! constraint broken on one row, an unbalanced bus) refused by the prover and, proved anyway
//! with the test-only unchecked prover, rejected by the verifier; a changed statement
//! (public values, heights, lookup lists) rejected; every value of the AIR sumcheck, the
//! next-row sumchecks and GKR's root tampered, rejected; the byte encoding round-trips, every
//! single byte flipped is rejected, and random or mangled bytes never panic the decoder.

mod common;

use backend::Isa;
use backend::field::Ext5;
use common::*;
use lean_prover::v2::{
    ErrorV2, PolicyV2, ProofV2, prove_v2, prove_v2_unchecked, security_v2, verify_v2,
    verify_v2_bytes,
};
use lean_prover::{Direction, PublicLookup, TableInstance};
use proptest::prelude::*;

fn prove(isa: Isa, tables: &[Table]) -> Result<ProofV2, ErrorV2> {
    prove_v2(isa, &params(), &witnesses(tables), &[])
}

fn verify(tables: &[TableInstance<'_>], proof: &ProofV2) -> Result<(), ErrorV2> {
    verify_v2(Isa::current(), &params(), &policy(), tables, &[], proof)
}

fn cases() -> Vec<(&'static str, Vec<Table>)> {
    let [range, user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    vec![
        ("fibonacci", vec![fibonacci(4)]),
        ("range pair", vec![range, user]),
        ("permutation", vec![permutation(5, 3)]),
        ("all examples", all_examples()),
    ]
}

#[test]
fn honest_proofs_verify_and_are_identical_on_every_isa() {
    for (name, tables) in cases() {
        let mut reference: Option<ProofV2> = None;
        for isa in Isa::available() {
            let proof = prove(isa, &tables).unwrap_or_else(|e| panic!("{name}: {e}"));
            verify(&instances(&tables), &proof).unwrap_or_else(|e| panic!("{name}: {e}"));
            match &reference {
                None => reference = Some(proof),
                Some(r) => assert_eq!(&proof, r, "{name}: {isa:?} differs from scalar"),
            }
        }
    }
}

/// Proves with the unchecked prover and returns the verifier's verdict.
fn forged_verdict(tables: &[Table]) -> Result<(), ErrorV2> {
    let proof = prove_v2_unchecked(Isa::current(), &params(), &witnesses(tables), &[])
        .expect("the unchecked prover proves anything well-shaped");
    verify(&instances(tables), &proof)
}

/// One cell changed, breaking one constraint on one row: the prover refuses the witness,
/// and the proof made anyway is rejected.
#[test]
fn a_broken_constraint_on_one_row_is_refused_and_rejected() {
    // (case, table, row, column, the first failing constraint and row): fibonacci's
    // first-row constraints (row 0), its two transitions (a middle row: the transition into
    // it fails first), its last-row constraint (the transition into it fails first), the
    // permutation's `c = a^3` and the user table's `y = x^2 + 3`.
    let breaks: &[(&str, usize, usize, usize, usize, usize)] = &[
        ("fibonacci", 0, 0, 0, 0, 0),
        ("fibonacci", 0, 0, 1, 1, 0),
        ("fibonacci", 0, 7, 0, 2, 6),
        ("fibonacci", 0, 7, 1, 3, 6),
        ("fibonacci", 0, 15, 1, 3, 14),
        ("permutation", 0, 9, 2, 0, 9),
        ("range pair", 1, 3, 1, 0, 3),
    ];
    for &(name, t, row, col, failing, failing_row) in breaks {
        let mut tables = cases().into_iter().find(|c| c.0 == name).unwrap().1;
        let w = tables[t].air.width();
        tables[t].trace[row * w + col] += f(1);
        assert_eq!(
            prove(Isa::current(), &tables).err(),
            Some(ErrorV2::ConstraintFailed {
                table: t,
                constraint: failing,
                row: failing_row
            }),
            "{name}: table {t} row {row} column {col}"
        );
        assert!(
            forged_verdict(&tables).is_err(),
            "{name}: table {t} row {row} column {col}: forged proof accepted"
        );
    }
}

/// Unbalanced buses: a value out of the range table, a multiplicity changed, a permutation
/// broken (with `c = a^3` kept), a public value out of range. Refused, and rejected.
#[test]
fn an_unbalanced_bus_is_refused_and_rejected() {
    let mut cases_: Vec<(&str, Vec<Table>)> = Vec::new();
    let [range, mut user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    user.trace[2 * 3] = f(40);
    user.trace[2 * 3 + 1] = f(40 * 40 + 3);
    cases_.push(("value out of range", vec![range, user]));
    let [mut range, user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    range.trace[2 * 7 + 1] += f(1);
    cases_.push(("multiplicity changed", vec![range, user]));
    let mut perm = permutation(4, 2);
    perm.trace[3 * 5 + 1] += f(1);
    cases_.push(("permutation broken", vec![perm]));
    let [range, mut user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    user.publics[0] = f(33);
    cases_.push(("public value out of range", vec![range, user]));
    for (name, tables) in cases_ {
        assert_eq!(
            prove(Isa::current(), &tables).err(),
            Some(ErrorV2::Unbalanced),
            "{name}"
        );
        assert!(
            forged_verdict(&tables).is_err(),
            "{name}: forged proof accepted"
        );
    }
}

/// The proof is bound to the statement: other public values, another height, the tables in
/// another order, an added lookup list are all rejected.
#[test]
fn a_changed_statement_is_rejected() {
    let tables = all_examples();
    let proof = prove(Isa::current(), &tables).unwrap();
    let honest = instances(&tables);
    verify(&honest, &proof).unwrap();

    let mut publics = tables[0].publics.clone();
    publics[2] += f(1);
    let mut other = honest.clone();
    other[0].public_values = &publics;
    assert!(verify(&other, &proof).is_err(), "public value");

    let mut other = honest.clone();
    other[3].log_height += 1;
    assert!(verify(&other, &proof).is_err(), "height");

    let mut other = honest.clone();
    other.swap(0, 3);
    assert!(verify(&other, &proof).is_err(), "order");

    let values = [f(5)];
    let mults = [f(1)];
    let list = PublicLookup {
        bus: RANGE_BUS,
        direction: Direction::Send,
        tuple_len: 1,
        values: &values,
        multiplicities: &mults,
    };
    assert!(
        verify_v2(
            Isa::current(),
            &params(),
            &policy(),
            &honest,
            &[list],
            &proof
        )
        .is_err(),
        "lookup list"
    );
}

/// Every value of the AIR sumcheck (round messages, column values), of every next-row
/// sumcheck and its column values, GKR's root and every GKR child value, the commitment's
/// root and out-of-domain answers, and the bus nonce, changed, is rejected.
#[test]
fn every_tampered_statement_value_is_rejected() {
    let tables = all_examples();
    let proof = prove(Isa::current(), &tables).unwrap();
    let inst = instances(&tables);
    let rejected = |p: &ProofV2| verify(&inst, p).is_err();
    assert!(!rejected(&proof));
    let bump = |x: &mut Ext5| *x += Ext5::ONE;
    let mut count = 0;
    let mut check = |what: String, f: &dyn Fn(&mut ProofV2)| {
        let mut p = proof.clone();
        f(&mut p);
        assert!(rejected(&p), "{what}");
        count += 1;
    };
    for r in 0..proof.zerocheck.rounds.len() {
        for j in 0..proof.zerocheck.rounds[r].len() {
            check(format!("zerocheck round {r} value {j}"), &|p| {
                bump(&mut p.zerocheck.rounds[r][j])
            });
        }
    }
    for t in 0..proof.zerocheck.evals.len() {
        for c in 0..proof.zerocheck.evals[t].main.len() {
            check(format!("table {t} main value {c}"), &|p| {
                bump(&mut p.zerocheck.evals[t].main[c])
            });
        }
        for c in 0..proof.zerocheck.evals[t].next.len() {
            check(format!("table {t} next value {c}"), &|p| {
                bump(&mut p.zerocheck.evals[t].next[c])
            });
        }
    }
    for s in 0..proof.shifts.len() {
        for r in 0..proof.shifts[s].sumcheck.round_polys.len() {
            for j in 0..proof.shifts[s].sumcheck.round_polys[r].len() {
                check(format!("shift {s} round {r} value {j}"), &|p| {
                    bump(&mut p.shifts[s].sumcheck.round_polys[r][j])
                });
            }
        }
        for c in 0..proof.shifts[s].columns.len() {
            check(format!("shift {s} column {c}"), &|p| {
                bump(&mut p.shifts[s].columns[c])
            });
        }
    }
    for i in 0..2 {
        check(format!("GKR root {i}"), &|p| bump(&mut p.gkr.root[i]));
    }
    for l in 0..proof.gkr.layers.len() {
        for c in 0..4 {
            check(format!("GKR layer {l} child {c}"), &|p| {
                bump(&mut p.gkr.layers[l].children[c])
            });
        }
        for r in 0..proof.gkr.layers[l].sumcheck.len() {
            for j in 0..2 {
                check(format!("GKR layer {l} round {r} value {j}"), &|p| {
                    bump(&mut p.gkr.layers[l].sumcheck[r][j])
                });
            }
        }
    }
    check("commitment root".into(), &|p| p.commitment.root[0] += f(1));
    for i in 0..proof.commitment.ood_answers.len() {
        check(format!("commitment OOD answer {i}"), &|p| {
            bump(&mut p.commitment.ood_answers[i])
        });
    }
    check("bus nonce".into(), &|p| p.bus_nonce += f(1));
    check("WHIR final polynomial".into(), &|p| {
        bump(&mut p.whir.final_polynomial[0])
    });
    assert!(count > 100, "only {count} values tampered");
}

/// Proofs of the wrong shape are typed errors, never panics.
#[test]
fn malformed_proofs_are_typed_errors() {
    let tables = all_examples();
    let proof = prove(Isa::current(), &tables).unwrap();
    let inst = instances(&tables);
    let mut p = proof.clone();
    p.shifts.pop();
    assert!(matches!(verify(&inst, &p), Err(ErrorV2::Shape { .. })));
    let mut p = proof.clone();
    p.shifts[0].columns.push(Ext5::ZERO);
    assert!(matches!(verify(&inst, &p), Err(ErrorV2::Shape { .. })));
    let mut p = proof.clone();
    p.zerocheck.rounds.pop();
    assert!(matches!(verify(&inst, &p), Err(ErrorV2::Zerocheck(_))));
    let mut p = proof.clone();
    p.zerocheck.evals[1].main.pop();
    assert!(matches!(verify(&inst, &p), Err(ErrorV2::Zerocheck(_))));
    let mut p = proof.clone();
    p.gkr.layers.pop();
    assert!(matches!(verify(&inst, &p), Err(ErrorV2::Gkr(_))));
    let mut p = proof;
    p.whir.rounds.pop();
    assert!(matches!(verify(&inst, &p), Err(ErrorV2::Whir(_))));
}

fn verify_bytes(tables: &[TableInstance<'_>], bytes: &[u8]) -> Result<(), ErrorV2> {
    verify_v2_bytes(Isa::current(), &params(), &policy(), tables, &[], bytes)
}

#[test]
fn the_encoding_round_trips_and_is_identical_on_every_isa() {
    let tables = all_examples();
    let inst = instances(&tables);
    let mut reference: Option<Vec<u8>> = None;
    for isa in Isa::available() {
        let bytes = prove(isa, &tables).unwrap().to_bytes();
        verify_bytes(&inst, &bytes).unwrap();
        match &reference {
            None => reference = Some(bytes),
            Some(r) => assert_eq!(&bytes, r, "{isa:?}"),
        }
    }
    let bytes = reference.unwrap();
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(
        verify_bytes(&inst, &longer),
        Err(ErrorV2::Decode(_))
    ));
    assert!(matches!(
        verify_bytes(&inst, &bytes[..bytes.len() - 1]),
        Err(ErrorV2::Decode(_))
    ));
    // Another statement's shape: the bytes do not decode or do not verify.
    let other = vec![fibonacci(4)];
    assert!(verify_bytes(&instances(&other), &bytes).is_err());
}

/// Every single byte of a proof, flipped (lowest and highest bit), is rejected.
#[test]
fn every_single_byte_flip_is_rejected() {
    let tables = vec![fibonacci(3)];
    let inst = instances(&tables);
    let bytes = prove(Isa::current(), &tables).unwrap().to_bytes();
    verify_bytes(&inst, &bytes).unwrap();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= mask;
            assert!(
                verify_bytes(&inst, &b).is_err(),
                "flip {mask:#x} at byte {i} of {} accepted",
                bytes.len()
            );
        }
    }
}

/// A multi-table proof with buses: a flip at every 11th byte is rejected.
#[test]
fn dense_byte_flips_on_a_multi_table_proof_are_rejected() {
    let tables = all_examples();
    let inst = instances(&tables);
    let bytes = prove(Isa::current(), &tables).unwrap().to_bytes();
    let mut checked = 0;
    for i in (0..bytes.len()).step_by(11) {
        let mut b = bytes.clone();
        b[i] ^= 1 << (i % 8);
        assert!(verify_bytes(&inst, &b).is_err(), "flip at {i}");
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random bytes (with the right header or without) never panic the decoder.
    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..4096), header in any::<bool>()) {
        let tables = all_examples();
        let inst = instances(&tables);
        let mut bytes = Vec::new();
        if header {
            bytes.extend_from_slice(&lean_prover::v2::MAGIC_V2);
            bytes.extend_from_slice(&lean_prover::v2::VERSION_V2.to_le_bytes());
        }
        bytes.extend_from_slice(&body);
        prop_assert!(verify_bytes(&inst, &bytes).is_err());
    }

    /// A valid proof cut at any length or with a run of bytes overwritten never panics and
    /// is rejected.
    #[test]
    fn mangled_proofs_never_panic(cut in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), fill in any::<u8>(), len in 1usize..64) {
        let tables = vec![fibonacci(3)];
        let inst = instances(&tables);
        let bytes = prove(Isa::current(), &tables).unwrap().to_bytes();
        let short = &bytes[..cut.index(bytes.len())];
        prop_assert!(verify_bytes(&inst, short).is_err());
        let mut b = bytes.clone();
        let start = at.index(b.len());
        let mut changed = false;
        for x in b.iter_mut().skip(start).take(len) {
            changed |= *x != fill;
            *x = fill;
        }
        if changed {
            prop_assert!(verify_bytes(&inst, &b).is_err());
        }
    }
}

/// A public lookup list sends a tuple that a table receives: accepted with the list, the
/// buses unbalanced without it or with another value, and the list is bound to the proof.
#[test]
fn public_lookup_lists_balance_and_are_bound() {
    let [mut range, user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    // The range table receives the value 20 once more: the list sends it.
    range.trace[2 * 20 + 1] += f(1);
    let tables = vec![range, user];
    let values = [f(20)];
    let other_values = [f(21)];
    let mults = [f(1)];
    let sent = PublicLookup {
        bus: RANGE_BUS,
        direction: Direction::Send,
        tuple_len: 1,
        values: &values,
        multiplicities: &mults,
    };
    let other = PublicLookup {
        values: &other_values,
        ..sent
    };
    let w = witnesses(&tables);
    assert_eq!(
        prove_v2(Isa::current(), &params(), &w, &[]).err(),
        Some(ErrorV2::Unbalanced)
    );
    let proof = prove_v2(Isa::current(), &params(), &w, &[sent]).unwrap();
    let inst = instances(&tables);
    let bytes = proof.to_bytes();
    verify_v2_bytes(Isa::current(), &params(), &policy(), &inst, &[sent], &bytes).unwrap();
    assert!(verify_v2_bytes(Isa::current(), &params(), &policy(), &inst, &[], &bytes).is_err());
    assert!(
        verify_v2_bytes(
            Isa::current(),
            &params(),
            &policy(),
            &inst,
            &[other],
            &bytes
        )
        .is_err()
    );
    assert!(prove_v2(Isa::current(), &params(), &w, &[other]).is_err());
}

#[test]
fn the_verifier_enforces_its_policy_and_never_reads_security_from_the_proof() {
    let (_, tables) = &cases()[0];
    let isa = Isa::current();
    let proof = prove(isa, tables).unwrap();
    let w = witnesses(tables);
    let inst: Vec<TableInstance<'_>> = w.iter().map(|t| t.instance().unwrap()).collect();
    let report = security_v2(&params(), &inst, &[]).unwrap();
    // The small parameters give WHIR's 80 bits, no more; the statement terms are higher.
    assert!(
        report.provable_bits >= 80.0 && report.provable_bits < 90.0,
        "{report:?}"
    );
    assert!(report.term("LogUp identity") > report.provable_bits);
    assert!(report.terms.iter().all(|t| !t.source.is_empty()));
    // The default policy (124 bits) refuses these parameters, before and after decoding.
    let refused = verify_v2(isa, &params(), &PolicyV2::DEFAULT, &inst, &[], &proof);
    assert!(
        matches!(refused, Err(ErrorV2::Policy { .. })),
        "{refused:?}"
    );
    let refused = verify_v2_bytes(isa, &params(), &PolicyV2::DEFAULT, &inst, &[], &[0u8; 3]);
    assert!(
        matches!(refused, Err(ErrorV2::Policy { .. })),
        "{refused:?}"
    );
    // A policy at exactly the figure accepts; a millibit more refuses.
    let exact = PolicyV2 {
        min_provable_bits: report.provable_bits,
    };
    verify_v2(isa, &params(), &exact, &inst, &[], &proof).unwrap();
    let above = PolicyV2 {
        min_provable_bits: report.provable_bits + 0.01,
    };
    assert!(verify_v2(isa, &params(), &above, &inst, &[], &proof).is_err());
}
