//! Type-1 aggregates with children: one proof that raw signatures on a message and slot are
//! valid **and** that child Type-1 aggregates of the same message and slot verify, against the
//! key list made of the raw keys followed by each child's keys, in the order given. A child
//! may itself have children, or be a component split out of a Type-2 (up to [`MAX_DEPTH`]
//! levels).
//!
//! [`aggregate_with_children`] checks the raw signatures natively, decodes the children,
//! records each child's verification on one circuit ([`crate::recursion`]) and proves the
//! aggregation statement's tables (the raw signatures) and the circuit's tables in **one**
//! `lean_prover` v2 proof at the aggregate's rate (the two statements use disjoint buses, so
//! their tables and public lookup lists simply sit side by side). With no raw signatures the
//! proof is the circuit's alone. A child with children is verified like any child: its
//! statement ([`Type1Statement`]) is derived from its keys and shape, and the circuit defers
//! its public lists' balance to the verifier (`crate::circuit`'s deferred balances), so the
//! circuit does not grow with the child's circuit. [`verify_recursive`] (through `crate::verify_type_1`) checks a
//! Type-1 against the caller's flat key list, message and slot: it derives the statement from
//! the header's shape (the key counts and claims, recursively) and verifies the proof.
//!
//! The bytes are [`format`]'s.
//!
//! # Limits
//! At most [`MAX_CHILDREN`] children per aggregate, [`MAX_DEPTH`] levels and
//! [`MAX_TREE_NODES`] aggregates in a tree; the raw signatures of every aggregate at most
//! [`crate::max_signatures`] (checked by [`Type1Statement::derive`]); every child of the
//! aggregate's configuration, rate, message and slot.
//! Duplicate keys are allowed and kept, within the raw keys, across children and between
//! them (each child's keys stay in the flat list in their place).

mod format;
mod parts;
mod shape;
mod type1_statement;

pub use format::{
    NESTED_MAGIC, NESTED_VERSION, NestedProof, SPLIT_MAGIC, SPLIT_VERSION, SplitProof, Type1Proof,
};
pub(crate) use parts::{ReadPart, TreeBudget, decode_parts, read_part};
pub use shape::{
    Component, MAX_COMPONENTS, NestedShape, Shape, SplitShape, TYPE2_OUTER_LOG_INV_RATE,
};
pub(crate) use shape::{decode_components, encode_components};
pub use type1_statement::Type1Statement;

use crate::api::{AggregateError, AggregateOptions, VerifyError, aggregate, check_raw};
use crate::header::check_named;
use crate::recursion::{ChildStatement, RecursionError, record_verifications};
use crate::statement::{self, Statement};
use backend::Isa;
use lean_prover::v2::{PolicyV2, prove_v2, verify_v2_bytes};
use lean_prover::{PublicLookup, TableWitness};
use xmss::{Config, PublicKey, Signature};

/// Most children one aggregate folds in.
pub const MAX_CHILDREN: usize = 16;
/// Most levels of a tree of aggregates (a plain aggregate is one level, an aggregate whose
/// children are plain two; a split carries its Type-2, one level, and the Type-2's
/// components: a split merged again into a Type-2 adds three levels to its component's).
pub const MAX_DEPTH: usize = 8;
/// Most aggregates in one tree (the top one included): bounds the verifier's work, which
/// derives every nested child's statement.
pub const MAX_TREE_NODES: usize = 64;

