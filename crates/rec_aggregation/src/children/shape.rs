//! The shapes of Type-1 statements: how a proof's keys split between raw signatures and
//! children, recursively, with the claimed challenges of every verification ([`Shape`]); the
//! components of a Type-2 ([`Component`]); and their encodings inside headers.
//!
//! * nested shape = raw keys `R` (u32 LE) | children `C` (u16 LE) | `C` children | `2C`
//!   claimed challenges (`(alpha, beta)` per child, elements of `K`: [`crate::claims`]);
//! * child = its number of keys (u32 LE) | its shape: a kind byte (0 a plain aggregate, 1 an
//!   aggregate with children, 2 a split) then, for kind 1, its nested shape, for kind 2 its
//!   split shape (the child's number of keys is the shape's);
//! * components = their number `K` (u16 LE) | per component its message (32 bytes), slot
//!   (u32 LE), number of keys (u32 LE) and shape | `2K` claims (the Type-2's verifications);
//! * split shape = the component's index (u16 LE) | the Type-2's components | per other
//!   component (in order, the split one skipped) its number of lists (u16 LE), each list's
//!   digest (8 canonical u32 LE) and its deferred balance (an element of `K`) | the split's
//!   own 2 claims (the Type-2's verification).
//!
//! The claims and given values of a child are part of its statement (its circuit's lists
//! hold the balances computed for them), so a parent carries its children's shapes whole.

use super::MAX_CHILDREN;
use crate::api::VerifyError;
use crate::circuit::{CLAIMS_PER_BALANCE, GivenChild};
use crate::claims;
use backend::KoalaBear as F;
use backend::field::Ext5;
use backend::merkle::Digest;

/// Most components one Type-2 proof holds.
pub const MAX_COMPONENTS: usize = 16;
/// `log2` of the inverse rate of a Type-2's outer proof (rate 1/4).
pub const TYPE2_OUTER_LOG_INV_RATE: usize = 2;
/// Bytes per component before its shape.
const COMPONENT_LEN: usize = 32 + 4 + 4;
/// Most public lists one given component may have.
pub(crate) const MAX_GIVEN_LISTS: usize = 64;

/// The shape of a Type-1 proof's statement beyond its configuration, rate, message, slot and
/// keys: how the keys split between raw signatures and children, recursively, with the
/// claimed challenges of every verification of a child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Raw signatures only (a plain aggregate, `"XAGG"`).
    Plain,
    /// Raw signatures and children.
    Nested(NestedShape),
    /// A component split out of a Type-2 (`crate::split`).
    Split(Box<SplitShape>),
}

impl Shape {
    /// Levels of the tree: 1 for a plain aggregate, one more than the deepest child's for
    /// an aggregate with children.
    pub fn depth(&self) -> usize {
        match self {
            Shape::Plain => 1,
            Shape::Nested(n) => n.depth(),
            Shape::Split(s) => s.depth(),
        }
    }

    /// Aggregates in the tree (this one included).
    pub fn nodes(&self) -> usize {
        match self {
            Shape::Plain => 1,
            Shape::Nested(n) => n.nodes(),
            Shape::Split(s) => s.nodes(),
        }
    }

