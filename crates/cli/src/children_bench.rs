//! `multisig bench --children K`: one Type-1 aggregate with children, timed.
//!
//! Proves K child aggregates of N signatures each on one message and slot (not timed), then
//! times `rec_aggregation::aggregate_with_children` folding them in beside N raw signatures
//! of the same message and slot (`aggregate_ms`: the raw signatures' native check, decoding
//! and recording the children's verifications, one v2 proof of both statements at the
//! aggregates' parameters, 124 provable bits), and `verify_type_1` against the flat key list
//! (`verify_ms`: from the statements alone, the children's circuit derived by a
//! structure-only recording).
//!
//! JSON fields: `isa`, `config`, `signatures` (raw, and per child), `children`,
//! `log_inv_rate`, `threads`, `children_ms` (proving the K children), `aggregate_ms`,
//! `proof_bytes`, `verify_ms`, `peak_rss_bytes`.

use crate::bench::BenchArgs;
use crate::inputs::select_isa;
use backend::Isa;
use backend::memory::peak_resident_bytes;
use rec_aggregation::{AggregateOptions, PolicyV2, aggregate, aggregate_with_children};
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;
use xmss::{PublicKey, fixtures};

/// What `multisig bench --children K --json` prints.
#[derive(Serialize, Debug)]
struct ChildrenReport {
    isa: String,
    config: &'static str,
    signatures: usize,
    children: usize,
    log_inv_rate: usize,
    threads: usize,
    children_ms: f64,
    aggregate_ms: f64,
    proof_bytes: usize,
    verify_ms: f64,
    peak_rss_bytes: Option<u64>,
}

/// Runs `multisig bench --children k`.
///
/// # Errors
/// A message for a fixture, proof or environment failure.
pub(crate) fn bench_children(args: &BenchArgs, k: usize) -> Result<ExitCode, String> {
    let isa: Isa = select_isa(args.isa.as_deref()).map_err(|e| e.to_string())?;
    let n = args.signatures as usize;
    let config = args.config;
    let options = AggregateOptions {
        config,
        log_inv_rate: args.log_inv_rate,
        isa,
    };
    let message = *b"multisig bench --children: msg..";
    let slot = 7;
    let mut signers = Vec::with_capacity(k + 1);
    for c in 0..=k {
        let pairs = fixtures::generate(isa, config, 4040 + c as u64, n, &message, slot)
            .map_err(|e| e.to_string())?;
        signers.push(pairs.into_iter().unzip::<_, _, Vec<_>, Vec<_>>());
    }
    let t = Instant::now();
    let mut children: Vec<(Vec<u8>, &[PublicKey])> = Vec::with_capacity(k);
    for (keys, sigs) in &signers[1..] {
        let proof = aggregate(keys, sigs, &message, slot, &options).map_err(|e| e.to_string())?;
        children.push((proof.to_bytes(), keys));
    }
    let children_ms = t.elapsed().as_secs_f64() * 1e3;
    let refs: Vec<(&[u8], &[PublicKey])> =
        children.iter().map(|(p, k)| (p.as_slice(), *k)).collect();
    let (raw_keys, raw_sigs) = &signers[0];
    let t = Instant::now();
    let proof = aggregate_with_children(raw_keys, raw_sigs, &refs, &message, slot, &options)
        .map_err(|e| e.to_string())?;
    let aggregate_ms = t.elapsed().as_secs_f64() * 1e3;
    let bytes = proof.to_bytes();
    let flat: Vec<PublicKey> = signers
        .iter()
        .flat_map(|(k, _)| k.iter().copied())
        .collect();
    let t = Instant::now();
    let verified =
        rec_aggregation::verify_type_1(config, &flat, &message, slot, &bytes, &PolicyV2::DEFAULT);
    let verify_ms = t.elapsed().as_secs_f64() * 1e3;
    if let Err(e) = verified {
        eprintln!("multisig bench: the aggregate with children did not verify: {e}");
        return Ok(ExitCode::from(1));
    }
    let report = ChildrenReport {
        isa: isa.to_string(),
        config: config.name(),
        signatures: n,
        children: k,
        log_inv_rate: args.log_inv_rate,
        threads: rayon::current_num_threads(),
        children_ms,
        aggregate_ms,
        proof_bytes: bytes.len(),
        verify_ms,
        peak_rss_bytes: peak_resident_bytes(),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
    } else {
        println!(
            "{n} raw signatures and {k} children of {n} ({}): aggregated in {aggregate_ms:.1} \
             ms, {} bytes, verified in {verify_ms:.1} ms against the {} keys (the children \
             took {children_ms:.1} ms)",
            config.name(),
            bytes.len(),
            flat.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
