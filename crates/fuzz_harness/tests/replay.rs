//! Stable replay of the fuzz corpora: every file of `fuzz/corpus/<target>/` goes through its
//! harness function (a missing or empty corpus fails), the known seeds must behave as their
//! names say (`tests/seeds.rs`: `valid_*` accepted; `truncated_*`, `bad_*`,
//! `noncanonical_*`, `wrong_*` and `empty` rejected), mutations of the valid proofs are
//! rejected, and a proptest runs every harness on random bytes and on random edits of its
//! seeds. This is how CI runs the fuzz targets without nightly or cargo-fuzz.

mod common;

use common::*;
use fuzz_harness::statement::{
    PROD_STATEMENT, PROD_VECTOR_KEY, TEST_STATEMENT, TEST_VECTOR_KEY, VECTOR_MESSAGE,
};
use fuzz_harness::{Harness, Outcome, TARGETS};
use proptest::prelude::*;
use xmss::Config;

/// Name prefixes of the seeds that must be rejected.
const REJECTED_PREFIXES: [&str; 5] = ["truncated_", "bad_", "noncanonical_", "wrong_", "empty"];

/// The harness function of `target`.
fn harness(target: &str) -> Harness {
    TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no target {target}"))
        .1
}

/// Replays the corpus of `target`; returns how many files it has.
fn replay(target: &str) -> usize {
    let f = harness(target);
    let files = corpus(target);
    let mut valid = 0;
    for (name, bytes) in &files {
        let outcome = f(bytes);
        if name.starts_with("valid_") {
            assert_eq!(
                outcome,
                Outcome::Accepted,
                "{target}/{name} must be accepted"
            );
            valid += 1;
        } else if REJECTED_PREFIXES.iter().any(|p| name.starts_with(p)) {
            assert_eq!(
                outcome,
                Outcome::Rejected,
                "{target}/{name} must be rejected"
            );
        }
    }
    assert!(valid > 0, "{target}: the corpus has no valid_* seed");
    files.len()
}

macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            let n = replay(stringify!($target));
            eprintln!("{}: {n} corpus files replayed", stringify!($target));
        }
    )*};
}

// One test per target (each name is also the corpus directory and the fuzz target).
replay_tests!(
    ssz_public_key,
    ssz_signature,
    ssz_secret_key,
    aggregate_proof,
    stark_proof,
    glue_bytes,
    recursive_headers,
);

#[test]
fn every_target_has_a_replay_test_and_a_corpus() {
    let dirs: Vec<String> = std::fs::read_dir(corpus_root())
        .expect("fuzz/corpus is missing")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    for (name, _) in TARGETS {
        assert!(dirs.iter().any(|d| d == name), "no corpus for {name}");
    }
    for d in &dirs {
        assert!(
            TARGETS.iter().any(|(n, _)| n == d),
            "corpus {d} has no target"
        );
    }
}

#[test]
fn fixed_statements_are_the_shared_vectors() {
    let test = vector(Config::Test);
    let prod = vector(Config::Prod);
    assert_eq!(test.pk, TEST_VECTOR_KEY);
    assert_eq!(prod.pk, PROD_VECTOR_KEY);
    assert_eq!(
        (test.message, test.slot),
        (VECTOR_MESSAGE, TEST_STATEMENT.slot)
    );
    assert_eq!(
        (prod.message, prod.slot),
        (VECTOR_MESSAGE, PROD_STATEMENT.slot)
    );
}

/// The single valid seed named `name` of `target`.
fn seed(target: &str, name: &str) -> Vec<u8> {
    std::fs::read(corpus_dir(target).join(name)).unwrap()
}

/// Truncating, extending or flipping one byte of a valid proof makes its target reject it.
fn mutations_rejected(target: &str, valid: &[u8], positions: &[usize]) {
    let f = harness(target);
    assert_eq!(f(valid), Outcome::Accepted);
    assert_eq!(
        f(&valid[..valid.len() - 1]),
        Outcome::Rejected,
        "{target}: truncated"
    );
    assert_eq!(
        f(&[valid, &[0]].concat()),
        Outcome::Rejected,
        "{target}: trailing byte"
    );
    for &at in positions {
        let mut m = valid.to_vec();
        m[at] ^= 0x01;
        assert_eq!(f(&m), Outcome::Rejected, "{target}: byte {at} flipped");
    }
}

#[test]
fn mutated_aggregate_proofs_are_rejected() {
    let valid = seed("aggregate_proof", "valid_test_n1");
    let n = valid.len();
    // Header fields (version, config, rate, level, count), then the STARK part.
    mutations_rejected(
        "aggregate_proof",
        &valid,
        &[4, 6, 7, 8, 9, 20, n / 2, n - 1],
    );
    let stark = seed("stark_proof", "valid_test_n1_stark");
    let m = stark.len();
    mutations_rejected("stark_proof", &stark, &[0, 8, 100, m / 3, m - 1]);
}

#[test]
fn mutated_c_abi_verification_is_rejected() {
    let valid = seed("glue_bytes", "valid_verify_type_1");
    let f = harness("glue_bytes");
    // The selector is taken modulo 6.
    let mut m = valid.clone();
    m[0] += 6;
    assert_eq!(f(&m), Outcome::Accepted);
    // Two keys (the proof covers one), no keys, another slot, a flipped proof byte.
    for (at, value) in [
        (1, 2u8),
        (1, 0),
        (2, 6),
        (valid.len() - 10, valid[valid.len() - 10] ^ 1),
    ] {
        let mut m = valid.clone();
        m[at] = value;
        assert_eq!(f(&m), Outcome::Rejected, "byte {at} = {value}");
    }
}

/// Random edits of `seed`: set up to four bytes, then maybe truncate.
fn edit(mut seed: Vec<u8>, edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    if !seed.is_empty() {
        for &(at, v) in edits {
            let at = at % seed.len();
            seed[at] = v;
        }
    }
    if let Some(c) = cut {
        seed.truncate(c % (seed.len() + 1));
    }
    seed
}

/// The corpus files of `target` no larger than `max` bytes (the proofs make verification
/// the cost of a case).
fn small_seeds(target: &str, max: usize) -> Vec<Vec<u8>> {
    corpus(target)
        .into_iter()
        .map(|(_, b)| b)
        .filter(|b| b.len() <= max)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No harness panics on random bytes, whatever their length.
    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        for (_, f) in TARGETS {
            let _ = f(&data);
        }
    }

    /// No harness panics on random edits of its small seeds (these reach deep into the
    /// decoders: valid lengths, offsets and headers).
    #[test]
    fn edited_seeds_never_panic(
        pick in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<usize>()),
    ) {
        for (name, f) in TARGETS {
            let seeds = small_seeds(name, 4096);
            if seeds.is_empty() {
                continue;
            }
            let data = edit(seeds[pick % seeds.len()].clone(), &edits, cut);
            let _ = f(&data);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random edits of the valid proofs (each case verifies up to three proofs).
    #[test]
    fn edited_proofs_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in proptest::option::of(any::<usize>()),
    ) {
        for (target, name) in [
            ("aggregate_proof", "valid_test_n1"),
            ("stark_proof", "valid_test_n1_stark"),
            ("glue_bytes", "valid_verify_type_1"),
        ] {
            let data = edit(seed(target, name), &edits, cut);
            let _ = harness(target)(&data);
        }
    }
}
