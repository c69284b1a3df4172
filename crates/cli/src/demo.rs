//! `multisig demo`: the main job on a built-in default.
//!
//! Generates N signatures on one message and slot (deterministic benchmark fixtures by
//! default; with `--real-keys`, real key pairs from `xmss::keypair_generate` that then sign),
//! aggregates them into one proof, verifies it, shows that the same proof is rejected for
//! another slot, and reports the instruction set, prove and verify times, signatures per
//! second, proof size and peak memory. Progress spinners are drawn on stderr when it is a
//! terminal and hidden otherwise.

use crate::inputs::{human_bytes, select_isa};
use backend::Isa;
use backend::memory::peak_resident_bytes;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rec_aggregation::AggregateOptions;
use std::time::{Duration, Instant};
use xmss::{Config, PublicKey, Signature, fixtures};

/// Largest `--signatures` accepted with `--real-keys` in the prod configuration: one prod key
/// pair costs about ten seconds in a release build on AVX-512 (two bottom trees of 2^16
/// leaves), minutes unoptimised.
pub const MAX_REAL_PROD_KEYS: u32 = 4;

/// Arguments of `multisig demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Scheme configuration: `prod` (devnet4, lifetime 2^32) or `test` (lifetime 2^8).
    #[arg(long, default_value = "prod")]
    config: Config,
    /// Number of signatures to aggregate.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    signatures: u32,
    /// Slot (epoch) the signatures are for.
    #[arg(long, default_value_t = 7)]
    slot: u32,
    /// `log2(1 / rate)` of the proof's committed code, 1 to 4.
    #[arg(long, default_value_t = rec_aggregation::api::DEFAULT_LOG_INV_RATE)]
    log_inv_rate: usize,
    /// Generate real key pairs (xmss key generation from seed phrases) and sign with them,
    /// instead of the fast fixtures. Prod keys cost about ten seconds each in a release build,
    /// so prod allows at most 4 signatures with this flag; test keys are instant.
    #[arg(long)]
    real_keys: bool,
    /// Instruction set to use instead of MULTISIG_ISA: auto, scalar, avx2 or avx512.
    #[arg(long)]
    isa: Option<String>,
    /// Then build a block: this many committee aggregates of 4 fixture signatures each (one
    /// message per committee, the same slot), merged into one Type-2 proof and verified
    /// (0: no block).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=16))]
    block: u32,
}

/// Errors of the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// `MULTISIG_ISA` or `--isa` is invalid for this CPU.
    #[error(transparent)]
    Isa(#[from] backend::IsaError),
    /// Fixtures could not be generated (slot out of range for the configuration).
    #[error(transparent)]
    Fixture(#[from] fixtures::FixtureError),
    /// Real key generation or signing failed.
    #[error("real keys: {0}")]
    Keys(String),
    /// `--real-keys` with too many prod signatures.
    #[error(
        "--real-keys with --config prod allows at most {MAX_REAL_PROD_KEYS} signatures (each prod key pair takes about ten seconds); use --config test for more"
    )]
    TooManyRealKeys,
    /// Aggregation failed.
    #[error("aggregation failed: {0}")]
    Aggregate(#[from] rec_aggregation::AggregateError),
    /// The fresh proof did not verify (a bug).
    #[error("the fresh proof did not verify: {0}")]
    Verify(rec_aggregation::VerifyError),
    /// The proof verified for another slot (a bug).
    #[error("the proof was accepted for slot {0}, which it was not made for")]
    NotBound(u32),
    /// Merging or verifying the block failed.
    #[error("block: {0}")]
    Block(rec_aggregation::type2::Type2Error),
    /// The block verified with its components swapped (a bug).
    #[error("the block was accepted with its components swapped")]
    BlockNotBound,
    /// Splitting a component out of the block failed.
    #[error("split: {0}")]
    Split(rec_aggregation::split::SplitError),
    /// The split component did not verify with its own keys (a bug).
    #[error("the split component did not verify: {0}")]
    SplitVerify(rec_aggregation::VerifyError),
    /// The split component verified with its keys in another order (a bug).
    #[error("the split component was accepted with its keys in another order")]
    SplitNotBound,
}

/// A spinner on stderr with a message; hidden when stderr is not a terminal.
fn spinner(message: &'static str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(message);
    pb.enable_steady_tick(Duration::from_millis(100));
    pb
}

/// A bar of `len` steps on stderr; hidden when stderr is not a terminal.
fn bar(len: u64, message: &'static str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed}, eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message(message);
    pb
}

