//! The `hashsig_*` functions: devnet4 XMSS keys and signatures (prod configuration) behind
//! opaque handles, plus `hashsig_test_verify_ssz` for the test configuration and three
//! `multisig_glue_*_to_ssz` additions that serialise with the (out_buf, out_cap, out_written)
//! protocol (the only way to learn the variable size of a secret key before writing it).
//!
//! Ownership: `hashsig_keypair_generate`, `hashsig_keypair_from_ssz`, `hashsig_sign`,
//! `hashsig_signature_from_ssz` and `hashsig_public_key_from_ssz` return heap handles that the
//! caller frees with the matching `*_free` (each accepts NULL). The public and private keys
//! returned by `hashsig_keypair_get_*` are borrowed from the key pair: valid while it lives,
//! never freed by the caller (`hashsig_public_key_free` ignores a borrowed key).
//!
//! Every handle starts with a type tag that each function checks, so a null, misaligned or
//! wrong-type handle returns the error value. This is a best-effort check, not a guarantee: a
//! dangling or forged pointer is still undefined behaviour, as in any C API.

use std::ffi::{CStr, c_char, c_int};
use std::sync::RwLock;

use backend::Isa;
use xmss::params::MESSAGE_BYTES;
use xmss::{Config, PublicKey, SecretKey, SignError, Signature};

use crate::ffi::{
    OUT_ERROR, Tagged, bytes, copy_to_bytes, guard, handle, message, take, write_out,
};

const TAG_KEYPAIR: u64 = u64::from_le_bytes(*b"MSGkeypr");
const TAG_PUBLIC: u64 = u64::from_le_bytes(*b"MSGpubky");
const TAG_PRIVATE: u64 = u64::from_le_bytes(*b"MSGprvky");
const TAG_SIGNATURE: u64 = u64::from_le_bytes(*b"MSGsignt");

/// The configuration of every handle: production (lifetime 2^32, 46 chains).
pub(crate) const CONFIG: Config = Config::Prod;

/// Opaque key pair handle (`HashSigKeyPair *`): owns its public and private key.
#[repr(C)]
pub struct HashSigKeyPair {
    tag: u64,
    public: HashSigPublicKey,
    private: HashSigPrivateKey,
}

/// Opaque public key handle (`HashSigPublicKey *`), owned or borrowed from a key pair.
#[repr(C)]
pub struct HashSigPublicKey {
    tag: u64,
    owned: bool,
    inner: PublicKey,
}

/// Opaque private key handle (`HashSigPrivateKey *`), always borrowed from a key pair.
///
/// The lock lets `hashsig_sign`, called through a `const` pointer from several threads, slide
/// the prepared window forward when asked for a later epoch; signing otherwise only reads.
#[repr(C)]
pub struct HashSigPrivateKey {
    tag: u64,
    inner: RwLock<SecretKey>,
}

/// Opaque signature handle (`HashSigSignature *`).
#[repr(C)]
pub struct HashSigSignature {
    tag: u64,
    inner: Signature,
}

impl HashSigPublicKey {
    /// The key behind the handle.
    pub(crate) fn key(&self) -> &PublicKey {
        &self.inner
    }
}

impl HashSigSignature {
    /// The signature behind the handle.
    pub(crate) fn signature(&self) -> &Signature {
        &self.inner
    }
}

impl Tagged for HashSigKeyPair {
    const TAG: u64 = TAG_KEYPAIR;
}
impl Tagged for HashSigPublicKey {
    const TAG: u64 = TAG_PUBLIC;
}
impl Tagged for HashSigPrivateKey {
    const TAG: u64 = TAG_PRIVATE;
}
impl Tagged for HashSigSignature {
    const TAG: u64 = TAG_SIGNATURE;
}

/// The process-wide instruction set, or `None` if `MULTISIG_ISA` is invalid for this CPU.
pub(crate) fn isa() -> Option<Isa> {
    Isa::selected().ok()
}

fn boxed_keypair(pk: PublicKey, sk: SecretKey) -> *mut HashSigKeyPair {
    Box::into_raw(Box::new(HashSigKeyPair {
        tag: TAG_KEYPAIR,
        public: HashSigPublicKey {
            tag: TAG_PUBLIC,
            owned: false,
            inner: pk,
        },
        private: HashSigPrivateKey {
            tag: TAG_PRIVATE,
            inner: RwLock::new(sk),
        },
    }))
}

