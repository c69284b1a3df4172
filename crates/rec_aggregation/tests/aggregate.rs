//! End-to-end aggregation: round trips for N = 1, 2, 3, 16, 64 in both configurations, the
//! shared test vectors aggregated alone, every rejection the API promises, forged witnesses
//! (one per verification step) rejected by the verifier, and proof bytes independent of the
//! instruction set and the thread count.

use backend::Isa;
use lean_prover::v2::ErrorV2;
use rec_aggregation::statement::params_v2;
use rec_aggregation::statement::{Forgery, Statement, Tables, Witness};
use rec_aggregation::{
    AggregateError, AggregateOptions, PolicyV2, VerifyError, aggregate, aggregate_with_children,
};
use xmss::{Config, PublicKey, Signature};

const MESSAGE: [u8; 32] = [0x5a; 32];

/// `rec_aggregation::verify` under the default policy.
fn verify(
    config: Config,
    keys: &[PublicKey],
    message: &[u8; 32],
    slot: u32,
    bytes: &[u8],
) -> Result<(), VerifyError> {
    rec_aggregation::verify(config, keys, message, slot, bytes, &PolicyV2::DEFAULT)
}

fn fixtures(config: Config, seed: u64, n: usize, slot: u32) -> (Vec<PublicKey>, Vec<Signature>) {
    xmss::fixtures::generate(Isa::scalar(), config, seed, n, &MESSAGE, slot)
        .unwrap()
        .into_iter()
        .unzip()
}

/// `bytes` with the header naming `message` and `slot` instead.
fn restated(bytes: &[u8], message: &[u8; 32], slot: u32) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[13..45].copy_from_slice(message);
    out[45..49].copy_from_slice(&slot.to_le_bytes());
    out
}

fn options(config: Config, log_inv_rate: usize) -> AggregateOptions {
    AggregateOptions {
        log_inv_rate,
        ..AggregateOptions::new(config)
    }
}

fn slot_for(config: Config) -> u32 {
    match config {
        Config::Prod => 0x9abc_def1,
        Config::Test => 0xb5,
    }
}

fn round_trip(config: Config, n: usize, log_inv_rate: usize) {
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, n as u64, n, slot);
    let proof = aggregate(&keys, &sigs, &MESSAGE, slot, &options(config, log_inv_rate))
        .unwrap_or_else(|e| panic!("{config} N={n}: {e}"));
    assert_eq!(proof.num_signatures(), n);
    assert_eq!(proof.config(), config);
    let bytes = proof.to_bytes();
    verify(config, &keys, &MESSAGE, slot, &bytes).unwrap_or_else(|e| panic!("{config} N={n}: {e}"));
    // The same proof for any other slot or message is rejected.
    assert!(verify(config, &keys, &MESSAGE, slot ^ 1, &bytes).is_err());
}

#[test]
fn test_config_round_trips() {
    for n in [1, 2, 3, 16, 64] {
        round_trip(Config::Test, n, 2);
    }
    round_trip(Config::Test, 5, 1);
    round_trip(Config::Test, 5, 3);
}

