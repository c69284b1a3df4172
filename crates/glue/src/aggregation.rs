//! The `xmss_*` functions: aggregation, generation 1 (object handles) and generation 2 (bytes
//! in, bytes out).
//!
//! AGGREGATION DOES NOT EXIST YET (the `rec_aggregation` crate is a stub). Until it does,
//! every function that would produce, decode or verify a proof returns its failure value:
//! `NULL` (generation-1 handles), `0` (`xmss_aggregate_signature_to_bytes`), `false`
//! (verification) or `-1` (generation-2 byte producers, with `*out_written = 0`). Nothing here
//! produces or accepts a proof, so a client that relies on aggregation sees an error, never a
//! fake success.
//!
//! What is real: `xmss_setup_prover`, `xmss_setup_verifier` and `xmss_setup_aggregation`
//! check the instruction set (`MULTISIG_ISA`) and warm the Poseidon1 tables on it (0, or -1 if
//! `MULTISIG_ISA` is invalid for this CPU; idempotent), and `xmss_set_rayon_threads` configures
//! rayon's global pool.

use std::ffi::c_int;
use std::sync::{Mutex, PoisonError};

use backend::poseidon::{poseidon1_16_batch, poseidon1_24_batch};
use backend::{Isa, KoalaBear};

use crate::hashsig::{HashSigPublicKey, HashSigSignature, error_out};

/// Opaque generation-1 aggregate handle. Uninhabited: this library never creates one until
/// aggregation exists, so no pointer the caller holds can be one of ours.
pub struct AggregatedXMSS {
    _never: std::convert::Infallible,
}

/// Largest thread count `xmss_set_rayon_threads` applies (larger requests are clamped).
pub const MAX_RAYON_THREADS: usize = 1024;

/// Checks the instruction set and warms the Poseidon1 tables (both widths) on it.
fn setup() -> c_int {
    crate::ffi::guard(-1, || match Isa::selected() {
        Ok(isa) => {
            let mut s16 = [[KoalaBear::ZERO; 16]; 1];
            let mut s24 = [[KoalaBear::ZERO; 24]; 1];
            poseidon1_16_batch(isa, &mut s16);
            poseidon1_24_batch(isa, &mut s24);
            0
        }
        Err(_) => -1,
    })
}

/// Generation 1: prepares proving. 0, or -1 if `MULTISIG_ISA` is invalid. Idempotent.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_setup_prover() -> c_int {
    setup()
}

/// Generation 1: prepares verification. 0, or -1 if `MULTISIG_ISA` is invalid. Idempotent.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_setup_verifier() -> c_int {
    setup()
}

/// Generation 2: prepares proving and verification. 0, or -1 if `MULTISIG_ISA` is invalid.
/// Idempotent.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_setup_aggregation() -> c_int {
    setup()
}

/// Configures rayon's global pool with `num_threads` threads (0 = rayon's default: one per
/// CPU, or `RAYON_NUM_THREADS`). Always returns 0, as the client's ABI specifies: a count
/// above 1024 is clamped to 1024, and if the pool is already configured or already running
/// (the first parallel work, e.g. key generation, starts it with the default size) the request
/// is ignored and the existing pool is kept. Call it first, before setup, to be sure it applies.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_set_rayon_threads(num_threads: usize) -> c_int {
    static CONFIGURED: Mutex<bool> = Mutex::new(false);
    crate::ffi::guard(0, || {
        let mut configured = CONFIGURED.lock().unwrap_or_else(PoisonError::into_inner);
        if !*configured {
            // An error only means the global pool already exists; keeping it is the contract.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(num_threads.min(MAX_RAYON_THREADS))
                .build_global();
            *configured = true;
        }
        0
    })
}

/// Generation 1, NOT IMPLEMENTED YET (no aggregation): always NULL.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_aggregate(
    _raw_pub_keys: *const *const HashSigPublicKey,
    _raw_signatures: *const *const HashSigSignature,
    _num_raw: usize,
    _num_children: usize,
    _child_all_pub_keys: *const *const HashSigPublicKey,
    _child_num_keys: *const usize,
    _child_proof_ptrs: *const *const u8,
    _child_proof_lens: *const usize,
    _message_hash32: *const u8,
    _slot: u32,
    _log_inv_rate: usize,
) -> *mut AggregatedXMSS {
    std::ptr::null_mut()
}

