//! Proof system v2: a multilinear proof system over KoalaBear, the crate's only one (it
//! replaced the first, a FRI STARK: hence the name).
//!
//! The direction and the published facts it rests on are in `shared/design/PROOF-V2.md`:
//! commit all columns of all tables as one stacked multilinear polynomial and open it with
//! WHIR, prove the AIR constraints with a zerocheck sumcheck and the buses with a GKR-style
//! LogUp fractional sumcheck.
//!
//! # What exists
//! * [`mle`]: multilinear polynomials by their values on the boolean hypercube (variable
//!   `x_0` = most significant index bit): eq tables in `O(2^n)`, evaluation at an extension
//!   point (eq table and the dispatched `dot` / `dot_base` kernels), folding the first
//!   variable (extension or base-field input, in place or not).
//! * [`sumcheck`]: prover and verifier for `sum_x prod_{j<k} f_j(x) = S` with
//!   `1 <= k <= 16` multilinear factors, on the [`backend::challenger::Challenger`]
//!   transcript; `k` extension elements per round (`g(0), g(2), ..., g(k)`; `g(1)` is
//!   derived from the claim). The verifier returns the point `r` and the final claim, which
//!   the caller checks against `prod_j f_j(r)`.
//!
//! **Soundness of the sumcheck:** for `n` rounds of degree `k` over `K = F_p^5`
//! (`|K| = p^5 ~ 2^154.9`), a false claim is accepted with probability at most
//!
//! `eps_sumcheck = k n / |K|`
//!
//! (each round: two distinct polynomials of degree `<= k` agree on at most `k` points,
//! Schwartz-Zippel; union over the rounds, Lund, Fortnow, Karloff, Nisan, JACM 1992). For
//! `k = 4`, `n = 26`: `2^-148.2`. With Fiat-Shamir this is the round-by-round error of the
//! interactive protocol; the final check against `f_j(r)` is the caller's (here it is not
//! yet bound to a commitment).
//!
//! * [`gkr`]: LogUp's fractional sum `sum_x n(x) / d(x)` by a layered GKR (Papini and
//!   Haböck, ePrint 2023/1284): the root fraction and one claim on each input multilinear at
//!   a random point; every layer's sumcheck splits its eq factor off ([`eq_round`]), two
//!   extension elements per round. Protocol and soundness term in its module docs.
//! * [`whir`]: the polynomial commitment. One base-field table committed as `2^k`
//!   interleaved Reed-Solomon codewords (its values read as coefficients), opened against
//!   product-weight claims (evaluations, out-of-domain samples, queries) with the calculator's
//!   Johnson-regime schedule; the protocol, message by message, and its soundness terms are in
//!   its module docs.
//!
//! * [`stack`]: the stacking of power-of-two blocks in one multilinear (aligned, by
//!   decreasing size), the committed placement (rows on the top variables, the block
//!   selector bit-reversed at the bottom), its rotation by WHIR's first folding factor (the
//!   committed table's order), the blocks of that first fold that hold values, and the
//!   padding's eq weight.
//! * [`zerocheck`]: the AIR sumcheck: every table's constraints and the binding of GKR's input
//!   claims to the columns, tables of different heights on prefixes of one eq point, batched in
//!   one sumcheck; affine parts from two dot products per column and round.
//! * [`prove_v2`] / [`verify_v2`]: the whole statement (the tables and buses of
//!   [`crate::air`], the selectors the normalised multilinear ones): one
//!   stacked WHIR commitment, LogUp by one GKR, the AIR sumcheck, per-table next-row sumchecks
//!   ([`mle::shift_eval`]), one WHIR opening of every column claim. The protocol, step by step
//!   in transcript order, is in the prover module's docs; `MULTISIG_TRACE` prints the prover's
//!   step timings. `multisig bench` measures it on the aggregation statement.
//!
//! # Security
//! [`security`] computes every soundness term of a v2 proof (the statement's: LogUp, GKR,
//! the AIR sumcheck and its batching and eq point, the next-row sumchecks, the batching of
//! the column claims, each times WHIR's list size; then WHIR's rounds), with the theorem each
//! comes from, and takes the weakest ([`SecurityReportV2`]). [`verify_v2`] computes it from
//! the parameters it is given (never from the proof) and refuses parameters below its
//! [`PolicyV2`] (default: 124 provable bits). At the default parameters the figure is 124.0
//! provable protocol bits for every N, rate 1/2 and 1/4 (WHIR binds; the statement terms
//! give 139 bits or more), and 123.9 bits claimed for the argument (the 8-element digests'
//! collision cap). `multisig security --v2 --signatures N` prints the table.
//!
//! # Memory
//! The largest buffer is WHIR's first codeword: `2^(V + r)` values less the padding's blocks
//! (768 MiB at `N = 1000`, rate 1/4). Above 256 MiB it is not kept: it is built and hashed one
//! coset run at a time, the last run stays, and the other queried runs are encoded again in
//! its buffer at query time ([`whir`]'s `oracle` module), so the peak is about the traces, the
//! committed rows and one run (about 1.0 GB at `N = 1000`), for one more encoding of the
//! other queried runs. The first round's partial sums of the column claims are computed from
//! the committed rows (`column_sums`): one fold of the rows at the main point's prefixes for
//! every main column at once, one per table's next-row point.
//!
//! # Still to come
//! * speed: the commitment (encoding and Merkle hashing of a codeword of `2^(V + r)` values),
//!   the AIR sumcheck's extension rounds (a univariate skip of the first rounds), the
//!   stacking's strided copy.

pub mod arith;
mod column_sums;
pub mod encoding;
pub mod eq_round;
mod error;
pub mod gkr;
pub mod mle;
mod params;
mod plan;
mod proof;
mod prover;
pub mod security;
pub mod stack;
pub mod sumcheck;
mod trace;
mod verifier;
pub mod whir;
mod witness_check;
pub mod zerocheck;

pub use arith::Query;
pub use arith::{ObserveKnown, VerifierField, VerifierTranscript};
pub use encoding::{MAGIC_V2, VERSION_V2};
pub use error::ErrorV2;
pub use params::ParamsV2;
pub use plan::MAX_LOG_HEIGHT;
pub use proof::{ProofV2, ShiftProof};
pub use prover::prove_v2;
#[cfg(feature = "forgery")]
pub use prover::prove_v2_unchecked;
pub use security::{PolicyV2, SecurityReportV2, security_v2};
pub use verifier::{
    StatementClaims, decode_proof, placeholder_proof, verify_v2, verify_v2_bytes, verify_v2_on,
    verify_v2_statement,
};

pub use mle::MleError;
pub use sumcheck::{
    ProverOutput, SumcheckError, SumcheckOutcome, SumcheckProof, prove_product, verify_product,
};
