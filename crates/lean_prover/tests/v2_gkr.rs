//! Tests of the GKR fractional sum (`lean_prover::v2::gkr`): the root is the sum of the
//! fractions and the output claims are the input multilinears at the output point, on every
//! ISA with identical proofs; every tampered value of a proof, a root other than the sum and
//! fractions other than the committed ones are caught (by the verifier or by the caller's
//! input check); malformed proofs are typed errors.

use backend::Isa;
use backend::challenger::Challenger;
use backend::field::{Ext5, KoalaBear};
use lean_prover::v2::gkr::{GkrClaim, GkrError, GkrProof, prove, verify};
use lean_prover::v2::mle;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn rand_ext(rng: &mut StdRng) -> Ext5 {
    Ext5::new(core::array::from_fn(|_| KoalaBear::from_u64(rng.random())))
}

fn transcript() -> Challenger {
    let mut ch = Challenger::new();
    ch.observe(KoalaBear::new(0x474b_5221));
    ch
}

fn fractions(rng: &mut StdRng, g: usize) -> (Vec<Ext5>, Vec<Ext5>) {
    let n = (0..1usize << g).map(|_| rand_ext(rng)).collect();
    let d = (0..1usize << g).map(|_| rand_ext(rng)).collect();
    (n, d)
}

/// The verifier's side with the caller's input check: the claims must be the true input
/// multilinears at the output point.
fn accept(g: usize, proof: &GkrProof, n: &[Ext5], d: &[Ext5]) -> Result<GkrClaim, String> {
    let claim = verify(g, proof, &mut transcript()).map_err(|e| e.to_string())?;
    let isa = Isa::scalar();
    if claim.numerator != mle::evaluate(isa, n, &claim.point).unwrap()
        || claim.denominator != mle::evaluate(isa, d, &claim.point).unwrap()
    {
        return Err("input claims differ from the committed fractions".into());
    }
    Ok(claim)
}

fn sum(n: &[Ext5], d: &[Ext5]) -> Ext5 {
    n.iter()
        .zip(d)
        .map(|(&a, &b)| a * b.try_inverse().unwrap())
        .sum()
}

#[test]
fn root_is_the_sum_and_claims_are_the_input_at_the_point_on_every_isa() {
    let mut rng = StdRng::seed_from_u64(1);
    for g in 0..=7 {
        let (n, d) = fractions(&mut rng, g);
        let mut reference: Option<GkrProof> = None;
        for isa in Isa::available() {
            let (proof, claim) = prove(isa, n.clone(), d.clone(), &mut transcript()).unwrap();
            assert_eq!(claim.point.len(), g);
            let checked = accept(g, &proof, &n, &d).unwrap();
            assert_eq!(checked, claim, "G = {g}, {isa:?}");
            let [num, den] = claim.root;
            assert_eq!(num * den.try_inverse().unwrap(), sum(&n, &d), "G = {g}");
            match &reference {
                None => reference = Some(proof),
                Some(r) => assert_eq!(&proof, r, "G = {g}: {isa:?} differs from scalar"),
            }
        }
    }
}

/// Every single value of the proof, changed, is caught: the verifier rejects, or its input
/// claims are no longer the committed fractions at its point, or (for the root) the root is
/// no longer the fractions' sum.
#[test]
fn every_tampered_value_is_caught() {
    let mut rng = StdRng::seed_from_u64(2);
    let g = 5;
    let (n, d) = fractions(&mut rng, g);
    let (proof, _) = prove(Isa::current(), n.clone(), d.clone(), &mut transcript()).unwrap();
    let truth = sum(&n, &d);
    let caught = |p: &GkrProof| match accept(g, p, &n, &d) {
        Err(_) => true,
        Ok(c) => c.root[0] * c.root[1].try_inverse().unwrap() != truth,
    };
    assert!(!caught(&proof));
    let bump = |x: &mut Ext5| *x += Ext5::ONE;
    for i in 0..2 {
        let mut p = proof.clone();
        bump(&mut p.root[i]);
        assert!(caught(&p), "root[{i}]");
    }
    for j in 0..g {
        for r in 0..j {
            for k in 0..2 {
                let mut p = proof.clone();
                bump(&mut p.layers[j].sumcheck[r][k]);
                assert!(caught(&p), "layer {j} round {r} value {k}");
            }
        }
        for k in 0..4 {
            let mut p = proof.clone();
            bump(&mut p.layers[j].children[k]);
            assert!(caught(&p), "layer {j} child {k}");
        }
    }
}