#[test]
fn the_verifier_policy_is_recomputed_and_enforced() {
    let config = Config::Test;
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, 4, 3, slot);
    let bytes = aggregate(&keys, &sigs, &MESSAGE, slot, &options(config, 2))
        .unwrap()
        .to_bytes();
    // The default parameters meet the default policy (124 provable bits).
    verify(config, &keys, &MESSAGE, slot, &bytes).unwrap();
    let report = rec_aggregation::security(config, 3, 2).unwrap();
    assert!(report.provable_bits >= 124.0, "{report:?}");

    // A policy above what the parameters give refuses the proof, naming the recomputed
    // figure; a lower one accepts it and still binds it to its statement.
    let strict = PolicyV2 {
        min_provable_bits: report.provable_bits + 0.01,
    };
    match rec_aggregation::verify(config, &keys, &MESSAGE, slot, &bytes, &strict) {
        Err(VerifyError::Rejected(ErrorV2::Policy { provable_bits, .. })) => {
            assert_eq!(provable_bits, report.provable_bits)
        }
        other => panic!("strict policy: {other:?}"),
    }
    let lowered = PolicyV2 {
        min_provable_bits: 100.0,
    };
    rec_aggregation::verify(config, &keys, &MESSAGE, slot, &bytes, &lowered).unwrap();
    assert!(matches!(
        rec_aggregation::verify(config, &keys, &MESSAGE, slot ^ 1, &bytes, &lowered),
        Err(VerifyError::OtherMessageOrSlot)
    ));
    assert!(matches!(
        rec_aggregation::verify(
            config,
            &keys,
            &MESSAGE,
            slot ^ 1,
            &restated(&bytes, &MESSAGE, slot ^ 1),
            &lowered
        ),
        Err(VerifyError::Rejected(_))
    ));

    // The header names only the rate and the standard schedule: another parameters byte, or
    // the FRI format (version 3) and the previous v2 formats (4 and 5), are refused.
    let mut relabelled = bytes.clone();
    relabelled[8] = 1;
    assert!(matches!(
        verify(config, &keys, &MESSAGE, slot, &relabelled),
        Err(VerifyError::Header(_))
    ));
    for version in [3u16, 4, 5, 6, 7, 8] {
        let mut old = bytes.clone();
        old[4..6].copy_from_slice(&version.to_le_bytes());
        assert!(matches!(
            verify(config, &keys, &MESSAGE, slot, &old),
            Err(VerifyError::Header("unsupported version"))
        ));
    }
    // Another rate in the header: the verifier derives other parameters and rejects.
    let mut other_rate = bytes.clone();
    other_rate[7] = 1;
    assert!(matches!(
        verify(config, &keys, &MESSAGE, slot, &other_rate),
        Err(VerifyError::Rejected(_))
    ));
}

#[test]
fn every_size_up_to_the_limit_gives_124_provable_bits() {
    // The parameters depend on the rate alone, the figures on (configuration, N, rate): sweep
    // them up to each limit, which is enforced one signature above.
    let mut ns: Vec<usize> = (0..=13).map(|k| 1usize << k).collect();
    ns.extend([3, 5, 17, 100, 1000, 1075, 5000]);
    for config in Config::ALL {
        for log_inv_rate in 1..=4 {
            let max = rec_aggregation::max_signatures(config, log_inv_rate);
            assert!(max > 0, "{config} rate {log_inv_rate}");
            for &n in ns.iter().filter(|&&n| n <= max).chain([&max]) {
                let r = rec_aggregation::security(config, n, log_inv_rate)
                    .unwrap_or_else(|e| panic!("{config} N={n} rate {log_inv_rate}: {e}"));
                assert!(
                    r.provable_bits >= 124.0,
                    "{config} N={n} rate {log_inv_rate}: {r:?}"
                );
            }
            assert!(rec_aggregation::security(config, max + 1, log_inv_rate).is_err());
        }
    }
}

#[test]
fn max_signatures_is_zero_for_impossible_rates() {
    for config in Config::ALL {
        assert!(rec_aggregation::max_signatures(config, 4) > 0);
        assert_eq!(rec_aggregation::max_signatures(config, 100), 0);
    }
}

#[test]
fn prod_config_round_trips() {
    for n in [1, 2, 3, 16] {
        round_trip(Config::Prod, n, 2);
    }
}

#[test]
fn prod_config_64_signatures() {
    round_trip(Config::Prod, 64, 2);
}

