//! The bytes of the recursive Type-1 kinds: an aggregate with children ([`NestedProof`]) and
//! a component split out of a Type-2 ([`SplitProof`]); [`Type1Proof`] parses every kind of
//! Type-1 by its magic.
//!
//! # Bytes
//! * `"XAGC"` | the prologue (`crate::header`: version [`NESTED_VERSION`], configuration,
//!   `log_inv_rate`, parameters) | number of keys `N` (u32 LE) | message (32 bytes) | slot
//!   (u32 LE) | nested shape | the v2 proof (`N` is the shape's key count);
//! * `"XAGS"` | the prologue (version [`SPLIT_VERSION`]) | split shape | the v2 proof (the
//!   message, slot and keys are the split component's).
//!
//! The shapes' encodings are [`super::shape`]'s.

use super::shape::{NestedShape, Shape, SplitShape};
use super::{MAX_DEPTH, MAX_TREE_NODES};
use crate::api::{AggregateProof, VerifyError};
use crate::header::{PROLOGUE_LEN, read_prologue, write_prologue};
use xmss::Config;

/// Magic bytes at the start of every Type-1 aggregate with children.
pub const NESTED_MAGIC: [u8; 4] = *b"XAGC";
/// Format version of Type-1 aggregates with children (3: children of any kind, their shapes
/// carried whole; 2: the children's bus challenges claimed in the header; 1 and 2 are
/// refused).
pub const NESTED_VERSION: u16 = 3;
/// Magic bytes at the start of every split proof (`crate::split`).
pub const SPLIT_MAGIC: [u8; 4] = *b"XAGS";
/// Format version of split proofs (2: a split can be a child or a Type-2 part, its shape
/// encoded like theirs; 1 is refused).
pub const SPLIT_VERSION: u16 = 2;
/// Bytes of the header before the shape.
const FIXED_HEADER: usize = PROLOGUE_LEN + 4 + 32 + 4;

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
    /// [`verify_recursive`](super::verify_recursive)).
    ///
    /// # Errors
    /// [`VerifyError::Header`] (the magic, version, configuration, parameters, a shape that
    /// breaks the limits ([`super::MAX_CHILDREN`], [`MAX_DEPTH`], [`MAX_TREE_NODES`]) or whose
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

/// A component split out of a Type-2 (`crate::split`): header fields and the v2 proof bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitProof {
    pub(crate) config: Config,
    pub(crate) log_inv_rate: usize,
    pub(crate) shape: SplitShape,
    pub(crate) proof: Vec<u8>,
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

    /// The Type-2's description, the given values and the claims.
    pub fn shape(&self) -> &SplitShape {
        &self.shape
    }

    /// The v2 proof bytes after the header.
    pub fn proof_bytes(&self) -> &[u8] {
        &self.proof
    }

    /// The serialized proof (module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(PROLOGUE_LEN + 1024 + self.proof.len());
        write_prologue(
            &mut out,
            &SPLIT_MAGIC,
            SPLIT_VERSION,
            self.config,
            self.log_inv_rate,
        );
        self.shape.encode(&mut out);
        out.extend_from_slice(&self.proof);
        out
    }

    /// Parses the header of `bytes`.
    ///
    /// # Errors
    /// [`VerifyError::Header`] for malformed bytes or a shape beyond the limits,
    /// [`VerifyError::BadLogInvRate`].
    pub fn from_bytes(bytes: &[u8]) -> Result<SplitProof, VerifyError> {
        let (config, log_inv_rate) = read_prologue(bytes, &SPLIT_MAGIC, SPLIT_VERSION)?;
        let mut at = PROLOGUE_LEN;
        let mut nodes = MAX_TREE_NODES - 1;
        let shape = SplitShape::decode(bytes, &mut at, MAX_DEPTH - 2, &mut nodes)?;
        Ok(SplitProof {
            config,
            log_inv_rate,
            shape,
            proof: bytes[at..].to_vec(),
        })
    }
}

/// A Type-1 proof of any kind, as its magic says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type1Proof {
    /// Raw signatures only ([`AggregateProof`], `"XAGG"`).
    Plain(AggregateProof),
    /// Raw signatures and children ([`NestedProof`], `"XAGC"`).
    Nested(NestedProof),
    /// A component split out of a Type-2 ([`SplitProof`], `"XAGS"`).
    Split(SplitProof),
}

impl Type1Proof {
    /// Parses either kind's header.
    ///
    /// # Errors
    /// As [`AggregateProof::from_bytes`] or [`NestedProof::from_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Type1Proof, VerifyError> {
        if bytes.starts_with(&SPLIT_MAGIC) {
            return SplitProof::from_bytes(bytes).map(Type1Proof::Split);
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
            Type1Proof::Split(p) => p.to_bytes(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> Config {
        match self {
            Type1Proof::Plain(p) => p.config(),
            Type1Proof::Nested(p) => p.config(),
            Type1Proof::Split(p) => p.config(),
        }
    }

    /// `log2` of the inverse code rate.
    pub fn log_inv_rate(&self) -> usize {
        match self {
            Type1Proof::Plain(p) => p.log_inv_rate(),
            Type1Proof::Nested(p) => p.log_inv_rate(),
            Type1Proof::Split(p) => p.log_inv_rate(),
        }
    }

    /// Number of keys the proof covers.
    pub fn num_keys(&self) -> usize {
        match self {
            Type1Proof::Plain(p) => p.num_signatures(),
            Type1Proof::Nested(p) => p.num_keys(),
            Type1Proof::Split(p) => p.shape.num_keys(),
        }
    }

    /// The message, as the header names it.
    pub fn message(&self) -> &[u8; 32] {
        match self {
            Type1Proof::Plain(p) => p.message(),
            Type1Proof::Nested(p) => p.message(),
            Type1Proof::Split(p) => &p.shape.component().message,
        }
    }

    /// The slot, as the header names it.
    pub fn slot(&self) -> u32 {
        match self {
            Type1Proof::Plain(p) => p.slot(),
            Type1Proof::Nested(p) => p.slot(),
            Type1Proof::Split(p) => p.shape.component().slot,
        }
    }

    /// The statement's shape ([`Shape::Plain`] for a plain aggregate).
    pub fn shape(&self) -> Shape {
        match self {
            Type1Proof::Plain(_) => Shape::Plain,
            Type1Proof::Nested(p) => Shape::Nested(p.shape.clone()),
            Type1Proof::Split(p) => Shape::Split(Box::new(p.shape.clone())),
        }
    }

    /// The `lean_prover` v2 proof bytes after the header.
    pub fn proof_bytes(&self) -> &[u8] {
        match self {
            Type1Proof::Plain(p) => p.proof_bytes(),
            Type1Proof::Nested(p) => &p.proof,
            Type1Proof::Split(p) => &p.proof,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PROOF_MAGIC;
    use crate::children::MAX_CHILDREN;
    use crate::claims;
    use backend::KoalaBear as F;
    use backend::field::Ext5;

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
