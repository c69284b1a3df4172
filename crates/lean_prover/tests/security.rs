//! The security calculator: its terms reproduce figures published by someone else (the
//! Ethereum Foundation's soundcalc report for Pico's KoalaBear circuits), the defaults meet
//! their targets, queries are minimal, more queries and grinding never hurt, the two
//! Johnson-regime bounds are ordered as their theorems say, and the verifier policy refuses
//! what falls short.

use lean_prover::params::ParamsError;
use lean_prover::security::terms::{self, Johnson, bits};
use lean_prover::security::{SecurityShape, SecurityTarget};
use lean_prover::{JohnsonBound, SecurityPolicy, StarkParams};

const SHAPE: SecurityShape = SecurityShape::AGGREGATE_16;

/// `log2 |KoalaBear^4|`, the field of Pico's circuits.
fn log_kb4() -> f64 {
    4.0 * lean_prover::security::log2_base_field_size()
}

/// soundcalc's gap for fields below 2^150: `max(rho / 20, sqrt(rho) / 100)`.
fn soundcalc_johnson(rho: f64) -> Johnson {
    Johnson::from_eta(rho, (rho / 20.0).max(rho.sqrt() / 100.0))
}

/// soundcalc reports whole bits: `floor(-log2(err))`.
fn floor_bits(err: f64) -> i64 {
    bits(err).floor() as i64
}

/// soundcalc `reports/pico.md` (ethereum/soundcalc, 2026), circuit `riscv`, row JBR:
/// KoalaBear^4, rho = 1/2, trace 2^22, batch 1435 (powers), 84 queries, 16 grinding bits,
/// 22 binary folds, 4729 constraints of degree 3, 2 opening points; lookup `alu` with
/// 58,720,256 + 33,554,432 rows and 14 columns. Published: ALI 106, DEEP 95, batching 69,
/// commit rounds 81 (round 1) to 102 (round 22), query phase 53, alu 93.
#[test]
fn reproduces_soundcalc_pico_riscv_johnson_row() {
    let rho = 0.5;
    let j = soundcalc_johnson(rho);
    assert_eq!(j.m, 15);
    let log_f = log_kb4();
    let trace = f64::from(1u32 << 22);
    let domain = trace / rho;
    let list = j.list_size();
    assert_eq!(floor_bits(terms::ali(list, 4729.0, log_f)), 106);
    assert_eq!(
        floor_bits(terms::deep(list, 3.0, trace, 2.0, domain, log_f)),
        95
    );
    let line = |d: f64| terms::bchks25_linear(&j, d, log_f);
    assert_eq!(floor_bits(terms::powers(line(domain), 1435)), 69);
    let published_rounds = [
        81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102,
    ];
    for (i, &want) in published_rounds.iter().enumerate() {
        let folded_domain = domain / f64::from(2u32 << i);
        assert_eq!(
            floor_bits(terms::powers(line(folded_domain), 2)),
            want,
            "commit round {}",
            i + 1
        );
    }
    assert_eq!(floor_bits(terms::query(&j, 84, 16)), 53);
    // soundcalc's univariate LogUp model is (rows_L + rows_T) * columns / |F|: our
    // fractions * (tuple + 1) with list size 1 and tuples of 13 values plus the bus id.
    let rows = 58_720_256.0 + 33_554_432.0;
    assert_eq!(floor_bits(terms::logup(1.0, rows, 13.0, log_f)), 93);
}

