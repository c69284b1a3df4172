//! Generic kernel bodies, written once over a kernel set `K: Packed` and instantiated per
//! instruction set by the ISA modules (`simd::scalar`, `simd::avx2`, `simd::avx512`).
//!
//! Every function here is `#[inline(always)]`, so it is compiled inside the
//! `#[target_feature]` entry point that instantiates it and no vector value crosses a call
//! that is not inlined. Slices are raw Montgomery words; the public wrappers
//! ([`crate::kernels`], [`crate::ntt`], [`crate::poseidon`]) check lengths, convert from field
//! elements and dispatch. Each family ends with an `entry_points_for!` macro listing its
//! kernels, which every ISA module invokes once.
//!
//! Layering: these files use the field, [`crate::simd::packed`] and the one-lane kernel set
//! [`crate::simd::one_lane`] (for tails), never the ISA modules or the public API.

pub(crate) mod base;
pub(crate) mod ext;
pub(crate) mod ext_packed;
pub(crate) mod ntt;
pub(crate) mod poseidon;
