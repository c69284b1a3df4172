//! The public aggregation API: [`aggregate`] N signatures on one message and slot into an
//! [`AggregateProof`], and [`verify`] proof bytes against the ordered list of public keys.
//!
//! # Proof systems
//! Aggregates are made with [`ProofSystem::V2`] unless the options ask otherwise: one stacked
//! WHIR commitment, LogUp by GKR, the AIR sumcheck (`lean_prover::v2`), at least 124 provable
//! bits with [`statement::params_v2`]. [`ProofSystem::Fri`] (the FRI/DEEP-ALI STARK,
//! `lean_prover`'s first proof system, at most about 100 provable bits and proofs 2.4 to 2.8
//! times larger) stays available until it is removed. [`verify`] accepts both.
//!
//! # Proof bytes
//! `"XAGG"` (4 bytes) | format version (u16 LE) | configuration (u8: 0 prod, 1 test) |
//! `log_inv_rate` (u8) | parameters (u8) | number of signatures `N` (u32 LE) | the
//! `lean_prover` proof.
//! * Version [`PROOF_VERSION_V2`] (5): a v2 proof; the parameters byte is 0 (the standard
//!   schedule of [`statement::params_v2`], the only one accepted). Version 4 (v2 before the
//!   committed table was rotated and its padding blocks left out of the first oracle) is
//!   refused.
//! * Version [`PROOF_VERSION`] (3): a FRI proof; the parameters byte is the security level
//!   (0 conjectured, 1 provable).
//!
//! Either transcript observes the whole statement (configuration-dependent AIRs, message,
//! slot, and the ordered `(index, root, parameter)` key list), so a proof verifies only for
//! the exact message, slot, configuration and key order it was made for. The verifier derives
//! the parameters from the rate (and level) itself and computes their security; nothing but
//! the choice among the accepted parameter sets is read from the header.

use crate::statement::{self, SecurityLevel, Statement};
use backend::Isa;
use lean_prover::params::ParamsError;
use lean_prover::{PolicyError, SecurityPolicy, SecurityReport, StarkParams};
use xmss::{Config, PublicKey, Signature};

/// Magic bytes at the start of every aggregate proof.
pub const PROOF_MAGIC: [u8; 4] = *b"XAGG";
/// Format version of FRI aggregates (3: `lean_prover` encoding 3, with grinding before the
/// bus challenges; earlier versions are refused).
pub const PROOF_VERSION: u16 = 3;
/// Format version of proof-system-v2 aggregates (the default; 5: `lean_prover` v2 encoding
/// 2, the first WHIR oracle without the padding blocks; 4 is refused).
pub const PROOF_VERSION_V2: u16 = 5;
/// The parameters byte of a v2 aggregate: the standard schedule ([`statement::params_v2`]).
const V2_STANDARD_SCHEDULE: u8 = 0;
/// Length of the header before the `lean_prover` proof.
pub const HEADER_LEN: usize = 4 + 2 + 1 + 1 + 1 + 4;
/// Default `log2` of the inverse FRI rate (rate 1/4).
pub const DEFAULT_LOG_INV_RATE: usize = 2;

/// The proof system an aggregate is made with.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum ProofSystem {
    /// The default: proof system v2 (stacked WHIR, GKR LogUp, AIR sumcheck), at least 124
    /// provable bits with [`statement::params_v2`]; up to
    /// [`statement::max_signatures_v2`] signatures (9,039 in prod at rate 1/4).
    #[default]
    V2,
    /// The FRI/DEEP-ALI STARK at [`AggregateOptions::security`] (at most about 100 provable
    /// bits; larger proofs). Kept until it is removed.
    Fri,
}

/// How to aggregate.
#[derive(Copy, Clone, Debug)]
pub struct AggregateOptions {
    /// The XMSS configuration of the keys and signatures.
    pub config: Config,
    /// `log2` of the inverse FRI rate: 1 (faster proving, larger proofs) to 4.
    pub log_inv_rate: usize,
    /// Instruction set for every kernel; the proof bytes do not depend on it.
    pub isa: Isa,
    /// The proof system.
    pub proof_system: ProofSystem,
    /// With [`ProofSystem::Fri`]: the soundness target the number of FRI queries is chosen
    /// for (v2's parameters are fixed by the rate).
    pub security: SecurityLevel,
}

