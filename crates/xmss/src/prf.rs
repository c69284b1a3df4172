//! The SHAKE128 PRF of leanSig (`ShakePRFtoF<8, 7>`, spec 6.2) and this crate's own
//! SHAKE128-based derivations (seed phrase to key material, padding nodes, fixture
//! randomness), which the spec leaves to the implementation.
//!
//! Field elements are read from the XOF as 16-byte big-endian integers reduced mod p, as the
//! leanSig PRF does.

use crate::params::{Digest, HASH_LEN, Parameter, PrfKey, RAND_LEN, Rho};
use backend::KoalaBear as F;
use sha3::Shake128;
use sha3::digest::{ExtendableOutput, Update, XofReader};

/// leanSig's `PRF_DOMAIN_SEP`.
pub const PRF_DOMAIN_SEP: [u8; 16] = [
    0xae, 0xae, 0x22, 0xff, 0x00, 0x01, 0xfa, 0xff, 0x21, 0xaf, 0x12, 0x00, 0x01, 0x11, 0xff, 0x00,
];

/// Domain string of [`seed_to_key_material`] (this crate's definition, not leanSig's).
pub const SEED_DOMAIN: &[u8] = b"multisig/xmss/seed-phrase/v1";
/// Domain string of [`padding_node`] (this crate's definition).
pub const PADDING_DOMAIN: &[u8] = b"multisig/xmss/padding-node/v1";

/// A SHAKE128 output stream that yields field elements (16 bytes big-endian, mod p).
pub struct XofStream(<Shake128 as ExtendableOutput>::Reader);

impl XofStream {
    /// The stream `SHAKE128(parts[0] ‖ parts[1] ‖ ...)`.
    pub fn new(parts: &[&[u8]]) -> Self {
        let mut h = Shake128::default();
        for p in parts {
            h.update(p);
        }
        XofStream(h.finalize_xof())
    }

    /// Next `N` raw bytes.
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut b = [0u8; N];
        self.0.read(&mut b);
        b
    }

    /// Next field element.
    pub fn fe(&mut self) -> F {
        let v = u128::from_be_bytes(self.bytes::<16>());
        F::new((v % F::ORDER as u128) as u32)
    }

    /// Next `N` field elements.
    pub fn fes<const N: usize>(&mut self) -> [F; N] {
        core::array::from_fn(|_| self.fe())
    }

    /// Next little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.bytes::<8>())
    }
}

/// Chain start (position 0) of chain `chain` in epoch `epoch` (spec 6.2):
/// `SHAKE128(DOMAIN_SEP ‖ 0x00 ‖ key ‖ epoch (4 bytes BE) ‖ chain (8 bytes BE))`.
pub fn chain_start(key: &PrfKey, epoch: u32, chain: u64) -> Digest {
    XofStream::new(&[
        &PRF_DOMAIN_SEP,
        &[0x00],
        key,
        &epoch.to_be_bytes(),
        &chain.to_be_bytes(),
    ])
    .fes::<HASH_LEN>()
}

/// Signing randomness candidate number `counter` (spec 6.2):
/// `SHAKE128(DOMAIN_SEP ‖ 0x01 ‖ key ‖ epoch (4 BE) ‖ message (32) ‖ counter (8 BE))`.
pub fn randomness(key: &PrfKey, epoch: u32, message: &[u8; 32], counter: u64) -> Rho {
    XofStream::new(&[
        &PRF_DOMAIN_SEP,
        &[0x01],
        key,
        &epoch.to_be_bytes(),
        message,
        &counter.to_be_bytes(),
    ])
    .fes::<RAND_LEN>()
}

/// Key material from a seed phrase (this crate's definition; the spec does not define one):
/// the stream `SHAKE128(SEED_DOMAIN ‖ len(seed) as 8 bytes BE ‖ seed)` gives the PRF key (its
/// first 32 bytes) and then the parameter (5 field elements, 16 bytes each, BE mod p).
pub fn seed_to_key_material(seed: &[u8]) -> (PrfKey, Parameter) {
    let mut s = XofStream::new(&[SEED_DOMAIN, &(seed.len() as u64).to_be_bytes(), seed]);
    let key = s.bytes::<32>();
    let parameter = s.fes::<5>();
    (key, parameter)
}

/// The random padding node at (`level`, `index`) of the top tree (this crate's definition):
/// 8 field elements of `SHAKE128(PADDING_DOMAIN ‖ key ‖ level (1 byte) ‖ index (8 bytes BE))`.
/// Deriving padding from the PRF key keeps key generation deterministic; padding nodes are
/// public (they appear in co-paths) and reveal nothing about the key.
pub fn padding_node(key: &PrfKey, level: u8, index: u64) -> Digest {
    XofStream::new(&[PADDING_DOMAIN, key, &[level], &index.to_be_bytes()]).fes::<HASH_LEN>()
}
