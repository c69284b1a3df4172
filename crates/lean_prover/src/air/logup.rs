//! The LogUp part of [`AirBuilder::build`](super::AirBuilder::build): every interaction's
//! denominator `beta - c` (the compression `c = bus + sum_j alpha^(j+1) v_j`), the grouping
//! of the private interactions into auxiliary columns under the degree bound, and the
//! constraints of those columns (see the module docs of [`air`](super), "Buses").

use super::analysis::symbolic;
use super::bus::{Direction, Interaction, PendingInteraction};
use super::node::{Arena, Challenge, Node};
use backend::KoalaBear;

/// The built interactions and how the private ones share the auxiliary columns.
pub(super) struct LogUp {
    /// The private interactions, in declaration order.
    pub(super) interactions: Vec<Interaction>,
    /// The public (verifier-computed) interactions, in declaration order.
    pub(super) public_interactions: Vec<Interaction>,
    /// Interaction indices per auxiliary column (the last one is the running sum's).
    pub(super) groups: Vec<Vec<usize>>,
}

/// Adds the denominators of the interactions and the LogUp columns' constraints to the
/// arena; the constraints are appended to `constraints` (which holds the user's).
pub(super) fn logup_columns(
    arena: &mut Arena,
    pending: &[PendingInteraction],
    pending_public: &[PendingInteraction],
    constraints: &mut Vec<u32>,
    max_constraint_degree: usize,
) -> LogUp {
    let alpha = arena.push(Node::Challenge(Challenge::BusAlpha));
    let beta = arena.push(Node::Challenge(Challenge::BusBeta));
    // Compressed tuple c = bus + sum_j alpha^(j+1) v_j, denominator beta - c.
    let compress = |arena: &mut Arena, p: &PendingInteraction| -> u32 {
        let mut acc = arena.push(Node::Const(KoalaBear::new(p.bus.0)));
        let mut pow = alpha;
        for (j, &v) in p.values.iter().enumerate() {
            if j > 0 {
                pow = arena.push(Node::Mul(pow, alpha));
            }
            let t = arena.push(Node::Mul(pow, v));
            acc = arena.push(Node::Add(acc, t));
        }
        arena.push(Node::Sub(beta, acc))
    };
    let mut interactions = Vec::with_capacity(pending.len());
    for p in pending {
        let denominator = compress(arena, p);
        interactions.push(Interaction {
            bus: p.bus,
            values: p.values.clone(),
            multiplicity: p.multiplicity,
            direction: p.direction,
            denominator,
        });
    }
    let mut public_interactions = Vec::with_capacity(pending_public.len());
    for p in pending_public {
        let denominator = compress(arena, p);
        public_interactions.push(Interaction {
            bus: p.bus,
            values: p.values.clone(),
            multiplicity: p.multiplicity,
            direction: p.direction,
            denominator,
        });
    }
    // LogUp columns: the interactions are split into groups, one auxiliary column each
    // (the last group's column is the running sum s), see the module docs.
    let (pre_degrees, _) = symbolic(&arena.nodes);
    let user_degree = constraints
        .iter()
        .map(|&c| pre_degrees[c as usize])
        .max()
        .unwrap_or(0);
    let shapes: Vec<(usize, usize)> = interactions
        .iter()
        .map(|it| {
            (
                pre_degrees[it.denominator as usize],
                pre_degrees[it.multiplicity as usize],
            )
        })
        .collect();
    let groups = logup_groups(&shapes, user_degree, max_constraint_degree);
    let num_aux = groups.len();
    if let Some((last, firsts)) = groups.split_last() {
        let s_col = (num_aux - 1) as u32;
        let mut hs = Vec::with_capacity(firsts.len());
        for (j, group) in firsts.iter().enumerate() {
            let h = arena.push(Node::Aux {
                col: j as u32,
                next: false,
            });
            hs.push(h);
            // h_j prod_i d_i - sum_i ±m_i prod_(l != i) d_l = 0.
            let (den, num) = group_fraction(arena, &interactions, group);
            let hd = arena.push(Node::Mul(h, den));
            constraints.push(arena.push(Node::Sub(hd, num)));
        }
        // (s' - s + claimed / n - sum_j h_j) prod_i d_i - sum_i ±m_i prod_(l != i) d_l = 0
        // for the last group, on every row (cyclically).
        let s = arena.push(Node::Aux {
            col: s_col,
            next: false,
        });
        let s_next = arena.push(Node::Aux {
            col: s_col,
            next: true,
        });
        let per_row = arena.push(Node::Challenge(Challenge::ClaimedSumPerRow));
        let step = arena.push(Node::Sub(s_next, s));
        let mut step = arena.push(Node::Add(step, per_row));
        for h in hs {
            step = arena.push(Node::Sub(step, h));
        }
        let (den, num) = group_fraction(arena, &interactions, last);
        let sd = arena.push(Node::Mul(step, den));
        constraints.push(arena.push(Node::Sub(sd, num)));
    }
    LogUp {
        interactions,
        public_interactions,
        groups,
    }
}

