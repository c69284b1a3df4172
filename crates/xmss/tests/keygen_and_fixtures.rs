//! Key generation, signing and the preparation window in both configurations (round trips
//! through SSZ and verification), and the benchmark fixtures (valid, deterministic, equal on
//! every ISA, batch verification equal to single verification with invalid items mixed in).

use backend::Isa;
use xmss::hash::tree_node;
use xmss::{
    Config, F, PublicKey, SecretKey, SignError, Signature, VerifyError, fixtures,
    keypair_from_prf_key, keypair_generate, verify, verify_batch, verify_reference,
};

fn sign_verify(pk: &PublicKey, sk: &SecretKey, epoch: u64, msg: &[u8; 32]) {
    let config = sk.config();
    let sig = sk.sign(Isa::best(), epoch as u32, msg).unwrap();
    let bytes = sig.to_ssz();
    assert_eq!(bytes.len(), config.signature_bytes());
    let sig2 = Signature::from_ssz(config, &bytes).unwrap();
    assert_eq!(sig2, sig);
    assert_eq!(
        verify(config, pk, epoch as u32, msg, &sig2),
        Ok(()),
        "epoch {epoch}"
    );
    let mut other = *msg;
    other[31] ^= 0x80;
    assert!(verify(config, pk, epoch as u32, &other, &sig2).is_err());
}

#[test]
fn test_config_keygen_is_deterministic_and_round_trips() {
    let c = Config::Test;
    let (pk, sk) = keypair_generate(c, b"alice", 0, 10).unwrap();
    assert_eq!(sk.activation_range(), 0..32);
    assert_eq!(sk.prepared_range(), 0..32);
    let (pk2, sk2) = keypair_generate(c, b"alice", 0, 10).unwrap();
    assert_eq!((pk, sk.to_ssz()), (pk2, sk2.to_ssz()));
    let (pk3, _) = keypair_generate(c, b"bob", 0, 10).unwrap();
    assert_ne!(pk, pk3);
    // SSZ round trip of both keys.
    let sk_bytes = sk.to_ssz();
    let sk_dec = SecretKey::from_ssz(c, &sk_bytes).unwrap();
    assert_eq!(sk_dec, sk);
    assert_eq!(PublicKey::from_ssz(&pk.to_ssz()).unwrap(), pk);
    // Same key on every ISA.
    for isa in Isa::available() {
        let (p, s) = keypair_from_prf_key(isa, c, *sk.prf_key(), *sk.parameter(), 0, 10).unwrap();
        assert_eq!(p, pk, "{isa}");
        assert_eq!(s.to_ssz(), sk_bytes, "{isa}");
    }
    for epoch in [0, 1, 9, 16, 31] {
        sign_verify(&pk, &sk, epoch, &[epoch as u8; 32]);
    }
    assert!(matches!(
        sk.sign(Isa::best(), 32, &[0; 32]),
        Err(SignError::OutsideActivation { .. })
    ));
}

#[test]
fn test_config_window_slides_over_a_long_range() {
    let c = Config::Test;
    // 40..200 widens to whole bottom trees 32..208.
    let (pk, mut sk) = keypair_generate(c, b"window", 40, 160).unwrap();
    assert_eq!(sk.activation_range(), 32..208);
    let top = sk.top_tree();
    assert_eq!(top.node(8, 0), Some(&pk.root));
    // Padding: layer 4 holds bottom roots 2..=12 and one padding node at index 13; every
    // stored node with both children stored is their hash.
    let l4 = &top.layers[0];
    assert_eq!((l4.start_index, l4.nodes.len()), (2, 12));
    for level in 5..=8u64 {
        let layer = &top.layers[(level - 4) as usize];
        assert_eq!(layer.start_index % 2, 0);
        assert_eq!(layer.nodes.len() % 2, 0);
        for (k, node) in layer.nodes.iter().enumerate() {
            let j = layer.start_index + k as u64;
            if let (Some(l), Some(r)) = (top.node(level - 1, 2 * j), top.node(level - 1, 2 * j + 1))
            {
                assert_eq!(
                    &tree_node(sk.parameter(), level as u8, j as u32, l, r),
                    node
                );
            }
        }
    }
    let msg = [7u8; 32];
    sign_verify(&pk, &sk, 32, &msg);
    sign_verify(&pk, &sk, 63, &msg);
    let mut windows = 0;
    while sk.advance_preparation(Isa::best()) {
        windows += 1;
        let r = sk.prepared_range();
        sign_verify(&pk, &sk, r.end - 1, &msg);
    }
    // Bottom trees 2..13: the left one goes from 2 to 11.
    assert_eq!(windows, 9);
    assert_eq!(sk.prepared_range(), 176..208);
    sign_verify(&pk, &sk, 207, &msg);
    // The advanced key survives SSZ.
    let again = SecretKey::from_ssz(c, &sk.to_ssz()).unwrap();
    assert_eq!(again, sk);
    // Activation ranges beyond the lifetime are refused.
    assert!(keypair_generate(c, b"x", 200, 57).is_err());
    assert!(keypair_generate(c, b"x", 0, 0).is_err());
    // An odd activation start gets a padding node at the front of the top tree.
    let (pk2, sk2) = keypair_generate(c, b"odd", 16, 40).unwrap();
    assert_eq!(sk2.activation_range(), 16..64);
    let l4 = &sk2.top_tree().layers[0];
    assert_eq!((l4.start_index, l4.nodes.len()), (0, 4));
    sign_verify(&pk2, &sk2, 16, &msg);
    sign_verify(&pk2, &sk2, 47, &msg);
}

