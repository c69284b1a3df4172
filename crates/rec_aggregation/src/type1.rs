//! The front door of Type-1 verification: [`verify_type_1`] checks Type-1 bytes of any kind
//! (a plain aggregate, an aggregate with children, a component split out of a Type-2) by
//! their magic, against the caller's keys, message and slot.

use crate::api::{self, VerifyError};
use crate::children::{self, NESTED_MAGIC, SPLIT_MAGIC, Type1Proof};
use lean_prover::v2::PolicyV2;
use xmss::{Config, PublicKey};

/// Verifies Type-1 `bytes` of any kind for `public_keys` (the whole ordered list: for an
/// aggregate with children, the raw keys followed by each child's; for a split, the
/// component's), `message` and `slot` in `config`, accepting only parameters that meet
/// `policy` (recomputed from the rate, never read from the proof).
///
/// # Errors
/// See [`VerifyError`]; every malformed input is an error, never a panic.
pub fn verify_type_1(
    config: Config,
    public_keys: &[PublicKey],
    message: &[u8; 32],
    slot: u32,
    bytes: &[u8],
    policy: &PolicyV2,
) -> Result<(), VerifyError> {
    if bytes.starts_with(&NESTED_MAGIC) || bytes.starts_with(&SPLIT_MAGIC) {
        children::verify_recursive(config, public_keys, message, slot, bytes, policy)
    } else {
        api::verify(config, public_keys, message, slot, bytes, policy)
    }
}

/// The configuration and key count a Type-1 header of any kind names (the proof itself is
/// checked by [`verify_type_1`]).
///
/// # Errors
/// [`VerifyError::Header`] and the other header errors of the kind's parser.
pub fn header_config(bytes: &[u8]) -> Result<(Config, usize), VerifyError> {
    let p = Type1Proof::from_bytes(bytes)?;
    Ok((p.config(), p.num_keys()))
}
