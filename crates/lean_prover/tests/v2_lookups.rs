//! Public lookup lists under proof system v2 (`lean_prover::v2`): tuples the verifier itself
//! puts on a bus, received row by row by an AIR table. Completeness, the binding of the
//! lists to the proof, the multiset semantics (a permuted list balances, a missing, extra,
//! changed tuple, multiplicity or direction does not), unbalanced witnesses refused by the
//! prover and rejected by the verifier, typed [`StatementError`]s for malformed lists, lists
//! on buses no table uses, public-key-shaped tuples, and the lists' tuples in the security
//! report's LogUp term.

mod common;

use backend::{Isa, KoalaBear};
use common::*;
use lean_prover::lookup::MAX_PUBLIC_LOOKUP_TUPLES;
use lean_prover::v2::{ErrorV2, prove_v2, prove_v2_unchecked, security_v2, verify_v2_bytes};
use lean_prover::{Air, AirBuilder, BusId, Direction, PublicLookup, StatementError};

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

/// A table with `width` value columns and an `active` column: it receives the row's values
/// on `bus` with multiplicity `active` (boolean).
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

/// The receiver table of `2^log_n` rows holding `tuples` (active) then inactive zero rows.
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

fn prove_bytes(t: &[Table], lists: &[List]) -> Result<Vec<u8>, ErrorV2> {
    prove_v2(Isa::current(), &params(), &witnesses(t), &lookups(lists)).map(|p| p.to_bytes())
}

fn check(t: &[Table], lists: &[List], bytes: &[u8]) -> Result<(), ErrorV2> {
    verify_v2_bytes(
        Isa::current(),
        &params(),
        &policy(),
        &instances(t),
        &lookups(lists),
        bytes,
    )
}

/// Proves with the unchecked prover (no witness checks) and returns the verifier's verdict.
fn forged_verdict(t: &[Table], lists: &[List]) -> Result<(), ErrorV2> {
    let proof = prove_v2_unchecked(Isa::current(), &params(), &witnesses(t), &lookups(lists))
        .expect("the unchecked prover proves anything well-shaped");
    check(t, lists, &proof.to_bytes())
}

#[test]
fn receiving_table_proves_and_verifies_at_every_rate() {
    let (t, list) = standard();
    let lk = [list.lookup()];
    for r in 1..=3 {
        let params = params_at(r);
        let bytes = prove_v2(Isa::current(), &params, &witnesses(&t), &lk)
            .expect("prove")
            .to_bytes();
        let verify = |lists: &[PublicLookup<'_>]| {
            verify_v2_bytes(
                Isa::current(),
                &params,
                &policy(),
                &instances(&t),
                lists,
                &bytes,
            )
        };
        verify(&lk).expect("verify");
        // Without the list the statement is different (and unbalanced).
        assert!(verify(&[]).is_err(), "rate {r}");
    }
    assert_eq!(prove_bytes(&t, &[]), Err(ErrorV2::Unbalanced));
    assert_eq!(forged_verdict(&t, &[]), Err(ErrorV2::Unbalanced));
}

#[test]
fn one_changed_value_is_rejected() {
    let (t, list) = standard();
    let bytes = prove_bytes(&t, std::slice::from_ref(&list)).unwrap();
    check(&t, std::slice::from_ref(&list), &bytes).unwrap();
    for (k, j) in [(0, 0), (5, 1), (12, 2), (7, 0)] {
        let mut other = list.clone();
        other.values[3 * k + j] += f(1);
        let other = [other];
        assert!(check(&t, &other, &bytes).is_err(), "tuple {k}");
        assert_eq!(prove_bytes(&t, &other), Err(ErrorV2::Unbalanced));
        assert_eq!(forged_verdict(&t, &other), Err(ErrorV2::Unbalanced));
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
    // Bound to the order given.
    assert!(check(&t, std::slice::from_ref(&permuted), &bytes).is_err());
    assert!(check(&t, std::slice::from_ref(&list), &permuted_bytes).is_err());
    // The list split in two lists on the same bus is the same multiset, too.
    let tuples = list.tuples();
    let (head, tail) = tuples.split_at(6);
    let split = [
        List::from_tuples(LOOKUP_BUS, Direction::Send, head),
        List::from_tuples(LOOKUP_BUS, Direction::Send, tail),
    ];
    let split_bytes = prove_bytes(&t, &split).expect("prove split");
    check(&t, &split, &split_bytes).expect("verify split");
    assert!(check(&t, std::slice::from_ref(&list), &split_bytes).is_err());
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
        let other = [other];
        assert!(check(&t, &other, &bytes).is_err());
        assert_eq!(prove_bytes(&t, &other), Err(ErrorV2::Unbalanced));
        assert_eq!(forged_verdict(&t, &other), Err(ErrorV2::Unbalanced));
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
        let other = [other];
        assert!(check(&t, &other, &bytes).is_err(), "{other:?}");
        assert_eq!(prove_bytes(&t, &other), Err(ErrorV2::Unbalanced));
        assert_eq!(forged_verdict(&t, &other), Err(ErrorV2::Unbalanced));
    }
}

