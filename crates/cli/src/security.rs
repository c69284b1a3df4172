//! `multisig security`: the security of an aggregate's proof parameters, without proving.
//!
//! By default for proof system v2 (what aggregates are made with): the provable figure of
//! `rec_aggregation::statement::params_v2` on the statement of N signatures, every statement
//! and WHIR term with its theorem and the one that binds. With `--proof-system fri`: for a
//! configuration, N, a rate and a level, the FRI parameters the prover would choose
//! ([`rec_aggregation::security`]) on the statement's own table shape, the conjectured and
//! provable (Johnson-bound) figures term by term; `--queries` / `--pow-bits` evaluate other
//! parameters on the same shape instead. The formulas are in the `lean_prover` crate
//! documentation ("Security").

use crate::inputs::{ProofSystemArg, SecurityArg};
use lean_prover::{JohnsonBound, SecurityReport, StarkParams};
use serde::Serialize;
use xmss::Config;

/// Which Johnson-regime bound to compute the provable figure with.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AssumptionArg {
    /// BCHKS25 (ePrint 2025/2055), linear in the domain size (the default).
    Bchks25,
    /// BCIKS20 (ePrint 2020/654), quadratic in the domain size.
    Bciks20,
}

impl AssumptionArg {
    fn bound(self) -> JohnsonBound {
        match self {
            AssumptionArg::Bchks25 => JohnsonBound::Bchks25,
            AssumptionArg::Bciks20 => JohnsonBound::Bciks20,
        }
    }
}

