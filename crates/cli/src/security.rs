//! `multisig security`: the security of an aggregate's proof parameters, without proving.
//!
//! The provable figure of `rec_aggregation::statement::params_v2` at the rate on the statement
//! of N signatures, every statement and WHIR term with its theorem and the one that binds
//! (the formulas are in `lean_prover::v2::security` and `lean_prover::security::whir`).

use serde::Serialize;
use xmss::Config;

/// Arguments of `multisig security`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "JSON fields: config, signatures, log_inv_rate, security_level \
(provable), num_queries (WHIR's first round), pow_bits, log_max_height, \
provable_security_bits, conjectured_security_bits (no separate conjectured figure is \
computed: the provable one, which none is below), claimed_security_bits, stacked_variables, \
whir_queries, whir_fold_pow_bits, whir_query_pow_bits, digest_collision_bits, list_size, \
binding, terms (a list of {name, bits, source}). Exit status: 0 ok, 2 usage error or a size \
no proof can have (the message says why)."
)]
pub struct SecurityArgs {
    /// Scheme configuration: prod (lifetime 2^32) or test (lifetime 2^8).
    #[arg(long, default_value = "prod")]
    config: Config,
    /// Number of signatures of the aggregate.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..))]
    signatures: u32,
    /// `log2(1 / rate)` of the committed code, 1 to 4.
    #[arg(long, default_value_t = rec_aggregation::api::DEFAULT_LOG_INV_RATE)]
    log_inv_rate: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// The security fields every JSON report carries (`security`, `bench`), under the names the
/// reports of the removed FRI proof system used, so that scripts keep reading them.
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

/// What `multisig security --json` prints.
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

/// Runs `multisig security`: the report of the statement of `N` signatures (its shape
/// depends on N only).
///
/// # Errors
/// A message for a rate outside the range or more signatures than one proof can hold.
pub fn run(args: &SecurityArgs) -> Result<(), String> {
    let n = args.signatures as usize;
    if !rec_aggregation::api::LOG_INV_RATE_RANGE.contains(&args.log_inv_rate) {
        return Err(format!(
            "log_inv_rate {} is outside 1..=4",
            args.log_inv_rate
        ));
    }
    let max = rec_aggregation::max_signatures(args.config, args.log_inv_rate);
    if n > max {
        return Err(format!(
            "{n} signatures exceed the maximum of {max} for log_inv_rate {}",
            args.log_inv_rate
        ));
    }
    let r =
        rec_aggregation::security(args.config, n, args.log_inv_rate).map_err(|e| e.to_string())?;
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
        "{} aggregate of {} signatures: rate 1/{}, stacked polynomial of 2^{} values, WHIR queries {:?}, grinding bits per fold {:?} and {} before each round's queries",
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
