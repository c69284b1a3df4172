//! Type-2 proofs: one recursive proof that several Type-1 aggregates verify, each for its own
//! (message, slot) and ordered key list, bound to the ordered list of components.
//!
//! [`merge`] decodes the parts (Type-1 aggregate bytes, whose header names the message and
//! slot, with their keys), records the verification of every part's proof on one circuit
//! ([`crate::recursion`]) and proves it at the aggregates' default parameters (124 provable
//! bits). [`verify_type_2`] checks a Type-2 proof against the caller's components (messages,
//! slots and key lists, in order) alone: it derives the circuit's lists from their statements
//! and verifies the outer proof; the header's copy of each message and slot must match.
//!
//! # Bytes
//! `"XT2A"` | version (u16 LE, [`TYPE2_VERSION`]) | configuration (u8: 0 prod, 1 test) |
//! the parts' `log_inv_rate` (u8) | the outer proof's `log_inv_rate` (u8) | number of
//! components `K` (u16 LE) | per component: message (32 bytes), slot (u32 LE), number of keys
//! (u32 LE), its shape (a kind byte, 0 for a plain aggregate, 1 for one with children followed
//! by its tree of key counts and claims, 2 for a split followed by its Type-2's description:
//! `crate::children`'s format) | per component the claimed bus challenges `(alpha, beta)` of
//! its verification (two elements of `K`, [`crate::claims`]: the verifier computes each part's public-lookup
//! balance itself, `crate::circuit`'s deferred balances) | the outer `lean_prover` v2 proof.
//!
//! # Limits
//! At most [`MAX_COMPONENTS`] components, each with at most [`crate::max_signatures`] raw
//! signatures in every aggregate of its tree; every component's (message, slot) pair
//! distinct; every part at the same configuration and rate. Duplicate keys are allowed, within
//! a component and across components, and kept.
//!
//! Parts may be Type-1 aggregates with children ([`crate::children`]): each component's
//! shape (its tree of key counts and claims) is in the header, and the verifier derives its
//! statement from it and the caller's keys.
//!
//! A component is split back out by [`crate::split`]. Not reached yet: the speed the issue
//! asks of a block (`docs/recursion.md`, "What is left").

use crate::api::{LOG_INV_RATE_RANGE, VerifyError};
use crate::children::TYPE2_OUTER_LOG_INV_RATE;
pub use crate::children::{Component, MAX_COMPONENTS};
use crate::children::{
    MAX_DEPTH, MAX_TREE_NODES, ReadPart, TreeBudget, Type1Statement, decode_components,
    decode_parts, encode_components, read_part,
};
use crate::in_order::in_order;
use crate::recursion::{
    RecursionError, prove_verifications, record_verifications, verify_verifications,
};
use crate::statement::params_v2;
use backend::Isa;
use backend::field::Ext5;
use lean_prover::v2::PolicyV2;
use rayon::prelude::*;
use xmss::{Config, PublicKey};

/// Magic bytes at the start of every Type-2 proof.
pub const TYPE2_MAGIC: [u8; 4] = *b"XT2A";
/// Format version of Type-2 proofs (3: parts of either kind of Type-1, their shapes in the
/// header; the parts' public-lookup balances deferred to the verifier, their challenges
/// claimed in the header; 2: the transcripts bind public lookup lists by their digests, as
/// aggregate format 9 does; 1 and 2 are refused).
pub const TYPE2_VERSION: u16 = 3;
/// Bytes of the fixed header (before the components).
const FIXED_HEADER: usize = 4 + 2 + 1 + 1 + 1 + 2;

/// A Type-2 proof: header fields and the outer proof bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Type2Proof {
    config: Config,
    log_inv_rate: usize,
    components: Vec<Component>,
    claims: Vec<Ext5>,
    proof: Vec<u8>,
}

