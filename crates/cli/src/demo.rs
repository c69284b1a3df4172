//! `multisig demo`: the main job on a built-in default.
//!
//! Aggregation does not exist yet (see the open issues), so the demo runs the part of the job
//! that does: checking a batch of devnet4 XMSS signatures on one message and slot, the way the
//! aggregator checks them before proving. It generates deterministic benchmark fixtures (valid
//! public key and signature pairs), spoils one signature so a rejection is visible, batch-verifies
//! everything on every instruction set the CPU offers, checks that every path gives the same
//! answers, and reports time and throughput for each.

use backend::Isa;
use std::time::Instant;
use xmss::{Config, VerifyError, fixtures, verify_batch};

/// Arguments of `multisig demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Scheme configuration: `prod` (devnet4, lifetime 2^32) or `test` (lifetime 2^8).
    #[arg(long, default_value = "prod")]
    config: Config,
    /// Number of signatures to check.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    signatures: u32,
    /// Slot (epoch) the signatures are for.
    #[arg(long, default_value_t = 7)]
    slot: u32,
}

/// Errors of the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// `MULTISIG_ISA` is invalid for this CPU.
    #[error(transparent)]
    Isa(#[from] backend::IsaError),
    /// Fixtures could not be generated (slot out of range for the configuration).
    #[error(transparent)]
    Fixture(#[from] fixtures::FixtureError),
    /// Two instruction sets disagreed: a bug.
    #[error("instruction sets disagree: {0} and {1} returned different verdicts")]
    Disagreement(Isa, Isa),
}

/// Runs `multisig demo`.
pub fn run(args: &DemoArgs) -> Result<(), DemoError> {
    let chosen = Isa::selected()?;
    let n = args.signatures as usize;
    let message = *b"multisig demo: one message/slot!";
    println!(
        "multisig demo: batch verification of {n} devnet4 XMSS signatures ({} configuration, slot {})",
        args.config, args.slot
    );
    println!(
        "chosen ISA: {chosen} (available: {})",
        names(&Isa::available())
    );

    let t = Instant::now();
    let mut pairs = fixtures::generate(chosen, args.config, 2026, n, &message, args.slot)?;
    println!(
        "generated {n} signatures in {:.1} ms (fixtures: random Merkle co-paths, no key generation)",
        t.elapsed().as_secs_f64() * 1e3
    );
    // Spoil the last signature's first chain digest, so the demo shows a rejection too.
    let spoiled = n - 1;
    pairs[spoiled].1.hashes[0][0] += backend::KoalaBear::ONE;
    let items: Vec<_> = pairs.iter().map(|(pk, sig)| (pk, sig)).collect();

    println!(
        "{:<8} {:>12} {:>14} {:>9} {:>9}",
        "isa", "time (ms)", "signatures/s", "valid", "invalid"
    );
    let mut reference: Option<(Isa, Vec<Result<(), VerifyError>>)> = None;
    for isa in Isa::available() {
        let t = Instant::now();
        let results = verify_batch(isa, args.config, &message, args.slot, &items);
        let secs = t.elapsed().as_secs_f64();
        let valid = results.iter().filter(|r| r.is_ok()).count();
        println!(
            "{:<8} {:>12.2} {:>14.0} {:>9} {:>9}",
            isa.to_string(),
            secs * 1e3,
            n as f64 / secs,
            valid,
            n - valid
        );
        match &reference {
            Some((first, expected)) if *expected != results => {
                return Err(DemoError::Disagreement(*first, isa));
            }
            Some(_) => {}
            None => reference = Some((isa, results)),
        }
    }
    if let Some((_, results)) = &reference
        && let Err(e) = &results[spoiled]
    {
        println!("signature {spoiled} (spoiled on purpose) was rejected: {e}");
    }
    println!("all instruction sets returned identical verdicts");
    Ok(())
}

fn names(isas: &[Isa]) -> String {
    isas.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
