//! `lean_prover`: a multi-table AIR STARK over KoalaBear (`p = 2^31 - 2^24 + 1`) with LogUp
//! buses and batched FRI; challenges live in the quintic extension `K = F_p^5` (`|K| ~ 2^155`).
//!
//! # API
//! * Describe each table with an [`AirBuilder`] (named columns, constraints over the current
//!   and next row, first/last/transition selectors, public values, bus sends and receives) and
//!   [`AirBuilder::build`] it into an [`Air`] with a maximum constraint degree.
//! * Prove with [`prove`] / [`prove_with`] on [`TableWitness`]es (AIR, row-major trace of
//!   `2^k` rows, public values) and [`StarkParams`]; get a [`Proof`] and its bytes
//!   ([`Proof::to_bytes`]).
//! * Verify with [`verify_bytes`] (or [`verify`]) on [`TableInstance`]es (AIR, `log2`
//!   height, public values).
//! * Statements may also carry public lookup lists ([`PublicLookup`]): tuples with fixed
//!   multiplicities that the verifier itself puts on a bus (for example the ordered list of
//!   public keys an AIR table `receive`s row by row). Prove with [`prove_with_lookups`],
//!   verify with [`verify_bytes_with_lookups`]; the functions above are these with no lists.
//! * [`StarkParams::security`] reports conjectured and provable bits for a
//!   [`SecurityShape`]; [`StarkParams::for_security`] derives the number of queries from a
//!   [`SecurityTarget`].
//!
//! # Protocol
//! Every table `t` has height `n_t = 2^k_t`, trace domain `H_t = <w_t>`, and is extended with
//! blowup `B = 2^log_inv_rate` to `N_t = n_t B` points on the coset
//! `s_t <w_{N_t}>`, `s_t = g^(N_max / N_t)` (`g = 3`), in bit-reversed row order. With these
//! shifts the LDE of every table is exactly a FRI layer domain (a fold maps `s_t` to
//! `s_t^a`), so all tables enter one batched FRI. The Fiat-Shamir transcript is the
//! [`backend::challenger::Challenger`] duplex sponge:
//!
//! 1. observe a domain separator, the parameters, and per table the AIR's structural digest,
//!    its height and its public values; then, if there are public lookup lists, their number
//!    and per list the bus id, the direction (0 Send, 1 Receive), the tuple length, the
//!    number of tuples, all values and all multiplicities (nothing when there are none);
//! 2. commit all main-trace LDEs in one mixed-height Merkle tree (`backend::merkle`), observe
//!    the root;
//! 3. if any table has bus interactions: sample `alpha_bus, beta_bus` (extension), build the
//!    LogUp auxiliary trace of each such table (one extension column per group of
//!    interactions, holding the group's sum of fractions `±m_i / (beta - c_i)`, the last one
//!    being the running sum `s`; each stored as 5 base columns; the grouping respects the
//!    table's degree bound, see [`air`]), commit them in one tree, observe the root and
//!    every table's claimed sum (the sum of all its fractions). (With only
//!    public interactions or public lookup lists, `alpha_bus, beta_bus` are sampled all the
//!    same, and there is no auxiliary tree.) The verifier checks
//!    `sum of claimed sums + sum of public contributions = 0`, computing the public
//!    contributions itself: `±m / (beta - c)` for each public interaction of a table (from
//!    its public values), and for each public lookup list on bus `b` with tuples `v_k` and
//!    multiplicities `m_k`, `+sum_k m_k / (beta - c_k)` (Send) or `-sum_k m_k / (beta - c_k)`
//!    (Receive) with `c_k = b + sum_j alpha^(j+1) v_kj`, the compression of every
//!    interaction (one batch inversion; a vanishing denominator rejects the proof). The
//!    check is on multisets, so the lists' order matters only through the transcript;
//! 4. sample `alpha`; per table fold all constraints `C = sum_i alpha^i C_i`, evaluate it on the
//!    quotient domain `s_t K_t` (`|K_t| = n_t Q_t`, `Q_t = next_pow2(max(deg - 1, 1))`, taken
//!    from the first rows of the committed LDE when `Q_t <= B`), divide by
//!    `Z_H(x) = x^n - 1`, interpolate, and split `q = sum_j x^(j n) q_j` into `Q_t` chunks of
//!    degree `< n` (5 base columns each); commit all chunks' LDEs in one tree;
//! 5. sample the out-of-domain point `z` (rejected if it lies in `F_p`); send, per table, every
//!    main and auxiliary column at `z`, at `z w_t` only the columns some constraint reads at
//!    the next row ([`Air::main_next_columns`], [`Air::aux_next_columns`]: for the LogUp
//!    columns, the running sum alone), and every quotient chunk at `z`; observe them all as
//!    one block with [`backend::challenger::Challenger::observe_bulk`] (its length, then
//!    the row-hash digest of every 512-element chunk: binding by collision resistance, as the
//!    Merkle commitments, and hashed with the batched kernels). The verifier evaluates the
//!    AIR's expressions at `z` in the extension and checks
//!    `C(z) = Z_H(z) sum_j z^(j n) q_j(z)`;
//! 6. DEEP: sample one independent coefficient `gamma_k` per (polynomial, point) term, all at
//!    once with [`backend::challenger::Challenger::sample_ext_batch`] (a seed from the
//!    transcript expanded by the permutation in counter mode); for every LDE height `N` the
//!    FRI input is
//!    `f_N(x) = sum_k gamma_k (p_k(x) - v_k) / (x - zeta_k)` over the tables of that height
//!    (an extension column's coefficient `gamma` multiplies its 5 base columns by `gamma X^c`);
//! 7. FRI: starting from the largest input, commit the current layer with each Merkle leaf
//!    holding the `a` sibling evaluations (adjacent in bit-reversed order), sample `beta`,
//!    fold by the arity `a = 2^log_folding_arity` (4 by default; a fold that would jump over a
//!    shorter input's height stops there, so that step may have arity 2), and add
//!    `beta^a f_N'` when the next height has inputs. Stop when the degree bound reaches
//!    `2^log_final_poly_len` coefficients (or the smallest input), send the final polynomial's
//!    coefficients in the clear and observe them;
//! 8. grind `pow_bits` of proof of work ([`backend::challenger::Challenger::grind`]), then
//!    sample `num_queries` indices in the largest LDE; open the main, aux and quotient trees
//!    and every FRI layer with `open_multi` (shared nodes sent once). The verifier recomputes
//!    `f_N` at each query from the opened rows, checks each layer's opened value against the
//!    previous fold, folds, and compares with the final polynomial.
//!
//! # AIR semantics
//! The selectors are the unnormalised Lagrange selectors `is_first(x) = Z_H(x) / (x - 1)`,
//! `is_last(x) = Z_H(x) / (x - w^-1)` and `is_transition(x) = x - w^-1`: they vanish where the
//! normalised ones do, so `selector * e = 0` has the usual meaning; if a selector is used as a
//! value (for example in a multiplicity), its values on `H` are `n` at the first row,
//! `n w` at the last row and `w^i - w^-1` respectively. "Next row" is cyclic. See [`air`] for
//! degrees and the LogUp construction.
//!
//! # Security
//! Both numbers come from [`StarkParams::security`], with `rho = 2^-log_inv_rate`,
//! `n = 2^log_max_height`, `N = n / rho`, `D` the constraint degree, `C` the largest number of
//! constraints, `R` the interaction rows, `T` the longest tuple, `q` queries, `pow` grinding
//! bits and `a_i` the FRI arities at heights `N_i`:
//!
//! * **Conjectured** (ethSTARK documentation, Starkware 2021, Conjecture 2.3 style; list size
//!   1): `min(q log_inv_rate + pow, log|K| - log2 of each of C [ALI],
//!   D (n + 1) + n - 1 [DEEP], N + sum_i (a_i - 1) N_i [batching and folding],
//!   R (T + 1) [LogUp: the cleared-denominator identity has total degree <= R (T + 1) in
//!   (alpha_bus, beta_bus), Schwartz-Zippel; Haböck 2022, "Multivariate lookups based on
//!   logarithmic derivatives"])`. `R` counts fractions (interactions times rows), however
//!   many of them share an auxiliary column; `D` and `C` include the LogUp constraints.
//! * **Provable** (Johnson-bound regime; Ben-Sasson, Carmon, Ishai, Kopparty, Saraf 2020,
//!   "Proximity gaps for Reed-Solomon codes", Thm 1.5 (correlated agreement up to the Johnson
//!   bound); Haböck 2022, "A summary on the FRI low-degree test", ePrint 2022/1216, Thm 3 and
//!   its batched form). For `m >= 3` (optimised over `3..=64`), `alpha_J = sqrt(rho)(1 + 1/2m)`
//!   and list size `L = (m + 1/2)/sqrt(rho)`, the error is the sum of
//!   - batching (independent coefficients, an affine space):
//!     `(m + 1/2)^7 / (3 rho^(3/2)) N^2 / |K|`;
//!   - each fold of arity `a_i` (a curve of degree `a_i - 1`):
//!     `(a_i - 1) (m + 1/2)^7 / (3 rho^(3/2)) N_i^2 / |K| + (2m + 1)(N_i + 1) a_i / (sqrt(rho) |K|)`;
//!   - queries: `alpha_J^q 2^-pow`;
//!   - ALI, DEEP and LogUp, each multiplied by the list size `L`: `L C / |K|`,
//!     `L (D (n + 1) + n - 1) / (|K| - N)`, `L R (T + 1) / |K|`.
//!
//!   The provable bits are `-log2` of the sum. Merkle (Poseidon2, 248-bit digests) and
//!   Fiat-Shamir hash security are not included.
//!
//! Defaults ([`StarkParams::default`]): rate 1/4, arity 4, final polynomial of 8
//! coefficients, 16 bits of grinding and the smallest number of queries giving >= 124
//! conjectured and >= 100 provable bits for [`SecurityShape::AGGREGATE_16`] (tables up to
//! `2^16` rows): **105 queries, 100.1 provable bits, 128.9 conjectured bits** (the conjectured
//! number is capped by the LogUp field term; the FRI term alone is 226 bits). Shortfalls: at
//! rates 1/8 and 1/16 the `N^2` commit-phase terms keep the provable bound below 100 bits
//! for `2^16`-row tables (about 99.3 and 95.8 bits at best), so [`StarkParams::for_security`]
//! refuses those rates with the default target; rate 1/2 needs 231 queries.
//!
//! # Determinism
//! Every kernel is dispatched through the [`backend::Isa`] in [`ProverOptions`]; all
//! arithmetic is exact, rayon splits only independent work (chunks of rows, rows of a
//! Merkle layer), and the proof-of-work nonce is the smallest valid one, so the proof bytes do
//! not depend on the ISA or the thread count (tested). The verifier dispatches its batched
//! work (Merkle openings through `backend::merkle::verify_multi_with`, the bulk transcript
//! operations, the DEEP denominators inverted together, dot products) on the process-wide
//! [`backend::Isa::selected`] choice, the best available if `MULTISIG_ISA` is invalid; its
//! verdict does not depend on it either.
//!
//! # Robustness
//! [`verify_bytes`] decodes with the shape the statement implies ([`proof`]): versioned header,
//! canonical field elements, bounded lengths, no trailing bytes; the verifier indexes nothing
//! it has not checked and returns a [`VerifyError`] for every failure.

pub mod air;
mod eval;
mod fri;
pub mod layout;
pub mod lookup;
pub mod params;
pub mod proof;
pub mod prover;
pub mod security;
pub mod verifier;

pub use air::{Air, AirBuilder, AirError, BusId, Col, Direction, Expr};
pub use layout::{StatementError, TableInstance, TableWitness};
pub use lookup::PublicLookup;
pub use params::StarkParams;
pub use proof::{DecodeError, Proof, ProofShape, TableOpenings};
pub use prover::{ProveError, ProverOptions, prove, prove_with, prove_with_lookups};
pub use security::{
    JohnsonBound, PolicyError, SecurityPolicy, SecurityReport, SecurityShape, SecurityTarget,
};
pub use verifier::{VerifyError, verify, verify_bytes, verify_bytes_with_lookups};
