//! `xmss`: the devnet4 XMSS signature scheme of `../shared/spec/xmss-devnet4.md`,
//! bit-compatible with leanSig (commit `c08a3bae`) and leanSpec.
//!
//! * [`Config`]: the prod (lifetime 2^32, 46 chains, target sum 200) and test (lifetime 2^8,
//!   4 chains, target sum 6) instances, one implementation for both.
//! * [`PublicKey`], [`Signature`], [`SecretKey`]: SSZ encodings of spec 6.5 with strict
//!   decoders ([`DecodeError`] says what is wrong and where; decoding never panics).
//! * [`verify_batch`] (many signatures on one message and epoch, in lockstep on the run-time
//!   dispatched Poseidon1 kernels), [`verify`](fn@verify) (one signature, same kernels) and
//!   [`verify_reference`] (textbook scalar Poseidon1, for cross-checks), with [`VerifyError`].
//! * [`keypair_generate`] (from a seed phrase), [`keypair_from_prf_key`], [`SecretKey::sign`]
//!   and [`SecretKey::advance_preparation`] (spec section 6).
//! * [`fixtures`]: fast deterministic valid (public key, signature) pairs for benchmarks.
//!
//! All hashing goes through `backend::poseidon`; this crate has no SIMD code of its own.

#![forbid(unsafe_code)]

pub mod encoding;
pub mod fixtures;
pub mod hash;
pub mod keys;
pub mod params;
pub mod prf;
pub mod ssz;
mod tree;
pub mod verify;

pub use backend::KoalaBear as F;
pub use keys::{KeyError, SecretKey, SignError, keypair_from_prf_key, keypair_generate};
pub use params::{Config, Digest, Parameter, PrfKey, Rho};
pub use ssz::{DecodeError, PublicKey, Signature};
pub use verify::{VerifyError, verify, verify_batch, verify_reference};