/// Why a merge failed or a Type-2 proof was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum Type2Error {
    /// No components.
    #[error("no components")]
    Empty,
    /// More components than [`MAX_COMPONENTS`].
    #[error("{got} components exceed the maximum of {max}")]
    TooManyComponents {
        /// Components given.
        got: usize,
        /// The limit.
        max: usize,
    },
    /// A part is not a Type-1 aggregate, or its keys do not match it.
    #[error("part {index}: {source}")]
    Part {
        /// The part.
        index: usize,
        /// What is wrong with it.
        source: VerifyError,
    },
    /// A part's tree of aggregates would make the Type-2 deeper than
    /// [`crate::children::MAX_DEPTH`] levels or larger than
    /// [`crate::children::MAX_TREE_NODES`] aggregates.
    #[error("part {index} makes the tree deeper or larger than the limits")]
    TreeTooLarge {
        /// The part.
        index: usize,
    },
    /// Parts of different configurations or rates.
    #[error("part {index} is for another configuration or rate than part 0")]
    MixedParts {
        /// The part.
        index: usize,
    },
    /// Two components for the same (message, slot).
    #[error("components {first} and {second} are for the same message and slot")]
    DuplicateStatement {
        /// The first.
        first: usize,
        /// The second.
        second: usize,
    },
    /// Malformed Type-2 bytes.
    #[error("malformed Type-2 proof: {0}")]
    Header(&'static str),
    /// The proof's components differ from the caller's (number, message, slot or key count),
    /// or a caller's component cannot be a statement (no keys, too many, slot outside the
    /// lifetime).
    #[error("component {index} of the proof is not the caller's")]
    OtherComponent {
        /// The first component that differs (the count, if the numbers differ).
        index: usize,
    },
    /// The recursive proof failed or was rejected.
    #[error("{0}")]
    Recursion(#[from] RecursionError),
}

impl Type2Proof {
    /// The configuration of the components.
    pub fn config(&self) -> Config {
        self.config
    }

    /// The components, in order.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// `log2` of the inverse code rate of the parts.
    pub fn log_inv_rate(&self) -> usize {
        self.log_inv_rate
    }

    /// The claimed bus challenges of the parts' verifications (`(alpha, beta)` per part).
    pub fn claims(&self) -> &[Ext5] {
        &self.claims
    }

    /// The outer `lean_prover` v2 proof bytes.
    pub fn proof_bytes(&self) -> &[u8] {
        &self.proof
    }

    /// The serialized proof (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(FIXED_HEADER + 64 * self.components.len() + self.proof.len());
        out.extend_from_slice(&TYPE2_MAGIC);
        out.extend_from_slice(&TYPE2_VERSION.to_le_bytes());
        out.push(match self.config {
            Config::Prod => 0,
            Config::Test => 1,
        });
        out.push(self.log_inv_rate as u8);
        out.push(TYPE2_OUTER_LOG_INV_RATE as u8);
        encode_components(&self.components, &self.claims, &mut out);
        out.extend_from_slice(&self.proof);
        out
    }

    /// Parses the header of `bytes` (the outer proof is checked by [`verify_type_2`]).
    ///
    /// # Errors
    /// [`Type2Error::Header`] or [`Type2Error::TooManyComponents`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Type2Proof, Type2Error> {
        if bytes.len() < FIXED_HEADER {
            return Err(Type2Error::Header("shorter than the header"));
        }
        if bytes[..4] != TYPE2_MAGIC {
            return Err(Type2Error::Header("bad magic"));
        }
        if u16::from_le_bytes([bytes[4], bytes[5]]) != TYPE2_VERSION {
            return Err(Type2Error::Header("unsupported version"));
        }
        let config = match bytes[6] {
            0 => Config::Prod,
            1 => Config::Test,
            _ => return Err(Type2Error::Header("unknown configuration")),
        };
        let log_inv_rate = bytes[7] as usize;
        if !LOG_INV_RATE_RANGE.contains(&log_inv_rate) {
            return Err(Type2Error::Header("the parts' rate is outside 1..=4"));
        }
        if bytes[8] as usize != TYPE2_OUTER_LOG_INV_RATE {
            return Err(Type2Error::Header("unknown outer rate"));
        }
        let k = u16::from_le_bytes([bytes[9], bytes[10]]) as usize;
        check_count(k)?;
        let mut at = FIXED_HEADER - 2;
        let mut nodes = MAX_TREE_NODES - 1;
        let (components, claims) = decode_components(bytes, &mut at, MAX_DEPTH - 1, &mut nodes)
            .map_err(|e| match e {
                VerifyError::Header(what) => Type2Error::Header(what),
                _ => Type2Error::Header("malformed components"),
            })?;
        Ok(Type2Proof {
            config,
            log_inv_rate,
            components,
            claims,
            proof: bytes[at..].to_vec(),
        })
    }
}

fn check_count(k: usize) -> Result<(), Type2Error> {
    match k {
        0 => Err(Type2Error::Empty),
        k if k > MAX_COMPONENTS => Err(Type2Error::TooManyComponents {
            got: k,
            max: MAX_COMPONENTS,
        }),
        _ => Ok(()),
    }
}

fn check_distinct(statements: &[([u8; 32], u32)]) -> Result<(), Type2Error> {
    for (second, s) in statements.iter().enumerate() {
        if let Some(first) = statements[..second].iter().position(|t| t == s) {
            return Err(Type2Error::DuplicateStatement { first, second });
        }
    }
    Ok(())
}

