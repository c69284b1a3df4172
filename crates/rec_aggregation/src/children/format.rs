//! The bytes of a Type-1 aggregate with children ([`NestedProof`]) and the tree of key
//! counts and claims it carries ([`NestedShape`]); [`Type1Proof`] parses either kind of
//! Type-1 by its magic.
//!
//! # Bytes
//! `"XAGC"` | version (u16 LE, [`NESTED_VERSION`]) | configuration (u8: 0 prod, 1 test) |
//! `log_inv_rate` (u8) | parameters (u8, 0: the standard schedule) | number of keys `N`
//! (u32 LE) | message (32 bytes) | slot (u32 LE) | shape | the v2 proof, where
//!
//! * shape = raw keys `R` (u32 LE) | children `C` (u16 LE) | `C` children | `2C` claimed
//!   challenges (`(alpha, beta)` per child, elements of `K`: [`crate::claims`]);
//! * child = its number of keys (u32 LE) | kind (u8: 0 a plain aggregate, 1 an aggregate with
//!   children) | for kind 1, the child's shape (its number of keys is the shape's).
//!
//! `N` is `R` plus the children's counts. The claims of a child with children are part of
//! its statement (its circuit's lists hold the balances computed for them), so a parent
//! carries its children's shapes whole.

use super::{MAX_CHILDREN, MAX_DEPTH, MAX_TREE_NODES};
use crate::api::{AggregateProof, VerifyError};
use crate::circuit::CLAIMS_PER_BALANCE;
use crate::claims;
use crate::header::{PROLOGUE_LEN, read_prologue, write_prologue};
use backend::field::Ext5;
use xmss::Config;

/// Magic bytes at the start of every Type-1 aggregate with children.
pub const NESTED_MAGIC: [u8; 4] = *b"XAGC";
/// Format version of Type-1 aggregates with children (3: children of any kind, their shapes
/// carried whole; 2: the children's bus challenges claimed in the header; 1 and 2 are
/// refused).
pub const NESTED_VERSION: u16 = 3;
/// Magic bytes at the start of every split proof (`crate::split`: a Type-1 of its own kind,
/// which is not a tree of aggregates and cannot be a child or a Type-2 part yet).
pub const SPLIT_MAGIC: [u8; 4] = *b"XAGS";
/// Bytes of the header before the shape.
const FIXED_HEADER: usize = PROLOGUE_LEN + 4 + 32 + 4;

/// The shape of a Type-1 proof's statement beyond its configuration, rate, message, slot and
/// keys: how the keys split between raw signatures and children, recursively, with the
/// claimed challenges of every verification of a child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Raw signatures only (a plain aggregate, `"XAGG"`).
    Plain,
    /// Raw signatures and children.
    Nested(NestedShape),
}

impl Shape {
    /// Levels of the tree: 1 for a plain aggregate, one more than the deepest child's for
    /// an aggregate with children.
    pub fn depth(&self) -> usize {
        match self {
            Shape::Plain => 1,
            Shape::Nested(n) => n.depth(),
        }
    }

    /// Aggregates in the tree (this one included).
    pub fn nodes(&self) -> usize {
        match self {
            Shape::Plain => 1,
            Shape::Nested(n) => n.nodes(),
        }
    }
}

/// The shape of an aggregate with children ([`Shape::Nested`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedShape {
    /// Raw signatures (the first keys of the list).
    pub num_raw: usize,
    /// Each child's number of keys and shape, in order (their keys follow the raw keys).
    pub children: Vec<(usize, Shape)>,
    /// `(alpha, beta)` per child: the bus challenges of its verification.
    pub claims: Vec<Ext5>,
}

impl NestedShape {
    /// Number of keys of the whole list.
    pub fn num_keys(&self) -> usize {
        self.num_raw + self.children.iter().map(|(k, _)| k).sum::<usize>()
    }

    /// Levels of the tree (see [`Shape::depth`]).
    pub fn depth(&self) -> usize {
        1 + self
            .children
            .iter()
            .map(|(_, s)| s.depth())
            .max()
            .unwrap_or(0)
    }

