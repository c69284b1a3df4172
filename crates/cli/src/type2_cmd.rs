//! `multisig merge` and `multisig verify-type-2`: Type-2 proofs from and to files.
//!
//! * `merge --config prod|test --parts PARTS.json --out PROOF`: merges the parts' Type-1
//!   proofs, in order, into one Type-2 proof. Exit 0 written; 1 a part's proof does not
//!   verify for its message, slot and keys; 2 malformed input or usage (unreadable file, bad
//!   JSON, hex or key, a part whose proof names another message or slot than its entry, two
//!   parts for the same message and slot, more than 16 parts).
//! * `verify-type-2 --config prod|test --parts PARTS.json --proof PROOF`: exit 0 if the proof
//!   is valid for exactly these components (messages, slots, ordered key lists, in order); 1
//!   if a well-formed proof is rejected; 2 for malformed input (the parts' `proof` fields are
//!   ignored).
//! * `split --config prod|test --parts PARTS.json --proof PROOF --message HEX --out OUT`:
//!   writes the component for the message (the first, if several slots share it) as a
//!   Type-1 proof that `multisig verify` checks with that component's keys, message and slot
//!   alone (`rec_aggregation::split`). Exit 0 written; 1 no component for the message, or the
//!   Type-2 does not verify for these components; 2 malformed input (the parts' `proof`
//!   fields are ignored).
//!
//! `PARTS.json` is a list of `{"proof": PATH, "message": HEX, "slot": N, "public_keys": PATH}`
//! (paths relative to the working directory; key files hold one SSZ key in hex per line).

use crate::inputs::{read_message, read_public_keys};
use backend::Isa;
use rec_aggregation::recursion::RecursionError;
use rec_aggregation::split::{SplitError, split};
use rec_aggregation::type2::{Type2Error, merge, verify_type_2};
use rec_aggregation::{PolicyV2, Type1Proof};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use xmss::{Config, PublicKey};

/// Arguments of `multisig merge`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "PARTS.json: a list of {\"proof\": PATH, \"message\": HEX, \"slot\": N, \
\"public_keys\": PATH}. Exit status: 0 proof written; 1 a part's proof does not verify; 2 \
malformed input or usage."
)]
pub struct MergeArgs {
    /// Scheme configuration of the parts: prod or test.
    #[arg(long)]
    config: Config,
    /// The parts, in order (JSON).
    #[arg(long)]
    parts: PathBuf,
    /// Where to write the Type-2 proof (binary).
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `multisig verify-type-2`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "PARTS.json as for merge; the proof fields are ignored. Exit status: 0 \
valid; 1 a well-formed proof rejected; 2 malformed input or usage."
)]
pub struct VerifyType2Args {
    /// Scheme configuration: prod or test.
    #[arg(long)]
    config: Config,
    /// The components, in order (JSON).
    #[arg(long)]
    parts: PathBuf,
    /// The Type-2 proof file.
    #[arg(long)]
    proof: PathBuf,
}

/// Arguments of `multisig split`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "PARTS.json as for merge (every component of the Type-2, in order); the proof \
fields are ignored. Exit status: 0 written; 1 no component for the message, or the Type-2 \
does not verify for these components; 2 malformed input or usage."
)]
pub struct SplitArgs {
    /// Scheme configuration: prod or test.
    #[arg(long)]
    config: Config,
    /// The Type-2's components, in order (JSON).
    #[arg(long)]
    parts: PathBuf,
    /// The Type-2 proof file.
    #[arg(long)]
    proof: PathBuf,
    /// The message of the component to split out: 32 bytes in hex (`0x` optional) or @PATH.
    #[arg(long)]
    message: String,
    /// Where to write the split Type-1 proof (binary).
    #[arg(long)]
    out: PathBuf,
}

/// One entry of `PARTS.json`.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct PartEntry {
    proof: Option<PathBuf>,
    message: String,
    slot: u32,
    public_keys: PathBuf,
}

/// A part as read: its proof bytes (if any), message, slot and keys.
struct Part {
    proof: Option<Vec<u8>>,
    message: [u8; 32],
    slot: u32,
    keys: Vec<PublicKey>,
}

/// Reads `PARTS.json` (and every file it names; proofs only if `with_proofs`).
fn read_parts(path: &Path, with_proofs: bool) -> Result<Vec<Part>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("parts: cannot read {}: {e}", path.display()))?;
    let entries: Vec<PartEntry> =
        serde_json::from_str(&text).map_err(|e| format!("parts ({}): {e}", path.display()))?;
    entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let proof = match (&e.proof, with_proofs) {
                (Some(p), true) => Some(
                    std::fs::read(p)
                        .map_err(|err| format!("part {i}: cannot read {}: {err}", p.display()))?,
                ),
                (None, true) => return Err(format!("part {i}: no proof")),
                (_, false) => None,
            };
            Ok(Part {
                proof,
                message: read_message(&e.message).map_err(|err| format!("part {i}: {err}"))?,
                slot: e.slot,
                keys: read_public_keys(&e.public_keys)
                    .map_err(|err| format!("part {i}: {err}"))?
                    .0,
            })
        })
        .collect()
}

