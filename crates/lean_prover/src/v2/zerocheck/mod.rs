//! The AIR sumcheck of proof system v2: every table's constraints (a zerocheck) and the
//! binding of LogUp's GKR input claims to the committed columns, all tables batched in one
//! sumcheck against one eq point.
//!
//! # Statement
//! Each table `t` has `2^(k_t)` rows (`k_t >= 1`), main columns `c`, their rotations
//! `c'(y) = c(y + 1 mod 2^(k_t))` for the columns some constraint reads at the next row
//! ([`Air::main_next_columns`](crate::air::Air::main_next_columns)), and the normalised
//! selectors as multilinears: `is_first(y) = eq(y, 0)`, `is_last(y) = eq(y, 1...1)`,
//! `is_transition = 1 - is_last` (so `selector * e = 0` keeps its meaning from the AIR
//! builder). With the caller's
//! coefficients, the table's summand is
//!
//! `G_t(y) = sum_j a_(t,j) C_(t,j)(y) + sum_i (u_(t,i) m_(t,i)(y) + w_(t,i) d_(t,i)(y))`,
//!
//! `C_(t,j)` the user constraints, `m_(t,i)` the multiplicity and `d_(t,i) = beta - c_(t,i)`
//! the LogUp denominator of interaction `i` (the expressions of [`Air`](crate::air::Air), with
//! the bus challenges `alpha_bus, beta_bus`). The v2 prover uses `a_(t,j)` = consecutive
//! powers of one challenge over all constraints of all tables, `u = ±e`, `w = lambda e` with `e` the
//! interaction block's GKR selector weight (see
//! [`super::stack::Block::committed_selector_weight`]).
//!
//! With `K = max_t k_t` and an eq point `tau` of `K` coordinates (table `t` reads its first
//! `k_t`, `r_t = tau[..k_t]`), the claim is
//!
//! `sum_(x in {0,1}^K) eq(tau, x) sum_t G_t(x[..k_t]) = sum_t S_t = claim`,
//! `S_t = sum_y eq(r_t, y) G_t(y)`
//!
//! (the last `K - k_t` variables of table `t`'s term only carry `eq`, which sums to one:
//! every table starts in round 0, so every table's first round runs on base-field values).
//!
//! # Protocol (transcript order)
//! 1. Both sides observe `K` and the round degree `D` (the largest degree of any constraint,
//!    multiplicity or denominator; at least 1).
//! 2. `K` rounds with the eq factor split off ([`super::eq_round`]): round `i` sends
//!    `q_i(0), q_i(2), ..., q_i(D)`, both observe them and sample `s_i`. Once round
//!    `k_t - 1` has bound table `t`'s variables, its part of every later `q_i` is the
//!    constant `G_t(s_t)`.
//! 3. The prover sends, per table, every main column and then every rotated column at
//!    `s_t = s[..k_t]`; both observe them. The verifier evaluates every `G_t` at those
//!    values (the selectors at `s_t` it computes itself: `prod (1 - s)`, `prod s`) and checks
//!    that the reduced claim equals `sum_t G_t(s_t)`.
//!
//! The column values become claims on the committed polynomial and the rotated ones claims
//! on the shift relation ([`super::mle::shift_eval`]); that is the caller's.
//!
//! # Soundness
//! Each round errs with probability at most `(D + 1) / |K|` (Schwartz-Zippel on
//! `g_i = eq(tau_i, X) q_i`), so `K (D + 1) / |K|` in all. Why the checked identity implies the
//! statement: if some row violates a constraint, the multilinear extension of the batched
//! constraint values is non-zero except with probability `C / |K|` over the batching
//! challenge (`C` constraints in all, a non-zero polynomial of degree `< C` in it), and then
//! vanishes at the random `tau` with probability at most `K / |K|` (Schwartz-Zippel; `tau`
//! is drawn after the columns are committed). These terms are the caller's to account.
//! A zero coordinate of `tau` makes the verifier reject ([`ZerocheckError::Degenerate`]),
//! a completeness error of `1 / |K|` per round.
//!
//! # Prover cost
//! A table's first round is computed before the sumcheck starts (it does not depend on the
//! earlier challenges), over base-field values, together with `S_t`. Each later round
//! evaluates the arena node by node over chunks of rows at `X = 0, 2, ..., D` (column values
//! `lo + X (hi - lo)`), combines the roots with the coefficients and takes one dot product
//! with the eq table of `tau[i + 1..]`; then every column folds.

pub(crate) mod affine;
mod proof;
mod prover;
mod summand;
mod verifier;

pub use proof::{TableEvals, ZerocheckError, ZerocheckProof};
pub use prover::prove;
pub use summand::{ZerocheckTable, degree};
pub(crate) use summand::{challenges, direction_sign, factor_rows};
pub use verifier::verify;
