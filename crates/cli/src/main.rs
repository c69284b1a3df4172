//! `multisig`: the command-line tool of the multisig workspace.
//!
//! Subcommands: `info` (CPU features and the instruction set chosen at run time), `demo`
//! (the main job), `aggregate` and `verify` (aggregate proofs from and to files), `bench`
//! (one timed aggregation, text or JSON), `security` (the security of an aggregate's
//! parameters, term by term) and `xmss` (verify, keygen, sign). Exit status 0 on success, 2 on usage or environment errors;
//! `aggregate` (an invalid signature), `verify` and `xmss verify` (an invalid proof or
//! signature) and `bench` (a proof that does not verify) use 1.

#![forbid(unsafe_code)]

mod aggregate_cmd;
mod bench;
mod children_bench;
mod demo;
mod info;
mod inputs;
mod merge_bench;
mod security;
mod type2_cmd;
mod xmss_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Post-quantum XMSS signature aggregation backend: run-time dispatched SIMD kernels.
#[derive(Parser, Debug)]
#[command(name = "multisig", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the CPU features found and the instruction set chosen (honours MULTISIG_ISA).
    Info(info::InfoArgs),
    /// Run the main job on a built-in default: generate signatures, aggregate, verify, and
    /// report time, throughput, proof size and memory.
    Demo(demo::DemoArgs),
    /// Aggregate signatures from files into a proof file (exit 0 ok, 1 invalid signature,
    /// 2 malformed input).
    Aggregate(aggregate_cmd::AggregateArgs),
    /// Verify a proof file (exit 0 valid, 1 invalid, 2 malformed input).
    Verify(aggregate_cmd::VerifyArgs),
    /// Merge Type-1 proofs into one Type-2 proof (exit 0 ok, 1 a part does not verify, 2
    /// malformed input).
    Merge(type2_cmd::MergeArgs),
    /// Verify a Type-2 proof against its components (exit 0 valid, 1 invalid, 2 malformed
    /// input).
    #[command(name = "verify-type-2")]
    VerifyType2(type2_cmd::VerifyType2Args),
    /// Split one component out of a Type-2 proof as a Type-1 proof that verifies on its own
    /// (exit 0 ok, 1 no such component or the Type-2 does not verify, 2 malformed input).
    Split(type2_cmd::SplitArgs),
    /// Time one aggregation of N fixture signatures and its verification (table or JSON).
    Bench(bench::BenchArgs),
    /// The security of an aggregate's proof parameters, term by term (without proving).
    Security(security::SecurityArgs),
    /// Devnet4 XMSS: verify (exit 0 valid, 1 invalid, 2 malformed), keygen, sign.
    Xmss(xmss_cmd::XmssArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info(args) => info::run(&args).map_err(|e| e.to_string()),
        Command::Demo(args) => demo::run(&args).map_err(|e| e.to_string()),
        Command::Aggregate(args) => return aggregate_cmd::run_aggregate(&args),
        Command::Verify(args) => return aggregate_cmd::run_verify(&args),
        Command::Merge(args) => return type2_cmd::run_merge(&args),
        Command::VerifyType2(args) => return type2_cmd::run_verify_type_2(&args),
        Command::Split(args) => return type2_cmd::run_split(&args),
        Command::Bench(args) => return bench::run(&args),
        Command::Security(args) => security::run(&args),
        Command::Xmss(args) => return xmss_cmd::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("multisig: error: {e}");
            ExitCode::from(2)
        }
    }
}
