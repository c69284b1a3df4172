//! Splitting one component out of a Type-2 proof: a Type-1 proof ([`SplitProof`], `"XAGS"`)
//! that verifies with that component's message, slot and keys alone.
//!
//! The split proof is a recursive proof that the Type-2's outer proof verifies. Its verifier
//! must derive the Type-2's statement without the other components' keys: a component's
//! keys enter that statement only through its public lists' digests (observed by its
//! transcript) and its deferred balance (`crate::circuit`'s deferred balances), which the
//! split's header carries for every other component (`GivenChild`). The verifier computes
//! the split component's own digests and balance from the caller's keys, so the proof
//! attests that component exactly as the Type-2 did; the values given for the others only
//! concern their own verifications inside the Type-2, which the split does not claim.
//!
//! [`split`] needs every component's keys (the Type-2's statement) and proves at the parts'
//! rate; [`verify_split`] (reached through [`crate::verify_type_1`]) needs only the
//! component's.
//!
//! # Bytes
//! `"XAGS"` | version (u16 LE, [`SPLIT_VERSION`]) | configuration (u8) | the parts'
//! `log_inv_rate` (u8) | parameters (u8, 0) | the component's index `i` (u16 LE) | the
//! Type-2's header from its number of components on (components with their shapes, then
//! their claims: `crate::type2`'s format) | per other component (in order, `i` skipped): its
//! number of lists (u16 LE), each list's digest (8 canonical u32 LE), its balance (one
//! element of `K`, [`crate::claims`]) | the split's own claims (`(alpha, beta)` of the
//! Type-2's verification) | the v2 proof.
//!
//! Not built yet: a split proof as a child or a Type-2 part (refused: its statement is not a
//! tree of aggregates).

use crate::api::{VerifyError, max_signatures};
use crate::children::{Type1Statement, raw_counts};
use crate::circuit::{CLAIMS_PER_BALANCE, GivenChild, circuit_instances};
use crate::claims;
use crate::header::{PROLOGUE_LEN, check_named, read_prologue, write_prologue};
use crate::recursion::{
    ChildStatement, RecursionError, record_verifications, verification_lists,
    verification_lists_given,
};
use crate::statement::params_v2;
use crate::type2::{
    Component, OUTER_LOG_INV_RATE, Type2Error, Type2Proof, component_statements, decode_components,
    encode_components,
};
use backend::field::Ext5;
use backend::merkle::Digest;
use backend::{Isa, KoalaBear as F};
use lean_prover::lookup::list_digest;
use lean_prover::v2::{PolicyV2, VerifierField, decode_proof, prove_v2, verify_v2_bytes};
use xmss::{Config, PublicKey};

pub use crate::children::SPLIT_MAGIC;
/// Format version of split proofs.
pub const SPLIT_VERSION: u16 = 1;
/// Bytes of the header before the Type-2's components.
const FIXED_HEADER: usize = PROLOGUE_LEN + 2;
/// Most public lists one given component may have.
const MAX_GIVEN_LISTS: usize = 64;

/// A component split out of a Type-2 (module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitProof {
    config: Config,
    log_inv_rate: usize,
    index: usize,
    components: Vec<Component>,
    type2_claims: Vec<Ext5>,
    given: Vec<GivenChild>,
    claims: Vec<Ext5>,
    proof: Vec<u8>,
}

