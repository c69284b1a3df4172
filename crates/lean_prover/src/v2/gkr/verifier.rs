//! The GKR verifier: replays the transcript and checks every layer (protocol in the
//! [module docs](super)). Never panics; every rejection names the layer.

use super::layer::{layer_q, next_claims};
use super::proof::{GkrClaim, GkrError, GkrProof, MAX_VARIABLES};
use crate::v2::eq_round;
use backend::KoalaBear;
use backend::challenger::Challenger;
use backend::field::Ext5;

/// Verifies a GKR proof of `2^num_variables` fractions on `ch` and returns the root and the
/// claims on the input that the caller must check.
///
/// # Errors
/// [`GkrError::Shape`] for a proof of the wrong shape, [`GkrError::ZeroDenominator`],
/// [`GkrError::LayerClaim`] or [`GkrError::Degenerate`] for a rejected one.
pub fn verify(
    num_variables: usize,
    proof: &GkrProof,
    ch: &mut Challenger,
) -> Result<GkrClaim, GkrError> {
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
    let root = proof.root;
    ch.observe(KoalaBear::new(num_variables as u32));
    ch.observe_ext(root[0]);
    ch.observe_ext(root[1]);
    if root[1] == Ext5::ZERO {
        return Err(GkrError::ZeroDenominator);
    }
    let mut point: Vec<Ext5> = Vec::new();
    let (mut a, mut b) = (root[0], root[1]);
    for (j, layer) in proof.layers.iter().enumerate() {
        let lambda = ch.sample_ext();
        let mut claim = a + lambda * b;
        let mut s = Vec::with_capacity(j);
        for (i, msg) in layer.sumcheck.iter().enumerate() {
            ch.observe_ext(msg[0]);
            ch.observe_ext(msg[1]);
            let r = ch.sample_ext();
            claim = eq_round::reduce(claim, point[i], msg, r)
                .map_err(|_| GkrError::Degenerate { layer: j, round: i })?;
            s.push(r);
        }
        for &c in &layer.children {
            ch.observe_ext(c);
        }
        if claim != layer_q(&layer.children, lambda) {
            return Err(GkrError::LayerClaim { layer: j });
        }
        let mu = ch.sample_ext();
        (a, b) = next_claims(&layer.children, mu);
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