    /// Aggregates in the tree (this one included).
    pub fn nodes(&self) -> usize {
        1 + self.children.iter().map(|(_, s)| s.nodes()).sum::<usize>()
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.num_raw as u32).to_le_bytes());
        out.extend_from_slice(&(self.children.len() as u16).to_le_bytes());
        for (keys, shape) in &self.children {
            out.extend_from_slice(&(*keys as u32).to_le_bytes());
            encode_shape(shape, out);
        }
        claims::encode(&self.claims, out);
    }

    /// Decodes a shape at `*at`, advancing it; `levels` more levels allowed below this one,
    /// `nodes` the tree's node budget left.
    fn decode(
        bytes: &[u8],
        at: &mut usize,
        levels: usize,
        nodes: &mut usize,
    ) -> Result<NestedShape, VerifyError> {
        let short = VerifyError::Header("shorter than its shape");
        let take = |at: &mut usize, n: usize| -> Result<&[u8], VerifyError> {
            let s = bytes
                .get(*at..*at + n)
                .ok_or(VerifyError::Header("shorter than its shape"))?;
            *at += n;
            Ok(s)
        };
        let u32_of = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let num_raw = u32_of(take(at, 4)?);
        let c = {
            let b = take(at, 2)?;
            u16::from_le_bytes([b[0], b[1]]) as usize
        };
        if c == 0 || c > MAX_CHILDREN {
            return Err(VerifyError::Header("children count outside 1..=16"));
        }
        let mut children = Vec::with_capacity(c);
        for _ in 0..c {
            let keys = u32_of(take(at, 4)?);
            children.push((keys, decode_shape(bytes, at, keys, levels, nodes)?));
        }
        let n = CLAIMS_PER_BALANCE * c;
        let rest = bytes.get(*at..).ok_or(short)?;
        let claims = claims::decode(rest, n).ok_or(VerifyError::Header(
            "missing or non-canonical claimed challenges",
        ))?;
        *at += n * claims::CLAIM_BYTES;
        Ok(NestedShape {
            num_raw,
            children,
            claims,
        })
    }
}

/// Appends a child's shape: its kind (u8: 0 plain, 1 with children), then for kind 1 its
/// nested shape (module docs).
pub(crate) fn encode_shape(shape: &Shape, out: &mut Vec<u8>) {
    match shape {
        Shape::Plain => out.push(0),
        Shape::Nested(n) => {
            out.push(1);
            n.encode(out);
        }
    }
}

/// Decodes a child's shape at `*at` ([`encode_shape`]), advancing it: the shape of a part with
/// `keys` keys (at least one; a nested shape's count must be `keys`), one of `levels` levels
/// of aggregates with children allowed at the parent (so `levels - 1` below it), taking one
/// aggregate from the tree's budget `nodes` (and more for its own children).
pub(crate) fn decode_shape(
    bytes: &[u8],
    at: &mut usize,
    keys: usize,
    levels: usize,
    nodes: &mut usize,
) -> Result<Shape, VerifyError> {
    *nodes = nodes.checked_sub(1).ok_or(VerifyError::Header(
        "more aggregates in the tree than allowed",
    ))?;
    if keys == 0 {
        return Err(VerifyError::Header("a child without keys"));
    }
    let kind = *bytes
        .get(*at)
        .ok_or(VerifyError::Header("shorter than its shape"))?;
    *at += 1;
    match kind {
        0 => Ok(Shape::Plain),
        1 if levels > 1 => {
            let n = NestedShape::decode(bytes, at, levels - 1, nodes)?;
            if n.num_keys() != keys {
                return Err(VerifyError::Header(
                    "a child's key count is not its shape's",
                ));
            }
            Ok(Shape::Nested(n))
        }
        1 => Err(VerifyError::Header("deeper than the depth limit")),
        _ => Err(VerifyError::Header("unknown child kind")),
    }
}

/// A Type-1 aggregate with children: header fields and the v2 proof bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedProof {
    pub(crate) config: Config,
    pub(crate) log_inv_rate: usize,
    pub(crate) message: [u8; 32],
    pub(crate) slot: u32,
    pub(crate) shape: NestedShape,
    pub(crate) proof: Vec<u8>,
}

impl NestedProof {
    /// The configuration.
    pub fn config(&self) -> Config {
        self.config
    }

    /// `log2` of the inverse code rate (every child's and the proof's).
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

