//! The `xmss_*` functions: aggregation, generation 1 (object handles) and generation 2 (bytes
//! in, bytes out), on `rec_aggregation` in the prod configuration.
//!
//! * Generation 1: `xmss_aggregate` returns an owned [`AggregatedXMSS`] handle (NULL on any
//!   error), `xmss_aggregate_signature_to_bytes` / `_from_bytes` convert it (from bytes checks
//!   the header only; the proof itself is checked by verification), `xmss_verify_aggregated`
//!   verifies bytes (slot last), `xmss_free_aggregate_signature` frees.
//! * Generation 2: `xmss_aggregate_type_1` writes the same proof bytes with the (out_buf,
//!   out_cap, out_written) protocol (0, -1, -2), `xmss_verify_type_1` verifies them.
//! * Type-1 and generation-1 proofs are the same bytes: the `rec_aggregation` wire format
//!   (`"XAGG"` header, then the STARK proof), bound to the message, slot, configuration and
//!   ordered key list.
//! * Type-2: `xmss_merge_type_1_to_type_2` merges Type-1 proofs (their headers name each
//!   part's message and slot) into one recursive proof, `xmss_verify_type_2` verifies it
//!   against the caller's messages, slots and key lists (`rec_aggregation::type2`).
//! * Children (`num_children > 0`): the aggregate is a Type-1 with children
//!   (`rec_aggregation::children`, `"XAGC"` header), verified by the same functions against
//!   the raw keys followed by each child's (recursively: a child may have children, up to
//!   `rec_aggregation::children::MAX_DEPTH` levels), and merged into a Type-2 like a plain
//!   one.
//! * Split: `xmss_split_type_2_by_msg` returns one component of a Type-2 as a Type-1
//!   (`rec_aggregation::split`, `"XAGS"`) that `xmss_verify_type_1` checks with that
//!   component's keys, message and slot alone.
//!
//! Aggregation first checks that the slot is inside the key lifetime and that every pointer
//! (arrays, each entry, message) is non-null, then decodes the handles and calls
//! `rec_aggregation::aggregate_with_children`, which verifies every signature natively and
//! every child recursively before proving. Verification returns `true` only for a proof of exactly these keys (in order),
//! message and slot; every error is `false`.
//!
//! Setup: `xmss_setup_prover`, `xmss_setup_verifier` and `xmss_setup_aggregation` check the
//! instruction set (`MULTISIG_ISA`) and warm the Poseidon1 tables on it (0, or -1 if
//! `MULTISIG_ISA` is invalid for this CPU; idempotent), and `xmss_set_rayon_threads`
//! configures rayon's global pool.

use std::ffi::c_int;
use std::sync::{Mutex, PoisonError};

use backend::poseidon::{poseidon1_16_batch, poseidon1_24_batch};
use backend::{Isa, KoalaBear};
use rec_aggregation::children::MAX_CHILDREN;
use rec_aggregation::type2::MAX_COMPONENTS;
use rec_aggregation::{AggregateOptions, PolicyV2, Type1Proof};
use xmss::{PublicKey, Signature};

use crate::ffi::{OUT_ERROR, Tagged, bytes, copy_to_bytes, guard, handle, handles, message, take};
use crate::hashsig::{CONFIG, HashSigPublicKey, HashSigSignature, error_out, isa};

const TAG_AGGREGATE: u64 = u64::from_le_bytes(*b"MSGaggrg");

/// Opaque generation-1 aggregate handle (`AggregatedXMSS *`): an aggregate proof whose header
/// has been checked (prod configuration), with its serialized bytes.
#[repr(C)]
pub struct AggregatedXMSS {
    tag: u64,
    bytes: Vec<u8>,
}

impl Tagged for AggregatedXMSS {
    const TAG: u64 = TAG_AGGREGATE;
}

/// Largest thread count `xmss_set_rayon_threads` applies (larger requests are clamped).
pub const MAX_RAYON_THREADS: usize = 1024;

/// Threads `xmss_set_rayon_threads` applies per available CPU at most: more only adds
/// context switches (the prover's parallel loops are CPU-bound), and a request of
/// thousands of threads on a small machine made every aggregation about 20 times slower.
pub const MAX_RAYON_THREADS_PER_CPU: usize = 4;

