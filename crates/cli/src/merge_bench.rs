//! `multisig bench --merge K`: the recursive proof that K aggregates verify, timed.
//!
//! Proves K aggregates of N signatures each (message `k`, slot `slot + k`; not timed), then
//! times the recording of their K verifications on one circuit and the outer v2 proof of it
//! at the aggregates' parameters (`merge_ms`, 124 provable bits), and the outer verification
//! (`merge_verify_ms`, from the children's statements alone: the lists are derived by a
//! structure-only recording). A Type-2 merge (`rec_aggregation::type2::merge`) is this
//! recursive proof plus decoding the parts and a header of `11 + 40 K` bytes.
//!
//! JSON fields: `isa`, `config`, `signatures` (per aggregate), `merge`, `log_inv_rate`,
//! `threads`, `children_ms` (proving the K aggregates), `record_ms`, `merge_ms` (recording
//! and outer proof), `merge_proof_bytes`, `merge_verify_ms`, `operations`, `links`,
//! `duplex_calls`, `merkle_openings`, `merkle_levels` (the openings' path lengths summed:
//! rows of the Merkle-path and compression tables), `leaf_chunks` (16-value chunks of the
//! opened leaves: rows of the opened-leaf, leaf-sponge and Poseidon2-24 tables),
//! `peak_rss_bytes`; with `--split`, `split_ms` (splitting the last component out of the
//! Type-2, which is built untimed through the public API first), `split_proof_bytes` and
//! `split_verify_ms` (`verify_type_1` with that component's keys alone).

use crate::bench::{BenchArgs, prove_v2_once};
use crate::inputs::select_isa;
use backend::Isa;
use backend::memory::peak_resident_bytes;
use lean_prover::v2::PolicyV2;
use rec_aggregation::recursion::{prove_verifications, record_verifications, verify_verifications};
use rec_aggregation::statement::params_v2;
use serde::Serialize;
use std::process::ExitCode;
use std::time::Instant;
use xmss::fixtures;

/// What `multisig bench --merge K --json` prints.
#[derive(Serialize, Debug)]
struct MergeReport {
    isa: String,
    config: &'static str,
    signatures: usize,
    merge: usize,
    log_inv_rate: usize,
    threads: usize,
    children_ms: f64,
    record_ms: f64,
    merge_ms: f64,
    merge_proof_bytes: usize,
    merge_verify_ms: f64,
    operations: usize,
    links: usize,
    duplex_calls: usize,
    merkle_openings: usize,
    merkle_levels: usize,
    leaf_chunks: usize,
    peak_rss_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split_proof_bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split_verify_ms: Option<f64>,
}

