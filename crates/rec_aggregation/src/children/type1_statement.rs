//! [`Type1Statement`]: what a verifier checks a Type-1 proof of either kind against, derived
//! from the configuration, rate, message, slot, flat key list and [`Shape`] alone.
//!
//! A plain aggregate's statement is the aggregation [`Statement`] of all its keys. An
//! aggregate with children has the aggregation statement of its raw keys (none if it has
//! none) beside the circuit of its children's verifications: the children's statements are
//! derived first (recursively, each from its slice of the keys and its shape), then the
//! circuit's lists and heights from them and the shape's claims by a structure-only
//! recording ([`verification_lists`]).

use super::shape::{NestedShape, Shape, SplitShape, TYPE2_OUTER_LOG_INV_RATE};
use crate::api::{VerifyError, max_signatures};
use crate::circuit::{CIRCUIT_TABLES, CircuitLists, circuit_instances};
use crate::in_order::in_order;
use crate::recursion::{
    ChildStatement, RecursionError, verification_lists, verification_lists_given,
};
use crate::statement::Statement;
use backend::{Isa, KoalaBear as F};
use lean_prover::{PublicLookup, TableInstance};
use rayon::prelude::*;
use xmss::{Config, PublicKey};

/// The statement of a Type-1 proof (module docs).
pub struct Type1Statement {
    raw: Option<Statement>,
    circuit: Option<(CircuitLists, [usize; CIRCUIT_TABLES])>,
}

impl Type1Statement {
    /// Derives the statement of a Type-1 proof of `shape` for `keys` (the flat list: raw keys,
    /// then each child's), `message` and `slot` in `config`, its children at `log_inv_rate`.
    ///
    /// Every aggregate of the tree is checked against the limits before anything is built
    /// (the slot inside the lifetime, at most [`max_signatures`] raw signatures each), so a
    /// shape from untrusted bytes never sizes an allocation.
    ///
    /// # Errors
    /// [`VerifyError::SlotOutOfRange`] or [`VerifyError::TooMany`] for a shape beyond the
    /// limits, [`VerifyError::KeyCount`] if the shape's counts do not add up to the keys,
    /// [`VerifyError::Rejected`] for a child statement the parameters cannot prove,
    /// [`VerifyError::Recursion`] if the claims do not fit the verifications.
    pub fn derive(
        isa: Isa,
        config: Config,
        log_inv_rate: usize,
        message: &[u8; 32],
        slot: u32,
        keys: &[PublicKey],
        shape: &Shape,
    ) -> Result<Type1Statement, VerifyError> {
        Node {
            isa,
            config,
            log_inv_rate,
            message,
            slot,
            keys,
        }
        .derive(shape)
    }
}

/// One aggregate of a tree being derived: what it shares with the whole tree (instruction
/// set, configuration, rate) and its own message, slot and flat key list.
#[derive(Copy, Clone)]
struct Node<'a> {
    isa: Isa,
    config: Config,
    log_inv_rate: usize,
    message: &'a [u8; 32],
    slot: u32,
    keys: &'a [PublicKey],
}

