//! `multisig info`: what the CPU offers and which kernel set this process will use.

use backend::isa::{ISA_ENV_VAR, cpu_features};
use backend::{Isa, IsaError};
use serde::Serialize;

/// Arguments of `multisig info`.
#[derive(clap::Args, Debug)]
pub struct InfoArgs {
    /// Print one JSON object instead of text (fields: isa, available_isas, lanes, isa_env,
    /// cpu_features).
    #[arg(long)]
    json: bool,
}

/// The report printed by `multisig info --json`. Scripts outside the repo read `isa` and
/// `available_isas`; keep those names stable.
#[derive(Serialize, Debug)]
struct InfoReport {
    isa: String,
    available_isas: Vec<String>,
    lanes: usize,
    isa_env: Option<String>,
    arch: &'static str,
    cpu_features: std::collections::BTreeMap<&'static str, bool>,
}

/// Runs `multisig info`.
pub fn run(args: &InfoArgs) -> Result<(), IsaError> {
    let isa = Isa::selected()?;
    let report = InfoReport {
        isa: isa.to_string(),
        available_isas: Isa::available().iter().map(|i| i.to_string()).collect(),
        lanes: isa.lanes(),
        isa_env: std::env::var(ISA_ENV_VAR).ok(),
        arch: std::env::consts::ARCH,
        cpu_features: cpu_features().into_iter().collect(),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("the report serialises")
        );
        return Ok(());
    }
    println!("architecture:    {}", report.arch);
    let found: Vec<_> = report
        .cpu_features
        .iter()
        .filter(|(_, on)| **on)
        .map(|(f, _)| *f)
        .collect();
    let missing: Vec<_> = report
        .cpu_features
        .iter()
        .filter(|(_, on)| !**on)
        .map(|(f, _)| *f)
        .collect();
    println!("cpu features:    {}", found.join(" "));
    if !missing.is_empty() {
        println!("not present:     {}", missing.join(" "));
    }
    println!("available ISAs:  {}", report.available_isas.join(", "));
    match &report.isa_env {
        Some(v) => println!("{ISA_ENV_VAR}:     {v}"),
        None => println!("{ISA_ENV_VAR}:     (unset: auto)"),
    }
    println!("chosen ISA:      {} ({} lanes of 32 bits)", report.isa, report.lanes);
    Ok(())
}
