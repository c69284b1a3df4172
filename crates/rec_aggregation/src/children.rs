//! Type-1 aggregates with children: one proof that raw signatures on a message and slot are
//! valid **and** that child Type-1 aggregates of the same message and slot verify, against the
//! key list made of the raw keys followed by each child's keys, in the order given.
//!
//! [`aggregate_with_children`] checks the raw signatures natively, decodes the children,
//! records each child's verification on one circuit ([`crate::recursion`]) and proves the
//! aggregation statement's tables (the raw signatures) and the circuit's tables in **one**
//! `lean_prover` v2 proof at the aggregate's rate (the two statements use disjoint buses, so
//! their tables and public lookup lists simply sit side by side). With no raw signatures the
//! proof is the circuit's alone. [`verify_type_1`] checks either kind of Type-1 against the
//! caller's flat key list, message and slot: for one with children it rebuilds every child's
//! statement from the header's key counts, derives the circuit's lists and heights from those
//! statements alone, and verifies the proof.
//!
//! # Bytes
//! `"XAGC"` | version (u16 LE, [`NESTED_VERSION`]) | configuration (u8: 0 prod, 1 test) |
//! `log_inv_rate` (u8) | parameters (u8, 0: the standard schedule) | number of keys `N`
//! (u32 LE) | message (32 bytes) | slot (u32 LE) | raw keys `R` (u32 LE) | children `C`
//! (u16 LE) | per child its number of keys (u32 LE) | per child the claimed bus challenges
//! `(alpha, beta)` of its verification (two elements of `K`, [`crate::claims`]: the verifier
//! computes each child's public-lookup balance itself, `crate::circuit`'s deferred
//! balances) | the v2 proof. `N` is `R` plus the children's counts.
//!
//! # Limits
//! At most [`MAX_CHILDREN`] children; the raw signatures and every child at most
//! [`max_signatures`] keys; every child of the aggregate's configuration, rate, message and
//! slot. Duplicate keys are allowed and kept, within the raw keys, across children and
//! between them (each child's keys stay in the flat list in their place).
//!
//! Not built yet: a child that has children itself (depth 2 and more is refused with
//! [`AggregateError::ChildHasChildren`]), and merging or splitting such aggregates in a
//! Type-2 (`docs/recursion.md`, "Not built yet": a circuit cannot yet verify a circuit's
//! proof at a bounded cost).

use crate::api::{
    AggregateError, AggregateOptions, AggregateProof, LOG_INV_RATE_RANGE, VerifyError, aggregate,
    check_raw, max_signatures,
};
use crate::circuit::{CLAIMS_PER_BALANCE, circuit_instances};
use crate::claims;
use crate::recursion::{RecursionError, record_verifications, verification_lists};
use crate::statement::{self, Statement};
use backend::Isa;
use backend::field::Ext5;
use lean_prover::v2::{PolicyV2, decode_proof, prove_v2, verify_v2_bytes};
use lean_prover::{PublicLookup, TableInstance, TableWitness};
use xmss::{Config, PublicKey, Signature};

/// Magic bytes at the start of every Type-1 aggregate with children.
pub const NESTED_MAGIC: [u8; 4] = *b"XAGC";
/// Format version of Type-1 aggregates with children (2: the children's bus challenges claimed
/// in the header, their public-lookup balances computed by the verifier; 1 is refused).
pub const NESTED_VERSION: u16 = 2;
/// Most children one aggregate folds in.
pub const MAX_CHILDREN: usize = 16;
/// The parameters byte: the standard schedule of [`statement::params_v2`].
const STANDARD_SCHEDULE: u8 = 0;
/// Bytes of the fixed header (before the children's key counts).
const FIXED_HEADER: usize = 4 + 2 + 1 + 1 + 1 + 4 + 32 + 4 + 4 + 2;

/// A Type-1 aggregate with children: header fields and the v2 proof bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedProof {
    config: Config,
    log_inv_rate: usize,
    message: [u8; 32],
    slot: u32,
    num_raw: usize,
    child_keys: Vec<usize>,
    claims: Vec<Ext5>,
    proof: Vec<u8>,
}

impl NestedProof {
    /// The configuration.
    pub fn config(&self) -> Config {
        self.config
    }

    /// `log2` of the inverse code rate (the children's and the proof's).
    pub fn log_inv_rate(&self) -> usize {
        self.log_inv_rate
    }

    /// The message, as the header names it.
    pub fn message(&self) -> &[u8; 32] {
        &self.message
    }

