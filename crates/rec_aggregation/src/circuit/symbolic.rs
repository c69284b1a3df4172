//! [`Sym`] and [`CircuitTranscript`]: `lean_prover`'s verifier traits
//! ([`VerifierField`], [`VerifierTranscript`]) on a recorded [`Circuit`], so that the v2
//! verifier's own code, run on them, records itself as a circuit.
//!
//! A [`Sym`] is a constant (statement data, folded: operations on constants record nothing)
//! or a wire of a circuit shared through a [`RefCell`]. Operations with a wire record one
//! operation each (`0 + x`, `1 * x`, `0 * x` record nothing); [`VerifierField::check_eq`]
//! records an assertion and returns whether it holds (so the verifier's control flow follows
//! the native one); [`VerifierField::try_inverse`] records the inverse as a new wire checked
//! by one product (`x * x^-1 = 1`).

use super::{Circuit, Wire};
use backend::Isa;
use backend::KoalaBear as F;
use backend::field::Ext5;
use backend::merkle::{Digest, Dimensions, MerkleError, MultiOpening, authentication_paths};
use lean_prover::v2::{ObserveKnown, Query, VerifierField, VerifierTranscript};
use std::cell::RefCell;
use std::fmt;
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A value of a verifier running on a circuit: a constant, or a wire of the circuit.
#[derive(Copy, Clone)]
pub enum Sym<'c> {
    /// Statement data.
    Const(Ext5),
    /// A wire of the circuit.
    Var(&'c RefCell<Circuit>, Wire),
}

impl fmt::Debug for Sym<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sym::Const(v) => write!(f, "Const({v:?})"),
            Sym::Var(_, w) => write!(f, "Var({})", w.id()),
        }
    }
}

impl<'c> Sym<'c> {
    /// The value (a constant's, or the wire's recorded value).
    pub fn value(&self) -> Ext5 {
        match *self {
            Sym::Const(v) => v,
            Sym::Var(c, w) => c.borrow().value(w),
        }
    }

    /// The wire holding the value in `c` (a constant becomes a constant wire).
    pub fn wire(&self, c: &mut Circuit) -> Wire {
        match *self {
            Sym::Const(v) => c.constant(v),
            Sym::Var(_, w) => w,
        }
    }

    fn circuit(a: &Self, b: &Self) -> Option<&'c RefCell<Circuit>> {
        match (a, b) {
            (Sym::Var(c, _), _) | (_, Sym::Var(c, _)) => Some(c),
            _ => None,
        }
    }

    /// Records `f` on the circuit of `a` or `b` (one of them is a wire).
    fn record(a: Self, b: Self, f: impl FnOnce(&mut Circuit, Wire, Wire) -> Wire) -> Self {
        let cell = Self::circuit(&a, &b).expect("one operand is a wire");
        let mut c = cell.borrow_mut();
        let (wa, wb) = (a.wire(&mut c), b.wire(&mut c));
        Sym::Var(cell, f(&mut c, wa, wb))
    }

    fn is(&self, x: Ext5) -> bool {
        matches!(self, Sym::Const(v) if *v == x)
    }
}

impl Add for Sym<'_> {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        match (self, rhs) {
            (Sym::Const(a), Sym::Const(b)) => Sym::Const(a + b),
            (a, b) if a.is(Ext5::ZERO) => b,
            (a, b) if b.is(Ext5::ZERO) => a,
            (a, b) => Sym::record(a, b, Circuit::add),
        }
    }
}

impl Sub for Sym<'_> {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        match (self, rhs) {
            (Sym::Const(a), Sym::Const(b)) => Sym::Const(a - b),
            (a, b) if b.is(Ext5::ZERO) => a,
            (a, b) => Sym::record(a, b, Circuit::sub),
        }
    }
}

impl Mul for Sym<'_> {
    type Output = Self;
    fn mul(self, rhs: Self) -> Self {
        match (self, rhs) {
            (Sym::Const(a), Sym::Const(b)) => Sym::Const(a * b),
            (a, _) | (_, a) if a.is(Ext5::ZERO) => Sym::Const(Ext5::ZERO),
            (a, b) if a.is(Ext5::ONE) => b,
            (a, b) if b.is(Ext5::ONE) => a,
            (a, b) => Sym::record(a, b, Circuit::mul),
        }
    }
}