    /// How the keys split between raw signatures and children, with the claims.
    pub fn shape(&self) -> &NestedShape {
        &self.shape
    }

    /// Number of keys of the whole list.
    pub fn num_keys(&self) -> usize {
        self.shape.num_keys()
    }

    /// The serialized proof (module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FIXED_HEADER + 64 + self.proof.len());
        write_prologue(
            &mut out,
            &NESTED_MAGIC,
            NESTED_VERSION,
            self.config,
            self.log_inv_rate,
        );
        out.extend_from_slice(&(self.num_keys() as u32).to_le_bytes());
        out.extend_from_slice(&self.message);
        out.extend_from_slice(&self.slot.to_le_bytes());
        self.shape.encode(&mut out);
        out.extend_from_slice(&self.proof);
        out
    }

    /// Parses the header of `bytes` (the proof is checked by
    /// [`verify_nested`](super::verify_nested)).
    ///
    /// # Errors
    /// [`VerifyError::Header`] (the magic, version, configuration, parameters, a shape that
    /// breaks the limits ([`MAX_CHILDREN`], [`MAX_DEPTH`], [`MAX_TREE_NODES`]) or whose
    /// counts do not add up, non-canonical claims, or bytes shorter than the header) or
    /// [`VerifyError::BadLogInvRate`].
    pub fn from_bytes(bytes: &[u8]) -> Result<NestedProof, VerifyError> {
        let (config, log_inv_rate) = read_prologue(bytes, &NESTED_MAGIC, NESTED_VERSION)?;
        if bytes.len() < FIXED_HEADER {
            return Err(VerifyError::Header("shorter than the header"));
        }
        let total = u32::from_le_bytes([bytes[9], bytes[10], bytes[11], bytes[12]]) as usize;
        let mut message = [0u8; 32];
        message.copy_from_slice(&bytes[13..45]);
        let slot = u32::from_le_bytes([bytes[45], bytes[46], bytes[47], bytes[48]]);
        let mut at = FIXED_HEADER;
        let mut nodes = MAX_TREE_NODES - 1;
        let shape = NestedShape::decode(bytes, &mut at, MAX_DEPTH - 1, &mut nodes)?;
        if shape.num_keys() != total {
            return Err(VerifyError::Header(
                "the key count is not the sum of the parts",
            ));
        }
        Ok(NestedProof {
            config,
            log_inv_rate,
            message,
            slot,
            shape,
            proof: bytes[at..].to_vec(),
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
        if bytes.starts_with(&SPLIT_MAGIC) {
            return Err(VerifyError::Header(
                "a split proof cannot be folded in or merged yet",
            ));
        }
        if bytes.starts_with(&NESTED_MAGIC) {
            NestedProof::from_bytes(bytes).map(Type1Proof::Nested)
        } else {
            AggregateProof::from_bytes(bytes).map(Type1Proof::Plain)
        }
    }

    /// The serialized proof.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Type1Proof::Plain(p) => p.to_bytes(),
            Type1Proof::Nested(p) => p.to_bytes(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> Config {
        match self {
            Type1Proof::Plain(p) => p.config(),
            Type1Proof::Nested(p) => p.config(),
        }
    }

    /// `log2` of the inverse code rate.
    pub fn log_inv_rate(&self) -> usize {
        match self {
            Type1Proof::Plain(p) => p.log_inv_rate(),
            Type1Proof::Nested(p) => p.log_inv_rate(),
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

    /// The statement's shape ([`Shape::Plain`] for a plain aggregate).
    pub fn shape(&self) -> Shape {
        match self {
            Type1Proof::Plain(_) => Shape::Plain,
            Type1Proof::Nested(p) => Shape::Nested(p.shape.clone()),
        }
    }

    /// The `lean_prover` v2 proof bytes after the header.
    pub fn proof_bytes(&self) -> &[u8] {
        match self {
            Type1Proof::Plain(p) => p.proof_bytes(),
            Type1Proof::Nested(p) => &p.proof,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PROOF_MAGIC;
    use backend::KoalaBear as F;

    fn claims(n: u32) -> Vec<Ext5> {
        (1..=2 * n).map(|i| Ext5::from_base(F::new(i))).collect()
    }

    fn sample() -> NestedProof {
        let grandchild = NestedShape {
            num_raw: 1,
            children: vec![(2, Shape::Plain)],
            claims: claims(1),
        };
        NestedProof {
            config: Config::Test,
            log_inv_rate: 2,
            message: [7; 32],
            slot: 9,
            shape: NestedShape {
                num_raw: 3,
                children: vec![(2, Shape::Plain), (3, Shape::Nested(grandchild))],
                claims: claims(2),
            },
            proof: vec![1, 2, 3],
        }
    }

    #[test]
    fn header_round_trips_and_checks_its_shape() {
        let p = sample();
        assert_eq!((p.num_keys(), p.shape.depth(), p.shape.nodes()), (8, 3, 4));
        let bytes = p.to_bytes();
        assert_eq!(NestedProof::from_bytes(&bytes).unwrap(), p);
        assert_eq!(
            Type1Proof::from_bytes(&bytes).unwrap(),
            Type1Proof::Nested(p.clone())
        );
        let refused = |edit: &dyn Fn(&mut Vec<u8>)| {
            let mut b = bytes.clone();
            edit(&mut b);
            NestedProof::from_bytes(&b).is_err()
        };
        let shape = FIXED_HEADER;
        assert!(refused(&|b| b[9] = 9)); // total not the sum
        assert!(refused(&|b| b[shape + 4] = 0)); // no children
        assert!(refused(&|b| b[shape + 4] = (MAX_CHILDREN + 1) as u8));
        assert!(refused(&|b| b[shape + 6] = 0)); // a child without keys
        assert!(refused(&|b| b[shape + 10] = 2)); // an unknown kind
        assert!(refused(&|b| b[shape + 11] = 4)); // a nested child's count not its shape's
        assert!(refused(&|b| b[4] = 2)); // version 2 (before shapes)
        assert!(refused(&|b| b[7] = 0)); // rate
        assert!(refused(&|b| b[8] = 1)); // parameters
        assert!(refused(&|b| b[6] = 2)); // configuration
        let claim = bytes.len() - 3 - 4 * claims::CLAIM_BYTES;
        assert!(refused(&|b| b[claim + 3] = 0xff)); // a claim not canonical
        for len in 0..bytes.len() - 3 {
            assert!(NestedProof::from_bytes(&bytes[..len]).is_err(), "{len}");
        }
        // The plain magic goes to the plain parser.
        assert!(matches!(
            Type1Proof::from_bytes(&[PROOF_MAGIC.as_slice(), &[0; 60]].concat()),
            Err(VerifyError::Header(_))
        ));
    }

    #[test]
    fn shapes_beyond_the_limits_are_refused() {
        // A chain of aggregates each with one nested child: MAX_DEPTH levels parse, one
        // more does not.
        let chain = |levels: usize| {
            let mut s = NestedShape {
                num_raw: 1,
                children: vec![(1, Shape::Plain)],
                claims: claims(1),
            };
            for _ in 2..levels {
                let keys = s.num_keys();
                s = NestedShape {
                    num_raw: 0,
                    children: vec![(keys, Shape::Nested(s))],
                    claims: claims(1),
                };
            }
            NestedProof {
                shape: s,
                ..sample()
            }
        };
        let ok = chain(MAX_DEPTH);
        assert_eq!(ok.shape.depth(), MAX_DEPTH);
        assert!(NestedProof::from_bytes(&ok.to_bytes()).is_ok());
        assert!(NestedProof::from_bytes(&chain(MAX_DEPTH + 1).to_bytes()).is_err());
        // More aggregates than MAX_TREE_NODES: 16 children of 16 children each.
        let wide = NestedShape {
            num_raw: 0,
            children: vec![(1, Shape::Plain); MAX_CHILDREN],
            claims: claims(MAX_CHILDREN as u32),
        };
        let keys = wide.num_keys();
        let big = NestedProof {
            shape: NestedShape {
                num_raw: 0,
                children: vec![(keys, Shape::Nested(wide)); MAX_CHILDREN],
                claims: claims(MAX_CHILDREN as u32),
            },
            ..sample()
        };
        assert!(big.shape.nodes() > MAX_TREE_NODES);
        assert!(NestedProof::from_bytes(&big.to_bytes()).is_err());
    }
}
