//! The aggregation statement under proof system v2 (the aggregates' default): a proof at the default parameters verifies under the default policy, is
//! refused for another message, slot or key list, and the default parameters' security
//! report gives at least 124 provable bits for small and large statements.

use backend::Isa;
use lean_prover::v2::{ErrorV2, ParamsV2, PolicyV2};
use rec_aggregation::statement::{Statement, Witness, params_v2};
use xmss::{Config, PublicKey, Signature};

const MESSAGE: [u8; 32] = [0x33; 32];

fn fixtures(config: Config, n: usize, slot: u32) -> (Vec<PublicKey>, Vec<Signature>) {
    xmss::fixtures::generate(Isa::scalar(), config, 77, n, &MESSAGE, slot)
        .unwrap()
        .into_iter()
        .unzip()
}

#[test]
fn default_v2_proof_verifies_and_binds_message_slot_and_keys() {
    let config = Config::Test;
    let slot = 5;
    let (keys, sigs) = fixtures(config, 3, slot);
    let params = params_v2(2);
    let policy = PolicyV2::DEFAULT;
    let st = Statement::new(config, &MESSAGE, slot, &keys);
    let isa = Isa::current();
    let proof = Witness::generate(&st, isa, &sigs)
        .prove_v2(&st, &params, isa)
        .unwrap();
    st.verify_v2(isa, &params, &policy, &proof).unwrap();

    let other_message = Statement::new(config, &[0x34; 32], slot, &keys);
    assert!(
        other_message
            .verify_v2(isa, &params, &policy, &proof)
            .is_err()
    );
    let other_slot = Statement::new(config, &MESSAGE, slot + 1, &keys);
    assert!(other_slot.verify_v2(isa, &params, &policy, &proof).is_err());
    let mut swapped = keys.clone();
    swapped.swap(0, 2);
    let other_keys = Statement::new(config, &MESSAGE, slot, &swapped);
    assert!(other_keys.verify_v2(isa, &params, &policy, &proof).is_err());

    // A verifier asking for more than the parameters give refuses before reading the proof.
    let strict = PolicyV2 {
        min_provable_bits: 130.0,
    };
    assert!(matches!(
        st.verify_v2(isa, &params, &strict, &proof),
        Err(ErrorV2::Policy { .. })
    ));
}

#[test]
fn every_whir_schedule_proves_and_its_proofs_verify_only_under_its_own_parameters() {
    let config = Config::Test;
    let slot = 6;
    let (keys, sigs) = fixtures(config, 2, slot);
    let st = Statement::new(config, &MESSAGE, slot, &keys);
    let isa = Isa::current();
    let witness = Witness::generate(&st, isa, &sigs);
    let policy = PolicyV2::DEFAULT;
    let schedules = [params_v2(2), ParamsV2::upstream(2), ParamsV2::compact(2)];
    for (i, params) in schedules.iter().enumerate() {
        let proof = witness.prove_v2(&st, params, isa).unwrap();
        st.verify_v2(isa, params, &policy, &proof).unwrap();
        // The parameters are part of the statement the transcript binds.
        for (j, other) in schedules.iter().enumerate() {
            if i != j {
                assert!(
                    st.verify_v2(isa, other, &policy, &proof).is_err(),
                    "schedule {i}'s proof accepted under schedule {j}"
                );
            }
        }
    }
}

#[test]
fn default_v2_parameters_give_124_provable_bits_on_the_prod_statement() {
    let config = Config::Prod;
    let slot = 9;
    let (keys, _) = fixtures(config, 2, slot);
    for n in [2usize, 8, 1000] {
        // The report depends on the statement's shape only (the number of keys).
        let keys: Vec<PublicKey> = keys.iter().cycle().take(n).cloned().collect();
        let st = Statement::new(config, &MESSAGE, slot, &keys);
        for (rate, params) in [1, 2].into_iter().flat_map(|rate| {
            [
                params_v2(rate),
                ParamsV2::upstream(rate),
                ParamsV2::compact(rate),
            ]
            .map(|p| (rate, p))
        }) {
            let report = st.security_v2(&params).unwrap();
            assert!(
                report.provable_bits >= 124.0,
                "N {n} rate {rate}: {:?}",
                report.binding()
            );
            PolicyV2::DEFAULT.check(&report).unwrap();
            // The argument is capped by the digests' collisions, and says so.
            assert!(report.claimed_bits() < 124.0 && report.claimed_bits() > 123.8);
            // The statement terms are all there and none binds (WHIR's rounds do).
            for name in [
                "LogUp identity",
                "GKR",
                "AIR sumcheck",
                "WHIR claims batching",
            ] {
                assert!(report.term(name) > 124.0, "N {n} {name}");
            }
            assert!(report.binding().unwrap().name.starts_with("WHIR round"));
        }
    }
}
