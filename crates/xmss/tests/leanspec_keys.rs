//! The 16 leanSpec test-scheme key pairs (`../shared/vectors/leanspec_test_scheme_keys/`):
//! strict SSZ decoding and byte-exact re-encoding, bottom trees recomputed from the PRF keys,
//! top tree recomputed up to the public-key root, signatures equal to the ones stored in the
//! `*.decoded.json` files (made by an independent signer), and signing after advancing the
//! prepared window.

mod common;

use backend::Isa;
use common::*;
use xmss::hash::tree_node;
use xmss::keys::bottom_tree;
use xmss::{Config, DecodeError, PublicKey, SecretKey, SignError, Signature, verify};

const C: Config = Config::Test;

/// (name, pk bytes, sk bytes, decoded json) for every key pair.
fn keys() -> Vec<(String, Vec<u8>, Vec<u8>, serde_json::Value)> {
    let mut out = Vec::new();
    for i in 0..8 {
        let raw = json(&format!("leanspec_test_scheme_keys/{i}.json"));
        let dec = json(&format!("leanspec_test_scheme_keys/{i}.decoded.json"));
        for kind in ["attestation_keypair", "proposal_keypair"] {
            out.push((
                format!("{i}/{kind}"),
                hex(raw[kind]["public_key"].as_str().unwrap()),
                hex(raw[kind]["secret_key"].as_str().unwrap()),
                dec[kind].clone(),
            ));
        }
    }
    out
}

#[test]
fn keys_decode_and_reencode_exactly() {
    for (name, pk_bytes, sk_bytes, dec) in keys() {
        let pk = PublicKey::from_ssz(&pk_bytes).unwrap();
        let sk = SecretKey::from_ssz(C, &sk_bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sk.to_ssz(), sk_bytes, "{name}");
        assert_eq!(sk.public_key(), pk, "{name}");
        assert_eq!(canon(&pk.root), u32s(&dec["public_key"]["root"]));
        let sk_dec = &dec["secret_key"];
        assert_eq!(
            sk.prf_key().to_vec(),
            hex(sk_dec["prf_key_hex"].as_str().unwrap())
        );
        assert_eq!(
            sk.activation_range(),
            sk_dec["activation_epoch"].as_u64().unwrap()
                ..sk_dec["activation_epoch"].as_u64().unwrap()
                    + sk_dec["num_active_epochs"].as_u64().unwrap()
        );
        let top = sk.top_tree();
        for (layer, want) in top
            .layers
            .iter()
            .zip(sk_dec["top_tree"]["layers"].as_array().unwrap())
        {
            assert_eq!(layer.start_index, want["start_index"].as_u64().unwrap());
            let nodes: Vec<Vec<u32>> = layer.nodes.iter().map(|d| canon(d)).collect();
            assert_eq!(nodes, digests(&want["nodes"]));
        }
    }
}

#[test]
fn trees_recompute_from_the_prf_keys() {
    let h = C.log_lifetime() as u64;
    for (name, _, sk_bytes, _) in keys() {
        let sk = SecretKey::from_ssz(C, &sk_bytes).unwrap();
        let top = sk.top_tree();
        let (left_idx, left, right) = sk.bottom_trees();
        // Every bottom tree of the activation range, from the PRF key alone.
        let range = sk.activation_range();
        let per = C.leaves_per_bottom_tree();
        for b in range.start / per..range.end / per {
            let t = bottom_tree(Isa::best(), C, sk.prf_key(), sk.parameter(), b);
            assert_eq!(t.root(), top.node(h / 2, b), "{name}: bottom tree {b}");
            if b == left_idx {
                assert_eq!(&t, left, "{name}: left bottom tree");
            }
            if b == left_idx + 1 {
                assert_eq!(&t, right, "{name}: right bottom tree");
            }
        }
        // Every top-tree node whose children are stored recomputes from them.
        let mut checked = 0;
        for level in h / 2 + 1..=h {
            let layer = &top.layers[(level - h / 2) as usize];
            for (k, node) in layer.nodes.iter().enumerate() {
                let j = layer.start_index + k as u64;
                if let (Some(l), Some(r)) =
                    (top.node(level - 1, 2 * j), top.node(level - 1, 2 * j + 1))
                {
                    let recomputed = tree_node(sk.parameter(), level as u8, j as u32, l, r);
                    // Padding nodes are random, so only nodes above real data must match;
                    // nodes whose children are stored were all computed from them.
                    assert_eq!(&recomputed, node, "{name}: top node ({level}, {j})");
                    checked += 1;
                }
            }
        }
        assert!(checked >= 4, "{name}");
        assert_eq!(top.node(h, 0), Some(&sk.public_key().root));
    }
}

