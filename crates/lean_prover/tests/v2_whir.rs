//! Tests of the WHIR commitment (`lean_prover::v2::whir`): completeness for several shapes
//! (one round, several rounds, sparse and dense claims) with identical proofs on every ISA;
//! soundness against a false claim and against every tampered part of a proof (sumcheck
//! messages, nonces, roots, out-of-domain answers, query openings, final polynomial, final
//! sumcheck); malformed shapes as typed errors, never panics.

use backend::Isa;
use backend::challenger::Challenger;
use backend::field::{Ext5, KoalaBear};
use lean_prover::security::whir::WhirConfig;
use lean_prover::v2::mle;
use lean_prover::v2::whir::{
    Claim, WhirCommitment, WhirError, WhirParams, WhirProof, commit, open, receive_commitment,
    verify,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn rand_ext(rng: &mut StdRng) -> Ext5 {
    Ext5::new(core::array::from_fn(|_| KoalaBear::from_u64(rng.random())))
}

fn transcript() -> Challenger {
    let mut ch = Challenger::new();
    ch.observe(KoalaBear::new(0x5748_4952));
    ch
}

/// A small configuration: 80-bit rounds (fewer queries, quick tests), 4 grinding bits.
fn config(v: usize, r: usize, k0: usize, k: usize, max_final: usize) -> WhirConfig {
    WhirConfig {
        num_variables: v,
        log_inv_rate: r,
        security_bits: 80.0,
        pow_bits: 4,
        first_folding_factor: k0,
        folding_factor: k,
        first_domain_shrink: 1,
        max_final_variables: max_final,
    }
}

struct Case {
    params: WhirParams,
    table: Vec<KoalaBear>,
    claims: Vec<Claim>,
}

/// A random table and `dense` random evaluation claims plus one claim whose leading
/// coordinates are boolean (a stacked column's shape), all true.
fn case(rng: &mut StdRng, cfg: WhirConfig, dense: usize) -> Case {
    let params = WhirParams::new(cfg).unwrap();
    let v = cfg.num_variables;
    let table: Vec<KoalaBear> = (0..1usize << v)
        .map(|_| KoalaBear::from_u64(rng.random()))
        .collect();
    let lifted = mle::lift(&table);
    let mut points: Vec<Vec<Ext5>> = (0..dense)
        .map(|_| (0..v).map(|_| rand_ext(rng)).collect())
        .collect();
    let mut sparse: Vec<Ext5> = (0..v).map(|_| rand_ext(rng)).collect();
    for (t, c) in sparse.iter_mut().take(v.min(3)).enumerate() {
        *c = if t % 2 == 0 { Ext5::ONE } else { Ext5::ZERO };
    }
    points.push(sparse);
    let claims = points
        .iter()
        .map(|p| Claim::evaluation(p, mle::evaluate(Isa::scalar(), &lifted, p).unwrap()))
        .collect();
    Case {
        params,
        table,
        claims,
    }
}

fn prove(isa: Isa, c: &Case) -> (WhirCommitment, WhirProof) {
    let mut ch = transcript();
    let (commitment, witness) = commit(isa, &c.params, c.table.clone(), &mut ch).unwrap();
    let proof = open(isa, witness, &c.claims, &mut ch).unwrap();
    (commitment, proof)
}

fn check(
    isa: Isa,
    params: &WhirParams,
    claims: &[Claim],
    commitment: &WhirCommitment,
    proof: &WhirProof,
) -> Result<(), WhirError> {
    let mut ch = transcript();
    let received = receive_commitment(params, commitment, &mut ch)?;
    verify(isa, params, &received, claims, proof, &mut ch)
}

/// Shapes: (v, log inverse rate, k_0, k, max final variables, dense claims).
const SHAPES: &[(usize, usize, usize, usize, usize, usize)] = &[
    (1, 1, 1, 1, 0, 1),
    (4, 1, 4, 2, 4, 0),
    (6, 2, 3, 2, 1, 2),
    (10, 1, 4, 3, 2, 1),
    (12, 2, 5, 3, 3, 3),
    (13, 3, 6, 4, 4, 1),
];

#[test]
fn honest_openings_verify_with_identical_proofs_on_every_isa() {
    let mut rng = StdRng::seed_from_u64(0x1);
    for &(v, r, k0, k, fin, dense) in SHAPES {
        let c = case(&mut rng, config(v, r, k0, k, fin), dense);
        let mut reference = None;
        for isa in Isa::available() {
            let (commitment, proof) = prove(isa, &c);
            assert_eq!(proof.rounds.len(), c.params.rounds.len());
            check(isa, &c.params, &c.claims, &commitment, &proof)
                .unwrap_or_else(|e| panic!("shape {v} {r} {k0} {k}: {isa}: {e}"));
            match &reference {
                None => reference = Some((commitment, proof)),
                Some(r) => assert_eq!(r, &(commitment, proof), "proof differs on {isa}"),
            }
        }
    }
}

#[test]
fn a_false_claim_is_rejected() {
    let mut rng = StdRng::seed_from_u64(0x2);
    for &(v, r, k0, k, fin, dense) in SHAPES {
        let mut c = case(&mut rng, config(v, r, k0, k, fin), dense);
        let last = c.claims.len() - 1;
        for index in [0, last] {
            let honest = c.claims[index].value;
            c.claims[index].value = honest + Ext5::ONE;
            let (commitment, proof) = prove(Isa::current(), &c);
            assert!(
                check(Isa::current(), &c.params, &c.claims, &commitment, &proof).is_err(),
                "shape {v}: false claim {index} accepted"
            );
            c.claims[index].value = honest;
        }
    }
}

#[test]
fn claims_changed_after_proving_are_rejected() {
    let mut rng = StdRng::seed_from_u64(0x3);
    let c = case(&mut rng, config(12, 2, 5, 3, 3), 2);
    let (commitment, proof) = prove(Isa::current(), &c);
    let mut claims = c.claims.clone();
    claims[1].value += Ext5::ONE;
    assert!(check(Isa::current(), &c.params, &claims, &commitment, &proof).is_err());
    let mut other = c.claims.clone();
    other.swap(0, 1);
    assert!(check(Isa::current(), &c.params, &other, &commitment, &proof).is_err());
    assert!(
        check(
            Isa::current(),
            &c.params,
            &c.claims[..2],
            &commitment,
            &proof
        )
        .is_err()
    );
}

fn bump(x: &mut Ext5) {
    *x += Ext5::ONE;
}

fn bump_base(x: &mut KoalaBear) {
    *x += KoalaBear::ONE;
}

/// Every single-value change of a proof, as a list of labelled mutations.
fn mutations(
    commitment: &WhirCommitment,
    proof: &WhirProof,
) -> Vec<(String, WhirCommitment, WhirProof)> {
    let mut out = Vec::new();
    let mut push = |label: String, f: &dyn Fn(&mut WhirCommitment, &mut WhirProof)| {
        let (mut c, mut p) = (commitment.clone(), proof.clone());
        f(&mut c, &mut p);
        out.push((label, c, p));
    };
    for e in 0..8 {
        push(format!("root[{e}]"), &|c, _| bump_base(&mut c.root[e]));
    }
    for j in 0..commitment.ood_answers.len() {
        push(format!("ood[{j}]"), &|c, _| bump(&mut c.ood_answers[j]));
    }
    for (i, r) in proof.rounds.iter().enumerate() {
        for j in 0..r.sumcheck.len() {
            for m in 0..2 {
                push(format!("round {i} sumcheck {j}.{m}"), &|_, p| {
                    bump(&mut p.rounds[i].sumcheck[j][m])
                });
            }
            push(format!("round {i} fold nonce {j}"), &|_, p| {
                bump_base(&mut p.rounds[i].fold_nonces[j])
            });
        }
        if let Some(n) = &r.next {
            push(format!("round {i} next root"), &|_, p| {
                bump_base(&mut p.rounds[i].next.as_mut().unwrap().root[3])
            });
            for j in 0..n.ood_answers.len() {
                push(format!("round {i} next ood {j}"), &|_, p| {
                    bump(&mut p.rounds[i].next.as_mut().unwrap().ood_answers[j])
                });
            }
        }
        push(format!("round {i} query nonce"), &|_, p| {
            bump_base(&mut p.rounds[i].query_nonce)
        });
        for l in 0..r.queries.rows.len() {
            let width = r.queries.rows[l][0].len();
            for e in [0, width / 2, width - 1] {
                push(format!("round {i} leaf {l} value {e}"), &|_, p| {
                    bump_base(&mut p.rounds[i].queries.rows[l][0][e])
                });
            }
        }
        for s in 0..r.queries.siblings.len() {
            push(format!("round {i} sibling {s}"), &|_, p| {
                bump_base(&mut p.rounds[i].queries.siblings[s][0])
            });
        }
    }
    for j in 0..proof.final_polynomial.len() {
        push(format!("final polynomial {j}"), &|_, p| {
            bump(&mut p.final_polynomial[j])
        });
    }
    for j in 0..proof.final_sumcheck.len() {
        for m in 0..2 {
            push(format!("final sumcheck {j}.{m}"), &|_, p| {
                bump(&mut p.final_sumcheck[j][m])
            });
        }
    }
    out
}

#[test]
fn every_tampered_value_is_rejected() {
    let mut rng = StdRng::seed_from_u64(0x4);
    for &(v, r, k0, k, fin, dense) in SHAPES {
        let c = case(&mut rng, config(v, r, k0, k, fin), dense);
        let isa = Isa::current();
        let (commitment, proof) = prove(isa, &c);
        check(isa, &c.params, &c.claims, &commitment, &proof).unwrap();
        let all = mutations(&commitment, &proof);
        assert!(all.len() > 10);
        for (label, cm, p) in all {
            assert!(
                check(isa, &c.params, &c.claims, &cm, &p).is_err(),
                "shape {v} {r} {k0} {k}: tampered {label} accepted"
            );
        }
    }
}

#[test]
fn malformed_shapes_are_typed_errors() {
    let mut rng = StdRng::seed_from_u64(0x5);
    let c = case(&mut rng, config(12, 2, 5, 3, 3), 1);
    let isa = Isa::current();
    let (commitment, proof) = prove(isa, &c);
    let run = |cm: &WhirCommitment, p: &WhirProof| check(isa, &c.params, &c.claims, cm, p);

    let mut p = proof.clone();
    p.rounds.pop();
    assert!(matches!(run(&commitment, &p), Err(WhirError::Shape { .. })));
    let mut p = proof.clone();
    p.final_polynomial.push(Ext5::ZERO);
    assert!(matches!(run(&commitment, &p), Err(WhirError::Shape { .. })));
    let mut p = proof.clone();
    p.final_sumcheck.clear();
    assert!(matches!(run(&commitment, &p), Err(WhirError::Shape { .. })));
    let mut p = proof.clone();
    p.rounds[0].sumcheck.pop();
    assert!(matches!(run(&commitment, &p), Err(WhirError::Shape { .. })));
    let mut p = proof.clone();
    p.rounds[0].next = None;
    assert!(matches!(run(&commitment, &p), Err(WhirError::Shape { .. })));
    let mut p = proof.clone();
    p.rounds[0].queries.rows.pop();
    assert!(matches!(
        run(&commitment, &p),
        Err(WhirError::Opening { .. })
    ));
    let mut p = proof.clone();
    p.rounds[1].queries.rows[0][0].pop();
    assert!(matches!(
        run(&commitment, &p),
        Err(WhirError::Opening { .. })
    ));
    let mut p = proof.clone();
    p.rounds[0].queries.rows[0].clear();
    assert!(matches!(
        run(&commitment, &p),
        Err(WhirError::Opening { .. })
    ));
    let mut p = proof.clone();
    p.rounds[0].queries.siblings.pop();
    assert!(matches!(
        run(&commitment, &p),
        Err(WhirError::Opening { .. })
    ));
    let mut cm = commitment.clone();
    cm.ood_answers.push(Ext5::ONE);
    assert!(matches!(run(&cm, &proof), Err(WhirError::Shape { .. })));

    let mut claims = c.claims.clone();
    claims[0] = Claim::evaluation(&[Ext5::ONE; 3], Ext5::ZERO);
    assert!(matches!(
        check(isa, &c.params, &claims, &commitment, &proof),
        Err(WhirError::ClaimDimension { index: 0, .. })
    ));

    // The prover's own checks.
    let mut ch = transcript();
    assert!(matches!(
        commit(isa, &c.params, vec![KoalaBear::ZERO; 3], &mut ch),
        Err(WhirError::PolynomialLength { .. })
    ));
    let (_, witness) = commit(isa, &c.params, c.table.clone(), &mut ch).unwrap();
    assert!(matches!(
        open(isa, witness, &claims, &mut ch),
        Err(WhirError::ClaimDimension { index: 0, .. })
    ));
}

#[test]
fn parameters_out_of_range_are_typed_errors() {
    let ok = config(12, 2, 5, 3, 3);
    for bad in [
        WhirConfig {
            num_variables: 0,
            ..ok
        },
        WhirConfig {
            num_variables: 31,
            ..ok
        },
        WhirConfig {
            log_inv_rate: 0,
            ..ok
        },
        WhirConfig {
            first_folding_factor: 0,
            ..ok
        },
        WhirConfig {
            folding_factor: 0,
            ..ok
        },
        WhirConfig { pow_bits: 25, ..ok },
        WhirConfig {
            num_variables: 30,
            log_inv_rate: 4,
            first_folding_factor: 2,
            ..ok
        },
    ] {
        assert!(
            matches!(WhirParams::new(bad), Err(WhirError::Params { .. })),
            "{bad:?}"
        );
    }
}

/// The default 124-bit schedule on a realistic size, once (release-profile speed).
#[test]
fn full_security_schedule_round_trips() {
    let mut rng = StdRng::seed_from_u64(0x6);
    let cfg = WhirConfig::upstream(16, 2);
    let c = case(&mut rng, cfg, 2);
    assert!(c.params.security_bits() >= 124.0);
    let isa = Isa::current();
    let (commitment, proof) = prove(isa, &c);
    check(isa, &c.params, &c.claims, &commitment, &proof).unwrap();
}

/// A prover that commits a folded oracle other than the fold (consistent Merkle tree and
/// sumcheck messages of the changed table), or sends a changed final polynomial and goes on
/// honestly with it, is caught: by the queries or by the final claim.
#[test]
fn forged_folded_oracles_and_final_polynomials_are_rejected() {
    use lean_prover::v2::whir::{Forgery, open_forged};
    let mut rng = StdRng::seed_from_u64(0x7);
    for &(v, r, k0, k, fin, dense) in SHAPES {
        let c = case(&mut rng, config(v, r, k0, k, fin), dense);
        let isa = Isa::current();
        let rounds = c.params.rounds.len();
        let final_len = 1usize << c.params.final_variables;
        let mut forgeries: Vec<Forgery> = (1..rounds)
            .flat_map(|round| [0, 5, 1 << 20].map(|index| Forgery::FoldedTable { round, index }))
            .collect();
        forgeries.extend((0..final_len).map(|index| Forgery::FinalPolynomial { index }));
        assert!(!forgeries.is_empty());
        for forgery in forgeries {
            let mut ch = transcript();
            let (commitment, witness) = commit(isa, &c.params, c.table.clone(), &mut ch).unwrap();
            let proof = open_forged(isa, witness, &c.claims, &mut ch, forgery).unwrap();
            assert!(
                check(isa, &c.params, &c.claims, &commitment, &proof).is_err(),
                "shape {v} {r} {k0} {k}: {forgery:?} accepted"
            );
        }
    }
}

/// A case whose table is zero outside the first round's blocks `active`.
fn restricted_case(rng: &mut StdRng, cfg: WhirConfig, active: &[usize]) -> Case {
    let mut c = case(rng, cfg, 2);
    let n = cfg.num_variables - cfg.first_folding_factor;
    for a in 0..1usize << cfg.first_folding_factor {
        if !active.contains(&a) {
            c.table[a << n..(a + 1) << n].fill(KoalaBear::ZERO);
        }
    }
    let lifted = mle::lift(&c.table);
    for claim in &mut c.claims {
        // The claims were made for the unrestricted table: recompute their values.
        let point: Vec<Ext5> = claim.weight.factors().iter().map(|f| f[1]).collect();
        claim.value = mle::evaluate(Isa::scalar(), &lifted, &point).unwrap();
    }
    c.params = c.params.with_first_active(active.to_vec()).unwrap();
    c
}

#[test]
fn a_first_oracle_without_its_zero_blocks_opens_and_every_tampered_leaf_is_rejected() {
    let mut rng = StdRng::seed_from_u64(0x5);
    for (cfg, active) in [
        (config(10, 1, 4, 3, 2), vec![0usize, 3, 8, 9, 15]),
        (config(12, 2, 5, 3, 3), vec![7usize]),
        (config(13, 3, 6, 4, 4), (0..40usize).collect()),
    ] {
        let c = restricted_case(&mut rng, cfg, &active);
        assert_eq!(c.params.leaf_width(0), active.len());
        let mut reference = None;
        for isa in Isa::available() {
            let (commitment, proof) = prove(isa, &c);
            let leaf = &proof.rounds[0].queries.rows[0][0];
            assert_eq!(
                leaf.len(),
                active.len(),
                "leaves hold the active blocks only"
            );
            check(isa, &c.params, &c.claims, &commitment, &proof)
                .unwrap_or_else(|e| panic!("{isa}: {e}"));
            match &reference {
                None => reference = Some((commitment, proof)),
                Some(r) => assert_eq!(r, &(commitment, proof), "proof differs on {isa}"),
            }
        }
        let (commitment, proof) = reference.unwrap();
        // Every value of the first opened leaf, changed, is rejected.
        for j in 0..active.len() {
            let mut bad = proof.clone();
            bad.rounds[0].queries.rows[0][0][j] += KoalaBear::ONE;
            assert!(check(Isa::scalar(), &c.params, &c.claims, &commitment, &bad).is_err());
        }
        // A leaf with an extra value (a zero block sent after all) is a shape error.
        let mut long = proof.clone();
        long.rounds[0].queries.rows[0][0].push(KoalaBear::ZERO);
        assert!(matches!(
            check(Isa::scalar(), &c.params, &c.claims, &commitment, &long),
            Err(WhirError::Opening { round: 0, .. })
        ));
        // The same proof does not verify against the unrestricted parameters.
        let full = WhirParams::new(cfg).unwrap();
        assert!(check(Isa::scalar(), &full, &c.claims, &commitment, &proof).is_err());
        // A false claim value is rejected.
        let mut claims = c.claims.clone();
        claims[0].value += Ext5::ONE;
        assert!(check(Isa::scalar(), &c.params, &claims, &commitment, &proof).is_err());
    }
}

#[test]
fn a_table_not_zero_on_a_left_out_block_is_refused_and_bad_block_lists_are_typed_errors() {
    let mut rng = StdRng::seed_from_u64(0x6);
    let cfg = config(10, 1, 4, 3, 2);
    let c = restricted_case(&mut rng, cfg, &[1, 2, 5]);
    let mut table = c.table.clone();
    let n = 10 - 4;
    table[(6 << n) + 3] = KoalaBear::ONE;
    let mut ch = transcript();
    assert_eq!(
        commit(Isa::scalar(), &c.params, table, &mut ch).err(),
        Some(WhirError::InactiveBlock { block: 6 })
    );
    let params = WhirParams::new(cfg).unwrap();
    for bad in [vec![], vec![2, 1], vec![3, 3], vec![0, 16]] {
        assert!(
            matches!(
                params.clone().with_first_active(bad.clone()),
                Err(WhirError::Params { .. })
            ),
            "{bad:?}"
        );
    }
}