/// The thread count `xmss_set_rayon_threads(requested)` applies on a machine with `cpus`
/// available CPUs: `requested` (0 = rayon's default), clamped to
/// [`MAX_RAYON_THREADS_PER_CPU`] per CPU and to [`MAX_RAYON_THREADS`].
pub fn applied_rayon_threads(requested: usize, cpus: usize) -> usize {
    requested
        .min(MAX_RAYON_THREADS_PER_CPU.saturating_mul(cpus.max(1)))
        .min(MAX_RAYON_THREADS)
}

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
/// above 4 per available CPU (or above 1024) is clamped ([`applied_rayon_threads`]), and if
/// the pool is already configured or already running (the first parallel work, e.g. key
/// generation, starts it with the default size) the request is ignored and the existing pool
/// is kept. Call it first, before setup, to be sure it applies.
#[unsafe(no_mangle)]
pub extern "C" fn xmss_set_rayon_threads(num_threads: usize) -> c_int {
    static CONFIGURED: Mutex<bool> = Mutex::new(false);
    crate::ffi::guard(0, || {
        let mut configured = CONFIGURED.lock().unwrap_or_else(PoisonError::into_inner);
        if !*configured {
            // An error only means the global pool already exists; keeping it is the contract.
            let cpus = std::thread::available_parallelism().map_or(1, usize::from);
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(applied_rayon_threads(num_threads, cpus))
                .build_global();
            *configured = true;
        }
        0
    })
}

/// The inputs of an aggregation call after validation.
#[derive(PartialEq)]
struct AggregateInputs {
    keys: Vec<PublicKey>,
    signatures: Vec<Signature>,
    /// Each child's proof bytes and ordered key list.
    children: Vec<(Vec<u8>, Vec<PublicKey>)>,
    message: [u8; 32],
}

/// The child arrays of `xmss_aggregate` and `xmss_aggregate_type_1`, as the C caller passes
/// them.
#[derive(Copy, Clone)]
struct ChildArrays {
    num_children: usize,
    all_pub_keys: *const *const HashSigPublicKey,
    num_keys: *const usize,
    proof_ptrs: *const *const u8,
    proof_lens: *const usize,
}

/// Validates the arguments shared by `xmss_aggregate` and `xmss_aggregate_type_1`: the slot is
/// inside the prod lifetime; the message is non-null; at least one raw signature or child;
/// the raw key and signature arrays (read only if `num_raw > 0`), each of their entries, and
/// for children (at most [`MAX_CHILDREN`], read only if `num_children > 0`) their proof and
/// count arrays, every proof pointer, non-zero key counts and every key handle, are non-null
/// (and handles of the right type). `None` on any failure.
///
/// # Safety
/// As [`handles`] for both raw arrays (`num_raw` entries each); `message_hash32` NULL or 32
/// readable bytes; the child arrays as [`parts`] for `num_children` parts.
unsafe fn aggregate_inputs(
    raw_pub_keys: *const *const HashSigPublicKey,
    raw_signatures: *const *const HashSigSignature,
    num_raw: usize,
    children: ChildArrays,
    message_hash32: *const u8,
    slot: u32,
) -> Option<AggregateInputs> {
    if u64::from(slot) >= CONFIG.lifetime()
        || message_hash32.is_null()
        || (num_raw == 0 && children.num_children == 0)
        || children.num_children > MAX_CHILDREN
    {
        return None;
    }
    // SAFETY: forwarded caller guarantees on the raw arrays and the message (`handles` reads
    // nothing for zero entries).
    let (keys, sigs, msg) = unsafe {
        (
            handles(raw_pub_keys, num_raw)?,
            handles(raw_signatures, num_raw)?,
            message(message_hash32)?,
        )
    };
    // SAFETY: forwarded caller guarantees on the child arrays.
    let parts = unsafe {
        parts(
            children.proof_ptrs,
            children.proof_lens,
            children.all_pub_keys,
            children.num_keys,
            children.num_children,
        )?
    };
    Some(AggregateInputs {
        keys: keys.iter().map(|k| *k.key()).collect(),
        signatures: sigs.iter().map(|s| s.signature().clone()).collect(),
        children: parts.into_iter().map(|(p, k)| (p.to_vec(), k)).collect(),
        message: *msg,
    })
}

/// Aggregates validated inputs into proof bytes; `None` on any error (invalid signature,
/// `log_inv_rate` outside 1..=4, too many signatures, invalid `MULTISIG_ISA`). The proof is
/// made with `rec_aggregation`'s parameters (at least 124 provable bits in the Johnson-bound
/// regime, BCHKS25 linear bound).
fn prove(inputs: &AggregateInputs, slot: u32, log_inv_rate: usize) -> Option<Vec<u8>> {
    let options = AggregateOptions {
        isa: isa()?,
        log_inv_rate,
        ..AggregateOptions::new(CONFIG)
    };
    let children: Vec<(&[u8], &[PublicKey])> = inputs
        .children
        .iter()
        .map(|(p, k)| (p.as_slice(), k.as_slice()))
        .collect();
    rec_aggregation::aggregate_with_children(
        &inputs.keys,
        &inputs.signatures,
        &children,
        &inputs.message,
        slot,
        &options,
    )
    .ok()
    .map(|p| p.to_bytes())
}