/// Generates a prod key pair deterministically from a NUL-terminated seed phrase for the
/// epochs `activation_epoch .. activation_epoch + num_active_epochs` (widened to whole bottom
/// trees of 2^16 epochs, at least two). Returns NULL for a null seed, an empty or invalid
/// range, or an invalid `MULTISIG_ISA`. Free with `hashsig_keypair_free`.
///
/// # Safety
/// `seed_phrase` must be NULL or point to a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_keypair_generate(
    seed_phrase: *const c_char,
    activation_epoch: usize,
    num_active_epochs: usize,
) -> *mut HashSigKeyPair {
    guard(std::ptr::null_mut(), || {
        if seed_phrase.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: non-null and NUL-terminated by the caller's guarantee.
        let seed = unsafe { CStr::from_ptr(seed_phrase) }.to_bytes();
        let (Some(isa), Ok(start), Ok(count)) = (
            isa(),
            u64::try_from(activation_epoch),
            u64::try_from(num_active_epochs),
        ) else {
            return std::ptr::null_mut();
        };
        let (key, parameter) = xmss::prf::seed_to_key_material(seed);
        match xmss::keypair_from_prf_key(isa, CONFIG, key, parameter, start, count) {
            Ok((pk, sk)) => boxed_keypair(pk, sk),
            Err(_) => std::ptr::null_mut(),
        }
    })
}

/// Builds a prod key pair from the SSZ secret key (spec 6.5) and the 52-byte SSZ public key.
/// Returns NULL if either is null or malformed, or if the public key is not the one the
/// secret key commits to. Free with `hashsig_keypair_free`.
///
/// # Safety
/// `sk` / `pk` must be NULL or point to `sk_len` / `pk_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_keypair_from_ssz(
    sk: *const u8,
    sk_len: usize,
    pk: *const u8,
    pk_len: usize,
) -> *mut HashSigKeyPair {
    guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded caller guarantee on both buffers.
        let buffers = unsafe { (bytes(sk, sk_len), bytes(pk, pk_len)) };
        let (Some(sk), Some(pk)) = buffers else {
            return std::ptr::null_mut();
        };
        let (Ok(sk), Ok(pk)) = (SecretKey::from_ssz(CONFIG, sk), PublicKey::from_ssz(pk)) else {
            return std::ptr::null_mut();
        };
        if sk.public_key() != pk {
            return std::ptr::null_mut();
        }
        boxed_keypair(pk, sk)
    })
}

/// Frees a key pair (NULL and non-key-pair pointers are ignored). The borrowed public and
/// private keys become invalid.
///
/// # Safety
/// `kp` must be NULL or a key pair from this library that is not used afterwards (and not in
/// use by another thread).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_keypair_free(kp: *mut HashSigKeyPair) {
    guard((), || {
        // SAFETY: forwarded caller guarantee.
        drop(unsafe { take(kp, |_| true) });
    })
}

/// The key pair's public key, borrowed (NULL for an invalid key pair).
///
/// # Safety
/// `kp` must be NULL or a live key pair from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_keypair_get_public_key(
    kp: *const HashSigKeyPair,
) -> *const HashSigPublicKey {
    guard(std::ptr::null(), || {
        // SAFETY: forwarded caller guarantee.
        match unsafe { handle(kp) } {
            Some(kp) => &kp.public,
            None => std::ptr::null(),
        }
    })
}

/// The key pair's private key, borrowed (NULL for an invalid key pair).
///
/// # Safety
/// `kp` must be NULL or a live key pair from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_keypair_get_private_key(
    kp: *const HashSigKeyPair,
) -> *const HashSigPrivateKey {
    guard(std::ptr::null(), || {
        // SAFETY: forwarded caller guarantee.
        match unsafe { handle(kp) } {
            Some(kp) => &kp.private,
            None => std::ptr::null(),
        }
    })
}

