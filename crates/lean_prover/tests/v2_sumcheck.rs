//! Tests of the v2 product sumcheck (`lean_prover::v2::sumcheck`): completeness for
//! `k = 1..=4` factors and `n = 0..=10` variables on every available ISA with identical
//! transcripts, soundness against a wrong claimed sum and against every tampered round value
//! (checked through the caller's final check with honestly computed `f_j(r)`), malformed
//! proofs as typed errors, and a proptest that arbitrary bytes never panic the verifier.

use backend::Isa;
use backend::challenger::Challenger;
use backend::field::{Ext5, KoalaBear};
use lean_prover::v2::mle;
use lean_prover::v2::sumcheck::{
    MAX_DEGREE, SumcheckError, SumcheckOutcome, SumcheckProof, prove_product, verify_product,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn rand_ext(rng: &mut StdRng) -> Ext5 {
    Ext5::new(core::array::from_fn(|_| KoalaBear::from_u64(rng.random())))
}

fn random_factors(rng: &mut StdRng, k: usize, n: usize) -> Vec<Vec<Ext5>> {
    (0..k)
        .map(|_| (0..1usize << n).map(|_| rand_ext(rng)).collect())
        .collect()
}

/// `sum_x prod_j f_j(x)`, directly.
fn naive_sum(factors: &[Vec<Ext5>]) -> Ext5 {
    (0..factors[0].len())
        .map(|x| factors.iter().map(|f| f[x]).product::<Ext5>())
        .sum()
}

/// A transcript with some prior history, as inside a larger protocol.
fn transcript() -> Challenger {
    let mut ch = Challenger::new();
    ch.observe(KoalaBear::new(0x5355_4d43));
    ch
}

/// The caller's side: run the verifier, then check the final claim against `f_j(r)`
/// computed from the factors themselves (the honest oracle). `true` iff everything passed.
fn accepted(factors: &[Vec<Ext5>], claimed_sum: Ext5, proof: &SumcheckProof) -> bool {
    let k = factors.len();
    let n = mle::num_vars(factors[0].len()).unwrap();
    let mut ch = transcript();
    let outcome: SumcheckOutcome = match verify_product(n, k, claimed_sum, proof, &mut ch) {
        Ok(o) => o,
        Err(_) => return false,
    };
    let evals: Vec<Ext5> = factors
        .iter()
        .map(|f| mle::evaluate(Isa::scalar(), f, &outcome.point).unwrap())
        .collect();
    outcome.check_product(k, &evals).is_ok()
}

#[test]
fn completeness_on_every_isa_with_identical_transcripts() {
    let mut rng = StdRng::seed_from_u64(0x5c);
    for k in 1..=4 {
        for n in 0..=10 {
            let factors = random_factors(&mut rng, k, n);
            let expected_sum = naive_sum(&factors);
            let mut reference = None;
            for isa in Isa::available() {
                let mut prover_ch = transcript();
                let out = prove_product(isa, factors.clone(), &mut prover_ch).unwrap();
                assert_eq!(out.claimed_sum, expected_sum, "k {k} n {n} isa {isa}");
                assert_eq!(out.proof.round_polys.len(), n);
                assert!(out.proof.round_polys.iter().all(|m| m.len() == k));
                assert_eq!(out.point.len(), n);
                for (f, &e) in factors.iter().zip(&out.evals) {
                    assert_eq!(mle::evaluate(isa, f, &out.point).unwrap(), e);
                }

                let mut verifier_ch = transcript();
                let outcome =
                    verify_product(n, k, out.claimed_sum, &out.proof, &mut verifier_ch).unwrap();
                assert_eq!(outcome.point, out.point);
                outcome.check_product(k, &out.evals).unwrap();
                assert_eq!(verifier_ch, prover_ch, "transcripts diverge, k {k} n {n}");
                assert!(accepted(&factors, out.claimed_sum, &out.proof));

                match &reference {
                    None => reference = Some((out, prover_ch)),
                    Some((r_out, r_ch)) => {
                        assert_eq!(&out, r_out, "k {k} n {n}: {isa} differs from scalar");
                        assert_eq!(&prover_ch, r_ch, "k {k} n {n}: {isa} transcript");
                    }
                }
            }
        }
    }
}

#[test]
fn larger_instance_spans_several_chunks() {
    // 2^13 values: the lower half spans four prover chunks (rayon reduction).
    let mut rng = StdRng::seed_from_u64(7);
    let factors = random_factors(&mut rng, 3, 13);
    let isa = Isa::best();
    let out = prove_product(isa, factors.clone(), &mut transcript()).unwrap();
    assert_eq!(out.claimed_sum, naive_sum(&factors));
    assert!(accepted(&factors, out.claimed_sum, &out.proof));
}

#[test]
fn base_field_inputs_lifted() {
    let mut rng = StdRng::seed_from_u64(8);
    let base: Vec<KoalaBear> = (0..64).map(|_| KoalaBear::from_u64(rng.random())).collect();
    let ext = random_factors(&mut rng, 1, 6).remove(0);
    let factors = vec![mle::lift(&base), ext];
    let out = prove_product(Isa::best(), factors.clone(), &mut transcript()).unwrap();
    assert_eq!(
        out.evals[0],
        mle::evaluate_base(Isa::best(), &base, &out.point).unwrap()
    );
    assert!(accepted(&factors, out.claimed_sum, &out.proof));
}

#[test]
fn wrong_claimed_sum_is_rejected() {
    let mut rng = StdRng::seed_from_u64(9);
    for k in 1..=4 {
        for n in 0..=6 {
            let factors = random_factors(&mut rng, k, n);
            let out = prove_product(Isa::best(), factors.clone(), &mut transcript()).unwrap();
            for delta in [Ext5::ONE, rand_ext(&mut rng)] {
                let wrong = out.claimed_sum + delta;
                assert!(
                    !accepted(&factors, wrong, &out.proof),
                    "wrong sum accepted, k {k} n {n}"
                );
            }
        }
    }
}

#[test]
fn every_tampered_round_value_is_caught() {
    let mut rng = StdRng::seed_from_u64(10);
    let mut checked = 0;
    for k in 1..=4 {
        for n in 1..=6 {
            let factors = random_factors(&mut rng, k, n);
            let out = prove_product(Isa::best(), factors.clone(), &mut transcript()).unwrap();
            assert!(accepted(&factors, out.claimed_sum, &out.proof));
            for round in 0..n {
                for coeff in 0..k {
                    for delta in [Ext5::ONE, rand_ext(&mut rng)] {
                        let mut bad = out.proof.clone();
                        bad.round_polys[round][coeff] += delta;
                        assert!(
                            !accepted(&factors, out.claimed_sum, &bad),
                            "tampering unnoticed: k {k} n {n} round {round} value {coeff}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 2 * (1 + 2 + 3 + 4) * (1 + 2 + 3 + 4 + 5 + 6));
}

#[test]
fn a_shifted_first_value_passes_the_rounds_but_fails_the_final_check() {
    // The rounds alone cannot notice a shifted g(0): the derived g(1) absorbs it. The
    // verifier therefore returns an outcome, and the caller's final check must reject it.
    let mut rng = StdRng::seed_from_u64(11);
    let factors = random_factors(&mut rng, 2, 5);
    let out = prove_product(Isa::best(), factors.clone(), &mut transcript()).unwrap();
    let mut bad = out.proof.clone();
    let shift = rand_ext(&mut rng);
    bad.round_polys[0][0] += shift;
    let mut ch = transcript();
    let outcome = verify_product(5, 2, out.claimed_sum, &bad, &mut ch).unwrap();
    let evals: Vec<Ext5> = factors
        .iter()
        .map(|f| mle::evaluate(Isa::scalar(), f, &outcome.point).unwrap())
        .collect();
    assert_eq!(
        outcome.check_product(2, &evals),
        Err(SumcheckError::FinalClaimMismatch)
    );
}

#[test]
fn malformed_proofs_are_typed_errors() {
    let mut rng = StdRng::seed_from_u64(12);
    let factors = random_factors(&mut rng, 3, 4);
    let out = prove_product(Isa::best(), factors, &mut transcript()).unwrap();
    let s = out.claimed_sum;
    let verify = |n, k, p: &SumcheckProof| verify_product(n, k, s, p, &mut transcript());

    let mut short = out.proof.clone();
    short.round_polys.pop();
    assert_eq!(
        verify(4, 3, &short),
        Err(SumcheckError::WrongRoundCount {
            expected: 4,
            got: 3
        })
    );
    let mut long = out.proof.clone();
    long.round_polys.push(vec![Ext5::ZERO; 3]);
    assert!(matches!(
        verify(4, 3, &long),
        Err(SumcheckError::WrongRoundCount { .. })
    ));
    for round in 0..4 {
        let mut extra = out.proof.clone();
        extra.round_polys[round].push(Ext5::ZERO);
        assert_eq!(
            verify(4, 3, &extra),
            Err(SumcheckError::WrongRoundLength {
                round,
                expected: 3,
                got: 4
            })
        );
        let mut missing = out.proof.clone();
        missing.round_polys[round].clear();
        assert!(matches!(
            verify(4, 3, &missing),
            Err(SumcheckError::WrongRoundLength { got: 0, .. })
        ));
    }
    assert_eq!(
        verify(4, 0, &out.proof),
        Err(SumcheckError::DegreeOutOfRange { degree: 0 })
    );
    assert!(matches!(
        verify(4, MAX_DEGREE + 1, &out.proof),
        Err(SumcheckError::DegreeOutOfRange { .. })
    ));
    assert!(matches!(
        verify(usize::MAX, 3, &out.proof),
        Err(SumcheckError::TooManyVariables { .. })
    ));
    // The wrong degree for an otherwise valid proof.
    assert!(matches!(
        verify(4, 2, &out.proof),
        Err(SumcheckError::WrongRoundLength { .. })
    ));
    let outcome = verify(4, 3, &out.proof).unwrap();
    assert_eq!(
        outcome.check_product(3, &out.evals[..2]),
        Err(SumcheckError::WrongEvalCount {
            expected: 3,
            got: 2
        })
    );
}

#[test]
fn prover_rejects_malformed_factors() {
    let isa = Isa::scalar();
    let ch = &mut transcript();
    assert_eq!(
        prove_product(isa, vec![], ch),
        Err(SumcheckError::DegreeOutOfRange { degree: 0 })
    );
    assert_eq!(
        prove_product(isa, vec![vec![Ext5::ONE; 4], vec![Ext5::ONE; 2]], ch),
        Err(SumcheckError::FactorLength {
            index: 1,
            expected: 4,
            got: 2
        })
    );
    assert_eq!(
        prove_product(isa, vec![vec![Ext5::ONE; 3]], ch),
        Err(SumcheckError::Mle(mle::MleError::NotPowerOfTwo { len: 3 }))
    );
    assert!(matches!(
        prove_product(isa, vec![vec![Ext5::ONE; 2]; MAX_DEGREE + 1], ch),
        Err(SumcheckError::DegreeOutOfRange { .. })
    ));
}

/// Reads field elements out of arbitrary bytes (4 per element, reduced mod p).
fn ext_from_bytes(bytes: &[u8], at: &mut usize) -> Ext5 {
    Ext5::new(core::array::from_fn(|_| {
        let mut w = [0u8; 4];
        for b in &mut w {
            *b = bytes.get(*at).copied().unwrap_or(0);
            *at += 1;
        }
        KoalaBear::new(u32::from_le_bytes(w))
    }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn verifier_never_panics_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        num_vars in 0usize..80,
        degree in 0usize..20,
        shape in proptest::collection::vec(0usize..20, 0..24),
        evals_len in 0usize..20,
    ) {
        let mut at = 0;
        let claimed_sum = ext_from_bytes(&bytes, &mut at);
        let round_polys: Vec<Vec<Ext5>> = shape
            .iter()
            .map(|&len| (0..len).map(|_| ext_from_bytes(&bytes, &mut at)).collect())
            .collect();
        let proof = SumcheckProof { round_polys };
        let result = verify_product(num_vars, degree, claimed_sum, &proof, &mut transcript());
        if let Ok(outcome) = result {
            prop_assert_eq!(outcome.point.len(), num_vars);
            let evals: Vec<Ext5> =
                (0..evals_len).map(|_| ext_from_bytes(&bytes, &mut at)).collect();
            let _ = outcome.check_product(degree, &evals);
        }
    }

    #[test]
    fn well_shaped_random_proofs_never_panic_and_fail_the_final_check(
        seed in any::<u64>(),
        num_vars in 0usize..8,
        degree in 1usize..=4,
    ) {
        let mut rng = StdRng::seed_from_u64(seed);
        let factors = random_factors(&mut rng, degree, num_vars);
        let proof = SumcheckProof {
            round_polys: (0..num_vars)
                .map(|_| (0..degree).map(|_| rand_ext(&mut rng)).collect())
                .collect(),
        };
        let claimed = rand_ext(&mut rng);
        // A random claim and random messages are accepted only with negligible probability.
        prop_assert!(!accepted(&factors, claimed, &proof));
    }
}
