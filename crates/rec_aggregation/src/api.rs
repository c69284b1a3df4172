//! The public aggregation API: [`aggregate`] N signatures on one message and slot into an
//! [`AggregateProof`], and [`verify`] proof bytes against the ordered list of public keys.
//!
//! # Proof system
//! Aggregates are proved with `lean_prover::v2`: one stacked WHIR commitment, LogUp by GKR,
//! the AIR sumcheck, at least 124 provable bits with [`statement::params_v2`]. (The FRI/DEEP-ALI
//! STARK of earlier versions was removed: it was no faster, its proofs 2.6-3.1 times larger and
//! 24 bits weaker; `BENCHMARKS.md`.)
//!
//! # Proof bytes
//! `"XAGG"` (4 bytes) | format version (u16 LE) | configuration (u8: 0 prod, 1 test) |
//! `log_inv_rate` (u8) | parameters (u8) | number of signatures `N` (u32 LE) | message (32
//! bytes) | slot (u32 LE) | the `lean_prover` v2 proof ([`HEADER_LEN`] = 49 header bytes).
//! The message and slot are in the header so that a merge can read each part's statement
//! (the client's merge call passes the parts' keys only); [`verify`] checks them against the
//! caller's, and the proof is bound to the caller's anyway.
//! * Version [`PROOF_VERSION`] (9); the parameters byte is 0 (the standard schedule of
//!   [`statement::params_v2`], the only one accepted). Earlier versions are refused: 3 (FRI
//!   proofs), 4 (v2 before the committed table was rotated and its padding blocks left out
//!   of the first oracle), 5 (AIR digests that still described the FRI STARK's LogUp
//!   columns), 6 (WHIR claims only for the distinct queries, sorted: a number and order
//!   that depend on the values drawn, which a verifier inside a recursive proof cannot
//!   follow), 7 (no message and slot in the header) and 8 (public lookup lists absorbed
//!   element by element, not by their digests).
//!
//! The transcript observes the whole statement (configuration-dependent AIRs, message, slot,
//! and the ordered `(index, root, parameter)` key list), so a proof verifies only for the
//! exact message, slot, configuration and key order it was made for. The verifier derives
//! the parameters from the rate itself and computes their security; nothing but the rate is
//! read from the header.

use crate::header;
use crate::recursion::RecursionError;
use crate::statement::{self, Statement};
use backend::Isa;
use lean_prover::v2::{ErrorV2, PolicyV2, SecurityReportV2};
use xmss::{Config, PublicKey, Signature};

/// Magic bytes at the start of every aggregate proof.
pub const PROOF_MAGIC: [u8; 4] = *b"XAGG";
/// Format version of aggregates (9: the transcript binds public lookup lists by their
/// digests; the header names the message and slot; `lean_prover` v2 encoding 2, the first
/// WHIR oracle without the padding blocks, AIR digests without the FRI STARK's LogUp
/// columns, WHIR claims for every query drawn in the order drawn; 3 to 8 are refused).
pub const PROOF_VERSION: u16 = 9;
/// Length of the header before the `lean_prover` proof.
pub const HEADER_LEN: usize = 4 + 2 + 1 + 1 + 1 + 4 + 32 + 4;
/// Default `log2` of the inverse code rate (rate 1/4).
pub const DEFAULT_LOG_INV_RATE: usize = 2;
/// The rates an aggregate may use: `log2` of the inverse code rate from 1 (faster proving,
/// larger proofs) to 4.
pub const LOG_INV_RATE_RANGE: std::ops::RangeInclusive<usize> = 1..=4;

/// How to aggregate.
#[derive(Copy, Clone, Debug)]
pub struct AggregateOptions {
    /// The XMSS configuration of the keys and signatures.
    pub config: Config,
    /// `log2` of the inverse code rate, in [`LOG_INV_RATE_RANGE`]: 1 (faster proving, larger
    /// proofs) to 4.
    pub log_inv_rate: usize,
    /// Instruction set for every kernel; the proof bytes do not depend on it.
    pub isa: Isa,
}

impl AggregateOptions {
    /// `config`, rate 1/4, the process-wide instruction set
    /// (`MULTISIG_ISA` or the best available; scalar if that variable is invalid).
    pub fn new(config: Config) -> Self {
        AggregateOptions {
            config,
            log_inv_rate: DEFAULT_LOG_INV_RATE,
            isa: Isa::selected().unwrap_or_else(|_| Isa::scalar()),
        }
    }
}

