//! `multisig_glue`: the C ABI the Zig consensus client links as `libmultisig_glue.a`.
//!
//! It exports every function of `../shared/abi/zeam_xmss_abi.h` with that exact name and C
//! signature, declared for C in `include/multisig_glue.h` (kept in sync by
//! `tests/header.rs`):
//!
//! * [`hashsig`]: `hashsig_*`, devnet4 XMSS keys, signing, SSZ and verification (prod; plus
//!   `hashsig_test_verify_ssz` for the test configuration) behind opaque handles, and three
//!   `multisig_glue_*_to_ssz` additions with the (out_buf, out_cap, out_written) protocol.
//! * [`aggregation`]: `xmss_*`, aggregation on `rec_aggregation` (prod): generation 1
//!   (`AggregatedXMSS` handles) and generation 2 (Type-1 bytes with the -2 buffer protocol),
//!   setup and the rayon pool; Type-2 merge and verification (recursive proofs). Children
//!   and splitting are not supported yet and return the failure value.
//!
//! No exported function may panic on any input: each validates its pointers, lengths and
//! bytes first (see [`ffi`]) and returns the documented error value, and `catch_unwind` around
//! each body is only defence in depth (it does nothing under `panic = "abort"`). Every
//! function may be called from any thread, several at once.

pub mod aggregation;
mod ffi;
pub mod hashsig;

pub use aggregation::*;
pub use hashsig::*;