/// Generation 1, NOT IMPLEMENTED YET (no aggregation): always false (rejects every proof).
#[unsafe(no_mangle)]
pub extern "C" fn xmss_verify_aggregated(
    _public_keys: *const *const HashSigPublicKey,
    _num_keys: usize,
    _message_hash32: *const u8,
    _agg_sig_bytes: *const u8,
    _agg_sig_len: usize,
    _slot: u32,
) -> bool {
    false
}

/// Generation 1, NOT IMPLEMENTED YET: no aggregate can exist, so always 0.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_aggregate_signature_to_bytes(
    _agg: *const AggregatedXMSS,
    _buf: *mut u8,
    _buf_len: usize,
) -> usize {
    0
}

/// Generation 1, NOT IMPLEMENTED YET: no proof format exists, so always NULL.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_aggregate_signature_from_bytes(
    _bytes: *const u8,
    _len: usize,
) -> *mut AggregatedXMSS {
    std::ptr::null_mut()
}

/// Generation 1: accepts NULL; since this library never creates an aggregate, any other
/// pointer is not ours and is left alone.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_free_aggregate_signature(_agg: *mut AggregatedXMSS) {}

/// Generation 2, NOT IMPLEMENTED YET (no aggregation): always -1 with `*out_written = 0`.
///
/// # Safety
/// `out_written` must be NULL or, if aligned, point to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_aggregate_type_1(
    _raw_pub_keys: *const *const HashSigPublicKey,
    _raw_signatures: *const *const HashSigSignature,
    _num_raw: usize,
    _num_children: usize,
    _child_all_pub_keys: *const *const HashSigPublicKey,
    _child_num_keys: *const usize,
    _child_proof_ptrs: *const *const u8,
    _child_proof_lens: *const usize,
    _message_hash32: *const u8,
    _slot: u32,
    _log_inv_rate: usize,
    _out_buf: *mut u8,
    _out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { error_out(out_written) }
}

/// Generation 2, NOT IMPLEMENTED YET (no aggregation): always false (rejects every proof).
#[unsafe(no_mangle)]
pub extern "C" fn xmss_verify_type_1(
    _public_keys: *const *const HashSigPublicKey,
    _num_keys: usize,
    _message_hash32: *const u8,
    _slot: u32,
    _type_1_bytes: *const u8,
    _type_1_len: usize,
) -> bool {
    false
}

/// Generation 2, NOT IMPLEMENTED YET (no aggregation): always -1 with `*out_written = 0`.
///
/// # Safety
/// `out_written` must be NULL or, if aligned, point to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_merge_type_1_to_type_2(
    _num_parts: usize,
    _type_1_proof_ptrs: *const *const u8,
    _type_1_proof_lens: *const usize,
    _pks_flat: *const *const HashSigPublicKey,
    _pks_per_part_counts: *const usize,
    _log_inv_rate: usize,
    _out_buf: *mut u8,
    _out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { error_out(out_written) }
}

/// Generation 2, NOT IMPLEMENTED YET (needs recursion): always -1 with `*out_written = 0`.
///
/// # Safety
/// `out_written` must be NULL or, if aligned, point to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_split_type_2_by_msg(
    _type_2_bytes: *const u8,
    _type_2_len: usize,
    _pks_flat: *const *const HashSigPublicKey,
    _pks_per_message_counts: *const usize,
    _num_messages: usize,
    _target_message_hash32: *const u8,
    _log_inv_rate: usize,
    _out_buf: *mut u8,
    _out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { error_out(out_written) }
}

/// Generation 2, NOT IMPLEMENTED YET (no aggregation): always false (rejects every proof).
#[unsafe(no_mangle)]
pub extern "C" fn xmss_verify_type_2(
    _type_2_bytes: *const u8,
    _type_2_len: usize,
    _pks_flat: *const *const HashSigPublicKey,
    _pks_per_message_counts: *const usize,
    _num_messages: usize,
    _message_hashes: *const u8,
    _message_slots: *const u32,
) -> bool {
    false
}
