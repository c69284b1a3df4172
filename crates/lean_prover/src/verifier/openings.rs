//! The Merkle openings of verification (protocol step 8): checks the multi-openings of the
//! main, auxiliary and quotient trees and of every FRI layer at the query indices, and
//! returns the opened rows.

use super::error::{VerifyError, merkle_err};
use crate::layout::Layout;
use crate::proof::Proof;
use backend::merkle;
use backend::{Isa, KoalaBear};

/// The rows opened at the queries: per query, one row per matrix of the tree.
pub(super) struct QueryRows<'a> {
    /// Main tree: per query, one row per table.
    pub(super) main: Vec<&'a [Vec<KoalaBear>]>,
    /// Auxiliary tree (empty without one): per query, one row per table with an auxiliary
    /// trace.
    pub(super) aux: Vec<&'a [Vec<KoalaBear>]>,
    /// Quotient tree: per query, one row per table.
    pub(super) quotient: Vec<&'a [Vec<KoalaBear>]>,
    /// Per FRI layer, per query, its one leaf.
    pub(super) fri: Vec<Vec<&'a [Vec<KoalaBear>]>>,
}

/// Checks every multi-opening of `proof` at `indices` (in the tallest LDE).
///
/// # Errors
/// [`VerifyError::Merkle`] naming the first tree whose opening is invalid.
pub(super) fn verify_openings<'a>(
    isa: Isa,
    layout: &Layout,
    proof: &'a Proof,
    indices: &[usize],
) -> Result<QueryRows<'a>, VerifyError> {
    let log_max = layout.log_max;
    let main_rows = merkle::verify_multi_with(
        isa,
        &proof.main_root,
        &layout.main_dims(),
        indices,
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
        indices,
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
    Ok(QueryRows {
        main: main_rows,
        aux: aux_rows,
        quotient: quot_rows,
        fri: fri_rows,
    })
}