/// Why no aggregate was produced.
#[derive(Debug, thiserror::Error)]
pub enum AggregateError {
    /// No signatures.
    #[error("nothing to aggregate: the key and signature lists are empty")]
    Empty,
    /// The two lists differ in length.
    #[error("{keys} public keys but {signatures} signatures")]
    LengthMismatch {
        /// Number of keys.
        keys: usize,
        /// Number of signatures.
        signatures: usize,
    },
    /// More signatures than one proof can hold with these parameters.
    #[error("{n} signatures exceed the maximum of {max} for log_inv_rate {log_inv_rate}")]
    TooMany {
        /// Requested.
        n: usize,
        /// Largest supported.
        max: usize,
        /// The rate asked for.
        log_inv_rate: usize,
    },
    /// `log_inv_rate` outside `1..=4`.
    #[error("log_inv_rate {0} is outside 1..=4")]
    BadLogInvRate(usize),
    /// The slot is not below the key lifetime.
    #[error("slot {slot} is outside the key lifetime 0..{lifetime}")]
    SlotOutOfRange {
        /// The slot.
        slot: u32,
        /// `2^h` of the configuration.
        lifetime: u64,
    },
    /// Signature `index` does not verify natively against key `index`.
    #[error("signature {index} is invalid: {source}")]
    InvalidSignature {
        /// Position in the input lists.
        index: usize,
        /// What the native verifier found.
        source: xmss::VerifyError,
    },
    /// More children than [`crate::children::MAX_CHILDREN`].
    #[error("{got} children exceed the maximum of {max}")]
    TooManyChildren {
        /// Children given.
        got: usize,
        /// The limit.
        max: usize,
    },
    /// A child is not a Type-1 aggregate, its keys do not match it, or its proof cannot be
    /// decoded.
    #[error("child {index}: {source}")]
    Child {
        /// The child's position.
        index: usize,
        /// What is wrong with it.
        source: VerifyError,
    },
    /// A child's tree of aggregates would make this one deeper than
    /// [`crate::children::MAX_DEPTH`] levels or larger than
    /// [`crate::children::MAX_TREE_NODES`] aggregates.
    #[error(
        "child {index} makes the tree deeper than {max_depth} levels or larger than {max_nodes} aggregates"
    )]
    TreeTooLarge {
        /// The child's position.
        index: usize,
        /// The depth limit.
        max_depth: usize,
        /// The size limit.
        max_nodes: usize,
    },
    /// A child is for another configuration or rate than the aggregate.
    #[error("child {index} is for another configuration or rate")]
    ChildOtherParameters {
        /// The child's position.
        index: usize,
    },
    /// A child is for another message or slot than the aggregate.
    #[error("child {index} is for another message or slot")]
    ChildOtherMessageOrSlot {
        /// The child's position.
        index: usize,
    },
    /// A child does not verify, or the recursive proof failed.
    #[error("{0}")]
    Recursion(#[from] RecursionError),
    /// The prover failed (a bug if the signatures passed native verification).
    #[error("prover failed: {0}")]
    Prove(ErrorV2),
}

/// Why proof bytes were not accepted.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// No public keys.
    #[error("no public keys given")]
    Empty,
    /// Shorter than the header, wrong magic or unknown version.
    #[error("malformed aggregate proof header: {0}")]
    Header(&'static str),
    /// The proof was made for another configuration.
    #[error("proof is for the {proof} configuration, {expected} was expected")]
    WrongConfig {
        /// The configuration named in the proof.
        proof: &'static str,
        /// The one the caller asked for.
        expected: &'static str,
    },
    /// The proof covers a different number of signatures than keys were given.
    #[error("proof covers {proof} signatures but {keys} public keys were given")]
    KeyCount {
        /// `N` in the proof header.
        proof: usize,
        /// Keys given.
        keys: usize,
    },
    /// The header names another message or slot than the caller's (the proof itself is
    /// bound to them too: a header edited to match is rejected by the proof).
    #[error("the proof is for another message or slot")]
    OtherMessageOrSlot,
    /// `log_inv_rate` in the header is outside `1..=4`.
    #[error("proof header names log_inv_rate {0}, outside 1..=4")]
    BadLogInvRate(usize),
    /// The slot is not below the key lifetime.
    #[error("slot {slot} is outside the key lifetime 0..{lifetime}")]
    SlotOutOfRange {
        /// The slot.
        slot: u32,
        /// `2^h` of the configuration.
        lifetime: u64,
    },
    /// More keys than any proof can cover.
    #[error("{n} keys exceed the maximum of {max}")]
    TooMany {
        /// Keys given.
        n: usize,
        /// Largest supported.
        max: usize,
    },
    /// The proof is malformed, its parameters below the policy (the figure is recomputed from
    /// the parameters, never read from the proof: [`ErrorV2::Policy`]), or it is invalid for
    /// this statement.
    #[error("proof rejected: {0}")]
    Rejected(ErrorV2),
    /// The children's verifications could not be recorded as a circuit (an aggregate with
    /// children; it does not happen for statements the parameters can prove).
    #[error("recursion: {0}")]
    Recursion(RecursionError),
}