/// `n` real key pairs (seed phrases `multisig demo key <i>`, covering `slot`) and their
/// signatures on `message` at `slot`.
fn real_signatures(
    isa: Isa,
    config: Config,
    n: usize,
    message: &[u8; 32],
    slot: u32,
) -> Result<(Vec<PublicKey>, Vec<Signature>), DemoError> {
    let pb = bar(n as u64, "generating key pairs and signing");
    let mut keys = Vec::with_capacity(n);
    let mut sigs = Vec::with_capacity(n);
    for i in 0..n {
        let seed = format!("multisig demo key {i}");
        let (pk, sk) = xmss::keypair_generate(config, seed.as_bytes(), slot as u64, 1)
            .map_err(|e| DemoError::Keys(e.to_string()))?;
        let sig = sk
            .sign(isa, slot, message)
            .map_err(|e| DemoError::Keys(e.to_string()))?;
        keys.push(pk);
        sigs.push(sig);
        pb.inc(1);
    }
    pb.finish_and_clear();
    Ok((keys, sigs))
}

/// Runs `multisig demo`.
pub fn run(args: &DemoArgs) -> Result<(), DemoError> {
    let isa = select_isa(args.isa.as_deref())?;
    let n = args.signatures as usize;
    let config = args.config;
    let message = *b"multisig demo: one message/slot!";
    if args.real_keys && config == Config::Prod && args.signatures > MAX_REAL_PROD_KEYS {
        return Err(DemoError::TooManyRealKeys);
    }
    println!(
        "multisig demo: aggregating {n} devnet4 XMSS signatures into one proof ({config} configuration, slot {}, log_inv_rate {})",
        args.slot, args.log_inv_rate
    );
    println!(
        "ISA: {isa} (available: {}), threads: {}",
        Isa::available()
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        rayon::current_num_threads()
    );

    let t = Instant::now();
    let (keys, sigs) = if args.real_keys {
        real_signatures(isa, config, n, &message, args.slot)?
    } else {
        let pb = spinner("generating signatures");
        let pairs = fixtures::generate(isa, config, 2026, n, &message, args.slot);
        pb.finish_and_clear();
        pairs?.into_iter().unzip()
    };
    println!(
        "signatures: {n} generated in {:.1} ms ({})",
        t.elapsed().as_secs_f64() * 1e3,
        if args.real_keys {
            "real key pairs from seed phrases, then signing"
        } else {
            "benchmark fixtures: valid one-leaf keys, no key generation"
        }
    );

    let options = AggregateOptions {
        log_inv_rate: args.log_inv_rate,
        isa,
        ..AggregateOptions::new(config)
    };
    let pb = spinner("proving");
    let t = Instant::now();
    let proof = rec_aggregation::aggregate(&keys, &sigs, &message, args.slot, &options);
    let prove_s = t.elapsed().as_secs_f64();
    pb.finish_and_clear();
    let bytes = proof?.to_bytes();
    println!(
        "prove:  {:.1} ms ({:.1} signatures/s)",
        prove_s * 1e3,
        n as f64 / prove_s.max(f64::MIN_POSITIVE)
    );
    println!(
        "proof:  {} bytes ({})",
        bytes.len(),
        human_bytes(bytes.len() as u64)
    );

    if let Ok(sec) = rec_aggregation::security(config, n, args.log_inv_rate) {
        println!(
            "security: {:.2} provable bits (Johnson-bound regime, BCHKS25 linear bound; binding term: {}), claimed {:.2} (capped by the digests' collision resistance)",
            sec.provable_bits,
            sec.binding().map_or("none", |t| t.name.as_str()),
            sec.claimed_bits()
        );
    }
    let pb = spinner("verifying");
    let t = Instant::now();
    let policy = rec_aggregation::PolicyV2::DEFAULT;
    let verified = rec_aggregation::verify(config, &keys, &message, args.slot, &bytes, &policy);
    let verify_s = t.elapsed().as_secs_f64();
    pb.finish_and_clear();
    verified.map_err(DemoError::Verify)?;
    println!("verify: {:.1} ms (valid)", verify_s * 1e3);

    // The proof is bound to its slot: the same bytes must be rejected for another one.
    let other = if args.slot == 0 { 1 } else { args.slot - 1 };
    match rec_aggregation::verify(config, &keys, &message, other, &bytes, &policy) {
        Ok(()) => return Err(DemoError::NotBound(other)),
        Err(e) => println!("the same proof for slot {other}: rejected ({e})"),
    }
    if args.block > 0 {
        block(isa, args, &options)?;
    }
    match peak_resident_bytes() {
        Some(b) => println!("peak memory: {}", human_bytes(b)),
        None => println!("peak memory: n/a (no /proc/self/status)"),
    }
    Ok(())
}

