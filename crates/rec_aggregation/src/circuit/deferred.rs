//! Deferred public-lookup balances: a circuit verifying a child proof does not compute the
//! child's public lookup lists' contribution `sum ±m_k / (beta - c_k)` to its bus balance
//! (several operations per list element: a child that is itself a circuit has lists the size
//! of its circuit); the **outer verifier** computes it natively and gives it to the circuit.
//!
//! The contribution depends on the child's bus challenges `(alpha, beta)`, which the circuit
//! derives from the child's transcript and the outer verifier does not know. So the outer
//! proof carries them as **claims**: for each deferred balance the circuit has three wires
//! defined by the verifier's constants list (pinned like constants, never shared by value):
//! the claimed `alpha` and `beta`, each asserted equal to the challenge the circuit derived,
//! and the contribution, which the verifier computes from the claimed challenges and the
//! child's lists. A false claim fails its assertion; a true one gives the circuit exactly
//! the value the native verifier computes. The verifier reads the claims from the outer
//! proof's envelope ([`Circuit::claims`] on the prover's side) and records with them
//! ([`Circuit::with_claims`]), so its lists hold the contributions for those challenges.
//!
//! The circuit's size then no longer depends on the child's lists, only on its tables'
//! heights, and the lists' digests (eight constants per list, observed by the child's
//! transcript) still bind the child's statement.

use super::{Circuit, Wire};
use backend::Isa;
use backend::field::Ext5;
use lean_prover::PublicLookup;
use lean_prover::v2::VerifierField;

/// One deferred balance: the claimed challenges' wires (the contribution's wire follows
/// them among the claimed wires).
#[derive(Copy, Clone, Debug)]
pub(crate) struct DeferredBalance {
    pub(crate) alpha: Wire,
    pub(crate) beta: Wire,
}

/// What a verifier knows of a child whose statement it holds only in shape (a Type-2
/// component other than the one split out): its lists' digests, in the order its verifier
/// observes them, and its deferred balance at the claimed challenges. The circuit observes
/// the digests and takes the balance instead of computing them from the lists it was given
/// (placeholders of the right shape).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenChild {
    /// The digests of the child's public lists, in order.
    pub digests: Vec<backend::merkle::Digest>,
    /// The child's public lists' contribution at the claimed challenges.
    pub balance: Ext5,
}

/// Claimed values per deferred balance (`alpha`, `beta`).
pub const CLAIMS_PER_BALANCE: usize = 2;

impl Circuit {
    /// A structure-only circuit ([`Circuit::structure_only`]) that takes the verifier's
    /// claims (`alpha`, `beta` per deferred balance, in order) instead of the challenges
    /// its placeholder proofs give, so that its lists hold the contributions the proof was
    /// made with.
    pub fn with_claims(claims: Vec<Ext5>) -> Circuit {
        let mut c = Circuit::structure_only();
        c.given_claims = Some(claims);
        c
    }

    /// [`Circuit::with_claims`] for children some of which are given only in shape:
    /// `given[k]`, when `Some`, replaces child `k`'s lists' digests and balance.
    pub fn with_given_children(claims: Vec<Ext5>, given: Vec<Option<GivenChild>>) -> Circuit {
        let mut c = Circuit::with_claims(claims);
        c.given_children = given;
        c
    }

    /// The next given digest of the child being verified (the `k`-th, `k` the balances
    /// deferred so far), if it was given.
    pub(crate) fn given_digest(&mut self) -> Option<backend::merkle::Digest> {
        let k = self.deferred.len();
        let used = self.given_digests_used;
        let d = *self.given_children.get(k)?.as_ref()?.digests.get(used)?;
        self.given_digests_used += 1;
        Some(d)
    }

    /// The claimed challenges (`alpha`, `beta` per deferred balance, in order): what the
    /// outer proof's envelope carries.
    pub fn claims(&self) -> Vec<Ext5> {
        self.deferred
            .iter()
            .flat_map(|d| [self.value(d.alpha), self.value(d.beta)])
            .collect()
    }

    /// The lists' contribution to a child's bus balance at the challenges held by the wires
    /// `alpha` and `beta`, deferred to the verifier (module docs): returns the wire of the
    /// contribution. `None` if a denominator vanishes (the native verifier's
    /// `PublicDenominator`), unless the circuit is permissive (then zero).
    pub fn defer_contribution(
        &mut self,
        isa: Isa,
        lookups: &[PublicLookup<'_>],
        alpha: Wire,
        beta: Wire,
    ) -> Option<Wire> {
        let k = CLAIMS_PER_BALANCE * self.deferred.len();
        let given = self
            .given_claims
            .as_ref()
            .and_then(|c| Some((*c.get(k)?, *c.get(k + 1)?)));
        let (a, b) = given.unwrap_or((self.value(alpha), self.value(beta)));
        let given_balance = self
            .given_children
            .get(self.deferred.len())
            .and_then(|g| g.as_ref().map(|g| g.balance));
        self.given_digests_used = 0;
        let value = match given_balance
            .or_else(|| <Ext5 as VerifierField>::lookup_contribution(isa, lookups, a, b))
        {
            Some(v) => v,
            None if self.is_permissive() => Ext5::ZERO,
            None => return None,
        };
        let [ca, cb, cv] = [a, b, value].map(|v| {
            let w = self.wire(v);
            self.claimed.push(w);
            w
        });
        self.assert_eq(alpha, ca);
        self.assert_eq(beta, cb);
        self.deferred.push(DeferredBalance {
            alpha: ca,
            beta: cb,
        });
        Some(cv)
    }

    /// Whether the given claims, if any, are exactly one pair per deferred balance.
    pub(crate) fn claims_match(&self) -> Result<(), (usize, usize)> {
        match &self.given_claims {
            Some(c) if c.len() != CLAIMS_PER_BALANCE * self.deferred.len() => {
                Err((CLAIMS_PER_BALANCE * self.deferred.len(), c.len()))
            }
            _ => Ok(()),
        }
    }
}
