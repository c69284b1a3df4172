//! Harnesses for the proof decoders: the aggregate proof header and verification
//! (`rec_aggregation`), the `lean_prover` v2 proof encoding, and the headers of the
//! recursive proofs (aggregates with children, splits, Type-2s).
//!
//! The v2 proof's shape is derived from the statement inside `lean_prover`, so the proof of
//! the fixed statement is fuzzed through `rec_aggregation::verify` behind a fixed valid header
//! ([`stark_proof`]: decoding with the real shape, then every verifier check).

use crate::outcome::Outcome;
use crate::statement::{TEST_STATEMENT, test_statement_header};
use rec_aggregation::AggregateProof;

/// `rec_aggregation::AggregateProof::from_bytes` and `rec_aggregation::verify` against the
/// fixed test statement ([`TEST_STATEMENT`]): a decodable header re-encodes to the input
/// and has its fields in range; a proof that verifies has a decodable header for the test
/// configuration and one signature. `Accepted` means the proof verified.
pub fn aggregate_proof(data: &[u8]) -> Outcome {
    let header = AggregateProof::from_bytes(data);
    if let Ok(p) = &header {
        assert_eq!(
            p.to_bytes(),
            data,
            "aggregate proof encoding is not canonical"
        );
        assert!(p.num_signatures() >= 1);
        assert!(rec_aggregation::api::LOG_INV_RATE_RANGE.contains(&p.log_inv_rate()));
    }
    let verdict = TEST_STATEMENT.verify(data);
    if let Err(e) = &verdict {
        let _ = e.to_string();
    } else {
        let p = header
            .as_ref()
            .expect("a verified proof has a valid header");
        assert_eq!(p.config(), TEST_STATEMENT.config);
        assert_eq!(p.num_signatures(), TEST_STATEMENT.keys.len());
    }
    Outcome::from_bool(verdict.is_ok())
}

/// The `lean_prover` v2 proof of the fixed test statement: `data` is the proof part, put
/// behind the header of the valid proof ([`test_statement_header`]) and verified with
/// `rec_aggregation::verify`, which decodes it with the statement's real shape (bounded
/// lengths, canonical elements, no trailing bytes) and runs every verifier check.
/// `Accepted` means it verified.
pub fn stark_proof(data: &[u8]) -> Outcome {
    let mut bytes = test_statement_header().to_vec();
    bytes.extend_from_slice(data);
    match TEST_STATEMENT.verify(&bytes) {
        Ok(()) => Outcome::Accepted,
        Err(e) => {
            let _ = e.to_string();
            Outcome::Rejected
        }
    }
}

/// The headers of the recursive proofs: `rec_aggregation::Type1Proof::from_bytes` (every
/// Type-1 kind: plain, with children, split) and `rec_aggregation::type2::Type2Proof::from_bytes`.
/// A decodable header re-encodes to the input (the shapes, claims and given values are
/// canonical) and names at least one key. `Accepted` means one of them decoded.
pub fn recursive_headers(data: &[u8]) -> Outcome {
    let t1 = rec_aggregation::Type1Proof::from_bytes(data);
    if let Ok(p) = &t1 {
        assert_eq!(p.to_bytes(), data, "Type-1 encoding is not canonical");
        assert!(p.num_keys() >= 1);
        assert!(rec_aggregation::api::LOG_INV_RATE_RANGE.contains(&p.log_inv_rate()));
        let shape = p.shape();
        assert!(shape.depth() <= rec_aggregation::children::MAX_DEPTH);
        assert!(shape.nodes() <= rec_aggregation::children::MAX_TREE_NODES);
    }
    let t2 = rec_aggregation::type2::Type2Proof::from_bytes(data);
    if let Ok(p) = &t2 {
        assert_eq!(p.to_bytes(), data, "Type-2 encoding is not canonical");
        let k = p.components().len();
        assert!((1..=rec_aggregation::type2::MAX_COMPONENTS).contains(&k));
        assert_eq!(p.claims().len(), 2 * k);
    }
    Outcome::from_bool(t1.is_ok() || t2.is_ok())
}