    /// The slot, as the header names it.
    pub fn slot(&self) -> u32 {
        self.slot
    }

    /// Number of raw signatures (the first keys of the list).
    pub fn num_raw(&self) -> usize {
        self.num_raw
    }

    /// Each child's number of keys, in order (their keys follow the raw keys).
    pub fn child_keys(&self) -> &[usize] {
        &self.child_keys
    }

    /// Number of keys of the whole list.
    pub fn num_keys(&self) -> usize {
        self.num_raw + self.child_keys.iter().sum::<usize>()
    }

    /// The serialized proof (module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FIXED_HEADER + 4 * self.child_keys.len());
        out.extend_from_slice(&NESTED_MAGIC);
        out.extend_from_slice(&NESTED_VERSION.to_le_bytes());
        out.push(match self.config {
            Config::Prod => 0,
            Config::Test => 1,
        });
        out.push(self.log_inv_rate as u8);
        out.push(STANDARD_SCHEDULE);
        out.extend_from_slice(&(self.num_keys() as u32).to_le_bytes());
        out.extend_from_slice(&self.message);
        out.extend_from_slice(&self.slot.to_le_bytes());
        out.extend_from_slice(&(self.num_raw as u32).to_le_bytes());
        out.extend_from_slice(&(self.child_keys.len() as u16).to_le_bytes());
        for &k in &self.child_keys {
            out.extend_from_slice(&(k as u32).to_le_bytes());
        }
        claims::encode(&self.claims, &mut out);
        out.extend_from_slice(&self.proof);
        out
    }

    /// Parses the header of `bytes` (the proof is checked by [`verify_type_1`]).
    ///
    /// # Errors
    /// [`VerifyError::Header`] (the magic, version, configuration, parameters, a child
    /// count outside `1..=`[`MAX_CHILDREN`], a child without keys, a total that is not the
    /// sum of the counts, or bytes shorter than the header) or [`VerifyError::BadLogInvRate`].
    pub fn from_bytes(bytes: &[u8]) -> Result<NestedProof, VerifyError> {
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        if bytes.len() < FIXED_HEADER {
            return Err(VerifyError::Header("shorter than the header"));
        }
        if bytes[..4] != NESTED_MAGIC {
            return Err(VerifyError::Header("bad magic"));
        }
        if u16::from_le_bytes([bytes[4], bytes[5]]) != NESTED_VERSION {
            return Err(VerifyError::Header("unsupported version"));
        }
        let config = match bytes[6] {
            0 => Config::Prod,
            1 => Config::Test,
            _ => return Err(VerifyError::Header("unknown configuration")),
        };
        let log_inv_rate = bytes[7] as usize;
        if !LOG_INV_RATE_RANGE.contains(&log_inv_rate) {
            return Err(VerifyError::BadLogInvRate(log_inv_rate));
        }
        if bytes[8] != STANDARD_SCHEDULE {
            return Err(VerifyError::Header("unknown parameters"));
        }
        let total = u64::from(u32_at(9));
        let mut message = [0u8; 32];
        message.copy_from_slice(&bytes[13..45]);
        let slot = u32_at(45);
        let num_raw = u32_at(49) as usize;
        let c = u16::from_le_bytes([bytes[53], bytes[54]]) as usize;
        if c == 0 || c > MAX_CHILDREN {
            return Err(VerifyError::Header("children count outside 1..=16"));
        }
        let end = FIXED_HEADER + 4 * c;
        if bytes.len() < end {
            return Err(VerifyError::Header(
                "shorter than its children's key counts",
            ));
        }
        let child_keys: Vec<usize> = (0..c)
            .map(|i| u32_at(FIXED_HEADER + 4 * i) as usize)
            .collect();
        if child_keys.contains(&0) {
            return Err(VerifyError::Header("a child without keys"));
        }
        let sum = num_raw as u64 + child_keys.iter().map(|&k| k as u64).sum::<u64>();
        if sum != total {
            return Err(VerifyError::Header(
                "the key count is not the sum of the parts",
            ));
        }
        let n = CLAIMS_PER_BALANCE * c;
        let claims = claims::decode(&bytes[end..], n).ok_or(VerifyError::Header(
            "missing or non-canonical claimed challenges",
        ))?;
        Ok(NestedProof {
            config,
            log_inv_rate,
            message,
            slot,
            num_raw,
            child_keys,
            claims,
            proof: bytes[end + n * claims::CLAIM_BYTES..].to_vec(),
        })
    }
}

