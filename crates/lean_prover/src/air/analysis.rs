//! Symbolic analysis of a finished arena: the degree of every node and whether it uses only
//! constants and public values, the columns the constraints read at the next row, and the
//! structural digest the Fiat-Shamir transcript observes.

use super::node::Node;
use backend::KoalaBear;

/// Degree of every node, and whether it uses only constants and public values.
pub(super) fn symbolic(nodes: &[Node]) -> (Vec<usize>, Vec<bool>) {
    let mut degrees: Vec<usize> = Vec::with_capacity(nodes.len());
    let mut public_only = Vec::with_capacity(nodes.len());
    for n in nodes {
        let (d, p) = match *n {
            Node::Const(_) => (0, true),
            Node::Public(_) => (0, true),
            Node::Challenge(_) => (0, false),
            Node::Main { .. } => (1, false),
            Node::IsFirst | Node::IsLast | Node::IsTransition => (1, false),
            Node::Add(a, b) | Node::Sub(a, b) => (
                degrees[a as usize].max(degrees[b as usize]),
                public_only[a as usize] && public_only[b as usize],
            ),
            Node::Mul(a, b) => (
                degrees[a as usize] + degrees[b as usize],
                public_only[a as usize] && public_only[b as usize],
            ),
            Node::Neg(a) => (degrees[a as usize], public_only[a as usize]),
        };
        degrees.push(d);
        public_only.push(p);
    }
    (degrees, public_only)
}

/// The main columns some constraint reads at the next row, in increasing order.
pub(super) fn next_row_columns(nodes: &[Node], constraints: &[u32]) -> Vec<usize> {
    let mut reachable = vec![false; nodes.len()];
    for &c in constraints {
        reachable[c as usize] = true;
    }
    let mut main_next = Vec::new();
    for i in (0..nodes.len()).rev() {
        if !reachable[i] {
            continue;
        }
        match nodes[i] {
            Node::Main { col, next: true } => main_next.push(col as usize),
            n => {
                for ch in n.children().into_iter().flatten() {
                    reachable[ch as usize] = true;
                }
            }
        }
    }
    main_next.sort_unstable();
    main_next.dedup();
    main_next
}

/// A fingerprint of the AIR's structure, observed by the Fiat-Shamir transcript.
pub(super) fn air_digest(
    nodes: &[Node],
    constraints: &[u32],
    width: usize,
    num_public: usize,
) -> backend::merkle::Digest {
    let mut words: Vec<KoalaBear> = vec![
        KoalaBear::new(width as u32),
        KoalaBear::new(num_public as u32),
        KoalaBear::new(nodes.len() as u32),
    ];
    for n in nodes {
        let (tag, a, b) = match *n {
            Node::Const(c) => (0, c.as_canonical_u32(), 0),
            Node::Main { col, next } => (1, col, next as u32),
            Node::Public(i) => (3, i, 0),
            Node::Challenge(c) => (4, c as u32, 0),
            Node::IsFirst => (5, 0, 0),
            Node::IsLast => (6, 0, 0),
            Node::IsTransition => (7, 0, 0),
            Node::Add(a, b) => (8, a, b),
            Node::Sub(a, b) => (9, a, b),
            Node::Mul(a, b) => (10, a, b),
            Node::Neg(a) => (11, a, 0),
        };
        words.extend([tag, a, b].map(KoalaBear::new));
    }
    words.push(KoalaBear::new(constraints.len() as u32));
    words.extend(constraints.iter().map(|&c| KoalaBear::new(c)));
    backend::merkle::hash_row(&words)
}
