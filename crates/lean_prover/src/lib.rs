//! `lean_prover`: multi-table AIR proof systems over KoalaBear (`p = 2^31 - 2^24 + 1`) with
//! LogUp buses; challenges live in the quintic extension `K = F_p^5` (`|K| ~ 2^155`).
//!
//! Two proof systems share the AIR builder, the statements and the buses:
//! * [`v2`], the one aggregates use by default: every committed column in one stacked
//!   multilinear polynomial with one WHIR commitment, LogUp by GKR, the batched AIR sumcheck;
//!   at least 124 provable bits with its standard parameters. Its protocol, message by message,
//!   is in [`v2`]'s module docs and the prover's.
//! * The FRI STARK documented below (DEEP-ALI, batched FRI), kept as an option.
//!
//! # API (the FRI STARK; v2's is in [`v2`])
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
//!   [`SecurityShape`] ([`security`]); [`StarkParams::for_security`] derives the number of
//!   queries from a [`SecurityTarget`]; verifiers check a [`SecurityPolicy`].
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
//! 3. if any table has bus interactions (or there are public interactions or lookup lists):
//!    grind `bus_pow_bits` of proof of work (the nonce is sent; it is zero, and must be, when
//!    no bus challenge is drawn), then sample `alpha_bus, beta_bus` (extension), build the
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
//! [`StarkParams::security`] ([`security`]) computes both figures from the parameters and the
//! statement's [`SecurityShape`], term by term ([`SecurityReport::provable_terms`],
//! [`SecurityReport::conjectured_terms`], each with the theorem it comes from); nothing is
//! hard-coded. Notation: `rho = 2^-log_inv_rate`, `K = F_p^5` (`log2 |K| = 154.9`), `n` the
//! tallest table, `N = n / rho` its LDE, `n_t, D_t, C_t` height, constraint degree and number
//! of constraints of table `t` (LogUp constraints included), `R` the bus fractions (interaction
//! rows plus public-list tuples; grouped interactions count one each), `T` the longest tuple,
//! `q` queries, `pow` / `pow_bus` the grinding bits before the queries and before the bus
//! challenges. The FRI terms follow the prover's own folding schedule: per input height
//! `N_h` one batching term, per committed layer one fold of `f_i` words (its arity, plus one
//! when a shorter input joins) into a domain of `M_i` points.
//!
//! * **Provable** (Johnson-bound regime; the default figure). For a multiplicity `m`
//!   (searched over [`security::JOHNSON_M_RANGE`], the best kept), `eta = sqrt(rho) / (2m)`,
//!   proximity `gamma = 1 - sqrt(rho) - eta`, list size `L = 1 / (2 eta sqrt(rho)) = m / rho`,
//!   and `eps(M)` the proximity-gap error of one line on `M` points under the named
//!   [`JohnsonBound`]:
//!   - [`JohnsonBound::Bchks25`] (default; ePrint 2025/2055, Thm 1.5 / 4.2, linear in `M`):
//!     `eps(M) = ((2 (m+1/2)^5 + 3 (m+1/2) gamma rho) M / (3 rho^(3/2)) + (m+1/2)/sqrt(rho)) / |K|`.
//!     **Assumption:** applied to FRI's batching and folds as BCIKS20 Section 8 applies the
//!     2020 bound (as soundcalc and whir-p3 do); see [`JohnsonBound`].
//!   - [`JohnsonBound::Bciks20`] (ePrint 2020/654, Thm 1.5 / 1.6, quadratic):
//!     `eps(M) = (m+1/2)^7 M^2 / (3 rho^(3/2) |K|)`, plus `(2m+1)(M+1) / (sqrt(rho) |K|)` per
//!     folded word (Haböck, ePrint 2022/1216).
//!
//!   The error is the SUM (a union bound) of: batching `sum_h eps(N_h)` (independent DEEP
//!   coefficients: an affine combination, one line error whatever the number of words);
//!   each fold `(f_i - 1) eps(M_i)` (powers of one challenge: a curve of degree `f_i - 1`);
//!   queries `(sqrt(rho) + eta)^q 2^-pow` (BCIKS20 Section 8); ALI `L sum_t C_t / |K|` and
//!   DEEP `L sum_t (D_t (n_t + 1) + n_t - 1) / (|K| - n - N)` (Haböck 2022/1216, Thm 8, every
//!   table counted); LogUp `L R (T + 1) / |K| 2^-pow_bus` (Haböck 2022/1530; clearing the
//!   denominators gives a non-zero polynomial of total degree at most `R (T + 1)` in
//!   `(alpha_bus, beta_bus)` unless the multisets match: Schwartz-Zippel). The provable bits
//!   are `-log2` of the sum. Tests reproduce soundcalc's published per-term figures for
//!   Pico's KoalaBear circuits with these term functions ([`security::terms`]).
//! * **Conjectured** (ethSTARK documentation, StarkWare 2021, Conjecture 2.3 style; list size
//!   1): the minimum of `q log_inv_rate + pow` and `log2 |K| - log2` of each of
//!   `sum_t C_t` (ALI), `sum_t (D_t (n_t + 1) + n_t - 1)` (DEEP), `sum_h N_h + sum_i (f_i - 1)
//!   M_i` (batching and folding) and `R (T + 1) 2^-pow_bus` (LogUp). Conjectures of this kind
//!   (proximity gaps up to capacity) were refuted in 2025 (Crites and Stewart, ePrint
//!   2025/2046): the figure is reported, never the default target.
//! * **Cap**: the argument as a whole is no stronger than its hashes. Merkle digests are 8
//!   KoalaBear elements, `8 log2(p) = 247.9` bits, so collision resistance is 123.95 bits
//!   ([`security::digest_collision_bits`], reported beside the figures). Fiat-Shamir is
//!   analysed round by round (grinding multiplies the error of the round it precedes).
//!
//! A verifier states the minimum it accepts with a [`SecurityPolicy`] (default: 100 provable
//! bits under BCHKS25 and 124 conjectured bits) and checks the report of the parameters it
//! verifies with, never a figure from the proof.
//!
//! Defaults ([`StarkParams::default`], [`SecurityTarget::default`]): rate 1/4, arity 4, final
//! polynomial of 8 coefficients, 16 bits of grinding before the queries and none before the
//! bus challenges, and the fewest queries giving >= 100 provable (BCHKS25) and >= 124
//! conjectured bits for [`SecurityShape::AGGREGATE_16`]: **86 queries, 100.8 provable
//! bits (m = 61), 128.9 conjectured bits** (105 queries under the 2020 bound before).
//! [`StarkParams::for_security`] returns [`params::ParamsError::Unreachable`] with the best
//! figures when no number of queries reaches a target (for example the BCIKS20 bound at rate
//! 1/16 on `2^16`-row tables); nothing falls back to weaker parameters.
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
//!
//! # Modules
//! Imports between the files of the crate go one way, from each layer to the ones above it:
//! 1. [`params`], [`proof`], `fri` (FRI schedule, points and folding) and [`air`] use no
//!    other module;
//! 2. `eval` (evaluation of an AIR's expressions) and [`lookup`] use [`air`];
//! 3. `statement` (tables, [`StatementError`], the bus checks) and `balance` (the bus total
//!    with the verifier-computed contributions) use the layers above;
//! 4. [`layout`] (derived from the statement) and `transcript` (its start and the bulk
//!    observation of the openings) use the layers above, `deep` (the DEEP coefficients)
//!    [`layout`] and [`proof`];
//! 5. [`prover`] and [`verifier`], one file per protocol step each, use everything above
//!    and not each other; [`security`] uses [`air`], [`lookup`], [`params`] and `fri`, and
//!    [`v2`] only [`security`].

#![forbid(unsafe_code)]

pub mod air;
mod balance;
mod codec;
mod deep;
mod eval;
mod fri;
pub mod layout;
pub mod lookup;
pub mod params;
pub mod proof;
pub mod prover;
pub mod security;
mod statement;
mod transcript;
pub mod v2;
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
