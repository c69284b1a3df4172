//! Kernel sets: the packed operations each instruction set provides, their entry points, the
//! dispatcher, and the rules that keep them sound.
//!
//! The files, in layering order (each uses only the ones before it, and the field):
//! * [`packed`]: the [`packed::Packed`] trait and the `step_loop!` macro;
//! * [`one_lane`]: the portable one-lane kernel set [`one_lane::Scalar`] (also used by the
//!   generic kernels for tails shorter than a vector);
//! * [`entry_points`]: the macro that generates thin `#[target_feature]` entry points;
//! * (the generic kernel bodies live in [`crate::generic`], over `K: Packed`);
//! * the ISA modules [`scalar`], `avx2`, `avx512`: the SIMD tokens, their `Packed`
//!   implementations, and the entry points of every generic kernel for that ISA;
//! * [`dispatch`]: the one `match` per call that the public API uses to reach them.
//!
//! A kernel set is a zero-sized *token* type (`Scalar`, `avx2::Avx2`, `avx512::Avx512`)
//! implementing `Packed`. Generic kernels are written once over `K: Packed` and marked
//! `#[inline(always)]`; each ISA module instantiates them inside thin
//! `#[target_feature(enable = ...)]` entry points, so the whole kernel is compiled with that
//! instruction set and no vector value ever crosses a call that is not inlined.
//!
//! Soundness: the SIMD tokens have private constructors, called only inside those
//! `#[target_feature]` entry points (child modules of the token's ISA module), which the
//! dispatcher calls only with an [`crate::Isa`] produced by detection. Every packed method
//! therefore runs on a CPU that has the instructions it uses. Loads and stores are unaligned
//! and take `u32` slices whose length is checked, so nothing assumes more alignment than a
//! `u32` has.

pub(crate) mod dispatch;
pub(crate) mod entry_points;
pub(crate) mod one_lane;
pub(crate) mod packed;
pub(crate) mod scalar;

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;