impl Neg for Sym<'_> {
    type Output = Self;
    fn neg(self) -> Self {
        self * F::NEG_ONE
    }
}

impl Mul<F> for Sym<'_> {
    type Output = Self;
    fn mul(self, rhs: F) -> Self {
        self * Sym::Const(Ext5::from_base(rhs))
    }
}

impl AddAssign for Sym<'_> {
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl SubAssign for Sym<'_> {
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl MulAssign for Sym<'_> {
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

impl VerifierField for Sym<'_> {
    fn constant(x: Ext5) -> Self {
        Sym::Const(x)
    }

    fn as_constant(&self) -> Option<Ext5> {
        match self {
            Sym::Const(v) => Some(*v),
            Sym::Var(..) => None,
        }
    }

    fn mul_base_add(self, c: F, d: Self) -> Self {
        self.mul_add(Sym::Const(Ext5::from_base(c)), d)
    }

    fn mul_add(self, b: Self, c: Self) -> Self {
        if self.is(Ext5::ZERO) || b.is(Ext5::ZERO) {
            return c;
        }
        if self.is(Ext5::ONE) || b.is(Ext5::ONE) || c.is(Ext5::ZERO) {
            return self * b + c;
        }
        let cell = match (Sym::circuit(&self, &b), c) {
            (Some(cell), _) | (None, Sym::Var(cell, _)) => cell,
            (None, Sym::Const(v)) => {
                return Sym::Const(self.value() * b.value() + v);
            }
        };
        let mut circuit = cell.borrow_mut();
        let (wa, wb, wc) = (
            self.wire(&mut circuit),
            b.wire(&mut circuit),
            c.wire(&mut circuit),
        );
        Sym::Var(cell, circuit.fma(wa, wb, wc))
    }

    /// Deferred to the verifier (`super::deferred`): the circuit takes the contribution as
    /// a value the verifier gives, against claimed challenges it checks.
    fn lookup_contribution(
        isa: Isa,
        lookups: &[lean_prover::PublicLookup<'_>],
        alpha: Self,
        beta: Self,
    ) -> Option<Self> {
        if lookups.is_empty() {
            return Some(Sym::Const(Ext5::ZERO));
        }
        let Some(cell) = Sym::circuit(&alpha, &beta) else {
            return Ext5::lookup_contribution(isa, lookups, alpha.value(), beta.value())
                .map(Sym::Const);
        };
        let mut c = cell.borrow_mut();
        let (wa, wb) = (alpha.wire(&mut c), beta.wire(&mut c));
        c.defer_contribution(isa, lookups, wa, wb)
            .map(|w| Sym::Var(cell, w))
    }

    fn try_inverse(self) -> Option<Self> {
        match self {
            Sym::Const(v) => v.try_inverse().map(Sym::Const),
            Sym::Var(cell, w) => {
                let mut c = cell.borrow_mut();
                Some(Sym::Var(cell, c.inverse(w)?))
            }
        }
    }

    fn check_eq(self, other: Self) -> bool {
        match (self, other) {
            (Sym::Const(a), Sym::Const(b)) => a == b,
            (a, b) => {
                let equal = a.value() == b.value();
                let cell = Sym::circuit(&a, &b).expect("one operand is a wire");
                let mut c = cell.borrow_mut();
                let (wa, wb) = (a.wire(&mut c), b.wire(&mut c));
                c.assert_eq(wa, wb);
                equal || c.is_permissive()
            }
        }
    }
}

/// The transcript of a verifier running on a circuit: statement data observed at known
/// positions, proof values and computed values linked to the transcript table, challenges
/// sampled as link-defined wires.
pub struct CircuitTranscript<'c> {
    circuit: &'c RefCell<Circuit>,
    /// The queries drawn and not yet opened, with their index wires.
    query_indices: Vec<(usize, Wire)>,
}