/// Verifies proof bytes for the key handles, message and slot under `policy`: `true` only
/// if valid and at least as secure as the policy asks (the security is recomputed from the
/// parameters, never read from the proof).
///
/// # Safety
/// As [`handles`] for `public_keys` (`num_keys` entries); `message_hash32` NULL or 32
/// readable bytes; `proof` NULL or `proof_len` readable bytes.
unsafe fn verify_proof(
    public_keys: *const *const HashSigPublicKey,
    num_keys: usize,
    message_hash32: *const u8,
    slot: u32,
    proof: *const u8,
    proof_len: usize,
    policy: &PolicyV2,
) -> bool {
    // SAFETY: forwarded caller guarantees.
    let inputs = unsafe {
        (
            handles(public_keys, num_keys),
            message(message_hash32),
            bytes(proof, proof_len),
        )
    };
    let (Some(keys), Some(msg), Some(proof)) = inputs else {
        return false;
    };
    if keys.is_empty() || isa().is_none() {
        return false;
    }
    let keys: Vec<PublicKey> = keys.iter().map(|k| *k.key()).collect();
    rec_aggregation::verify_type_1(CONFIG, &keys, msg, slot, proof, policy).is_ok()
}

/// Generation 1: aggregates `num_raw` prod signatures (`raw_signatures[i]` by
/// `raw_pub_keys[i]`) and `num_children` child aggregates (`child_proof_ptrs[i]`,
/// `child_proof_lens[i]` bytes, with `child_num_keys[i]` keys each, in order, from
/// `child_all_pub_keys`) on the 32-byte message and `slot` into a new aggregate handle,
/// proving at `log_inv_rate` (1 to 4; 2 in production). The result's key list is the raw
/// keys followed by each child's (`rec_aggregation::children`). NULL on any error: slot
/// outside the lifetime, a NULL array, entry or message, nothing to aggregate, an invalid
/// signature, an invalid rate, too many signatures or children (16), a child that is not a
/// prod Type-1 of this message, slot and rate or does not verify, a tree of aggregates deeper
/// than 8 levels or larger than 64 aggregates, or an invalid `MULTISIG_ISA`. Free with
/// `xmss_free_aggregate_signature`.
///
/// # Safety
/// `raw_pub_keys` / `raw_signatures` must be NULL or point to `num_raw` pointers, each NULL
/// or a live handle of this library; `child_num_keys`, `child_proof_ptrs` and
/// `child_proof_lens` NULL or `num_children` readable elements, each proof pointer NULL or
/// its length in readable bytes; `child_all_pub_keys` NULL or the sum of the key counts in
/// pointers, each NULL or a live public key of this library; `message_hash32` NULL or 32
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_aggregate(
    raw_pub_keys: *const *const HashSigPublicKey,
    raw_signatures: *const *const HashSigSignature,
    num_raw: usize,
    num_children: usize,
    child_all_pub_keys: *const *const HashSigPublicKey,
    child_num_keys: *const usize,
    child_proof_ptrs: *const *const u8,
    child_proof_lens: *const usize,
    message_hash32: *const u8,
    slot: u32,
    log_inv_rate: usize,
) -> *mut AggregatedXMSS {
    guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded caller guarantees.
        let inputs = unsafe {
            aggregate_inputs(
                raw_pub_keys,
                raw_signatures,
                num_raw,
                ChildArrays {
                    num_children,
                    all_pub_keys: child_all_pub_keys,
                    num_keys: child_num_keys,
                    proof_ptrs: child_proof_ptrs,
                    proof_lens: child_proof_lens,
                },
                message_hash32,
                slot,
            )
        };
        match inputs.and_then(|i| prove(&i, slot, log_inv_rate)) {
            Some(bytes) => Box::into_raw(Box::new(AggregatedXMSS {
                tag: TAG_AGGREGATE,
                bytes,
            })),
            None => std::ptr::null_mut(),
        }
    })
}

