//! WHIR (Arnon, Chiesa, Fenzi, Yogev, ePrint 2024/1586): the polynomial commitment of the
//! proof system v2. It commits to one multilinear table over KoalaBear and proves linear
//! claims `sum_x w(x) f(x) = value` about it (evaluations are the case `w = eq(z, .)`).
//!
//! # Objects
//! * The table `f`: `2^v` base-field values, `x_0` the most significant index bit
//!   ([`crate::v2::mle`]'s order).
//! * Oracle `i` (`i = 0` is `f`): a table of `v_i` variables, folded by `k_i`, encoded at
//!   rate `2^-r_i` as `2^k_i` interleaved Reed-Solomon codewords, one Merkle leaf per domain
//!   point ([`encode`]): leaf `q` holds `P_a(y_q)` for every block `a` of the first `k_i`
//!   variables, `P_a(Y) = sum_b f_a[b] Y^b`, `y_q = w^bitrev(q)` in the subgroup of order
//!   `2^(v_i - k_i + r_i)`. Its codeword polynomial's value at `y` is the claim
//!   `sum_x y^x f_i(x)` ([`Weight::power`]). The first oracle's leaves may hold only the
//!   blocks `a` of [`WhirParams::first_active`]: the others are zero by the statement's
//!   shape, never encoded nor sent, and the verifier folds an opened leaf with zeros in
//!   their places (the oracle it reads is still a word of the same code).
//! * Claims are product weights ([`Weight`]); the verifier evaluates a weight's multilinear
//!   extension at a point in `O(v)`.
//! * Parameters ([`WhirParams`]) come from the calculator's schedule
//!   ([`crate::security::whir::WhirSchedule`]): per round `k_i`, `r_i`, out-of-domain samples
//!   `w_i`, queries `t_i`, grinding bits; the final polynomial's `v_R` variables.
//!
//! # Transcript, message by message
//! All on one [`backend::challenger::Challenger`]; "send" means the prover puts it in the
//! proof and both sides observe it at that point.
//!
//! **Commit** ([`commit`], [`receive_commitment`]): observe `v`, `r_0`, the number of active
//! blocks of the first oracle and each of them; send the root of oracle 0; for `j < w_0`:
//! draw `z_j` (extension), send `P(z_j)`.
//!
//! **Open** ([`open`], [`verify`]), given claims `(w_j, s_j)` fixed before:
//! 1. observe every `s_j`; draw `gamma`. The running claim is
//!    `sigma = sum_j gamma^j s_j` over the out-of-domain claims then the given ones, for the
//!    weight `W = sum_j gamma^j w_j`.
//! 2. Round `i = 0 .. R-1`:
//!    1. for each of `k_i` variables: send `[g(0), g(2)]` of the degree-2 polynomial
//!       `g(X) = sum W(alpha, X, x') f_i(alpha, X, x')`; the verifier sets
//!       `g(1) = sigma - g(0)`; send a nonce with `fold_pow_bits` zero bits; draw `alpha`;
//!       `sigma = g(alpha)` (Lagrange on `0, 1, 2`);
//!    2. not the last round: send the root of oracle `i + 1` (the folded table
//!       `f_(i+1) = f_i(alpha_i, .)`); for `j < w_(i+1)`: draw `z_j`, send `P_(i+1)(z_j)`.
//!       Last round: send the final table `f_R` (`2^v_R` extension values);
//!    3. send a nonce with `query_pow_bits` zero bits; draw `t_i` indices of
//!       `log2(leaves)` bits; the distinct ones, sorted, are opened (one Merkle multi-opening);
//!       the verifier checks it and computes each leaf's fold value
//!       `sum_a eq(alpha_i, a) P_a(y_q)`, which is `P_(i+1)(y_q)`, for every index drawn, in
//!       the order drawn (a repeated index repeats its claim: the claims' number and order
//!       do not depend on the values drawn, which the verifier inside a recursive proof
//!       needs);
//!    4. not the last round: draw `gamma`; add `gamma^(j+1)` times the next oracle's
//!       out-of-domain claims, then the query claims `(y_q^x, fold value)`, to `sigma` and
//!       `W`. Last round: check every fold value against `P_R(y_q)` computed from `f_R`.
//! 3. The final sumcheck over `v_R` variables (messages as in 2.1, no grinding), then the
//!    check `sigma = W(r) f_R(r_final)`, where `W(r)` sums each term's weight at the
//!    challenges drawn since its round.
//!
//! # Soundness (BCHKS25 linear bound, Johnson regime; [`crate::security::whir`])
//! Round-by-round, each term at least `lambda` bits ([`WhirParams::security_bits`] is the
//! weakest): the folds (proximity gap of a line on the oracle's `2^(v_i + r_i)` points, the
//! codeword viewed as the univariate of degree `< 2^v_i`, plus the degree-2 round polynomial
//! `2 L / |K|`, with grinding), the out-of-domain samples (STIR Lemma 4.5), the queries
//! (`(sqrt(rho) + eta)^t`, with grinding) and the combination (`(w + t) L / |K|`). Two facts
//! of this implementation, stated here so that nobody has to rediscover them:
//! * KoalaBear's two-adicity is 24, so no subgroup of order `2^(v_i + r_i) > 2^24` exists;
//!   the oracle is the interleaved code (`2^k_i` codewords of rate `2^-r_i` on the
//!   `2^(v_i - k_i + r_i)` leaf points), which is what WHIR's block-wise distance measures.
//!   The calculator charges the fold with the `2^(v_i + r_i)` of the univariate view, which
//!   over-estimates the error (it is linear in the code length).
//! * As every implementation of this bound in the Johnson mode, the figure ASSUMES mutual
//!   correlated agreement up to `1 - sqrt(rho)` (`../shared/design/PROOF-V2.md`, section 3).
//!
//! The final sumcheck adds `2 v_R / |K|` (degree-2 rounds, Schwartz-Zippel): below `2^-150`.
//! The digests are 8 KoalaBear elements, so the commitment binds only up to about 123.9 bits
//! of collision resistance.

pub mod encode;
mod error;
mod oracle;
pub mod params;
mod proof;
mod prover;
mod queries;
mod verifier;
mod weight;

pub use error::WhirError;
pub use params::{RoundParams, WhirParams};
pub use proof::{OracleCommitment, RoundProof, WhirCommitment, WhirProof};
#[cfg(feature = "forgery")]
pub use prover::{Forgery, open_forged};
pub use prover::{WhirWitness, commit, commit_transposed, open, open_with_partial_sums};
pub use verifier::{
    CommitmentValues, ReceivedCommitment, receive_commitment, receive_commitment_values, verify,
    verify_values,
};
pub use weight::{Claim, Weight, WeightTable, horner};
