//! `multisig bench`: one timed aggregation, for benchmark runners and scripts.
//!
//! Generates N valid signatures on one message and slot with the deterministic benchmark
//! fixtures (`xmss::fixtures`), aggregates them (timed: native batch check, statement,
//! witness, proof, as `aggregate` does), verifies the proof (timed) and prints the
//! measurements as a table, or with `--json` as one JSON object whose field names are stable.
//!
//! JSON fields: `proof_system` (always `v2`), `isa`, `config`, `signatures`,
//!   `log_inv_rate`, `slot`, `whir_schedule`, `warmup`, `threads`, `fixture_ms`, `prove_ms`,
//!   `verify_ms`, `proof_bytes` (the v2 proof; an aggregate file adds a 49-byte header),
//!   `whir_bytes`, `gkr_bytes`, `zerocheck_bytes`, `signatures_per_second`, `peak_rss_bytes`,
//!   `whir_security_bits`, `security_level`, `num_queries` (WHIR's first round), `pow_bits`,
//!   `log_max_height`, `provable_security_bits`, `conjectured_security_bits` (the provable
//!   figure: v2 computes no separate conjectured one), `claimed_security_bits`,
//! `binding_term`. `--warmup K` runs K untimed aggregations first; `MULTISIG_TRACE=1` prints
//! the prover's steps.
//!
//! `--proof-out PATH` also writes the proof bytes (binary), so that scripts can check that two
//! builds (profiles, instruction sets, thread counts) produce the same proof.

use crate::inputs::{human_bytes, select_isa};
use backend::Isa;
use backend::memory::peak_resident_bytes;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use xmss::{Config, fixtures};

/// Arguments of `multisig bench`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "The instruction set is MULTISIG_ISA (auto, scalar, avx2, avx512) unless \
--isa is given; the thread count is rayon's (RAYON_NUM_THREADS, default one per CPU). The \
security figures are those of the parameters at this rate on the statement of N \
signatures in this configuration. Exit status: 0 ok, 1 the fresh proof did \
not verify (a bug), 2 usage or environment error."
)]
pub struct BenchArgs {
    /// Scheme configuration: prod (lifetime 2^32) or test (lifetime 2^8).
    #[arg(long, default_value = "prod")]
    pub(crate) config: Config,
    /// Number of signatures to aggregate.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) signatures: u32,
    /// `log2(1 / rate)` of the proof's committed code, 1 to 4.
    #[arg(long, default_value_t = rec_aggregation::api::DEFAULT_LOG_INV_RATE)]
    pub(crate) log_inv_rate: usize,
    /// Slot (epoch) the signatures are for.
    #[arg(long, default_value_t = 7)]
    slot: u32,
    /// Instruction set to use instead of MULTISIG_ISA: auto, scalar, avx2 or avx512.
    #[arg(long)]
    pub(crate) isa: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write the proof bytes (binary) to this file, e.g. to compare builds.
    #[arg(long)]
    proof_out: Option<PathBuf>,
    /// The WHIR schedule (`standard`: the aggregate's default, see
    /// `rec_aggregation::statement::params_v2`).
    #[arg(long, value_enum, default_value_t = ScheduleArg::Standard)]
    whir_schedule: ScheduleArg,
    /// Untimed aggregations of the same signatures before the timed one, so that the
    /// timed run finds the allocator's memory already mapped (as a long-running prover does;
    /// upstream's `lean-multisig xmss` warms up with one run the same way).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10))]
    warmup: u32,
    /// Time the recursive proof that K aggregates of N signatures each (distinct messages
    /// and slots) verify, instead of one aggregation (see `crate::merge_bench`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=16), conflicts_with = "children")]
    merge: Option<u32>,
    /// With --merge: also build the Type-2 proof (untimed) and time splitting its last
    /// component back out and verifying the split with that component's keys alone.
    #[arg(long, requires = "merge")]
    pub(crate) split: bool,
    /// Time one Type-1 aggregate of N raw signatures with K child aggregates of N signatures
    /// each (one message and slot) folded in, instead of one aggregation (see
    /// `crate::children_bench`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=16))]
    children: Option<u32>,
}