/// Aggregates raw signatures (`signatures[i]` by `public_keys[i]`, possibly none) and child
/// Type-1 aggregates (`children[i]`: its bytes and its ordered key list) on `message` and
/// `slot` into one Type-1 proof whose key list is the raw keys followed by each child's keys.
/// Without children this is [`aggregate`] (the plain format); with children the format is
/// [`NestedProof`]'s.
///
/// # Errors
/// [`AggregateError`]: as [`aggregate`] for the raw signatures; for children a typed error
/// naming the child ([`AggregateError::Child`], [`AggregateError::TreeTooLarge`],
/// [`AggregateError::ChildOtherParameters`], [`AggregateError::ChildOtherMessageOrSlot`]),
/// [`AggregateError::TooManyChildren`], and a child whose proof does not verify as
/// [`AggregateError::Recursion`] ([`RecursionError::Child`]).
pub fn aggregate_with_children(
    public_keys: &[PublicKey],
    signatures: &[Signature],
    children: &[(&[u8], &[PublicKey])],
    message: &[u8; 32],
    slot: u32,
    options: &AggregateOptions,
) -> Result<Type1Proof, AggregateError> {
    if children.is_empty() {
        return aggregate(public_keys, signatures, message, slot, options).map(Type1Proof::Plain);
    }
    if children.len() > MAX_CHILDREN {
        return Err(AggregateError::TooManyChildren {
            got: children.len(),
            max: MAX_CHILDREN,
        });
    }
    check_raw(public_keys, signatures, message, slot, options)?;
    let (config, isa, rate) = (options.config, options.isa, options.log_inv_rate);
    let params = statement::params_v2(rate);
    let mut read = Vec::with_capacity(children.len());
    let mut budget = TreeBudget::new();
    for (index, (bytes, keys)) in children.iter().enumerate() {
        let child =
            read_part(bytes, keys).map_err(|source| AggregateError::Child { index, source })?;
        let p = &child.proof;
        if p.config() != config || p.log_inv_rate() != rate {
            return Err(AggregateError::ChildOtherParameters { index });
        }
        if p.message() != message || p.slot() != slot {
            return Err(AggregateError::ChildOtherMessageOrSlot { index });
        }
        if !budget.admit(&child.shape) {
            return Err(AggregateError::TreeTooLarge {
                index,
                max_depth: MAX_DEPTH,
                max_nodes: MAX_TREE_NODES,
            });
        }
        read.push(child);
    }
    let decoded = decode_parts(isa, config, rate, &read)
        .map_err(|(index, source)| AggregateError::Child { index, source })?;
    let refs: Vec<_> = decoded.iter().map(|(s, p)| (s, p)).collect();
    let circuit = record_verifications(isa, rate, &refs)?;
    let cst = circuit.statement(isa).map_err(RecursionError::from)?;
    let raw = (!public_keys.is_empty()).then(|| {
        let st = Statement::new(config, message, slot, public_keys);
        let witness = statement::Witness::generate(&st, isa, signatures);
        (st, witness)
    });
    let mut tables: Vec<TableWitness<'_>> = Vec::new();
    let mut lookups: Vec<PublicLookup<'_>> = Vec::new();
    if let Some((st, witness)) = &raw {
        tables.extend(witness.table_witnesses(st));
        lookups.extend(st.lookups());
    }
    tables.extend(cst.witnesses());
    lookups.extend(cst.lists.lookups());
    let proof = prove_v2(isa, &params, &tables, &lookups).map_err(AggregateError::Prove)?;
    Ok(Type1Proof::Nested(NestedProof {
        config,
        log_inv_rate: rate,
        message: *message,
        slot,
        shape: NestedShape {
            num_raw: public_keys.len(),
            children: read.into_iter().map(|c| (c.keys.len(), c.shape)).collect(),
            claims: circuit.claims(),
        },
        proof: proof.to_bytes(),
    }))
}

/// Verifies the bytes of a recursive Type-1 (an aggregate with children, `"XAGC"`, or a
/// component split out of a Type-2, `"XAGS"`) for `public_keys` (the whole ordered list: for
/// an aggregate with children the raw keys followed by each child's, recursively; for a
/// split the component's), `message` and `slot` in `config`, accepting only parameters that
/// meet `policy` (recomputed from the rate, never read from the proof): the statement is
/// derived from the header's shape ([`Type1Statement::derive`]). [`crate::verify_type_1`]
/// takes every kind.
///
/// # Errors
/// See [`VerifyError`]; every malformed input is an error, never a panic.
pub fn verify_recursive(
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
    let proof = Type1Proof::from_bytes(bytes)?;
    if matches!(proof, Type1Proof::Plain(_)) {
        return Err(VerifyError::Header(
            "a plain aggregate: verify it with api::verify",
        ));
    }
    check_named(proof.config(), proof.num_keys(), config, public_keys, slot)?;
    let shape = proof.shape();
    if proof.message() != message || proof.slot() != slot {
        return Err(VerifyError::OtherMessageOrSlot);
    }
    let isa = Isa::selected().unwrap_or_else(|_| Isa::scalar());
    let rate = proof.log_inv_rate();
    let st = Type1Statement::derive(isa, config, rate, message, slot, public_keys, &shape)?;
    verify_v2_bytes(
        isa,
        &statement::params_v2(rate),
        policy,
        &st.instances(),
        &st.lookups(),
        proof.proof_bytes(),
    )
    .map_err(VerifyError::Rejected)
}
