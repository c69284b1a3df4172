//! GKR's messages and results: the proof ([`GkrProof`], one [`GkrLayerProof`] per layer),
//! what it leaves to the caller ([`GkrClaim`]) and why it fails ([`GkrError`]).

use backend::field::Ext5;

/// Largest number of variables `G` (`2^G` fractions).
pub const MAX_VARIABLES: usize = crate::v2::mle::MAX_VARS;

/// One layer's messages: the sumcheck rounds and the four child values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GkrLayerProof {
    /// Per round, `[q(0), q(2)]` (layer `j` has `j` rounds).
    pub sumcheck: Vec<[Ext5; 2]>,
    /// `[N_l(s), N_h(s), D_l(s), D_h(s)]`.
    pub children: [Ext5; 4],
}

/// A GKR proof of a fractional sum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GkrProof {
    /// The root fraction `[N_0, D_0]`.
    pub root: [Ext5; 2],
    /// Layers `0, 1, ..., G - 1`.
    pub layers: Vec<GkrLayerProof>,
}

impl GkrProof {
    /// The proof's size in bytes at 4 bytes per base element.
    pub fn byte_size(&self) -> usize {
        let ext = 20;
        let rounds: usize = self.layers.iter().map(|l| l.sumcheck.len()).sum();
        ext * (2 + 4 * self.layers.len() + 2 * rounds)
    }
}

/// What GKR leaves to the caller: the root and the input claims at the output point (in
/// `K`, or as a circuit's values: see [`crate::v2::arith`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GkrClaim<E = Ext5> {
    /// The root fraction `(N_0, D_0)`: the sum of the input fractions is `N_0 / D_0`.
    pub root: [E; 2],
    /// The point `rho` (`G` coordinates, `rho_0` for the top index bit).
    pub point: Vec<E>,
    /// The claimed `n(rho)`.
    pub numerator: E,
    /// The claimed `d(rho)`.
    pub denominator: E,
}

/// Why a GKR proof could not be made or was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GkrError {
    /// Numerators and denominators differ in length, or the length is not `2^G` with
    /// `G <= MAX_VARIABLES`.
    #[error(
        "fractions: {numerators} numerators and {denominators} denominators (2^G, G <= {MAX_VARIABLES}, needed)"
    )]
    Input {
        /// Numerators given.
        numerators: usize,
        /// Denominators given.
        denominators: usize,
    },
    /// The proof does not have the shape `G` fixes.
    #[error("malformed GKR proof: {what}: expected {expected}, got {got}")]
    Shape {
        /// What is malformed.
        what: &'static str,
        /// Expected count.
        expected: usize,
        /// Count received.
        got: usize,
    },
    /// The root's denominator is zero (some input denominator is zero).
    #[error("GKR root denominator is zero")]
    ZeroDenominator,
    /// A layer's reduced claim differs from its four child values.
    #[error("GKR layer {layer}: the child values do not match the layer's claim")]
    LayerClaim {
        /// The layer.
        layer: usize,
    },
    /// An eq coordinate is zero (probability `1 / |K|`).
    #[error("GKR layer {layer}, round {round}: zero eq coordinate")]
    Degenerate {
        /// The layer.
        layer: usize,
        /// The round.
        round: usize,
    },
}