/// Committee size of the demo's block.
const COMMITTEE: usize = 4;

/// The block: `args.block` committee aggregates merged into one Type-2 proof, verified,
/// rejected with two components swapped, and the last component split back out (verified
/// with its own keys, rejected with two of them swapped).
fn block(isa: Isa, args: &DemoArgs, options: &AggregateOptions) -> Result<(), DemoError> {
    use rec_aggregation::type2::{merge, verify_type_2};
    let k = args.block as usize;
    let config = args.config;
    println!(
        "block: {k} committee aggregates of {COMMITTEE} signatures (one message each, slot {}), merged into one Type-2 proof",
        args.slot
    );
    let pb = spinner("proving the committee aggregates");
    let t = Instant::now();
    let mut parts = Vec::with_capacity(k);
    for c in 0..k {
        let mut message = *b"multisig demo: committee vote 00";
        message[30] = b'0' + (c / 10) as u8;
        message[31] = b'0' + (c % 10) as u8;
        let (keys, sigs): (Vec<_>, Vec<_>) =
            fixtures::generate(isa, config, 3000 + c as u64, COMMITTEE, &message, args.slot)?
                .into_iter()
                .unzip();
        let bytes =
            rec_aggregation::aggregate(&keys, &sigs, &message, args.slot, options)?.to_bytes();
        parts.push((message, keys, bytes));
    }
    pb.finish_and_clear();
    println!(
        "  aggregates: {k} proved in {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let pb = spinner("merging");
    let t = Instant::now();
    let refs: Vec<(&[u8], &[PublicKey])> = parts
        .iter()
        .map(|(_, keys, bytes)| (bytes.as_slice(), keys.as_slice()))
        .collect();
    let merged = merge(isa, &refs).map_err(DemoError::Block)?.to_bytes();
    let merge_s = t.elapsed().as_secs_f64();
    pb.finish_and_clear();
    println!(
        "  merge:  {:.1} ms, {} bytes ({})",
        merge_s * 1e3,
        merged.len(),
        human_bytes(merged.len() as u64)
    );
    let components: Vec<([u8; 32], u32, &[PublicKey])> = parts
        .iter()
        .map(|(m, keys, _)| (*m, args.slot, keys.as_slice()))
        .collect();
    let policy = rec_aggregation::PolicyV2::DEFAULT;
    let t = Instant::now();
    verify_type_2(isa, config, &components, &merged, &policy).map_err(DemoError::Block)?;
    println!(
        "  verify: {:.1} ms (valid for the {k} messages, slot and key lists)",
        t.elapsed().as_secs_f64() * 1e3
    );
    if k > 1 {
        let mut swapped = components.clone();
        swapped.swap(0, 1);
        match verify_type_2(isa, config, &swapped, &merged, &policy) {
            Ok(()) => return Err(DemoError::BlockNotBound),
            Err(e) => println!("  the same block with two components swapped: rejected ({e})"),
        }
    }
    // The last component split back out: a Type-1 verified with its own keys alone.
    let (message, keys, _) = &parts[k - 1];
    let pb = spinner("splitting");
    let t = Instant::now();
    let split = rec_aggregation::split::split(isa, config, &components, &merged, message)
        .map_err(DemoError::Split)?
        .to_bytes();
    let split_s = t.elapsed().as_secs_f64();
    pb.finish_and_clear();
    let t = Instant::now();
    rec_aggregation::verify_type_1(config, keys, message, args.slot, &split, &policy)
        .map_err(DemoError::SplitVerify)?;
    println!(
        "  split:  component {} out in {:.1} ms, {} bytes; verified with its {COMMITTEE} keys alone in {:.1} ms",
        k - 1,
        split_s * 1e3,
        split.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut reordered = keys.clone();
    reordered.swap(0, 1);
    match rec_aggregation::verify_type_1(config, &reordered, message, args.slot, &split, &policy) {
        Ok(()) => return Err(DemoError::SplitNotBound),
        Err(e) => println!("  the split proof with two keys swapped: rejected ({e})"),
    }
    Ok(())
}
