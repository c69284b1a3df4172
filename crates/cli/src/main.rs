//! `multisig`: the command-line tool of the multisig workspace.
//!
//! Subcommands: `info` (CPU features and the instruction set chosen at run time), `demo`
//! (the main job) and `xmss` (verify, keygen, sign). Exit status 0 on success, 2 on usage or
//! environment errors (`xmss verify` also uses 1 for an invalid signature).

mod demo;
mod info;
mod security;
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
    /// Run the main job on a built-in default and report time and throughput.
    Demo(demo::DemoArgs),
    /// Print the proof system's parameters and their conjectured and provable security.
    Security(security::SecurityArgs),
    /// Devnet4 XMSS: verify (exit 0 valid, 1 invalid, 2 malformed), keygen, sign.
    Xmss(xmss_cmd::XmssArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info(args) => info::run(&args).map_err(|e| e.to_string()),
        Command::Demo(args) => demo::run(&args).map_err(|e| e.to_string()),
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