/// Signs the 32-byte message for `epoch`. If the epoch is active but past the prepared window
/// of two bottom trees, the window slides forward first (one bottom tree of work each step;
/// earlier epochs cannot be signed afterwards). Returns NULL for null pointers, an epoch
/// outside the activation range or behind the window, or an invalid `MULTISIG_ISA`. Free with
/// `hashsig_signature_free`.
///
/// # Safety
/// `sk` must be NULL or a live private key of this library; `msg32` NULL or 32 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_sign(
    sk: *const HashSigPrivateKey,
    msg32: *const u8,
    epoch: u32,
) -> *mut HashSigSignature {
    guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded caller guarantees on `sk` and `msg32`.
        let inputs = unsafe { (handle(sk), message(msg32)) };
        let (Some(sk), Some(msg), Some(isa)) = (inputs.0, inputs.1, isa()) else {
            return std::ptr::null_mut();
        };
        match sign(sk, isa, epoch, msg) {
            Some(sig) => Box::into_raw(Box::new(HashSigSignature {
                tag: TAG_SIGNATURE,
                inner: sig,
            })),
            None => std::ptr::null_mut(),
        }
    })
}

/// Signs under the read lock; on `NotPrepared` for a later epoch, slides the window under the
/// write lock and signs there. A poisoned lock (a panic while advancing) is an error.
fn sign(sk: &HashSigPrivateKey, isa: Isa, epoch: u32, msg: &[u8; 32]) -> Option<Signature> {
    let first = sk.inner.read().ok()?.sign(isa, epoch, msg);
    match first {
        Ok(sig) => Some(sig),
        Err(SignError::NotPrepared { epoch: e, end, .. }) if e >= end => {
            let mut key = sk.inner.write().ok()?;
            while key.prepared_range().end <= e {
                if !key.advance_preparation(isa) {
                    return None;
                }
            }
            key.sign(isa, epoch, msg).ok()
        }
        Err(_) => None,
    }
}

/// Verifies a signature handle: 1 valid, 0 invalid, -1 error (null or wrong-type pointer,
/// invalid `MULTISIG_ISA`).
///
/// # Safety
/// Pointers must be NULL or live handles of this library; `msg32` NULL or 32 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_verify(
    pk: *const HashSigPublicKey,
    msg32: *const u8,
    epoch: u32,
    sig: *const HashSigSignature,
) -> i32 {
    guard(-1, || {
        // SAFETY: forwarded caller guarantees on `pk`, `msg32` and `sig`.
        let handles = unsafe { (handle(pk), message(msg32), handle(sig)) };
        let (Some(pk), Some(msg), Some(sig)) = handles else {
            return -1;
        };
        verify(CONFIG, &pk.inner, msg, epoch, &sig.inner)
    })
}

/// 1 if valid, 0 if invalid, -1 if `MULTISIG_ISA` is invalid.
fn verify(config: Config, pk: &PublicKey, msg: &[u8; 32], epoch: u32, sig: &Signature) -> i32 {
    let Some(isa) = isa() else {
        return -1;
    };
    match xmss::verify_batch(isa, config, msg, epoch, &[(pk, sig)]).pop() {
        Some(Ok(())) => 1,
        Some(Err(_)) => 0,
        None => -1,
    }
}

/// Writes the 52-byte SSZ public key to `buf`: returns 52, or 0 on error or if `buf_len < 52`.
///
/// # Safety
/// `pk` must be NULL or a live public key of this library; `buf` NULL or `buf_len` writable
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_public_key_to_bytes(
    pk: *const HashSigPublicKey,
    buf: *mut u8,
    buf_len: usize,
) -> usize {
    guard(0, || {
        // SAFETY: forwarded caller guarantee on `pk`.
        let Some(pk) = (unsafe { handle(pk) }) else {
            return 0;
        };
        // SAFETY: forwarded caller guarantee on `buf`.
        unsafe { copy_to_bytes(&pk.inner.to_ssz(), buf, buf_len) }
    })
}

/// Writes the SSZ secret key (spec 6.5; several MiB for prod keys) to `buf`: returns the
/// number of bytes, or 0 on error or if `buf` is too small. `multisig_glue_private_key_to_ssz`
/// tells the size.
///
/// # Safety
/// `sk` must be NULL or a live private key of this library; `buf` NULL or `buf_len` writable
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_private_key_to_bytes(
    sk: *const HashSigPrivateKey,
    buf: *mut u8,
    buf_len: usize,
) -> usize {
    guard(0, || {
        // SAFETY: forwarded caller guarantee.
        let Some(ssz) = (unsafe { handle(sk) }).and_then(private_ssz) else {
            return 0;
        };
        // SAFETY: forwarded caller guarantee.
        unsafe { copy_to_bytes(&ssz, buf, buf_len) }
    })
}

fn private_ssz(sk: &HashSigPrivateKey) -> Option<Vec<u8>> {
    Some(sk.inner.read().ok()?.to_ssz())
}

