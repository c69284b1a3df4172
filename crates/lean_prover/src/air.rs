//! The AIR interface: named columns, symbolic constraints over the current and next row,
//! selectors, public values and LogUp bus interactions.
//!
//! An AIR is described once with an [`AirBuilder`]: every expression the caller writes is a
//! node of one arena (a DAG: identical nodes are shared), so the same description is evaluated
//! three ways:
//!
//! * symbolically, by [`AirBuilder::build`]: the degree of every constraint (checked against the
//!   configured maximum) and the list of bus interactions;
//! * by the prover over the quotient domain, node by node over chunks of rows with the
//!   dispatched slice kernels (`crate::eval`);
//! * by the verifier at the out-of-domain point, in the extension field.
//!
//! # Degrees
//! A main column (current or next row), an auxiliary column and every selector have degree 1,
//! constants, public values and challenges degree 0; sums take the maximum, products the sum.
//! The selectors are the unnormalised Lagrange selectors `is_first(x) = Z_H(x) / (x - 1)`,
//! `is_last(x) = Z_H(x) / (x - w^-1)` and `is_transition(x) = x - w^-1` (`Z_H(x) = x^n - 1`):
//! a constraint of degree `d` becomes a polynomial of degree at most `d (n - 1)`, so its
//! quotient by `Z_H` has degree below `(d - 1) n` (this is why selectors count as degree 1).
//!
//! # Buses (LogUp)
//! [`AirBuilder::send`] / [`AirBuilder::receive`] add `+m / (beta - c)` / `-m / (beta - c)` to
//! the table's running sum, where `m` is the multiplicity expression and
//! `c = bus + sum_j alpha^(j+1) v_j` compresses the bus id and the tuple `v`. `alpha, beta` are
//! extension challenges drawn after the main trace is committed. [`AirBuilder::send_public`] /
//! [`AirBuilder::receive_public`] declare contributions that the verifier computes itself from
//! the public values. The proof is accepted only if every table's sum plus those contributions
//! (and those of the statement's public lookup lists, [`crate::lookup`]) is zero.
//!
//! `build` splits a table's `k > 0` private interactions into groups
//! ([`Air::interaction_groups`]) and appends one auxiliary extension column per group. With
//! `d_i = beta - c_i` and `N_G = sum_(i in G) ±m_i prod_(l in G, l != i) d_l` (`+` for a send,
//! `-` for a receive), so that `N_G / prod_(i in G) d_i = sum_(i in G) ±m_i / d_i`:
//!
//! * every group `G_j` but the last has a column `h_j` with the constraint
//!   `h_j prod_(i in G_j) d_i - N_(G_j) = 0`: `h_j` is the group's sum of fractions;
//! * the last column is the running sum `s`, with, for the last group `G`, the constraint
//!   `(s' - s + claimed_sum / n - sum_j h_j) prod_(i in G) d_i - N_G = 0` on every row,
//!   cyclically (`n` the table height; the prover starts `s` at 0 on the first row), so
//!   `s' - s + claimed_sum / n` is the row's sum of all fractions. Summed over the `n` rows of
//!   the cycle the `s` terms telescope away, leaving
//!   `claimed_sum = sum over rows of sum_i ±m_i / d_i`; no selector is needed, and `s` is the
//!   only auxiliary column read at the next row.
//!
//! When every denominator is non-zero on the trace domain, these constraints fix every
//! column to the sum of its fractions, exactly as one column per fraction would, so grouping
//! does not change what is proved nor the LogUp soundness term (which counts fractions, see
//! [`crate::params`]). A group's constraint has degree
//! `max(1 + sum_i deg d_i, max_i (deg m_i + sum_(l != i) deg d_l))`: with linear tuples
//! and multiplicities of degree at most 1, a pair has degree 3 and a group of `g` degree
//! `g + 1`. Groups are formed first-fit in declaration order under a degree limit that never
//! exceeds the table's `max_constraint_degree`; among the limits allowed, `build` takes the
//! one that minimises the extension columns opened per query (groups plus quotient chunks),
//! the lowest on ties. So a table declared with degree 2 keeps one interaction per column,
//! a degree-3 table pairs its linear interactions, and an interaction whose own constraint
//! already has the table's degree (a quadratic tuple in a degree-3 table) keeps a column of
//! its own.
//!
//! # Next-row openings
//! [`Air::main_next_columns`] and [`Air::aux_next_columns`] list the columns that some
//! constraint (LogUp ones included) reads at the next row; only those are opened at `z w`.

