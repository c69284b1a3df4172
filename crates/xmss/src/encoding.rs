//! Encodings into field elements (spec section 3) and the message hash with its target-sum
//! codeword (spec section 5).

use crate::params::{
    BASE, Config, DIGITS_PER_FE, HASH_LEN, MSG_LEN_FE, Parameter, Q, Rho, TWEAK_LEN,
};
use backend::KoalaBear as F;
use backend::poseidon::compress_24;

/// The KoalaBear modulus as a `u64`.
const P: u64 = F::ORDER as u64;

/// Separator byte of chain tweaks.
const SEP_CHAIN: u64 = 0x00;
/// Separator byte of tree tweaks.
const SEP_TREE: u64 = 0x01;
/// Separator byte of message tweaks.
const SEP_MESSAGE: u64 = 0x02;

/// A tweak: two field elements.
pub type Tweak = [F; TWEAK_LEN];

/// `base_p(v, N)`: the `N` least significant base-`p` digits of `v`, least significant first.
pub fn base_p<const N: usize>(mut v: u128) -> [F; N] {
    core::array::from_fn(|_| {
        let d = (v % P as u128) as u32;
        v /= P as u128;
        F::new(d)
    })
}

/// Two base-p digits of a value below `2^56`.
fn tweak_from(v: u64) -> Tweak {
    [F::new((v % P) as u32), F::new((v / P) as u32)]
}

/// Chain tweak (spec 3.1): `epoch·2^24 + chain·2^16 + pos·2^8 + 0x00`.
pub fn chain_tweak(epoch: u32, chain_index: u8, pos_in_chain: u8) -> Tweak {
    tweak_from(
        ((epoch as u64) << 24)
            | ((chain_index as u64) << 16)
            | ((pos_in_chain as u64) << 8)
            | SEP_CHAIN,
    )
}

/// Tree tweak (spec 3.1): `level·2^40 + pos·2^8 + 0x01`.
pub fn tree_tweak(level: u8, pos_in_level: u32) -> Tweak {
    tweak_from(((level as u64) << 40) | ((pos_in_level as u64) << 8) | SEP_TREE)
}

/// Message tweak (spec 3.1): `epoch·2^8 + 0x02`.
pub fn message_tweak(epoch: u32) -> Tweak {
    tweak_from(((epoch as u64) << 8) | SEP_MESSAGE)
}

/// The 32-byte message as a little-endian 256-bit integer, written as 9 base-p digits
/// (spec 3.2).
pub fn message_to_fes(message: &[u8; 32]) -> [F; MSG_LEN_FE] {
    // Little-endian u32 limbs; repeated long division by p from the most significant limb.
    let mut limbs: [u32; 8] =
        core::array::from_fn(|i| u32::from_le_bytes(message[4 * i..4 * i + 4].try_into().unwrap()));
    core::array::from_fn(|_| {
        let mut rem: u64 = 0;
        for limb in limbs.iter_mut().rev() {
            let cur = (rem << 32) | *limb as u64;
            *limb = (cur / P) as u32;
            rem = cur % P;
        }
        F::new(rem as u32)
    })
}

/// Why a (parameter, epoch, rho, message) tuple has no valid codeword.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    /// A used message-hash element equals `p - 1` (the aborting decoding of spec 5.3).
    #[error("message hash aborts: element {index} is {value} >= Q*8^8")]
    Abort {
        /// Index of the message-hash element.
        index: usize,
        /// Its canonical value.
        value: u32,
    },
    /// The codeword digits do not sum to the target.
    #[error("codeword digits sum to {sum}, the target sum is {expected}")]
    TargetSumMismatch {
        /// Sum of the digits.
        sum: usize,
        /// The configuration's target sum.
        expected: usize,
    },
}

/// The 23-element message-hash input `[message (9) | parameter (5) | tweak (2) | rho (7)]`,
/// zero-padded to the permutation width.
pub fn message_hash_input(
    parameter: &Parameter,
    epoch: u32,
    rho: &Rho,
    message_fes: &[F; MSG_LEN_FE],
) -> [F; 24] {
    let mut x = [F::ZERO; 24];
    x[..9].copy_from_slice(message_fes);
    x[9..14].copy_from_slice(parameter);
    x[14..16].copy_from_slice(&message_tweak(epoch));
    x[16..23].copy_from_slice(rho);
    x
}

