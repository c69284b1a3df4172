//! Splitting a component out of a Type-2 (`rec_aggregation::split`): the split proof verifies
//! through `verify_type_1` with that component's message, slot and keys alone (a plain
//! component and one with children), and is rejected for another key, key order, message or
//! slot, and for any given value of another component edited; a message that is not in the
//! Type-2 is a typed error; truncated headers are errors, never panics; a split merges into a
//! new Type-2 and folds into a new aggregate as a child; the bytes do not depend on the
//! instruction set or the thread count.

mod common;

use backend::Isa;
use common::{test_aggregate, test_signers, verify_test_type_1};
use rec_aggregation::split::{SplitError, SplitProof, split};
use rec_aggregation::type2::merge;
use rec_aggregation::{AggregateOptions, VerifyError, aggregate_with_children};
use xmss::{Config, PublicKey};

#[test]
fn a_split_component_verifies_on_its_own_and_only_as_itself() {
    let isa = Isa::current();
    let (ma, mb, mc) = ([0x71; 32], [0x72; 32], [0x73; 32]);
    let (a, ka) = test_aggregate(1, 401, ma, 31);
    let (b, kb) = test_aggregate(2, 402, mb, 32);
    // C has a child: raw 1 + a child of 1.
    let (c1, kc1) = test_aggregate(1, 403, mc, 33);
    let (rk, rs) = test_signers(1, 404, mc, 33);
    let c = aggregate_with_children(
        &rk,
        &rs,
        &[(&c1, &kc1)],
        &mc,
        33,
        &AggregateOptions::new(Config::Test),
    )
    .unwrap()
    .to_bytes();
    let kc: Vec<PublicKey> = [rk.as_slice(), &kc1].concat();
    let t2 = merge(isa, &[(&a, &ka), (&b, &kb), (&c, &kc)])
        .unwrap()
        .to_bytes();
    let parts: Vec<([u8; 32], u32, &[PublicKey])> =
        vec![(ma, 31, &ka), (mb, 32, &kb), (mc, 33, &kc)];

    let sb = split(isa, Config::Test, &parts, &t2, &mb).unwrap();
    assert_eq!((sb.shape().index, sb.shape().num_keys()), (1, 2));
    let bytes = sb.to_bytes();
    assert_eq!(SplitProof::from_bytes(&bytes).unwrap(), sb);
    verify_test_type_1(&kb, &mb, 32, &bytes).unwrap();

    // Bound to the component: another key order or key, message or slot.
    let mut swapped = kb.clone();
    swapped.swap(0, 1);
    assert!(matches!(
        verify_test_type_1(&swapped, &mb, 32, &bytes),
        Err(VerifyError::Rejected(_))
    ));
    assert!(matches!(
        verify_test_type_1(&[kb[0], ka[0]], &mb, 32, &bytes),
        Err(VerifyError::Rejected(_))
    ));
    assert!(matches!(
        verify_test_type_1(&kb, &ma, 32, &bytes),
        Err(VerifyError::OtherMessageOrSlot)
    ));
    assert!(matches!(
        verify_test_type_1(&kb, &mb, 31, &bytes),
        Err(VerifyError::OtherMessageOrSlot)
    ));
    // Another component's statement entirely (its keys, message and slot).
    assert!(matches!(
        verify_test_type_1(&ka, &ma, 31, &bytes),
        Err(VerifyError::KeyCount { proof: 2, keys: 1 })
    ));
    // The given values of the other components are bound too (they enter the Type-2's
    // statement the split verifies): a digest or a balance edited is rejected, as is an
    // edited claim or proof byte.
    let header = bytes.len() - sb.proof_bytes().len();
    let given_start = given_offset();
    assert_eq!(
        u16::from_le_bytes([bytes[given_start], bytes[given_start + 1]]),
        3
    );
    for (what, at) in [
        ("first given digest", given_start + 2),
        ("own claims", header - 40),
        ("proof", header + 100),
        ("last byte", bytes.len() - 1),
    ] {
        let mut t = bytes.clone();
        t[at] ^= 1;
        assert!(
            verify_test_type_1(&kb, &mb, 32, &t).is_err(),
            "{what} edited: accepted"
        );
    }
    for len in 0..header {
        assert!(SplitProof::from_bytes(&bytes[..len]).is_err(), "{len}");
    }

    // The component with children splits out too, verified with its flat key list.
    let sc = split(isa, Config::Test, &parts, &t2, &mc)
        .unwrap()
        .to_bytes();
    verify_test_type_1(&kc, &mc, 33, &sc).unwrap();
    assert!(verify_test_type_1(&[kc[1], kc[0]], &mc, 33, &sc).is_err());

    // A message not in the Type-2; components other than the Type-2's.
    assert!(matches!(
        split(isa, Config::Test, &parts, &t2, &[0x74; 32]),
        Err(SplitError::NoSuchMessage)
    ));
    let mut other = parts.clone();
    other[0].1 = 30;
    assert!(matches!(
        split(isa, Config::Test, &other, &t2, &mb),
        Err(SplitError::Type2(_))
    ));
    // A split proof is a Type-1 like any other: it merges into a new Type-2 beside another
    // part, and folds into a new aggregate of its message as a child.
    let t2b = merge(isa, &[(&bytes, &kb), (&a, &ka)]).unwrap().to_bytes();
    rec_aggregation::type2::verify_type_2(
        isa,
        Config::Test,
        &[(mb, 32, &kb), (ma, 31, &ka)],
        &t2b,
        &rec_aggregation::PolicyV2::DEFAULT,
    )
    .unwrap();
    let (rk, rs) = test_signers(1, 405, mb, 32);
    let folded = aggregate_with_children(
        &rk,
        &rs,
        &[(&bytes, &kb)],
        &mb,
        32,
        &AggregateOptions::new(Config::Test),
    )
    .unwrap()
    .to_bytes();
    let folded_keys: Vec<PublicKey> = [rk.as_slice(), &kb].concat();
    verify_test_type_1(&folded_keys, &mb, 32, &folded).unwrap();
    assert!(verify_test_type_1(&[rk[0], kb[1], kb[0]], &mb, 32, &folded).is_err());
    // A split whose header names another component with more keys than any aggregate may
    // hold (u32::MAX) is refused before anything is sized by that count, as a child and as
    // a part (the header parses: only the statement's limits catch it).
    let mut huge = bytes.clone();
    let first_count = 9 + 2 + 2 + 32 + 4; // prologue, index, K, message, slot
    huge[first_count..first_count + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(rec_aggregation::Type1Proof::from_bytes(&huge).is_ok());
    assert!(matches!(
        aggregate_with_children(
            &rk,
            &rs,
            &[(&huge, &kb)],
            &mb,
            32,
            &AggregateOptions::new(Config::Test)
        ),
        Err(rec_aggregation::AggregateError::Child {
            index: 0,
            source: VerifyError::TooMany { .. }
        })
    ));
    assert!(merge(isa, &[(&huge, &kb), (&a, &ka)]).is_err());
    assert!(matches!(
        verify_test_type_1(&kb, &mb, 32, &huge),
        Err(VerifyError::TooMany { .. })
    ));
}

/// Where the other components' given lists start: after the fixed header (11 bytes), the
/// Type-2's component count (2), its components (40 bytes and a shape each: one kind byte
/// for a plain one; the third has children: kind, raw count 4, child count 2, the child's
/// count 4 and kind 1, and its claims 2 x 20) and the Type-2's claims (2 x 20 per component).
fn given_offset() -> usize {
    11 + 2 + 41 + 41 + (41 + 4 + 2 + 4 + 1 + 40) + 3 * 2 * 20
}

#[test]
fn split_bytes_do_not_depend_on_isa_or_threads() {
    let (ma, mb) = ([0x75; 32], [0x76; 32]);
    let (a, ka) = test_aggregate(1, 410, ma, 41);
    let (b, kb) = test_aggregate(1, 411, mb, 42);
    let t2 = merge(Isa::current(), &[(&a, &ka), (&b, &kb)])
        .unwrap()
        .to_bytes();
    let parts: Vec<([u8; 32], u32, &[PublicKey])> = vec![(ma, 41, &ka), (mb, 42, &kb)];
    let split_with = |isa: Isa, threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            split(isa, Config::Test, &parts, &t2, &ma)
                .unwrap()
                .to_bytes()
        })
    };
    let reference = split_with(Isa::scalar(), 1);
    for isa in Isa::available() {
        assert!(split_with(isa, 2) == reference, "{isa} differs");
    }
    assert!(
        split_with(Isa::current(), 3) == reference,
        "3 threads differ"
    );
    verify_test_type_1(&ka, &ma, 41, &reference).unwrap();
}
