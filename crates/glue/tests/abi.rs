//! The exported functions called from Rust through the rlib, so `cargo test` (run under every
//! `MULTISIG_ISA` by `scripts/test.sh`) covers the ABI too: leanMultisig's vectors
//! (`../shared/vectors/` relative to the repository root), SSZ handles and round trips, the -2
//! protocol, bad inputs, and aggregation: both generations on prod signatures (the leanMultisig
//! vector plus a benchmark fixture on the same message and slot), proofs bound to their
//! statement, the -2 protocol, concurrent calls, bad inputs; children (with children of
//! their own too) folded into a Type-1 in both generations, such a Type-1 merged and split
//! back out.
//! Key generation (seconds in release, minutes unoptimised) is left to the C and Zig tests of
//! `scripts/glue-matrix.sh`.

use multisig_glue::*;
use std::ptr::{null, null_mut};

struct Vector {
    pk: Vec<u8>,
    msg: Vec<u8>,
    slot: u32,
    sig: Vec<u8>,
}

fn hex(s: &serde_json::Value) -> Vec<u8> {
    let s = s.as_str().unwrap().trim_start_matches("0x");
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn vector(file: &str) -> Vector {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    Vector {
        pk: hex(&v["public_key"]),
        msg: hex(&v["message"]),
        slot: v["slot"].as_u64().unwrap() as u32,
        sig: hex(&v["signature_ssz"]),
    }
}

#[test]
fn vectors_verify_and_tampering_is_rejected() {
    let p = vector("xmss_prod_test_vector.json");
    let t = vector("xmss_test_vector.json");
    // SAFETY: every pointer points to a live buffer of the length passed (or is null).
    unsafe {
        let v = |pk: &[u8], msg: &[u8], slot, sig: &[u8]| {
            hashsig_verify_ssz(
                pk.as_ptr(),
                pk.len(),
                msg.as_ptr(),
                slot,
                sig.as_ptr(),
                sig.len(),
            )
        };
        assert_eq!(v(&p.pk, &p.msg, p.slot, &p.sig), 1);
        assert_eq!(v(&p.pk, &p.msg, p.slot + 1, &p.sig), 0);
        let mut msg = p.msg.clone();
        msg[31] ^= 0x80;
        assert_eq!(v(&p.pk, &msg, p.slot, &p.sig), 0);
        assert_eq!(v(&p.pk, &p.msg, p.slot, &p.sig[1..]), -1);
        assert_eq!(v(&p.pk[1..], &p.msg, p.slot, &p.sig), -1);
        assert_eq!(v(&t.pk, &t.msg, t.slot, &t.sig), -1);
        assert_eq!(
            hashsig_test_verify_ssz(
                t.pk.as_ptr(),
                52,
                t.msg.as_ptr(),
                t.slot,
                t.sig.as_ptr(),
                t.sig.len()
            ),
            1
        );
        assert_eq!(
            hashsig_test_verify_ssz(
                t.pk.as_ptr(),
                52,
                t.msg.as_ptr(),
                t.slot + 1,
                t.sig.as_ptr(),
                t.sig.len()
            ),
            0
        );
        assert_eq!(
            hashsig_verify_ssz(null(), 52, p.msg.as_ptr(), 5, p.sig.as_ptr(), 2536),
            -1
        );
        assert_eq!(
            hashsig_verify_ssz(p.pk.as_ptr(), 52, null(), 5, p.sig.as_ptr(), 2536),
            -1
        );
        assert_eq!(
            hashsig_verify_ssz(p.pk.as_ptr(), 52, p.msg.as_ptr(), 5, null(), 2536),
            -1
        );
        assert_eq!(
            hashsig_verify_ssz(
                p.pk.as_ptr(),
                52,
                p.msg.as_ptr(),
                5,
                p.sig.as_ptr(),
                usize::MAX
            ),
            -1
        );
        let garbage = vec![0xffu8; 2536];
        assert_eq!(v(&p.pk, &p.msg, p.slot, &garbage), -1);
    }
}

#[test]
fn handles_round_trip_and_reject_bad_inputs() {
    let p = vector("xmss_prod_test_vector.json");
    // SAFETY: buffers are live with the lengths passed; handles come from this library and
    // are freed once.
    unsafe {
        let pk = hashsig_public_key_from_ssz(p.pk.as_ptr(), p.pk.len());
        let sig = hashsig_signature_from_ssz(p.sig.as_ptr(), p.sig.len());
        assert!(!pk.is_null() && !sig.is_null());
        assert_eq!(hashsig_verify(pk, p.msg.as_ptr(), p.slot, sig), 1);
        assert_eq!(hashsig_verify(pk, p.msg.as_ptr(), p.slot ^ 1, sig), 0);
        assert_eq!(
            hashsig_verify(sig.cast(), p.msg.as_ptr(), p.slot, pk.cast()),
            -1
        );
        let mut buf = vec![0u8; 4096];
        assert_eq!(
            hashsig_signature_to_bytes(sig, buf.as_mut_ptr(), buf.len()),
            2536
        );
        assert_eq!(&buf[..2536], &p.sig[..]);
        assert_eq!(hashsig_signature_to_bytes(sig, buf.as_mut_ptr(), 2535), 0);
        assert_eq!(hashsig_public_key_to_bytes(pk, buf.as_mut_ptr(), 52), 52);
        assert_eq!(&buf[..52], &p.pk[..]);
        let mut written = 0usize;
        assert_eq!(
            multisig_glue_public_key_to_ssz(pk, null_mut(), 0, &mut written),
            -2
        );
        assert_eq!(written, 52);
        assert_eq!(
            multisig_glue_signature_to_ssz(sig, buf.as_mut_ptr(), 100, &mut written),
            -2
        );
        assert_eq!(written, 2536);
        assert_eq!(
            multisig_glue_signature_to_ssz(null(), buf.as_mut_ptr(), 4096, &mut written),
            -1
        );
        assert_eq!(written, 0);
        assert!(hashsig_signature_from_ssz(p.sig.as_ptr(), 2535).is_null());
        assert!(hashsig_public_key_from_ssz(null(), 52).is_null());
        assert!(hashsig_keypair_from_ssz(p.sig.as_ptr(), p.sig.len(), p.pk.as_ptr(), 52).is_null());
        assert!(hashsig_keypair_get_public_key(null()).is_null());
        assert!(hashsig_sign(null(), p.msg.as_ptr(), 1).is_null());
        assert!(hashsig_keypair_generate(null(), 0, 10).is_null());
        assert_eq!(hashsig_message_length(), 32);
        hashsig_public_key_free(pk);
        hashsig_signature_free(sig);
        hashsig_public_key_free(null_mut());
        hashsig_signature_free(null_mut());
        hashsig_keypair_free(null_mut());
    }
}

/// Owned public key and signature handles for aggregation tests, freed on drop.
struct Signers {
    /// The SSZ (public key, signature) pairs behind the handles.
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
    pks: Vec<*mut HashSigPublicKey>,
    sigs: Vec<*mut HashSigSignature>,
    msg: [u8; 32],
    slot: u32,
}

impl Signers {
    /// The prod leanMultisig vector and `extra` fixtures signing its message and slot.
    fn new(extra: usize) -> Signers {
        let p = vector("xmss_prod_test_vector.json");
        let msg: [u8; 32] = p.msg.clone().try_into().unwrap();
        let mut pairs = vec![(p.pk.clone(), p.sig.clone())];
        for (pk, sig) in xmss::fixtures::generate(
            backend::Isa::scalar(),
            xmss::Config::Prod,
            77,
            extra,
            &msg,
            p.slot,
        )
        .unwrap()
        {
            pairs.push((pk.to_ssz().to_vec(), sig.to_ssz()));
        }
        // SAFETY: each buffer is live with the length passed.
        let (pks, sigs) = pairs
            .iter()
            .map(|(pk, sig)| unsafe {
                (
                    hashsig_public_key_from_ssz(pk.as_ptr(), pk.len()),
                    hashsig_signature_from_ssz(sig.as_ptr(), sig.len()),
                )
            })
            .unzip::<_, _, Vec<_>, Vec<_>>();
        assert!(pks.iter().all(|p| !p.is_null()) && sigs.iter().all(|s| !s.is_null()));
        Signers {
            pairs,
            pks,
            sigs,
            msg,
            slot: p.slot,
        }
    }

    fn keys(&self) -> Vec<*const HashSigPublicKey> {
        self.pks.iter().map(|p| p.cast_const()).collect()
    }

    fn signatures(&self) -> Vec<*const HashSigSignature> {
        self.sigs.iter().map(|s| s.cast_const()).collect()
    }
}

impl Drop for Signers {
    fn drop(&mut self) {
        // SAFETY: handles from this library, freed once.
        unsafe {
            for &p in &self.pks {
                hashsig_public_key_free(p);
            }
            for &s in &self.sigs {
                hashsig_signature_free(s);
            }
        }
    }
}

/// `xmss_aggregate_type_1` without children.
///
/// # Safety
/// As the function: arrays of `n` live handles (or null), a 32-byte message (or null).
#[allow(clippy::too_many_arguments)] // mirrors the C function's arguments
unsafe fn type_1(
    pks: *const *const HashSigPublicKey,
    sigs: *const *const HashSigSignature,
    n: usize,
    msg: *const u8,
    slot: u32,
    rate: usize,
    out: &mut [u8],
    cap: usize,
    written: &mut usize,
) -> i32 {
    assert!(cap <= out.len());
    // SAFETY: forwarded caller guarantees; `out` has `cap` writable bytes.
    unsafe {
        xmss_aggregate_type_1(
            pks,
            sigs,
            n,
            0,
            null(),
            null(),
            null(),
            null(),
            msg,
            slot,
            rate,
            out.as_mut_ptr(),
            cap,
            written,
        )
    }
}

/// `xmss_verify_type_1` on slices.
fn verify_1(keys: &[*const HashSigPublicKey], msg: &[u8; 32], slot: u32, proof: &[u8]) -> bool {
    // SAFETY: live handles, a 32-byte message and a live proof buffer.
    unsafe {
        xmss_verify_type_1(
            keys.as_ptr(),
            keys.len(),
            msg.as_ptr(),
            slot,
            proof.as_ptr(),
            proof.len(),
        )
    }
}

/// Output buffers of the tests: large enough for any proof here.
const BIG: usize = 4 << 20;
/// The buffer the Zig client passes (it treats -2 as "proof too large").
const CLIENT_CAP: usize = 512 * 1024;

#[test]
fn aggregation_both_generations_round_trip() {
    let s = Signers::new(1);
    let (keys, sigs) = (s.keys(), s.signatures());
    let mut out = vec![0u8; BIG];
    // SAFETY: live handles and buffers with the lengths passed; every aggregate is freed once.
    unsafe {
        assert_eq!(xmss_setup_aggregation(), 0);
        // Generation 2: size query, too small, then the real thing.
        let mut written = 0usize;
        let r = type_1(
            keys.as_ptr(),
            sigs.as_ptr(),
            2,
            s.msg.as_ptr(),
            s.slot,
            2,
            &mut out,
            0,
            &mut written,
        );
        assert_eq!(r, -2);
        let len = written;
        assert!(len > 12 && len <= out.len(), "{len}");
        out.fill(0xee);
        written = 0;
        let r = type_1(
            keys.as_ptr(),
            sigs.as_ptr(),
            2,
            s.msg.as_ptr(),
            s.slot,
            2,
            &mut out,
            len - 1,
            &mut written,
        );
        assert_eq!((r, written), (-2, len));
        assert!(out.iter().all(|&b| b == 0xee), "nothing written on -2");
        let r = type_1(
            keys.as_ptr(),
            sigs.as_ptr(),
            2,
            s.msg.as_ptr(),
            s.slot,
            2,
            &mut out,
            len,
            &mut written,
        );
        assert_eq!((r, written), (0, len));
        let proof = out[..len].to_vec();
        assert_eq!(&proof[..4], b"XAGG");
        // The client's call with its 512 KiB buffer: written, or -2 with the length.
        let r = type_1(
            keys.as_ptr(),
            sigs.as_ptr(),
            2,
            s.msg.as_ptr(),
            s.slot,
            2,
            &mut out,
            CLIENT_CAP,
            &mut written,
        );
        let expected = if len <= CLIENT_CAP { 0 } else { -2 };
        assert_eq!((r, written), (expected, len));
        if r == 0 {
            assert_eq!(out[..len], proof[..]);
        }
        assert!(verify_1(&keys, &s.msg, s.slot, &proof));

        // Bound to the statement: slot, message, key order, key list, bytes.
        assert!(!verify_1(&keys, &s.msg, s.slot + 1, &proof));
        let mut other = s.msg;
        other[0] ^= 1;
        assert!(!verify_1(&keys, &other, s.slot, &proof));
        assert!(!verify_1(&[keys[1], keys[0]], &s.msg, s.slot, &proof));
        assert!(!verify_1(&keys[..1], &s.msg, s.slot, &proof));
        assert!(!verify_1(&[keys[0], keys[0]], &s.msg, s.slot, &proof));
        for at in [20, len / 2, len - 1] {
            let mut t = proof.clone();
            t[at] ^= 0x10;
            assert!(!verify_1(&keys, &s.msg, s.slot, &t), "byte {at}");
        }
        assert!(!verify_1(&keys, &s.msg, s.slot, &proof[..len - 1]));

        // Generation 1: the same bytes through a handle.
        let agg = xmss_aggregate(
            keys.as_ptr(),
            sigs.as_ptr(),
            2,
            0,
            null(),
            null(),
            null(),
            null(),
            s.msg.as_ptr(),
            s.slot,
            2,
        );
        assert!(!agg.is_null());
        let n = xmss_aggregate_signature_to_bytes(agg, out.as_mut_ptr(), out.len());
        assert_eq!(n, len);
        assert_eq!(out[..n], proof[..], "both generations give identical bytes");
        assert_eq!(
            xmss_aggregate_signature_to_bytes(agg, out.as_mut_ptr(), n - 1),
            0
        );
        assert_eq!(
            xmss_aggregate_signature_to_bytes(agg, null_mut(), out.len()),
            0
        );
        let v = |k: &[*const HashSigPublicKey], slot: u32, b: &[u8]| {
            xmss_verify_aggregated(
                k.as_ptr(),
                k.len(),
                s.msg.as_ptr(),
                b.as_ptr(),
                b.len(),
                slot,
            )
        };
        assert!(v(&keys, s.slot, &proof));
        assert!(!v(&keys, s.slot + 1, &proof));
        assert!(!v(&[keys[1], keys[0]], s.slot, &proof));
        let back = xmss_aggregate_signature_from_bytes(proof.as_ptr(), len);
        assert!(!back.is_null());
        assert_eq!(
            xmss_aggregate_signature_to_bytes(back, out.as_mut_ptr(), out.len()),
            len
        );
        assert_eq!(out[..len], proof[..]);
        // from_bytes checks the header: too short, bad magic, test configuration.
        assert!(xmss_aggregate_signature_from_bytes(proof.as_ptr(), 11).is_null());
        assert!(xmss_aggregate_signature_from_bytes(null(), len).is_null());
        let mut bad = proof.clone();
        bad[0] = b'Y';
        assert!(xmss_aggregate_signature_from_bytes(bad.as_ptr(), len).is_null());
        let mut test_cfg = proof.clone();
        test_cfg[6] = 1;
        assert!(xmss_aggregate_signature_from_bytes(test_cfg.as_ptr(), len).is_null());
        // A wrong-type handle is not an aggregate.
        assert_eq!(
            xmss_aggregate_signature_to_bytes(keys[0].cast(), out.as_mut_ptr(), out.len()),
            0
        );
        xmss_free_aggregate_signature(keys[0].cast_mut().cast()); // ignored: not an aggregate
        assert!(v(&keys, s.slot, &proof));
        xmss_free_aggregate_signature(agg);
        xmss_free_aggregate_signature(back);
        xmss_free_aggregate_signature(null_mut());
    }
}

#[test]
fn verifiers_enforce_the_policy_in_both_generations() {
    // A prod proof made through the Rust API with the default parameters (124 provable bits,
    // recomputed by the verifier from the rate in the header).
    let s = Signers::new(1);
    let keys = s.keys();
    let rust_keys: Vec<xmss::PublicKey> = s
        .pairs
        .iter()
        .map(|(pk, _)| xmss::PublicKey::from_ssz(pk).unwrap())
        .collect();
    let rust_sigs: Vec<xmss::Signature> = s
        .pairs
        .iter()
        .map(|(_, sig)| xmss::Signature::from_ssz(xmss::Config::Prod, sig).unwrap())
        .collect();
    let proof = rec_aggregation::aggregate(
        &rust_keys,
        &rust_sigs,
        &s.msg,
        s.slot,
        &rec_aggregation::AggregateOptions::new(xmss::Config::Prod),
    )
    .unwrap()
    .to_bytes();
    let with_policy = |slot: u32, min_provable: u32, min_conjectured: u32| {
        // SAFETY: live handles, a 32-byte message and a live proof buffer.
        unsafe {
            xmss_verify_type_1_with_policy(
                keys.as_ptr(),
                keys.len(),
                s.msg.as_ptr(),
                slot,
                proof.as_ptr(),
                proof.len(),
                min_provable,
                min_conjectured,
            )
        }
    };
    // SAFETY: live handles, message and buffers; the aggregate is freed once.
    unsafe {
        assert_eq!(xmss_setup_aggregation(), 0);
        // Both generations accept it under the default policy.
        assert!(verify_1(&keys, &s.msg, s.slot, &proof));
        let agg = xmss_aggregate_signature_from_bytes(proof.as_ptr(), proof.len());
        assert!(!agg.is_null());
        assert!(xmss_verify_aggregated(
            keys.as_ptr(),
            keys.len(),
            s.msg.as_ptr(),
            proof.as_ptr(),
            proof.len(),
            s.slot,
        ));
        xmss_free_aggregate_signature(agg);
    }
    // The explicit policy: the proof gives 124 provable bits, not more, so asking for 125 as
    // either figure refuses it; a lowered policy still binds the proof to its slot.
    assert!(with_policy(s.slot, 124, 124));
    assert!(with_policy(s.slot, 60, 60));
    assert!(!with_policy(s.slot, 125, 124));
    assert!(!with_policy(s.slot, 100, 125));
    assert!(!with_policy(s.slot, 60, 200));
    assert!(!with_policy(s.slot + 1, 60, 60));
}

#[test]
fn aggregation_rejects_bad_inputs() {
    let s = Signers::new(1);
    let (keys, sigs) = (s.keys(), s.signatures());
    let mut out = vec![0u8; BIG];
    let cap = out.len();
    // SAFETY: live handles and buffers with the lengths passed, or null pointers; the
    // misaligned array pointer is rejected before it is read.
    unsafe {
        let mut written = 7usize;
        let mut run = |pks: *const *const HashSigPublicKey,
                       sg: *const *const HashSigSignature,
                       n: usize,
                       msg: *const u8,
                       rate: usize| {
            written = 7;
            let r = type_1(pks, sg, n, msg, s.slot, rate, &mut out, cap, &mut written);
            (r, written)
        };
        let (k, g, m) = (keys.as_ptr(), sigs.as_ptr(), s.msg.as_ptr());
        assert_eq!(run(null(), g, 2, m, 2), (-1, 0));
        assert_eq!(run(k, null(), 2, m, 2), (-1, 0));
        assert_eq!(run(k, g, 2, null(), 2), (-1, 0));
        assert_eq!(run(k, g, 0, m, 2), (-1, 0));
        assert_eq!(run(k, g, 2, m, 0), (-1, 0));
        assert_eq!(run(k, g, 2, m, 5), (-1, 0));
        let with_null = [keys[0], null()];
        assert_eq!(run(with_null.as_ptr(), g, 2, m, 2), (-1, 0));
        let swapped: Vec<*const HashSigPublicKey> = sigs.iter().map(|p| p.cast()).collect();
        assert_eq!(run(swapped.as_ptr(), g, 2, m, 2), (-1, 0));
        let misaligned = k
            .cast::<u8>()
            .wrapping_add(1)
            .cast::<*const HashSigPublicKey>();
        assert_eq!(run(misaligned, g, 2, m, 2), (-1, 0));
        assert_eq!(run(k, g, usize::MAX, m, 2), (-1, 0));
        // An invalid signature: the vector's signature under the fixture's key.
        let crossed = [sigs[1], sigs[0]];
        assert_eq!(run(k, crossed.as_ptr(), 2, m, 2), (-1, 0));
        let mut other = s.msg;
        other[31] ^= 1;
        assert_eq!(run(k, g, 2, other.as_ptr(), 2), (-1, 0));
        // A NULL out_buf with out_cap > 0 is refused before proving.
        written = 7;
        let r = xmss_aggregate_type_1(
            k,
            g,
            2,
            0,
            null(),
            null(),
            null(),
            null(),
            m,
            s.slot,
            2,
            null_mut(),
            100,
            &mut written,
        );
        assert_eq!((r, written), (-1, 0));

        // A child that is not an aggregate, or NULL child arrays: refused in both generations.
        let child_proof = [0u8; 16];
        let child_ptrs = [child_proof.as_ptr()];
        let child_lens = [child_proof.len()];
        let child_counts = [1usize];
        written = 7;
        let r = xmss_aggregate_type_1(
            k,
            g,
            2,
            1,
            k,
            child_counts.as_ptr(),
            child_ptrs.as_ptr(),
            child_lens.as_ptr(),
            m,
            s.slot,
            2,
            out.as_mut_ptr(),
            cap,
            &mut written,
        );
        assert_eq!((r, written), (-1, 0));
        assert!(xmss_aggregate(k, g, 2, 1, null(), null(), null(), null(), m, s.slot, 2).is_null());
        assert!(
            xmss_aggregate(
                null(),
                g,
                2,
                0,
                null(),
                null(),
                null(),
                null(),
                m,
                s.slot,
                2
            )
            .is_null()
        );
        assert!(
            xmss_aggregate(
                k,
                g,
                2,
                0,
                null(),
                null(),
                null(),
                null(),
                null(),
                s.slot,
                2
            )
            .is_null()
        );
        assert!(
            xmss_aggregate(
                k,
                crossed.as_ptr(),
                2,
                0,
                null(),
                null(),
                null(),
                null(),
                m,
                s.slot,
                2
            )
            .is_null()
        );

        // Verification: every malformed input is false.
        let proof = [0u8; 64];
        assert!(!xmss_verify_type_1(
            null(),
            2,
            m,
            s.slot,
            proof.as_ptr(),
            64
        ));
        assert!(!xmss_verify_type_1(k, 0, m, s.slot, proof.as_ptr(), 64));
        assert!(!xmss_verify_type_1(
            k,
            2,
            null(),
            s.slot,
            proof.as_ptr(),
            64
        ));
        assert!(!xmss_verify_type_1(k, 2, m, s.slot, null(), 64));
        assert!(!xmss_verify_type_1(k, 2, m, s.slot, proof.as_ptr(), 0));
        assert!(!xmss_verify_type_1(
            with_null.as_ptr(),
            2,
            m,
            s.slot,
            proof.as_ptr(),
            64
        ));
        assert!(!xmss_verify_type_1(
            k,
            2,
            m,
            s.slot,
            proof.as_ptr(),
            usize::MAX
        ));
        assert!(!xmss_verify_aggregated(k, 2, m, proof.as_ptr(), 64, s.slot));
        assert!(!xmss_verify_aggregated(
            swapped.as_ptr(),
            2,
            m,
            proof.as_ptr(),
            64,
            s.slot
        ));

        // Garbage is refused by every Type-2 function.
        let parts = [proof.as_ptr()];
        let lens = [64usize];
        let counts = [2usize];
        written = 7;
        assert_eq!(
            xmss_merge_type_1_to_type_2(
                1,
                parts.as_ptr(),
                lens.as_ptr(),
                k,
                counts.as_ptr(),
                2,
                out.as_mut_ptr(),
                cap,
                &mut written
            ),
            -1
        );
        assert_eq!(written, 0);
        written = 7;
        assert_eq!(
            xmss_split_type_2_by_msg(
                proof.as_ptr(),
                64,
                k,
                counts.as_ptr(),
                1,
                m,
                2,
                out.as_mut_ptr(),
                cap,
                &mut written
            ),
            -1
        );
        assert_eq!(written, 0);
        let slots = [s.slot];
        assert!(!xmss_verify_type_2(
            proof.as_ptr(),
            64,
            k,
            counts.as_ptr(),
            1,
            m,
            slots.as_ptr()
        ));
    }
}

/// `xmss_aggregate_type_1` with children (`counts[i]` keys each from `child_keys`).
///
/// # Safety
/// As the function: arrays of live handles (or null), live proof buffers, a 32-byte message.
#[allow(clippy::too_many_arguments)] // mirrors the C function's arguments
unsafe fn type_1_with_children(
    raw: (&[*const HashSigPublicKey], &[*const HashSigSignature]),
    child_keys: &[*const HashSigPublicKey],
    counts: &[usize],
    proofs: &[&[u8]],
    msg: &[u8; 32],
    slot: u32,
    out: &mut [u8],
) -> Option<Vec<u8>> {
    let ptrs: Vec<*const u8> = proofs.iter().map(|p| p.as_ptr()).collect();
    let lens: Vec<usize> = proofs.iter().map(|p| p.len()).collect();
    let mut written = 7usize;
    // SAFETY: forwarded caller guarantees; `out` is writable for its length.
    let r = unsafe {
        xmss_aggregate_type_1(
            raw.0.as_ptr(),
            raw.1.as_ptr(),
            raw.0.len(),
            counts.len(),
            child_keys.as_ptr(),
            counts.as_ptr(),
            ptrs.as_ptr(),
            lens.as_ptr(),
            msg.as_ptr(),
            slot,
            2,
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        )
    };
    match r {
        0 => Some(out[..written].to_vec()),
        _ => {
            assert_eq!((r, written), (-1, 0));
            None
        }
    }
}

#[test]
fn children_fold_into_a_type_1_in_both_generations() {
    let s = Signers::new(2);
    let (keys, sigs) = (s.keys(), s.signatures());
    let mut out = vec![0u8; BIG];
    // SAFETY: live handles and buffers with the lengths passed; every aggregate is freed once.
    unsafe {
        // The child: signers 1 and 2; the parent: signer 0 raw, then the child.
        let mut written = 0usize;
        let r = type_1(
            keys[1..].as_ptr(),
            sigs[1..].as_ptr(),
            2,
            s.msg.as_ptr(),
            s.slot,
            2,
            &mut out,
            BIG,
            &mut written,
        );
        assert_eq!(r, 0);
        let child = out[..written].to_vec();
        let raw = (&keys[..1], &sigs[..1]);
        let proof =
            type_1_with_children(raw, &keys[1..], &[2], &[&child], &s.msg, s.slot, &mut out)
                .expect("a raw signature and a child fold into one Type-1");
        assert_eq!(&proof[..4], b"XAGC");
        assert!(verify_1(&keys, &s.msg, s.slot, &proof));
        assert!(!verify_1(
            &[keys[0], keys[2], keys[1]],
            &s.msg,
            s.slot,
            &proof
        ));
        assert!(!verify_1(&keys[1..], &s.msg, s.slot, &proof));
        assert!(!verify_1(&keys, &s.msg, s.slot + 1, &proof));
        let last = proof.len() - 1;
        let mut t = proof.clone();
        t[last] ^= 0x10;
        assert!(!verify_1(&keys, &s.msg, s.slot, &t));
        // Children only: no raw arrays at all.
        let only = type_1_with_children(
            (&[], &[]),
            &keys[1..],
            &[2],
            &[&child],
            &s.msg,
            s.slot,
            &mut out,
        )
        .expect("a child alone folds into a Type-1");
        assert!(verify_1(&keys[1..], &s.msg, s.slot, &only));
        // A child with keys in another order does not verify; another message is refused.
        assert!(
            type_1_with_children(
                raw,
                &[keys[2], keys[1]],
                &[2],
                &[&child],
                &s.msg,
                s.slot,
                &mut out
            )
            .is_none()
        );
        let mut other = s.msg;
        other[0] ^= 1;
        assert!(
            type_1_with_children(
                (&[], &[]),
                &keys[1..],
                &[2],
                &[&child],
                &other,
                s.slot,
                &mut out
            )
            .is_none()
        );
        // A child count of zero, more than 16 children.
        assert!(
            type_1_with_children(raw, &keys[1..], &[0], &[&child], &s.msg, s.slot, &mut out)
                .is_none()
        );
        let many = vec![&child[..]; 17];
        let many_keys: Vec<_> = (0..17).flat_map(|_| [keys[1], keys[2]]).collect();
        assert!(
            type_1_with_children(raw, &many_keys, &[2; 17], &many, &s.msg, s.slot, &mut out)
                .is_none()
        );
        // A child that has children itself (three levels): the flat list is the raw key,
        // then the child's whole list.
        let deeper = type_1_with_children(raw, &keys, &[3], &[&proof], &s.msg, s.slot, &mut out)
            .expect("a child with children folds in");
        let deeper_keys = [keys[0], keys[0], keys[1], keys[2]];
        assert!(verify_1(&deeper_keys, &s.msg, s.slot, &deeper));
        assert!(!verify_1(&keys, &s.msg, s.slot, &deeper));

        // Generation 1: the same bytes through a handle, and back from bytes.
        let lens = [child.len()];
        let ptrs = [child.as_ptr()];
        let agg = xmss_aggregate(
            keys.as_ptr(),
            sigs.as_ptr(),
            1,
            1,
            keys[1..].as_ptr(),
            [2usize].as_ptr(),
            ptrs.as_ptr(),
            lens.as_ptr(),
            s.msg.as_ptr(),
            s.slot,
            2,
        );
        assert!(!agg.is_null());
        let n = xmss_aggregate_signature_to_bytes(agg, out.as_mut_ptr(), out.len());
        assert_eq!(out[..n], proof[..], "one proof in both generations");
        xmss_free_aggregate_signature(agg);
        let back = xmss_aggregate_signature_from_bytes(proof.as_ptr(), proof.len());
        assert!(!back.is_null());
        xmss_free_aggregate_signature(back);
        assert!(xmss_verify_aggregated(
            keys.as_ptr(),
            3,
            s.msg.as_ptr(),
            proof.as_ptr(),
            proof.len(),
            s.slot
        ));

        // A Type-2 merge takes an aggregate with children, verified against its flat list.
        let parts = [proof.as_ptr()];
        let part_lens = [proof.len()];
        let counts = [3usize];
        written = 7;
        assert_eq!(
            xmss_merge_type_1_to_type_2(
                1,
                parts.as_ptr(),
                part_lens.as_ptr(),
                keys.as_ptr(),
                counts.as_ptr(),
                2,
                out.as_mut_ptr(),
                BIG,
                &mut written
            ),
            0
        );
        let slots = [s.slot];
        assert!(xmss_verify_type_2(
            out.as_ptr(),
            written,
            keys.as_ptr(),
            counts.as_ptr(),
            1,
            s.msg.as_ptr(),
            slots.as_ptr()
        ));
        // Split back out: a Type-1 verified with the component's keys alone.
        let type2 = out[..written].to_vec();
        let mut split_out = vec![0u8; BIG];
        // `xmss_split_type_2_by_msg` of this Type-2 for `message` into `split_out[..cap]`
        // (NULL for a capacity of 0): its code and `*out_written`.
        let mut split_call = |message: &[u8; 32], cap: usize| {
            let mut written = 7usize;
            let buf = if cap == 0 {
                null_mut()
            } else {
                split_out.as_mut_ptr()
            };
            let code = xmss_split_type_2_by_msg(
                type2.as_ptr(),
                type2.len(),
                keys.as_ptr(),
                counts.as_ptr(),
                1,
                message.as_ptr(),
                2,
                buf,
                cap,
                &mut written,
            );
            (code, written, split_out[..written.min(cap)].to_vec())
        };
        let (code, len, split) = split_call(&s.msg, BIG);
        assert_eq!((code, &split[..4]), (0, &b"XAGS"[..]));
        // The -2 protocol: a size query, too small, then the retry gets the same (kept) bytes.
        for cap in [0, len - 1] {
            let (code, written, _) = split_call(&s.msg, cap);
            assert_eq!((code, written), (-2, len), "capacity {cap}");
        }
        assert_eq!(split_call(&s.msg, len), (0, len, split.clone()));
        assert!(verify_1(&keys, &s.msg, s.slot, &split));
        assert!(!verify_1(
            &[keys[0], keys[2], keys[1]],
            &s.msg,
            s.slot,
            &split
        ));
        assert!(!verify_1(&keys, &s.msg, s.slot + 1, &split));
        let mut other = s.msg;
        other[3] ^= 1;
        assert_eq!(split_call(&other, BIG), (-1, 0, Vec::new()));
        let reversed = [keys[0], keys[2], keys[1]];
        assert!(!xmss_verify_type_2(
            type2.as_ptr(),
            type2.len(),
            reversed.as_ptr(),
            counts.as_ptr(),
            1,
            s.msg.as_ptr(),
            slots.as_ptr()
        ));
    }
}

/// Raw handle pointers shared with other threads (the ABI allows concurrent read-only use).
#[derive(Clone, Copy)]
struct Shared(
    *const *const HashSigPublicKey,
    *const *const HashSigSignature,
);
// SAFETY: the pointed-to handles are only read, and the ABI promises that concurrent reads
// from several threads are fine; the arrays outlive the scoped threads.
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

#[test]
fn concurrent_aggregation_and_verification() {
    let s = Signers::new(1);
    let (keys, sigs) = (s.keys(), s.signatures());
    let shared = Shared(keys.as_ptr(), sigs.as_ptr());
    let (msg, slot) = (s.msg, s.slot);
    let proofs: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..3)
            .map(|t| {
                scope.spawn(move || {
                    let shared = shared;
                    let mut out = vec![0u8; BIG];
                    let mut written = 0usize;
                    // Thread t aggregates the first 1 or 2 signers.
                    let n = 1 + t % 2;
                    // SAFETY: shared live handles, a 32-byte message, `out` of the capacity
                    // passed.
                    let r = unsafe {
                        type_1(
                            shared.0,
                            shared.1,
                            n,
                            msg.as_ptr(),
                            slot,
                            2,
                            &mut out,
                            BIG,
                            &mut written,
                        )
                    };
                    assert_eq!(r, 0, "thread {t}");
                    out.truncate(written);
                    // SAFETY: as above.
                    let keys = unsafe { std::slice::from_raw_parts(shared.0, n) };
                    assert!(verify_1(keys, &msg, slot, &out), "thread {t}");
                    assert!(!verify_1(keys, &msg, slot + 1, &out), "thread {t}");
                    out
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    // Deterministic: the same statement gives the same bytes on every thread.
    assert_eq!(proofs[0], proofs[2]);
    assert_ne!(proofs[0], proofs[1]);
    assert!(verify_1(&keys[..1], &msg, slot, &proofs[0]));
    assert!(verify_1(&keys, &msg, slot, &proofs[1]));
}
