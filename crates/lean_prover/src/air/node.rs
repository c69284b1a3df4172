//! The expression arena: its nodes (a DAG, children before parents), the hash-consing
//! [`Arena`] that shares identical nodes, and the extension-valued challenges a node may
//! read ([`Challenge`], with their values in [`Challenges`]).

use backend::KoalaBear;
use backend::field::Ext5;
use std::collections::HashMap;

/// The extension-valued constants an expression may use (only the interactions'
/// denominators do).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Challenge {
    /// The tuple-compression challenge `alpha`.
    BusAlpha,
    /// The LogUp offset `beta`.
    BusBeta,
}

/// One arena node. Children always have smaller indices than their parent.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    Const(KoalaBear),
    Main { col: u32, next: bool },
    Public(u32),
    Challenge(Challenge),
    IsFirst,
    IsLast,
    IsTransition,
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Neg(u32),
}

impl Node {
    /// Children of the node (at most two).
    pub(crate) fn children(&self) -> [Option<u32>; 2] {
        match *self {
            Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) => [Some(a), Some(b)],
            Node::Neg(a) => [Some(a), None],
            _ => [None, None],
        }
    }
}

/// The nodes of one AIR, each stored once.
#[derive(Default)]
pub(super) struct Arena {
    pub(super) nodes: Vec<Node>,
    index: HashMap<Node, u32>,
}

impl Arena {
    /// The index of node `n`, added if it is new.
    pub(super) fn push(&mut self, n: Node) -> u32 {
        if let Some(&i) = self.index.get(&n) {
            return i;
        }
        let i = self.nodes.len() as u32;
        self.nodes.push(n);
        self.index.insert(n, i);
        i
    }
}

/// The bus challenges the denominators read (used by both evaluators; a verifier's values in
/// a circuit too, [`crate::v2::arith`]).
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct Challenges<E = Ext5> {
    pub(crate) bus_alpha: E,
    pub(crate) bus_beta: E,
}

impl<E: Copy> Challenges<E> {
    pub(crate) fn get(&self, c: Challenge) -> E {
        match c {
            Challenge::BusAlpha => self.bus_alpha,
            Challenge::BusBeta => self.bus_beta,
        }
    }
}