fn hex(s: &str) -> Vec<u8> {
    let s = s.trim().trim_start_matches("0x");
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[test]
fn shared_vectors_aggregated_alone() {
    for (config, name) in [
        (Config::Prod, "xmss_prod_test_vector"),
        (Config::Test, "xmss_test_vector"),
    ] {
        let path = format!(
            "{}/../../../shared/vectors/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let pk = PublicKey::from_ssz(&hex(v["public_key"].as_str().unwrap())).unwrap();
        let sig = Signature::from_ssz(config, &hex(v["signature_ssz"].as_str().unwrap())).unwrap();
        let slot = v["slot"].as_u64().unwrap() as u32;
        let message: [u8; 32] = hex(v["message"].as_str().unwrap()).try_into().unwrap();
        let proof = aggregate(
            std::slice::from_ref(&pk),
            std::slice::from_ref(&sig),
            &message,
            slot,
            &options(config, 2),
        )
        .unwrap();
        let bytes = proof.to_bytes();
        verify(config, std::slice::from_ref(&pk), &message, slot, &bytes).unwrap();
        let mut other = message;
        other[31] ^= 1;
        assert!(
            verify(config, &[pk], &other, slot, &bytes).is_err(),
            "{name}"
        );
    }
}

#[test]
fn statement_changes_are_rejected() {
    let config = Config::Test;
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, 7, 4, slot);
    let bytes = aggregate(&keys, &sigs, &MESSAGE, slot, &options(config, 2))
        .unwrap()
        .to_bytes();
    verify(config, &keys, &MESSAGE, slot, &bytes).unwrap();

    // The header names the message and slot, so another one is refused before the proof
    // is read; with the header edited to name it, the proof itself rejects it.
    let rejected = |keys: &[PublicKey], msg: &[u8; 32], slot: u32, what: &str| {
        let r = verify(config, keys, msg, slot, &bytes);
        assert!(r.is_err(), "{what} accepted");
        let edited = verify(config, keys, msg, slot, &restated(&bytes, msg, slot));
        assert!(edited.is_err(), "{what} accepted with the header edited");
        edited.unwrap_err()
    };
    let mut msg = MESSAGE;
    msg[0] ^= 0x80;
    assert!(matches!(
        rejected(&keys, &msg, slot, "wrong message"),
        VerifyError::Rejected(_)
    ));
    assert!(matches!(
        rejected(&keys, &MESSAGE, slot + 1, "wrong slot"),
        VerifyError::Rejected(_)
    ));
    assert!(matches!(
        rejected(&keys, &MESSAGE, 1 << 8, "slot beyond lifetime"),
        VerifyError::SlotOutOfRange { .. }
    ));
    let mut reordered = keys.clone();
    reordered.swap(0, 2);
    assert!(matches!(
        rejected(&reordered, &MESSAGE, slot, "reordered keys"),
        VerifyError::Rejected(_)
    ));
    let (other_keys, _) = fixtures(config, 99, 1, slot);
    let mut replaced = keys.clone();
    replaced[3] = other_keys[0];
    assert!(matches!(
        rejected(&replaced, &MESSAGE, slot, "replaced key"),
        VerifyError::Rejected(_)
    ));
    assert!(matches!(
        rejected(&keys[..3], &MESSAGE, slot, "missing key"),
        VerifyError::KeyCount { .. }
    ));
    let mut added = keys.clone();
    added.push(other_keys[0]);
    assert!(matches!(
        rejected(&added, &MESSAGE, slot, "added key"),
        VerifyError::KeyCount { .. }
    ));
    assert!(matches!(
        rejected(&[], &MESSAGE, slot, "no keys"),
        VerifyError::Empty
    ));
    assert!(verify(Config::Prod, &keys, &MESSAGE, slot, &bytes).is_err());
}

#[test]
fn flipped_or_truncated_proof_bytes_are_rejected() {
    let config = Config::Test;
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, 3, 2, slot);
    let bytes = aggregate(&keys, &sigs, &MESSAGE, slot, &options(config, 2))
        .unwrap()
        .to_bytes();
    // Every header byte, then a spread of positions over the whole proof.
    let mut positions: Vec<usize> = (0..rec_aggregation::api::HEADER_LEN).collect();
    let step = (bytes.len() / 400).max(1);
    positions.extend((rec_aggregation::api::HEADER_LEN..bytes.len()).step_by(step));
    positions.push(bytes.len() - 1);
    for &pos in &positions {
        for flip in [0x01u8, 0x80] {
            let mut bad = bytes.clone();
            bad[pos] ^= flip;
            assert!(
                verify(config, &keys, &MESSAGE, slot, &bad).is_err(),
                "flip {flip:#x} at byte {pos} of {} accepted",
                bytes.len()
            );
        }
    }
    for len in [
        0,
        5,
        rec_aggregation::api::HEADER_LEN,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        assert!(verify(config, &keys, &MESSAGE, slot, &bytes[..len]).is_err());
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(verify(config, &keys, &MESSAGE, slot, &longer).is_err());
}

#[test]
fn bad_inputs_to_aggregate_are_typed_errors() {
    let config = Config::Test;
    let slot = slot_for(config);
    let (keys, mut sigs) = fixtures(config, 11, 3, slot);
    let opts = options(config, 2);
    assert!(matches!(
        aggregate(&[], &[], &MESSAGE, slot, &opts),
        Err(AggregateError::Empty)
    ));
    assert!(matches!(
        aggregate(&keys, &sigs[..2], &MESSAGE, slot, &opts),
        Err(AggregateError::LengthMismatch {
            keys: 3,
            signatures: 2
        })
    ));
    assert!(matches!(
        aggregate(&keys, &sigs, &MESSAGE, 256, &opts),
        Err(AggregateError::SlotOutOfRange { .. })
    ));
    assert!(matches!(
        aggregate(&keys, &sigs, &MESSAGE, slot, &options(config, 0)),
        Err(AggregateError::BadLogInvRate(0))
    ));
    assert!(matches!(
        aggregate_with_children(&keys, &sigs, &[(&[1, 2, 3], &keys)], &MESSAGE, slot, &opts),
        Err(AggregateError::Child { index: 0, .. })
    ));
    let mut other = MESSAGE;
    other[5] ^= 1;
    assert!(matches!(
        aggregate(&keys, &sigs, &other, slot, &opts),
        Err(AggregateError::InvalidSignature { index: 0, .. })
    ));
    sigs[2].rho[0] += xmss::F::ONE;
    match aggregate(&keys, &sigs, &MESSAGE, slot, &opts) {
        Err(AggregateError::InvalidSignature { index, .. }) => assert_eq!(index, 2),
        other => panic!("expected InvalidSignature at 2, got {other:?}"),
    }
}

#[test]
fn duplicate_keys_and_signatures_aggregate() {
    let config = Config::Test;
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, 5, 2, slot);
    let keys = vec![keys[0], keys[1], keys[0]];
    let sigs = vec![sigs[0].clone(), sigs[1].clone(), sigs[0].clone()];
    let bytes = aggregate(&keys, &sigs, &MESSAGE, slot, &options(config, 2))
        .unwrap()
        .to_bytes();
    verify(config, &keys, &MESSAGE, slot, &bytes).unwrap();
    assert!(verify(config, &keys[..2], &MESSAGE, slot, &bytes).is_err());
}

