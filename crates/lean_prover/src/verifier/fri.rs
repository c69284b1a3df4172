//! The FRI and query steps of verification (protocol steps 7 and 8, with the DEEP values of
//! step 6): replays the FRI commit phase, the final polynomial and the proof of work on the
//! transcript and samples the queries; then, at every query, recomputes each DEEP input from
//! the opened rows, checks every FRI layer's opened value against the previous fold, folds,
//! and compares with the final polynomial.

use super::error::VerifyError;
use super::openings::QueryRows;
use crate::deep::{DeepCoeffs, dot_cols, ext_base_cols};
use crate::fri::{self, Folder};
use crate::layout::Layout;
use crate::params::StarkParams;
use crate::proof::Proof;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::ext;
use backend::{Isa, KoalaBear};

/// The FRI challenges: one `beta` per layer, and the query indices in the tallest LDE.
pub(super) struct FriChallenges {
    /// `beta` of every layer, tallest first.
    pub(super) betas: Vec<Ext5>,
    /// The query indices.
    pub(super) indices: Vec<usize>,
}

/// Replays the FRI commit phase, the final polynomial and the grinding, and samples the
/// query indices.
///
/// # Errors
/// [`VerifyError::ProofOfWork`] if the nonce is invalid.
pub(super) fn replay_fri(
    params: &StarkParams,
    layout: &Layout,
    proof: &Proof,
    ch: &mut Challenger,
) -> Result<FriChallenges, VerifyError> {
    let log_max = layout.log_max;
    // FRI commit phase transcript.
    let mut betas = Vec::with_capacity(layout.fri_layers.len());
    for root in &proof.fri_roots {
        ch.observe_digest(root);
        betas.push(ch.sample_ext());
    }
    for c in &proof.final_poly {
        ch.observe_ext(*c);
    }
    if !ch.check_pow(params.pow_bits, proof.pow_nonce) {
        return Err(VerifyError::ProofOfWork);
    }
    let indices = ch.sample_indices(log_max, params.num_queries);
    Ok(FriChallenges { betas, indices })
}

fn ext_row(row: &[KoalaBear]) -> Vec<Ext5> {
    row.chunks_exact(5)
        .map(|c| Ext5::new([c[0], c[1], c[2], c[3], c[4]]))
        .collect()
}

/// `sum_k coeffs[k] row[k]` (the dispatched kernel when the lengths agree, as they do once
/// the Merkle openings are checked).
fn dot(isa: Isa, coeffs: &[Ext5], row: &[KoalaBear]) -> Ext5 {
    if coeffs.len() == row.len() {
        ext::dot_base(isa, coeffs, row)
    } else {
        coeffs.iter().zip(row).map(|(c, x)| *c * *x).sum()
    }
}

