//! The prover's split of a table's summand into an affine part and the rest.
//!
//! Most of a LogUp summand is affine in the columns: a denominator `beta - bus - sum_j
//! alpha^(j+1) v_j` with column values `v_j`, a constant or column multiplicity, a linear
//! constraint. For an affine `A(x) = a_0 + sum_c a_c f_c(x)`, a round's part
//! `sum_x' eq(x') A(X, x')` is `a_0 + sum_c a_c (L_c + X (H_c - L_c))` with
//! `L_c = <eq, lo_c>`, `H_c = <eq, hi_c>`: two dot products per column and round, whatever the
//! number of points `X`, instead of evaluating the expressions at every point. Only the
//! non-affine roots go through the arena.
//!
//! The non-affine roots are themselves mostly linear on top: a Poseidon round's constraint is
//! `next_i - sum_j M_ij cube_j`, and the sumcheck needs only the batched sum
//! `sum_i coef_i root_i`. [`push_down`] moves each coefficient through the linear nodes (sums,
//! differences, negations, products with a constant) down to the nodes that are not linear:
//! the batched sum becomes `sum_v w_v v` over those nodes (the cubes, with
//! `w_j = -sum_i coef_i M_ij`), plus affine terms. The arena then evaluates the cubes, not the
//! linear layer: the same sums (exact field arithmetic, so the same proof), fewer operations.

use super::summand::leaf_factor;
use crate::air::{Air, Challenges, Node};
use backend::KoalaBear;
use backend::field::Ext5;
use std::collections::BTreeMap;

