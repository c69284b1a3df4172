//! The query step both sides run identically: drawing a round's query indices and folding
//! the opened leaves with the round's folding challenges.

use super::params::RoundParams;
use crate::v2::arith::VerifierField;
use crate::v2::mle;
use backend::challenger::Challenger;

/// Draws the round's `num_queries` leaf indices, in the order drawn (repeats kept: every
/// drawn query makes a claim, so that the claims' number and order never depend on the
/// values drawn, which a verifier inside a proof needs).
pub(super) fn sample_queries(ch: &mut Challenger, round: &RoundParams) -> Vec<usize> {
    ch.sample_indices(round.log_leaves(), round.num_queries)
}

/// The distinct indices of `indices`, in increasing order: the leaves the Merkle
/// multi-opening holds.
pub(super) fn opened_leaves(indices: &[usize]) -> Vec<usize> {
    let mut opened = indices.to_vec();
    opened.sort_unstable();
    opened.dedup();
    opened
}

/// The folded value of each leaf: `sum_a eq(alpha, a) P_a(y_q)` (a leaf holds the `2^k`
/// codewords' values at one domain point; with `active`, only those blocks' values, in that
/// order, the others being zero), over any verifier arithmetic ([`crate::v2::arith`]).
///
/// The caller has checked every leaf's width (the Merkle opening's dimensions); a leaf of
/// another width folds to a wrong value, never a panic.
pub(super) fn fold_leaves<E: VerifierField>(
    leaves: &[Vec<E>],
    alphas: &[E],
    active: Option<&[usize]>,
) -> Vec<E> {
    let eq = mle::eq_table_values(alphas);
    let eq = match active {
        Some(blocks) => blocks
            .iter()
            .map(|&a| eq.get(a).copied().unwrap_or_else(E::zero))
            .collect(),
        None => eq,
    };
    leaves
        .iter()
        .map(|values| {
            eq.iter()
                .zip(values)
                .fold(E::zero(), |acc, (&e, &v)| e.mul_add(v, acc))
        })
        .collect()
}