/// Degree of the LogUp constraint of a group of interactions with the given
/// `(denominator degree, multiplicity degree)`: `col * prod d_i - sum_i m_i prod_(l != i) d_l`
/// with `col` of degree 1.
fn group_degree(shapes: &[(usize, usize)], group: &[usize]) -> usize {
    let dens: usize = group.iter().map(|&i| shapes[i].0).sum();
    group
        .iter()
        .map(|&i| shapes[i].1 + dens - shapes[i].0)
        .fold(1 + dens, usize::max)
}

/// Splits the interactions (given as `(denominator degree, multiplicity degree)`) into the
/// groups that share an auxiliary column.
///
/// For a degree limit `L`, first fit in declaration order: each interaction joins the first
/// group whose constraint stays within degree `L`, or opens a new group. `L` runs from the
/// smallest possible (one interaction per group) to `max_degree`; the chosen `L` minimises
/// the number of extension columns the proof opens per query, groups plus quotient chunks
/// (`next_pow2(max(D - 1, 1))` for the resulting table degree `D`), the smallest `L` on ties.
/// So a pair of interactions with linear tuples and multiplicities shares a column when the
/// table allows degree 3, and a grouping that would need more quotient chunks is taken only
/// if it saves more columns than the chunks it adds.
fn logup_groups(
    shapes: &[(usize, usize)],
    user_degree: usize,
    max_degree: usize,
) -> Vec<Vec<usize>> {
    let singles: Vec<Vec<usize>> = (0..shapes.len()).map(|i| vec![i]).collect();
    if shapes.is_empty() {
        return singles;
    }
    let floor = singles
        .iter()
        .map(|g| group_degree(shapes, g))
        .max()
        .unwrap_or(1);
    let chunks = |d: usize| d.saturating_sub(1).max(1);
    let mut best = (usize::MAX, singles);
    for limit in floor..=max_degree {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for i in 0..shapes.len() {
            let slot = groups.iter().position(|g| {
                let mut t = g.clone();
                t.push(i);
                group_degree(shapes, &t) <= limit
            });
            match slot {
                Some(j) => groups[j].push(i),
                None => groups.push(vec![i]),
            }
        }
        let degree = groups
            .iter()
            .map(|g| group_degree(shapes, g))
            .fold(user_degree, usize::max);
        let cost = groups.len() + chunks(degree);
        if cost < best.0 {
            best = (cost, groups);
        }
    }
    best.1
}

/// The fraction of a group of interactions as arena nodes `(prod_i d_i,
/// sum_i ±m_i prod_(l != i) d_l)`, `+` for a send and `-` for a receive.
fn group_fraction(arena: &mut Arena, interactions: &[Interaction], group: &[usize]) -> (u32, u32) {
    let mut den = None;
    let mut num = None;
    for (a, &i) in group.iter().enumerate() {
        let it = &interactions[i];
        den = Some(match den {
            None => it.denominator,
            Some(d) => arena.push(Node::Mul(d, it.denominator)),
        });
        let mut term = it.multiplicity;
        for (b, &l) in group.iter().enumerate() {
            if a != b {
                term = arena.push(Node::Mul(term, interactions[l].denominator));
            }
        }
        num = Some(match (num, it.direction) {
            (None, Direction::Send) => term,
            (None, Direction::Receive) => arena.push(Node::Neg(term)),
            (Some(acc), Direction::Send) => arena.push(Node::Add(acc, term)),
            (Some(acc), Direction::Receive) => arena.push(Node::Sub(acc, term)),
        });
    }
    (den.unwrap_or_default(), num.unwrap_or_default())
}
