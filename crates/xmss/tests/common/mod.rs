//! Helpers shared by the integration tests: reading the shared vectors.
#![allow(dead_code)]

use serde_json::Value;
use xmss::F;

/// Directory of the shared vectors.
pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/vectors");

/// Parses a JSON file under the vectors directory.
pub fn json(rel: &str) -> Value {
    let path = format!("{VECTORS}/{rel}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Hex (with or without 0x) to bytes.
pub fn hex(s: &str) -> Vec<u8> {
    let s = s.trim().trim_start_matches("0x");
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// A JSON array of integers as canonical u32s.
pub fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

/// Field elements as canonical u32s.
pub fn canon(x: &[F]) -> Vec<u32> {
    x.iter().map(|f| f.as_canonical_u32()).collect()
}

/// A JSON array of digests.
pub fn digests(v: &Value) -> Vec<Vec<u32>> {
    v.as_array().unwrap().iter().map(u32s).collect()
}

/// One of the two leanMultisig vectors.
pub struct Vector {
    pub config: xmss::Config,
    pub pk: Vec<u8>,
    pub slot: u32,
    pub message: [u8; 32],
    pub sig: Vec<u8>,
    pub decoded: Value,
}

/// Loads `xmss_prod_test_vector` (prod) or `xmss_test_vector` (test).
pub fn vector(config: xmss::Config) -> Vector {
    let name = match config {
        xmss::Config::Prod => "xmss_prod_test_vector",
        xmss::Config::Test => "xmss_test_vector",
    };
    let raw = json(&format!("{name}.json"));
    Vector {
        config,
        pk: hex(raw["public_key"].as_str().unwrap()),
        slot: raw["slot"].as_u64().unwrap() as u32,
        message: hex(raw["message"].as_str().unwrap()).try_into().unwrap(),
        sig: hex(raw["signature_ssz"].as_str().unwrap()),
        decoded: json(&format!("{name}.decoded.json")),
    }
}
