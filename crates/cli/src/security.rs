//! `multisig security`: the proof system's parameters and the security they give.
//!
//! Derives the number of FRI queries for a rate and a target (the prover's defaults: 124
//! conjectured and 100 provable bits, 16 bits of grinding) on the design shape of a
//! 16-signature aggregate, or evaluates explicitly given parameters, and prints both the
//! conjectured and the provable (Johnson-bound) security levels with their breakdown. The
//! formulas and references are in the `lean_prover` crate documentation ("Security").

use lean_prover::{SecurityShape, SecurityTarget, StarkParams};
use serde::Serialize;

/// Arguments of `multisig security`.
#[derive(clap::Args, Debug)]
pub struct SecurityArgs {
    /// `log2(1 / rate)` of the low-degree extension, 1 to 4.
    #[arg(long, default_value_t = lean_prover::params::DEFAULT_LOG_INV_RATE)]
    log_inv_rate: usize,
    /// Number of FRI queries; derived from the targets when omitted.
    #[arg(long)]
    queries: Option<usize>,
    /// Proof-of-work (grinding) bits.
    #[arg(long, default_value_t = 16)]
    pow_bits: usize,
    /// `log2` of the tallest table (the design point of a 16-signature aggregate is 16).
    #[arg(long, default_value_t = SecurityShape::AGGREGATE_16.log_max_height)]
    log_height: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// What `multisig security --json` prints.
#[derive(Serialize, Debug)]
struct Report {
    log_inv_rate: usize,
    num_queries: usize,
    pow_bits: usize,
    folding_arity: usize,
    log_max_height: usize,
    conjectured_security_bits: f64,
    provable_security_bits: f64,
    conjectured_fri_bits: f64,
    conjectured_field_bits: f64,
    provable_query_bits: f64,
    provable_commit_bits: f64,
    provable_ali_deep_logup_bits: f64,
    johnson_m: usize,
}

/// Runs `multisig security`.
pub fn run(args: &SecurityArgs) -> Result<(), String> {
    let shape = SecurityShape {
        log_max_height: args.log_height,
        ..SecurityShape::AGGREGATE_16
    };
    let params = match args.queries {
        Some(q) => {
            let p = StarkParams {
                log_inv_rate: args.log_inv_rate,
                num_queries: q,
                pow_bits: args.pow_bits,
                ..StarkParams::default()
            };
            p.validate().map_err(|e| e.to_string())?;
            p
        }
        None => {
            let target = SecurityTarget {
                pow_bits: args.pow_bits,
                ..SecurityTarget::default()
            };
            StarkParams::for_security(args.log_inv_rate, target, &shape)
                .map_err(|e| e.to_string())?
        }
    };
    let r = params.security(&shape);
    let report = Report {
        log_inv_rate: params.log_inv_rate,
        num_queries: params.num_queries,
        pow_bits: params.pow_bits,
        folding_arity: 1 << params.log_folding_arity,
        log_max_height: shape.log_max_height,
        conjectured_security_bits: r.conjectured_bits,
        provable_security_bits: r.provable_bits,
        conjectured_fri_bits: r.conjectured_fri_bits,
        conjectured_field_bits: r.conjectured_field_bits,
        provable_query_bits: r.provable_query_bits,
        provable_commit_bits: r.provable_commit_bits,
        provable_ali_deep_logup_bits: r.provable_ali_deep_logup_bits,
        johnson_m: r.johnson_m,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!(
        "parameters: rate 1/{}, {} queries, {} grinding bits, FRI arity {}, tables up to 2^{} rows",
        1 << report.log_inv_rate,
        report.num_queries,
        report.pow_bits,
        report.folding_arity,
        report.log_max_height
    );
    println!(
        "conjectured security: {:.1} bits (FRI {:.1}, field-size terms {:.1})",
        report.conjectured_security_bits,
        report.conjectured_fri_bits,
        report.conjectured_field_bits
    );
    println!(
        "provable security:    {:.1} bits (Johnson regime, m = {}: queries {:.1}, commit phase {:.1}, ALI/DEEP/LogUp {:.1})",
        report.provable_security_bits,
        report.johnson_m,
        report.provable_query_bits,
        report.provable_commit_bits,
        report.provable_ali_deep_logup_bits
    );
    Ok(())
}