/// The same report, circuit `compress`: rho = 1/16, trace 2^17, batch 485, 21 queries, 16
/// grinding bits, 323 constraints of degree 3. Published JBR: ALI 106, DEEP 95, batching 61,
/// commit round 1: 71, query phase 57.
#[test]
fn reproduces_soundcalc_pico_compress_johnson_row() {
    let rho = 1.0 / 16.0;
    let j = soundcalc_johnson(rho);
    assert_eq!(j.m, 40);
    let log_f = log_kb4();
    let trace = f64::from(1u32 << 17);
    let domain = trace / rho;
    let list = j.list_size();
    assert_eq!(floor_bits(terms::ali(list, 323.0, log_f)), 106);
    assert_eq!(
        floor_bits(terms::deep(list, 3.0, trace, 2.0, domain, log_f)),
        95
    );
    let line = |d: f64| terms::bchks25_linear(&j, d, log_f);
    assert_eq!(floor_bits(terms::powers(line(domain), 485)), 61);
    assert_eq!(floor_bits(terms::powers(line(domain / 2.0), 2)), 71);
    assert_eq!(floor_bits(terms::query(&j, 21, 16)), 57);
}

#[test]
fn johnson_parameters_are_consistent() {
    for rho in [0.5, 0.25, 0.125, 0.0625] {
        for m in [3, 10, 50] {
            let j = Johnson::from_m(rho, m);
            // The two conventions agree, and the list size is m / rho.
            assert_eq!(Johnson::from_eta(rho, j.eta).m, m);
            assert!((j.list_size() - m as f64 / rho).abs() < 1e-9);
            assert!((1.0 - j.gamma() - rho.sqrt() * (1.0 + 0.5 / m as f64)).abs() < 1e-12);
        }
    }
    // BCHKS25 is linear, BCIKS20 quadratic in the domain: doubling the domain costs one bit
    // against two.
    let j = Johnson::from_m(0.25, 8);
    let lf = lean_prover::security::log2_ext_field_size();
    let d = f64::from(1u32 << 20);
    let lin = bits(terms::bchks25_linear(&j, d, lf)) - bits(terms::bchks25_linear(&j, 2.0 * d, lf));
    let quad =
        bits(terms::bciks20_linear(&j, d, lf)) - bits(terms::bciks20_linear(&j, 2.0 * d, lf));
    assert!((lin - 1.0).abs() < 0.01, "{lin}");
    assert!((quad - 2.0).abs() < 1e-9, "{quad}");
}

#[test]
fn defaults_meet_the_targets() {
    let p = StarkParams::default();
    p.validate().unwrap();
    assert_eq!(p.log_inv_rate, 2);
    let s = p.security(&SHAPE);
    println!(
        "default: {} queries, {:.1} provable / {:.1} conjectured bits, m = {}",
        p.num_queries, s.provable_bits, s.conjectured_bits, s.johnson_m
    );
    assert!(s.provable_bits >= 100.0, "{s:?}");
    assert!(s.conjectured_bits >= 124.0, "{s:?}");
    assert_eq!(s.assumption, JohnsonBound::Bchks25);
    // The conjectured FRI term is the textbook queries * log_inv_rate + pow.
    assert_eq!(
        s.conjectured_term("FRI queries"),
        (p.num_queries * p.log_inv_rate + p.pow_bits) as f64
    );
    // The provable total is the sum of the terms' errors: below every single term.
    for t in &s.provable_terms {
        assert!(s.provable_bits <= t.bits, "{t:?}");
    }
    let sum: f64 = s.provable_terms.iter().map(|t| 2f64.powf(-t.bits)).sum();
    assert!((bits(sum) - s.provable_bits).abs() < 1e-6);
    assert_eq!(
        s.binding_provable().map(|t| t.name.as_str()),
        Some("FRI queries")
    );
    // The digest cap is 8 log2(p) / 2, about 123.9 bits, and reported apart.
    assert!(
        (s.digest_collision_bits - 123.95).abs() < 0.01,
        "{}",
        s.digest_collision_bits
    );
}

#[test]
fn derived_queries_are_minimal_at_every_rate() {
    for r in 1..=4 {
        let p = StarkParams::for_security(r, SecurityTarget::default(), &SHAPE).unwrap();
        let s = p.security(&SHAPE);
        assert!(
            s.provable_bits >= 100.0 && s.conjectured_bits >= 124.0,
            "rate {r}: {s:?}"
        );
        let fewer = StarkParams {
            num_queries: p.num_queries - 1,
            ..p
        };
        let s = fewer.security(&SHAPE);
        assert!(s.provable_bits < 100.0 || s.conjectured_bits < 124.0);
    }
}