/// Writes the 2536-byte SSZ signature to `buf`: returns 2536, or 0 on error or if `buf` is too
/// small.
///
/// # Safety
/// `sig` must be NULL or a live signature of this library; `buf` NULL or `buf_len` writable
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_signature_to_bytes(
    sig: *const HashSigSignature,
    buf: *mut u8,
    buf_len: usize,
) -> usize {
    guard(0, || {
        // SAFETY: forwarded caller guarantee on `sig`.
        let Some(sig) = (unsafe { handle(sig) }) else {
            return 0;
        };
        // SAFETY: forwarded caller guarantee on `buf`.
        unsafe { copy_to_bytes(&sig.inner.to_ssz(), buf, buf_len) }
    })
}

/// Decodes a 2536-byte SSZ prod signature (strict: exact offsets and length, canonical field
/// elements). NULL if null or malformed. Free with `hashsig_signature_free`.
///
/// # Safety
/// `bytes` must be NULL or point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_signature_from_ssz(
    bytes: *const u8,
    len: usize,
) -> *mut HashSigSignature {
    guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded caller guarantee.
        let Some(b) = (unsafe { self::bytes(bytes, len) }) else {
            return std::ptr::null_mut();
        };
        match Signature::from_ssz(CONFIG, b) {
            Ok(sig) => Box::into_raw(Box::new(HashSigSignature {
                tag: TAG_SIGNATURE,
                inner: sig,
            })),
            Err(_) => std::ptr::null_mut(),
        }
    })
}

/// Frees a signature (NULL and non-signature pointers are ignored).
///
/// # Safety
/// `sig` must be NULL or a signature from this library that is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_signature_free(sig: *mut HashSigSignature) {
    guard((), || {
        // SAFETY: forwarded caller guarantee.
        drop(unsafe { take(sig, |_| true) });
    })
}

/// Decodes a 52-byte SSZ public key (canonical field elements). NULL if null or malformed.
/// Free with `hashsig_public_key_free`.
///
/// # Safety
/// `bytes` must be NULL or point to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_public_key_from_ssz(
    bytes: *const u8,
    len: usize,
) -> *mut HashSigPublicKey {
    guard(std::ptr::null_mut(), || {
        // SAFETY: forwarded caller guarantee.
        let Some(b) = (unsafe { self::bytes(bytes, len) }) else {
            return std::ptr::null_mut();
        };
        match PublicKey::from_ssz(b) {
            Ok(pk) => Box::into_raw(Box::new(HashSigPublicKey {
                tag: TAG_PUBLIC,
                owned: true,
                inner: pk,
            })),
            Err(_) => std::ptr::null_mut(),
        }
    })
}

/// Frees a public key from `hashsig_public_key_from_ssz` (NULL, non-public-key pointers and
/// keys borrowed from a key pair are ignored).
///
/// # Safety
/// `pk` must be NULL or a public key from this library that is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_public_key_free(pk: *mut HashSigPublicKey) {
    guard((), || {
        // SAFETY: forwarded caller guarantee.
        drop(unsafe { take(pk, |k| k.owned) });
    })
}

/// The message length: 32.
#[unsafe(no_mangle)]
pub extern "C" fn hashsig_message_length() -> usize {
    MESSAGE_BYTES
}

/// Verifies SSZ bytes for `config`: 1 valid, 0 invalid, -1 error (null pointer, malformed
/// public key or signature, invalid `MULTISIG_ISA`).
///
/// # Safety
/// Each pointer must be NULL or point to its length of readable bytes (32 for `msg32`).
unsafe fn verify_ssz(
    config: Config,
    pk: *const u8,
    pk_len: usize,
    msg32: *const u8,
    epoch: u32,
    sig: *const u8,
    sig_len: usize,
) -> i32 {
    // SAFETY: forwarded caller guarantees.
    let (Some(pk), Some(msg), Some(sig)) =
        (unsafe { (bytes(pk, pk_len), message(msg32), bytes(sig, sig_len)) })
    else {
        return -1;
    };
    let (Ok(pk), Ok(sig)) = (PublicKey::from_ssz(pk), Signature::from_ssz(config, sig)) else {
        return -1;
    };
    verify(config, &pk, msg, epoch, &sig)
}

