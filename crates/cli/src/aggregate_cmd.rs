//! `multisig aggregate` and `multisig verify`: aggregate proofs from and to files.
//!
//! * `aggregate --config prod|test --message HEX --slot N [--public-keys FILE --signatures FILE]
//!   [--child PROOF:KEYS_FILE ...] [--log-inv-rate R] --out PROOF`: proves that signature `i`
//!   (line `i` of the signature file) is valid for key `i` on the message and slot, and that
//!   every child aggregate verifies for its keys on the same message and slot (a Type-1 with
//!   children, `rec_aggregation::children`, whose key list is the raw keys followed by each
//!   child's), writes the proof bytes to PROOF and prints a summary. Exit 0 on success, 1 if
//!   a signature is invalid (its index and line are named) or a child does not verify for
//!   its keys, message and slot, 2 for malformed input or a usage error.
//! * `verify --config prod|test --message HEX --slot N --public-keys FILE --proof PROOF`
//!   (either kind of Type-1; for one with children the key file lists the raw keys, then each
//!   child's): exit 0 if the proof is valid for exactly these keys (in this order), message, slot and
//!   configuration; 1 if a well-formed proof is rejected; 2 for malformed input (unreadable
//!   file, bad hex, malformed key, a proof whose header cannot be decoded, slot outside the
//!   key lifetime) or a usage error.
//!
//! Key and signature files hold one SSZ value in hex per line (`0x` optional, blank lines
//! ignored), in order. The message is hex (`0x` optional) or `@PATH`.

use crate::inputs::{read_message, read_public_keys, read_signatures};
use backend::Isa;
use rec_aggregation::recursion::RecursionError;
use rec_aggregation::{
    AggregateError, AggregateOptions, PolicyV2, VerifyError, aggregate_with_children, verify_type_1,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use xmss::{Config, PublicKey};

/// Arguments of `multisig aggregate`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Key and signature files hold one SSZ value in hex per line (0x \
optional, blank lines ignored); signature i (counting non-blank lines from 0) must be by key \
i. Exit status: 0 proof written; 1 a signature is invalid for its key, message and slot (its \
index and line are named), or a child does not verify for its keys, message and slot; 2 \
malformed input or usage: unreadable file, bad hex, malformed key or signature, different \
counts, nothing to aggregate, a child that is not a Type-1 aggregate of the same \
configuration and rate or whose key count differs, more than 16 children, a tree of \
aggregates deeper than 8 levels or larger than 64, slot outside the key lifetime, \
log_inv_rate outside 1..=4, or a file that cannot be written. A child may have children of \
its own."
)]
pub struct AggregateArgs {
    /// Scheme configuration: prod (lifetime 2^32) or test (lifetime 2^8).
    #[arg(long)]
    config: Config,
    /// The 32-byte message in hex (`0x` optional), or @PATH.
    #[arg(long)]
    message: String,
    /// Slot (epoch) every signature is for.
    #[arg(long)]
    slot: u32,
    /// File of SSZ public keys in hex, one per line, in the order of the signatures (with
    /// --signatures; both may be left out when children are given).
    #[arg(long, requires = "signatures")]
    public_keys: Option<PathBuf>,
    /// File of SSZ signatures in hex, one per line (line i is by key i).
    #[arg(long, requires = "public_keys")]
    signatures: Option<PathBuf>,
    /// A child aggregate to fold in: its proof file and its key file (one SSZ key in hex per
    /// line, in its order), separated by the first `:`. Repeatable; the children's keys
    /// follow the raw keys in the order given.
    #[arg(long = "child", value_name = "PROOF:KEYS_FILE")]
    children: Vec<String>,
    /// `log2(1 / rate)` of the proof's committed code, 1 to 4 (larger: slower proving,
    /// smaller proofs).
    #[arg(long, default_value_t = rec_aggregation::api::DEFAULT_LOG_INV_RATE)]
    log_inv_rate: usize,
    /// Where to write the proof bytes (binary).
    #[arg(long)]
    out: PathBuf,
}