impl<'c> CircuitTranscript<'c> {
    /// The transcript of `circuit` (which starts on a fresh transcript).
    pub fn new(circuit: &'c RefCell<Circuit>) -> Self {
        CircuitTranscript {
            circuit,
            query_indices: Vec::new(),
        }
    }
}

impl ObserveKnown for CircuitTranscript<'_> {
    fn observe(&mut self, x: F) {
        self.circuit.borrow_mut().observe_known(x);
    }

    /// The digest given for the child being verified, if the circuit was given its lists
    /// only in shape (`super::deferred::GivenChild`); computed otherwise.
    fn list_digest(&mut self, isa: Isa, list: &lean_prover::PublicLookup<'_>) -> Digest {
        let given = self.circuit.borrow_mut().given_digest();
        given.unwrap_or_else(|| lean_prover::lookup::list_digest(isa, list))
    }
}

impl<'c> VerifierTranscript<Sym<'c>> for CircuitTranscript<'c> {
    fn observe_ext(&mut self, x: Sym<'c>) {
        let mut c = self.circuit.borrow_mut();
        match x {
            Sym::Const(v) => {
                for &k in v.coeffs() {
                    c.observe_known(k);
                }
            }
            Sym::Var(_, w) => c.observe_wire(w),
        }
    }

    fn receive_ext(&mut self, x: Ext5) -> Sym<'c> {
        let w = self.circuit.borrow_mut().observe(x);
        Sym::Var(self.circuit, w)
    }

    fn sample_ext(&mut self) -> Sym<'c> {
        let w = self.circuit.borrow_mut().sample_ext();
        Sym::Var(self.circuit, w)
    }

    fn receive_base(&mut self, x: F) -> Sym<'c> {
        let w = self.circuit.borrow_mut().observe_base(x);
        Sym::Var(self.circuit, w)
    }

    fn check_pow(&mut self, bits: usize, nonce: F) -> bool {
        self.circuit.borrow_mut().check_pow(bits, nonce)
    }

    fn sample_query(&mut self, log_leaves: usize) -> Query<Sym<'c>> {
        let (index, index_wire, point) = self.circuit.borrow_mut().sample_query(log_leaves);
        self.query_indices.push((index, index_wire));
        Query {
            index,
            point: Sym::Var(self.circuit, point),
        }
    }

    fn open_leaves(
        &mut self,
        isa: Isa,
        root: &Digest,
        root_values: &[Sym<'c>; 8],
        dims: Dimensions,
        limbs: usize,
        queries: &[Query<Sym<'c>>],
        opening: &MultiOpening,
    ) -> Result<Vec<Vec<Sym<'c>>>, MerkleError> {
        // The native check first (the same errors), with every opened leaf's row and path.
        let indices: Vec<usize> = queries.iter().map(|q| q.index).collect();
        let mut c = self.circuit.borrow_mut();
        let paths = match authentication_paths(root, dims, &indices, opening) {
            Ok(paths) => paths,
            // A permissive circuit (the soundness tests) goes on with zero leaves and
            // siblings of the right shape: a witness whose Merkle claims are false.
            Err(_) if c.is_permissive() => {
                let depth = dims.height.trailing_zeros() as usize;
                vec![(vec![F::ZERO; dims.width], vec![[F::ZERO; 8]; depth]); queries.len()]
            }
            Err(e) => return Err(e),
        };
        let root_wires = root_values.map(|r| r.wire(&mut c));
        let mut out = Vec::with_capacity(queries.len());
        for (q, (row, siblings)) in queries.iter().zip(paths) {
            let at = self
                .query_indices
                .iter()
                .position(|(index, _)| *index == q.index)
                .unwrap_or_else(|| unreachable!("every query was drawn by sample_query"));
            let (_, index) = self.query_indices.remove(at);
            let wires = c.open_leaf(root_wires, index, &row, limbs, siblings);
            out.push(
                wires
                    .into_iter()
                    .map(|w| Sym::Var(self.circuit, w))
                    .collect(),
            );
        }
        let _ = isa;
        Ok(out)
    }
}
