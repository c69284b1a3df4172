//! The quotient and out-of-domain steps of verification (protocol steps 4 and 5): samples
//! `alpha`, observes the quotient root, samples `z` (rejected in the base field), evaluates
//! every table's folded constraints at `z` from the claimed openings and checks them against
//! the quotient chunks, then observes the openings.

use super::error::VerifyError;
use crate::air::Challenges;
use crate::balance::inv_height;
use crate::eval::{self, PointValues};
use crate::layout::Layout;
use crate::proof::Proof;
use crate::statement::TableInstance;
use crate::transcript::observe_openings;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::{Isa, KoalaBear};

/// A vector of `len` values, `values[k]` at position `cols[k]`, zero elsewhere.
fn scatter(values: &[Ext5], cols: &[usize], len: usize) -> Vec<Ext5> {
    let mut out = vec![Ext5::ZERO; len];
    for (v, &c) in values.iter().zip(cols) {
        if let Some(o) = out.get_mut(c) {
            *o = *v;
        }
    }
    out
}

/// Replays steps 4 and 5 on the transcript and checks every table at `z`; returns `z`.
///
/// # Errors
/// [`VerifyError::DegenerateChallenge`] or [`VerifyError::OodMismatch`].
pub(super) fn check_out_of_domain(
    isa: Isa,
    layout: &Layout,
    instances: &[TableInstance<'_>],
    proof: &Proof,
    challenges: Challenges,
    ch: &mut Challenger,
) -> Result<Ext5, VerifyError> {
    let alpha = ch.sample_ext();
    ch.observe_digest(&proof.quotient_root);
    let z = ch.sample_ext();
    if z.as_base().is_some() {
        return Err(VerifyError::DegenerateChallenge);
    }

    // Constraints at z.
    for (t, (inst, tl)) in instances.iter().zip(&layout.tables).enumerate() {
        let o = &proof.openings[t];
        let n = 1u64 << tl.log_height;
        let w = KoalaBear::two_adic_generator(tl.log_height);
        let w_inv = w.try_inverse().unwrap_or(KoalaBear::ONE);
        let zh = z.exp_u64(n) - Ext5::ONE;
        let inv = |x: Ext5| x.try_inverse().ok_or(VerifyError::DegenerateChallenge);
        let trans = z - Ext5::from_base(w_inv);
        let is_first = zh * inv(z - Ext5::ONE)?;
        let is_last = zh * inv(trans)?;
        let mut tc = challenges;
        if let Some(ai) = tl.aux_index {
            tc.claimed_sum_per_row =
                proof.claimed_sums.get(ai).copied().unwrap_or_default() * inv_height(tl.log_height);
        }
        // The next-row values by column (the columns no constraint reads there stay zero).
        let main_next = scatter(&o.main_next, &tl.main_next, tl.width);
        let aux_next = scatter(&o.aux_next, &tl.aux_next, tl.num_aux);
        let vals = eval::eval_point(
            inst.air,
            &PointValues {
                main: &o.main,
                main_next: &main_next,
                aux: &o.aux,
                aux_next: &aux_next,
                publics: inst.public_values,
                challenges: tc,
                is_first,
                is_last,
                is_transition: trans,
            },
        );
        let mut folded = Ext5::ZERO;
        let mut a_pow = Ext5::ONE;
        for &c in &inst.air.constraints {
            folded += a_pow * vals.get(c as usize).copied().unwrap_or_default();
            a_pow *= alpha;
        }
        let zn = z.exp_u64(n);
        let mut q = Ext5::ZERO;
        let mut zp = Ext5::ONE;
        for qi in &o.quotient {
            q += zp * *qi;
            zp *= zn;
        }
        if folded != q * zh {
            return Err(VerifyError::OodMismatch(t));
        }
    }
    observe_openings(ch, isa, &proof.openings);
    Ok(z)
}
