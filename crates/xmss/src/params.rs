//! The two devnet4 configurations (spec section 2) and the constants they share.
//!
//! Both configurations run through the same code; a [`Config`] value selects the Merkle depth,
//! the number of chains and the target sum. The array types the crate passes around
//! ([`Digest`], [`Parameter`], [`Rho`], [`PrfKey`]) are defined here too. This module depends
//! on nothing else in the crate: [`Config::sponge_domain_separator`], which hashes, is defined
//! with the leaf sponge in [`crate::hash`].

use backend::KoalaBear as F;
use std::fmt;

/// Digest length in field elements (`HASH_LEN`).
pub const HASH_LEN: usize = 8;
/// Public parameter length in field elements (`PARAMETER_LEN`).
pub const PARAMETER_LEN: usize = 5;
/// Tweak length in field elements (`TWEAK_LEN`).
pub const TWEAK_LEN: usize = 2;
/// Length of the signing randomness `rho` in field elements (`RAND_LEN`).
pub const RAND_LEN: usize = 7;
/// Number of field elements a 32-byte message is encoded into (`MSG_LEN_FE`).
pub const MSG_LEN_FE: usize = 9;
/// Chain length / base of the codeword digits (`BASE` = w): positions `0..=7`.
pub const BASE: usize = 8;
/// Codeword digits extracted from one message-hash field element (`Z`).
pub const DIGITS_PER_FE: usize = 8;
/// The quotient used when decoding a message-hash element (`Q`): `p - 1 = Q * 8^8`.
pub const Q: u32 = 127;
/// Maximum number of randomness attempts when signing (`MAX_TRIES`).
pub const MAX_TRIES: u64 = 100_000;
/// Size of an SSZ-encoded public key in bytes (root ‖ parameter).
pub const PUBLIC_KEY_BYTES: usize = 4 * (HASH_LEN + PARAMETER_LEN);
/// Size of a 32-byte message.
pub const MESSAGE_BYTES: usize = 32;

/// A digest: 8 field elements.
pub type Digest = [F; HASH_LEN];
/// The public parameter: 5 field elements.
pub type Parameter = [F; PARAMETER_LEN];
/// The signing randomness `rho`: 7 field elements.
pub type Rho = [F; RAND_LEN];
/// A PRF key: 32 bytes.
pub type PrfKey = [u8; 32];

/// Which devnet4 scheme instance: production or the small test instance.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Config {
    /// `SchemeAbortingTargetSumLifetime32Dim46Base8`: lifetime 2^32, 46 chains, target sum 200.
    Prod,
    /// The test instance (leanSig `lifetime_2_to_the_8`, leanSpec `TEST_CONFIG`): lifetime 2^8,
    /// 4 chains, target sum 6.
    Test,
}

impl Config {
    /// Both configurations.
    pub const ALL: [Config; 2] = [Config::Prod, Config::Test];

    /// Merkle tree depth `h` = `LOG_LIFETIME`.
    pub const fn log_lifetime(self) -> usize {
        match self {
            Config::Prod => 32,
            Config::Test => 8,
        }
    }

    /// Number of epochs (leaves): `2^h`.
    pub const fn lifetime(self) -> u64 {
        1u64 << self.log_lifetime()
    }

    /// Number of hash chains `V` (`DIMENSION`).
    pub const fn num_chains(self) -> usize {
        match self {
            Config::Prod => 46,
            Config::Test => 4,
        }
    }

    /// Required sum of the codeword digits.
    pub const fn target_sum(self) -> usize {
        match self {
            Config::Prod => 200,
            Config::Test => 6,
        }
    }

    /// Number of message-hash field elements whose digits are used: `ceil(V / 8)`.
    pub const fn message_hash_fes(self) -> usize {
        self.num_chains().div_ceil(DIGITS_PER_FE)
    }

    /// Number of epochs (leaves) per bottom tree: `2^(h/2)`.
    pub const fn leaves_per_bottom_tree(self) -> u64 {
        1u64 << (self.log_lifetime() / 2)
    }

    /// Length of the leaf-hash sponge input: parameter, tweak and `V` chain ends.
    pub const fn leaf_input_len(self) -> usize {
        PARAMETER_LEN + TWEAK_LEN + self.num_chains() * HASH_LEN
    }

    /// Byte offset of the `hashes` list inside an SSZ signature: `36 + 4 + 32 h`.
    pub const fn signature_hashes_offset(self) -> usize {
        SIGNATURE_FIXED_PART + 4 + 32 * self.log_lifetime()
    }

    /// Exact length of an SSZ signature (prod 2536, test 424).
    pub const fn signature_bytes(self) -> usize {
        self.signature_hashes_offset() + 32 * self.num_chains()
    }

    /// Lower-case name, as used on the command line (`prod` / `test`).
    pub const fn name(self) -> &'static str {
        match self {
            Config::Prod => "prod",
            Config::Test => "test",
        }
    }
}

/// Size of the fixed part of an SSZ signature: offset(path) ‖ rho ‖ offset(hashes).
pub(crate) const SIGNATURE_FIXED_PART: usize = 4 + 4 * RAND_LEN + 4;

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Config {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "prod" => Ok(Config::Prod),
            "test" => Ok(Config::Test),
            other => Err(format!(
                "unknown XMSS configuration {other:?} (expected prod or test)"
            )),
        }
    }
}
