//! Step 8 of the protocol (crate docs): grinding and queries. Grinds `pow_bits` of proof of work,
//! samples the query indices in the tallest LDE and opens the main, auxiliary and quotient trees
//! and every FRI layer at them (multi-openings, shared nodes sent once).

use super::deep::Commitments;
use super::options::ProveError;
use crate::layout::Layout;
use crate::params::StarkParams;
use backend::challenger::Challenger;
use backend::merkle::{MerkleTree, MultiOpening};
use backend::{Isa, KoalaBear};

/// The query phase's part of the proof.
pub(super) struct QueryOpenings {
    /// The proof-of-work nonce ground before the queries.
    pub(super) pow_nonce: KoalaBear,
    /// The main tree's multi-opening.
    pub(super) main: MultiOpening,
    /// The auxiliary tree's, if there is one.
    pub(super) aux: Option<MultiOpening>,
    /// The quotient tree's.
    pub(super) quotient: MultiOpening,
    /// Every FRI layer tree's, tallest first.
    pub(super) fri: Vec<MultiOpening>,
}

/// Runs step 8 on the transcript.
///
/// # Errors
/// [`ProveError::Merkle`] if an opening fails.
pub(super) fn open_queries(
    isa: Isa,
    params: &StarkParams,
    layout: &Layout,
    trees: Commitments<'_>,
    fri_trees: &[MerkleTree],
    ch: &mut Challenger,
) -> Result<QueryOpenings, ProveError> {
    let log_max = layout.log_max;
    let pow_nonce = ch.grind(isa, params.pow_bits);
    let indices = ch.sample_indices(log_max, params.num_queries);
    let main_opening = trees.main.open_multi(&indices)?;
    let aux_opening = match (trees.aux, layout.aux_log_max) {
        (Some(tree), Some(aux_log)) => {
            let idx: Vec<usize> = indices.iter().map(|i| i >> (log_max - aux_log)).collect();
            Some(tree.open_multi(&idx)?)
        }
        _ => None,
    };
    let quotient_opening = trees.quotient.open_multi(&indices)?;
    let mut fri_openings = Vec::with_capacity(fri_trees.len());
    for (tree, &(log_h, log_a)) in fri_trees.iter().zip(&layout.fri_layers) {
        let idx: Vec<usize> = indices
            .iter()
            .map(|i| (i >> (log_max - log_h)) >> log_a)
            .collect();
        fri_openings.push(tree.open_multi(&idx)?);
    }
    Ok(QueryOpenings {
        pow_nonce,
        main: main_opening,
        aux: aux_opening,
        quotient: quotient_opening,
        fri: fri_openings,
    })
}