/// Generation 1: verifies aggregate proof bytes for `public_keys` (in the order used when
/// aggregating), the 32-byte message and `slot` (the LAST argument). `true` only if the proof
/// is valid for exactly this statement and meets the default verifier policy (124 provable
/// bits, recomputed from the proof's parameters); `false` for an invalid or
/// weaker proof and for any error (NULL pointer or entry, no keys, malformed bytes, invalid
/// `MULTISIG_ISA`).
///
/// # Safety
/// `public_keys` must be NULL or point to `num_keys` pointers, each NULL or a live public key
/// of this library; `message_hash32` NULL or 32 readable bytes; `agg_sig_bytes` NULL or
/// `agg_sig_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_verify_aggregated(
    public_keys: *const *const HashSigPublicKey,
    num_keys: usize,
    message_hash32: *const u8,
    agg_sig_bytes: *const u8,
    agg_sig_len: usize,
    slot: u32,
) -> bool {
    guard(false, || {
        // SAFETY: forwarded caller guarantees.
        unsafe {
            verify_proof(
                public_keys,
                num_keys,
                message_hash32,
                slot,
                agg_sig_bytes,
                agg_sig_len,
                &PolicyV2::DEFAULT,
            )
        }
    })
}

/// Generation 1: writes the aggregate's proof bytes to `buf`: returns the number of bytes, or
/// 0 on error (NULL or wrong-type handle, NULL `buf`) or if `buf_len` is too small.
///
/// # Safety
/// `agg` must be NULL or a live aggregate of this library; `buf` NULL or `buf_len` writable
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_aggregate_signature_to_bytes(
    agg: *const AggregatedXMSS,
    buf: *mut u8,
    buf_len: usize,
) -> usize {
    guard(0, || {
        // SAFETY: forwarded caller guarantee on `agg`.
        let Some(agg) = (unsafe { handle(agg) }) else {
            return 0;
        };
        // SAFETY: forwarded caller guarantee on `buf`.
        unsafe { copy_to_bytes(&agg.bytes, buf, buf_len) }
    })
}

/// Generation 1: an aggregate handle from proof bytes. Checks the header only (magic, version,
/// prod configuration, rate, parameters byte, signature count); the proof itself is checked by
/// `xmss_verify_aggregated`. NULL if `bytes` is NULL or the header is malformed. Free with
/// `xmss_free_aggregate_signature`.
///
/// # Safety
/// `bytes` must be NULL or point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_aggregate_signature_from_bytes(
    bytes: *const u8,
    len: usize,
) -> *mut AggregatedXMSS {
    guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded caller guarantee.
        let Some(b) = (unsafe { self::bytes(bytes, len) }) else {
            return std::ptr::null_mut();
        };
        match rec_aggregation::type1::header_config(b) {
            Ok((config, _)) if config == CONFIG => Box::into_raw(Box::new(AggregatedXMSS {
                tag: TAG_AGGREGATE,
                bytes: b.to_vec(),
            })),
            _ => std::ptr::null_mut(),
        }
    })
}

/// Generation 1: frees an aggregate (NULL and non-aggregate pointers are ignored).
///
/// # Safety
/// `agg` must be NULL or an aggregate from this library that is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_free_aggregate_signature(agg: *mut AggregatedXMSS) {
    guard((), || {
        // SAFETY: forwarded caller guarantee.
        drop(unsafe { take(agg, |_| true) });
    })
}

/// The last proof of one kind that did not fit its buffer (a size query, or a -2), kept with
/// the exact inputs it proves so that the caller's retry with a larger buffer gets it without
/// proving again. One entry per kind: a proof is deterministic, so this only saves time, and
/// a retry with any other input proves afresh.
struct Undelivered<K>(Mutex<Option<(K, Vec<u8>)>>);

/// A Type-1's inputs: the signatures and children, slot, `log_inv_rate`.
type Type1Key = (AggregateInputs, u32, usize);
/// A merge's inputs: the parts' bytes and keys, `log_inv_rate`.
type MergeKey = (Vec<Vec<u8>>, Vec<Vec<PublicKey>>, usize);
/// A split's inputs: the Type-2's bytes, the components' keys, the message, `log_inv_rate`.
type SplitKey = (Vec<u8>, Vec<Vec<PublicKey>>, [u8; 32], usize);

static UNDELIVERED: Undelivered<Type1Key> = Undelivered::new();
static UNDELIVERED_MERGE: Undelivered<MergeKey> = Undelivered::new();
static UNDELIVERED_SPLIT: Undelivered<SplitKey> = Undelivered::new();

impl<K: PartialEq> Undelivered<K> {
    const fn new() -> Self {
        Undelivered(Mutex::new(None))
    }

