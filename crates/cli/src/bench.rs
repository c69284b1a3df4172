//! `multisig bench`: one timed aggregation, for benchmark runners and scripts.
//!
//! Generates N valid signatures on one message and slot with the deterministic benchmark
//! fixtures (`xmss::fixtures`), aggregates them (timed), verifies the proof (timed) and prints
//! the measurements as a table, or with `--json` as one JSON object whose field names are
//! stable: `isa`, `config`, `signatures`, `log_inv_rate`, `threads`, `fixture_ms`, `prove_ms`,
//! `verify_ms`, `proof_bytes`, `signatures_per_second`, `peak_rss_bytes`,
//! `conjectured_security_bits`, `provable_security_bits` (and `security_log_height`,
//! `security_num_queries`).
//!
//! The security levels are what `multisig security --log-inv-rate R --log-height H` reports,
//! with `H = ceil(log2((7 V - T) N))`: the rows of the width-16 Poseidon1 table (`7 V - T`
//! chain-step permutations per signature: 122 in prod, 22 in test), the tallest table of the
//! design in `crates/rec_aggregation/docs/air.md`. They are an estimate from that design, not
//! read back from the prover; where the default targets are unreachable (rate 1/16) they are
//! `null`.

use crate::inputs::{human_bytes, peak_rss_bytes, select_isa};
use crate::security;
use backend::Isa;
use rec_aggregation::AggregateOptions;
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;
use xmss::{Config, fixtures};