/// A root scaled in both parts is the same fraction, yet the transcript and the layer
/// checks pin the prover's actual layers: the scaled proof is rejected.
#[test]
fn an_equivalent_but_different_root_is_rejected() {
    let mut rng = StdRng::seed_from_u64(3);
    let (n, d) = fractions(&mut rng, 4);
    let (mut proof, _) = prove(Isa::current(), n.clone(), d.clone(), &mut transcript()).unwrap();
    let two = Ext5::from_base(KoalaBear::new(2));
    proof.root = [proof.root[0] * two, proof.root[1] * two];
    assert!(accept(4, &proof, &n, &d).is_err());
}

/// A proof of other fractions (one numerator or one denominator changed) does not pass the
/// input check against the committed ones.
#[test]
fn proof_of_other_fractions_fails_the_input_check() {
    let mut rng = StdRng::seed_from_u64(4);
    let g = 6;
    let (n, d) = fractions(&mut rng, g);
    for which in 0..2 {
        let (mut n2, mut d2) = (n.clone(), d.clone());
        if which == 0 {
            n2[17] += Ext5::ONE;
        } else {
            d2[40] += Ext5::ONE;
        }
        let (proof, _) = prove(Isa::current(), n2.clone(), d2.clone(), &mut transcript()).unwrap();
        assert!(accept(g, &proof, &n2, &d2).is_ok());
        assert!(accept(g, &proof, &n, &d).is_err(), "case {which}");
    }
}

/// Fractions summing to zero (a balanced bus) give a zero root numerator.
#[test]
fn balanced_fractions_give_a_zero_numerator() {
    let mut rng = StdRng::seed_from_u64(5);
    let g = 4;
    let half = 1usize << (g - 1);
    let (mut n, mut d) = fractions(&mut rng, g);
    for i in 0..half {
        n[half + i] = -n[i];
        d[half + i] = d[i];
    }
    let (proof, claim) = prove(Isa::current(), n.clone(), d.clone(), &mut transcript()).unwrap();
    assert_eq!(claim.root[0], Ext5::ZERO);
    assert!(accept(g, &proof, &n, &d).is_ok());
}

#[test]
fn zero_denominators_and_malformed_proofs_are_typed_errors() {
    let mut rng = StdRng::seed_from_u64(6);
    let (n, mut d) = fractions(&mut rng, 3);
    d[5] = Ext5::ZERO;
    let (proof, _) = prove(Isa::current(), n.clone(), d.clone(), &mut transcript()).unwrap();
    assert_eq!(
        verify(3, &proof, &mut transcript()),
        Err(GkrError::ZeroDenominator)
    );

    assert!(matches!(
        prove(
            Isa::current(),
            n.clone(),
            d[..7].to_vec(),
            &mut transcript()
        ),
        Err(GkrError::Input { .. })
    ));
    assert!(matches!(
        prove(
            Isa::current(),
            n[..6].to_vec(),
            d[..6].to_vec(),
            &mut transcript()
        ),
        Err(GkrError::Input { .. })
    ));

    let (n, d) = fractions(&mut rng, 3);
    let (proof, _) = prove(Isa::current(), n, d, &mut transcript()).unwrap();
    for g in [0, 2, 4, 64] {
        assert!(
            matches!(
                verify(g, &proof, &mut transcript()),
                Err(GkrError::Shape { .. })
            ),
            "G = {g}"
        );
    }
    let mut p = proof.clone();
    p.layers[2].sumcheck.pop();
    assert!(matches!(
        verify(3, &p, &mut transcript()),
        Err(GkrError::Shape { .. })
    ));
    let mut p = proof;
    p.layers[1].sumcheck.push([Ext5::ZERO; 2]);
    assert!(matches!(
        verify(3, &p, &mut transcript()),
        Err(GkrError::Shape { .. })
    ));
}