/// Arguments of `multisig security`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "JSON fields, v2: config, signatures, log_inv_rate, security_level \
(provable), num_queries (WHIR's first round), pow_bits, log_max_height, \
provable_security_bits, conjectured_security_bits (v2 computes no separate conjectured \
figure: the provable one, which none is below), claimed_security_bits, stacked_variables, \
whir_queries, whir_fold_pow_bits, whir_query_pow_bits, digest_collision_bits, list_size, \
binding, terms (a list of {name, bits, source}). With --proof-system fri: config, signatures, log_inv_rate, security_level, \
assumption, num_queries, pow_bits, folding_arity, log_max_height, provable_security_bits, \
conjectured_security_bits, digest_collision_bits, johnson_m, list_size, binding_provable, \
binding_conjectured, provable_terms and conjectured_terms (lists of {name, bits, source}). \
Exit status: 0 ok, 2 usage error or a level that cannot be reached (the message names N, the \
rate and the best figures reachable)."
)]
pub struct SecurityArgs {
    /// Scheme configuration: prod (lifetime 2^32) or test (lifetime 2^8).
    #[arg(long, default_value = "prod")]
    config: Config,
    /// Number of signatures of the aggregate.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..))]
    signatures: u32,
    /// `log2(1 / rate)` of the low-degree extension, 1 to 4.
    #[arg(long, default_value_t = rec_aggregation::api::DEFAULT_LOG_INV_RATE)]
    log_inv_rate: usize,
    /// The level the prover derives the number of queries for.
    #[arg(long, value_enum, default_value_t = SecurityArg::Provable)]
    security: SecurityArg,
    /// Evaluate this number of FRI queries instead of the derived one.
    #[arg(long)]
    queries: Option<usize>,
    /// Evaluate this many grinding bits instead of the derived ones.
    #[arg(long)]
    pow_bits: Option<usize>,
    /// The bound the provable figure is computed with.
    #[arg(long, value_enum, default_value_t = AssumptionArg::Bchks25)]
    assumption: AssumptionArg,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Proof system: v2 (the default: its parameters, the WHIR schedule of
    /// `rec_aggregation::statement::params_v2` at this rate, every statement and WHIR term;
    /// `--queries`, `--pow-bits`, `--security` and `--assumption` do not apply) or fri.
    #[arg(long, value_enum, default_value_t = ProofSystemArg::V2)]
    proof_system: ProofSystemArg,
    /// The same as `--proof-system v2` (kept for scripts written before v2 was the default).
    #[arg(long, hide = true, conflicts_with = "proof_system")]
    v2: bool,
}

/// The security fields every v2 JSON report carries (`security`, `bench`), under the names
/// the FRI reports use, so that scripts read either the same way.
#[derive(Serialize, Debug)]
pub(crate) struct SummaryV2 {
    /// Always `provable`: v2's parameters are fixed by the rate and give the provable figure.
    pub(crate) security_level: &'static str,
    /// Queries of WHIR's first round (the largest; `whir_queries` of `security` has every
    /// round's).
    pub(crate) num_queries: usize,
    /// Grinding bits before each round's queries.
    pub(crate) pow_bits: usize,
    /// `log2` of the tallest table.
    pub(crate) log_max_height: usize,
    /// The provable figure (Johnson regime, BCHKS25 linear bound): the weakest term.
    pub(crate) provable_security_bits: f64,
    /// v2's calculator computes no separate conjectured figure; this repeats the provable
    /// one, which no conjectured figure is below (the verifier's policy reads it the same
    /// way).
    pub(crate) conjectured_security_bits: f64,
    /// The figure claimed: the provable one capped by the digests' collision resistance.
    pub(crate) claimed_security_bits: f64,
}

impl SummaryV2 {
    /// The summary of `r`, the report for `n` signatures in `config`.
    pub(crate) fn of(r: &lean_prover::v2::SecurityReportV2, config: Config, n: usize) -> Self {
        SummaryV2 {
            security_level: "provable",
            num_queries: r.whir.queries().first().copied().unwrap_or(0),
            pow_bits: r.whir.config.pow_bits,
            log_max_height: log_max_height(config, n),
            provable_security_bits: r.provable_bits,
            conjectured_security_bits: r.provable_bits,
            claimed_security_bits: r.claimed_bits(),
        }
    }
}

/// `log2` of the tallest table of an `n`-signature statement in `config`.
pub(crate) fn log_max_height(config: Config, n: usize) -> usize {
    rec_aggregation::statement::Dims::of(config)
        .log_heights(n)
        .into_iter()
        .max()
        .unwrap_or(0)
}

/// What `multisig security --json` prints (proof system v2, the default).
#[derive(Serialize, Debug)]
struct ReportV2 {
    config: String,
    signatures: u32,
    log_inv_rate: usize,
    #[serde(flatten)]
    summary: SummaryV2,
    stacked_variables: usize,
    whir_queries: Vec<usize>,
    whir_fold_pow_bits: Vec<usize>,
    whir_query_pow_bits: usize,
    digest_collision_bits: f64,
    list_size: f64,
    binding: String,
    terms: Vec<TermOut>,
}

/// `multisig security` for v2: the v2 report of the statement of `N` signatures (its shape
/// depends on N only).
fn run_v2(args: &SecurityArgs) -> Result<(), String> {
    let n = args.signatures as usize;
    let r = rec_aggregation::api::security_v2(args.config, n, args.log_inv_rate)
        .map_err(|e| e.to_string())?;
    let report = ReportV2 {
        config: args.config.to_string(),
        signatures: args.signatures,
        log_inv_rate: args.log_inv_rate,
        summary: SummaryV2::of(&r, args.config, n),
        stacked_variables: r.whir.config.num_variables,
        whir_queries: r.whir.queries(),
        whir_fold_pow_bits: r.whir.rounds.iter().map(|x| x.fold_pow_bits).collect(),
        whir_query_pow_bits: r.whir.config.pow_bits,
        digest_collision_bits: r.digest_collision_bits,
        list_size: r.list_size,
        binding: binding(r.binding()),
        terms: terms(&r.terms),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!(
        "{} aggregate of {} signatures, proof system v2: rate 1/{}, stacked polynomial of 2^{} values, WHIR queries {:?}, grinding bits per fold {:?} and {} before each round's queries",
        report.config,
        report.signatures,
        1 << report.log_inv_rate,
        report.stacked_variables,
        report.whir_queries,
        report.whir_fold_pow_bits,
        report.whir_query_pow_bits
    );
    println!(
        "provable security: {:.2} bits (round by round, the weakest term; Johnson regime, BCHKS25, list size {:.1}; binding: {})",
        report.summary.provable_security_bits, report.list_size, report.binding
    );
    for t in &report.terms {
        println!("  {:<30} {:>7.1} bits   {}", t.name, t.bits, t.source);
    }
    println!(
        "claimed: {:.2} bits (capped by the 8-element digests' {:.2} bits of collision resistance)",
        report.summary.claimed_security_bits, report.digest_collision_bits
    );
    Ok(())
}

/// One term as printed.
#[derive(Serialize, Debug)]
struct TermOut {
    name: String,
    bits: f64,
    source: &'static str,
}

/// What `multisig security --json` prints.
#[derive(Serialize, Debug)]
struct Report {
    config: String,
    signatures: u32,
    log_inv_rate: usize,
    security_level: &'static str,
    assumption: &'static str,
    num_queries: usize,
    pow_bits: usize,
    folding_arity: usize,
    log_max_height: usize,
    provable_security_bits: f64,
    conjectured_security_bits: f64,
    digest_collision_bits: f64,
    johnson_m: usize,
    list_size: f64,
    binding_provable: String,
    binding_conjectured: String,
    provable_terms: Vec<TermOut>,
    conjectured_terms: Vec<TermOut>,
}

fn terms(t: &[lean_prover::security::Term]) -> Vec<TermOut> {
    t.iter()
        .map(|t| TermOut {
            name: t.name.clone(),
            bits: t.bits,
            source: t.source,
        })
        .collect()
}

fn binding(t: Option<&lean_prover::security::Term>) -> String {
    t.map_or_else(String::new, |t| t.name.clone())
}

/// Runs `multisig security`.
///
/// # Errors
/// A message for invalid parameters or an unreachable level.
pub fn run(args: &SecurityArgs) -> Result<(), String> {
    let n = args.signatures as usize;
    if !lean_prover::params::LOG_INV_RATE_RANGE.contains(&args.log_inv_rate) {
        return Err(format!(
            "log_inv_rate {} is outside 1..=4",
            args.log_inv_rate
        ));
    }
    if args.v2 || args.proof_system == ProofSystemArg::V2 {
        let fri_only = args.queries.is_some()
            || args.pow_bits.is_some()
            || args.security != SecurityArg::Provable
            || args.assumption != AssumptionArg::Bchks25;
        if fri_only {
            return Err(
                "--queries, --pow-bits, --security and --assumption apply to --proof-system fri only"
                    .into(),
            );
        }
        return run_v2(args);
    }
    let max = rec_aggregation::api::max_signatures_of(
        rec_aggregation::ProofSystem::Fri,
        args.config,
        args.log_inv_rate,
    );
    if n > max {
        return Err(format!(
            "{n} signatures exceed the maximum of {max} for log_inv_rate {}",
            args.log_inv_rate
        ));
    }
    let level = args.security.level();
    let shape = rec_aggregation::api::security_shape(args.config, n);
    let params = match rec_aggregation::security(args.config, n, args.log_inv_rate, level) {
        Ok((p, _)) => p,
        Err(e) if args.queries.is_none() => return Err(e.to_string()),
        Err(_) => StarkParams {
            log_inv_rate: args.log_inv_rate,
            pow_bits: rec_aggregation::POW_BITS,
            bus_pow_bits: rec_aggregation::BUS_POW_BITS,
            ..StarkParams::default()
        },
    };
    let params = StarkParams {
        num_queries: args.queries.unwrap_or(params.num_queries),
        pow_bits: args.pow_bits.unwrap_or(params.pow_bits),
        ..params
    };
    params.validate().map_err(|e| e.to_string())?;
    let r: SecurityReport = params.security_with(&shape, args.assumption.bound());
    let report = Report {
        config: args.config.to_string(),
        signatures: args.signatures,
        log_inv_rate: params.log_inv_rate,
        security_level: if args.queries.is_some() || args.pow_bits.is_some() {
            "explicit"
        } else {
            level.name()
        },
        assumption: r.assumption.name(),
        num_queries: params.num_queries,
        pow_bits: params.pow_bits,
        folding_arity: 1 << params.log_folding_arity,
        log_max_height: shape.log_max_height,
        provable_security_bits: r.provable_bits,
        conjectured_security_bits: r.conjectured_bits,
        digest_collision_bits: r.digest_collision_bits,
        johnson_m: r.johnson_m,
        list_size: r.list_size,
        binding_provable: binding(r.binding_provable()),
        binding_conjectured: binding(r.binding_conjectured()),
        provable_terms: terms(&r.provable_terms),
        conjectured_terms: terms(&r.conjectured_terms),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    print_text(&report);
    Ok(())
}

fn print_text(r: &Report) {
    println!(
        "{} aggregate of {} signatures, level {}: rate 1/{}, {} queries, {} grinding bits, FRI arity {}, tables up to 2^{} rows",
        r.config,
        r.signatures,
        r.security_level,
        1 << r.log_inv_rate,
        r.num_queries,
        r.pow_bits,
        r.folding_arity,
        r.log_max_height
    );
    println!(
        "provable security:    {:.1} bits (Johnson regime, {} bound, m = {}, list size {:.1}; the sum of every term's error; binding: {})",
        r.provable_security_bits, r.assumption, r.johnson_m, r.list_size, r.binding_provable
    );
    for t in &r.provable_terms {
        println!("  {:<26} {:>7.1} bits   {}", t.name, t.bits, t.source);
    }
    println!(
        "conjectured security: {:.1} bits (the weakest term; binding: {})",
        r.conjectured_security_bits, r.binding_conjectured
    );
    for t in &r.conjectured_terms {
        println!("  {:<26} {:>7.1} bits   {}", t.name, t.bits, t.source);
    }
    println!(
        "cap: the 8-element Poseidon2 digests give {:.2} bits of collision resistance, so the argument as a whole gives at most min(figure, {:.2}) bits",
        r.digest_collision_bits, r.digest_collision_bits
    );
}