/// Reads `PROOF:KEYS_FILE`: the child's proof bytes and its ordered keys.
fn read_child(spec: &str) -> Result<(Vec<u8>, Vec<PublicKey>), String> {
    let (proof, keys) = spec
        .split_once(':')
        .ok_or_else(|| format!("--child {spec}: expected PROOF:KEYS_FILE"))?;
    let bytes =
        std::fs::read(proof).map_err(|e| format!("--child {spec}: cannot read {proof}: {e}"))?;
    let (keys, _) =
        read_public_keys(Path::new(keys)).map_err(|e| format!("--child {spec}: {e}"))?;
    Ok((bytes, keys))
}

/// Arguments of `multisig verify`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 valid; 1 invalid: the proof file decodes but is \
rejected (made for another message, slot, configuration, key list or key order, or tampered \
with); 2 malformed input or usage: unreadable file, bad hex, malformed public key, a proof \
whose header cannot be decoded (too short, bad magic, unknown version or configuration, \
log_inv_rate outside 1..=4, unknown parameters byte, zero signatures), or a slot outside the key lifetime. The security of the proof's parameters is recomputed here (never read from the proof) and a proof below the policy is invalid (exit 1). The policy: --min-provable-bits (default 124, Johnson-bound regime under the BCHKS25 bound); proofs are made at 124 provable bits, so raising it refuses them."
)]
pub struct VerifyArgs {
    /// Scheme configuration: prod (lifetime 2^32) or test (lifetime 2^8).
    #[arg(long)]
    config: Config,
    /// The 32-byte message in hex (`0x` optional), or @PATH.
    #[arg(long)]
    message: String,
    /// Slot (epoch) the signatures were for.
    #[arg(long)]
    slot: u32,
    /// File of SSZ public keys in hex, one per line, in the order used when aggregating.
    #[arg(long)]
    public_keys: PathBuf,
    /// The proof file written by `multisig aggregate`.
    #[arg(long)]
    proof: PathBuf,
    /// The fewest provable (Johnson-bound, BCHKS25) bits to accept, recomputed from the
    /// proof's parameters.
    #[arg(long, default_value_t = PolicyV2::DEFAULT.min_provable_bits)]
    min_provable_bits: f64,
}

impl VerifyArgs {
    /// The verifier policy the flags ask for.
    fn policy(&self) -> PolicyV2 {
        PolicyV2 {
            min_provable_bits: self.min_provable_bits,
        }
    }
}

/// Prints `multisig <cmd>: <what>: <msg>` to stderr and returns `code`.
fn fail(cmd: &str, what: &str, msg: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("multisig {cmd}: {what}: {msg}");
    ExitCode::from(code)
}

