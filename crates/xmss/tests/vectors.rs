//! The two leanMultisig devnet4 vectors (`../shared/vectors/xmss_*test_vector.json`): decoding,
//! re-encoding, every intermediate value of the decoded files, single and batched
//! verification on every ISA, and rejection of each tampered field with the right error.

mod common;

use backend::Isa;
use common::*;
use xmss::encoding::{encode, message_hash, message_to_fes};
use xmss::hash::{leaf_hash, walk_chain};
use xmss::{
    Config, DecodeError, PublicKey, Signature, VerifyError, verify, verify_batch, verify_reference,
};

fn decode(v: &Vector) -> (PublicKey, Signature) {
    let pk = PublicKey::from_ssz(&v.pk).unwrap();
    let sig = Signature::from_ssz(v.config, &v.sig).unwrap();
    (pk, sig)
}

/// Verifies with the scalar path and with the batched path on every ISA (alone and in a
/// batch with the untampered signature), asserting that all agree; returns the result.
fn check(
    config: Config,
    pk: &PublicKey,
    slot: u32,
    msg: &[u8; 32],
    sig: &Signature,
) -> Result<(), VerifyError> {
    let single = verify_reference(config, pk, slot, msg, sig);
    assert_eq!(verify(config, pk, slot, msg, sig), single);
    let v = vector(config);
    let (good_pk, good_sig) = decode(&v);
    for isa in Isa::available() {
        let batch = verify_batch(isa, config, msg, slot, &[(pk, sig)]);
        assert_eq!(batch, vec![single.clone()], "{isa}");
        if slot == v.slot && *msg == v.message {
            let mixed = verify_batch(
                isa,
                config,
                msg,
                slot,
                &[(&good_pk, &good_sig), (pk, sig), (&good_pk, &good_sig)],
            );
            assert_eq!(mixed, vec![Ok(()), single.clone(), Ok(())], "{isa}");
        }
    }
    single
}

#[test]
fn both_vectors_decode_reencode_and_verify() {
    for config in Config::ALL {
        let v = vector(config);
        let (pk, sig) = decode(&v);
        assert_eq!(pk.to_ssz().to_vec(), v.pk, "{config}");
        assert_eq!(sig.to_ssz(), v.sig, "{config}");
        assert_eq!(v.sig.len(), config.signature_bytes());
        assert_eq!(
            check(config, &pk, v.slot, &v.message, &sig),
            Ok(()),
            "{config}"
        );
    }
}

#[test]
fn intermediate_values_match_decoded_vectors() {
    for config in Config::ALL {
        let v = vector(config);
        let d = &v.decoded;
        let (pk, sig) = decode(&v);
        assert_eq!(canon(&pk.root), u32s(&d["public_key"]["root"]));
        assert_eq!(canon(&pk.parameter), u32s(&d["public_key"]["parameter"]));
        assert_eq!(canon(&sig.rho), u32s(&d["signature"]["rho"]));
        let sib: Vec<Vec<u32>> = sig.path.iter().map(|x| canon(x)).collect();
        assert_eq!(sib, digests(&d["signature"]["path_siblings"]));
        let hs: Vec<Vec<u32>> = sig.hashes.iter().map(|x| canon(x)).collect();
        assert_eq!(hs, digests(&d["signature"]["hashes"]));

        let der = &d["derived"];
        let mfe = message_to_fes(&v.message);
        assert_eq!(canon(&mfe), u32s(&der["message_fe"]));
        let mh = message_hash(&pk.parameter, v.slot, &sig.rho, &mfe);
        assert_eq!(canon(&mh), u32s(&der["message_hash_output_8fe"]));
        let x = encode(config, &pk.parameter, v.slot, &sig.rho, &v.message).unwrap();
        let want_x: Vec<u8> = u32s(&der["codeword"]).iter().map(|&c| c as u8).collect();
        assert_eq!(x, want_x);
        let ends: Vec<_> = sig
            .hashes
            .iter()
            .zip(&x)
            .enumerate()
            .map(|(i, (y, &xi))| walk_chain(&pk.parameter, v.slot, i as u8, y, xi, 7))
            .collect();
        let ends_u: Vec<Vec<u32>> = ends.iter().map(|e| canon(e)).collect();
        assert_eq!(ends_u, digests(&der["chain_ends"]));
        let leaf = leaf_hash(config, &pk.parameter, v.slot, &ends);
        assert_eq!(canon(&leaf), u32s(&der["leaf"]));
        assert_eq!(
            canon(config.sponge_domain_separator()),
            u32s(&der["sponge_capacity_domain_separator"])
        );
        // Merkle walk, node by node.
        let mut node = leaf;
        let mut pos = v.slot;
        for (l, step) in der["merkle_nodes_bottom_up"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let (left, right) = if pos & 1 == 0 {
                (node, sig.path[l])
            } else {
                (sig.path[l], node)
            };
            pos >>= 1;
            assert_eq!(step["level"].as_u64().unwrap() as usize, l + 1);
            assert_eq!(step["pos_in_level"].as_u64().unwrap() as u32, pos);
            node = xmss::hash::tree_node(&pk.parameter, (l + 1) as u8, pos, &left, &right);
            assert_eq!(
                canon(&node),
                u32s(&step["node"]),
                "{config} level {}",
                l + 1
            );
        }
        assert_eq!(node, pk.root);
    }
}

