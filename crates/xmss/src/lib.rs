//! `xmss`: the devnet4 XMSS signature scheme of `../shared/spec/xmss-devnet4.md`.
//!
//! Not implemented yet (tracked by the "Devnet4 XMSS" issue). It will hold the prod and test
//! configurations, SSZ encoding of keys and signatures, verification (single and batched on
//! the dispatched Poseidon1 kernels), key generation, signing and benchmark fixtures.
//! Nothing here pretends to verify anything until then.