/// `--whir-schedule`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ScheduleArg {
    /// The default: folding 7 then 4, the first round shrinking the domain by 2^5.
    Standard,
    /// Upstream's: folding 7 then 5, the first round shrinking the domain by 2^5.
    Upstream,
    /// Folding 6 then 4, the first round shrinking the domain by 2^4 (smaller proofs).
    Compact,
}

impl ScheduleArg {
    fn params(self, log_inv_rate: usize) -> lean_prover::v2::ParamsV2 {
        match self {
            ScheduleArg::Standard => rec_aggregation::statement::params_v2(log_inv_rate),
            ScheduleArg::Upstream => lean_prover::v2::ParamsV2::upstream(log_inv_rate),
            ScheduleArg::Compact => lean_prover::v2::ParamsV2::compact(log_inv_rate),
        }
    }

    /// The schedule's name as the command line spells it.
    fn name(self) -> &'static str {
        match self {
            ScheduleArg::Standard => "standard",
            ScheduleArg::Upstream => "upstream",
            ScheduleArg::Compact => "compact",
        }
    }
}

/// What `multisig bench --json` prints. Scripts read these names; keep them stable.
#[derive(Serialize, Debug)]
struct BenchReportV2 {
    proof_system: &'static str,
    isa: String,
    config: &'static str,
    signatures: usize,
    log_inv_rate: usize,
    slot: u32,
    whir_schedule: &'static str,
    warmup: u32,
    threads: usize,
    fixture_ms: f64,
    prove_ms: f64,
    verify_ms: f64,
    proof_bytes: usize,
    whir_bytes: usize,
    gkr_bytes: usize,
    zerocheck_bytes: usize,
    signatures_per_second: f64,
    peak_rss_bytes: Option<u64>,
    whir_security_bits: f64,
    /// The security of this statement's parameters.
    #[serde(flatten)]
    security: crate::security::SummaryV2,
    /// The weakest term's name.
    binding_term: String,
}

/// `multisig bench`: native batch check, statement, witness and proof (timed together, as
/// `aggregate` is), then the verification.
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
    let params = args.whir_schedule.params(args.log_inv_rate);
    for _ in 0..args.warmup {
        prove_v2_once(isa, config, &message, args.slot, &keys, &sigs, &params)?;
    }
    let t = Instant::now();
    let (st, proof) = prove_v2_once(isa, config, &message, args.slot, &keys, &sigs, &params)?;
    let prove_s = t.elapsed().as_secs_f64();
    let security = st.security_v2(&params).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let verified = st.verify_v2(isa, &params, &lean_prover::v2::PolicyV2::DEFAULT, &proof);
    let verify_ms = t.elapsed().as_secs_f64() * 1e3;
    if let Err(e) = verified {
        eprintln!("multisig bench: the fresh v2 proof did not verify: {e}");
        return Ok(ExitCode::from(1));
    }
    let bytes = proof.to_bytes();
    if let Some(path) = &args.proof_out {
        std::fs::write(path, &bytes)
            .map_err(|e| format!("cannot write the proof to {}: {e}", path.display()))?;
    }
    let report = BenchReportV2 {
        proof_system: "v2",
        isa: isa.to_string(),
        config: config.name(),
        signatures: n,
        log_inv_rate: args.log_inv_rate,
        slot: args.slot,
        whir_schedule: args.whir_schedule.name(),
        warmup: args.warmup,
        threads: rayon::current_num_threads(),
        fixture_ms,
        prove_ms: prove_s * 1e3,
        verify_ms,
        proof_bytes: bytes.len(),
        whir_bytes: proof.whir.byte_size(),
        gkr_bytes: proof.gkr.byte_size(),
        zerocheck_bytes: 20 * proof.zerocheck.num_elements(),
        signatures_per_second: n as f64 / prove_s.max(f64::MIN_POSITIVE),
        peak_rss_bytes: peak_resident_bytes(),
        whir_security_bits: params.security_bits,
        security: crate::security::SummaryV2::of(&security, config, n),
        binding_term: security
            .binding()
            .map_or_else(String::new, |t| t.name.clone()),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rows = [
        ("proof system", report.proof_system.to_string()),
        ("isa", report.isa.clone()),
        ("threads", report.threads.to_string()),
        ("configuration", report.config.to_string()),
        ("signatures", n.to_string()),
        ("log_inv_rate", report.log_inv_rate.to_string()),
        ("whir schedule", report.whir_schedule.to_string()),
        ("fixtures", format!("{:.1} ms", report.fixture_ms)),
        (
            "prove",
            format!(
                "{:.1} ms (after {} warm-up runs)",
                report.prove_ms, report.warmup
            ),
        ),
        ("verify", format!("{:.1} ms", report.verify_ms)),
        (
            "throughput",
            format!("{:.1} signatures/s", report.signatures_per_second),
        ),
        (
            "proof size",
            format!(
                "{} bytes (WHIR {}, GKR {}, AIR sumcheck {})",
                report.proof_bytes, report.whir_bytes, report.gkr_bytes, report.zerocheck_bytes
            ),
        ),
        (
            "peak memory",
            report.peak_rss_bytes.map_or("n/a".to_string(), human_bytes),
        ),
        (
            "security",
            format!(
                "{:.2} bits provable (binding term: {}), {:.2} claimed (the digests' collision bound caps it)",
                report.security.provable_security_bits,
                report.binding_term,
                report.security.claimed_security_bits
            ),
        ),
    ];
    for (k, v) in rows {
        println!("{k:<14} {v}");
    }
    Ok(ExitCode::SUCCESS)
}