/// Prod key generation for the minimum window (2 bottom trees = 131072 leaves, about 42
/// million Poseidon1 permutations): slow in the unoptimised test profile.
/// Run with `cargo test --release -p xmss -- --ignored`.
#[test]
#[ignore]
fn prod_keygen_sign_verify_first_and_last_epochs() {
    let c = Config::Prod;
    let (pk, sk) = keypair_generate(c, b"prod seed", 0, 10).unwrap();
    assert_eq!(sk.activation_range(), 0..131072);
    for epoch in [0, 1, 65535, 65536, 131071] {
        sign_verify(&pk, &sk, epoch, &[0xab; 32]);
    }
    let again = SecretKey::from_ssz(c, &sk.to_ssz()).unwrap();
    assert_eq!(again, sk);
}

#[test]
fn fixtures_verify_and_are_deterministic() {
    let msg = [0x42u8; 32];
    for (config, epoch) in [(Config::Test, 77u32), (Config::Prod, 3_000_000_000)] {
        let n = 20;
        let fx = fixtures::generate(Isa::best(), config, 1, n, &msg, epoch).unwrap();
        assert_eq!(fx.len(), n);
        for (pk, sig) in &fx {
            assert_eq!(verify(config, pk, epoch, &msg, sig), Ok(()));
        }
        for isa in Isa::available() {
            let again = fixtures::generate(isa, config, 1, n, &msg, epoch).unwrap();
            assert_eq!(again, fx, "{isa}");
        }
        let other = fixtures::generate(Isa::best(), config, 2, n, &msg, epoch).unwrap();
        for (a, b) in fx.iter().zip(&other) {
            assert_ne!(a.0, b.0);
        }
        // Fixtures within one set are distinct.
        assert_ne!(fx[0].0, fx[1].0);
        // A fixture is bound to its message and epoch.
        assert!(verify(config, &fx[0].0, epoch + 1, &msg, &fx[0].1).is_err());
    }
    assert!(fixtures::generate(Isa::best(), Config::Test, 1, 1, &msg, 256).is_err());
}

#[test]
fn batch_verification_equals_single_with_invalid_items() {
    let msg = [0x17u8; 32];
    for (config, epoch) in [(Config::Test, 200u32), (Config::Prod, 5)] {
        // 300 items: more than one lockstep block of 256.
        let n = if config == Config::Prod { 300 } else { 600 };
        let fx = fixtures::generate(Isa::best(), config, 9, n, &msg, epoch).unwrap();
        let mut pks: Vec<PublicKey> = fx.iter().map(|f| f.0).collect();
        let mut sigs: Vec<Signature> = fx.iter().map(|f| f.1.clone()).collect();
        for i in (0..n).step_by(7) {
            match i % 5 {
                0 => sigs[i].hashes[i % config.num_chains()][0] += F::ONE,
                1 => sigs[i].path[i % config.log_lifetime()][1] += F::ONE,
                2 => sigs[i].rho[0] += F::ONE,
                3 => pks[i].root[2] += F::ONE,
                _ => {
                    sigs[i].path.pop();
                }
            }
        }
        // One signature of another key swapped in.
        sigs.swap(1, 2);
        let items: Vec<(&PublicKey, &Signature)> = pks.iter().zip(&sigs).collect();
        let single: Vec<Result<(), VerifyError>> = items
            .iter()
            .map(|(pk, sig)| verify_reference(config, pk, epoch, &msg, sig))
            .collect();
        let bad = single.iter().filter(|r| r.is_err()).count();
        assert!(bad >= n / 7, "{bad}");
        assert!(single.iter().any(|r| r == &Err(VerifyError::RootMismatch)));
        for isa in Isa::available() {
            assert_eq!(
                verify_batch(isa, config, &msg, epoch, &items),
                single,
                "{isa}"
            );
        }
        assert_eq!(verify_batch(Isa::best(), config, &msg, epoch, &[]), vec![]);
        // A wrong epoch for the whole batch.
        let wrong = verify_batch(Isa::best(), config, &msg, epoch + 1, &items[..10]);
        assert!(wrong.iter().all(|r| r.is_err()));
    }
}
