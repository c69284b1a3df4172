//! The two formulas prover and verifier share per layer: the layer polynomial `Q` at the
//! four child values, and the next layer's claims on the line through the two halves.

use crate::v2::arith::VerifierField;

/// The claim a layer's sumcheck starts from, and its final check: `Q` at the children.
pub(super) fn layer_q<E: VerifierField>(children: &[E; 4], lambda: E) -> E {
    let [nl, nh, dl, dh] = *children;
    nl * dh + nh * dl + lambda * dl * dh
}

/// The next layer's claims on the line through the two halves, at `mu`.
pub(super) fn next_claims<E: VerifierField>(children: &[E; 4], mu: E) -> (E, E) {
    let [nl, nh, dl, dh] = *children;
    (nl + mu * (nh - nl), dl + mu * (dh - dl))
}