/// Verifies a prod signature given as SSZ bytes (52-byte public key, 2536-byte signature):
/// 1 valid, 0 invalid, -1 error (null pointer, malformed bytes, invalid `MULTISIG_ISA`).
///
/// # Safety
/// Each pointer must be NULL or point to its length of readable bytes (32 for `msg32`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_verify_ssz(
    pk: *const u8,
    pk_len: usize,
    msg32: *const u8,
    epoch: u32,
    sig: *const u8,
    sig_len: usize,
) -> i32 {
    // SAFETY: forwarded caller guarantees.
    guard(-1, || unsafe {
        verify_ssz(CONFIG, pk, pk_len, msg32, epoch, sig, sig_len)
    })
}

/// As `hashsig_verify_ssz` for the test configuration (lifetime 2^8, 424-byte signatures).
///
/// # Safety
/// Each pointer must be NULL or point to its length of readable bytes (32 for `msg32`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hashsig_test_verify_ssz(
    pk: *const u8,
    pk_len: usize,
    msg32: *const u8,
    epoch: u32,
    sig: *const u8,
    sig_len: usize,
) -> i32 {
    // SAFETY: forwarded caller guarantees.
    guard(-1, || unsafe {
        verify_ssz(Config::Test, pk, pk_len, msg32, epoch, sig, sig_len)
    })
}

/// Addition: the SSZ public key with the (out_buf, out_cap, out_written) protocol: 0 written,
/// -1 error, -2 `out_cap` too small; `*out_written` (if non-null) gets the length (52).
///
/// # Safety
/// `pk` must be NULL or a live public key of this library; `out_buf` NULL or `out_cap`
/// writable bytes; `out_written` NULL or a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn multisig_glue_public_key_to_ssz(
    pk: *const HashSigPublicKey,
    out_buf: *mut u8,
    out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    guard(OUT_ERROR, || {
        // SAFETY: forwarded caller guarantee on `pk`.
        let Some(ssz) = (unsafe { handle(pk) }).map(|h| h.inner.to_ssz()) else {
            // SAFETY: forwarded caller guarantee on `out_written`.
            return unsafe { error_out(out_written) };
        };
        // SAFETY: forwarded caller guarantees on `out_buf` and `out_written`.
        unsafe { write_out(&ssz, out_buf, out_cap, out_written) }
    })
}

/// Addition: the SSZ secret key with the (out_buf, out_cap, out_written) protocol; call with
/// `out_cap = 0` to learn the size (-2 and `*out_written`).
///
/// # Safety
/// `sk` must be NULL or a live private key of this library; `out_buf` NULL or `out_cap`
/// writable bytes; `out_written` NULL or a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn multisig_glue_private_key_to_ssz(
    sk: *const HashSigPrivateKey,
    out_buf: *mut u8,
    out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    guard(OUT_ERROR, || {
        // SAFETY: forwarded caller guarantee on `sk`.
        let Some(ssz) = (unsafe { handle(sk) }).and_then(private_ssz) else {
            // SAFETY: forwarded caller guarantee on `out_written`.
            return unsafe { error_out(out_written) };
        };
        // SAFETY: forwarded caller guarantees on `out_buf` and `out_written`.
        unsafe { write_out(&ssz, out_buf, out_cap, out_written) }
    })
}

/// Addition: the SSZ signature with the (out_buf, out_cap, out_written) protocol.
///
/// # Safety
/// `sig` must be NULL or a live signature of this library; `out_buf` NULL or `out_cap`
/// writable bytes; `out_written` NULL or a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn multisig_glue_signature_to_ssz(
    sig: *const HashSigSignature,
    out_buf: *mut u8,
    out_cap: usize,
    out_written: *mut usize,
) -> c_int {
    guard(OUT_ERROR, || {
        // SAFETY: forwarded caller guarantee on `sig`.
        let Some(ssz) = (unsafe { handle(sig) }).map(|h| h.inner.to_ssz()) else {
            // SAFETY: forwarded caller guarantee on `out_written`.
            return unsafe { error_out(out_written) };
        };
        // SAFETY: forwarded caller guarantees on `out_buf` and `out_written`.
        unsafe { write_out(&ssz, out_buf, out_cap, out_written) }
    })
}

/// -1 with `*out_written = 0` (if non-null and aligned).
///
/// # Safety
/// `out_written` must be NULL or, if aligned, point to a writable `size_t`.
pub(crate) unsafe fn error_out(out_written: *mut usize) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { crate::ffi::set_written(out_written, 0) };
    OUT_ERROR
}
