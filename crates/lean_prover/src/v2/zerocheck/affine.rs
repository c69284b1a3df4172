//! The prover's split of a table's summand into an affine part and the rest.
//!
//! Most of a LogUp summand is affine in the columns: a denominator `beta - bus - sum_j
//! alpha^(j+1) v_j` with column values `v_j`, a constant or column multiplicity, a linear
//! constraint. For an affine `A(x) = a_0 + sum_c a_c f_c(x)`, a round's part
//! `sum_x' eq(x') A(X, x')` is `a_0 + sum_c a_c (L_c + X (H_c - L_c))` with
//! `L_c = <eq, lo_c>`, `H_c = <eq, hi_c>`: two dot products per column and round, whatever the
//! number of points `X`, instead of evaluating the expressions at every point. Only the
//! non-affine roots go through the arena.

use super::leaf_factor;
use crate::air::{Air, Challenges, Node};
use backend::KoalaBear;
use backend::field::Ext5;
use std::collections::BTreeMap;

/// `constant + sum_(factor, coef) coef * factor(x)`.
#[derive(Clone, Debug, Default)]
pub(super) struct Affine {
    pub(super) constant: Ext5,
    pub(super) terms: BTreeMap<usize, Ext5>,
}

impl Affine {
    fn constant(c: Ext5) -> Affine {
        Affine {
            constant: c,
            terms: BTreeMap::new(),
        }
    }

    fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }

    fn scaled(&self, s: Ext5) -> Affine {
        Affine {
            constant: self.constant * s,
            terms: self.terms.iter().map(|(&k, &v)| (k, v * s)).collect(),
        }
    }

    /// Adds `s * other`.
    pub(super) fn add_scaled(&mut self, other: &Affine, s: Ext5) {
        self.constant += other.constant * s;
        for (&k, &v) in &other.terms {
            *self.terms.entry(k).or_insert(Ext5::ZERO) += v * s;
        }
    }
}

/// Every node's affine form over the table's factors, `None` where a node is not affine
/// (a product of two non-constant expressions, or an auxiliary column).
pub(super) fn affine_forms(
    air: &Air,
    publics: &[KoalaBear],
    ch: Challenges,
) -> Vec<Option<Affine>> {
    let mut forms: Vec<Option<Affine>> = Vec::with_capacity(air.nodes.len());
    for &node in &air.nodes {
        let get = |i: u32| forms[i as usize].as_ref();
        let form = match node {
            Node::Const(c) => Some(Affine::constant(Ext5::from_base(c))),
            Node::Public(k) => Some(Affine::constant(Ext5::from_base(
                publics.get(k as usize).copied().unwrap_or_default(),
            ))),
            Node::Challenge(c) => Some(Affine::constant(ch.get(c))),
            Node::Add(a, b) | Node::Sub(a, b) => match (get(a), get(b)) {
                (Some(x), Some(y)) => {
                    let mut out = x.clone();
                    let sign = if matches!(node, Node::Add(..)) {
                        Ext5::ONE
                    } else {
                        -Ext5::ONE
                    };
                    out.add_scaled(y, sign);
                    Some(out)
                }
                _ => None,
            },
            Node::Mul(a, b) => match (get(a), get(b)) {
                (Some(x), Some(y)) if x.is_constant() => Some(y.scaled(x.constant)),
                (Some(x), Some(y)) if y.is_constant() => Some(x.scaled(y.constant)),
                _ => None,
            },
            Node::Neg(a) => get(a).map(|x| x.scaled(-Ext5::ONE)),
            leaf => leaf_factor(air, leaf).map(|f| Affine {
                constant: Ext5::ZERO,
                terms: BTreeMap::from([(f, Ext5::ONE)]),
            }),
        };
        forms.push(form);
    }
    forms
}
