//! The public part of the LogUp bus balance, shared by prover and verifier: the contributions
//! the verifier computes itself (an AIR's public interactions, from its public values; the
//! public lookup lists, [`crate::lookup`]).

use crate::air::{Air, Challenges, Direction};
use crate::eval::{self, PointValues};
use crate::lookup::PublicLookup;
use crate::v2::arith::VerifierField;
use backend::{Isa, KoalaBear};

/// The verifier-computed contributions of an AIR's public interactions.
fn public_contribution<E: VerifierField>(
    air: &Air,
    publics: &[KoalaBear],
    challenges: Challenges<E>,
) -> Option<E> {
    if air.public_interactions.is_empty() {
        return Some(E::zero());
    }
    let p = PointValues {
        main: &[],
        main_next: &[],
        publics,
        challenges,
        is_first: E::zero(),
        is_last: E::zero(),
        is_transition: E::zero(),
    };
    let vals = eval::eval_point(air, &p);
    let mut sum = E::zero();
    for it in &air.public_interactions {
        let d = *vals.get(it.denominator as usize)?;
        let m = *vals.get(it.multiplicity as usize)?;
        let term = m * d.try_inverse()?;
        match it.direction {
            Direction::Send => sum += term,
            Direction::Receive => sum -= term,
        }
    }
    Some(sum)
}

/// The public part of the bus total: the contribution of the public lookup lists plus every
/// table's public interactions (`tables` gives each table's AIR and public values). `None` if
/// a public denominator vanishes.
pub(crate) fn bus_total<'a, E: VerifierField>(
    isa: Isa,
    tables: impl IntoIterator<Item = (&'a Air, &'a [KoalaBear])>,
    lookups: &[PublicLookup<'_>],
    challenges: Challenges<E>,
) -> Option<E> {
    let mut total =
        E::lookup_contribution(isa, lookups, challenges.bus_alpha, challenges.bus_beta)?;
    for (air, publics) in tables {
        total += public_contribution(air, publics, challenges)?;
    }
    Some(total)
}