#[test]
fn proof_bytes_do_not_depend_on_isa_or_threads() {
    let config = Config::Test;
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, 21, 3, slot);
    let mut reference: Option<Vec<u8>> = None;
    for isa in Isa::available() {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let opts = AggregateOptions {
                isa,
                ..options(config, 2)
            };
            let bytes = pool.install(|| {
                aggregate(&keys, &sigs, &MESSAGE, slot, &opts)
                    .unwrap()
                    .to_bytes()
            });
            match &reference {
                None => reference = Some(bytes),
                Some(r) => assert!(*r == bytes, "{isa} with {threads} threads differs"),
            }
        }
    }
}

/// Proves a forged witness (prover checks skipped) for the statement whose keys carry the
/// roots the forged computation leads to, and returns the verifier's answer.
fn forged(config: Config, seed: u64, forgery: Forgery) -> Result<(), String> {
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, seed, 2, slot);
    let honest = Statement::new(config, &MESSAGE, slot, &keys);
    let (witness, roots) = Witness::generate_forged(&honest, Isa::scalar(), &sigs, forgery);
    if forgery == Forgery::None {
        assert_eq!(roots[0], keys[0].root);
    } else {
        let (honest_witness, _) =
            Witness::generate_forged(&honest, Isa::scalar(), &sigs, Forgery::None);
        if honest_witness.traces == witness.traces {
            return Err("forgery had no effect".into());
        }
    }
    let forged_keys: Vec<PublicKey> = keys
        .iter()
        .zip(&roots)
        .map(|(k, r)| PublicKey {
            root: *r,
            parameter: k.parameter,
        })
        .collect();
    let st = Statement::new(config, &MESSAGE, slot, &forged_keys);
    let isa = Isa::best();
    let params = params_v2(2);
    if forgery != Forgery::None {
        assert!(
            witness.prove_v2(&st, &params, isa).is_err(),
            "{forgery:?}: the prover's own checks accepted a forged witness"
        );
    }
    let proof = witness
        .prove_v2_unchecked(&st, &params, isa)
        .expect("unchecked prove");
    st.verify_v2(isa, &params, &PolicyV2::DEFAULT, &proof)
        .map_err(|e| e.to_string())
}