    /// Takes the kept proof if it is for exactly these inputs.
    fn take(&self, key: &K) -> Option<Vec<u8>> {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match kept.take() {
            Some((k, proof)) if &k == key => Some(proof),
            other => {
                *kept = other;
                None
            }
        }
    }

    /// Keeps `proof` for `key` (replacing any earlier one).
    fn keep(&self, key: K, proof: Vec<u8>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((key, proof));
    }

    /// Writes `proof` with the (out_buf, out_cap, out_written) protocol and keeps it for `key`
    /// if it did not fit.
    ///
    /// # Safety
    /// As `crate::ffi::write_out`.
    unsafe fn deliver(
        &self,
        key: K,
        proof: Vec<u8>,
        out_buf: *mut u8,
        out_cap: usize,
        out_written: *mut usize,
    ) -> c_int {
        // SAFETY: forwarded caller guarantees on `out_buf` and `out_written`.
        let code = unsafe { crate::ffi::write_out(&proof, out_buf, out_cap, out_written) };
        if code == crate::ffi::OUT_TOO_SMALL {
            self.keep(key, proof);
        }
        code
    }
}

/// Generation 2: aggregates as `xmss_aggregate` and writes the Type-1 proof bytes with the
/// (out_buf, out_cap, out_written) protocol: 0 written; -2 if `out_cap` is too small (nothing
/// written; `out_buf = NULL, out_cap = 0` asks for the size; the proof that did not fit is
/// kept, so a retry with the same inputs and a large enough buffer does not prove again);
/// -1 on any error (as `xmss_aggregate`'s NULL), including a NULL `out_buf` with
/// `out_cap > 0` (checked before proving). Whenever `out_written` is
/// non-null it receives the proof length, on -2 too, and 0 on -1.
///
/// # Safety
/// As `xmss_aggregate`; in addition `out_buf` must be NULL or point to `out_cap` writable
/// bytes, and `out_written` NULL or (if aligned) a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_aggregate_type_1(
    raw_pub_keys: *const *const HashSigPublicKey,
    raw_signatures: *const *const HashSigSignature,
    num_raw: usize,
    num_children: usize,
    child_all_pub_keys: *const *const HashSigPublicKey,
    child_num_keys: *const usize,
    child_proof_ptrs: *const *const u8,
    child_proof_lens: *const usize,
    message_hash32: *const u8,
    slot: u32,
    log_inv_rate: usize,
    out_buf: *mut u8,
    out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    guard(OUT_ERROR, || {
        // SAFETY: forwarded caller guarantees.
        let inputs = unsafe {
            aggregate_inputs(
                raw_pub_keys,
                raw_signatures,
                num_raw,
                ChildArrays {
                    num_children,
                    all_pub_keys: child_all_pub_keys,
                    num_keys: child_num_keys,
                    proof_ptrs: child_proof_ptrs,
                    proof_lens: child_proof_lens,
                },
                message_hash32,
                slot,
            )
        };
        let (inputs, proof) = match inputs {
            Some(i) if !(out_buf.is_null() && out_cap > 0) => {
                let key = (i, slot, log_inv_rate);
                let proof = UNDELIVERED
                    .take(&key)
                    .or_else(|| prove(&key.0, slot, log_inv_rate));
                (key, proof)
            }
            // SAFETY: forwarded caller guarantee on `out_written`.
            _ => return unsafe { error_out(out_written) },
        };
        let Some(proof) = proof else {
            // SAFETY: forwarded caller guarantee on `out_written`.
            return unsafe { error_out(out_written) };
        };
        // SAFETY: forwarded caller guarantees on `out_buf` and `out_written`.
        unsafe { UNDELIVERED.deliver(inputs, proof, out_buf, out_cap, out_written) }
    })
}

/// Generation 2: verifies Type-1 proof bytes for `public_keys` (in order), the 32-byte message
/// and `slot`. `true` only if the proof is valid for exactly this statement (a valid proof
/// for another message, slot or key list is rejected) and meets the default verifier policy
/// (124 provable bits); `false` for any error.
///
/// # Safety
/// As `xmss_verify_aggregated`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_verify_type_1(
    public_keys: *const *const HashSigPublicKey,
    num_keys: usize,
    message_hash32: *const u8,
    slot: u32,
    type_1_bytes: *const u8,
    type_1_len: usize,
) -> bool {
    guard(false, || {
        // SAFETY: forwarded caller guarantees.
        unsafe {
            verify_proof(
                public_keys,
                num_keys,
                message_hash32,
                slot,
                type_1_bytes,
                type_1_len,
                &PolicyV2::DEFAULT,
            )
        }
    })
}

