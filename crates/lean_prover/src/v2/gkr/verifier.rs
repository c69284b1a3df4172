//! The GKR verifier: replays the transcript and checks every layer (protocol in the
//! [module docs](super)). Never panics; every rejection names the layer.

use super::layer::{layer_q, next_claims};
use super::proof::{GkrClaim, GkrError, GkrProof, MAX_VARIABLES};
use crate::v2::arith::{VerifierField, VerifierTranscript};
use crate::v2::eq_round;
use backend::KoalaBear;

/// Verifies a GKR proof of `2^num_variables` fractions on `ch` and returns the root and the
/// claims on the input that the caller must check (natively, or recorded in a circuit:
/// [`crate::v2::arith`]).
///
/// # Errors
/// [`GkrError::Shape`] for a proof of the wrong shape, [`GkrError::ZeroDenominator`],
/// [`GkrError::LayerClaim`] or [`GkrError::Degenerate`] for a rejected one.
pub fn verify<E: VerifierField>(
    num_variables: usize,
    proof: &GkrProof,
    ch: &mut impl VerifierTranscript<E>,
) -> Result<GkrClaim<E>, GkrError> {
    if num_variables > MAX_VARIABLES {
        return Err(GkrError::Shape {
            what: "variables",
            expected: MAX_VARIABLES,
            got: num_variables,
        });
    }
    expect("layers", num_variables, proof.layers.len())?;
    for (j, layer) in proof.layers.iter().enumerate() {
        expect("layer rounds", j, layer.sumcheck.len())?;
    }
    ch.observe(KoalaBear::new(num_variables as u32));
    let root = proof.root.map(|v| ch.receive_ext(v));
    // A zero denominator has no inverse (in a circuit: the inverse checks it is not zero).
    if root[1].try_inverse().is_none() {
        return Err(GkrError::ZeroDenominator);
    }
    let mut point: Vec<E> = Vec::new();
    let (mut a, mut b) = (root[0], root[1]);
    for (j, layer) in proof.layers.iter().enumerate() {
        let lambda = ch.sample_ext();
        let mut claim = a + lambda * b;
        let mut s = Vec::with_capacity(j);
        for (i, msg) in layer.sumcheck.iter().enumerate() {
            let sent = msg.map(|v| ch.receive_ext(v));
            let r = ch.sample_ext();
            claim = eq_round::reduce(claim, point[i], &sent, r)
                .map_err(|_| GkrError::Degenerate { layer: j, round: i })?;
            s.push(r);
        }
        let children = layer.children.map(|v| ch.receive_ext(v));
        if !claim.check_eq(layer_q(&children, lambda)) {
            return Err(GkrError::LayerClaim { layer: j });
        }
        let mu = ch.sample_ext();
        (a, b) = next_claims(&children, mu);
        point = std::iter::once(mu).chain(s).collect();
    }
    Ok(GkrClaim {
        root,
        point,
        numerator: a,
        denominator: b,
    })
}

fn expect(what: &'static str, expected: usize, got: usize) -> Result<(), GkrError> {
    if expected == got {
        Ok(())
    } else {
        Err(GkrError::Shape {
            what,
            expected,
            got,
        })
    }
}
