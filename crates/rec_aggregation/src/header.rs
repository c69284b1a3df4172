//! What every Type-1 kind's bytes begin with, and the checks every Type-1 verifier makes of
//! a header against the caller's statement.
//!
//! The prologue: magic (4 bytes) | format version (u16 LE) | configuration (u8: 0 prod,
//! 1 test) | `log_inv_rate` (u8, in [`LOG_INV_RATE_RANGE`]) | parameters (u8: 0, the standard
//! schedule of [`crate::statement::params_v2`], the only one accepted).

use crate::api::{LOG_INV_RATE_RANGE, VerifyError};
use xmss::{Config, PublicKey};

/// Bytes of the prologue.
pub(crate) const PROLOGUE_LEN: usize = 4 + 2 + 1 + 1 + 1;
/// The parameters byte of the standard schedule.
const STANDARD_SCHEDULE: u8 = 0;

/// Appends the prologue.
pub(crate) fn write_prologue(
    out: &mut Vec<u8>,
    magic: &[u8; 4],
    version: u16,
    config: Config,
    log_inv_rate: usize,
) {
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.push(match config {
        Config::Prod => 0,
        Config::Test => 1,
    });
    out.push(log_inv_rate as u8);
    out.push(STANDARD_SCHEDULE);
}

/// Reads the prologue: the configuration and `log_inv_rate`.
///
/// # Errors
/// [`VerifyError::Header`] (shorter than the prologue, another magic or version, an unknown
/// configuration or parameters byte) or [`VerifyError::BadLogInvRate`].
pub(crate) fn read_prologue(
    bytes: &[u8],
    magic: &[u8; 4],
    version: u16,
) -> Result<(Config, usize), VerifyError> {
    if bytes.len() < PROLOGUE_LEN {
        return Err(VerifyError::Header("shorter than the header"));
    }
    if bytes[..4] != *magic {
        return Err(VerifyError::Header("bad magic"));
    }
    if u16::from_le_bytes([bytes[4], bytes[5]]) != version {
        return Err(VerifyError::Header("unsupported version"));
    }
    let config = match bytes[6] {
        0 => Config::Prod,
        1 => Config::Test,
        _ => return Err(VerifyError::Header("unknown configuration")),
    };
    let log_inv_rate = bytes[7] as usize;
    if !LOG_INV_RATE_RANGE.contains(&log_inv_rate) {
        return Err(VerifyError::BadLogInvRate(log_inv_rate));
    }
    if bytes[8] != STANDARD_SCHEDULE {
        return Err(VerifyError::Header("unknown parameters"));
    }
    Ok((config, log_inv_rate))
}

/// The checks of a header's configuration (`named`) and key count (`named_keys`) against the
/// caller's `config` and `keys`, and of the caller's `slot` against the lifetime.
///
/// # Errors
/// [`VerifyError::WrongConfig`], [`VerifyError::KeyCount`] or
/// [`VerifyError::SlotOutOfRange`].
pub(crate) fn check_named(
    named: Config,
    named_keys: usize,
    config: Config,
    keys: &[PublicKey],
    slot: u32,
) -> Result<(), VerifyError> {
    if named != config {
        return Err(VerifyError::WrongConfig {
            proof: named.name(),
            expected: config.name(),
        });
    }
    if named_keys != keys.len() {
        return Err(VerifyError::KeyCount {
            proof: named_keys,
            keys: keys.len(),
        });
    }
    if u64::from(slot) >= config.lifetime() {
        return Err(VerifyError::SlotOutOfRange {
            slot,
            lifetime: config.lifetime(),
        });
    }
    Ok(())
}