#[test]
fn signatures_equal_the_independent_signer_and_verify() {
    for (name, pk_bytes, sk_bytes, dec) in keys() {
        let pk = PublicKey::from_ssz(&pk_bytes).unwrap();
        let sk = SecretKey::from_ssz(C, &sk_bytes).unwrap();
        let ex = &dec["own_signature_example"];
        let epoch = ex["epoch"].as_u64().unwrap() as u32;
        let msg: [u8; 32] = hex(ex["message_hex"].as_str().unwrap()).try_into().unwrap();
        let want = hex(ex["signature_ssz_hex"].as_str().unwrap());
        for isa in Isa::available() {
            let sig = sk.sign(isa, epoch, &msg).unwrap();
            assert_eq!(sig.to_ssz(), want, "{name} {isa}");
        }
        let sig = Signature::from_ssz(C, &want).unwrap();
        assert_eq!(verify(C, &pk, epoch, &msg, &sig), Ok(()), "{name}");
        // The stored randomness counter is the first that succeeds.
        let counter = ex["rho_counter"].as_u64().unwrap();
        assert_eq!(
            sig.rho,
            xmss::prf::randomness(sk.prf_key(), epoch, &msg, counter)
        );
    }
}

#[test]
fn signing_across_the_window_and_after_advancing() {
    let (_, pk_bytes, sk_bytes, _) = keys().remove(3);
    let pk = PublicKey::from_ssz(&pk_bytes).unwrap();
    let mut sk = SecretKey::from_ssz(C, &sk_bytes).unwrap();
    let isa = Isa::best();
    let msg = [0x5a; 32];
    let act = sk.activation_range();
    assert_eq!(sk.prepared_range(), 0..32);
    for epoch in [0u32, 1, 15, 16, 31] {
        let sig = sk.sign(isa, epoch, &msg).unwrap();
        assert_eq!(verify(C, &pk, epoch, &msg, &sig), Ok(()), "epoch {epoch}");
    }
    assert_eq!(
        sk.sign(isa, 32, &msg),
        Err(SignError::NotPrepared {
            epoch: 32,
            start: 0,
            end: 32
        })
    );
    assert_eq!(
        sk.sign(isa, act.end as u32, &msg),
        Err(SignError::OutsideActivation {
            epoch: act.end,
            start: act.start,
            end: act.end
        })
    );
    // Slide to the end of the activation range, signing in each new window.
    let mut moves = 0;
    while sk.advance_preparation(isa) {
        moves += 1;
        let r = sk.prepared_range();
        for epoch in [r.start, r.end - 1] {
            let sig = sk.sign(isa, epoch as u32, &msg).unwrap();
            assert_eq!(
                verify(C, &pk, epoch as u32, &msg, &sig),
                Ok(()),
                "epoch {epoch}"
            );
        }
    }
    assert_eq!(moves, act.end / 16 - 2);
    assert_eq!(sk.prepared_range().end, act.end);
    assert!(matches!(
        sk.sign(isa, 0, &msg),
        Err(SignError::NotPrepared { .. })
    ));
}

#[test]
fn malformed_secret_keys_are_rejected_without_panicking() {
    let (_, _, sk_bytes, _) = keys().remove(0);
    for len in [0, 10, 87, 88, 200, sk_bytes.len() - 1] {
        assert!(
            SecretKey::from_ssz(C, &sk_bytes[..len]).is_err(),
            "len {len}"
        );
    }
    let mut b = sk_bytes.clone();
    b[68] = 89; // offset of the top tree
    assert!(matches!(
        SecretKey::from_ssz(C, &b),
        Err(DecodeError::Offset {
            at: 68,
            expected: 88,
            found: 89,
            ..
        })
    ));
    assert!(SecretKey::from_ssz(Config::Prod, &sk_bytes).is_err());
    let mut seed = 42u64;
    for _ in 0..3000 {
        let mut b = sk_bytes.clone();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let i = (seed >> 33) as usize % b.len();
        b[i] = (seed >> 20) as u8;
        if let Ok(sk) = SecretKey::from_ssz(C, &b) {
            let _ = sk.public_key();
            let _ = sk.sign(Isa::scalar(), 3, &[1; 32]);
        }
    }
}
