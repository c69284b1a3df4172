//! The verifier. It decodes with the shape the statement implies, replays the transcript,
//! checks the bus balance, the constraints at the out-of-domain point, the Merkle openings,
//! the DEEP/FRI consistency of every query and the final polynomial. It never panics and
//! returns the first problem it finds.

use crate::air::Challenges;
use crate::eval::{self, PointValues};
use crate::fri::{self, Folder};
use crate::layout::{
    DeepCoeffs, Layout, StatementError, TableInstance, dot_cols, ext_base_cols, observe_openings,
    start_transcript,
};
use crate::lookup::{self, PublicLookup};
use crate::params::StarkParams;
use crate::proof::{DecodeError, Proof};
use crate::prover::{inv_height, public_contribution};
use backend::field::Ext5;
use backend::kernels::ext;
use backend::merkle::{self, MerkleError};
use backend::{Isa, KoalaBear};

/// Why a proof is rejected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum VerifyError {
    /// The statement or parameters are invalid.
    #[error(transparent)]
    Statement(#[from] StatementError),
    /// The bytes are not a well-formed proof for this statement.
    #[error("malformed proof: {0}")]
    Decode(#[from] DecodeError),
    /// The bus sums plus the public contributions (public interactions and public lookup
    /// lists) are not zero.
    #[error("bus interactions do not balance")]
    BusUnbalanced,
    /// A public LogUp denominator (public interaction or public lookup list) vanished.
    #[error("zero LogUp denominator in a public interaction or lookup list")]
    ZeroDenominator,
    /// The out-of-domain point lies in the base field.
    #[error("out-of-domain point in the base field")]
    DegenerateChallenge,
    /// The constraints at the out-of-domain point do not match the quotient.
    #[error("table {0}: constraints at the out-of-domain point do not match the quotient")]
    OodMismatch(usize),
    /// The proof-of-work nonce is invalid.
    #[error("invalid proof of work")]
    ProofOfWork,
    /// A Merkle opening is invalid.
    #[error("{tree} opening: {err}")]
    Merkle {
        /// Which commitment.
        tree: &'static str,
        /// The problem.
        err: MerkleError,
    },
    /// A FRI layer's opened value differs from the folded (or DEEP) value.
    #[error("query {query}: FRI layer {layer} is inconsistent")]
    FriMismatch {
        /// Query number.
        query: usize,
        /// Layer number.
        layer: usize,
    },
    /// The final polynomial disagrees with the last folded value.
    #[error("query {0}: final polynomial mismatch")]
    FinalPoly(usize),
}

/// Verifies a proof given as bytes. Same as [`verify_bytes_with_lookups`] without public
/// lookup lists.
///
/// # Errors
/// A [`VerifyError`] naming the first problem found.
pub fn verify_bytes(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    bytes: &[u8],
) -> Result<(), VerifyError> {
    verify_bytes_with_lookups(params, instances, &[], bytes)
}

/// Verifies a proof given as bytes for a statement with public lookup lists
/// ([`PublicLookup`]), whose contributions the verifier adds to the bus balance itself.
///
/// # Errors
/// A [`VerifyError`] naming the first problem found; malformed lists are a
/// [`StatementError`], a vanishing denominator in a list [`VerifyError::ZeroDenominator`].
pub fn verify_bytes_with_lookups(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    bytes: &[u8],
) -> Result<(), VerifyError> {
    let layout = Layout::new(params, instances, lookups)?;
    let proof = Proof::from_bytes(bytes, &layout.shape(params))?;
    verify_decoded(params, instances, lookups, &layout, &proof)
}

/// Verifies a proof object (re-encoded and decoded first, so a proof of the wrong shape is
/// rejected like malformed bytes).
///
/// # Errors
/// A [`VerifyError`] naming the first problem found.
pub fn verify(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    proof: &Proof,
) -> Result<(), VerifyError> {
    verify_bytes(params, instances, &proof.to_bytes())
}

fn merkle_err(tree: &'static str) -> impl Fn(MerkleError) -> VerifyError {
    move |err| VerifyError::Merkle { tree, err }
}

fn ext_row(row: &[KoalaBear]) -> Vec<Ext5> {
    row.chunks_exact(5)
        .map(|c| Ext5::new([c[0], c[1], c[2], c[3], c[4]]))
        .collect()
}

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

/// `sum_k coeffs[k] row[k]` (the dispatched kernel when the lengths agree, as they do once
/// the Merkle openings are checked).
fn dot(isa: Isa, coeffs: &[Ext5], row: &[KoalaBear]) -> Ext5 {
    if coeffs.len() == row.len() {
        ext::dot_base(isa, coeffs, row)
    } else {
        coeffs.iter().zip(row).map(|(c, x)| *c * *x).sum()
    }
}

fn verify_decoded(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    layout: &Layout,
    proof: &Proof,
) -> Result<(), VerifyError> {
    let log_max = layout.log_max;
    // The results do not depend on the instruction set (the kernels are bit-identical), so
    // the process-wide choice is used, the best available if `MULTISIG_ISA` is invalid.
    let isa = Isa::selected().unwrap_or_else(|_| Isa::best());
    let mut ch = start_transcript(params, instances, lookups);
    ch.observe_digest(&proof.main_root);

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
    let mut total: Ext5 = proof.claimed_sums.iter().copied().sum();
    total += lookup::contribution(isa, lookups, challenges.bus_alpha, challenges.bus_beta)
        .ok_or(VerifyError::ZeroDenominator)?;
    for inst in instances {
        total += public_contribution(inst.air, inst.public_values, challenges)
            .ok_or(VerifyError::ZeroDenominator)?;
    }
    if total != Ext5::ZERO {
        return Err(VerifyError::BusUnbalanced);
    }

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
    observe_openings(&mut ch, isa, &proof.openings);
    // One independent coefficient per (polynomial, point) term.
    let gamma_pows = ch.sample_ext_batch(isa, layout.total_terms);

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

    // Merkle openings.
    let main_rows = merkle::verify_multi_with(
        isa,
        &proof.main_root,
        &layout.main_dims(),
        &indices,
        &proof.main_opening,
    )
    .map_err(merkle_err("main"))?;
    let aux_rows = match (&proof.aux_root, &proof.aux_opening, layout.aux_log_max) {
        (Some(root), Some(op), Some(aux_log)) => {
            let idx: Vec<usize> = indices.iter().map(|i| i >> (log_max - aux_log)).collect();
            merkle::verify_multi_with(isa, root, &layout.aux_dims(), &idx, op)
                .map_err(merkle_err("aux"))?
        }
        _ => Vec::new(),
    };
    let quot_rows = merkle::verify_multi_with(
        isa,
        &proof.quotient_root,
        &layout.quotient_dims(),
        &indices,
        &proof.quotient_opening,
    )
    .map_err(merkle_err("quotient"))?;
    let mut fri_rows = Vec::with_capacity(layout.fri_layers.len());
    for ((root, op), &(log_h, log_a)) in proof
        .fri_roots
        .iter()
        .zip(&proof.fri_openings)
        .zip(&layout.fri_layers)
    {
        let idx: Vec<usize> = indices
            .iter()
            .map(|i| (i >> (log_max - log_h)) >> log_a)
            .collect();
        let dims = [merkle::Dimensions {
            width: 5 << log_a,
            height: 1 << (log_h - log_a),
        }];
        fri_rows.push(
            merkle::verify_multi_with(isa, root, &dims, &idx, op).map_err(merkle_err("fri"))?,
        );
    }

    // DEEP claims per height.
    let coeffs: Vec<DeepCoeffs> = layout
        .tables
        .iter()
        .map(|tl| DeepCoeffs::new(tl, &gamma_pows))
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
