//! Helpers shared by the replay tests and the seed generator: where the corpora and the
//! shared vectors are, and reading the vectors.
#![allow(dead_code)]

use std::path::PathBuf;

/// `fuzz/corpus/` at the repository root.
pub fn corpus_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus")
}

/// The corpus directory of one target.
pub fn corpus_dir(target: &str) -> PathBuf {
    corpus_root().join(target)
}

/// `../shared/vectors/` relative to the repository root.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
}

/// Parses a JSON file under the vectors directory.
pub fn json(rel: &str) -> serde_json::Value {
    let path = vectors_dir().join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Hex (with or without `0x`) to bytes.
pub fn hex(v: &serde_json::Value) -> Vec<u8> {
    let s = v.as_str().unwrap().trim().trim_start_matches("0x");
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// One leanMultisig vector: public key, message, slot and signature (SSZ).
pub struct Vector {
    pub pk: Vec<u8>,
    pub message: [u8; 32],
    pub slot: u32,
    pub sig: Vec<u8>,
}

/// `xmss_prod_test_vector.json` (prod) or `xmss_test_vector.json` (test).
pub fn vector(config: xmss::Config) -> Vector {
    let v = json(match config {
        xmss::Config::Prod => "xmss_prod_test_vector.json",
        xmss::Config::Test => "xmss_test_vector.json",
    });
    Vector {
        pk: hex(&v["public_key"]),
        message: hex(&v["message"]).try_into().unwrap(),
        slot: v["slot"].as_u64().unwrap() as u32,
        sig: hex(&v["signature_ssz"]),
    }
}

/// The leanSpec test-scheme key pair `i` (0..8), `kind` "attestation_keypair" or
/// "proposal_keypair": (public key, secret key), SSZ.
pub fn leanspec_keypair(i: usize, kind: &str) -> (Vec<u8>, Vec<u8>) {
    let v = json(&format!("leanspec_test_scheme_keys/{i}.json"));
    (hex(&v[kind]["public_key"]), hex(&v[kind]["secret_key"]))
}

/// Every file of a target's corpus as (file name, bytes), sorted by name; panics if the
/// directory is missing or empty.
pub fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "corpus {} is missing ({e}); regenerate the seeds (fuzz/README.md)",
            dir.display()
        )
    });
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            let name = e.file_name().into_string().unwrap();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    assert!(!files.is_empty(), "corpus {} is empty", dir.display());
    files.sort();
    files
}