/// The codeword of a message-hash output (spec 5.3 to 5.5): one digit in `0..8` per chain.
pub fn codeword_from_hash(config: Config, hash: &[F; HASH_LEN]) -> Result<Vec<u8>, EncodingError> {
    let v = config.num_chains();
    let mut digits = Vec::with_capacity(config.message_hash_fes() * DIGITS_PER_FE);
    for (index, a) in hash[..config.message_hash_fes()].iter().enumerate() {
        let value = a.as_canonical_u32();
        if value >= Q * (1 << (3 * DIGITS_PER_FE)) {
            return Err(EncodingError::Abort { index, value });
        }
        let mut d = value / Q;
        for _ in 0..DIGITS_PER_FE {
            digits.push((d % BASE as u32) as u8);
            d /= BASE as u32;
        }
    }
    digits.truncate(v);
    let sum: usize = digits.iter().map(|&x| x as usize).sum();
    if sum != config.target_sum() {
        return Err(EncodingError::TargetSumMismatch {
            sum,
            expected: config.target_sum(),
        });
    }
    Ok(digits)
}

/// The message hash (spec 5.1, 5.2): `compress_24(input, 8)` (scalar).
pub fn message_hash(
    parameter: &Parameter,
    epoch: u32,
    rho: &Rho,
    message_fes: &[F; MSG_LEN_FE],
) -> [F; HASH_LEN] {
    compress_24::<HASH_LEN>(&message_hash_input(parameter, epoch, rho, message_fes))
}

/// The full encoding (spec section 5): the codeword for (parameter, epoch, rho, message).
pub fn encode(
    config: Config,
    parameter: &Parameter,
    epoch: u32,
    rho: &Rho,
    message: &[u8; 32],
) -> Result<Vec<u8>, EncodingError> {
    let h = message_hash(parameter, epoch, rho, &message_to_fes(message));
    codeword_from_hash(config, &h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: &[F]) -> Vec<u32> {
        x.iter().map(|f| f.as_canonical_u32()).collect()
    }

    #[test]
    fn tweak_examples_from_spec() {
        assert_eq!(u(&chain_tweak(5, 0, 1)), [83886336, 0]);
        assert_eq!(u(&chain_tweak(u32::MAX, 255, 255)), [234616560, 33818640]);
        assert_eq!(u(&tree_tweak(0, 5)), [1281, 0]);
        assert_eq!(u(&tree_tweak(32, 0)), [16760704, 16513]);
        assert_eq!(u(&message_tweak(5)), [1282, 0]);
    }

    #[test]
    fn message_encoding_example_from_spec() {
        assert_eq!(
            u(&message_to_fes(&[0xab; 32])),
            [
                1308126487, 1447325869, 543673291, 434099767, 151847783, 1455461081, 123648508,
                1677384435, 182
            ]
        );
        assert_eq!(u(&message_to_fes(&[0; 32])), [0; 9]);
        // 2^256 - 1: its base-p digits recompose (mod 2^128) to 2^128 - 1.
        let fes = message_to_fes(&[0xff; 32]);
        let mut v: u128 = 0;
        for f in fes.iter().rev() {
            v = v
                .wrapping_mul(P as u128)
                .wrapping_add(f.as_canonical_u32() as u128);
        }
        assert_eq!(v, u128::MAX);
    }

    #[test]
    fn abort_and_digit_decoding() {
        let mut h = [F::ZERO; 8];
        h[0] = F::NEG_ONE;
        assert_eq!(
            codeword_from_hash(Config::Test, &h),
            Err(EncodingError::Abort {
                index: 0,
                value: F::ORDER - 1
            })
        );
        // value = 127 * (6 + 0*8 ...) -> digits [6,0,0,0] sum 6.
        h[0] = F::new(127 * 6 + 126);
        assert_eq!(codeword_from_hash(Config::Test, &h), Ok(vec![6, 0, 0, 0]));
        h[0] = F::new(127 * (1 + 8 * 2 + 64 * 3 + 512 * 7));
        assert_eq!(
            codeword_from_hash(Config::Test, &h),
            Err(EncodingError::TargetSumMismatch {
                sum: 13,
                expected: 6
            })
        );
    }

    #[test]
    fn domain_separators_from_spec() {
        assert_eq!(
            u(Config::Prod.sponge_domain_separator()),
            [
                2060061975, 916902315, 229801915, 83751504, 2093549181, 1743125625, 721042244,
                1252069948, 1192880636
            ]
        );
        assert_eq!(
            u(Config::Test.sponge_domain_separator()),
            [
                627826400, 1244476188, 370678638, 978729783, 1996000804, 1380088873, 1753334201,
                433326939, 1294775677
            ]
        );
    }
}