#[test]
fn forged_witnesses_are_rejected_one_step_at_a_time() {
    for config in Config::ALL {
        forged(config, 1, Forgery::None).unwrap_or_else(|e| panic!("{config}: honest: {e}"));
        for forgery in [
            Forgery::MessageHashInput,
            Forgery::RemainderRange,
            Forgery::ChainLength,
            Forgery::DigitOrder,
            Forgery::ChainStep,
            Forgery::ChainTweak,
            Forgery::ChainParameter,
            Forgery::SpongeOrder,
            Forgery::SpongeCapacity,
            Forgery::LeafParameter,
            Forgery::MerkleDirection,
            Forgery::MerkleTweak,
        ] {
            // Find a fixture where the forgery changes the computation (a chain whose digit
            // is 0 cannot be walked one step longer from below).
            let result = (1..20)
                .map(|seed| forged(config, seed, forgery))
                .find(|r| r.as_ref().err().map(String::as_str) != Some("forgery had no effect"))
                .unwrap_or_else(|| panic!("{config} {forgery:?}: no effective fixture"));
            assert!(result.is_err(), "{config} {forgery:?}: verifier accepted");
        }
    }
}

#[test]
fn target_sum_forgery_is_rejected() {
    // A signature whose randomness is changed: the honest computation of everything except
    // that its codeword misses the target sum (and the key root follows it).
    let config = Config::Test;
    let slot = slot_for(config);
    let (keys, mut sigs) = fixtures(config, 2, 1, slot);
    let mut seen_mismatch = false;
    for t in 1..200u32 {
        sigs[0].rho[1] = xmss::F::new(t);
        match xmss::encoding::encode(config, &keys[0].parameter, slot, &sigs[0].rho, &MESSAGE) {
            Err(xmss::encoding::EncodingError::TargetSumMismatch { .. }) => {
                seen_mismatch = true;
                break;
            }
            _ => continue,
        }
    }
    assert!(seen_mismatch);
    let honest = Statement::new(config, &MESSAGE, slot, &keys);
    let (witness, roots) = Witness::generate_forged(&honest, Isa::scalar(), &sigs, Forgery::None);
    let forged_keys = vec![PublicKey {
        root: roots[0],
        parameter: keys[0].parameter,
    }];
    let st = Statement::new(config, &MESSAGE, slot, &forged_keys);
    let (isa, params) = (Isa::best(), params_v2(2));
    assert!(witness.prove_v2(&st, &params, isa).is_err());
    let proof = witness.prove_v2_unchecked(&st, &params, isa).unwrap();
    assert!(
        st.verify_v2(isa, &params, &PolicyV2::DEFAULT, &proof)
            .is_err()
    );
}