/// Generation 2 (ours, not in the client's ABI): [`xmss_verify_type_1`] under an explicit
/// verifier policy: the provable (Johnson-bound regime) figure of the proof's parameters,
/// recomputed by the verifier, must be at least `min_provable_bits` and at least
/// `min_conjectured_bits` (a conjectured figure is never below the provable one, so the
/// provable figure must meet both). `xmss_verify_type_1` uses 124 for both; proofs are made
/// at 124 provable bits, so lowering them accepts nothing more today, and raising them above
/// 124 refuses every proof.
///
/// # Safety
/// As `xmss_verify_aggregated`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_verify_type_1_with_policy(
    public_keys: *const *const HashSigPublicKey,
    num_keys: usize,
    message_hash32: *const u8,
    slot: u32,
    type_1_bytes: *const u8,
    type_1_len: usize,
    min_provable_bits: u32,
    min_conjectured_bits: u32,
) -> bool {
    guard(false, || {
        let policy = PolicyV2 {
            min_provable_bits: f64::from(min_provable_bits.max(min_conjectured_bits)),
        };
        // SAFETY: forwarded caller guarantees.
        unsafe {
            verify_proof(
                public_keys,
                num_keys,
                message_hash32,
                slot,
                type_1_bytes,
                type_1_len,
                &policy,
            )
        }
    })
}

/// `n` entries of a C array; `None` for a null array with `n > 0`, or an impossible length.
///
/// # Safety
/// If `ptr` is non-null it must point to `n` readable, initialised `T`s valid for `'a`.
unsafe fn array<'a, T>(ptr: *const T, n: usize) -> Option<&'a [T]> {
    if n == 0 {
        return Some(&[]);
    }
    if ptr.is_null() || !ptr.is_aligned() || n > isize::MAX as usize / size_of::<T>().max(1) {
        return None;
    }
    // SAFETY: non-null, aligned, the length bounded, and the caller guarantees `n` readable
    // initialised elements valid for `'a`.
    Some(unsafe { std::slice::from_raw_parts(ptr, n) })
}

/// The key lists of `n` components: `counts[i]` keys each, taken in order from `pks_flat`.
/// `None` for a null array or entry, a zero count, or counts whose sum overflows.
///
/// # Safety
/// `counts` NULL or `n` readable `size_t`s; `pks_flat` as [`handles`] for the sum of the
/// counts.
unsafe fn key_lists(
    pks_flat: *const *const HashSigPublicKey,
    counts: *const usize,
    n: usize,
) -> Option<Vec<Vec<PublicKey>>> {
    // SAFETY: forwarded caller guarantee on `counts`.
    let counts = unsafe { array(counts, n)? };
    let total = counts.iter().try_fold(0usize, |acc, &c| {
        (c > 0).then(|| acc.checked_add(c)).flatten()
    })?;
    // SAFETY: forwarded caller guarantee on `pks_flat` for `total` entries.
    let keys = unsafe { handles(pks_flat, total)? };
    let mut lists = Vec::with_capacity(n);
    let mut at = 0;
    for &c in counts {
        lists.push(keys[at..at + c].iter().map(|k| *k.key()).collect());
        at += c;
    }
    Some(lists)
}

/// `n` proofs (`ptrs[i]`, `lens[i]` bytes) with their key lists ([`key_lists`]: `counts[i]`
/// keys each, in order, from `pks_flat`). `None` for a null array or entry or a zero count.
///
/// # Safety
/// `ptrs` and `lens` NULL or `n` readable elements, each `ptrs[i]` NULL or `lens[i]` readable
/// bytes valid for `'a`; `pks_flat` and `counts` as [`key_lists`].
unsafe fn parts<'a>(
    ptrs: *const *const u8,
    lens: *const usize,
    pks_flat: *const *const HashSigPublicKey,
    counts: *const usize,
    n: usize,
) -> Option<Vec<(&'a [u8], Vec<PublicKey>)>> {
    // SAFETY: forwarded caller guarantees on the arrays.
    let (ptrs, lens, keys) = unsafe {
        (
            array(ptrs, n)?,
            array(lens, n)?,
            key_lists(pks_flat, counts, n)?,
        )
    };
    let mut out = Vec::with_capacity(n);
    for ((&p, &len), k) in ptrs.iter().zip(lens).zip(keys) {
        // SAFETY: forwarded caller guarantee on each proof pointer and length.
        out.push((unsafe { bytes(p, len)? }, k));
    }
    Some(out)
}