impl Node<'_> {
    /// [`Type1Statement::derive`] of this aggregate with `shape`.
    fn derive(self, shape: &Shape) -> Result<Type1Statement, VerifyError> {
        let config = self.config;
        if u64::from(self.slot) >= config.lifetime() {
            return Err(VerifyError::SlotOutOfRange {
                slot: self.slot,
                lifetime: config.lifetime(),
            });
        }
        let max = max_signatures(config, self.log_inv_rate);
        if let Some(n) = shape
            .raw_counts(self.keys.len())
            .into_iter()
            .find(|&n| n > max)
        {
            return Err(VerifyError::TooMany { n, max });
        }
        match shape {
            Shape::Plain => Ok(Type1Statement {
                raw: Some(Statement::new(config, self.message, self.slot, self.keys)),
                circuit: None,
            }),
            Shape::Nested(n) => self.nested(n),
            Shape::Split(s) => self.split(s),
        }
    }

    /// A split's statement: the circuit verifying the Type-2's outer proof, whose own
    /// statement is derived with the split component's keys and the other components given
    /// only in shape (placeholder keys of the right count; their lists' digests and balances
    /// from the split shape: `crate::circuit::GivenChild`).
    fn split(self, shape: &SplitShape) -> Result<Type1Statement, VerifyError> {
        let own = shape.component();
        if own.num_keys != self.keys.len() {
            return Err(VerifyError::KeyCount {
                proof: own.num_keys,
                keys: self.keys.len(),
            });
        }
        if own.message != *self.message || own.slot != self.slot {
            return Err(VerifyError::OtherMessageOrSlot);
        }
        let placeholder = PublicKey {
            root: [F::ZERO; 8],
            parameter: [F::ZERO; 5],
        };
        let mut statements = Vec::with_capacity(shape.components.len());
        let mut given = Vec::with_capacity(shape.components.len());
        let mut others = shape.given.iter();
        for (j, c) in shape.components.iter().enumerate() {
            let placeholders;
            let (keys, g) = if j == shape.index {
                (self.keys, None)
            } else {
                placeholders = vec![placeholder; c.num_keys];
                let g = others
                    .next()
                    .ok_or(VerifyError::Header("a component's lists are missing"))?;
                (placeholders.as_slice(), Some(g.clone()))
            };
            let component = Node {
                message: &c.message,
                slot: c.slot,
                keys,
                ..self
            };
            let st = component.derive(&c.shape)?;
            if let Some(g) = &g
                && g.digests.len() != st.lookups().len()
            {
                return Err(VerifyError::Header(
                    "a component's list count is not its shape's",
                ));
            }
            given.push(g);
            statements.push(st);
        }
        let refs: Vec<&Type1Statement> = statements.iter().collect();
        let (lists, heights) = verification_lists_given(
            self.isa,
            self.log_inv_rate,
            &refs,
            &shape.type2_claims,
            given,
        )
        .map_err(rejected)?;
        let outer = Type1Statement::of_circuit(lists, heights);
        let circuit =
            verification_lists(self.isa, TYPE2_OUTER_LOG_INV_RATE, &[&outer], &shape.claims)
                .map_err(rejected)?;
        Ok(Type1Statement {
            raw: None,
            circuit: Some(circuit),
        })
    }

    /// An aggregate with children: its raw keys' aggregation statement beside the circuit of
    /// its children's verifications (their statements derived in parallel, each from its
    /// slice of the keys).
    fn nested(self, shape: &NestedShape) -> Result<Type1Statement, VerifyError> {
        if shape.num_keys() != self.keys.len() {
            return Err(VerifyError::KeyCount {
                proof: shape.num_keys(),
                keys: self.keys.len(),
            });
        }
        let (raw_keys, mut rest) = self.keys.split_at(shape.num_raw);
        let mut slices = Vec::with_capacity(shape.children.len());
        for (count, child) in &shape.children {
            let (keys, tail) = rest.split_at(*count);
            rest = tail;
            slices.push((Node { keys, ..self }, child));
        }
        let children = in_order(
            slices
                .into_par_iter()
                .map(|(node, child)| node.derive(child)),
        )?;
        let refs: Vec<&Type1Statement> = children.iter().collect();
        let circuit = verification_lists(self.isa, self.log_inv_rate, &refs, &shape.claims)
            .map_err(rejected)?;
        Ok(Type1Statement {
            raw: (!raw_keys.is_empty())
                .then(|| Statement::new(self.config, self.message, self.slot, raw_keys)),
            circuit: Some(circuit),
        })
    }
}

impl Type1Statement {
    /// The statement of a proof of a circuit's tables alone (a Type-2's outer proof).
    pub(crate) fn of_circuit(lists: CircuitLists, heights: [usize; CIRCUIT_TABLES]) -> Self {
        Type1Statement {
            raw: None,
            circuit: Some((lists, heights)),
        }
    }
}

/// A recursion error as a verification error: a rejected child or outer proof, or a
/// recording that cannot become lists.
fn rejected(e: RecursionError) -> VerifyError {
    match e {
        RecursionError::Child { source, .. } | RecursionError::Outer(source) => {
            VerifyError::Rejected(source)
        }
        e @ RecursionError::Circuit(_) => VerifyError::Recursion(e),
    }
}

impl ChildStatement for Type1Statement {
    fn instances(&self) -> Vec<TableInstance<'_>> {
        let mut out: Vec<TableInstance<'_>> = Vec::new();
        if let Some(st) = &self.raw {
            out.extend(st.instances());
        }
        if let Some((_, heights)) = &self.circuit {
            out.extend(circuit_instances(heights));
        }
        out
    }

    fn lookups(&self) -> Vec<PublicLookup<'_>> {
        let mut out: Vec<PublicLookup<'_>> = Vec::new();
        if let Some(st) = &self.raw {
            out.extend(st.lookups());
        }
        if let Some((lists, _)) = &self.circuit {
            out.extend(lists.lookups());
        }
        out
    }
}
