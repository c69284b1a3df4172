//! The seed corpora of `fuzz/corpus/<target>/`: how they are made, a check that the committed
//! seeds are current, and the generator (ignored, because it writes into the source tree).
//!
//! Regenerate every seed (after a change of the proof format, for example):
//!
//! ```sh
//! cargo test -p fuzz_harness --test seeds -- --ignored
//! ```
//!
//! Naming convention, relied upon by `tests/replay.rs`: a seed named `valid_*` must be
//! accepted by its target; one named `truncated_*`, `bad_*`, `noncanonical_*`, `wrong_*` or
//! `empty` must be rejected; any other file (found by the fuzzer) only has to run.

mod common;

use common::*;
use fuzz_harness::statement::{PROD_STATEMENT, TEST_STATEMENT, test_statement_header};
use rec_aggregation::{AggregateOptions, aggregate};
use xmss::{Config, PublicKey, Signature};

/// A seed: target, file name, bytes.
type Seed = (&'static str, String, Vec<u8>);

fn seed(target: &'static str, name: &str, bytes: Vec<u8>) -> Seed {
    (target, name.to_string(), bytes)
}

/// `bytes` with the `u32` at `at` set to `value`.
fn with_u32(mut bytes: Vec<u8>, at: usize, value: u32) -> Vec<u8> {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    bytes
}

/// The `hashsig_verify_ssz` layout of `fuzz_harness::glue::Mode::VerifySsz`.
fn verify_ssz_input(mode: u8, v: &Vector, epoch: u32) -> Vec<u8> {
    let mut out = vec![mode, v.pk.len() as u8];
    out.extend_from_slice(&epoch.to_le_bytes());
    out.extend_from_slice(&v.message);
    out.extend_from_slice(&v.pk);
    out.extend_from_slice(&v.sig);
    out
}

/// The seeds that need no proving: SSZ keys and signatures from the shared vectors, the
/// and the small C-ABI inputs.
fn small_seeds() -> Vec<Seed> {
    let prod = vector(Config::Prod);
    let test = vector(Config::Test);
    let (ls_pk0, ls_sk0) = leanspec_keypair(0, "attestation_keypair");
    let (ls_pk1, ls_sk1) = leanspec_keypair(1, "proposal_keypair");
    let mut s = vec![
        // Public keys.
        seed("ssz_public_key", "valid_prod_vector", prod.pk.clone()),
        seed("ssz_public_key", "valid_test_vector", test.pk.clone()),
        seed("ssz_public_key", "valid_leanspec_0_attestation", ls_pk0),
        seed("ssz_public_key", "valid_leanspec_1_proposal", ls_pk1),
        seed("ssz_public_key", "truncated_51", prod.pk[..51].to_vec()),
        seed(
            "ssz_public_key",
            "bad_length_53",
            [&prod.pk[..], &[0]].concat(),
        ),
        seed(
            "ssz_public_key",
            "noncanonical_root",
            with_u32(prod.pk.clone(), 0, u32::MAX),
        ),
        seed(
            "ssz_public_key",
            "noncanonical_parameter",
            with_u32(test.pk.clone(), 48, 0x7f00_0001),
        ),
        seed("ssz_public_key", "empty", Vec::new()),
        // Signatures.
        seed("ssz_signature", "valid_prod_vector", prod.sig.clone()),
        seed("ssz_signature", "valid_test_vector", test.sig.clone()),
        seed(
            "ssz_signature",
            "truncated_prod",
            prod.sig[..prod.sig.len() - 1].to_vec(),
        ),
        seed(
            "ssz_signature",
            "truncated_test_fixed_part",
            test.sig[..40].to_vec(),
        ),
        seed(
            "ssz_signature",
            "bad_offset_path",
            with_u32(test.sig.clone(), 0, 40),
        ),
        seed(
            "ssz_signature",
            "bad_offset_hashes",
            with_u32(prod.sig.clone(), 32, 36),
        ),
        seed(
            "ssz_signature",
            "noncanonical_rho",
            with_u32(test.sig.clone(), 4, u32::MAX),
        ),
        seed("ssz_signature", "noncanonical_last_hash", {
            let at = test.sig.len() - 4;
            with_u32(test.sig.clone(), at, 0x7f00_0001)
        }),
        seed("ssz_signature", "empty", Vec::new()),
        // Secret keys (test configuration; prod keys are megabytes).
        seed(
            "ssz_secret_key",
            "valid_leanspec_0_attestation",
            ls_sk0.clone(),
        ),
        seed("ssz_secret_key", "valid_leanspec_1_proposal", ls_sk1),
        seed(
            "ssz_secret_key",
            "truncated_by_one",
            ls_sk0[..ls_sk0.len() - 1].to_vec(),
        ),
        seed(
            "ssz_secret_key",
            "truncated_fixed_part",
            ls_sk0[..88].to_vec(),
        ),
        seed(
            "ssz_secret_key",
            "bad_offset_top_tree",
            with_u32(ls_sk0.clone(), 68, 92),
        ),
        seed("ssz_secret_key", "bad_activation_range", {
            let mut b = ls_sk0.clone();
            b[60..68].copy_from_slice(&u64::MAX.to_le_bytes());
            b
        }),
        seed("ssz_secret_key", "empty", Vec::new()),
    ];
    // C ABI byte inputs (the proof-carrying ones are in `proof_seeds`).
    let mut bad_pk = vec![0u8];
    bad_pk.extend_from_slice(&with_u32(prod.pk.clone(), 20, u32::MAX));
    s.extend([
        seed("glue_bytes", "empty", Vec::new()),
        seed(
            "glue_bytes",
            "valid_public_key",
            [&[0u8][..], &prod.pk].concat(),
        ),
        seed("glue_bytes", "noncanonical_public_key", bad_pk),
        seed(
            "glue_bytes",
            "valid_signature",
            [&[1u8][..], &prod.sig].concat(),
        ),
        seed(
            "glue_bytes",
            "wrong_config_signature",
            [&[1u8][..], &test.sig].concat(),
        ),
        seed(
            "glue_bytes",
            "valid_verify_ssz",
            verify_ssz_input(2, &prod, prod.slot),
        ),
        seed(
            "glue_bytes",
            "wrong_epoch_verify_ssz",
            verify_ssz_input(2, &prod, prod.slot + 1),
        ),
        seed(
            "glue_bytes",
            "valid_test_verify_ssz",
            verify_ssz_input(3, &test, test.slot),
        ),
        seed(
            "glue_bytes",
            "wrong_config_test_verify_ssz",
            verify_ssz_input(3, &prod, prod.slot),
        ),
        seed(
            "glue_bytes",
            "truncated_verify_ssz_message",
            vec![2, 52, 5, 0, 0, 0, 0xab, 0xab],
        ),
        seed("glue_bytes", "truncated_verify_type_1", vec![5, 1, 5, 0]),
    ]);
    s
}

/// Two claimed values (elements of `K`, five canonical u32 each): `(alpha, beta)`.
fn claim_pair(seed: u32) -> Vec<u8> {
    (0..10u32)
        .flat_map(|i| (seed * 100 + i).to_le_bytes())
        .collect()
}

/// The prologue of a recursive Type-1 header: magic, version, test configuration, rate 1/4,
/// the standard parameters.
fn prologue(magic: &[u8; 4], version: u16) -> Vec<u8> {
    let mut b = magic.to_vec();
    b.extend_from_slice(&version.to_le_bytes());
    b.extend_from_slice(&[1, 2, 0]);
    b
}

/// One component or child entry: message, slot, key count, then a plain shape (kind 0).
fn plain_component(message: u8, slot: u32, keys: u32) -> Vec<u8> {
    let mut b = vec![message; 32];
    b.extend_from_slice(&slot.to_le_bytes());
    b.extend_from_slice(&keys.to_le_bytes());
    b.push(0);
    b
}

/// Synthetic headers of the recursive kinds (a few proof bytes after each): an aggregate
/// with a raw key and a plain child of two, a Type-2 of one plain component, a split of a
/// Type-2 of two components, and broken variants.
fn recursive_header_seeds() -> Vec<Seed> {
    use rec_aggregation::children::{NESTED_MAGIC, NESTED_VERSION, SPLIT_MAGIC, SPLIT_VERSION};
    use rec_aggregation::type2::{TYPE2_MAGIC, TYPE2_VERSION};
    let proof = [9u8; 8];
    // XAGC: N = 3, message, slot 5, shape: raw 1, one child of 2 keys (plain), its claims.
    let mut nested = prologue(&NESTED_MAGIC, NESTED_VERSION);
    nested.extend_from_slice(&3u32.to_le_bytes());
    nested.extend_from_slice(&[0x11; 32]);
    nested.extend_from_slice(&5u32.to_le_bytes());
    nested.extend_from_slice(&1u32.to_le_bytes());
    nested.extend_from_slice(&1u16.to_le_bytes());
    nested.extend_from_slice(&2u32.to_le_bytes());
    nested.push(0);
    nested.extend(claim_pair(1));
    let kind_at = nested.len() - 41;
    nested.extend_from_slice(&proof);
    // XT2A: one plain component, its claims.
    let mut type2 = TYPE2_MAGIC.to_vec();
    type2.extend_from_slice(&TYPE2_VERSION.to_le_bytes());
    type2.extend_from_slice(&[1, 2, 2]);
    type2.extend_from_slice(&1u16.to_le_bytes());
    type2.extend(plain_component(0x22, 6, 2));
    type2.extend(claim_pair(2));
    type2.extend_from_slice(&proof);
    // XAGS: component 1 of a Type-2 of two; the other's three list digests and balance.
    let mut split = prologue(&SPLIT_MAGIC, SPLIT_VERSION);
    split.extend_from_slice(&1u16.to_le_bytes());
    split.extend_from_slice(&2u16.to_le_bytes());
    split.extend(plain_component(0x33, 7, 1));
    split.extend(plain_component(0x44, 8, 2));
    split.extend(claim_pair(3));
    split.extend(claim_pair(4));
    split.extend_from_slice(&3u16.to_le_bytes());
    split.extend((0..24u32).flat_map(|i| i.to_le_bytes()));
    split.extend(&claim_pair(5)[..20]);
    split.extend(claim_pair(6));
    split.extend_from_slice(&proof);
    let mut bad_kind = nested.clone();
    bad_kind[kind_at] = 3;
    let claim_at = kind_at + 1;
    vec![
        seed("recursive_headers", "valid_nested", nested.clone()),
        seed("recursive_headers", "valid_type2", type2.clone()),
        seed("recursive_headers", "valid_split", split.clone()),
        seed(
            "recursive_headers",
            "truncated_nested_shape",
            nested[..kind_at].to_vec(),
        ),
        seed(
            "recursive_headers",
            "truncated_type2_claims",
            type2[..type2.len() - proof.len() - 1].to_vec(),
        ),
        seed(
            "recursive_headers",
            "truncated_split_given",
            split[..split.len() - proof.len() - 50].to_vec(),
        ),
        seed("recursive_headers", "bad_child_kind", bad_kind),
        seed(
            "recursive_headers",
            "noncanonical_claim",
            with_u32(nested, claim_at, 0x7f00_0001),
        ),
        seed("recursive_headers", "empty", Vec::new()),
    ]
}

/// A valid aggregate of the one signature of a vector, for `statement`'s key, message and
/// slot.
fn prove_vector(config: Config) -> Vec<u8> {
    let v = vector(config);
    let st = match config {
        Config::Prod => PROD_STATEMENT,
        Config::Test => TEST_STATEMENT,
    };
    assert_eq!((v.message, v.slot), (st.message, st.slot));
    let pk = PublicKey::from_ssz(&v.pk).unwrap();
    assert_eq!(vec![pk], st.public_keys());
    let sig = Signature::from_ssz(config, &v.sig).unwrap();
    let bytes = aggregate(
        &[pk],
        &[sig],
        &st.message,
        st.slot,
        &AggregateOptions::new(config),
    )
    .unwrap()
    .to_bytes();
    st.verify(&bytes).unwrap();
    bytes
}

/// The seeds made from the two valid aggregates (test and prod statements).
fn proof_seeds() -> Vec<Seed> {
    let test = prove_vector(Config::Test);
    let prod = prove_vector(Config::Prod);
    let header = rec_aggregation::api::HEADER_LEN;
    assert_eq!(test[..header], test_statement_header());
    let stark = test[header..].to_vec();
    let mut bad_magic = test[..header + 64].to_vec();
    bad_magic[0] ^= 0x20;
    let mut wrong_config = test[..header + 64].to_vec();
    wrong_config[6] = 0;
    let mut stark_bad_magic = stark[..64].to_vec();
    stark_bad_magic[0] ^= 0x20;
    let mut glue_verify = vec![5u8, 1];
    glue_verify.extend_from_slice(&PROD_STATEMENT.slot.to_le_bytes());
    glue_verify.extend_from_slice(&prod);
    let mut glue_header = vec![4u8];
    glue_header.extend_from_slice(&prod[..header + 32]);
    let mut glue_bad_header = glue_header.clone();
    glue_bad_header[1 + 6] = 1;
    vec![
        seed("aggregate_proof", "valid_test_n1", test.clone()),
        seed(
            "aggregate_proof",
            "truncated_header",
            test[..header - 1].to_vec(),
        ),
        seed(
            "aggregate_proof",
            "truncated_header_only",
            test[..header].to_vec(),
        ),
        seed("aggregate_proof", "truncated_1k", test[..1024].to_vec()),
        seed("aggregate_proof", "bad_magic", bad_magic),
        seed("aggregate_proof", "wrong_config", wrong_config),
        seed("aggregate_proof", "empty", Vec::new()),
        seed("stark_proof", "valid_test_n1_stark", stark.clone()),
        seed("stark_proof", "truncated_1k", stark[..1024].to_vec()),
        seed("stark_proof", "bad_magic", stark_bad_magic),
        seed("stark_proof", "empty", Vec::new()),
        seed("glue_bytes", "valid_verify_type_1", glue_verify),
        seed("glue_bytes", "valid_aggregate_header", glue_header),
        seed(
            "glue_bytes",
            "wrong_config_aggregate_header",
            glue_bad_header,
        ),
    ]
}

fn write(seeds: &[Seed]) {
    for (target, name, bytes) in seeds {
        let dir = corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// The committed seeds are exactly what the generator makes (proving is deterministic and
/// takes well under a second here), so a change of the vectors, of the shape encoding or of
/// the proof bytes is noticed.
#[test]
fn committed_seeds_are_current() {
    for (target, name, bytes) in small_seeds()
        .into_iter()
        .chain(recursive_header_seeds())
        .chain(proof_seeds())
    {
        let path = corpus_dir(target).join(&name);
        let committed = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; regenerate the seeds (fuzz/README.md)",
                path.display()
            )
        });
        assert!(
            committed == bytes,
            "{target}/{name} is stale; regenerate the seeds (fuzz/README.md)"
        );
    }
}

/// Writes every seed into `fuzz/corpus/` (proves one test and one prod aggregate of one
/// signature each).
#[test]
#[ignore = "regenerates fuzz/corpus: cargo test -p fuzz_harness --test seeds -- --ignored"]
fn regenerate_seeds() {
    write(&small_seeds());
    write(&recursive_header_seeds());
    write(&proof_seeds());
}