/// One aggregation as `aggregate` does it: native batch check, statement, witness, v2 proof.
/// `MULTISIG_TRACE` prints the time of the first two parts.
pub(crate) fn prove_v2_once(
    isa: Isa,
    config: Config,
    message: &[u8; 32],
    slot: u32,
    keys: &[xmss::PublicKey],
    sigs: &[xmss::Signature],
    params: &lean_prover::v2::ParamsV2,
) -> Result<
    (
        rec_aggregation::statement::Statement,
        lean_prover::v2::ProofV2,
    ),
    String,
> {
    use rec_aggregation::statement::{Statement, Witness};
    let t = Instant::now();
    let items: Vec<_> = keys.iter().zip(sigs).collect();
    if let Some(e) = xmss::verify_batch(isa, config, message, slot, &items)
        .into_iter()
        .find_map(Result::err)
    {
        return Err(format!("a fixture signature is invalid: {e}"));
    }
    let checked = t.elapsed();
    let st = Statement::new(config, message, slot, keys);
    let witness = Witness::generate(&st, isa, sigs);
    if std::env::var_os("MULTISIG_TRACE").is_some() {
        eprintln!(
            "[multisig bench] native check {:.1} ms, statement and witness {:.1} ms",
            checked.as_secs_f64() * 1e3,
            (t.elapsed() - checked).as_secs_f64() * 1e3
        );
    }
    let proof = witness
        .prove_v2(&st, params, isa)
        .map_err(|e| e.to_string())?;
    Ok((st, proof))
}

/// Runs `multisig bench`.
pub fn run(args: &BenchArgs) -> ExitCode {
    let result = match (args.merge, args.children) {
        (Some(k), _) => crate::merge_bench::bench_merge(args, k as usize),
        (None, Some(k)) => crate::children_bench::bench_children(args, k as usize),
        (None, None) => bench(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("multisig bench: error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallest_table() {
        // prod: 122 width-16 permutations per signature, the tallest table.
        assert_eq!(crate::security::log_max_height(Config::Prod, 64), 13);
        assert!(crate::security::log_max_height(Config::Test, 2) >= 6);
    }
}