/// A Type-1 proof of either kind, as its magic says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type1Proof {
    /// Raw signatures only ([`AggregateProof`], `"XAGG"`).
    Plain(AggregateProof),
    /// Raw signatures and children ([`NestedProof`], `"XAGC"`).
    Nested(NestedProof),
}

impl Type1Proof {
    /// Parses either kind's header.
    ///
    /// # Errors
    /// As [`AggregateProof::from_bytes`] or [`NestedProof::from_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Type1Proof, VerifyError> {
        if bytes.starts_with(&NESTED_MAGIC) {
            NestedProof::from_bytes(bytes).map(Type1Proof::Nested)
        } else {
            AggregateProof::from_bytes(bytes).map(Type1Proof::Plain)
        }
    }

    /// The configuration.
    pub fn config(&self) -> Config {
        match self {
            Type1Proof::Plain(p) => p.config(),
            Type1Proof::Nested(p) => p.config(),
        }
    }

    /// Number of keys the proof covers.
    pub fn num_keys(&self) -> usize {
        match self {
            Type1Proof::Plain(p) => p.num_signatures(),
            Type1Proof::Nested(p) => p.num_keys(),
        }
    }

    /// The message, as the header names it.
    pub fn message(&self) -> &[u8; 32] {
        match self {
            Type1Proof::Plain(p) => p.message(),
            Type1Proof::Nested(p) => p.message(),
        }
    }

    /// The slot, as the header names it.
    pub fn slot(&self) -> u32 {
        match self {
            Type1Proof::Plain(p) => p.slot(),
            Type1Proof::Nested(p) => p.slot(),
        }
    }
}

/// Aggregates raw signatures (`signatures[i]` by `public_keys[i]`, possibly none) and child
/// Type-1 aggregates (`children[i]`: its bytes and its ordered key list) on `message` and
/// `slot` into one Type-1 proof whose key list is the raw keys followed by each child's keys.
/// Without children this is [`aggregate`] (the plain format); with children the format is
/// [`NestedProof`]'s.
///
/// # Errors
/// [`AggregateError`]: as [`aggregate`] for the raw signatures; for children a typed error
/// naming the child ([`AggregateError::Child`], [`AggregateError::ChildHasChildren`],
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
    let mut decoded = Vec::with_capacity(children.len());
    for (index, (bytes, keys)) in children.iter().enumerate() {
        let child = |source| AggregateError::Child { index, source };
        if bytes.starts_with(&NESTED_MAGIC) {
            return Err(AggregateError::ChildHasChildren { index });
        }
        let agg = AggregateProof::from_bytes(bytes).map_err(child)?;
        if keys.len() != agg.num_signatures() {
            return Err(child(VerifyError::KeyCount {
                proof: agg.num_signatures(),
                keys: keys.len(),
            }));
        }
        if agg.config() != config || agg.log_inv_rate() != rate {
            return Err(AggregateError::ChildOtherParameters { index });
        }
        if agg.message() != message || agg.slot() != slot {
            return Err(AggregateError::ChildOtherMessageOrSlot { index });
        }
        let st = Statement::new(config, message, slot, keys);
        let proof = decode_proof(&params, &st.instances(), &st.lookups(), agg.proof_bytes())
            .map_err(|e| child(VerifyError::Rejected(e)))?;
        decoded.push((st, proof));
    }
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
        num_raw: public_keys.len(),
        child_keys: children.iter().map(|(_, k)| k.len()).collect(),
        claims: circuit.claims(),
        proof: proof.to_bytes(),
    }))
}

