//! The arithmetic and transcript a v2 verifier runs on, as traits, so that one verifier
//! serves twice: natively ([`Ext5`] values on a [`Challenger`]) and inside a recursive proof
//! (symbolic values of a circuit that records every operation, observation and challenge;
//! `rec_aggregation::circuit`). The verifier's steps written over these traits are the
//! specification of both.
//!
//! # Rules for code written over [`VerifierField`]
//! * Control flow may depend on the statement and the proof's shape, and on values that are
//!   [`VerifierField::as_constant`] (statement data), never on other values: a circuit's
//!   structure must not depend on the proof's values.
//! * An equality the verifier checks goes through [`VerifierField::check_eq`] (a recorded
//!   assertion in a circuit); natively it is a comparison.
//! * Values of the proof enter through the transcript ([`VerifierTranscript::receive_ext`])
//!   so that a circuit binds them to its transcript.

use crate::lookup::PublicLookup;
use crate::v2::whir::encode::{domain_point, leaf_values};
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::merkle::{Digest, Dimensions, MerkleError, MultiOpening, verify_multi_with};
use backend::{Isa, KoalaBear};
use core::fmt::Debug;
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// An element of `K = F_p^5` as a verifier computes with it: [`Ext5`] natively, a circuit's
/// wire or constant in a recursive proof.
pub trait VerifierField:
    Copy
    + Debug
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + Mul<KoalaBear, Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
{
    /// The constant `x` (statement data).
    fn constant(x: Ext5) -> Self;

    /// The constant `x` of the base field.
    fn from_base(x: KoalaBear) -> Self {
        Self::constant(Ext5::from_base(x))
    }

    /// Zero.
    fn zero() -> Self {
        Self::constant(Ext5::ZERO)
    }

    /// One.
    fn one() -> Self {
        Self::constant(Ext5::ONE)
    }

    /// The value, if the verifier knows it without the proof (natively: always).
    fn as_constant(&self) -> Option<Ext5>;

    /// `self * b + c` (one operation in a circuit).
    fn mul_add(self, b: Self, c: Self) -> Self {
        self * b + c
    }

    /// `self * c + d` for a base-field constant `c` (natively a scaling and an addition; one
    /// operation in a circuit, where it is [`Self::mul_add`] with the constant).
    fn mul_base_add(self, c: KoalaBear, d: Self) -> Self {
        self * c + d
    }

    /// The inverse, `None` for zero (in a circuit, the inverse is a new value checked by
    /// one product).
    fn try_inverse(self) -> Option<Self>;

    /// Whether `self = other`; in a circuit the equality is also recorded as an assertion,
    /// so the recursive proof holds only if it is true.
    fn check_eq(self, other: Self) -> bool;

    /// The public lookup lists' contribution `sum ±m_k / (beta - c_k)` to the bus balance
    /// ([`crate::lookup`]), `None` if a denominator vanishes. The default computes tuple by
    /// tuple (one inverse each); [`Ext5`] uses the batched kernels of `isa`.
    fn lookup_contribution(
        isa: Isa,
        lookups: &[PublicLookup<'_>],
        alpha: Self,
        beta: Self,
    ) -> Option<Self> {
        let _ = isa;
        crate::lookup::contribution_generic(lookups, alpha, beta)
    }
}

impl VerifierField for Ext5 {
    fn constant(x: Ext5) -> Self {
        x
    }

    fn as_constant(&self) -> Option<Ext5> {
        Some(*self)
    }

    fn try_inverse(self) -> Option<Self> {
        Ext5::try_inverse(self)
    }

    fn check_eq(self, other: Self) -> bool {
        self == other
    }

    fn lookup_contribution(
        isa: Isa,
        lookups: &[PublicLookup<'_>],
        alpha: Self,
        beta: Self,
    ) -> Option<Self> {
        crate::lookup::contribution(isa, lookups, alpha, beta)
    }
}

/// Observing statement data: values the verifier knows without the proof.
pub trait ObserveKnown {
    /// Observes a base-field value of the statement.
    fn observe(&mut self, x: KoalaBear);

    /// Observes base-field values of the statement, in order.
    fn observe_slice(&mut self, xs: &[KoalaBear]) {
        for &x in xs {
            self.observe(x);
        }
    }

    /// The digest a public lookup list enters the transcript by
    /// ([`crate::lookup::list_digest`], which the default computes). A recorder that knows
    /// the digest of a list it was given only in shape returns it instead (a circuit
    /// verifying a proof whose statement it holds only in part); the transcript then
    /// observes it like any other.
    fn list_digest(&mut self, isa: Isa, list: &PublicLookup<'_>) -> Digest {
        crate::lookup::list_digest(isa, list)
    }
}

/// The Fiat-Shamir transcript as a verifier uses it ([`Challenger`] natively).
pub trait VerifierTranscript<E: VerifierField>: ObserveKnown {
    /// Observes a value the verifier computed (its five coefficients, constant term first).
    fn observe_ext(&mut self, x: E);

    /// Observes a value of the proof and returns it as the verifier computes with it.
    fn receive_ext(&mut self, x: Ext5) -> E;

    /// Samples a challenge in `K` (five samples, constant term first).
    fn sample_ext(&mut self) -> E;

    /// Observes a base-field value of the proof and returns it as an element of `K`.
    fn receive_base(&mut self, x: KoalaBear) -> E;

    /// The proof-of-work check of `Challenger::check_pow`: observes the proof's `nonce`,
    /// samples one element and tells whether its low `bits` bits are zero (in a circuit, the
    /// sample's canonical bits are checked too).
    fn check_pow(&mut self, bits: usize, nonce: KoalaBear) -> bool;

    /// Draws a WHIR query (`Challenger::sample_bits` of `log_leaves` bits) and returns it
    /// with its domain point `y_q` ([`crate::v2::whir::encode::domain_point`]).
    fn sample_query(&mut self, log_leaves: usize) -> Query<E>;

    /// Checks a Merkle multi-opening of the leaves at `queries` (their distinct indices, in
    /// increasing order, as the prover opened them) in a tree of `height` leaves of `width`
    /// values under `root` (whose values as received are `root_values`), and returns per
    /// query, in the queries' order, its leaf's values (`limbs` = 1: base-field values; 5:
    /// elements of `K` in five coefficients each).
    ///
    /// # Errors
    /// The Merkle verification's error.
    #[allow(clippy::too_many_arguments)]
    fn open_leaves(
        &mut self,
        isa: Isa,
        root: &Digest,
        root_values: &[E; 8],
        dims: Dimensions,
        limbs: usize,
        queries: &[Query<E>],
        opening: &MultiOpening,
    ) -> Result<Vec<Vec<E>>, MerkleError>;
}

/// A WHIR query: the leaf index drawn and its domain point.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Query<E> {
    /// The leaf's index.
    pub index: usize,
    /// Its domain point `y_q`.
    pub point: E,
}

impl ObserveKnown for Challenger {
    fn observe(&mut self, x: KoalaBear) {
        Challenger::observe(self, x);
    }

    fn observe_slice(&mut self, xs: &[KoalaBear]) {
        Challenger::observe_slice(self, xs);
    }
}

impl VerifierTranscript<Ext5> for Challenger {
    fn observe_ext(&mut self, x: Ext5) {
        Challenger::observe_ext(self, x);
    }

    fn receive_ext(&mut self, x: Ext5) -> Ext5 {
        Challenger::observe_ext(self, x);
        x
    }

    fn sample_ext(&mut self) -> Ext5 {
        Challenger::sample_ext(self)
    }

    fn receive_base(&mut self, x: KoalaBear) -> Ext5 {
        Challenger::observe(self, x);
        Ext5::from_base(x)
    }

    fn check_pow(&mut self, bits: usize, nonce: KoalaBear) -> bool {
        Challenger::check_pow(self, bits, nonce)
    }

    fn sample_query(&mut self, log_leaves: usize) -> Query<Ext5> {
        let index = self.sample_bits(log_leaves);
        Query {
            index,
            point: Ext5::from_base(domain_point(log_leaves, index)),
        }
    }

    fn open_leaves(
        &mut self,
        isa: Isa,
        root: &Digest,
        _root_values: &[Ext5; 8],
        dims: Dimensions,
        limbs: usize,
        queries: &[Query<Ext5>],
        opening: &MultiOpening,
    ) -> Result<Vec<Vec<Ext5>>, MerkleError> {
        // verify_multi_with takes the indices as drawn (repeats included) and returns the
        // opened rows in their order.
        let indices: Vec<usize> = queries.iter().map(|q| q.index).collect();
        let rows = verify_multi_with(isa, root, &[dims], &indices, opening)?;
        Ok(rows
            .iter()
            .map(|matrices| {
                matrices
                    .first()
                    .map_or_else(Vec::new, |row| leaf_values(row, limbs))
            })
            .collect())
    }
}
