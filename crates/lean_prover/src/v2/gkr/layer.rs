//! The two formulas prover and verifier share per layer: the layer polynomial `Q` at the
//! four child values, and the next layer's claims on the line through the two halves.

use backend::field::Ext5;

/// The claim a layer's sumcheck starts from, and its final check: `Q` at the children.
pub(super) fn layer_q(children: &[Ext5; 4], lambda: Ext5) -> Ext5 {
    let [nl, nh, dl, dh] = *children;
    nl * dh + nh * dl + lambda * dl * dh
}

/// The next layer's claims on the line through the two halves, at `mu`.
pub(super) fn next_claims(children: &[Ext5; 4], mu: Ext5) -> (Ext5, Ext5) {
    let [nl, nh, dl, dh] = *children;
    (nl + mu * (nh - nl), dl + mu * (dh - dl))
}
