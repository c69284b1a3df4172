//! Random and mutated byte strings never panic the decoder or the verifier.

mod common;
use common::*;
use lean_prover::verify_bytes;
use proptest::prelude::*;
use std::sync::OnceLock;

fn valid() -> &'static (Vec<Table>, Vec<u8>) {
    static V: OnceLock<(Vec<Table>, Vec<u8>)> = OnceLock::new();
    V.get_or_init(|| {
        let t = all_examples();
        let bytes = lean_prover::prove(&test_params(1), &witnesses(&t))
            .unwrap()
            .to_bytes();
        (t, bytes)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_bytes_are_rejected(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let (t, _) = valid();
        prop_assert!(verify_bytes(&test_params(1), &instances(t), &bytes).is_err());
    }

    #[test]
    fn random_bytes_after_a_valid_header_are_rejected(
        tail in proptest::collection::vec(any::<u8>(), 0..8192)
    ) {
        let (t, good) = valid();
        let mut bytes = good[..8].to_vec();
        bytes.extend_from_slice(&tail);
        prop_assert!(verify_bytes(&test_params(1), &instances(t), &bytes).is_err());
    }

    #[test]
    fn mutated_proofs_are_rejected(
        edits in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..6)
    ) {
        let (t, good) = valid();
        let mut bytes = good.clone();
        for (pos, x) in edits {
            let i = pos % bytes.len();
            bytes[i] ^= x;
        }
        prop_assert!(verify_bytes(&test_params(1), &instances(t), &bytes).is_err());
    }

    #[test]
    fn spliced_length_fields_never_panic(pos in any::<usize>(), len in any::<u32>()) {
        // Overwrite an aligned word with an arbitrary (often huge) count.
        let (t, good) = valid();
        let mut bytes = good.clone();
        let i = (pos % (bytes.len() / 4)) * 4;
        bytes[i..i + 4].copy_from_slice(&len.to_le_bytes());
        let verdict = verify_bytes(&test_params(1), &instances(t), &bytes);
        // Any changed word must be rejected (the encoding is canonical); an unchanged one
        // still verifies.
        prop_assert_eq!(verdict.is_ok(), bytes == *good);
    }
}
