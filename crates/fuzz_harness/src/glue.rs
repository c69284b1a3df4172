//! Harness for the C ABI's byte inputs: the `extern "C"` functions of `crates/glue`
//! (`multisig_glue`) called directly from Rust with fuzzed buffers.
//!
//! The first input byte selects the function (`data[0] % 6`, see [`Mode`]); the rest is its
//! input, and some modes read lengths, an epoch or a slot from the first bytes of the rest,
//! so that one corpus covers every function and many splits. Missing header bytes count as
//! zero; a message shorter than 32 bytes is passed as NULL (the ABI must refuse it).
//!
//! Invariants: every function returns one of its documented values (never panics: under
//! `panic = "abort"`, the C build, a panic would kill the client); a handle decoded from
//! bytes serialises back to exactly those bytes; and every decoder given a NULL pointer
//! with a non-zero length refuses it without reading.

use crate::outcome::Outcome;
use crate::statement::{PROD_STATEMENT, PROD_VECTOR_KEY};
use multisig_glue::{
    HashSigPublicKey, hashsig_public_key_free, hashsig_public_key_from_ssz,
    hashsig_public_key_to_bytes, hashsig_signature_free, hashsig_signature_from_ssz,
    hashsig_signature_to_bytes, hashsig_test_verify_ssz, hashsig_verify_ssz,
    multisig_glue_public_key_to_ssz, multisig_glue_signature_to_ssz,
    xmss_aggregate_signature_from_bytes, xmss_aggregate_signature_to_bytes,
    xmss_free_aggregate_signature, xmss_verify_aggregated, xmss_verify_type_1,
};
use std::ptr::{null, null_mut};

/// Which C function an input drives (its first byte modulo 6).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// `hashsig_public_key_from_ssz(rest)`, then both serialisers and the free.
    PublicKey = 0,
    /// `hashsig_signature_from_ssz(rest)`, then both serialisers and the free.
    Signature = 1,
    /// `hashsig_verify_ssz` (prod); rest = `pk_len` (u8) ‖ epoch (u32 LE) ‖ message (32) ‖
    /// public key (`pk_len` bytes) ‖ signature (the remainder).
    VerifySsz = 2,
    /// `hashsig_test_verify_ssz` (test configuration), the same layout as [`Mode::VerifySsz`].
    TestVerifySsz = 3,
    /// `xmss_aggregate_signature_from_bytes(rest)`, then `xmss_aggregate_signature_to_bytes`
    /// and the free.
    AggregateFromBytes = 4,
    /// `xmss_verify_type_1` and `xmss_verify_aggregated` with the prod vector's key
    /// (`PROD_STATEMENT`); rest = number of keys (u8, modulo 4; the key repeated) ‖ slot
    /// (u32 LE) ‖ proof (the remainder).
    VerifyType1 = 5,
}

impl Mode {
    /// The mode of selector byte `b`.
    pub fn of(b: u8) -> Mode {
        match b % 6 {
            0 => Mode::PublicKey,
            1 => Mode::Signature,
            2 => Mode::VerifySsz,
            3 => Mode::TestVerifySsz,
            4 => Mode::AggregateFromBytes,
            _ => Mode::VerifyType1,
        }
    }
}

/// Reads header fields from the front of a buffer; missing bytes are zero.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    /// The next `n` bytes, or fewer at the end.
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.0.split_at(n.min(self.0.len()));
        self.0 = tail;
        head
    }
    /// A byte (0 at the end).
    fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }
    /// A little-endian `u32` (missing high bytes are 0).
    fn u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        let s = self.take(4);
        b[..s.len()].copy_from_slice(s);
        u32::from_le_bytes(b)
    }
    /// 32 bytes, or `None` if fewer are left (all of them are consumed either way).
    fn message(&mut self) -> Option<[u8; 32]> {
        self.take(32).try_into().ok()
    }
}

/// Pointer of an optional message, NULL for `None`.
fn message_ptr(m: &Option<[u8; 32]>) -> *const u8 {
    m.as_ref().map_or(null(), |m| m.as_ptr())
}

/// Drives the C function `data[0]` selects (see [`Mode`]). `Accepted` means the call
/// succeeded: a non-NULL handle, a verification result of 1 or `true`.
pub fn glue_bytes(data: &[u8]) -> Outcome {
    null_inputs_are_refused(data.len());
    let Some((&selector, rest)) = data.split_first() else {
        return Outcome::Rejected;
    };
    match Mode::of(selector) {
        Mode::PublicKey => public_key(rest),
        Mode::Signature => signature(rest),
        Mode::VerifySsz => verify_ssz(rest, false),
        Mode::TestVerifySsz => verify_ssz(rest, true),
        Mode::AggregateFromBytes => aggregate_from_bytes(rest),
        Mode::VerifyType1 => verify_type_1(rest),
    }
}

/// Every byte decoder refuses a NULL pointer with a non-zero length.
fn null_inputs_are_refused(len: usize) {
    let len = len.max(1);
    // SAFETY: the functions check for NULL before reading and read nothing then; NULL is
    // documented as a valid argument.
    unsafe {
        assert!(hashsig_public_key_from_ssz(null(), len).is_null());
        assert!(hashsig_signature_from_ssz(null(), len).is_null());
        assert!(xmss_aggregate_signature_from_bytes(null(), len).is_null());
    }
}