impl AggregateOptions {
    /// `config`, rate 1/4, proof system v2, the process-wide instruction set
    /// (`MULTISIG_ISA` or the best available; scalar if that variable is invalid).
    pub fn new(config: Config) -> Self {
        AggregateOptions {
            config,
            log_inv_rate: DEFAULT_LOG_INV_RATE,
            isa: Isa::selected().unwrap_or_else(|_| Isa::scalar()),
            proof_system: ProofSystem::default(),
            security: SecurityLevel::default(),
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
    /// The security level cannot be reached for this `N` and rate.
    #[error(transparent)]
    Security(#[from] SecurityUnreachable),
    /// Children (recursive) proofs are not supported yet.
    #[error("aggregating children proofs is not supported yet ({0} given)")]
    ChildrenNotSupported(usize),
    /// The prover failed (a bug if the signatures passed native verification).
    #[error("prover failed: {0}")]
    Prove(#[from] lean_prover::ProveError),
    /// The v2 prover failed (a bug if the signatures passed native verification).
    #[error("v2 prover failed: {0}")]
    ProveV2(lean_prover::v2::ErrorV2),
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
    /// The parameters named by the header cannot reach the level it names for this `N`
    /// (no honest prover makes such a proof).
    #[error(transparent)]
    Security(#[from] SecurityUnreachable),
    /// The proof's parameters give less security than the verifier's policy asks for (the
    /// figures are recomputed from the parameters, never read from the proof).
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The STARK proof is invalid for this statement.
    #[error("proof rejected: {0}")]
    Rejected(#[from] lean_prover::VerifyError),
    /// The v2 proof is malformed, below the policy, or invalid for this statement.
    #[error("v2 proof rejected: {0}")]
    RejectedV2(lean_prover::v2::ErrorV2),
}

/// An aggregate proof: header fields plus the `lean_prover` proof bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateProof {
    system: ProofSystem,
    config: Config,
    log_inv_rate: usize,
    security: SecurityLevel,
    num_signatures: usize,
    stark: Vec<u8>,
}

impl AggregateProof {
    /// The configuration the proof is for.
    pub fn config(&self) -> Config {
        self.config
    }

    /// `log2` of the inverse FRI rate used.
    pub fn log_inv_rate(&self) -> usize {
        self.log_inv_rate
    }

    /// The proof system that made it.
    pub fn proof_system(&self) -> ProofSystem {
        self.system
    }

    /// For a FRI proof, the soundness target its parameters were chosen for (a v2 proof
    /// reports [`SecurityLevel::Provable`]: its parameters give at least 124 provable bits).
    pub fn security(&self) -> SecurityLevel {
        self.security
    }

    /// Number of signatures covered.
    pub fn num_signatures(&self) -> usize {
        self.num_signatures
    }

    /// The serialized proof (see the module docs for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + self.stark.len());
        out.extend_from_slice(&PROOF_MAGIC);
        let (version, parameters) = match self.system {
            ProofSystem::V2 => (PROOF_VERSION_V2, V2_STANDARD_SCHEDULE),
            ProofSystem::Fri => (PROOF_VERSION, self.security.tag()),
        };
        out.extend_from_slice(&version.to_le_bytes());
        out.push(config_tag(self.config));
        out.push(self.log_inv_rate as u8);
        out.push(parameters);
        out.extend_from_slice(&(self.num_signatures as u32).to_le_bytes());
        out.extend_from_slice(&self.stark);
        out
    }

    /// Parses the header of `bytes` (the STARK part is checked by [`verify`]).
    ///
    /// # Errors
    /// [`VerifyError::Header`] or [`VerifyError::BadLogInvRate`].
    pub fn from_bytes(bytes: &[u8]) -> Result<AggregateProof, VerifyError> {
        if bytes.len() < HEADER_LEN {
            return Err(VerifyError::Header("shorter than the header"));
        }
        if bytes[..4] != PROOF_MAGIC {
            return Err(VerifyError::Header("bad magic"));
        }
        let system = match u16::from_le_bytes([bytes[4], bytes[5]]) {
            PROOF_VERSION_V2 => ProofSystem::V2,
            PROOF_VERSION => ProofSystem::Fri,
            _ => return Err(VerifyError::Header("unsupported version")),
        };
        let config = match bytes[6] {
            0 => Config::Prod,
            1 => Config::Test,
            _ => return Err(VerifyError::Header("unknown configuration")),
        };
        let log_inv_rate = bytes[7] as usize;
        if !lean_prover::params::LOG_INV_RATE_RANGE.contains(&log_inv_rate) {
            return Err(VerifyError::BadLogInvRate(log_inv_rate));
        }
        let security = match system {
            ProofSystem::V2 if bytes[8] == V2_STANDARD_SCHEDULE => SecurityLevel::Provable,
            ProofSystem::V2 => return Err(VerifyError::Header("unknown v2 parameters")),
            ProofSystem::Fri => SecurityLevel::from_tag(bytes[8])
                .ok_or(VerifyError::Header("unknown security level"))?,
        };
        let n = u32::from_le_bytes([bytes[9], bytes[10], bytes[11], bytes[12]]) as usize;
        if n == 0 {
            return Err(VerifyError::Header("zero signatures"));
        }
        Ok(AggregateProof {
            system,
            config,
            log_inv_rate,
            security,
            num_signatures: n,
            stark: bytes[HEADER_LEN..].to_vec(),
        })
    }
}

fn config_tag(config: Config) -> u8 {
    match config {
        Config::Prod => 0,
        Config::Test => 1,
    }
}

/// The largest number of signatures one proof of the default system (v2) can cover at
/// `log_inv_rate` in `config`.
pub fn max_signatures(config: Config, log_inv_rate: usize) -> usize {
    max_signatures_of(ProofSystem::V2, config, log_inv_rate)
}

/// The largest number of signatures one proof of `system` can cover at `log_inv_rate` in
/// `config`.
pub fn max_signatures_of(system: ProofSystem, config: Config, log_inv_rate: usize) -> usize {
    match system {
        ProofSystem::V2 => statement::max_signatures_v2(config, log_inv_rate),
        ProofSystem::Fri => statement::max_signatures(config, log_inv_rate),
    }
}

/// A security level that no number of FRI queries reaches for an aggregate of `n` signatures
/// at `log_inv_rate`, with the best figures reachable (at the largest number of queries).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "the {} security level is unreachable for N = {n} signatures at log_inv_rate {log_inv_rate}: the best reachable is {best_provable_bits:.1} provable / {best_conjectured_bits:.1} conjectured bits",
    level.name()
)]
pub struct SecurityUnreachable {
    /// Number of signatures.
    pub n: usize,
    /// The rate asked for.
    pub log_inv_rate: usize,
    /// The level asked for.
    pub level: SecurityLevel,
    /// Provable bits at the largest number of queries.
    pub best_provable_bits: f64,
    /// Conjectured bits at the largest number of queries.
    pub best_conjectured_bits: f64,
}

/// The parameters of a statement at a rate and level, or the typed error.
fn params_for(st: &Statement, log_inv_rate: usize) -> Result<StarkParams, SecurityUnreachable> {
    st.params(log_inv_rate).map_err(|e| {
        let (best_provable_bits, best_conjectured_bits) = match e {
            ParamsError::Unreachable {
                provable,
                conjectured,
                ..
            } => (provable, conjectured),
            ParamsError::OutOfRange { .. } => (0.0, 0.0),
        };
        SecurityUnreachable {
            n: st.n,
            log_inv_rate,
            level: st.security,
            best_provable_bits,
            best_conjectured_bits,
        }
    })
}

/// The STARK parameters and the conjectured and provable security of an aggregate of `n`
/// signatures (the parameters depend only on the configuration, `n`, the rate and the
/// level, never on the keys or the message): what the prover would use, without proving.
///
/// # Errors
/// [`SecurityUnreachable`] when no number of queries reaches `level`.
pub fn security(
    config: Config,
    n: usize,
    log_inv_rate: usize,
    level: SecurityLevel,
) -> Result<(StarkParams, SecurityReport), SecurityUnreachable> {
    let st = shape_statement(config, n, level);
    let params = params_for(&st, log_inv_rate)?;
    let report = params.security(&st.security_shape());
    Ok((params, report))
}

/// The security of the proof-system-v2 parameters ([`statement::params_v2`]) for an aggregate
/// of `n` signatures at `log_inv_rate` in `config`: what the prover uses and the verifier
/// recomputes.
///
/// # Errors
/// The `lean_prover` v2 error when no v2 proof of that size can be made (more than
/// [`statement::max_signatures_v2`] signatures, a rate outside the range).
pub fn security_v2(
    config: Config,
    n: usize,
    log_inv_rate: usize,
) -> Result<lean_prover::v2::SecurityReportV2, lean_prover::v2::ErrorV2> {
    shape_statement(config, n, SecurityLevel::default())
        .security_v2(&statement::params_v2(log_inv_rate))
}

/// The security shape of every aggregate of `n` signatures in `config` (table heights,
/// constraints, bus fractions): what [`security`] evaluates the parameters on.
pub fn security_shape(config: Config, n: usize) -> lean_prover::SecurityShape {
    shape_statement(config, n, SecurityLevel::default()).security_shape()
}

/// A statement of `n` placeholder keys: the shape (and so the parameters) of every aggregate
/// of `n` signatures.
fn shape_statement(config: Config, n: usize, level: SecurityLevel) -> Statement {
    let mut st = Statement::placeholder(config, n);
    st.security = level;
    st
}

/// Aggregates `signatures[i]` by `public_keys[i]` on `message` and `slot`.
///
/// Every signature is first checked natively (batch verification); an invalid one is
/// refused with [`AggregateError::InvalidSignature`] naming its index. Duplicate keys and
/// `N = 1` are fine.
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
    aggregate_with_children(public_keys, signatures, &[], message, slot, options)
}

/// [`aggregate`] with children proofs to fold in: not supported yet, any child is refused
/// with [`AggregateError::ChildrenNotSupported`].
///
/// # Errors
/// See [`AggregateError`].
pub fn aggregate_with_children(
    public_keys: &[PublicKey],
    signatures: &[Signature],
    children: &[&[u8]],
    message: &[u8; 32],
    slot: u32,
    options: &AggregateOptions,
) -> Result<AggregateProof, AggregateError> {
    if !children.is_empty() {
        return Err(AggregateError::ChildrenNotSupported(children.len()));
    }
    let config = options.config;
    if public_keys.is_empty() && signatures.is_empty() {
        return Err(AggregateError::Empty);
    }
    if public_keys.len() != signatures.len() {
        return Err(AggregateError::LengthMismatch {
            keys: public_keys.len(),
            signatures: signatures.len(),
        });
    }
    if !lean_prover::params::LOG_INV_RATE_RANGE.contains(&options.log_inv_rate) {
        return Err(AggregateError::BadLogInvRate(options.log_inv_rate));
    }
    if slot as u64 >= config.lifetime() {
        return Err(AggregateError::SlotOutOfRange {
            slot,
            lifetime: config.lifetime(),
        });
    }
    let max = max_signatures_of(options.proof_system, config, options.log_inv_rate);
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
    let mut st = Statement::new(config, message, slot, public_keys);
    st.security = options.security;
    let stark = match options.proof_system {
        ProofSystem::V2 => {
            let params = statement::params_v2(options.log_inv_rate);
            let witness = statement::Witness::generate(&st, options.isa, signatures);
            witness
                .prove_v2(&st, &params, options.isa)
                .map_err(AggregateError::ProveV2)?
                .to_bytes()
        }
        ProofSystem::Fri => {
            let params = params_for(&st, options.log_inv_rate)?;
            let witness = statement::Witness::generate(&st, options.isa, signatures);
            witness.prove(&st, &params, options.isa)?
        }
    };
    Ok(AggregateProof {
        system: options.proof_system,
        config,
        log_inv_rate: options.log_inv_rate,
        security: options.security,
        num_signatures: public_keys.len(),
        stark,
    })
}

/// Verifies aggregate proof `bytes` for `public_keys` (in order), `message` and `slot`
/// in `config`, accepting only proofs whose parameters meet `policy`.
///
/// The header names the proof system and the rate (and, for FRI, the level) the parameters
/// were derived for; the verifier derives the same parameters, computes their security itself
/// with the calculator and rejects a proof below the policy before checking it. A FRI proof's
/// figures are computed under the policy's assumption; a v2 proof's provable figure must meet
/// both the policy's provable and its conjectured minimum. [`SecurityPolicy::default`] (100
/// provable and 124 conjectured bits) refuses FRI proofs made at
/// [`SecurityLevel::Conjectured`] and accepts v2 proofs (124 provable bits).
///
/// # Errors
/// See [`VerifyError`]; every malformed input is an error, never a panic.
pub fn verify(
    config: Config,
    public_keys: &[PublicKey],
    message: &[u8; 32],
    slot: u32,
    bytes: &[u8],
    policy: &SecurityPolicy,
) -> Result<(), VerifyError> {
    if public_keys.is_empty() {
        return Err(VerifyError::Empty);
    }
    let proof = AggregateProof::from_bytes(bytes)?;
    if proof.config != config {
        return Err(VerifyError::WrongConfig {
            proof: proof.config.name(),
            expected: config.name(),
        });
    }
    if proof.num_signatures != public_keys.len() {
        return Err(VerifyError::KeyCount {
            proof: proof.num_signatures,
            keys: public_keys.len(),
        });
    }
    if slot as u64 >= config.lifetime() {
        return Err(VerifyError::SlotOutOfRange {
            slot,
            lifetime: config.lifetime(),
        });
    }
    let max = max_signatures_of(proof.system, config, proof.log_inv_rate);
    if public_keys.len() > max {
        return Err(VerifyError::TooMany {
            n: public_keys.len(),
            max,
        });
    }
    let mut st = Statement::new(config, message, slot, public_keys);
    if proof.system == ProofSystem::V2 {
        // The proven figure must meet both minimums: a conjectured figure is never below it.
        let policy_v2 = lean_prover::v2::PolicyV2 {
            min_provable_bits: policy.min_provable_bits.max(policy.min_conjectured_bits),
        };
        let isa = Isa::selected().unwrap_or_else(|_| Isa::scalar());
        let params = statement::params_v2(proof.log_inv_rate);
        return st
            .verify_v2_bytes(isa, &params, &policy_v2, &proof.stark)
            .map_err(VerifyError::RejectedV2);
    }
    st.security = proof.security;
    let params = params_for(&st, proof.log_inv_rate)?;
    policy.check(&params.security_with(&st.security_shape(), policy.assumption))?;
    st.verify(&params, &proof.stark)?;
    Ok(())
}
