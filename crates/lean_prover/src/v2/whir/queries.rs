//! The query step both sides run identically: drawing a round's query indices and folding
//! the opened leaves with the round's folding challenges.

use super::encode::leaf_values;
use super::params::RoundParams;
use crate::v2::mle;
use backend::Isa;
use backend::challenger::Challenger;
use backend::field::{Ext5, KoalaBear};
use backend::kernels::ext as kx;

/// Draws the round's `num_queries` leaf indices and returns the distinct ones in increasing
/// order (the leaves opened and checked).
pub(super) fn sample_queries(ch: &mut Challenger, round: &RoundParams) -> Vec<usize> {
    let mut indices = ch.sample_indices(round.log_leaves(), round.num_queries);
    indices.sort_unstable();
    indices.dedup();
    indices
}

/// The folded value at each opened leaf: `sum_a eq(alpha, a) P_a(y_q)` (a leaf holds the
/// `2^k` codewords' values at one domain point, `limbs` base elements each; with `active`,
/// only those blocks' values, in that order, the others being zero).
///
/// The caller has checked every leaf's width (the Merkle opening's dimensions); a leaf of
/// another width folds to a wrong value, never a panic.
pub(super) fn fold_values(
    isa: Isa,
    rows: &[Vec<Vec<KoalaBear>>],
    limbs: usize,
    alphas: &[Ext5],
    active: Option<&[usize]>,
) -> Vec<Ext5> {
    let eq = match mle::eq_table(isa, alphas) {
        Ok(t) => t,
        Err(e) => unreachable!("folding factor within MAX_VARS: {e}"),
    };
    let eq = match active {
        Some(blocks) => blocks
            .iter()
            .map(|&a| eq.get(a).copied().unwrap_or(Ext5::ZERO))
            .collect(),
        None => eq,
    };
    rows.iter()
        .map(|leaf| {
            let values = leaf.first().map_or(Vec::new(), |r| leaf_values(r, limbs));
            let n = values.len().min(eq.len());
            kx::dot(isa, &eq[..n], &values[..n])
        })
        .collect()
}