/// `constant + sum_(factor, coef) coef * factor(x)`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Affine {
    pub(crate) constant: Ext5,
    pub(crate) terms: BTreeMap<usize, Ext5>,
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
/// (a product of two non-constant expressions).
pub(crate) fn affine_forms(
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

/// The batched sum `sum_i coefs[i] node(roots[i])` rewritten with the coefficients pushed
/// through every linear node (see the module docs): returns the affine part it reaches (affine
/// subexpressions, given by `forms` from [`affine_forms`]) and the non-linear nodes with their
/// accumulated weights, in decreasing node order (nodes whose weights cancel to zero are
/// left out). The arena lists children before parents, so one pass from the last node down
/// sees every node's weight complete.
pub(super) fn push_down(
    air: &Air,
    forms: &[Option<Affine>],
    roots: &[u32],
    coefs: &[Ext5],
) -> (Affine, Vec<u32>, Vec<Ext5>) {
    let n = air.nodes.len();
    let mut weight = vec![Ext5::ZERO; n];
    let mut reached = vec![false; n];
    for (&r, &c) in roots.iter().zip(coefs) {
        weight[r as usize] += c;
        reached[r as usize] = true;
    }
    let mut affine = Affine::default();
    let mut nodes = Vec::new();
    let mut weights = Vec::new();
    let constant = |i: u32| {
        forms[i as usize]
            .as_ref()
            .filter(|f| f.is_constant())
            .map(|f| f.constant)
    };
    for i in (0..n).rev() {
        if !reached[i] {
            continue;
        }
        let w = weight[i];
        if w == Ext5::ZERO {
            continue;
        }
        if let Some(form) = &forms[i] {
            affine.add_scaled(form, w);
            continue;
        }
        let mut push = |child: u32, v: Ext5| {
            weight[child as usize] += v;
            reached[child as usize] = true;
        };
        match air.nodes[i] {
            Node::Add(a, b) => {
                push(a, w);
                push(b, w);
            }
            Node::Sub(a, b) => {
                push(a, w);
                push(b, -w);
            }
            Node::Neg(a) => push(a, -w),
            Node::Mul(a, b) => match (constant(a), constant(b)) {
                (Some(c), _) => push(b, w * c),
                (_, Some(c)) => push(a, w * c),
                _ => {
                    nodes.push(i as u32);
                    weights.push(w);
                }
            },
            _ => {
                nodes.push(i as u32);
                weights.push(w);
            }
        }
    }
    (affine, nodes, weights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AirBuilder;
    use crate::eval::{PointValues, eval_point};
    use crate::v2::mle::test_ext as ext;

    /// A small Poseidon-like AIR: a linear layer over cubes (constraint `next_i - sum_j
    /// M_ij (x_j + c_j)^3`), a product of sums, a constraint under a selector, a public value
    /// a negated product and a linear constraint, sharing subexpressions.
    fn layered_air() -> Air {
        let b = AirBuilder::new("layered");
        let x = b.columns("x", 3);
        let cube = |j: usize| {
            let s = b.main(x[j]) + b.constant(KoalaBear::new(5 + j as u32));
            s * s * s
        };
        for (i, &xi) in x.iter().enumerate() {
            let mut layer = b.constant(KoalaBear::ZERO);
            for j in 0..3 {
                let m = b.constant(KoalaBear::new((3 * i + j + 1) as u32));
                // Constants on either side of a product.
                layer = layer
                    + if (i + j) % 2 == 0 {
                        cube(j) * m
                    } else {
                        m * cube(j)
                    };
            }
            b.assert_zero(b.next(xi) - layer);
        }
        b.when_transition(b.main(x[1]) * b.main(x[1]) - b.next(x[2]));
        b.assert_zero((b.main(x[0]) + b.main(x[1])) * (b.main(x[2]) - b.public_value()));
        b.assert_zero(b.main(x[0]) * b.constant(KoalaBear::new(3)) - b.main(x[2]));
        b.assert_zero(-(b.main(x[0]) * b.main(x[1])) + b.main(x[2]) * b.main(x[2]));
        b.build(4).unwrap()
    }

    #[test]
    fn pushed_down_sum_equals_the_batched_roots_at_any_point() {
        let air = layered_air();
        let publics = [KoalaBear::new(11)];
        let ch = Challenges {
            bus_alpha: ext(1),
            bus_beta: ext(2),
        };
        let forms = affine_forms(&air, &publics, ch);
        let roots = air.constraints.clone();
        let coefs: Vec<Ext5> = (0..roots.len() as u64).map(|i| ext(40 + i)).collect();
        let (affine, nodes, weights) = push_down(&air, &forms, &roots, &coefs);
        // The linear layer is gone: only the cubes' products and the one product of sums
        // are left for the arena, fewer nodes than the roots reach.
        assert!(
            !nodes.is_empty() && nodes.len() < air.nodes.len() / 2,
            "{nodes:?}"
        );
        for &v in &nodes {
            assert!(forms[v as usize].is_none(), "an affine node was kept: {v}");
            assert!(matches!(air.nodes[v as usize], Node::Mul(..)));
        }
        for seed in 0..4u64 {
            let w = air.width();
            let main: Vec<Ext5> = (0..w as u64).map(|c| ext(100 * seed + c)).collect();
            let next: Vec<Ext5> = (0..w as u64).map(|c| ext(100 * seed + 50 + c)).collect();
            let p = PointValues {
                main: &main,
                main_next: &next,
                publics: &publics,
                challenges: ch,
                is_first: ext(7 + seed),
                is_last: ext(8 + seed),
                is_transition: ext(9 + seed),
            };
            let vals = eval_point(&air, &p);
            let batched: Ext5 = roots
                .iter()
                .zip(&coefs)
                .map(|(&r, &c)| c * vals[r as usize])
                .sum();
            let nn = air.main_next_columns();
            let factor = |f: usize| match f {
                f if f < w => main[f],
                f if f < w + nn.len() => next[nn[f - w]],
                f if f == w + nn.len() => p.is_first,
                f if f == w + nn.len() + 1 => p.is_last,
                _ => p.is_transition,
            };
            let pushed = affine.constant
                + affine
                    .terms
                    .iter()
                    .map(|(&f, &a)| a * factor(f))
                    .sum::<Ext5>()
                + nodes
                    .iter()
                    .zip(&weights)
                    .map(|(&v, &c)| c * vals[v as usize])
                    .sum::<Ext5>();
            assert_eq!(pushed, batched, "seed {seed}");
        }
    }
}