#[test]
fn tampered_fields_are_rejected_with_the_right_error() {
    for config in Config::ALL {
        let v = vector(config);
        let (pk, sig) = decode(&v);
        let msg = v.message;
        // Slot, message, rho and parameter change the message hash: the encoding fails (usually
        // the target sum; with the 4-digit test codeword a sum of 6 happens ~2% of the time,
        // and then the root differs). The expected error is computed from the encoding itself.
        let expect = |p: &PublicKey, slot: u32, m: &[u8; 32], s: &Signature| match encode(
            config,
            &p.parameter,
            slot,
            &s.rho,
            m,
        ) {
            Ok(_) => Err(VerifyError::RootMismatch),
            Err(e) => Err(VerifyError::from(e)),
        };
        let r = check(config, &pk, v.slot + 1, &msg, &sig);
        assert_eq!(r, expect(&pk, v.slot + 1, &msg, &sig), "{config} slot");
        for bit in [0, 77, 255] {
            let mut m = msg;
            m[bit / 8] ^= 1 << (bit % 8);
            let r = check(config, &pk, v.slot, &m, &sig);
            assert_eq!(
                r,
                expect(&pk, v.slot, &m, &sig),
                "{config} message bit {bit}"
            );
            assert!(r.is_err());
        }
        let mut s = sig.clone();
        s.rho[3] += xmss::F::ONE;
        let r = check(config, &pk, v.slot, &msg, &s);
        assert_eq!(r, expect(&pk, v.slot, &msg, &s), "{config} rho");
        assert!(r.is_err());
        let mut p = pk;
        p.parameter[0] += xmss::F::ONE;
        let r = check(config, &p, v.slot, &msg, &sig);
        assert_eq!(r, expect(&p, v.slot, &msg, &sig), "{config} parameter");
        assert!(r.is_err());
        if config == Config::Prod {
            // With 46 digits a random codeword essentially never sums to 200.
            assert!(matches!(
                check(config, &pk, v.slot + 1, &msg, &sig),
                Err(VerifyError::TargetSumMismatch { .. })
            ));
        }
        // Chain values, siblings and the root only change the recomputed root.
        for i in [0, config.num_chains() - 1] {
            let mut s = sig.clone();
            s.hashes[i][7] += xmss::F::ONE;
            assert_eq!(
                check(config, &pk, v.slot, &msg, &s),
                Err(VerifyError::RootMismatch)
            );
        }
        for l in [0, config.log_lifetime() - 1] {
            let mut s = sig.clone();
            s.path[l][0] += xmss::F::ONE;
            assert_eq!(
                check(config, &pk, v.slot, &msg, &s),
                Err(VerifyError::RootMismatch)
            );
        }
        let mut p = pk;
        p.root[5] += xmss::F::ONE;
        assert_eq!(
            check(config, &p, v.slot, &msg, &sig),
            Err(VerifyError::RootMismatch)
        );
        // Out-of-range epoch (test lifetime 2^8; prod covers every u32).
        if config == Config::Test {
            assert_eq!(
                check(config, &pk, 256, &msg, &sig),
                Err(VerifyError::EpochOutOfRange {
                    epoch: 256,
                    lifetime: 256
                })
            );
        }
        // Wrong list lengths in a hand-built signature.
        let mut s = sig.clone();
        s.path.pop();
        assert_eq!(
            check(config, &pk, v.slot, &msg, &s),
            Err(VerifyError::WrongPathLength {
                expected: config.log_lifetime(),
                actual: config.log_lifetime() - 1
            })
        );
        let mut s = sig.clone();
        s.hashes.push(s.hashes[0]);
        assert_eq!(
            check(config, &pk, v.slot, &msg, &s),
            Err(VerifyError::WrongHashCount {
                expected: config.num_chains(),
                actual: config.num_chains() + 1
            })
        );
    }
}