/// Checks every query: the DEEP value of each input height from the opened rows (with the
/// coefficients `gamma_pows`), every FRI layer's opened value against the previous fold,
/// and the final polynomial.
///
/// # Errors
/// [`VerifyError::DegenerateChallenge`], [`VerifyError::FriMismatch`] or
/// [`VerifyError::FinalPoly`] for the first query that fails.
pub(super) fn check_queries(
    isa: Isa,
    layout: &Layout,
    proof: &Proof,
    z: Ext5,
    gamma_pows: &[Ext5],
    fri: &FriChallenges,
    rows: &QueryRows<'_>,
) -> Result<(), VerifyError> {
    let log_max = layout.log_max;
    let (betas, indices) = (&fri.betas, &fri.indices);
    let (main_rows, aux_rows, quot_rows, fri_rows) =
        (&rows.main, &rows.aux, &rows.quotient, &rows.fri);
    // DEEP claims per height.
    let coeffs: Vec<DeepCoeffs> = layout
        .tables
        .iter()
        .map(|tl| DeepCoeffs::new(tl, gamma_pows))
        .collect();
    let aux_next_cols: Vec<Vec<usize>> = layout
        .tables
        .iter()
        .map(|tl| ext_base_cols(&tl.aux_next))
        .collect();
    let mut claims: Vec<(usize, Ext5, Ext5, Ext5)> = Vec::new(); // (log_h, V_z, V_n, z w)
    for &log_h in &layout.input_logs {
        let (mut vz, mut vn, mut zn) = (Ext5::ZERO, Ext5::ZERO, z);
        for (t, tl) in layout.tables.iter().enumerate() {
            if tl.log_lde == log_h {
                let (a, b) = coeffs[t].claimed(&proof.openings[t]);
                vz += a;
                vn += b;
                zn = z * KoalaBear::two_adic_generator(tl.log_height);
            }
        }
        claims.push((log_h, vz, vn, zn));
    }
    let folders: Vec<Folder> = layout
        .fri_layers
        .iter()
        .map(|&(_, log_a)| Folder::new(log_a))
        .collect();

    // The DEEP denominators `x - z` and `x - z w` of every query and input height, inverted
    // together (`x` is in the base field and `z`, `z w` are not, so none vanishes).
    let dens: Vec<Ext5> = indices
        .iter()
        .flat_map(|&idx| {
            claims.iter().flat_map(move |&(log_h, _, _, zn)| {
                let x = Ext5::from_base(fri::point(idx >> (log_max - log_h), log_h, log_max));
                [x - z, x - zn]
            })
        })
        .collect();
    if dens.contains(&Ext5::ZERO) {
        return Err(VerifyError::DegenerateChallenge);
    }
    let inv_dens = ext::batch_inverse_vec(isa, &dens);
    for (qi, &idx) in indices.iter().enumerate() {
        // The DEEP value of the input of height 2^log_h at this query.
        let input = |log_h: usize| -> Result<Option<Ext5>, VerifyError> {
            let Some(ci) = claims.iter().position(|c| c.0 == log_h) else {
                return Ok(None);
            };
            let (_, vz, vn, _) = claims[ci];
            let (mut sz, mut sn) = (Ext5::ZERO, Ext5::ZERO);
            for (t, tl) in layout.tables.iter().enumerate() {
                if tl.log_lde != log_h {
                    continue;
                }
                let c = &coeffs[t];
                let main = main_rows[qi].get(t).map(Vec::as_slice).unwrap_or_default();
                sz += dot(isa, &c.main_z, main);
                sn += dot_cols(&c.main_next, &tl.main_next, main);
                if let Some(ai) = tl.aux_index {
                    let aux = aux_rows
                        .get(qi)
                        .and_then(|r| r.get(ai))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    sz += dot(isa, &c.aux_z, aux);
                    sn += dot_cols(&c.aux_next, &aux_next_cols[t], aux);
                }
                let quot = quot_rows[qi].get(t).map(Vec::as_slice).unwrap_or_default();
                sz += dot(isa, &c.quot_z, quot);
            }
            let k = 2 * (qi * claims.len() + ci);
            let (iz, inn) = (inv_dens[k], inv_dens[k + 1]);
            Ok(Some((sz - vz) * iz + (sn - vn) * inn))
        };
        let mut value = input(log_max)?.unwrap_or_default();
        for (layer, &(log_h, log_a)) in layout.fri_layers.iter().enumerate() {
            let i_h = idx >> (log_max - log_h);
            let a = 1usize << log_a;
            let leaf = fri_rows[layer]
                .get(qi)
                .and_then(|r| r.first())
                .map(|r| ext_row(r))
                .unwrap_or_default();
            if leaf.get(i_h & (a - 1)) != Some(&value) {
                return Err(VerifyError::FriMismatch { query: qi, layer });
            }
            let x0 = fri::point(i_h & !(a - 1), log_h, log_max);
            let x0_inv = x0.try_inverse().unwrap_or(KoalaBear::ONE);
            value = folders[layer].fold(&leaf, x0_inv, betas[layer]);
            if let Some(g) = input(log_h - log_a)? {
                value += betas[layer].exp_u64(a as u64) * g;
            }
        }
        let xf = fri::point(
            idx >> (log_max - layout.final_log),
            layout.final_log,
            log_max,
        );
        if fri::horner(&proof.final_poly, xf) != value {
            return Err(VerifyError::FinalPoly(qi));
        }
    }
    Ok(())
}
