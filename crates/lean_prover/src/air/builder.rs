//! [`AirBuilder`], the front end of an AIR description: named columns, expressions
//! ([`Expr`], combined with `+`, `-`, `*`), selectors, public values, constraints and bus
//! interactions. [`AirBuilder::build`] (in `build.rs`) turns it into an [`Air`](super::Air).

use super::bus::{BusId, Direction, PendingInteraction};
use super::node::{Arena, Node};
use backend::KoalaBear;
use std::cell::RefCell;
use std::ops::{Add, Mul, Neg, Sub};

/// A column handle returned by [`AirBuilder::column`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Col(pub usize);

/// Describes one AIR table; see the module docs. Expressions ([`Expr`]) borrow the builder
/// and combine with `+`, `-`, `*` (with each other or with [`KoalaBear`] constants).
pub struct AirBuilder {
    pub(super) name: String,
    pub(super) arena: RefCell<Arena>,
    pub(super) columns: RefCell<Vec<String>>,
    pub(super) num_public: RefCell<usize>,
    pub(super) constraints: RefCell<Vec<u32>>,
    pub(super) interactions: RefCell<Vec<PendingInteraction>>,
    pub(super) public_interactions: RefCell<Vec<PendingInteraction>>,
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