use backend::KoalaBear;
use backend::field::Ext5;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::{Add, Mul, Neg, Sub};

/// Largest number of main columns of one table.
pub const MAX_COLUMNS: usize = 4096;
/// Largest number of public values of one table.
pub const MAX_PUBLIC_VALUES: usize = 1024;
/// Largest number of bus interactions (private ones) of one table.
pub const MAX_INTERACTIONS: usize = 256;
/// Largest tuple length of one interaction.
pub const MAX_TUPLE_LEN: usize = 64;
/// Largest number of arena nodes of one AIR.
pub const MAX_NODES: usize = 1 << 20;
/// Largest supported constraint degree.
pub const MAX_CONSTRAINT_DEGREE: usize = 9;

/// The extension-valued constants an expression may use (only the LogUp constraints do).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Challenge {
    /// The tuple-compression challenge `alpha`.
    BusAlpha,
    /// The LogUp offset `beta`.
    BusBeta,
    /// The table's claimed LogUp sum (sent in the proof) divided by the table's height.
    ClaimedSumPerRow,
}

/// One arena node. Children always have smaller indices than their parent.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    Const(KoalaBear),
    Main { col: u32, next: bool },
    Aux { col: u32, next: bool },
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

/// A bus identifier. Interactions on different buses never cancel.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BusId(pub u32);

/// Whether an interaction adds (`Send`) or removes (`Receive`) its tuples on the bus.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Adds `+m / (beta - c)` to the bus sum.
    Send,
    /// Adds `-m / (beta - c)` to the bus sum.
    Receive,
}

/// A bus interaction as arena node ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Interaction {
    pub(crate) bus: BusId,
    pub(crate) values: Vec<u32>,
    pub(crate) multiplicity: u32,
    pub(crate) direction: Direction,
    /// The node of the denominator `beta - c` (private interactions only).
    pub(crate) denominator: u32,
}

/// Why an AIR description is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AirError {
    /// A constraint (named by its index, LogUp constraints after the user's) exceeds the
    /// configured maximum degree.
    #[error("constraint {index} has degree {degree}, above the maximum {max}")]
    DegreeTooHigh {
        /// Index of the constraint.
        index: usize,
        /// Its degree.
        degree: usize,
        /// The configured maximum.
        max: usize,
    },
    /// The configured maximum degree is outside `2..=MAX_CONSTRAINT_DEGREE`.
    #[error("maximum constraint degree {0} outside 2..={MAX_CONSTRAINT_DEGREE}")]
    BadMaxDegree(usize),
    /// The AIR has no column.
    #[error("an AIR needs at least one column")]
    NoColumns,
    /// A public interaction uses something other than constants and public values.
    #[error("public interaction {0} may only use constants and public values")]
    NonPublicInteraction(usize),
    /// An interaction's tuple is empty or too long.
    #[error("interaction {index} has a tuple of {len} values (1..={MAX_TUPLE_LEN} allowed)")]
    BadTupleLen {
        /// Index of the interaction.
        index: usize,
        /// Its tuple length.
        len: usize,
    },
    /// A size limit (columns, public values, interactions, nodes) is exceeded.
    #[error("AIR too large: {0}")]
    TooLarge(&'static str),
    /// An expression from another builder was used.
    #[error("an expression from a different AirBuilder was used")]
    ForeignExpr,
}

/// A column handle returned by [`AirBuilder::column`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Col(pub usize);

#[derive(Default)]
struct Arena {
    nodes: Vec<Node>,
    index: HashMap<Node, u32>,
}

impl Arena {
    fn push(&mut self, n: Node) -> u32 {
        if let Some(&i) = self.index.get(&n) {
            return i;
        }
        let i = self.nodes.len() as u32;
        self.nodes.push(n);
        self.index.insert(n, i);
        i
    }
}

struct PendingInteraction {
    bus: BusId,
    values: Vec<u32>,
    multiplicity: u32,
    direction: Direction,
}

/// Describes one AIR table; see the module docs. Expressions ([`Expr`]) borrow the builder
/// and combine with `+`, `-`, `*` (with each other or with [`KoalaBear`] constants).
pub struct AirBuilder {
    name: String,
    arena: RefCell<Arena>,
    columns: RefCell<Vec<String>>,
    num_public: RefCell<usize>,
    constraints: RefCell<Vec<u32>>,
    interactions: RefCell<Vec<PendingInteraction>>,
    public_interactions: RefCell<Vec<PendingInteraction>>,
    /// Unique id so that expressions of two builders cannot be mixed silently.
    id: usize,
}

