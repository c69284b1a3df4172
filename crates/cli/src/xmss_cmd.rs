//! `multisig xmss`: devnet4 XMSS from the command line.
//!
//! * `verify --config prod|test --public-key HEX --signature HEX --message HEX --slot N`:
//!   exit status 0 if the signature is valid, 1 if it is invalid (reason on stderr), 2 if an
//!   input is malformed (bad hex, wrong length, non-canonical element, bad offset) or the
//!   command line is wrong.
//! * `keygen --config prod|test --seed TEXT --activation-epoch N --num-active-epochs N`:
//!   prints `public_key: 0x...` and `secret_key: 0x...` (SSZ in hex).
//! * `sign --config prod|test --secret-key HEX --message HEX --slot N`: prints the SSZ
//!   signature in hex, advancing the key's prepared window if the slot lies ahead of it.
//!
//! Every HEX argument may carry a `0x` prefix, and `@PATH` reads the hex from a file.

use crate::inputs::{read_hex, read_message, to_hex};
use backend::Isa;
use std::process::ExitCode;
use xmss::{Config, PublicKey, SecretKey, Signature};

/// Arguments of `multisig xmss`.
#[derive(clap::Args, Debug)]
pub struct XmssArgs {
    #[command(subcommand)]
    command: XmssCommand,
}

#[derive(clap::Subcommand, Debug)]
enum XmssCommand {
    /// Verify one signature; exit 0 valid, 1 invalid, 2 malformed input.
    Verify(VerifyArgs),
    /// Generate a key pair deterministically from a seed phrase.
    Keygen(KeygenArgs),
    /// Sign a 32-byte message for a slot with an SSZ secret key.
    Sign(SignArgs),
}

fn parse_config(s: &str) -> Result<Config, String> {
    s.parse()
}

/// Arguments of `multisig xmss verify`.
#[derive(clap::Args, Debug)]
struct VerifyArgs {
    /// Scheme instance: prod (lifetime 2^32) or test (lifetime 2^8).
    #[arg(long, value_parser = parse_config)]
    config: Config,
    /// SSZ public key (52 bytes) in hex, or @PATH.
    #[arg(long)]
    public_key: String,
    /// SSZ signature in hex, or @PATH.
    #[arg(long)]
    signature: String,
    /// The 32-byte message in hex, or @PATH.
    #[arg(long)]
    message: String,
    /// Slot (epoch).
    #[arg(long)]
    slot: u32,
}

/// Arguments of `multisig xmss keygen`.
#[derive(clap::Args, Debug)]
struct KeygenArgs {
    /// Scheme instance: prod or test.
    #[arg(long, value_parser = parse_config)]
    config: Config,
    /// Seed phrase (its UTF-8 bytes); the same seed always gives the same key pair.
    #[arg(long)]
    seed: String,
    /// First epoch the key must cover.
    #[arg(long)]
    activation_epoch: u64,
    /// Number of epochs the key must cover (widened to whole bottom trees, at least two).
    #[arg(long)]
    num_active_epochs: u64,
    /// Write the secret-key hex to this file instead of printing it.
    #[arg(long)]
    secret_key_out: Option<std::path::PathBuf>,
}

/// Arguments of `multisig xmss sign`.
#[derive(clap::Args, Debug)]
struct SignArgs {
    /// Scheme instance: prod or test.
    #[arg(long, value_parser = parse_config)]
    config: Config,
    /// SSZ secret key in hex, or @PATH.
    #[arg(long)]
    secret_key: String,
    /// The 32-byte message in hex, or @PATH.
    #[arg(long)]
    message: String,
    /// Slot (epoch).
    #[arg(long)]
    slot: u32,
}

/// Runs `multisig xmss ...` and returns the process exit status.
pub fn run(args: &XmssArgs) -> ExitCode {
    let result = match &args.command {
        XmssCommand::Verify(a) => return verify(a),
        XmssCommand::Keygen(a) => keygen(a),
        XmssCommand::Sign(a) => sign(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("multisig xmss: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn verify(a: &VerifyArgs) -> ExitCode {
    let inputs = (|| {
        let isa = Isa::selected().map_err(|e| e.to_string())?;
        let pk = PublicKey::from_ssz(&read_hex("public key", &a.public_key)?)
            .map_err(|e| e.to_string())?;
        let sig = Signature::from_ssz(a.config, &read_hex("signature", &a.signature)?)
            .map_err(|e| e.to_string())?;
        let msg = read_message(&a.message)?;
        Ok::<_, String>((isa, pk, sig, msg))
    })();
    let (isa, pk, sig, msg) = match inputs {
        Ok(x) => x,
        Err(e) => {
            eprintln!("multisig xmss verify: malformed input: {e}");
            return ExitCode::from(2);
        }
    };
    let result = xmss::verify_batch(isa, a.config, &msg, a.slot, &[(&pk, &sig)]);
    match result.into_iter().next() {
        Some(Ok(())) => {
            println!("valid");
            ExitCode::SUCCESS
        }
        Some(Err(e)) => {
            eprintln!("multisig xmss verify: invalid signature: {e}");
            ExitCode::from(1)
        }
        None => ExitCode::from(2),
    }
}

fn keygen(a: &KeygenArgs) -> Result<(), String> {
    let (pk, sk) = xmss::keypair_generate(
        a.config,
        a.seed.as_bytes(),
        a.activation_epoch,
        a.num_active_epochs,
    )
    .map_err(|e| e.to_string())?;
    println!("public_key: {}", to_hex(&pk.to_ssz()));
    let sk_hex = to_hex(&sk.to_ssz());
    match &a.secret_key_out {
        Some(path) => std::fs::write(path, sk_hex + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => println!("secret_key: {sk_hex}"),
    }
    Ok(())
}

fn sign(a: &SignArgs) -> Result<(), String> {
    let isa = Isa::selected().map_err(|e| e.to_string())?;
    let mut sk = SecretKey::from_ssz(a.config, &read_hex("secret key", &a.secret_key)?)
        .map_err(|e| format!("malformed secret key: {e}"))?;
    let msg = read_message(&a.message)?;
    // Slide the prepared window forward until it covers the slot (or cannot move further).
    while (a.slot as u64) >= sk.prepared_range().end && sk.advance_preparation(isa) {}
    let sig = sk.sign(isa, a.slot, &msg).map_err(|e| e.to_string())?;
    println!("{}", to_hex(&sig.to_ssz()));
    Ok(())
}
