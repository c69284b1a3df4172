//! LogUp's fractional sum by GKR (Papini and Haböck, ePrint 2023/1284, Section 3): proves
//! `sum_x n(x) / d(x)` for `2^G` fractions held as two multilinears, leaving one evaluation
//! claim on each at a random point.
//!
//! # Layers
//! Layer `G` is the input `(N_G, D_G) = (n, d)`. Layer `j < G` has `2^j` fractions, the sums of
//! pairs of layer `j + 1` that differ in the top variable (index bit `x_0`, as in
//! [`super::mle`]):
//!
//! `N_j(x) = N_{j+1}(0, x) D_{j+1}(1, x) + N_{j+1}(1, x) D_{j+1}(0, x)`,
//! `D_j(x) = D_{j+1}(0, x) D_{j+1}(1, x)`,
//!
//! so the root `N_0 / D_0` is the sum of all input fractions when every `d(x)` is non-zero
//! (and `D_0 = 0` when some `d(x)` is zero).
//!
//! # Protocol (transcript order)
//! 1. Both sides observe `G`; the prover sends the root `(N_0, D_0)`, both observe it. The
//!    verifier rejects `D_0 = 0`. The caller decides what `N_0 / D_0` must be.
//! 2. For `j = 0, 1, ..., G - 1`, holding the claims `a = N_j(p)`, `b = D_j(p)` at a point
//!    `p` of `j` coordinates (`p` empty for `j = 0`):
//!    - sample `lambda`; the claim `c = a + lambda b` is, by the layer equations, the sum over
//!      `x in {0,1}^j` of `eq(p, x) Q(x)`,
//!      `Q = N_l D_h + N_h D_l + lambda D_l D_h` with `N_l(x) = N_{j+1}(0, x)`,
//!      `N_h(x) = N_{j+1}(1, x)` (and `D_l`, `D_h` alike);
//!    - `j` sumcheck rounds on it with the eq factor split off ([`super::eq_round`]): per
//!      round the prover sends `q(0), q(2)` (`q` is quadratic), both observe them and sample
//!      the round's challenge `s_i`;
//!    - the prover sends the four values `N_l(s), N_h(s), D_l(s), D_h(s)`, both observe them;
//!      the verifier checks that the reduced claim equals
//!      `N_l(s) D_h(s) + N_h(s) D_l(s) + lambda D_l(s) D_h(s)`;
//!    - sample `mu`; the next point is `(mu, s)` and the next claims are the lines through the
//!      two halves: `N_{j+1}(mu, s) = N_l(s) + mu (N_h(s) - N_l(s))`, and `D` alike.
//! 3. The output is the point `rho` of `G` coordinates with the claims `n(rho)`, `d(rho)`,
//!    which the caller must check against the committed fractions.
//!
//! # Soundness
//! Per layer `j` (round-by-round, over `K = F_p^5`, `|K| ~ 2^154.9`): the batching by
//! `lambda` errs with probability `<= 1 / |K|` (a non-zero linear polynomial in `lambda`);
//! each of the `j` rounds `<= 3 / |K|` (`g = eq * q` has degree 3, Schwartz-Zippel); the line
//! through the two halves `<= 1 / |K|` (a degree-1 polynomial in `mu`). In all
//!
//! `eps_gkr = sum_{j<G} (3 j + 2) / |K| = (3 G (G - 1) / 2 + 2 G) / |K|`,
//!
//! `2^-145.6` for `G = 24`. A zero eq coordinate (probability `1 / |K|` per challenge) makes
//! the verifier reject ([`GkrError::Degenerate`]): a completeness error only.
//!
//! # Prover cost
//! Building the layers takes `2^G` extension products for `D` and `2^(G+1)` for `N`, all
//! layers kept (`2^(G+1)` fractions). Layer `j`'s sumcheck evaluates `Q` at `X = 0, 2` over
//! halves of its tables (six products per pair) and folds four tables: `O(2^j)` per round,
//! `O(2^G)` for the whole proof up to a constant.

mod layer;
mod proof;
mod prover;
mod verifier;

pub use proof::{GkrClaim, GkrError, GkrLayerProof, GkrProof, MAX_VARIABLES};
pub use prover::prove;
pub use verifier::verify;
