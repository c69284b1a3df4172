//! The exported functions called from Rust through the rlib, so `cargo test` (run under every
//! `MULTISIG_ISA` by `scripts/test.sh`) covers the ABI too: leanMultisig's vectors
//! (`../shared/vectors/` relative to the repository root), SSZ handles and round trips, the -2
//! protocol, bad inputs, and the not-yet-implemented aggregation. Key generation (seconds in
//! release, minutes unoptimised) is left to the C and Zig tests of `scripts/glue-matrix.sh`.

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

#[test]
fn aggregation_is_not_implemented_yet() {
    let p = vector("xmss_prod_test_vector.json");
    // SAFETY: as above; the aggregation stubs only write `out_written`.
    unsafe {
        let pk = hashsig_public_key_from_ssz(p.pk.as_ptr(), 52);
        let sig = hashsig_signature_from_ssz(p.sig.as_ptr(), p.sig.len());
        let pks = [pk.cast_const()];
        let sigs = [sig.cast_const()];
        let mut out = vec![0u8; 512 * 1024];
        let mut written = 7usize;
        assert_eq!(xmss_setup_aggregation(), 0);
        assert!(
            xmss_aggregate(
                pks.as_ptr(),
                sigs.as_ptr(),
                1,
                0,
                null(),
                null(),
                null(),
                null(),
                p.msg.as_ptr(),
                p.slot,
                2
            )
            .is_null()
        );
        assert!(!xmss_verify_aggregated(
            pks.as_ptr(),
            1,
            p.msg.as_ptr(),
            p.sig.as_ptr(),
            p.sig.len(),
            p.slot
        ));
        let r = xmss_aggregate_type_1(
            pks.as_ptr(),
            sigs.as_ptr(),
            1,
            0,
            null(),
            null(),
            null(),
            null(),
            p.msg.as_ptr(),
            p.slot,
            2,
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        );
        assert_eq!((r, written), (-1, 0));
        assert!(!xmss_verify_type_1(
            pks.as_ptr(),
            1,
            p.msg.as_ptr(),
            p.slot,
            out.as_ptr(),
            1024
        ));
        let slots = [p.slot];
        let counts = [1usize];
        assert!(!xmss_verify_type_2(
            out.as_ptr(),
            1024,
            pks.as_ptr(),
            counts.as_ptr(),
            1,
            p.msg.as_ptr(),
            slots.as_ptr()
        ));
        hashsig_public_key_free(pk);
        hashsig_signature_free(sig);
    }
}