/// Arguments of `multisig bench`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "The instruction set is MULTISIG_ISA (auto, scalar, avx2, avx512) unless \
--isa is given; the thread count is rayon's (RAYON_NUM_THREADS, default one per CPU). The \
security levels are those `multisig security` prints for the rate and for tables of \
ceil(log2((7V - T) N)) rows (122 N in prod), the tallest table of the aggregation design; \
null when the default targets are unreachable at that rate. Exit status: 0 ok, 1 the fresh \
proof did not verify (a bug), 2 usage or environment error."
)]
pub struct BenchArgs {
    /// Scheme configuration: prod (lifetime 2^32) or test (lifetime 2^8).
    #[arg(long, default_value = "prod")]
    config: Config,
    /// Number of signatures to aggregate.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    signatures: u32,
    /// `log2(1 / rate)` of the proof's low-degree extension, 1 to 4.
    #[arg(long, default_value_t = rec_aggregation::api::DEFAULT_LOG_INV_RATE)]
    log_inv_rate: usize,
    /// Slot (epoch) the signatures are for.
    #[arg(long, default_value_t = 7)]
    slot: u32,
    /// Instruction set to use instead of MULTISIG_ISA: auto, scalar, avx2 or avx512.
    #[arg(long)]
    isa: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// What `multisig bench --json` prints. Scripts read these names; keep them stable.
#[derive(Serialize, Debug)]
struct BenchReport {
    isa: String,
    config: &'static str,
    signatures: usize,
    log_inv_rate: usize,
    slot: u32,
    threads: usize,
    fixture_ms: f64,
    prove_ms: f64,
    verify_ms: f64,
    proof_bytes: usize,
    signatures_per_second: f64,
    peak_rss_bytes: Option<u64>,
    conjectured_security_bits: Option<f64>,
    provable_security_bits: Option<f64>,
    security_log_height: usize,
    security_num_queries: Option<usize>,
}

/// `ceil(log2(rows))` of the tallest table of an `n`-signature aggregate in `config` (the
/// width-16 Poseidon1 table: `7 V - T` chain-step permutations per signature).
pub fn estimated_log_height(config: Config, n: usize) -> usize {
    let per_signature = 7 * config.num_chains() - config.target_sum();
    let rows = per_signature.saturating_mul(n).max(1);
    rows.next_power_of_two().trailing_zeros() as usize
}

/// Conjectured and provable bits and the number of queries `multisig security` derives for
/// `log_inv_rate` at `log_height`; `None` if the default targets are unreachable.
pub fn security_estimate(log_inv_rate: usize, log_height: usize) -> Option<(f64, f64, usize)> {
    let (params, shape) =
        security::derive(log_inv_rate, log_height, None, security::DEFAULT_POW_BITS).ok()?;
    let r = params.security(&shape);
    Some((r.conjectured_bits, r.provable_bits, params.num_queries))
}

/// Runs `multisig bench`.
pub fn run(args: &BenchArgs) -> ExitCode {
    match bench(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("multisig bench: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn bench(args: &BenchArgs) -> Result<ExitCode, String> {
    let isa: Isa = select_isa(args.isa.as_deref()).map_err(|e| e.to_string())?;
    let n = args.signatures as usize;
    let config = args.config;
    let message = *b"multisig bench: one message/slot";

    let t = Instant::now();
    let pairs =
        fixtures::generate(isa, config, 2026, n, &message, args.slot).map_err(|e| e.to_string())?;
    let fixture_ms = t.elapsed().as_secs_f64() * 1e3;
    let (keys, sigs): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();

    let options = AggregateOptions {
        config,
        log_inv_rate: args.log_inv_rate,
        isa,
    };
    let t = Instant::now();
    let proof = rec_aggregation::aggregate(&keys, &sigs, &message, args.slot, &options)
        .map_err(|e| e.to_string())?;
    let prove_s = t.elapsed().as_secs_f64();
    let bytes = proof.to_bytes();

    let t = Instant::now();
    let verified = rec_aggregation::verify(config, &keys, &message, args.slot, &bytes);
    let verify_ms = t.elapsed().as_secs_f64() * 1e3;
    if let Err(e) = verified {
        eprintln!("multisig bench: the fresh proof did not verify: {e}");
        return Ok(ExitCode::from(1));
    }

    let log_height = estimated_log_height(config, n);
    let security = security_estimate(args.log_inv_rate, log_height);
    let report = BenchReport {
        isa: isa.to_string(),
        config: config.name(),
        signatures: n,
        log_inv_rate: args.log_inv_rate,
        slot: args.slot,
        threads: rayon::current_num_threads(),
        fixture_ms,
        prove_ms: prove_s * 1e3,
        verify_ms,
        proof_bytes: bytes.len(),
        signatures_per_second: n as f64 / prove_s.max(f64::MIN_POSITIVE),
        peak_rss_bytes: peak_rss_bytes(),
        conjectured_security_bits: security.map(|s| s.0),
        provable_security_bits: security.map(|s| s.1),
        security_log_height: log_height,
        security_num_queries: security.map(|s| s.2),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let bits = |b: Option<f64>| b.map_or("n/a".to_string(), |b| format!("{b:.1} bits"));
    let rows = [
        ("isa", report.isa.clone()),
        ("threads", report.threads.to_string()),
        ("configuration", report.config.to_string()),
        ("signatures", n.to_string()),
        ("log_inv_rate", report.log_inv_rate.to_string()),
        ("fixtures", format!("{:.1} ms", report.fixture_ms)),
        ("prove", format!("{:.1} ms", report.prove_ms)),
        ("verify", format!("{:.1} ms", report.verify_ms)),
        (
            "throughput",
            format!("{:.1} signatures/s", report.signatures_per_second),
        ),
        ("proof size", format!("{} bytes", report.proof_bytes)),
        (
            "peak memory",
            report.peak_rss_bytes.map_or("n/a".to_string(), human_bytes),
        ),
        (
            "security",
            format!(
                "{} conjectured, {} provable (tables up to 2^{} rows)",
                bits(report.conjectured_security_bits),
                bits(report.provable_security_bits),
                log_height
            ),
        ),
    ];
    for (k, v) in rows {
        println!("{k:<14} {v}");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_height_of_the_tallest_table() {
        // prod: 7 * 46 - 200 = 122 rows per signature.
        assert_eq!(estimated_log_height(Config::Prod, 1), 7);
        assert_eq!(estimated_log_height(Config::Prod, 16), 11);
        assert_eq!(estimated_log_height(Config::Prod, 64), 13);
        // test: 7 * 4 - 6 = 22 rows per signature.
        assert_eq!(estimated_log_height(Config::Test, 2), 6);
    }

    #[test]
    fn security_estimate_matches_the_security_command() {
        let (conj, prov, q) = security_estimate(2, 16).unwrap();
        let (params, shape) = security::derive(2, 16, None, 16).unwrap();
        let r = params.security(&shape);
        assert_eq!(
            (conj, prov, q),
            (r.conjectured_bits, r.provable_bits, params.num_queries)
        );
        assert!(conj >= 124.0 && prov >= 100.0);
        // Rate 1/16 cannot reach the default targets (as `multisig security` reports).
        assert!(security_estimate(4, 16).is_none());
    }
}