/// Whether a Type-2 error means a well-formed input that is invalid (exit 1) rather than a
/// malformed one (exit 2).
fn is_invalid(e: &Type2Error) -> bool {
    matches!(
        e,
        Type2Error::OtherComponent { .. }
            | Type2Error::Recursion(RecursionError::Child { .. } | RecursionError::Outer(_))
    )
}

fn merge_impl(a: &MergeArgs) -> Result<ExitCode, String> {
    let parts = read_parts(&a.parts, true)?;
    for (i, p) in parts.iter().enumerate() {
        let bytes = p.proof.as_deref().unwrap_or_default();
        let agg = Type1Proof::from_bytes(bytes).map_err(|e| format!("part {i}: {e}"))?;
        if agg.config() != a.config {
            return Err(format!("part {i}: the proof is for another configuration"));
        }
        if *agg.message() != p.message || agg.slot() != p.slot {
            return Err(format!(
                "part {i}: the proof names another message or slot than its entry"
            ));
        }
    }
    let refs: Vec<(&[u8], &[PublicKey])> = parts
        .iter()
        .map(|p| (p.proof.as_deref().unwrap_or_default(), p.keys.as_slice()))
        .collect();
    let isa = Isa::selected().map_err(|e| e.to_string())?;
    let t = Instant::now();
    match merge(isa, &refs) {
        Ok(proof) => {
            let bytes = proof.to_bytes();
            std::fs::write(&a.out, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
            println!(
                "merged {} parts into {} ({} bytes) in {:.1} ms",
                parts.len(),
                a.out.display(),
                bytes.len(),
                t.elapsed().as_secs_f64() * 1e3
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if is_invalid(&e) => {
            eprintln!("multisig merge: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn verify_impl(a: &VerifyType2Args) -> Result<ExitCode, String> {
    let parts = read_parts(&a.parts, false)?;
    let bytes =
        std::fs::read(&a.proof).map_err(|e| format!("cannot read {}: {e}", a.proof.display()))?;
    let components: Vec<([u8; 32], u32, &[PublicKey])> = parts
        .iter()
        .map(|p| (p.message, p.slot, p.keys.as_slice()))
        .collect();
    let isa = Isa::selected().map_err(|e| e.to_string())?;
    let t = Instant::now();
    match verify_type_2(isa, a.config, &components, &bytes, &PolicyV2::DEFAULT) {
        Ok(()) => {
            println!(
                "valid: {} components, verified in {:.1} ms",
                parts.len(),
                t.elapsed().as_secs_f64() * 1e3
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if is_invalid(&e) => {
            println!("invalid: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn split_impl(a: &SplitArgs) -> Result<ExitCode, String> {
    let parts = read_parts(&a.parts, false)?;
    let bytes =
        std::fs::read(&a.proof).map_err(|e| format!("cannot read {}: {e}", a.proof.display()))?;
    let message = read_message(&a.message)?;
    let components: Vec<([u8; 32], u32, &[PublicKey])> = parts
        .iter()
        .map(|p| (p.message, p.slot, p.keys.as_slice()))
        .collect();
    let isa = Isa::selected().map_err(|e| e.to_string())?;
    let t = Instant::now();
    match split(isa, a.config, &components, &bytes, &message) {
        Ok(p) => {
            let out = p.to_bytes();
            std::fs::write(&a.out, &out)
                .map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
            println!(
                "split component {} ({} keys) into {} ({} bytes) in {:.1} ms",
                p.shape().index,
                p.shape().num_keys(),
                a.out.display(),
                out.len(),
                t.elapsed().as_secs_f64() * 1e3
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(
            e @ (SplitError::NoSuchMessage | SplitError::Recursion(RecursionError::Child { .. })),
        ) => {
            eprintln!("multisig split: {e}");
            Ok(ExitCode::from(1))
        }
        Err(SplitError::Type2(e)) if is_invalid(&e) => {
            eprintln!("multisig split: {e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Runs `multisig split`.
pub fn run_split(a: &SplitArgs) -> ExitCode {
    match split_impl(a) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("multisig split: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs `multisig merge`.
pub fn run_merge(a: &MergeArgs) -> ExitCode {
    match merge_impl(a) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("multisig merge: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs `multisig verify-type-2`.
pub fn run_verify_type_2(a: &VerifyType2Args) -> ExitCode {
    match verify_impl(a) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("multisig verify-type-2: error: {e}");
            ExitCode::from(2)
        }
    }
}