#[test]
fn unbalanced_witness_is_refused_and_rejected() {
    let (t0, list) = standard();
    let list = [list];
    let width = 4;
    let mut changed = standard().0;
    changed[0].trace[5 * width + 1] += f(1); // a of tuple 5
    let mut inactive = standard().0;
    inactive[0].trace[9 * width + 3] = f(0); // tuple 9 not received
    let mut extra = standard().0;
    extra[0].trace[14 * width + 3] = f(1); // receives (0, 0, 0), never sent
    for t in [changed, inactive, extra] {
        assert_eq!(prove_bytes(&t, &list), Err(ErrorV2::Unbalanced));
        assert_eq!(forged_verdict(&t, &list), Err(ErrorV2::Unbalanced));
    }
    // A non-boolean `active` (2 on a row receiving tuple 3, which the list sends once): the
    // constraint fails and the bus is unbalanced (the balance is checked first).
    let mut twice = standard().0;
    twice[0].trace[3 * width + 3] = f(2);
    assert_eq!(prove_bytes(&twice, &list), Err(ErrorV2::Unbalanced));
    assert_eq!(forged_verdict(&twice, &list), Err(ErrorV2::Unbalanced));
    // `active` = 2 on that row and the list sending tuple 3 twice: balanced, but the
    // boolean constraint fails on that row.
    let mut list2 = list.clone();
    list2[0].mults[3] = f(2);
    assert_eq!(
        prove_bytes(&twice, &list2),
        Err(ErrorV2::ConstraintFailed {
            table: 0,
            constraint: 0,
            row: 3
        })
    );
    assert!(forged_verdict(&twice, &list2).is_err());
    // The unmodified witness is fine through the unchecked prover too.
    forged_verdict(&t0, &list).unwrap();
}

/// The prover (checked or not) and the verifier (before reading any byte) refuse a
/// malformed statement with the same [`StatementError`].
fn assert_statement_error(t: &[Table], lists: &[PublicLookup<'_>], expected: StatementError) {
    let want = Some(ErrorV2::Statement(expected.clone()));
    assert_eq!(
        prove_v2(Isa::current(), &params(), &witnesses(t), lists).err(),
        want
    );
    assert_eq!(
        prove_v2_unchecked(Isa::current(), &params(), &witnesses(t), lists).err(),
        want
    );
    assert_eq!(
        verify_v2_bytes(
            Isa::current(),
            &params(),
            &policy(),
            &instances(t),
            lists,
            &[1, 2, 3]
        )
        .err(),
        want
    );
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
    // The fibonacci table has no bus at all; the range pair uses another bus.
    let [range, user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    for t in [vec![fibonacci(3)], vec![range, user]] {
        let tuples = jab(10);
        let send = List::from_tuples(LOOKUP_BUS, Direction::Send, &tuples);
        let mut rev = tuples.clone();
        rev.reverse();
        let receive = List::from_tuples(LOOKUP_BUS, Direction::Receive, &rev);
        let both = [send.clone(), receive.clone()];
        let bytes = prove_bytes(&t, &both).expect("balanced lists");
        check(&t, &both, &bytes).expect("verify");
        assert!(check(&t, std::slice::from_ref(&send), &bytes).is_err());

        // All multiplicities zero: nothing on the bus.
        let mut zero = send.clone();
        zero.mults.iter_mut().for_each(|m| *m = f(0));
        let zero = [zero];
        let bytes = prove_bytes(&t, &zero).expect("zero multiplicities");
        check(&t, &zero, &bytes).expect("verify");

        // A lone list, or two lists that differ, do not balance.
        let mut other = receive.clone();
        other.values[4] += f(1);
        for lists in [vec![send.clone()], vec![send.clone(), other]] {
            assert_eq!(prove_bytes(&t, &lists), Err(ErrorV2::Unbalanced));
            assert_eq!(forged_verdict(&t, &lists), Err(ErrorV2::Unbalanced));
        }
    }
}

/// No lists and an empty list are different statements: a proof of one is rejected for the
/// other.
#[test]
fn an_empty_list_is_another_statement() {
    let t = all_examples();
    let none = prove_bytes(&t, &[]).unwrap();
    check(&t, &[], &none).unwrap();
    let empty = [List {
        bus: BusId(50),
        direction: Direction::Send,
        tuple_len: 2,
        values: vec![],
        mults: vec![],
    }];
    assert!(check(&t, &empty, &none).is_err());
    let with_empty = prove_bytes(&t, &empty).unwrap();
    check(&t, &empty, &with_empty).unwrap();
    assert!(check(&t, &[], &with_empty).is_err());
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
    let other = [other];
    assert!(check(&t, &other, &bytes).is_err());
    assert_eq!(prove_bytes(&t, &other), Err(ErrorV2::Unbalanced));
    assert_eq!(forged_verdict(&t, &other), Err(ErrorV2::Unbalanced));
}

/// Every tuple of a list is one more fraction of the LogUp identity, and its tuple length
/// counts towards the longest tuple: the report's LogUp term (`L F (T + 1) / |K|`, `F`
/// fractions, `T` the longest tuple) loses exactly `log2` of the ratio.
#[test]
fn the_security_report_counts_lookup_tuples() {
    let (t, list) = standard();
    let inst = instances(&t);
    let logup = |lists: &[PublicLookup<'_>]| {
        security_v2(&params(), &inst, lists)
            .unwrap()
            .term("LogUp identity")
    };
    let plain = logup(&[]);
    // 16 rows of one 3-value receive; 13 more tuples of 3 values.
    let with = logup(&[list.lookup()]);
    let expect = (29.0f64 / 16.0).log2();
    assert!((plain - with - expect).abs() < 1e-9, "{plain} {with}");
    // 13 more tuples of 13 values (on another bus): 42 fractions, tuples of 13.
    let long_values = vec![f(1); 13 * 13];
    let long = PublicLookup {
        bus: BusId(60),
        tuple_len: 13,
        values: &long_values,
        ..list.lookup()
    };
    let with_long = logup(&[list.lookup(), long]);
    let expect = (42.0f64 * 14.0 / (16.0 * 4.0)).log2();
    assert!(
        (plain - with_long - expect).abs() < 1e-9,
        "{plain} {with_long}"
    );
}
