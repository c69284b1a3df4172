//! The calculator's shared terms (`lean_prover::security::terms`, the ones WHIR's rounds and
//! v2's LogUp term are built from) reproduce figures published by someone else: the Ethereum
//! Foundation's soundcalc report for Pico's KoalaBear circuits (its proximity-gap, query and
//! lookup terms); and the Johnson-regime parameters are consistent.

use lean_prover::security::terms::{self, Johnson, bits};

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
/// 22 binary folds; lookup `alu` with 58,720,256 + 33,554,432 rows and 14 columns. Published:
/// batching 69, commit rounds 81 (round 1) to 102 (round 22), query phase 53, alu 93. (The
/// same row's ALI and DEEP terms belong to the FRI analysis, which left with the FRI proof
/// system.) A batch of `k` words with powers of one challenge costs `k - 1` line errors.
#[test]
fn reproduces_soundcalc_pico_riscv_johnson_row() {
    let rho = 0.5;
    let j = soundcalc_johnson(rho);
    assert_eq!(j.m, 15);
    let log_f = log_kb4();
    let trace = f64::from(1u32 << 22);
    let domain = trace / rho;
    let line = |d: f64| terms::bchks25_linear(&j, d, log_f);
    assert_eq!(floor_bits(1434.0 * line(domain)), 69);
    let published_rounds = [
        81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102,
    ];
    for (i, &want) in published_rounds.iter().enumerate() {
        let folded_domain = domain / f64::from(2u32 << i);
        assert_eq!(
            floor_bits(line(folded_domain)),
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
/// grinding bits. Published JBR: batching 61, commit round 1: 71, query phase 57.
#[test]
fn reproduces_soundcalc_pico_compress_johnson_row() {
    let rho = 1.0 / 16.0;
    let j = soundcalc_johnson(rho);
    assert_eq!(j.m, 40);
    let log_f = log_kb4();
    let trace = f64::from(1u32 << 17);
    let domain = trace / rho;
    let line = |d: f64| terms::bchks25_linear(&j, d, log_f);
    assert_eq!(floor_bits(484.0 * line(domain)), 61);
    assert_eq!(floor_bits(line(domain / 2.0)), 71);
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
    // BCHKS25 is linear in the domain: doubling the domain costs one bit.
    let j = Johnson::from_m(0.25, 8);
    let lf = lean_prover::security::log2_ext_field_size();
    let d = f64::from(1u32 << 20);
    let lin = bits(terms::bchks25_linear(&j, d, lf)) - bits(terms::bchks25_linear(&j, 2.0 * d, lf));
    assert!((lin - 1.0).abs() < 0.01, "{lin}");
}