/// Verifies Type-1 `bytes` of either kind for `public_keys` (the whole ordered list: for an
/// aggregate with children, the raw keys followed by each child's), `message` and `slot` in
/// `config`, accepting only parameters that meet `policy` (recomputed from the rate, never
/// read from the proof).
///
/// # Errors
/// See [`VerifyError`]; every malformed input is an error, never a panic.
pub fn verify_type_1(
    config: Config,
    public_keys: &[PublicKey],
    message: &[u8; 32],
    slot: u32,
    bytes: &[u8],
    policy: &PolicyV2,
) -> Result<(), VerifyError> {
    if !bytes.starts_with(&NESTED_MAGIC) {
        return crate::api::verify(config, public_keys, message, slot, bytes, policy);
    }
    if public_keys.is_empty() {
        return Err(VerifyError::Empty);
    }
    let proof = NestedProof::from_bytes(bytes)?;
    if proof.config != config {
        return Err(VerifyError::WrongConfig {
            proof: proof.config.name(),
            expected: config.name(),
        });
    }
    if proof.num_keys() != public_keys.len() {
        return Err(VerifyError::KeyCount {
            proof: proof.num_keys(),
            keys: public_keys.len(),
        });
    }
    if u64::from(slot) >= config.lifetime() {
        return Err(VerifyError::SlotOutOfRange {
            slot,
            lifetime: config.lifetime(),
        });
    }
    let max = max_signatures(config, proof.log_inv_rate);
    if let Some(&n) = std::iter::once(&proof.num_raw)
        .chain(&proof.child_keys)
        .find(|&&n| n > max)
    {
        return Err(VerifyError::TooMany { n, max });
    }
    if proof.message != *message || proof.slot != slot {
        return Err(VerifyError::OtherMessageOrSlot);
    }
    let isa = Isa::selected().unwrap_or_else(|_| Isa::scalar());
    let (raw_keys, mut rest) = public_keys.split_at(proof.num_raw);
    let children: Vec<Statement> = proof
        .child_keys
        .iter()
        .map(|&k| {
            let (keys, tail) = rest.split_at(k);
            rest = tail;
            Statement::new(config, message, slot, keys)
        })
        .collect();
    let refs: Vec<&Statement> = children.iter().collect();
    let (lists, heights) = verification_lists(isa, proof.log_inv_rate, &refs, &proof.claims)
        .map_err(|e| match e {
            RecursionError::Child { source, .. } | RecursionError::Outer(source) => {
                VerifyError::Rejected(source)
            }
            e @ RecursionError::Circuit(_) => VerifyError::Recursion(e),
        })?;
    let raw = (!raw_keys.is_empty()).then(|| Statement::new(config, message, slot, raw_keys));
    let mut instances: Vec<TableInstance<'_>> = Vec::new();
    let mut lookups: Vec<PublicLookup<'_>> = Vec::new();
    if let Some(st) = &raw {
        instances.extend(st.instances());
        lookups.extend(st.lookups());
    }
    instances.extend(circuit_instances(&heights));
    lookups.extend(lists.lookups());
    verify_v2_bytes(
        isa,
        &statement::params_v2(proof.log_inv_rate),
        policy,
        &instances,
        &lookups,
        &proof.proof,
    )
    .map_err(VerifyError::Rejected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PROOF_MAGIC;

    fn sample() -> NestedProof {
        NestedProof {
            config: Config::Test,
            log_inv_rate: 2,
            message: [7; 32],
            slot: 9,
            num_raw: 3,
            child_keys: vec![2, 5],
            claims: (1..=4u32)
                .map(|i| Ext5::from_base(backend::KoalaBear::new(i)))
                .collect(),
            proof: vec![1, 2, 3],
        }
    }

    #[test]
    fn header_round_trips_and_checks_its_counts() {
        let p = sample();
        let bytes = p.to_bytes();
        assert_eq!(NestedProof::from_bytes(&bytes).unwrap(), p);
        assert_eq!(
            Type1Proof::from_bytes(&bytes).unwrap(),
            Type1Proof::Nested(p.clone())
        );
        assert_eq!(p.num_keys(), 10);
        let refused = |edit: &dyn Fn(&mut Vec<u8>)| {
            let mut b = bytes.clone();
            edit(&mut b);
            NestedProof::from_bytes(&b).is_err()
        };
        assert!(refused(&|b| b[9] = 11)); // total not the sum
        assert!(refused(&|b| b[FIXED_HEADER] = 0)); // a child without keys
        assert!(refused(&|b| b[53] = 0)); // no children
        assert!(refused(&|b| b[53] = (MAX_CHILDREN + 1) as u8));
        assert!(refused(&|b| b[53] = 3)); // a third count would read the proof's bytes...
        assert!(refused(&|b| b.truncate(FIXED_HEADER + 5))); // ...or past the end
        assert!(refused(&|b| b[4] = 1)); // version 1 (before the claims)
        assert!(refused(&|b| b[FIXED_HEADER + 8 + 3] = 0xff)); // a claim not canonical
        assert!(refused(&|b| b[7] = 0)); // rate
        assert!(refused(&|b| b[8] = 1)); // parameters
        assert!(refused(&|b| b[6] = 2)); // configuration
        for len in 0..FIXED_HEADER + 8 {
            assert!(NestedProof::from_bytes(&bytes[..len]).is_err(), "{len}");
        }
        // The plain magic goes to the plain parser.
        assert!(matches!(
            Type1Proof::from_bytes(&[PROOF_MAGIC.as_slice(), &[0; 60]].concat()),
            Err(VerifyError::Header(_))
        ));
    }
}