/// Generation 2: merges `num_parts` Type-1 proofs (`type_1_proof_ptrs[i]`,
/// `type_1_proof_lens[i]` bytes, their headers naming each part's message and slot) with
/// their key lists (`pks_per_part_counts[i]` keys each, in order, from `pks_flat`) into one
/// Type-2 proof, written with the (out_buf, out_cap, out_written) protocol: 0, -1 on any
/// error (no parts or more than 16, a NULL array or entry, a part that is not a prod Type-1
/// proof or does not verify, two parts for the same message and slot, parts at different
/// rates, `log_inv_rate` outside 1..=4, an invalid `MULTISIG_ISA`), -2 if `out_cap` is too
/// small (`*out_written` then holds the size; the merge is kept, so a retry with the same
/// inputs and a large enough buffer does not prove again).
/// The outer proof is at rate 1/4 whatever `log_inv_rate` (in 1..=4) says; it is a recursive
/// v2 proof at the aggregates' security (at least 124 provable bits).
///
/// # Safety
/// The arrays must be NULL or hold `num_parts` entries (`pks_flat`: the sum of the counts),
/// each proof pointer NULL or its length's readable bytes, each key NULL or a live handle;
/// `out_buf` NULL or `out_cap` writable bytes; `out_written` NULL or a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_merge_type_1_to_type_2(
    num_parts: usize,
    type_1_proof_ptrs: *const *const u8,
    type_1_proof_lens: *const usize,
    pks_flat: *const *const HashSigPublicKey,
    pks_per_part_counts: *const usize,
    log_inv_rate: usize,
    out_buf: *mut u8,
    out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    guard(OUT_ERROR, || {
        let merged = (|| {
            if num_parts == 0
                || num_parts > MAX_COMPONENTS
                || !rec_aggregation::api::LOG_INV_RATE_RANGE.contains(&log_inv_rate)
            {
                return None;
            }
            // SAFETY: forwarded caller guarantees on the arrays.
            let owned = unsafe {
                parts(
                    type_1_proof_ptrs,
                    type_1_proof_lens,
                    pks_flat,
                    pks_per_part_counts,
                    num_parts,
                )?
            };
            for (p, _) in &owned {
                if Type1Proof::from_bytes(p).ok()?.config() != CONFIG {
                    return None;
                }
            }
            let key: MergeKey = (
                owned.iter().map(|(p, _)| p.to_vec()).collect(),
                owned.iter().map(|(_, k)| k.clone()).collect(),
                log_inv_rate,
            );
            if let Some(proof) = UNDELIVERED_MERGE.take(&key) {
                return Some((key, proof));
            }
            let parts: Vec<(&[u8], &[PublicKey])> =
                owned.iter().map(|(p, k)| (*p, k.as_slice())).collect();
            let proof = rec_aggregation::type2::merge(isa()?, &parts)
                .ok()
                .map(|t| t.to_bytes())?;
            Some((key, proof))
        })();
        match merged {
            // SAFETY: forwarded caller guarantees on `out_buf` and `out_written`.
            Some((key, proof)) => unsafe {
                UNDELIVERED_MERGE.deliver(key, proof, out_buf, out_cap, out_written)
            },
            // SAFETY: forwarded caller guarantee on `out_written`.
            None => unsafe { error_out(out_written) },
        }
    })
}