/// `bytes` with the u32 at `at` replaced.
fn with_u32(bytes: &[u8], at: usize, value: u32) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at..at + 4].copy_from_slice(&value.to_le_bytes());
    b
}

#[test]
fn malformed_encodings_are_rejected_with_the_right_error() {
    const P: u32 = 2130706433;
    for config in Config::ALL {
        let v = vector(config);
        let n = config.signature_bytes();
        // Truncated and extended signatures and keys.
        for len in [0, 3, 36, n - 1, n + 1, n + 32] {
            let mut b = v.sig.clone();
            b.resize(len, 0);
            match Signature::from_ssz(config, &b) {
                Err(DecodeError::Length {
                    expected, actual, ..
                }) => assert_eq!((expected, actual), (n, len)),
                other => panic!("{config} len {len}: {other:?}"),
            }
        }
        for len in [0, 51, 53] {
            let mut b = v.pk.clone();
            b.resize(len, 0);
            assert!(matches!(
                PublicKey::from_ssz(&b),
                Err(DecodeError::Length { expected: 52, .. })
            ));
        }
        // The other configuration's signature has the wrong length.
        let other = if config == Config::Prod {
            Config::Test
        } else {
            Config::Prod
        };
        assert!(matches!(
            Signature::from_ssz(other, &v.sig),
            Err(DecodeError::Length { .. })
        ));
        // Offsets.
        let e = Signature::from_ssz(config, &with_u32(&v.sig, 0, 37)).unwrap_err();
        assert!(
            matches!(
                e,
                DecodeError::Offset {
                    at: 0,
                    expected: 36,
                    found: 37,
                    ..
                }
            ),
            "{e}"
        );
        let ho = config.signature_hashes_offset();
        let e = Signature::from_ssz(config, &with_u32(&v.sig, 32, ho as u32 - 32)).unwrap_err();
        assert!(matches!(e, DecodeError::Offset { at: 32, .. }), "{e}");
        let e = Signature::from_ssz(config, &with_u32(&v.sig, 36, 8)).unwrap_err();
        assert!(
            matches!(
                e,
                DecodeError::Offset {
                    at: 36,
                    expected: 4,
                    found: 8,
                    ..
                }
            ),
            "{e}"
        );
        // Non-canonical field elements: rho, a sibling, a hash, the root, the parameter.
        for at in [4, 40 + 32, ho + 4, n - 4] {
            let value = v.sig[at..at + 4]
                .try_into()
                .map(u32::from_le_bytes)
                .unwrap();
            // The same value plus p still fits in a u32 when value < 2^32 - p.
            let bad = if value < u32::MAX - P { value + P } else { P };
            let e = Signature::from_ssz(config, &with_u32(&v.sig, at, bad)).unwrap_err();
            assert_eq!(
                std::mem::discriminant(&e),
                std::mem::discriminant(&DecodeError::NonCanonical {
                    what: String::new(),
                    at: 0,
                    value: 0
                }),
                "{e}"
            );
            if let DecodeError::NonCanonical {
                at: a, value: got, ..
            } = e
            {
                assert_eq!((a, got), (at, bad));
            }
        }
        for at in [0, 28, 32, 48] {
            let e = PublicKey::from_ssz(&with_u32(&v.pk, at, P)).unwrap_err();
            assert!(
                matches!(e, DecodeError::NonCanonical { at: a, value: P, .. } if a == at),
                "{e}"
            );
        }
        // p - 1 is canonical and decodes.
        assert!(PublicKey::from_ssz(&with_u32(&v.pk, 0, P - 1)).is_ok());
    }
}

#[test]
fn decoders_never_panic_on_mutated_bytes() {
    for config in Config::ALL {
        let v = vector(config);
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2000 {
            let mut b = v.sig.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() as usize) % b.len();
                b[i] = next() as u8;
            }
            if next() % 4 == 0 {
                let len = (next() as usize) % (b.len() + 64);
                b.resize(len, next() as u8);
            }
            if let Ok(s) = Signature::from_ssz(config, &b) {
                let pk = PublicKey::from_ssz(&v.pk).unwrap();
                let original = Signature::from_ssz(config, &v.sig).unwrap();
                let verdict = verify(config, &pk, v.slot, &v.message, &s);
                // A mutation that still decodes is either a no-op or must be rejected.
                assert_eq!(
                    verdict.is_ok(),
                    s == original,
                    "mutated signature: {verdict:?}"
                );
            }
        }
    }
}