/// Runs `multisig aggregate`.
pub fn run_aggregate(a: &AggregateArgs) -> ExitCode {
    let inputs = (|| {
        let isa = Isa::selected().map_err(|e| e.to_string())?;
        let message = read_message(&a.message)?;
        let (keys, sigs, sig_lines) = match (&a.public_keys, &a.signatures) {
            (Some(k), Some(s)) => {
                let (keys, _) = read_public_keys(k)?;
                let (sigs, sig_lines) = read_signatures(a.config, s)?;
                if keys.len() != sigs.len() {
                    return Err(format!(
                        "{} public keys but {} signatures",
                        keys.len(),
                        sigs.len()
                    ));
                }
                (keys, sigs, sig_lines)
            }
            _ => (Vec::new(), Vec::new(), Vec::new()),
        };
        let children = a
            .children
            .iter()
            .map(|c| read_child(c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok::<_, String>((isa, message, keys, sigs, sig_lines, children))
    })();
    let (isa, message, keys, sigs, sig_lines, children) = match inputs {
        Ok(x) => x,
        Err(e) => return fail("aggregate", "malformed input", e, 2),
    };
    let options = AggregateOptions {
        config: a.config,
        log_inv_rate: a.log_inv_rate,
        isa,
    };
    let child_refs: Vec<(&[u8], &[PublicKey])> = children
        .iter()
        .map(|(p, k)| (p.as_slice(), k.as_slice()))
        .collect();
    let t = Instant::now();
    let proof = match aggregate_with_children(&keys, &sigs, &child_refs, &message, a.slot, &options)
    {
        Ok(p) => p,
        Err(AggregateError::InvalidSignature { index, source }) => {
            let line = sig_lines.get(index).copied().unwrap_or(0);
            let file = a.signatures.as_deref().unwrap_or(Path::new(""));
            return fail(
                "aggregate",
                "invalid signature",
                format!(
                    "signature {index} (line {line} of {}) does not verify for key {index}: {source}",
                    file.display()
                ),
                1,
            );
        }
        Err(
            e @ (AggregateError::Recursion(RecursionError::Child { .. })
            | AggregateError::ChildOtherMessageOrSlot { .. }),
        ) => return fail("aggregate", "invalid child", e, 1),
        Err(e @ (AggregateError::Prove(_) | AggregateError::Recursion(_))) => {
            return fail("aggregate", "internal error", e, 2);
        }
        Err(e) => return fail("aggregate", "cannot aggregate", e, 2),
    };
    let prove_ms = t.elapsed().as_secs_f64() * 1e3;
    let bytes = proof.to_bytes();
    if let Err(e) = std::fs::write(&a.out, &bytes) {
        return fail(
            "aggregate",
            "cannot write the proof",
            format!("{}: {e}", a.out.display()),
            2,
        );
    }
    println!(
        "aggregated {} signatures and {} children ({} keys in all; {} configuration, slot {}, \
         log_inv_rate {}, ISA {isa})",
        keys.len(),
        children.len(),
        keys.len() + children.iter().map(|(_, k)| k.len()).sum::<usize>(),
        a.config,
        a.slot,
        a.log_inv_rate
    );
    println!(
        "proof: {} bytes written to {}",
        bytes.len(),
        a.out.display()
    );
    println!("prove: {prove_ms:.1} ms");
    ExitCode::SUCCESS
}

/// How a [`VerifyError`] maps to an exit status: 2 when the inputs cannot be interpreted (the
/// header does not decode, the slot is outside the lifetime, no keys), 1 when a well-formed
/// proof does not prove this statement.
pub fn verify_exit_code(e: &VerifyError) -> u8 {
    match e {
        VerifyError::Empty
        | VerifyError::Header(_)
        | VerifyError::BadLogInvRate(_)
        | VerifyError::SlotOutOfRange { .. }
        | VerifyError::Recursion(_) => 2,
        VerifyError::WrongConfig { .. }
        | VerifyError::KeyCount { .. }
        | VerifyError::TooMany { .. }
        | VerifyError::OtherMessageOrSlot
        | VerifyError::Rejected(_) => 1,
    }
}

/// Runs `multisig verify`.
pub fn run_verify(a: &VerifyArgs) -> ExitCode {
    let inputs = (|| {
        Isa::selected().map_err(|e| e.to_string())?;
        let message = read_message(&a.message)?;
        let (keys, _) = read_public_keys(&a.public_keys)?;
        let bytes = std::fs::read(&a.proof)
            .map_err(|e| format!("proof: cannot read {}: {e}", a.proof.display()))?;
        // The header is checked here so that an undecodable file is reported as malformed.
        rec_aggregation::type1::header_config(&bytes).map_err(|e| format!("proof: {e}"))?;
        Ok::<_, String>((message, keys, bytes))
    })();
    let (message, keys, bytes) = match inputs {
        Ok(x) => x,
        Err(e) => return fail("verify", "malformed input", e, 2),
    };
    let t = Instant::now();
    match verify_type_1(a.config, &keys, &message, a.slot, &bytes, &a.policy()) {
        Ok(()) => {
            println!(
                "valid: {} signatures ({} configuration, slot {}), verified in {:.1} ms",
                keys.len(),
                a.config,
                a.slot,
                t.elapsed().as_secs_f64() * 1e3
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = verify_exit_code(&e);
            let what = if code == 1 {
                "invalid proof"
            } else {
                "malformed input"
            };
            fail("verify", what, e, code)
        }
    }
}