/// Merges Type-1 aggregates (`parts[i]`: its bytes and its ordered key list) with distinct
/// (message, slot) pairs, in the order given, into one Type-2 proof.
///
/// # Errors
/// [`Type2Error`] naming the part, the limit or the step that failed (a part whose proof does
/// not verify is [`RecursionError::Child`]).
pub fn merge(isa: Isa, parts: &[(&[u8], &[PublicKey])]) -> Result<Type2Proof, Type2Error> {
    check_count(parts.len())?;
    let mut read: Vec<ReadPart<'_>> = Vec::with_capacity(parts.len());
    let mut budget = TreeBudget::new();
    for (index, (bytes, keys)) in parts.iter().enumerate() {
        let p = read_part(bytes, keys).map_err(|source| Type2Error::Part { index, source })?;
        if let Some(first) = read.first()
            && (first.proof.config() != p.proof.config()
                || first.proof.log_inv_rate() != p.proof.log_inv_rate())
        {
            return Err(Type2Error::MixedParts { index });
        }
        if !budget.admit(&p.shape) {
            return Err(Type2Error::TreeTooLarge { index });
        }
        read.push(p);
    }
    let pairs: Vec<([u8; 32], u32)> = read
        .iter()
        .map(|p| (*p.proof.message(), p.proof.slot()))
        .collect();
    check_distinct(&pairs)?;
    let (config, log_inv_rate) = (read[0].proof.config(), read[0].proof.log_inv_rate());
    let children = decode_parts(isa, config, log_inv_rate, &read)
        .map_err(|(index, source)| Type2Error::Part { index, source })?;
    let refs: Vec<_> = children.iter().map(|(s, p)| (s, p)).collect();
    let circuit = record_verifications(isa, log_inv_rate, &refs)?;
    let (proof, _) = prove_verifications(isa, &circuit, &params_v2(TYPE2_OUTER_LOG_INV_RATE))?;
    let claims = circuit.claims();
    Ok(Type2Proof {
        config,
        log_inv_rate,
        components: read
            .into_iter()
            .map(|p| Component {
                message: *p.proof.message(),
                slot: p.proof.slot(),
                num_keys: p.keys.len(),
                shape: p.shape,
            })
            .collect(),
        claims,
        proof: proof.to_bytes(),
    })
}

/// Verifies Type-2 `bytes` against the caller's components (`parts[i]`: message, slot and
/// ordered key list, in order) in `config`, refusing outer parameters below `policy`.
///
/// # Errors
/// [`Type2Error`]: a malformed header, components other than the caller's (count, message,
/// slot, key count), a rejected outer proof (another key list or order among them).
pub fn verify_type_2(
    isa: Isa,
    config: Config,
    parts: &[([u8; 32], u32, &[PublicKey])],
    bytes: &[u8],
    policy: &PolicyV2,
) -> Result<(), Type2Error> {
    let proof = Type2Proof::from_bytes(bytes)?;
    let statements = component_statements(isa, config, parts, &proof)?;
    let refs: Vec<&Type1Statement> = statements.iter().collect();
    verify_verifications(
        isa,
        proof.log_inv_rate,
        &refs,
        &proof.claims,
        &params_v2(TYPE2_OUTER_LOG_INV_RATE),
        policy,
        &proof.proof,
    )?;
    Ok(())
}

/// The statements of `proof`'s components for the caller's `parts` (message, slot and keys
/// of each, in order), after checking that they are the header's (count, message, slot, key
/// count), within the limits, distinct and in `config`.
///
/// # Errors
/// [`Type2Error`] naming the first component that differs or cannot be a statement.
pub(crate) fn component_statements(
    isa: Isa,
    config: Config,
    parts: &[([u8; 32], u32, &[PublicKey])],
    proof: &Type2Proof,
) -> Result<Vec<Type1Statement>, Type2Error> {
    check_count(parts.len())?;
    if proof.config != config {
        return Err(Type2Error::Header("another configuration"));
    }
    if proof.components.len() != parts.len() {
        return Err(Type2Error::OtherComponent {
            index: proof.components.len().min(parts.len()),
        });
    }
    for (index, (c, (message, slot, keys))) in proof.components.iter().zip(parts).enumerate() {
        if c.message != *message || c.slot != *slot || c.num_keys != keys.len() || keys.is_empty() {
            return Err(Type2Error::OtherComponent { index });
        }
    }
    let pairs: Vec<([u8; 32], u32)> = parts.iter().map(|(m, s, _)| (*m, *s)).collect();
    check_distinct(&pairs)?;
    in_order(parts.par_iter().zip(&proof.components).enumerate().map(
        |(index, ((message, slot, keys), c))| {
            Type1Statement::derive(
                isa,
                config,
                proof.log_inv_rate,
                message,
                *slot,
                keys,
                &c.shape,
            )
            .map_err(|source| Type2Error::Part { index, source })
        },
    ))
}
