//! `fuzz_harness`: one function per fuzz target, each taking arbitrary bytes and driving a
//! decoder of the workspace end to end.
//!
//! The functions are the bodies of the cargo-fuzz targets in `fuzz/fuzz_targets/` (nightly,
//! optional) and of the stable replay tests in `tests/replay.rs`, which run every file of
//! `fuzz/corpus/<target>/` through them so that CI exercises the corpora without nightly.
//!
//! Every function must return for every input, never panic, and checks the invariants its
//! decoder promises with `assert!` (a failed assertion is a finding, as a crash is):
//!
//! | Target | Decoder | Invariant checked |
//! |---|---|---|
//! | [`ssz_public_key`] | `xmss::PublicKey::from_ssz` | accepted bytes re-encode to themselves |
//! | [`ssz_signature`] | `xmss::Signature::from_ssz`, prod and test | canonical, and at most one configuration accepts |
//! | [`ssz_secret_key`] | `xmss::SecretKey::from_ssz`, prod and test | canonical, public key derivable |
//! | [`aggregate_proof`] | `rec_aggregation::AggregateProof::from_bytes`, `rec_aggregation::verify` | canonical header; verification only of a decodable proof |
//! | [`stark_proof`] | the `lean_prover` proof through `rec_aggregation::verify` | verification only behind the fixed valid header |
//! | [`recursive_headers`] | `rec_aggregation::Type1Proof::from_bytes` (every kind), `rec_aggregation::type2::Type2Proof::from_bytes` | canonical headers within the limits |
//! | [`glue_bytes`] | the C ABI's byte inputs (`hashsig_*_from_ssz`, `hashsig_*verify_ssz`, `xmss_aggregate_signature_from_bytes`, `xmss_verify_type_1`) | documented return values only, round trips |
//!
//! Each function returns an [`Outcome`] so that the replay tests can check real behaviour on
//! the known seeds (a `valid_*` seed is accepted, a truncated one rejected).

pub mod glue;
mod outcome;
pub mod proof;
pub mod ssz;
pub mod statement;

pub use glue::glue_bytes;
pub use outcome::Outcome;
pub use proof::{aggregate_proof, recursive_headers, stark_proof};
pub use ssz::{ssz_public_key, ssz_secret_key, ssz_signature};

/// A harness function: arbitrary bytes in, what became of them out.
pub type Harness = fn(&[u8]) -> Outcome;

/// Every target by name, with its function: what the replay tests and the proptest iterate
/// over (the names are the directory names under `fuzz/corpus/` and the `[[bin]]` names of
/// `fuzz/Cargo.toml`).
pub const TARGETS: &[(&str, Harness)] = &[
    ("ssz_public_key", ssz_public_key),
    ("ssz_signature", ssz_signature),
    ("ssz_secret_key", ssz_secret_key),
    ("aggregate_proof", aggregate_proof),
    ("stark_proof", stark_proof),
    ("glue_bytes", glue_bytes),
    ("recursive_headers", recursive_headers),
];