    /// The raw-signature counts of every aggregate in the tree of a Type-1 of `keys` keys
    /// and this shape (a plain aggregate's is its key count; a split's are its Type-2
    /// components').
    pub fn raw_counts(&self, keys: usize) -> Vec<usize> {
        match self {
            Shape::Plain => vec![keys],
            Shape::Nested(n) => std::iter::once(n.num_raw)
                .chain(n.children.iter().flat_map(|(k, s)| s.raw_counts(*k)))
                .collect(),
            Shape::Split(s) => s
                .components
                .iter()
                .flat_map(|c| c.shape.raw_counts(c.num_keys))
                .collect(),
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

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
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
    pub(crate) fn decode(
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

/// Appends a child's shape: its kind (u8: 0 plain, 1 with children, 2 split), then for kind
/// 1 its nested shape, for kind 2 its split shape (module docs).
pub(crate) fn encode_shape(shape: &Shape, out: &mut Vec<u8>) {
    match shape {
        Shape::Plain => out.push(0),
        Shape::Nested(n) => {
            out.push(1);
            n.encode(out);
        }
        Shape::Split(s) => {
            out.push(2);
            s.encode(out);
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
        2 if levels > 2 => {
            let s = SplitShape::decode(bytes, at, levels - 2, nodes)?;
            if s.num_keys() != keys {
                return Err(VerifyError::Header(
                    "a child's key count is not its shape's",
                ));
            }
            Ok(Shape::Split(Box::new(s)))
        }
        1 | 2 => Err(VerifyError::Header("deeper than the depth limit")),
        _ => Err(VerifyError::Header("unknown child kind")),
    }
}

/// One component of a Type-2 proof as its header names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// The message.
    pub message: [u8; 32],
    /// The slot.
    pub slot: u32,
    /// The number of keys.
    pub num_keys: usize,
    /// How its keys split between raw signatures and children.
    pub shape: Shape,
}

/// Appends the components part of a header (module docs): their number, each component
/// with its shape, then the claims.
pub(crate) fn encode_components(components: &[Component], claims: &[Ext5], out: &mut Vec<u8>) {
    out.extend_from_slice(&(components.len() as u16).to_le_bytes());
    for c in components {
        out.extend_from_slice(&c.message);
        out.extend_from_slice(&c.slot.to_le_bytes());
        out.extend_from_slice(&(c.num_keys as u32).to_le_bytes());
        encode_shape(&c.shape, out);
    }
    claims::encode(claims, out);
}

/// Decodes the components part of a header at `*at` ([`encode_components`]), advancing it:
/// one to [`MAX_COMPONENTS`] components, `levels` levels allowed below the Type-2, taking
/// their aggregates from the tree's budget `nodes`.
///
/// # Errors
/// [`VerifyError::Header`].
pub(crate) fn decode_components(
    bytes: &[u8],
    at: &mut usize,
    levels: usize,
    nodes: &mut usize,
) -> Result<(Vec<Component>, Vec<Ext5>), VerifyError> {
    let k = bytes
        .get(*at..*at + 2)
        .ok_or(VerifyError::Header("shorter than its components"))?;
    let k = u16::from_le_bytes([k[0], k[1]]) as usize;
    *at += 2;
    if k == 0 || k > MAX_COMPONENTS {
        return Err(VerifyError::Header("components count outside 1..=16"));
    }
    let mut components = Vec::with_capacity(k);
    for _ in 0..k {
        let c = bytes
            .get(*at..*at + COMPONENT_LEN)
            .ok_or(VerifyError::Header("shorter than its components"))?;
        *at += COMPONENT_LEN;
        let mut message = [0u8; 32];
        message.copy_from_slice(&c[..32]);
        let num_keys = u32::from_le_bytes([c[36], c[37], c[38], c[39]]) as usize;
        let shape = decode_shape(bytes, at, num_keys, levels, nodes)?;
        components.push(Component {
            message,
            slot: u32::from_le_bytes([c[32], c[33], c[34], c[35]]),
            num_keys,
            shape,
        });
    }
    let n = CLAIMS_PER_BALANCE * k;
    let claims = claims::decode(bytes.get(*at..).unwrap_or(&[]), n).ok_or(VerifyError::Header(
        "missing or non-canonical claimed challenges",
    ))?;
    *at += n * claims::CLAIM_BYTES;
    Ok((components, claims))
}

/// The shape of a component split out of a Type-2 ([`Shape::Split`]): the Type-2's
/// components and claims, the other components' lists' digests and balances, and the
/// split's own claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitShape {
    /// The split component's position.
    pub index: usize,
    /// The Type-2's components, in order.
    pub components: Vec<Component>,
    /// The Type-2's claims (`(alpha, beta)` per component).
    pub type2_claims: Vec<Ext5>,
    /// Per other component, in order: its lists' digests and balance.
    pub given: Vec<GivenChild>,
    /// The split's own claims (`(alpha, beta)` of the Type-2's verification).
    pub claims: Vec<Ext5>,
}

impl SplitShape {
    /// The split component.
    pub fn component(&self) -> &Component {
        &self.components[self.index]
    }

    /// Number of keys of the split component.
    pub fn num_keys(&self) -> usize {
        self.component().num_keys
    }

    /// Levels: the split, the Type-2, then its deepest component.
    pub fn depth(&self) -> usize {
        2 + self
            .components
            .iter()
            .map(|c| c.shape.depth())
            .max()
            .unwrap_or(0)
    }

    /// Aggregates in the tree: the split, the Type-2 and every component's.
    pub fn nodes(&self) -> usize {
        2 + self
            .components
            .iter()
            .map(|c| c.shape.nodes())
            .sum::<usize>()
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.index as u16).to_le_bytes());
        encode_components(&self.components, &self.type2_claims, out);
        for g in &self.given {
            out.extend_from_slice(&(g.digests.len() as u16).to_le_bytes());
            for d in &g.digests {
                for x in d {
                    out.extend_from_slice(&x.as_canonical_u32().to_le_bytes());
                }
            }
            claims::encode(&[g.balance], out);
        }
        claims::encode(&self.claims, out);
    }

    /// Decodes a split shape at `*at`, advancing it; `levels` levels allowed below the
    /// Type-2, `nodes` the tree's budget (the Type-2 takes one).
    pub(crate) fn decode(
        bytes: &[u8],
        at: &mut usize,
        levels: usize,
        nodes: &mut usize,
    ) -> Result<SplitShape, VerifyError> {
        let short = "shorter than its split shape";
        let index = bytes.get(*at..*at + 2).ok_or(VerifyError::Header(short))?;
        let index = u16::from_le_bytes([index[0], index[1]]) as usize;
        *at += 2;
        *nodes = nodes.checked_sub(1).ok_or(VerifyError::Header(
            "more aggregates in the tree than allowed",
        ))?;
        let (components, type2_claims) = decode_components(bytes, at, levels, nodes)?;
        if index >= components.len() {
            return Err(VerifyError::Header("the component index is out of range"));
        }
        let mut given = Vec::with_capacity(components.len() - 1);
        for _ in 1..components.len() {
            let n = bytes.get(*at..*at + 2).ok_or(VerifyError::Header(short))?;
            let n = u16::from_le_bytes([n[0], n[1]]) as usize;
            *at += 2;
            if n > MAX_GIVEN_LISTS {
                return Err(VerifyError::Header("too many lists for a component"));
            }
            let mut digests = Vec::with_capacity(n);
            for _ in 0..n {
                let raw = bytes.get(*at..*at + 32).ok_or(VerifyError::Header(short))?;
                *at += 32;
                let mut d: Digest = [F::ZERO; 8];
                for (x, b) in d.iter_mut().zip(raw.chunks_exact(4)) {
                    *x = F::from_canonical_checked(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                        .ok_or(VerifyError::Header("a digest value is not canonical"))?;
                }
                digests.push(d);
            }
            let balance = claims::decode(bytes.get(*at..).unwrap_or(&[]), 1)
                .ok_or(VerifyError::Header("missing or non-canonical balance"))?[0];
            *at += claims::CLAIM_BYTES;
            given.push(GivenChild { digests, balance });
        }
        let claims = claims::decode(bytes.get(*at..).unwrap_or(&[]), CLAIMS_PER_BALANCE).ok_or(
            VerifyError::Header("missing or non-canonical claimed challenges"),
        )?;
        *at += CLAIMS_PER_BALANCE * claims::CLAIM_BYTES;
        Ok(SplitShape {
            index,
            components,
            type2_claims,
            given,
            claims,
        })
    }
}