/// A symbolic expression: a node of an [`AirBuilder`]'s arena.
#[derive(Copy, Clone)]
pub struct Expr<'a> {
    builder: &'a AirBuilder,
    node: u32,
}

impl std::fmt::Debug for Expr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr(#{})", self.node)
    }
}

fn next_builder_id() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl AirBuilder {
    /// A new, empty AIR named `name` (the name is only for messages).
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            arena: RefCell::new(Arena::default()),
            columns: RefCell::new(Vec::new()),
            num_public: RefCell::new(0),
            constraints: RefCell::new(Vec::new()),
            interactions: RefCell::new(Vec::new()),
            public_interactions: RefCell::new(Vec::new()),
            id: next_builder_id(),
        }
    }

    fn expr(&self, n: Node) -> Expr<'_> {
        let node = self.arena.borrow_mut().push(n);
        Expr {
            builder: self,
            node,
        }
    }

    fn own(&self, e: Expr<'_>) -> u32 {
        // Expressions carry a reference to their builder; a foreign one is detected in build()
        // through this marker (u32::MAX never names a node).
        if std::ptr::eq(e.builder, self) && e.builder.id == self.id {
            e.node
        } else {
            u32::MAX
        }
    }

    /// Adds a main column named `name` and returns its handle.
    pub fn column(&self, name: &str) -> Col {
        let mut c = self.columns.borrow_mut();
        c.push(name.to_string());
        Col(c.len() - 1)
    }

    /// Adds `n` columns named `prefix[0]` .. `prefix[n-1]`.
    pub fn columns(&self, prefix: &str, n: usize) -> Vec<Col> {
        (0..n)
            .map(|i| self.column(&format!("{prefix}[{i}]")))
            .collect()
    }

    /// The value of column `c` in the current row.
    pub fn main(&self, c: Col) -> Expr<'_> {
        self.expr(Node::Main {
            col: c.0 as u32,
            next: false,
        })
    }

    /// The value of column `c` in the next row (cyclically: the last row's next is row 0).
    pub fn next(&self, c: Col) -> Expr<'_> {
        self.expr(Node::Main {
            col: c.0 as u32,
            next: true,
        })
    }

    /// A constant.
    pub fn constant(&self, x: KoalaBear) -> Expr<'_> {
        self.expr(Node::Const(x))
    }

    /// Allocates the next public value and returns it as an expression.
    pub fn public_value(&self) -> Expr<'_> {
        let mut n = self.num_public.borrow_mut();
        *n += 1;
        let i = (*n - 1) as u32;
        drop(n);
        self.expr(Node::Public(i))
    }

    /// The first-row selector (non-zero exactly on the first row of the trace domain).
    pub fn is_first_row(&self) -> Expr<'_> {
        self.expr(Node::IsFirst)
    }

    /// The last-row selector.
    pub fn is_last_row(&self) -> Expr<'_> {
        self.expr(Node::IsLast)
    }

    /// The transition selector (zero exactly on the last row).
    pub fn is_transition(&self) -> Expr<'_> {
        self.expr(Node::IsTransition)
    }

    /// Asserts `e = 0` on every row.
    pub fn assert_zero(&self, e: Expr<'_>) {
        let n = self.own(e);
        self.constraints.borrow_mut().push(n);
    }

    /// Asserts `e = 0` on the first row.
    pub fn when_first_row(&self, e: Expr<'_>) {
        self.assert_zero(self.is_first_row() * e);
    }

    /// Asserts `e = 0` on the last row.
    pub fn when_last_row(&self, e: Expr<'_>) {
        self.assert_zero(self.is_last_row() * e);
    }

    /// Asserts `e = 0` on every row but the last (for constraints that use the next row).
    pub fn when_transition(&self, e: Expr<'_>) {
        self.assert_zero(self.is_transition() * e);
    }

    fn interaction(
        &self,
        list: &RefCell<Vec<PendingInteraction>>,
        bus: BusId,
        values: &[Expr<'_>],
        multiplicity: Expr<'_>,
        direction: Direction,
    ) {
        let values = values.iter().map(|v| self.own(*v)).collect();
        list.borrow_mut().push(PendingInteraction {
            bus,
            values,
            multiplicity: self.own(multiplicity),
            direction,
        });
    }

    /// Sends `values` on `bus` with multiplicity `multiplicity` on every row.
    pub fn send(&self, bus: BusId, values: &[Expr<'_>], multiplicity: Expr<'_>) {
        self.interaction(
            &self.interactions,
            bus,
            values,
            multiplicity,
            Direction::Send,
        );
    }

    /// Receives `values` from `bus` with multiplicity `multiplicity` on every row.
    pub fn receive(&self, bus: BusId, values: &[Expr<'_>], multiplicity: Expr<'_>) {
        self.interaction(
            &self.interactions,
            bus,
            values,
            multiplicity,
            Direction::Receive,
        );
    }

    /// A send computed by the verifier itself (once, not per row) from constants and public
    /// values only.
    pub fn send_public(&self, bus: BusId, values: &[Expr<'_>], multiplicity: Expr<'_>) {
        self.interaction(
            &self.public_interactions,
            bus,
            values,
            multiplicity,
            Direction::Send,
        );
    }

    /// A receive computed by the verifier itself from constants and public values only.
    pub fn receive_public(&self, bus: BusId, values: &[Expr<'_>], multiplicity: Expr<'_>) {
        self.interaction(
            &self.public_interactions,
            bus,
            values,
            multiplicity,
            Direction::Receive,
        );
    }

    /// Finishes the description: appends the LogUp columns and constraints, computes every
    /// degree and checks it against `max_constraint_degree` (2 to [`MAX_CONSTRAINT_DEGREE`]).
    ///
    /// # Errors
    /// An [`AirError`] naming the problem.
    pub fn build(self, max_constraint_degree: usize) -> Result<Air, AirError> {
        if !(2..=MAX_CONSTRAINT_DEGREE).contains(&max_constraint_degree) {
            return Err(AirError::BadMaxDegree(max_constraint_degree));
        }
        let columns = self.columns.take();
        if columns.is_empty() {
            return Err(AirError::NoColumns);
        }
        if columns.len() > MAX_COLUMNS {
            return Err(AirError::TooLarge("columns"));
        }
        let num_public = *self.num_public.borrow();
        if num_public > MAX_PUBLIC_VALUES {
            return Err(AirError::TooLarge("public values"));
        }
        let user_constraints = self.constraints.take();
        let pending = self.interactions.take();
        let pending_public = self.public_interactions.take();
        if pending.len() > MAX_INTERACTIONS || pending_public.len() > MAX_INTERACTIONS {
            return Err(AirError::TooLarge("interactions"));
        }
        let all_ids = user_constraints.iter().copied().chain(
            pending
                .iter()
                .chain(&pending_public)
                .flat_map(|p| p.values.iter().copied().chain([p.multiplicity])),
        );
        for id in all_ids {
            if id == u32::MAX {
                return Err(AirError::ForeignExpr);
            }
        }
        for (index, p) in pending.iter().chain(&pending_public).enumerate() {
            if p.values.is_empty() || p.values.len() > MAX_TUPLE_LEN {
                return Err(AirError::BadTupleLen {
                    index,
                    len: p.values.len(),
                });
            }
        }

        let mut arena = self.arena.take();
        let mut constraints = user_constraints;
        let num_user_constraints = constraints.len();
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
        for p in &pending {
            let denominator = compress(&mut arena, p);
            interactions.push(Interaction {
                bus: p.bus,
                values: p.values.clone(),
                multiplicity: p.multiplicity,
                direction: p.direction,
                denominator,
            });
        }
        let mut public_interactions = Vec::with_capacity(pending_public.len());
        for p in &pending_public {
            let denominator = compress(&mut arena, p);
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
                let (den, num) = group_fraction(&mut arena, &interactions, group);
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
            let (den, num) = group_fraction(&mut arena, &interactions, last);
            let sd = arena.push(Node::Mul(step, den));
            constraints.push(arena.push(Node::Sub(sd, num)));
        }
        if arena.nodes.len() > MAX_NODES {
            return Err(AirError::TooLarge("nodes"));
        }

        // Symbolic analysis: degrees and "uses only constants and public values".
        let (degrees, public_only) = symbolic(&arena.nodes);
        for (i, p) in pending_public.iter().enumerate() {
            let ok = p
                .values
                .iter()
                .chain([&p.multiplicity])
                .all(|&v| public_only[v as usize]);
            if !ok {
                return Err(AirError::NonPublicInteraction(i));
            }
        }
        let mut constraint_degree: usize = 0;
        for (index, &c) in constraints.iter().enumerate() {
            let degree = degrees[c as usize];
            if degree > max_constraint_degree {
                return Err(AirError::DegreeTooHigh {
                    index,
                    degree,
                    max: max_constraint_degree,
                });
            }
            constraint_degree = constraint_degree.max(degree);
        }
        let max_tuple_len = interactions
            .iter()
            .chain(&public_interactions)
            .map(|i| i.values.len())
            .max()
            .unwrap_or(0);
        let quotient_chunks = constraint_degree.saturating_sub(1).max(1);
        // Columns some constraint reads at the next row (only those are opened at `z w`).
        let mut reachable = vec![false; arena.nodes.len()];
        for &c in &constraints {
            reachable[c as usize] = true;
        }
        let mut main_next = Vec::new();
        let mut aux_next = Vec::new();
        for i in (0..arena.nodes.len()).rev() {
            if !reachable[i] {
                continue;
            }
            match arena.nodes[i] {
                Node::Main { col, next: true } => main_next.push(col as usize),
                Node::Aux { col, next: true } => aux_next.push(col as usize),
                n => {
                    for ch in n.children().into_iter().flatten() {
                        reachable[ch as usize] = true;
                    }
                }
            }
        }
        main_next.sort_unstable();
        main_next.dedup();
        aux_next.sort_unstable();
        aux_next.dedup();
        let digest = air_digest(
            &arena.nodes,
            &constraints,
            columns.len(),
            num_public,
            num_aux,
        );
        Ok(Air {
            name: self.name,
            columns,
            num_public,
            nodes: arena.nodes,
            constraints,
            num_user_constraints,
            interactions,
            public_interactions,
            num_aux,
            max_constraint_degree,
            constraint_degree,
            quotient_chunks,
            max_tuple_len,
            groups,
            main_next,
            aux_next,
            digest,
        })
    }
}

/// Degree of every node, and whether it uses only constants and public values.
fn symbolic(nodes: &[Node]) -> (Vec<usize>, Vec<bool>) {
    let mut degrees: Vec<usize> = Vec::with_capacity(nodes.len());
    let mut public_only = Vec::with_capacity(nodes.len());
    for n in nodes {
        let (d, p) = match *n {
            Node::Const(_) => (0, true),
            Node::Public(_) => (0, true),
            Node::Challenge(_) => (0, false),
            Node::Main { .. } | Node::Aux { .. } => (1, false),
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

/// A fingerprint of the AIR's structure, observed by the Fiat-Shamir transcript.
fn air_digest(
    nodes: &[Node],
    constraints: &[u32],
    width: usize,
    num_public: usize,
    num_aux: usize,
) -> backend::merkle::Digest {
    let mut words: Vec<KoalaBear> = vec![
        KoalaBear::new(width as u32),
        KoalaBear::new(num_public as u32),
        KoalaBear::new(num_aux as u32),
        KoalaBear::new(nodes.len() as u32),
    ];
    for n in nodes {
        let (tag, a, b) = match *n {
            Node::Const(c) => (0, c.as_canonical_u32(), 0),
            Node::Main { col, next } => (1, col, next as u32),
            Node::Aux { col, next } => (2, col, next as u32),
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

/// A finished AIR description (see [`AirBuilder`]).
#[derive(Clone, Debug)]
pub struct Air {
    name: String,
    columns: Vec<String>,
    num_public: usize,
    pub(crate) nodes: Vec<Node>,
    pub(crate) constraints: Vec<u32>,
    num_user_constraints: usize,
    pub(crate) interactions: Vec<Interaction>,
    pub(crate) public_interactions: Vec<Interaction>,
    num_aux: usize,
    max_constraint_degree: usize,
    constraint_degree: usize,
    quotient_chunks: usize,
    max_tuple_len: usize,
    /// Interaction indices per auxiliary column (the last one is the running sum's).
    groups: Vec<Vec<usize>>,
    main_next: Vec<usize>,
    aux_next: Vec<usize>,
    pub(crate) digest: backend::merkle::Digest,
}

impl Air {
    /// The name given to [`AirBuilder::new`].
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Number of main columns.
    pub fn width(&self) -> usize {
        self.columns.len()
    }
    /// Column names, in order.
    pub fn column_names(&self) -> &[String] {
        &self.columns
    }
    /// Number of public values.
    pub fn num_public_values(&self) -> usize {
        self.num_public
    }
    /// Number of constraints written by the caller.
    pub fn num_user_constraints(&self) -> usize {
        self.num_user_constraints
    }
    /// Number of constraints, LogUp constraints included.
    pub fn num_constraints(&self) -> usize {
        self.constraints.len()
    }
    /// Number of private (per-row) bus interactions.
    pub fn num_interactions(&self) -> usize {
        self.interactions.len()
    }
    /// Number of verifier-computed (public) bus interactions.
    pub fn num_public_interactions(&self) -> usize {
        self.public_interactions.len()
    }
    /// Number of auxiliary extension columns: 0 without private interactions, otherwise one
    /// per group of [`Air::interaction_groups`] (the last one is the LogUp running sum).
    pub fn num_aux_columns(&self) -> usize {
        self.num_aux
    }
    /// How the private interactions (indices in declaration order) share the auxiliary
    /// columns: group `j` is the column `j`, the last group is the running sum's (see the
    /// module docs, "Buses").
    pub fn interaction_groups(&self) -> &[Vec<usize>] {
        &self.groups
    }
    /// The configured maximum constraint degree.
    pub fn max_constraint_degree(&self) -> usize {
        self.max_constraint_degree
    }
    /// The largest degree of any constraint.
    pub fn constraint_degree(&self) -> usize {
        self.constraint_degree
    }
    /// Number of quotient chunks (`max(degree - 1, 1)`), each of degree below the trace
    /// height.
    pub fn quotient_chunks(&self) -> usize {
        self.quotient_chunks
    }
    /// `log2` of the quotient domain's size over the trace height: the quotient is computed
    /// on `next_power_of_two(chunks)` times the trace height (its chunks beyond
    /// [`Air::quotient_chunks`] vanish for a satisfied AIR and are not committed).
    pub fn log_quotient_domain(&self) -> usize {
        self.quotient_chunks.next_power_of_two().trailing_zeros() as usize
    }
    /// The longest interaction tuple (0 without interactions).
    pub fn max_tuple_len(&self) -> usize {
        self.max_tuple_len
    }
    /// Number of arena nodes.
    pub fn num_nodes(&self) -> usize {
        self.nodes.len()
    }
    /// The main columns some constraint reads at the next row, in increasing order: exactly
    /// the main columns opened at `z w` (see the crate docs, step 5).
    pub fn main_next_columns(&self) -> &[usize] {
        &self.main_next
    }
    /// The auxiliary (extension) columns some constraint reads at the next row, in
    /// increasing order (the LogUp running sum, when the table has interactions).
    pub fn aux_next_columns(&self) -> &[usize] {
        &self.aux_next
    }
}

macro_rules! binop {
    ($tr:ident, $f:ident, $node:ident) => {
        impl<'a> $tr for Expr<'a> {
            type Output = Expr<'a>;
            fn $f(self, rhs: Expr<'a>) -> Expr<'a> {
                let b = self.builder;
                let r = b.own(rhs);
                if r == u32::MAX {
                    // Recorded as a foreign expression: build() reports it.
                    return Expr {
                        builder: b,
                        node: u32::MAX,
                    };
                }
                if self.node == u32::MAX {
                    return self;
                }
                b.expr(Node::$node(self.node, r))
            }
        }
        impl<'a> $tr<KoalaBear> for Expr<'a> {
            type Output = Expr<'a>;
            fn $f(self, rhs: KoalaBear) -> Expr<'a> {
                let c = self.builder.constant(rhs);
                self.$f(c)
            }
        }
    };
}
binop!(Add, add, Add);
binop!(Sub, sub, Sub);
binop!(Mul, mul, Mul);

impl<'a> Neg for Expr<'a> {
    type Output = Expr<'a>;
    fn neg(self) -> Expr<'a> {
        if self.node == u32::MAX {
            return self;
        }
        self.builder.expr(Node::Neg(self.node))
    }
}

/// Values the LogUp constraints need besides the trace (used by both evaluators).
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct Challenges {
    pub(crate) bus_alpha: Ext5,
    pub(crate) bus_beta: Ext5,
    /// The table's claimed sum times `1 / n` (`n` its height).
    pub(crate) claimed_sum_per_row: Ext5,
}

impl Challenges {
    pub(crate) fn get(&self, c: Challenge) -> Ext5 {
        match c {
            Challenge::BusAlpha => self.bus_alpha,
            Challenge::BusBeta => self.bus_beta,
            Challenge::ClaimedSumPerRow => self.claimed_sum_per_row,
        }
    }
}