/// Why a split failed or a split proof was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    /// No component of the Type-2 has this message.
    #[error("no component of the Type-2 proof is for this message")]
    NoSuchMessage,
    /// The Type-2 proof or its components are not the caller's (see [`Type2Error`]).
    #[error("{0}")]
    Type2(#[from] Type2Error),
    /// The Type-2 proof does not verify, or the split's proof failed.
    #[error("{0}")]
    Recursion(#[from] RecursionError),
}

impl SplitProof {
    /// The configuration.
    pub fn config(&self) -> Config {
        self.config
    }

    /// `log2` of the inverse code rate (the Type-2's parts' and the split's).
    pub fn log_inv_rate(&self) -> usize {
        self.log_inv_rate
    }

    /// The component split out: its message, slot, key count and shape.
    pub fn component(&self) -> &Component {
        &self.components[self.index]
    }

    /// The v2 proof bytes after the header.
    pub fn proof_bytes(&self) -> &[u8] {
        &self.proof
    }

    /// The component's position in the Type-2.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The serialized proof (module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FIXED_HEADER + 1024 + self.proof.len());
        write_prologue(
            &mut out,
            &SPLIT_MAGIC,
            SPLIT_VERSION,
            self.config,
            self.log_inv_rate,
        );
        out.extend_from_slice(&(self.index as u16).to_le_bytes());
        encode_components(&self.components, &self.type2_claims, &mut out);
        for g in &self.given {
            out.extend_from_slice(&(g.digests.len() as u16).to_le_bytes());
            for d in &g.digests {
                for x in d {
                    out.extend_from_slice(&x.as_canonical_u32().to_le_bytes());
                }
            }
            claims::encode(&[g.balance], &mut out);
        }
        claims::encode(&self.claims, &mut out);
        out.extend_from_slice(&self.proof);
        out
    }

    /// Parses the header of `bytes` (the proof is checked by [`verify_split`]).
    ///
    /// # Errors
    /// [`VerifyError::Header`] for malformed bytes, [`VerifyError::BadLogInvRate`].
    pub fn from_bytes(bytes: &[u8]) -> Result<SplitProof, VerifyError> {
        let (config, log_inv_rate) = read_prologue(bytes, &SPLIT_MAGIC, SPLIT_VERSION)?;
        if bytes.len() < FIXED_HEADER {
            return Err(VerifyError::Header("shorter than the header"));
        }
        let index = u16::from_le_bytes([bytes[9], bytes[10]]) as usize;
        let mut at = FIXED_HEADER;
        let (components, type2_claims) =
            decode_components(bytes, &mut at).map_err(|e| match e {
                Type2Error::Header(what) => VerifyError::Header(what),
                _ => VerifyError::Header("malformed components"),
            })?;
        if index >= components.len() {
            return Err(VerifyError::Header("the component index is out of range"));
        }
        let mut given = Vec::with_capacity(components.len() - 1);
        for _ in 1..components.len() {
            let n = bytes
                .get(at..at + 2)
                .ok_or(VerifyError::Header("shorter than its given components"))?;
            let n = u16::from_le_bytes([n[0], n[1]]) as usize;
            at += 2;
            if n > MAX_GIVEN_LISTS {
                return Err(VerifyError::Header("too many lists for a component"));
            }
            let mut digests = Vec::with_capacity(n);
            for _ in 0..n {
                let raw = bytes
                    .get(at..at + 32)
                    .ok_or(VerifyError::Header("shorter than its given components"))?;
                at += 32;
                let mut d: Digest = [F::ZERO; 8];
                for (x, b) in d.iter_mut().zip(raw.chunks_exact(4)) {
                    *x = F::from_canonical_checked(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                        .ok_or(VerifyError::Header("a digest value is not canonical"))?;
                }
                digests.push(d);
            }
            let balance = claims::decode(bytes.get(at..).unwrap_or(&[]), 1)
                .ok_or(VerifyError::Header("missing or non-canonical balance"))?[0];
            at += claims::CLAIM_BYTES;
            given.push(GivenChild { digests, balance });
        }
        let rest = bytes
            .get(at..)
            .ok_or(VerifyError::Header("shorter than its claims"))?;
        let claims = claims::decode(rest, CLAIMS_PER_BALANCE).ok_or(VerifyError::Header(
            "missing or non-canonical claimed challenges",
        ))?;
        at += CLAIMS_PER_BALANCE * claims::CLAIM_BYTES;
        Ok(SplitProof {
            config,
            log_inv_rate,
            index,
            components,
            type2_claims,
            given,
            claims,
            proof: bytes[at..].to_vec(),
        })
    }
}

/// Splits the component for `message` (the first, if several slots share it) out of Type-2
/// `bytes`, given the Type-2's components (`parts[i]`: message, slot and ordered keys, in
/// order): a Type-1 proof at the parts' rate that verifies with that component's message,
/// slot and keys alone ([`crate::verify_type_1`]).
///
/// # Errors
/// [`SplitError::NoSuchMessage`]; [`SplitError::Type2`] for malformed bytes or components
/// other than the caller's; [`SplitError::Recursion`] if the Type-2 does not verify
/// ([`RecursionError::Child`]) or the split's proof fails.
pub fn split(
    isa: Isa,
    config: Config,
    parts: &[([u8; 32], u32, &[PublicKey])],
    bytes: &[u8],
    message: &[u8; 32],
) -> Result<SplitProof, SplitError> {
    let t2 = Type2Proof::from_bytes(bytes)?;
    let statements = component_statements(isa, config, parts, &t2)?;
    let index = parts
        .iter()
        .position(|(m, _, _)| m == message)
        .ok_or(SplitError::NoSuchMessage)?;
    let rate = t2.log_inv_rate();
    let refs: Vec<&Type1Statement> = statements.iter().collect();
    let (lists, heights) = verification_lists(isa, rate, &refs, t2.claims())?;
    let outer = Type1Statement::of_circuit(lists, heights);
    let outer_params = params_v2(OUTER_LOG_INV_RATE);
    let outer_proof = decode_proof(
        &outer_params,
        &outer.instances(),
        &outer.lookups(),
        t2.proof_bytes(),
    )
    .map_err(|source| RecursionError::Child { index: 0, source })?;
    let circuit = record_verifications(isa, OUTER_LOG_INV_RATE, &[(&outer, &outer_proof)])?;
    let cst = circuit.statement(isa).map_err(RecursionError::from)?;
    let proof = prove_v2(
        isa,
        &params_v2(rate),
        &cst.witnesses(),
        &cst.lists.lookups(),
    )
    .map_err(RecursionError::Outer)?;
    let mut given = Vec::with_capacity(statements.len() - 1);
    for (j, st) in statements.iter().enumerate() {
        if j == index {
            continue;
        }
        let lookups = st.lookups();
        let (alpha, beta) = (t2.claims()[2 * j], t2.claims()[2 * j + 1]);
        let balance = <Ext5 as VerifierField>::lookup_contribution(isa, &lookups, alpha, beta)
            .ok_or(RecursionError::Child {
                index: j,
                source: lean_prover::v2::ErrorV2::PublicDenominator,
            })?;
        given.push(GivenChild {
            digests: lookups.iter().map(|l| list_digest(isa, l)).collect(),
            balance,
        });
    }
    Ok(SplitProof {
        config,
        log_inv_rate: rate,
        index,
        components: t2.components().to_vec(),
        type2_claims: t2.claims().to_vec(),
        given,
        claims: circuit.claims(),
        proof: proof.to_bytes(),
    })
}

/// Verifies split `bytes` for the component's `public_keys` (in order), `message` and
/// `slot` in `config`, refusing parameters below `policy`.
///
/// # Errors
/// [`VerifyError`]; every malformed input is an error, never a panic.
pub fn verify_split(
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
    let p = SplitProof::from_bytes(bytes)?;
    let c = p.component();
    check_named(p.config, c.num_keys, config, public_keys, slot)?;
    let max = max_signatures(config, p.log_inv_rate);
    for comp in &p.components {
        if let Some(n) = raw_counts(comp.num_keys, &comp.shape)
            .into_iter()
            .find(|&n| n > max)
        {
            return Err(VerifyError::TooMany { n, max });
        }
        if u64::from(comp.slot) >= config.lifetime() {
            return Err(VerifyError::Header(
                "a component's slot is outside the lifetime",
            ));
        }
    }
    if c.message != *message || c.slot != slot {
        return Err(VerifyError::OtherMessageOrSlot);
    }
    let isa = Isa::selected().unwrap_or_else(|_| Isa::scalar());
    let rejected = |e: RecursionError| match e {
        RecursionError::Child { source, .. } | RecursionError::Outer(source) => {
            VerifyError::Rejected(source)
        }
        e @ RecursionError::Circuit(_) => VerifyError::Recursion(e),
    };
    // The other components' statements in shape only (placeholder keys): their digests and
    // balances are the header's.
    let placeholder = PublicKey {
        root: [F::ZERO; 8],
        parameter: [F::ZERO; 5],
    };
    let mut statements = Vec::with_capacity(p.components.len());
    let mut given = Vec::with_capacity(p.components.len());
    let mut others = p.given.iter();
    for (j, comp) in p.components.iter().enumerate() {
        let own = j == p.index;
        let placeholders = vec![placeholder; comp.num_keys];
        let keys = if own { public_keys } else { &placeholders };
        let st = Type1Statement::derive(
            isa,
            config,
            p.log_inv_rate,
            &comp.message,
            comp.slot,
            keys,
            &comp.shape,
        )?;
        if own {
            given.push(None);
        } else {
            let g = others
                .next()
                .ok_or(VerifyError::Header("a component's lists are missing"))?;
            if g.digests.len() != st.lookups().len() {
                return Err(VerifyError::Header(
                    "a component's list count is not its shape's",
                ));
            }
            given.push(Some(g.clone()));
        }
        statements.push(st);
    }
    let refs: Vec<&Type1Statement> = statements.iter().collect();
    let (lists, heights) =
        verification_lists_given(isa, p.log_inv_rate, &refs, &p.type2_claims, given)
            .map_err(rejected)?;
    let outer = Type1Statement::of_circuit(lists, heights);
    let (lists, heights) =
        verification_lists(isa, OUTER_LOG_INV_RATE, &[&outer], &p.claims).map_err(rejected)?;
    verify_v2_bytes(
        isa,
        &params_v2(p.log_inv_rate),
        policy,
        &circuit_instances(&heights),
        &lists.lookups(),
        &p.proof,
    )
    .map_err(VerifyError::Rejected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::children::{NestedShape, Shape};

    fn sample() -> SplitProof {
        let ext = |i: u32| Ext5::from_base(F::new(i));
        let component = |m: u8, shape: Shape, num_keys: usize| Component {
            message: [m; 32],
            slot: 5,
            num_keys,
            shape,
        };
        let nested = NestedShape {
            num_raw: 1,
            children: vec![(2, Shape::Plain)],
            claims: vec![ext(1), ext(2)],
        };
        SplitProof {
            config: Config::Test,
            log_inv_rate: 2,
            index: 1,
            components: vec![
                component(1, Shape::Plain, 2),
                component(2, Shape::Plain, 1),
                component(3, Shape::Nested(nested), 3),
            ],
            type2_claims: (10..16).map(ext).collect(),
            given: vec![
                GivenChild {
                    digests: vec![[F::new(7); 8]; 3],
                    balance: ext(20),
                },
                GivenChild {
                    digests: vec![[F::new(8); 8]; 12],
                    balance: ext(21),
                },
            ],
            claims: vec![ext(30), ext(31)],
            proof: vec![9; 40],
        }
    }

    #[test]
    fn header_round_trips_and_malformed_bytes_are_errors() {
        let p = sample();
        let bytes = p.to_bytes();
        assert_eq!(SplitProof::from_bytes(&bytes).unwrap(), p);
        assert_eq!(p.component().message, [2; 32]);
        let header = bytes.len() - p.proof.len();
        for len in 0..header {
            assert!(SplitProof::from_bytes(&bytes[..len]).is_err(), "{len}");
        }
        // Every single-byte edit of the header parses or is an error, never a panic; the
        // index, version, rate and a given list count out of range are errors.
        for at in 0..header {
            for x in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[at] ^= x;
                let _ = SplitProof::from_bytes(&b);
            }
        }
        let refused = |at: usize, v: u8| {
            let mut b = bytes.clone();
            b[at] = v;
            SplitProof::from_bytes(&b).is_err()
        };
        assert!(refused(9, 3)); // index 3 of 3 components
        assert!(refused(4, 2)); // version
        assert!(refused(7, 5)); // rate
        assert!(refused(8, 1)); // parameters
        let given = header
            - 2 * claims::CLAIM_BYTES
            - (2 + 12 * 32 + claims::CLAIM_BYTES)
            - (2 + 3 * 32 + claims::CLAIM_BYTES);
        assert_eq!(u16::from_le_bytes([bytes[given], bytes[given + 1]]), 3);
        assert!(refused(given, (MAX_GIVEN_LISTS + 1) as u8));
        assert!(refused(given + 2 + 3, 0xff)); // a digest value not canonical
    }
}
