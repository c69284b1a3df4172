//! Public lookup lists: tuples the verifier itself puts on a bus, received row by row by an
//! AIR table. Completeness, statement binding, the multiset semantics, soundness against
//! unbalanced witnesses, typed errors for malformed lists, and ISA independence.

mod common;
use backend::{Isa, KoalaBear};
use common::*;
use lean_prover::lookup::MAX_PUBLIC_LOOKUP_TUPLES;
use lean_prover::security::SecurityShape;
use lean_prover::{
    Air, AirBuilder, BusId, Direction, ProveError, ProverOptions, PublicLookup, StatementError,
    TableWitness, VerifyError, prove_with, prove_with_lookups, verify_bytes,
    verify_bytes_with_lookups,
};

const LOOKUP_BUS: BusId = BusId(11);

/// An owned public lookup list.
#[derive(Clone, Debug)]
struct List {
    bus: BusId,
    direction: Direction,
    tuple_len: usize,
    values: Vec<KoalaBear>,
    mults: Vec<KoalaBear>,
}

impl List {
    fn lookup(&self) -> PublicLookup<'_> {
        PublicLookup {
            bus: self.bus,
            direction: self.direction,
            tuple_len: self.tuple_len,
            values: &self.values,
            multiplicities: &self.mults,
        }
    }
    fn tuples(&self) -> Vec<Vec<KoalaBear>> {
        self.values
            .chunks(self.tuple_len)
            .map(<[KoalaBear]>::to_vec)
            .collect()
    }
    fn from_tuples(bus: BusId, direction: Direction, tuples: &[Vec<KoalaBear>]) -> List {
        List {
            bus,
            direction,
            tuple_len: tuples[0].len(),
            values: tuples.concat(),
            mults: vec![f(1); tuples.len()],
        }
    }
}

fn lookups(lists: &[List]) -> Vec<PublicLookup<'_>> {
    lists.iter().map(List::lookup).collect()
}

fn unchecked() -> ProverOptions {
    ProverOptions {
        skip_witness_checks: true,
        ..ProverOptions::default()
    }
}

/// A table of `2^log_n` rows with `width` value columns and an `active` column: it receives
/// the row's values on `bus` with multiplicity `active` (boolean).
fn receiver_air(bus: BusId, width: usize) -> Air {
    let b = AirBuilder::new("receiver");
    let v = b.columns("v", width);
    let active = b.column("active");
    let a = b.main(active);
    b.assert_zero(a * (a - b.constant(f(1))));
    let tuple: Vec<_> = v.iter().map(|&c| b.main(c)).collect();
    b.receive(bus, &tuple, a);
    b.build(3).expect("receiver AIR")
}

/// The receiver table holding `tuples` (active) then inactive zero rows.
fn receiver(bus: BusId, tuples: &[Vec<KoalaBear>], log_n: usize) -> Table {
    let width = tuples[0].len();
    let n = 1usize << log_n;
    assert!(tuples.len() <= n);
    let mut trace = vec![f(0); n * (width + 1)];
    for (row, t) in trace.chunks_exact_mut(width + 1).zip(tuples) {
        row[..width].copy_from_slice(t);
        row[width] = f(1);
    }
    Table {
        air: receiver_air(bus, width),
        trace,
        publics: vec![],
    }
}

/// `(j, a, b)` tuples: `j` the index, `a = j^2 + 7`, `b = 3 j + 100`.
fn jab(count: usize) -> Vec<Vec<KoalaBear>> {
    (0..count as u32)
        .map(|j| vec![f(j), f(j * j + 7), f(3 * j + 100)])
        .collect()
}

/// The standard statement: 13 `(j, a, b)` tuples received by a 16-row table, sent by the
/// verifier's list.
fn standard() -> ([Table; 1], List) {
    let tuples = jab(13);
    (
        [receiver(LOOKUP_BUS, &tuples, 4)],
        List::from_tuples(LOOKUP_BUS, Direction::Send, &tuples),
    )
}

fn prove_bytes(t: &[Table], lists: &[List]) -> Result<Vec<u8>, ProveError> {
    prove_with_lookups(
        &test_params(2),
        &witnesses(t),
        &lookups(lists),
        &ProverOptions::default(),
    )
    .map(|p| p.to_bytes())
}

fn check(t: &[Table], lists: &[List], bytes: &[u8]) -> Result<(), VerifyError> {
    verify_bytes_with_lookups(&test_params(2), &instances(t), &lookups(lists), bytes)
}

