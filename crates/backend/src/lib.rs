//! `backend`: the arithmetic core of the multisig workspace.
//!
//! * [`isa`]: run-time CPU detection and the [`Isa`] token that selects a SIMD path.
//! * [`field`]: the KoalaBear prime field (Montgomery form, bit-identical with Plonky3's
//!   `KoalaBear`) and its degree-5 extension.
//! * [`kernels`]: slice kernels (add, mul, dot product, batch inversion, extension products, ...)
//!   dispatched once per call to the scalar, AVX2 or AVX-512 implementation.
//! * [`poseidon`]: Poseidon1 (devnet4) and Poseidon2 permutations over KoalaBear, batched one
//!   state per SIMD lane, and the compression and sponge modes built on them.
//! * [`ntt`]: number-theoretic transforms and coset low-degree extensions, batched over columns
//!   and parallelised with rayon.
//! * [`merkle`]: Poseidon2 Merkle commitments to one or several matrices (mixed heights),
//!   single and multi openings, and their verification.
//! * [`challenger`]: the Fiat-Shamir duplex sponge (Poseidon2 width 16) with proof-of-work
//!   grinding.
//!
//! Internally, the generic kernel bodies (`generic`, written once over a kernel set) are
//! instantiated per instruction set by the ISA modules of `simd` and reached from the public
//! functions through one `dispatch!` per call; `docs/dispatch.md` lists the file layering.
//!
//! The dispatch rules are in `docs/dispatch.md`: SIMD code lives only in `#[target_feature]`
//! functions inside the ISA-named modules of `simd`, is reached only through an [`Isa`] value
//! produced by detection, and never assumes more alignment than a `u32` has.

pub mod challenger;
pub mod field;
mod generic;
pub mod isa;
pub mod kernels;
pub mod memory;
pub mod merkle;
pub mod ntt;
pub mod poseidon;
mod simd;

pub use field::KoalaBear;
pub use isa::{Isa, IsaError, IsaName};