/// Runs `multisig bench --merge k`.
///
/// # Errors
/// A message for a fixture, proof or environment failure.
pub(crate) fn bench_merge(args: &BenchArgs, k: usize) -> Result<ExitCode, String> {
    let isa: Isa = select_isa(args.isa.as_deref()).map_err(|e| e.to_string())?;
    let n = args.signatures as usize;
    let config = args.config;
    let params = params_v2(args.log_inv_rate);
    let t = Instant::now();
    let mut children = Vec::with_capacity(k);
    let mut signers = Vec::with_capacity(k);
    for c in 0..k {
        let mut message = *b"multisig bench --merge: child 00";
        message[31] = b'0' + (c % 10) as u8;
        message[30] = b'0' + (c / 10 % 10) as u8;
        let slot = 7 + c as u32;
        let pairs = fixtures::generate(isa, config, 2026 + c as u64, n, &message, slot)
            .map_err(|e| e.to_string())?;
        let (keys, sigs): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        children.push(prove_v2_once(
            isa, config, &message, slot, &keys, &sigs, &params,
        )?);
        signers.push((message, slot, keys, sigs));
    }
    let children_ms = t.elapsed().as_secs_f64() * 1e3;
    let refs: Vec<_> = children.iter().map(|(s, p)| (s, p)).collect();
    let t = Instant::now();
    let circuit = record_verifications(isa, args.log_inv_rate, &refs).map_err(|e| e.to_string())?;
    let record_ms = t.elapsed().as_secs_f64() * 1e3;
    let (proof, _) = prove_verifications(isa, &circuit, &params).map_err(|e| e.to_string())?;
    let merge_ms = t.elapsed().as_secs_f64() * 1e3;
    let bytes = proof.to_bytes();
    let statements: Vec<_> = children.iter().map(|(s, _)| s).collect();
    let t = Instant::now();
    let verified = verify_verifications(
        isa,
        args.log_inv_rate,
        &statements,
        &circuit.claims(),
        &params,
        &PolicyV2::DEFAULT,
        &bytes,
    );
    let merge_verify_ms = t.elapsed().as_secs_f64() * 1e3;
    if let Err(e) = verified {
        eprintln!("multisig bench: the recursive proof did not verify: {e}");
        return Ok(ExitCode::from(1));
    }
    let split = if args.split {
        Some(time_split(isa, args, &signers)?)
    } else {
        None
    };
    let report = MergeReport {
        isa: isa.to_string(),
        config: config.name(),
        signatures: n,
        merge: k,
        log_inv_rate: args.log_inv_rate,
        threads: rayon::current_num_threads(),
        children_ms,
        record_ms,
        merge_ms,
        merge_proof_bytes: bytes.len(),
        merge_verify_ms,
        operations: circuit.num_ops(),
        links: circuit.num_links(),
        duplex_calls: circuit.num_calls(),
        merkle_openings: circuit.merkle_claims().len(),
        merkle_levels: circuit
            .merkle_claims()
            .iter()
            .map(|m| m.siblings.len())
            .sum(),
        leaf_chunks: circuit
            .merkle_claims()
            .iter()
            .map(|m| {
                m.row
                    .len()
                    .div_ceil(rec_aggregation::leaf_sponge_table::RATE)
            })
            .sum(),
        peak_rss_bytes: peak_resident_bytes(),
        split_ms: split.map(|s| s.0),
        split_proof_bytes: split.map(|s| s.1),
        split_verify_ms: split.map(|s| s.2),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| e.to_string())?
        );
    } else {
        println!(
            "{k} aggregates of {n} signatures ({}): recorded in {:.1} ms ({} operations, {} \
             links, {} duplex calls, {} Merkle openings); recursive proof {:.1} ms in all, {} \
             bytes, verified in {:.1} ms from the statements",
            config.name(),
            record_ms,
            report.operations,
            report.links,
            report.duplex_calls,
            report.merkle_openings,
            merge_ms,
            report.merge_proof_bytes,
            merge_verify_ms
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A fixture signer set: message, slot, keys, signatures.
type Signers = ([u8; 32], u32, Vec<xmss::PublicKey>, Vec<xmss::Signature>);

/// Builds the Type-2 of the children through the public API (untimed), then times splitting
/// its last component out and verifying the split with that component's keys alone:
/// `(split_ms, split_proof_bytes, split_verify_ms)`.
fn time_split(
    isa: Isa,
    args: &BenchArgs,
    signers: &[Signers],
) -> Result<(f64, usize, f64), String> {
    let options = rec_aggregation::AggregateOptions {
        config: args.config,
        log_inv_rate: args.log_inv_rate,
        isa,
    };
    let mut parts = Vec::with_capacity(signers.len());
    for (message, slot, keys, sigs) in signers {
        let bytes = rec_aggregation::aggregate(keys, sigs, message, *slot, &options)
            .map_err(|e| e.to_string())?
            .to_bytes();
        parts.push(bytes);
    }
    let refs: Vec<(&[u8], &[xmss::PublicKey])> = parts
        .iter()
        .zip(signers)
        .map(|(b, s)| (b.as_slice(), s.2.as_slice()))
        .collect();
    let t2 = rec_aggregation::type2::merge(isa, &refs)
        .map_err(|e| e.to_string())?
        .to_bytes();
    let components: Vec<([u8; 32], u32, &[xmss::PublicKey])> =
        signers.iter().map(|s| (s.0, s.1, s.2.as_slice())).collect();
    let last = signers.last().ok_or("no components")?;
    let t = Instant::now();
    let split = rec_aggregation::split::split(isa, args.config, &components, &t2, &last.0)
        .map_err(|e| e.to_string())?
        .to_bytes();
    let split_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    rec_aggregation::verify_type_1(
        args.config,
        &last.2,
        &last.0,
        last.1,
        &split,
        &PolicyV2::DEFAULT,
    )
    .map_err(|e| format!("the split did not verify: {e}"))?;
    Ok((split_ms, split.len(), t.elapsed().as_secs_f64() * 1e3))
}