#[test]
fn receiving_table_proves_and_verifies() {
    let (t, list) = standard();
    for r in [1, 2, 3] {
        let params = test_params(r);
        let proof = prove_with_lookups(
            &params,
            &witnesses(&t),
            &[list.lookup()],
            &ProverOptions::default(),
        )
        .expect("prove");
        let bytes = proof.to_bytes();
        verify_bytes_with_lookups(&params, &instances(&t), &[list.lookup()], &bytes)
            .expect("verify");
        // Without the list the statement is different (and unbalanced).
        assert!(verify_bytes(&params, &instances(&t), &bytes).is_err());
    }
    assert_eq!(
        prove_with(&test_params(2), &witnesses(&t), &ProverOptions::default()).unwrap_err(),
        ProveError::BusUnbalanced
    );
}

#[test]
fn one_changed_value_is_rejected() {
    let (t, list) = standard();
    let bytes = prove_bytes(&t, std::slice::from_ref(&list)).unwrap();
    check(&t, std::slice::from_ref(&list), &bytes).unwrap();
    for (k, j) in [(0, 0), (5, 1), (12, 2), (7, 0)] {
        let mut other = list.clone();
        other.values[3 * k + j] += f(1);
        assert!(
            check(&t, std::slice::from_ref(&other), &bytes).is_err(),
            "tuple {k}"
        );
        assert_eq!(prove_bytes(&t, &[other]), Err(ProveError::BusUnbalanced));
    }
}

/// The bus compares multisets: a permuted list balances the same table (the prover accepts
/// it and the proof made with it verifies). The transcript binds the list as given, so the
/// proof made for one order does not verify against another.
#[test]
fn permuted_list_is_the_same_multiset() {
    let (t, list) = standard();
    let bytes = prove_bytes(&t, std::slice::from_ref(&list)).unwrap();
    let mut tuples = list.tuples();
    tuples.reverse();
    tuples.swap(0, 5);
    let permuted = List::from_tuples(LOOKUP_BUS, Direction::Send, &tuples);
    assert_ne!(permuted.values, list.values);
    let permuted_bytes = prove_bytes(&t, std::slice::from_ref(&permuted)).expect("prove");
    check(&t, std::slice::from_ref(&permuted), &permuted_bytes).expect("verify");
    // Binding to the order given.
    assert!(check(&t, std::slice::from_ref(&permuted), &bytes).is_err());
    assert!(check(&t, std::slice::from_ref(&list), &permuted_bytes).is_err());
}

#[test]
fn missing_or_extra_tuple_is_rejected() {
    let (t, list) = standard();
    let bytes = prove_bytes(&t, std::slice::from_ref(&list)).unwrap();
    let tuples = list.tuples();
    let missing = List::from_tuples(LOOKUP_BUS, Direction::Send, &tuples[1..]);
    let mut dup = tuples.clone();
    dup.push(tuples[4].clone());
    let duplicated = List::from_tuples(LOOKUP_BUS, Direction::Send, &dup);
    let mut extra = tuples.clone();
    extra.push(vec![f(13), f(13 * 13 + 7), f(3 * 13 + 100)]);
    let added = List::from_tuples(LOOKUP_BUS, Direction::Send, &extra);
    for other in [missing, duplicated, added] {
        assert!(check(&t, std::slice::from_ref(&other), &bytes).is_err());
        assert_eq!(prove_bytes(&t, &[other]), Err(ProveError::BusUnbalanced));
    }
}

#[test]
fn changed_multiplicity_or_direction_is_rejected() {
    let (t, list) = standard();
    let bytes = prove_bytes(&t, std::slice::from_ref(&list)).unwrap();
    let mut others = Vec::new();
    for m in [0, 2, KoalaBear::ORDER - 1] {
        let mut o = list.clone();
        o.mults[3] = f(m);
        others.push(o);
    }
    let mut o = list.clone();
    o.direction = Direction::Receive;
    others.push(o);
    for other in others {
        assert!(
            check(&t, std::slice::from_ref(&other), &bytes).is_err(),
            "{other:?}"
        );
        assert_eq!(prove_bytes(&t, &[other]), Err(ProveError::BusUnbalanced));
    }
}

#[test]
fn unbalanced_witness_is_refused_and_rejected() {
    let (t0, list) = standard();
    let width = 4;
    let mut changed = standard().0;
    changed[0].trace[5 * width + 1] += f(1); // a of tuple 5
    let mut inactive = standard().0;
    inactive[0].trace[9 * width + 3] = f(0); // tuple 9 not received
    let mut extra = standard().0;
    extra[0].trace[14 * width + 3] = f(1); // receives (0, 0, 0), never sent
    for t in [changed, inactive, extra] {
        let lk = [list.lookup()];
        let params = test_params(2);
        assert_eq!(
            prove_with_lookups(&params, &witnesses(&t), &lk, &ProverOptions::default())
                .unwrap_err(),
            ProveError::BusUnbalanced
        );
        let proof = prove_with_lookups(&params, &witnesses(&t), &lk, &unchecked())
            .expect("unchecked prove");
        assert_eq!(
            verify_bytes_with_lookups(&params, &instances(&t), &lk, &proof.to_bytes()),
            Err(VerifyError::BusUnbalanced)
        );
    }
    // The unmodified witness is fine with the same options.
    let proof = prove_with_lookups(
        &test_params(2),
        &witnesses(&t0),
        &[list.lookup()],
        &unchecked(),
    )
    .unwrap();
    check(&t0, &[list], &proof.to_bytes()).unwrap();
}

