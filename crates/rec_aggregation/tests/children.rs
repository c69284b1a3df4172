//! Type-1 aggregates with children (`rec_aggregation::children`): raw signatures and child
//! aggregates of the same message and slot in one proof, verified against the flat key list
//! (raw keys, then each child's); rejected for a key list that differs in one key or in
//! order (within a child or across the boundary between parts), another message or slot
//! (with the header edited to match too) and tampered bytes; a child for another message or
//! slot, whose proof does not verify, of another rate, or deeper than the limit cannot be
//! folded in. A child with a child (three levels) folds in, verifies only for its flat key
//! list and its header's claims, and merges into a Type-2 beside a plain part. The bytes do
//! not depend on the instruction set or the thread count.

mod common;

use backend::Isa;
use common::{test_aggregate, test_signers, verify_test_type_1};
use rec_aggregation::children::{MAX_CHILDREN, MAX_DEPTH, NESTED_VERSION, Shape};
use rec_aggregation::recursion::RecursionError;
use rec_aggregation::type2::{Type2Proof, merge, verify_type_2};
use rec_aggregation::{
    AggregateError, AggregateOptions, PolicyV2, Type1Proof, VerifyError, aggregate,
    aggregate_with_children,
};
use xmss::{Config, PublicKey, Signature};

const MESSAGE: [u8; 32] = [0x5c; 32];
const SLOT: u32 = 17;

#[test]
fn raw_signatures_and_children_verify_only_as_their_flat_key_list() {
    let options = AggregateOptions::new(Config::Test);
    let (raw_keys, raw_sigs) = test_signers(1, 300, MESSAGE, SLOT);
    let (a, ka) = test_aggregate(2, 301, MESSAGE, SLOT);
    let (b, kb) = test_aggregate(1, 302, MESSAGE, SLOT);
    let proof = aggregate_with_children(
        &raw_keys,
        &raw_sigs,
        &[(&a, &ka), (&b, &kb)],
        &MESSAGE,
        SLOT,
        &options,
    )
    .unwrap();
    let Type1Proof::Nested(nested) = &proof else {
        panic!("children give the nested format");
    };
    assert_eq!(nested.shape().num_raw, 1);
    assert_eq!(
        nested.shape().children,
        vec![(2, Shape::Plain), (1, Shape::Plain)]
    );
    let bytes = nested.to_bytes();
    assert_eq!(Type1Proof::from_bytes(&bytes).unwrap(), proof);
    let keys: Vec<PublicKey> = [raw_keys.as_slice(), &ka, &kb].concat();
    verify_test_type_1(&keys, &MESSAGE, SLOT, &bytes).unwrap();

    // One key replaced, two keys swapped inside a child or across the raw/child boundary:
    // the proof rejects them.
    let edited = |edit: &dyn Fn(&mut Vec<PublicKey>)| {
        let mut k = keys.clone();
        edit(&mut k);
        k
    };
    for (what, k) in [
        ("one key", edited(&|k| k[2] = k[0])),
        ("order in a child", edited(&|k| k.swap(1, 2))),
        ("order across parts", edited(&|k| k.swap(0, 1))),
        (
            "children in another order",
            edited(&|k| k[1..].rotate_left(2)),
        ),
    ] {
        assert!(
            matches!(
                verify_test_type_1(&k, &MESSAGE, SLOT, &bytes),
                Err(VerifyError::Rejected(_))
            ),
            "{what}"
        );
    }
    // Another message or slot: refused by the header, and by the proof when the header is
    // edited to match.
    let mut other = MESSAGE;
    other[3] ^= 1;
    assert!(matches!(
        verify_test_type_1(&keys, &other, SLOT, &bytes),
        Err(VerifyError::OtherMessageOrSlot)
    ));
    let mut moved = bytes.clone();
    moved[13 + 3] ^= 1;
    assert!(matches!(
        verify_test_type_1(&keys, &other, SLOT, &moved),
        Err(VerifyError::Rejected(_))
    ));
    let mut reslotted = bytes.clone();
    reslotted[45] ^= 1;
    assert!(matches!(
        verify_test_type_1(&keys, &MESSAGE, SLOT ^ 1, &reslotted),
        Err(VerifyError::Rejected(_))
    ));
    // The header's split of the keys between the parts is bound too: raw 1 + (2, 1) read as
    // raw 1 + (1, 2) is another statement.
    let mut resplit = bytes.clone();
    resplit[55] = 1; // the first child's count
    resplit[60] = 2; // the second child's
    assert!(matches!(
        verify_test_type_1(&keys, &MESSAGE, SLOT, &resplit),
        Err(VerifyError::Rejected(_))
    ));
    assert!(matches!(
        verify_test_type_1(&keys[..3], &MESSAGE, SLOT, &bytes),
        Err(VerifyError::KeyCount { proof: 4, keys: 3 })
    ));
    // A tampered proof byte anywhere after the header.
    let header = bytes.len() - nested_proof_len(&bytes);
    for at in [header, header + 1000, bytes.len() / 2, bytes.len() - 1] {
        let mut t = bytes.clone();
        t[at] ^= 0x10;
        assert!(
            verify_test_type_1(&keys, &MESSAGE, SLOT, &t).is_err(),
            "byte {at}"
        );
    }

    // Children only: the circuit's proof alone.
    let only = aggregate_with_children(&[], &[], &[(&b, &kb), (&a, &ka)], &MESSAGE, SLOT, &options)
        .unwrap();
    let only_keys: Vec<PublicKey> = [kb.as_slice(), &ka].concat();
    let Type1Proof::Nested(only) = &only else {
        panic!("children give the nested format");
    };
    let only_bytes = only.to_bytes();
    verify_test_type_1(&only_keys, &MESSAGE, SLOT, &only_bytes).unwrap();
    assert!(verify_test_type_1(&keys[1..], &MESSAGE, SLOT, &only_bytes).is_err());
    // A plain aggregate goes through the same entry point.
    verify_test_type_1(&ka, &MESSAGE, SLOT, &a).unwrap();
}