/// An aggregate proof: header fields plus the `lean_prover` proof bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateProof {
    config: Config,
    log_inv_rate: usize,
    num_signatures: usize,
    message: [u8; 32],
    slot: u32,
    stark: Vec<u8>,
}

impl AggregateProof {
    /// The configuration the proof is for.
    pub fn config(&self) -> Config {
        self.config
    }

    /// `log2` of the inverse code rate used.
    pub fn log_inv_rate(&self) -> usize {
        self.log_inv_rate
    }

    /// Number of signatures covered.
    pub fn num_signatures(&self) -> usize {
        self.num_signatures
    }

    /// The message the signatures are on (as the header names it; [`verify`] checks it
    /// against the caller's).
    pub fn message(&self) -> &[u8; 32] {
        &self.message
    }

    /// The slot the signatures are for (as the header names it).
    pub fn slot(&self) -> u32 {
        self.slot
    }

    /// The `lean_prover` v2 proof bytes after the header.
    pub fn proof_bytes(&self) -> &[u8] {
        &self.stark
    }

    /// The serialized proof (see the module docs for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + self.stark.len());
        header::write_prologue(
            &mut out,
            &PROOF_MAGIC,
            PROOF_VERSION,
            self.config,
            self.log_inv_rate,
        );
        out.extend_from_slice(&(self.num_signatures as u32).to_le_bytes());
        out.extend_from_slice(&self.message);
        out.extend_from_slice(&self.slot.to_le_bytes());
        out.extend_from_slice(&self.stark);
        out
    }

    /// Parses the header of `bytes` (the STARK part is checked by [`verify`]).
    ///
    /// # Errors
    /// [`VerifyError::Header`] or [`VerifyError::BadLogInvRate`].
    pub fn from_bytes(bytes: &[u8]) -> Result<AggregateProof, VerifyError> {
        let (config, log_inv_rate) = header::read_prologue(bytes, &PROOF_MAGIC, PROOF_VERSION)?;
        if bytes.len() < HEADER_LEN {
            return Err(VerifyError::Header("shorter than the header"));
        }
        let n = u32::from_le_bytes([bytes[9], bytes[10], bytes[11], bytes[12]]) as usize;
        if n == 0 {
            return Err(VerifyError::Header("zero signatures"));
        }
        let mut message = [0u8; 32];
        message.copy_from_slice(&bytes[13..45]);
        let slot = u32::from_le_bytes([bytes[45], bytes[46], bytes[47], bytes[48]]);
        Ok(AggregateProof {
            config,
            log_inv_rate,
            num_signatures: n,
            message,
            slot,
            stark: bytes[HEADER_LEN..].to_vec(),
        })
    }
}

/// The largest number of signatures one proof can cover at `log_inv_rate` in `config`
/// ([`statement::max_signatures_v2`]; 0 for a rate outside [`LOG_INV_RATE_RANGE`]).
pub fn max_signatures(config: Config, log_inv_rate: usize) -> usize {
    if !LOG_INV_RATE_RANGE.contains(&log_inv_rate) {
        return 0;
    }
    statement::max_signatures_v2(config, log_inv_rate)
}

/// The security of the parameters ([`statement::params_v2`]) of an aggregate of `n`
/// signatures at `log_inv_rate` in `config`, every term with its theorem: what the prover uses
/// and the verifier recomputes (the parameters depend only on the rate, the figures on the
/// configuration and `n`, never on the keys or the message).
///
/// # Errors
/// The `lean_prover` v2 error when no proof of that size can be made (more than
/// [`max_signatures`] signatures, a rate outside the range).
pub fn security(
    config: Config,
    n: usize,
    log_inv_rate: usize,
) -> Result<SecurityReportV2, ErrorV2> {
    Statement::placeholder(config, n).security_v2(&statement::params_v2(log_inv_rate))
}