/// Each malformed statement gives the same typed [`StatementError`] from prove and verify.
fn assert_statement_error(t: &[Table], lists: &[PublicLookup<'_>], expected: StatementError) {
    let params = test_params(1);
    match prove_with_lookups(&params, &witnesses(t), lists, &unchecked()) {
        Err(ProveError::Statement(e)) => assert_eq!(e, expected),
        other => panic!("expected {expected:?}, got {other:?}"),
    }
    match verify_bytes_with_lookups(&params, &instances(t), lists, &[1, 2, 3]) {
        Err(VerifyError::Statement(e)) => assert_eq!(e, expected),
        other => panic!("expected {expected:?}, got {other:?}"),
    }
}

#[test]
fn malformed_lookups_are_typed_statement_errors() {
    let (t, list) = standard();
    // values.len() != count * tuple_len.
    let mut long = list.clone();
    long.values.push(f(0));
    assert_statement_error(
        &t,
        &[long.lookup()],
        StatementError::LookupShape {
            lookup: 0,
            values: 40,
            count: 13,
            tuple_len: 3,
        },
    );
    let mut short = list.clone();
    short.mults.push(f(1));
    assert_statement_error(
        &t,
        &[list.lookup(), short.lookup()],
        StatementError::LookupShape {
            lookup: 1,
            values: 39,
            count: 14,
            tuple_len: 3,
        },
    );
    // Tuple length out of range.
    for len in [0, lean_prover::air::MAX_TUPLE_LEN + 1] {
        let bad = PublicLookup {
            tuple_len: len,
            ..list.lookup()
        };
        assert_statement_error(
            &t,
            &[bad],
            StatementError::LookupTupleLen { lookup: 0, len },
        );
    }
    // Tuple length clash with the AIR's receive on the same bus: (j, a) vs (j, a, b).
    let pairs: Vec<Vec<KoalaBear>> = list.tuples().iter().map(|v| v[..2].to_vec()).collect();
    let clash = List::from_tuples(LOOKUP_BUS, Direction::Send, &pairs);
    assert_statement_error(
        &t,
        &[clash.lookup()],
        StatementError::LookupBusTupleLength {
            bus: LOOKUP_BUS.0,
            lookup: 0,
            len: 2,
            expected: 3,
        },
    );
    // ... and between two lists on a bus no table uses.
    let a = List::from_tuples(BusId(40), Direction::Send, &pairs);
    let b = List::from_tuples(BusId(40), Direction::Receive, &list.tuples());
    assert_statement_error(
        &t,
        &[list.lookup(), a.lookup(), b.lookup()],
        StatementError::LookupBusTupleLength {
            bus: 40,
            lookup: 2,
            len: 3,
            expected: 2,
        },
    );
    // Bus ids equal mod p are one bus for the compression, hence for the check.
    let alias = List::from_tuples(
        BusId(LOOKUP_BUS.0 + KoalaBear::ORDER),
        Direction::Send,
        &pairs,
    );
    assert_statement_error(
        &t,
        &[alias.lookup()],
        StatementError::LookupBusTupleLength {
            bus: LOOKUP_BUS.0 + KoalaBear::ORDER,
            lookup: 0,
            len: 2,
            expected: 3,
        },
    );
    // Too many tuples in all (checked before the values' length).
    let many = vec![f(0); MAX_PUBLIC_LOOKUP_TUPLES / 2 + 1];
    let big = PublicLookup {
        bus: BusId(41),
        direction: Direction::Send,
        tuple_len: 1,
        values: &many,
        multiplicities: &many,
    };
    assert_statement_error(
        &t,
        &[big, PublicLookup { values: &[], ..big }],
        StatementError::LookupTuples {
            lookup: 1,
            max: MAX_PUBLIC_LOOKUP_TUPLES,
        },
    );
}

/// Lists on a bus no table uses: they must balance among themselves (with random
/// challenges, so only as multisets).
#[test]
fn lists_without_interacting_tables() {
    let t = [fibonacci(3)];
    let tuples = jab(10);
    let send = List::from_tuples(LOOKUP_BUS, Direction::Send, &tuples);
    let mut rev = tuples.clone();
    rev.reverse();
    let receive = List::from_tuples(LOOKUP_BUS, Direction::Receive, &rev);
    let bytes = prove_bytes(&t, &[send.clone(), receive.clone()]).expect("balanced lists");
    check(&t, &[send.clone(), receive.clone()], &bytes).expect("verify");
    assert!(check(&t, std::slice::from_ref(&send), &bytes).is_err());

    // All multiplicities zero: nothing on the bus.
    let mut zero = send.clone();
    zero.mults.iter_mut().for_each(|m| *m = f(0));
    let bytes = prove_bytes(&t, std::slice::from_ref(&zero)).expect("zero multiplicities");
    check(&t, &[zero], &bytes).expect("verify");

    // A lone list, or two lists that differ, do not balance.
    let mut other = receive.clone();
    other.values[4] += f(1);
    for lists in [vec![send.clone()], vec![send.clone(), other]] {
        assert_eq!(prove_bytes(&t, &lists), Err(ProveError::BusUnbalanced));
        let lk = lookups(&lists);
        let proof = prove_with_lookups(&test_params(2), &witnesses(&t), &lk, &unchecked())
            .expect("unchecked prove");
        assert_eq!(
            verify_bytes_with_lookups(&test_params(2), &instances(&t), &lk, &proof.to_bytes()),
            Err(VerifyError::BusUnbalanced)
        );
    }
}

/// The shape of the intended use: 14-value tuples `(j, root[8], parameter[5])`.
#[test]
fn public_key_shaped_tuples() {
    let n = 300;
    let tuples: Vec<Vec<KoalaBear>> = (0..n as u32)
        .map(|j| {
            std::iter::once(f(j))
                .chain((0..13).map(|i| f(j.wrapping_mul(2654435761).wrapping_add(i * 977))))
                .collect()
        })
        .collect();
    let t = [receiver(BusId(2), &tuples, 9), fibonacci(5)];
    let list = List::from_tuples(BusId(2), Direction::Send, &tuples);
    assert_eq!(list.tuple_len, 14);
    let bytes = prove_bytes(&t, std::slice::from_ref(&list)).expect("prove");
    check(&t, std::slice::from_ref(&list), &bytes).expect("verify");
    let mut other = list.clone();
    other.values[14 * 299 + 13] += f(1); // last parameter value of the last key
    assert!(check(&t, &[other], &bytes).is_err());
}

#[test]
fn proof_bytes_identical_on_every_isa() {
    let (t, list) = standard();
    let mut all = all_examples();
    all.extend(t);
    let params = test_params(2);
    let mut reference: Option<Vec<u8>> = None;
    for isa in Isa::available() {
        let opts = ProverOptions {
            isa,
            skip_witness_checks: false,
        };
        let bytes = prove_with_lookups(&params, &witnesses(&all), &[list.lookup()], &opts)
            .unwrap()
            .to_bytes();
        match &reference {
            None => {
                verify_bytes_with_lookups(&params, &instances(&all), &[list.lookup()], &bytes)
                    .unwrap();
                reference = Some(bytes);
            }
            Some(r) => assert!(*r == bytes, "{isa:?} differs"),
        }
    }
}

/// No lists is exactly the old statement; an empty list is a different statement.
#[test]
fn no_lists_is_the_old_statement() {
    let params = test_params(2);
    let t = all_examples();
    let w: Vec<TableWitness<'_>> = witnesses(&t);
    let old = prove_with(&params, &w, &ProverOptions::default())
        .unwrap()
        .to_bytes();
    let new = prove_with_lookups(&params, &w, &[], &ProverOptions::default())
        .unwrap()
        .to_bytes();
    assert!(old == new);
    verify_bytes_with_lookups(&params, &instances(&t), &[], &old).unwrap();

    let empty = PublicLookup {
        bus: BusId(50),
        direction: Direction::Send,
        tuple_len: 2,
        values: &[],
        multiplicities: &[],
    };
    assert!(verify_bytes_with_lookups(&params, &instances(&t), &[empty], &old).is_err());
    let with_empty = prove_with_lookups(&params, &w, &[empty], &ProverOptions::default())
        .unwrap()
        .to_bytes();
    verify_bytes_with_lookups(&params, &instances(&t), &[empty], &with_empty).unwrap();
    assert!(verify_bytes(&params, &instances(&t), &with_empty).is_err());
}

#[test]
fn security_shape_counts_lookup_tuples() {
    let (t, list) = standard();
    let tables = [(&t[0].air, 4usize)];
    let plain = SecurityShape::of_statement(&tables);
    let with = SecurityShape::of_statement_with_lookups(&tables, &[list.lookup()]);
    assert_eq!(plain.interaction_rows, 16);
    assert_eq!(with.interaction_rows, 16 + 13);
    assert_eq!(with.max_tuple_len, 3);
    let long = PublicLookup {
        tuple_len: 13,
        ..list.lookup()
    };
    let with = SecurityShape::of_statement_with_lookups(&tables, &[list.lookup(), long]);
    assert_eq!(with.interaction_rows, 16 + 26);
    assert_eq!(with.max_tuple_len, 13);
}