/// The v2 proof's length inside Type-1 bytes (everything after the header and the shape).
fn nested_proof_len(bytes: &[u8]) -> usize {
    Type1Proof::from_bytes(bytes).unwrap().proof_bytes().len()
}

/// An aggregate with children to a depth of three levels (a child with a child), verified
/// against its flat key list and merged into a Type-2 with a plain part of another message.
#[test]
fn children_with_children_fold_in_and_merge() {
    let options = AggregateOptions::new(Config::Test);
    let fold = |raw: &(Vec<PublicKey>, Vec<Signature>), children: &[(&[u8], &[PublicKey])]| {
        aggregate_with_children(&raw.0, &raw.1, children, &MESSAGE, SLOT, &options)
            .unwrap()
            .to_bytes()
    };
    let (c1, k1) = test_aggregate(1, 330, MESSAGE, SLOT);
    let r2 = test_signers(1, 331, MESSAGE, SLOT);
    let c2 = fold(&r2, &[(&c1, &k1)]);
    let k2: Vec<PublicKey> = [r2.0.as_slice(), &k1].concat();
    let r3 = test_signers(1, 332, MESSAGE, SLOT);
    let c3 = fold(&r3, &[(&c2, &k2)]);
    let k3: Vec<PublicKey> = [r3.0.as_slice(), &k2].concat();
    let p3 = Type1Proof::from_bytes(&c3).unwrap();
    assert_eq!(p3.shape().depth(), 3);
    verify_test_type_1(&k3, &MESSAGE, SLOT, &c3).unwrap();
    // Keys swapped across the levels, or inside the deepest: rejected.
    for (i, j) in [(0, 1), (1, 2), (0, 2)] {
        let mut k = k3.clone();
        k.swap(i, j);
        assert!(
            verify_test_type_1(&k, &MESSAGE, SLOT, &c3).is_err(),
            "{i} <-> {j}"
        );
    }
    // The middle aggregate's claims edited in the parent's header: rejected.
    let mut t = c3.clone();
    let claims_end = t.len() - nested_proof_len(&c3) - 2 * 20;
    t[claims_end - 20] ^= 1; // the middle child's last claim, first byte
    assert!(verify_test_type_1(&k3, &MESSAGE, SLOT, &t).is_err());

    // Merged beside a plain aggregate of another message, and verified.
    let mut other = MESSAGE;
    other[9] ^= 1;
    let (p, kp) = test_aggregate(2, 333, other, SLOT);
    let isa = Isa::current();
    let t2 = merge(isa, &[(&c3, &k3), (&p, &kp)]).unwrap();
    assert_eq!(t2.components()[0].shape, p3.shape());
    let bytes = t2.to_bytes();
    assert_eq!(Type2Proof::from_bytes(&bytes).unwrap(), t2);
    let policy = PolicyV2::DEFAULT;
    verify_type_2(
        isa,
        Config::Test,
        &[(MESSAGE, SLOT, &k3), (other, SLOT, &kp)],
        &bytes,
        &policy,
    )
    .unwrap();
    let mut swapped = k3.clone();
    swapped.swap(1, 2);
    assert!(
        verify_type_2(
            isa,
            Config::Test,
            &[(MESSAGE, SLOT, &swapped), (other, SLOT, &kp)],
            &bytes,
            &policy,
        )
        .is_err()
    );
}