#[test]
fn the_quadratic_bound_needs_more_queries_or_cannot_reach_the_target() {
    let old = SecurityTarget {
        assumption: JohnsonBound::Bciks20,
        ..SecurityTarget::default()
    };
    for r in 1..=2 {
        let new = StarkParams::for_security(r, SecurityTarget::default(), &SHAPE).unwrap();
        let old = StarkParams::for_security(r, old, &SHAPE).unwrap();
        assert!(
            old.num_queries > new.num_queries,
            "rate {r}: {old:?} vs {new:?}"
        );
        let s = new.security_with(&SHAPE, JohnsonBound::Bciks20);
        assert!(s.provable_bits < 100.0);
    }
    // At rate 1/16 the BCIKS20 commit-phase terms cap 2^16-row tables below 100 bits: a typed
    // error with the best figures, never a weaker parameter set.
    match StarkParams::for_security(4, old, &SHAPE) {
        Err(ParamsError::Unreachable {
            log_inv_rate,
            provable,
            target_provable,
            ..
        }) => {
            assert_eq!(log_inv_rate, 4);
            assert!(provable < target_provable);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn more_queries_and_grinding_never_hurt() {
    let base = StarkParams {
        log_inv_rate: 2,
        num_queries: 40,
        pow_bits: 0,
        bus_pow_bits: 0,
        log_folding_arity: 2,
        log_final_poly_len: 3,
    };
    let s0 = base.security(&SHAPE);
    let s1 = StarkParams {
        num_queries: 41,
        ..base
    }
    .security(&SHAPE);
    let s2 = StarkParams {
        pow_bits: 10,
        ..base
    }
    .security(&SHAPE);
    let s3 = StarkParams {
        bus_pow_bits: 7,
        ..base
    }
    .security(&SHAPE);
    assert!(s1.provable_bits > s0.provable_bits);
    assert!(s1.conjectured_bits >= s0.conjectured_bits);
    assert!(s2.provable_term("FRI queries") > s0.provable_term("FRI queries") + 9.9);
    assert_eq!(s0.conjectured_term("FRI queries"), 80.0);
    // Bus grinding lowers exactly the LogUp terms, by its bits.
    assert!((s3.conjectured_term("LogUp") - s0.conjectured_term("LogUp") - 7.0).abs() < 1e-9);
    assert_eq!(s3.conjectured_term("DEEP"), s0.conjectured_term("DEEP"));
    // Bigger statements lower the field-size-bound terms.
    let bigger = SecurityShape {
        log_max_height: 20,
        log_heights_mask: 1 << 20,
        ..SHAPE
    };
    assert!(
        base.security(&bigger).provable_term("FRI batching") < s0.provable_term("FRI batching")
    );
}

#[test]
fn the_policy_refuses_what_falls_short_and_names_itself() {
    let p = StarkParams::for_security(2, SecurityTarget::default(), &SHAPE).unwrap();
    let good = p.security(&SHAPE);
    assert!(SecurityPolicy::DEFAULT.check(&good).is_ok());
    let conjectured_only = StarkParams::for_security(
        2,
        SecurityTarget {
            provable_bits: 0.0,
            ..SecurityTarget::default()
        },
        &SHAPE,
    )
    .unwrap();
    let weak = conjectured_only.security(&SHAPE);
    assert!(weak.provable_bits < 100.0);
    let e = SecurityPolicy::DEFAULT.check(&weak).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("policy") && msg.contains("100"), "{msg}");
    let lowered = SecurityPolicy {
        min_provable_bits: weak.provable_bits.floor(),
        ..SecurityPolicy::DEFAULT
    };
    assert!(lowered.check(&weak).is_ok());
    // A report made under another bound does not satisfy a policy that names this one.
    let other = p.security_with(&SHAPE, JohnsonBound::Bciks20);
    assert!(SecurityPolicy::DEFAULT.check(&other).is_err());
}
