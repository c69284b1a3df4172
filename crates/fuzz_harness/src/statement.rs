//! The fixed statements the proof targets verify against, and the one place that calls
//! `rec_aggregation::verify`.
//!
//! Both statements aggregate a single signature: the key, message and slot of one of the
//! leanMultisig vectors in `../shared/vectors/` (`xmss_test_vector.json` for the test
//! configuration, `xmss_prod_test_vector.json` for prod, which the C ABI uses). The keys are
//! constants here, so the fuzz targets read no files; `tests/replay.rs` checks them against
//! the vector files. Their valid proofs are the `valid_*` seeds of the corpora, written by the
//! generator in `tests/seeds.rs`.

use xmss::{Config, PublicKey};

/// A statement to verify aggregate proofs against: configuration, ordered keys (SSZ),
/// message and slot.
#[derive(Clone, Copy, Debug)]
pub struct FixedStatement {
    /// The XMSS configuration.
    pub config: Config,
    /// The SSZ public keys, in aggregation order.
    pub keys: &'static [[u8; 52]],
    /// The 32-byte message.
    pub message: [u8; 32],
    /// The slot (epoch).
    pub slot: u32,
}

impl FixedStatement {
    /// The decoded public keys.
    pub fn public_keys(&self) -> Vec<PublicKey> {
        self.keys
            .iter()
            .map(|k| PublicKey::from_ssz(k).expect("the fixed keys are valid SSZ"))
            .collect()
    }

    /// Verifies aggregate proof `bytes` for this statement.
    ///
    /// # Errors
    /// The verifier's error.
    pub fn verify(&self, bytes: &[u8]) -> Result<(), rec_aggregation::VerifyError> {
        verify_aggregate(
            self.config,
            &self.public_keys(),
            &self.message,
            self.slot,
            bytes,
        )
    }
}

/// The only call of `rec_aggregation::verify` in this crate, under the default verifier policy
/// (the seeds are made at the default level).
///
/// # Errors
/// The verifier's error.
pub fn verify_aggregate(
    config: Config,
    keys: &[PublicKey],
    message: &[u8; 32],
    slot: u32,
    bytes: &[u8],
) -> Result<(), rec_aggregation::VerifyError> {
    rec_aggregation::verify(
        config,
        keys,
        message,
        slot,
        bytes,
        &rec_aggregation::PolicyV2::DEFAULT,
    )
}

/// Decodes a hex string of exactly `2 N` digits at compile time.
const fn hex<const N: usize>(s: &str) -> [u8; N] {
    const fn digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("not a hex digit"),
        }
    }
    let b = s.as_bytes();
    assert!(b.len() == 2 * N, "wrong hex length");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (digit(b[2 * i]) << 4) | digit(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// The message of both leanMultisig vectors.
pub const VECTOR_MESSAGE: [u8; 32] = [0xab; 32];

/// The public key of `xmss_test_vector.json` (test configuration).
pub const TEST_VECTOR_KEY: [u8; 52] = hex(
    "a952704f32175406c216be5af21834765545ef4aa13c06633059954c34aff83d\
     68e86d059be8f01d2f57e73427654d192973d93f",
);

/// The public key of `xmss_prod_test_vector.json` (prod configuration).
pub const PROD_VECTOR_KEY: [u8; 52] = hex(
    "5caf047c20695a512c5b606a1c702761cb92fd505d63345b126b8a36b54dc331\
     3fd11056749de15f276ca24ee799d921e1ab9c37",
);

/// The test-configuration statement of [`crate::aggregate_proof`] and
/// [`crate::stark_proof`]: the test vector's key, message and slot 4.
pub const TEST_STATEMENT: FixedStatement = FixedStatement {
    config: Config::Test,
    keys: &[TEST_VECTOR_KEY],
    message: VECTOR_MESSAGE,
    slot: 4,
};

/// The prod statement of [`crate::glue_bytes`] (the C ABI aggregates in prod): the prod
/// vector's key, message and slot 5.
pub const PROD_STATEMENT: FixedStatement = FixedStatement {
    config: Config::Prod,
    keys: &[PROD_VECTOR_KEY],
    message: VECTOR_MESSAGE,
    slot: 5,
};

/// The header of the valid test-statement proof (`rec_aggregation`'s wire format: magic,
/// the proof-system-v2 version, configuration 1 = test, `log_inv_rate` 2, the standard v2
/// parameters (0), one signature, the statement's message and slot), which
/// [`crate::stark_proof`] puts in front of its input.
pub fn test_statement_header() -> [u8; rec_aggregation::api::HEADER_LEN] {
    let mut h = [0u8; rec_aggregation::api::HEADER_LEN];
    h[..4].copy_from_slice(&rec_aggregation::api::PROOF_MAGIC);
    h[4..6].copy_from_slice(&rec_aggregation::api::PROOF_VERSION.to_le_bytes());
    h[6] = 1;
    h[7] = rec_aggregation::api::DEFAULT_LOG_INV_RATE as u8;
    h[8] = 0;
    h[9..13].copy_from_slice(&(TEST_STATEMENT.keys.len() as u32).to_le_bytes());
    h[13..45].copy_from_slice(&TEST_STATEMENT.message);
    h[45..49].copy_from_slice(&TEST_STATEMENT.slot.to_le_bytes());
    h
}