/// Aggregates `signatures[i]` by `public_keys[i]` on `message` and `slot`.
///
/// Every signature is first checked natively (batch verification); an invalid one is
/// refused with [`AggregateError::InvalidSignature`] naming its index. Duplicate keys and
/// `N = 1` are fine. Aggregates that fold in children proofs are
/// [`crate::children::aggregate_with_children`]'s.
///
/// # Errors
/// See [`AggregateError`].
pub fn aggregate(
    public_keys: &[PublicKey],
    signatures: &[Signature],
    message: &[u8; 32],
    slot: u32,
    options: &AggregateOptions,
) -> Result<AggregateProof, AggregateError> {
    if public_keys.is_empty() && signatures.is_empty() {
        return Err(AggregateError::Empty);
    }
    check_raw(public_keys, signatures, message, slot, options)?;
    let config = options.config;
    let st = Statement::new(config, message, slot, public_keys);
    let params = statement::params_v2(options.log_inv_rate);
    let stark = statement::Witness::generate(&st, options.isa, signatures)
        .prove_v2(&st, &params, options.isa)
        .map_err(AggregateError::Prove)?
        .to_bytes();
    Ok(AggregateProof {
        config,
        log_inv_rate: options.log_inv_rate,
        num_signatures: public_keys.len(),
        message: *message,
        slot,
        stark,
    })
}

/// Checks raw signatures before they are proved (empty lists pass: the caller decides
/// whether an aggregate may have none): equal lengths, the rate, the slot, the count, and
/// every signature natively (batch verification).
///
/// # Errors
/// [`AggregateError::LengthMismatch`], [`AggregateError::BadLogInvRate`],
/// [`AggregateError::SlotOutOfRange`], [`AggregateError::TooMany`] or
/// [`AggregateError::InvalidSignature`] naming the first invalid signature.
pub(crate) fn check_raw(
    public_keys: &[PublicKey],
    signatures: &[Signature],
    message: &[u8; 32],
    slot: u32,
    options: &AggregateOptions,
) -> Result<(), AggregateError> {
    let config = options.config;
    if public_keys.len() != signatures.len() {
        return Err(AggregateError::LengthMismatch {
            keys: public_keys.len(),
            signatures: signatures.len(),
        });
    }
    if !LOG_INV_RATE_RANGE.contains(&options.log_inv_rate) {
        return Err(AggregateError::BadLogInvRate(options.log_inv_rate));
    }
    if slot as u64 >= config.lifetime() {
        return Err(AggregateError::SlotOutOfRange {
            slot,
            lifetime: config.lifetime(),
        });
    }
    let max = max_signatures(config, options.log_inv_rate);
    if public_keys.len() > max {
        return Err(AggregateError::TooMany {
            n: public_keys.len(),
            max,
            log_inv_rate: options.log_inv_rate,
        });
    }
    let items: Vec<(&PublicKey, &Signature)> = public_keys.iter().zip(signatures).collect();
    for (index, r) in xmss::verify_batch(options.isa, config, message, slot, &items)
        .into_iter()
        .enumerate()
    {
        if let Err(source) = r {
            return Err(AggregateError::InvalidSignature { index, source });
        }
    }
    Ok(())
}

/// Verifies aggregate proof `bytes` for `public_keys` (in order), `message` and `slot`
/// in `config`, accepting only proofs whose parameters meet `policy`.
///
/// The header names the rate the parameters were derived for; the verifier derives the same
/// parameters, computes their security itself with the calculator and refuses a proof below
/// the policy before checking it ([`PolicyV2::DEFAULT`]: 124 provable bits, which the
/// parameters give at every rate).
///
/// # Errors
/// See [`VerifyError`]; every malformed input is an error, never a panic.
pub fn verify(
    config: Config,
    public_keys: &[PublicKey],
    message: &[u8; 32],
    slot: u32,
    bytes: &[u8],
    policy: &PolicyV2,
) -> Result<(), VerifyError> {
    if public_keys.is_empty() {
        return Err(VerifyError::Empty);
    }
    let proof = AggregateProof::from_bytes(bytes)?;
    header::check_named(
        proof.config,
        proof.num_signatures,
        config,
        public_keys,
        slot,
    )?;
    let max = max_signatures(config, proof.log_inv_rate);
    if public_keys.len() > max {
        return Err(VerifyError::TooMany {
            n: public_keys.len(),
            max,
        });
    }
    if proof.message != *message || proof.slot != slot {
        return Err(VerifyError::OtherMessageOrSlot);
    }
    let isa = Isa::selected().unwrap_or_else(|_| Isa::scalar());
    Statement::new(config, message, slot, public_keys)
        .verify_v2_bytes(
            isa,
            &statement::params_v2(proof.log_inv_rate),
            policy,
            &proof.stark,
        )
        .map_err(VerifyError::Rejected)
}
