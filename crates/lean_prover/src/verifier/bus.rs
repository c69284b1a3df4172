//! The bus phase of verification (protocol step 3): the proof of work before the bus
//! challenges, `alpha_bus, beta_bus`, the auxiliary root and claimed sums, and the bus
//! balance with the contributions the verifier computes itself.

use super::error::VerifyError;
use crate::air::Challenges;
use crate::balance::bus_total;
use crate::layout::Layout;
use crate::lookup::PublicLookup;
use crate::params::StarkParams;
use crate::proof::Proof;
use crate::statement::TableInstance;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::{Isa, KoalaBear};

/// Replays the bus phase on the transcript and checks the balance; returns the bus
/// challenges (`claimed_sum_per_row` left at zero).
///
/// # Errors
/// [`VerifyError::ProofOfWork`], [`VerifyError::ZeroDenominator`] (a public denominator
/// vanishes) or [`VerifyError::BusUnbalanced`].
pub(super) fn check_bus(
    isa: Isa,
    params: &StarkParams,
    layout: &Layout,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    proof: &Proof,
    ch: &mut Challenger,
) -> Result<Challenges, VerifyError> {
    // Grinding before the bus challenges (the nonce is zero when none is drawn).
    if layout.bus_challenges {
        if !ch.check_pow(params.bus_pow_bits, proof.bus_pow_nonce) {
            return Err(VerifyError::ProofOfWork);
        }
    } else if proof.bus_pow_nonce != KoalaBear::ZERO {
        return Err(VerifyError::ProofOfWork);
    }

    // LogUp challenges and bus balance.
    let mut challenges = Challenges::default();
    if let Some(root) = &proof.aux_root {
        challenges.bus_alpha = ch.sample_ext();
        challenges.bus_beta = ch.sample_ext();
        ch.observe_digest(root);
        for s in &proof.claimed_sums {
            ch.observe_ext(*s);
        }
    } else if layout.bus_challenges {
        // Only public interactions or lists: the challenges, but no auxiliary trace.
        challenges.bus_alpha = ch.sample_ext();
        challenges.bus_beta = ch.sample_ext();
    }
    let airs = instances.iter().map(|inst| (inst.air, inst.public_values));
    let total = bus_total(isa, &proof.claimed_sums, airs, lookups, challenges)
        .ok_or(VerifyError::ZeroDenominator)?;
    if total != Ext5::ZERO {
        return Err(VerifyError::BusUnbalanced);
    }
    Ok(challenges)
}