fn public_key(rest: &[u8]) -> Outcome {
    // SAFETY: `rest` is a live buffer of `rest.len()` bytes.
    let pk = unsafe { hashsig_public_key_from_ssz(rest.as_ptr(), rest.len()) };
    if pk.is_null() {
        return Outcome::Rejected;
    }
    let mut buf = vec![0u8; rest.len() + 8];
    let mut written = 0usize;
    // SAFETY: `pk` is the live handle just returned; `buf` has the capacities passed and
    // `written` is a writable `size_t`; the handle is freed once, at the end.
    unsafe {
        assert_eq!(hashsig_public_key_to_bytes(pk, buf.as_mut_ptr(), 51), 0);
        assert_eq!(
            hashsig_public_key_to_bytes(pk, buf.as_mut_ptr(), buf.len()),
            rest.len()
        );
        assert_eq!(
            &buf[..rest.len()],
            rest,
            "public key handle does not round-trip"
        );
        let code = multisig_glue_public_key_to_ssz(pk, null_mut(), 0, &mut written);
        assert_eq!((code, written), (-2, rest.len()));
        hashsig_public_key_free(pk);
    }
    Outcome::Accepted
}

fn signature(rest: &[u8]) -> Outcome {
    // SAFETY: `rest` is a live buffer of `rest.len()` bytes.
    let sig = unsafe { hashsig_signature_from_ssz(rest.as_ptr(), rest.len()) };
    if sig.is_null() {
        return Outcome::Rejected;
    }
    let mut buf = vec![0u8; rest.len()];
    let mut written = 0usize;
    // SAFETY: `sig` is the live handle just returned; `buf` has `buf.len()` writable bytes
    // and `written` is a writable `size_t`; the handle is freed once, at the end.
    unsafe {
        assert_eq!(
            hashsig_signature_to_bytes(sig, buf.as_mut_ptr(), buf.len()),
            rest.len()
        );
        assert_eq!(buf, rest, "signature handle does not round-trip");
        buf.fill(0);
        let code = multisig_glue_signature_to_ssz(sig, buf.as_mut_ptr(), buf.len(), &mut written);
        assert_eq!((code, written), (0, rest.len()));
        assert_eq!(buf, rest);
        hashsig_signature_free(sig);
    }
    Outcome::Accepted
}

fn verify_ssz(rest: &[u8], test_config: bool) -> Outcome {
    let mut c = Cursor(rest);
    let pk_len = usize::from(c.u8());
    let epoch = c.u32();
    let msg = c.message();
    let pk = c.take(pk_len);
    let sig = c.0;
    let f = if test_config {
        hashsig_test_verify_ssz
    } else {
        hashsig_verify_ssz
    };
    // SAFETY: `pk` and `sig` are live buffers of the lengths passed; the message pointer is
    // NULL or 32 readable bytes.
    let r = unsafe {
        f(
            pk.as_ptr(),
            pk.len(),
            message_ptr(&msg),
            epoch,
            sig.as_ptr(),
            sig.len(),
        )
    };
    assert!(matches!(r, -1..=1), "verify_ssz returned {r}");
    if msg.is_none() {
        assert_eq!(r, -1, "a NULL message was not refused");
    }
    Outcome::from_bool(r == 1)
}

fn aggregate_from_bytes(rest: &[u8]) -> Outcome {
    // SAFETY: `rest` is a live buffer of `rest.len()` bytes.
    let agg = unsafe { xmss_aggregate_signature_from_bytes(rest.as_ptr(), rest.len()) };
    if agg.is_null() {
        return Outcome::Rejected;
    }
    let mut buf = vec![0u8; rest.len()];
    // SAFETY: `agg` is the live handle just returned; `buf` has the capacities passed (a
    // null buffer is refused); the handle is freed once, at the end.
    unsafe {
        assert_eq!(
            xmss_aggregate_signature_to_bytes(agg, null_mut(), rest.len()),
            0
        );
        if !rest.is_empty() {
            assert_eq!(
                xmss_aggregate_signature_to_bytes(agg, buf.as_mut_ptr(), rest.len() - 1),
                0
            );
        }
        assert_eq!(
            xmss_aggregate_signature_to_bytes(agg, buf.as_mut_ptr(), buf.len()),
            rest.len()
        );
        assert_eq!(buf, rest, "aggregate handle does not round-trip");
        xmss_free_aggregate_signature(agg);
    }
    Outcome::Accepted
}

fn verify_type_1(rest: &[u8]) -> Outcome {
    let mut c = Cursor(rest);
    let num_keys = usize::from(c.u8() % 4);
    let slot = c.u32();
    let proof = c.0;
    // SAFETY: the key bytes are a live 52-byte constant.
    let key =
        unsafe { hashsig_public_key_from_ssz(PROD_VECTOR_KEY.as_ptr(), PROD_VECTOR_KEY.len()) };
    assert!(!key.is_null(), "the fixed prod key does not decode");
    let keys: Vec<*const HashSigPublicKey> = vec![key.cast_const(); num_keys];
    let msg = PROD_STATEMENT.message;
    // SAFETY: `keys` holds `num_keys` pointers to the live handle `key` (an empty vector's
    // dangling pointer is never read for 0 keys); `msg` is 32 readable bytes; `proof` is a
    // live buffer of `proof.len()` bytes. `key` is freed once, after both calls.
    let (type_1, aggregated) = unsafe {
        let type_1 = xmss_verify_type_1(
            keys.as_ptr(),
            num_keys,
            msg.as_ptr(),
            slot,
            proof.as_ptr(),
            proof.len(),
        );
        // The generation-1 entry point takes the same inputs (slot last) and must agree.
        let aggregated = xmss_verify_aggregated(
            keys.as_ptr(),
            num_keys,
            msg.as_ptr(),
            proof.as_ptr(),
            proof.len(),
            slot,
        );
        hashsig_public_key_free(key);
        (type_1, aggregated)
    };
    assert_eq!(type_1, aggregated, "the two generations disagree");
    if num_keys == 0 {
        assert!(!type_1, "a proof verified for no keys");
    }
    Outcome::from_bool(type_1)
}
