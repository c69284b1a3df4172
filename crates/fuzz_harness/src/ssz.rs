//! Harnesses for the strict SSZ decoders of `xmss`: public keys, signatures and secret keys.
//!
//! SSZ as used here has exactly one encoding per value (fixed lengths, offsets with a single
//! allowed value, canonical field elements), so every accepted input must re-encode to
//! exactly the same bytes.

use crate::outcome::Outcome;
use xmss::{Config, PublicKey, SecretKey, Signature};

/// Both configurations, in the order they are tried.
const CONFIGS: [Config; 2] = [Config::Prod, Config::Test];

/// `xmss::PublicKey::from_ssz`: an accepted key re-encodes to the input.
pub fn ssz_public_key(data: &[u8]) -> Outcome {
    match PublicKey::from_ssz(data) {
        Ok(pk) => {
            assert_eq!(
                pk.to_ssz().as_slice(),
                data,
                "public key SSZ is not canonical"
            );
            Outcome::Accepted
        }
        Err(e) => {
            // The error must be printable (its message formats positions and values).
            let _ = e.to_string();
            Outcome::Rejected
        }
    }
}

/// `xmss::Signature::from_ssz` in the prod and the test configuration: an accepted
/// signature re-encodes to the input, has the configuration's `h` siblings and `V` hashes,
/// and no input is a signature of both configurations (their lengths differ).
pub fn ssz_signature(data: &[u8]) -> Outcome {
    let mut accepted = 0;
    for config in CONFIGS {
        match Signature::from_ssz(config, data) {
            Ok(sig) => {
                assert_eq!(
                    sig.to_ssz(),
                    data,
                    "{config} signature SSZ is not canonical"
                );
                assert_eq!(sig.path.len(), config.log_lifetime());
                assert_eq!(sig.hashes.len(), config.num_chains());
                accepted += 1;
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    assert!(
        accepted <= 1,
        "bytes decode as a signature of both configurations"
    );
    Outcome::from_bool(accepted == 1)
}

/// `xmss::SecretKey::from_ssz` in the prod and the test configuration: an accepted key
/// re-encodes to the input, its activation range lies inside the lifetime, and its public
/// key (the top tree's root) can be taken and encoded.
pub fn ssz_secret_key(data: &[u8]) -> Outcome {
    let mut accepted = 0;
    for config in CONFIGS {
        match SecretKey::from_ssz(config, data) {
            Ok(sk) => {
                assert_eq!(
                    sk.to_ssz(),
                    data,
                    "{config} secret key SSZ is not canonical"
                );
                assert_eq!(sk.config(), config);
                let range = sk.activation_range();
                assert!(!range.is_empty() && range.end <= config.lifetime());
                let _ = sk.public_key().to_ssz();
                accepted += 1;
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    Outcome::from_bool(accepted > 0)
}
