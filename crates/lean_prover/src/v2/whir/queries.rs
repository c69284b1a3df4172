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
/// `2^k` codewords' values at one domain point, `limbs` base elements each).
pub(super) fn fold_values(
    isa: Isa,
    rows: &[Vec<Vec<KoalaBear>>],
    limbs: usize,
    alphas: &[Ext5],
) -> Vec<Ext5> {
    let eq = match mle::eq_table(isa, alphas) {
        Ok(t) => t,
        Err(e) => unreachable!("folding factor within MAX_VARS: {e}"),
    };
    rows.iter()
        .map(|leaf| kx::dot(isa, &eq, &leaf_values(&leaf[0], limbs)))
        .collect()
}