/// Generation 2: splits the component whose message is `target_message_hash32` (the first,
/// if several slots share it) out of the Type-2 `type_2_bytes`, given every component's keys
/// (`pks_per_message_counts[i]` keys each, in order, from `pks_flat`; the messages and slots
/// are the Type-2 header's), as a Type-1 proof that `xmss_verify_type_1` checks with that
/// component's keys, message and slot alone (`rec_aggregation::split`). The split is proved
/// at the Type-2 parts' rate; `log_inv_rate` must be in 1..=4. Written with the (out_buf,
/// out_cap, out_written) protocol: 0, -2 if `out_cap` is too small (`*out_written` then
/// holds the size; the split is kept, so a retry with the same inputs does not prove
/// again), -1 on any error (malformed or non-prod bytes, a NULL array or entry, key counts
/// that are not the header's, no component for the message, a Type-2 that does not verify,
/// an invalid `MULTISIG_ISA`).
///
/// # Safety
/// `type_2_bytes` NULL or `type_2_len` readable bytes; `pks_per_message_counts` NULL or
/// `num_messages` readable `size_t`s; `pks_flat` NULL or the sum of the counts in pointers,
/// each NULL or a live public key of this library; `target_message_hash32` NULL or 32
/// readable bytes; `out_buf` NULL or `out_cap` writable bytes; `out_written` NULL or a
/// writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_split_type_2_by_msg(
    type_2_bytes: *const u8,
    type_2_len: usize,
    pks_flat: *const *const HashSigPublicKey,
    pks_per_message_counts: *const usize,
    num_messages: usize,
    target_message_hash32: *const u8,
    log_inv_rate: usize,
    out_buf: *mut u8,
    out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    guard(OUT_ERROR, || {
        let split = (|| {
            if num_messages == 0
                || num_messages > MAX_COMPONENTS
                || !rec_aggregation::api::LOG_INV_RATE_RANGE.contains(&log_inv_rate)
            {
                return None;
            }
            // SAFETY: forwarded caller guarantees on the arrays, the proof and the message.
            let (proof, keys, target) = unsafe {
                (
                    bytes(type_2_bytes, type_2_len)?,
                    key_lists(pks_flat, pks_per_message_counts, num_messages)?,
                    message(target_message_hash32)?,
                )
            };
            let t2 = rec_aggregation::type2::Type2Proof::from_bytes(proof).ok()?;
            if t2.components().len() != num_messages {
                return None;
            }
            let parts: Vec<([u8; 32], u32, &[PublicKey])> = t2
                .components()
                .iter()
                .zip(&keys)
                .map(|(c, k)| (c.message, c.slot, k.as_slice()))
                .collect();
            let key: SplitKey = (proof.to_vec(), keys.clone(), *target, log_inv_rate);
            if let Some(kept) = UNDELIVERED_SPLIT.take(&key) {
                return Some((key, kept));
            }
            let split = rec_aggregation::split::split(isa()?, CONFIG, &parts, proof, target)
                .ok()
                .map(|p| p.to_bytes())?;
            Some((key, split))
        })();
        match split {
            // SAFETY: forwarded caller guarantees on `out_buf` and `out_written`.
            Some((key, proof)) => unsafe {
                UNDELIVERED_SPLIT.deliver(key, proof, out_buf, out_cap, out_written)
            },
            // SAFETY: forwarded caller guarantee on `out_written`.
            None => unsafe { error_out(out_written) },
        }
    })
}

/// Generation 2: verifies Type-2 bytes against `num_messages` components: message
/// `message_hashes[32 i .. 32 i + 32]`, slot `message_slots[i]` and `pks_per_message_counts[i]`
/// keys (in order, from `pks_flat`), in that order. `true` only if the proof is valid for
/// exactly these components (a valid proof for other messages, slots, keys or order is
/// rejected) and meets the default verifier policy (124 provable bits); `false` for any error.
///
/// # Safety
/// The arrays must be NULL or hold `num_messages` entries (`message_hashes`: `32 num_messages`
/// bytes; `pks_flat`: the sum of the counts), each key NULL or a live handle; `type_2_bytes`
/// NULL or `type_2_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xmss_verify_type_2(
    type_2_bytes: *const u8,
    type_2_len: usize,
    pks_flat: *const *const HashSigPublicKey,
    pks_per_message_counts: *const usize,
    num_messages: usize,
    message_hashes: *const u8,
    message_slots: *const u32,
) -> bool {
    guard(false, || {
        (|| {
            if num_messages == 0 || num_messages > MAX_COMPONENTS {
                return None;
            }
            // SAFETY: forwarded caller guarantees on the arrays and the proof.
            let (proof, keys, messages, slots) = unsafe {
                (
                    bytes(type_2_bytes, type_2_len)?,
                    key_lists(pks_flat, pks_per_message_counts, num_messages)?,
                    array(message_hashes, 32 * num_messages)?,
                    array(message_slots, num_messages)?,
                )
            };
            let parts: Vec<([u8; 32], u32, &[PublicKey])> = messages
                .chunks_exact(32)
                .zip(slots)
                .zip(&keys)
                .map(|((m, &s), k)| (m.try_into().unwrap_or([0; 32]), s, k.as_slice()))
                .collect();
            rec_aggregation::type2::verify_type_2(isa()?, CONFIG, &parts, proof, &PolicyV2::DEFAULT)
                .ok()
        })()
        .is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_requests_are_clamped_per_cpu_and_overall() {
        assert_eq!(applied_rayon_threads(0, 2), 0);
        assert_eq!(applied_rayon_threads(3, 2), 3);
        assert_eq!(applied_rayon_threads(5000, 2), 8);
        assert_eq!(applied_rayon_threads(9, 0), 4);
        assert_eq!(applied_rayon_threads(5000, 4096), MAX_RAYON_THREADS);
    }
}