/// Header bytes of an aggregate with children whose tree is a chain of `levels` levels (each
/// aggregate one child, the last plain), one key, and no proof.
fn chain_header(levels: usize) -> Vec<u8> {
    let mut b = b"XAGC".to_vec();
    b.extend_from_slice(&NESTED_VERSION.to_le_bytes());
    b.extend_from_slice(&[1, 2, 0]); // test configuration, rate 1/4, standard parameters
    b.extend_from_slice(&1u32.to_le_bytes());
    b.extend_from_slice(&MESSAGE);
    b.extend_from_slice(&SLOT.to_le_bytes());
    for level in 1..levels {
        b.extend_from_slice(&0u32.to_le_bytes()); // no raw signatures
        b.extend_from_slice(&1u16.to_le_bytes()); // one child
        b.extend_from_slice(&1u32.to_le_bytes()); // of one key
        b.push(u8::from(level + 1 < levels)); // nested but the last
    }
    b.extend(std::iter::repeat_n(0, 2 * 20 * (levels - 1))); // zero claims
    b
}

#[test]
fn children_that_cannot_be_folded_in_are_typed_errors() {
    let options = AggregateOptions::new(Config::Test);
    let (a, ka) = test_aggregate(1, 310, MESSAGE, SLOT);
    let fold = |children: &[(&[u8], &[PublicKey])]| {
        aggregate_with_children(&[], &[], children, &MESSAGE, SLOT, &options)
    };
    // For another message or slot.
    let mut other = MESSAGE;
    other[0] ^= 1;
    let (m, km) = test_aggregate(1, 311, other, SLOT);
    let (s, ks) = test_aggregate(1, 312, MESSAGE, SLOT + 1);
    for (what, bytes, keys) in [("message", &m, &km), ("slot", &s, &ks)] {
        assert!(
            matches!(
                fold(&[(&a, &ka), (bytes, keys)]),
                Err(AggregateError::ChildOtherMessageOrSlot { index: 1 })
            ),
            "{what}"
        );
    }
    // Whose proof does not verify for the keys given (another key of the same count).
    assert!(matches!(
        fold(&[(&a, &km)]),
        Err(AggregateError::Recursion(RecursionError::Child {
            index: 0,
            ..
        }))
    ));
    // Keys that do not match its count, bytes that are not an aggregate.
    assert!(matches!(
        fold(&[(&a, &[ka[0], ka[0]])]),
        Err(AggregateError::Child {
            index: 0,
            source: VerifyError::KeyCount { proof: 1, keys: 2 }
        })
    ));
    assert!(matches!(
        fold(&[(&a[..40], &ka)]),
        Err(AggregateError::Child { index: 0, .. })
    ));
    // Of another rate.
    let rate1 = AggregateOptions {
        log_inv_rate: 1,
        ..options
    };
    let (keys, sigs) = test_signers(1, 313, MESSAGE, SLOT);
    let r = aggregate(&keys, &sigs, &MESSAGE, SLOT, &rate1)
        .unwrap()
        .to_bytes();
    assert!(matches!(
        fold(&[(&r, &keys)]),
        Err(AggregateError::ChildOtherParameters { index: 0 })
    ));
    // A tree deeper than the limit (the header alone is enough to refuse it).
    let deep = chain_header(MAX_DEPTH);
    assert_eq!(
        Type1Proof::from_bytes(&deep).unwrap().shape().depth(),
        MAX_DEPTH
    );
    assert!(matches!(
        fold(&[(&a, &ka), (&deep, &ka)]),
        Err(AggregateError::TreeTooLarge { index: 1, .. })
    ));
    assert!(Type1Proof::from_bytes(&chain_header(MAX_DEPTH + 1)).is_err());
    // Too many.
    let many: Vec<(&[u8], &[PublicKey])> = vec![(&a, &ka); MAX_CHILDREN + 1];
    assert!(matches!(
        fold(&many),
        Err(AggregateError::TooManyChildren { got: 17, max: 16 })
    ));
    // Nothing at all is the plain aggregate's error.
    assert!(matches!(fold(&[]), Err(AggregateError::Empty)));
}

#[test]
fn nested_bytes_do_not_depend_on_isa_or_threads() {
    let (a, ka) = test_aggregate(1, 320, MESSAGE, SLOT);
    let (raw_keys, raw_sigs) = test_signers(1, 321, MESSAGE, SLOT);
    let prove = |isa| {
        let options = AggregateOptions {
            isa,
            ..AggregateOptions::new(Config::Test)
        };
        let proof =
            aggregate_with_children(&raw_keys, &raw_sigs, &[(&a, &ka)], &MESSAGE, SLOT, &options)
                .unwrap();
        assert!(matches!(proof, Type1Proof::Nested(_)));
        proof.to_bytes()
    };
    let reference = prove(Isa::scalar());
    for isa in Isa::available() {
        assert_eq!(prove(isa), reference, "{isa:?}");
    }
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        assert_eq!(
            pool.install(|| prove(Isa::current())),
            reference,
            "{threads} threads"
        );
    }
}