/// The row structure the chain and sponge tables rely on (docs/air.md sections 4 and 5):
/// tampering with it in an honest witness is refused by the prover and, with its checks
/// skipped, rejected by the verifier.
#[test]
fn tampered_row_structure_is_rejected() {
    let config = Config::Prod;
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, 3, 2, slot);
    let st = Statement::new(config, &MESSAGE, slot, &keys);
    let honest = Witness::generate(&st, Isa::scalar(), &sigs);
    let tables = Tables::get(config);
    let chain = tables.chain.columns();
    let cw = tables.chain.air().width();
    let sponge = tables.sponge.columns();
    let sw = tables.sponge.air().width();
    let n_chain_rows = 2 * config.num_chains();
    let n_sponge_rows = honest.traces[2].len() / sw;
    let mut cases: Vec<(&str, Witness)> = Vec::new();

    // Chains 1 and 2 of signature 0 trade rows (each row is still a correct walk).
    let mut w = honest.clone();
    let (a, b) = w.traces[1].split_at_mut(2 * cw);
    a[cw..].swap_with_slice(&mut b[..cw]);
    cases.push(("chain rows out of order", w));
    // Chain 3 of signature 0 claims to end its digit group.
    let mut w = honest.clone();
    w.traces[1][3 * cw + chain.end.0] = backend::KoalaBear::ONE;
    cases.push(("digit group ended early", w));
    // The first padding row of the chain table claims to be active.
    let mut w = honest.clone();
    w.traces[1][n_chain_rows * cw + chain.active.0] = backend::KoalaBear::ONE;
    cases.push(("padding chain row active", w));
    // A padding row of the sponge table claims to be the last chunk.
    let mut w = honest.clone();
    assert!(
        n_sponge_rows > 2 * 25,
        "the prod sponge table has padding rows at N = 2"
    );
    w.traces[2][(n_sponge_rows - 1) * sw + sponge.last.0] = backend::KoalaBear::ONE;
    cases.push(("padding sponge row last", w));
    // Chunk 1 of signature 0 restarts as a chunk 0.
    let mut w = honest.clone();
    w.traces[2][sw + sponge.first.0] = backend::KoalaBear::ONE;
    cases.push(("sponge restarted mid-leaf", w));

    let (isa, params) = (Isa::best(), params_v2(2));
    for (what, w) in cases {
        assert!(
            w.prove_v2(&st, &params, isa).is_err(),
            "{what}: prover accepted"
        );
        let proof = w
            .prove_v2_unchecked(&st, &params, isa)
            .expect("unchecked prove");
        assert!(
            st.verify_v2(isa, &params, &PolicyV2::DEFAULT, &proof)
                .is_err(),
            "{what}: verifier accepted"
        );
    }
}

#[test]
fn the_v2_signature_limit_is_typed_and_enforced_before_proving() {
    let config = Config::Prod;
    let max = rec_aggregation::max_signatures(config, 2);
    // The first WHIR oracle's leaves bound the proof (2^24 leaves): a few thousand
    // signatures at rate 1/4, more at rate 1/2.
    assert!((4_000..20_000).contains(&max), "{max}");
    assert!(rec_aggregation::max_signatures(config, 1) > max);
    // The largest statement plans; one more signature does not.
    assert!(rec_aggregation::security(config, max, 2).is_ok());
    assert!(rec_aggregation::security(config, max + 1, 2).is_err());
    // One more than the limit is refused with the typed error before any signature is read.
    let slot = slot_for(config);
    let (keys, sigs) = fixtures(config, 5, 1, slot);
    let keys = vec![keys[0]; max + 1];
    let sigs = vec![sigs[0].clone(); max + 1];
    match aggregate(&keys, &sigs, &MESSAGE, slot, &options(config, 2)) {
        Err(AggregateError::TooMany {
            n,
            max: m,
            log_inv_rate: 2,
        }) => assert_eq!((n, m), (max + 1, max)),
        other => panic!("{other:?}"),
    }
    let header = [
        b"XAGG".as_slice(),
        &rec_aggregation::api::PROOF_VERSION.to_le_bytes(),
        &[0, 2, 0],
        &((max + 1) as u32).to_le_bytes(),
        &MESSAGE,
        &slot.to_le_bytes(),
    ]
    .concat();
    assert!(matches!(
        verify(config, &keys, &MESSAGE, slot, &header),
        Err(VerifyError::TooMany { .. })
    ));
}
