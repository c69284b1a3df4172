//! Type-2 proofs (`rec_aggregation::type2`): two Type-1 aggregates merged into one proof that
//! verifies against their messages, slots and key lists, and is rejected for a key list that
//! differs in one key or in order, the components swapped, another message or slot (with the
//! header edited to match too), a component left out; a part whose proof does not verify, or
//! for the same message and slot as another, cannot be merged; the limits are typed errors.

use backend::Isa;
use rec_aggregation::type2::{MAX_COMPONENTS, Type2Error, Type2Proof, merge, verify_type_2};
use rec_aggregation::{AggregateOptions, PolicyV2, aggregate};
use xmss::{Config, PublicKey};

fn part(n: usize, message: [u8; 32], slot: u32) -> (Vec<u8>, Vec<PublicKey>) {
    let (keys, sigs): (Vec<_>, Vec<_>) = xmss::fixtures::generate(
        Isa::scalar(),
        Config::Test,
        u64::from(slot),
        n,
        &message,
        slot,
    )
    .unwrap()
    .into_iter()
    .unzip();
    let options = AggregateOptions::new(Config::Test);
    let bytes = aggregate(&keys, &sigs, &message, slot, &options)
        .unwrap()
        .to_bytes();
    (bytes, keys)
}

#[test]
fn merged_aggregates_verify_only_as_themselves() {
    let isa = Isa::current();
    let (ma, mb) = ([0x61; 32], [0x62; 32]);
    let (a, ka) = part(1, ma, 21);
    let (b, kb) = part(2, mb, 22);
    let t2 = merge(isa, &[(&a, &ka), (&b, &kb)]).unwrap();
    assert_eq!(t2.components().len(), 2);
    let bytes = t2.to_bytes();
    assert_eq!(Type2Proof::from_bytes(&bytes).unwrap(), t2);
    let policy = PolicyV2::DEFAULT;
    let verify = |parts: &[([u8; 32], u32, &[PublicKey])], bytes: &[u8]| {
        verify_type_2(isa, Config::Test, parts, bytes, &policy)
    };
    verify(&[(ma, 21, &ka), (mb, 22, &kb)], &bytes).unwrap();

    // Another key in one component, or the keys in another order: the proof rejects them.
    let mut swapped = kb.clone();
    swapped.swap(0, 1);
    let mut replaced = kb.clone();
    replaced[1] = ka[0];
    for (what, keys) in [("key order", &swapped), ("one key", &replaced)] {
        assert!(
            matches!(
                verify(&[(ma, 21, &ka), (mb, 22, keys)], &bytes),
                Err(Type2Error::Recursion(_))
            ),
            "{what}"
        );
    }
    // The components swapped, another message or slot, one left out: refused by the header.
    for parts in [
        vec![(mb, 22, kb.as_slice()), (ma, 21, ka.as_slice())],
        vec![(ma, 21, ka.as_slice()), ([0x63; 32], 22, kb.as_slice())],
        vec![(ma, 21, ka.as_slice()), (mb, 23, kb.as_slice())],
        vec![(ma, 21, ka.as_slice())],
    ] {
        assert!(matches!(
            verify(&parts, &bytes),
            Err(Type2Error::OtherComponent { .. })
        ));
    }
    // With the header edited to name another message or slot, the proof rejects it.
    let mut edited = bytes.clone();
    edited[11 + 41] ^= 1; // the second component's message (after the first's 40 bytes and kind)
    let mut other = mb;
    other[0] ^= 1;
    assert!(matches!(
        verify(&[(ma, 21, &ka), (other, 22, &kb)], &edited),
        Err(Type2Error::Recursion(_))
    ));

    // A part whose proof does not verify, and two parts for the same message and slot.
    let mut bad = b.clone();
    let at = bad.len() - 100;
    bad[at] ^= 1;
    assert!(merge(isa, &[(&a, &ka), (&bad, &kb)]).is_err());
    assert!(matches!(
        merge(isa, &[(&a, &ka), (&a, &ka)]),
        Err(Type2Error::DuplicateStatement {
            first: 0,
            second: 1
        })
    ));
    // Limits and malformed inputs.
    assert!(matches!(merge(isa, &[]), Err(Type2Error::Empty)));
    let many: Vec<(&[u8], &[PublicKey])> = vec![(a.as_slice(), ka.as_slice()); MAX_COMPONENTS + 1];
    assert!(matches!(
        merge(isa, &many),
        Err(Type2Error::TooManyComponents { .. })
    ));
    assert!(matches!(
        merge(isa, &[(&a, &kb)]),
        Err(Type2Error::Part { index: 0, .. })
    ));
    for cut in [0, 5, 11, 50, bytes.len() - 1] {
        assert!(verify(&[(ma, 21, &ka), (mb, 22, &kb)], &bytes[..cut]).is_err());
    }
}

#[test]
fn merged_bytes_do_not_depend_on_isa_or_threads() {
    let (m, s) = ([0x64; 32], 24);
    let (a, ka) = part(1, m, s);
    let mut reference: Option<Vec<u8>> = None;
    for isa in Isa::available() {
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let bytes = pool.install(|| merge(isa, &[(&a, &ka)]).unwrap().to_bytes());
            match &reference {
                None => reference = Some(bytes),
                Some(r) => assert!(*r == bytes, "{isa} with {threads} threads differs"),
            }
        }
    }
    // The reference verifies on every instruction set.
    let bytes = reference.unwrap();
    for isa in Isa::available() {
        verify_type_2(
            isa,
            Config::Test,
            &[(m, s, &ka)],
            &bytes,
            &PolicyV2::DEFAULT,
        )
        .unwrap();
    }
}

#[test]
fn arbitrary_bytes_never_panic_and_are_rejected() {
    let isa = Isa::current();
    let (m, s) = ([0x65; 32], 25);
    let (a, ka) = part(1, m, s);
    let bytes = merge(isa, &[(&a, &ka)]).unwrap().to_bytes();
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let policy = PolicyV2::DEFAULT;
    let parts = [(m, s, ka.as_slice())];
    // Random bytes, with and without the magic in front.
    for i in 0..200 {
        let len = next() % 120;
        let mut junk: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if i % 2 == 0 && junk.len() >= 4 {
            junk[..4].copy_from_slice(b"XT2A");
        }
        let _ = Type2Proof::from_bytes(&junk);
        assert!(verify_type_2(isa, Config::Test, &parts, &junk, &policy).is_err());
    }
    // Single-byte edits of the header and of the outer proof.
    for at in [
        0,
        4,
        6,
        7,
        8,
        9,
        11,
        43,
        47,
        60,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let mut edited = bytes.clone();
        edited[at] ^= 0x10;
        assert!(
            verify_type_2(isa, Config::Test, &parts, &edited, &policy).is_err(),
            "byte {at} edited: accepted"
        );
    }
}
