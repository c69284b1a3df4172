//! The WHIR prover: [`commit`] to a base-field multilinear table, then [`open`] it against
//! linear claims. The protocol, message by message, is in the [module docs](super).
//!
//! Memory: the initial table is never lifted to the extension nor folded variable by variable.
//! The prover keeps it as its block transpose ([`encode::transpose`]: row `b` holds `f(a, b)`
//! for the `2^k_0` values `a` of the first variables), which every run of the first oracle is
//! encoded from. Its first `k_0` sumcheck rounds run on `2^k_0`-entry tables per claim (each
//! claim's weight splits as `head(a) tail(b)`, and `u = sum_b tail(b) row_b` is one
//! `axpy_base` per row), and the folded table is one `dot_base` of `eq(alpha, .)` per row.
//! Later oracles (at most `2^(v - k_0)` values) are folded in place.

use super::encode::{self, Shape, domain_point};
use super::error::WhirError;
use super::oracle::{FirstOracle, KEEP_MAX};
use super::params::{RoundParams, WhirParams};
use super::proof::{OracleCommitment, RoundProof, WhirCommitment, WhirProof};
use super::queries::{opened_leaves, sample_queries};
use super::weight::{Claim, Weight, check_claims};
use crate::v2::mle;
use backend::Isa;
use backend::challenger::Challenger;
use backend::field::{Ext5, KoalaBear};
use backend::kernels::ext as kx;
use backend::merkle::MerkleTree;
use rayon::prelude::*;

/// Elements per task in the round-message loops.
const CHUNK: usize = 1 << 12;

/// What the prover keeps between [`commit`] and [`open`].
#[derive(Debug)]
pub struct WhirWitness {
    params: WhirParams,
    /// The committed table's block transpose ([`encode::transpose`]): `2^(v - k_0)` rows of
    /// `2^k_0` values.
    transposed: Vec<KoalaBear>,
    tree: FirstOracle,
    ood: Vec<OodClaim>,
}

/// An initial out-of-domain claim with the first round's pieces `open` needs, computed once
/// by `commit`: the head weight's table over the first `k_0` variables and the partial sums
/// `u[a] = sum_b tail(b) f[a 2^(v - k_0) + b]`.
#[derive(Clone, Debug)]
struct OodClaim {
    claim: Claim,
    head: Vec<Ext5>,
    sums: Vec<Ext5>,
}

impl WhirWitness {
    /// `k_0`, the variables the first round folds: a claim's partial sums (see
    /// [`open_with_partial_sums`]) are over the `2^k_0` values of its first `k_0` variables.
    pub fn first_folding_factor(&self) -> usize {
        self.params.rounds[0].folding_factor
    }

    /// The committed table's block transpose over its active blocks (the form
    /// [`commit_transposed`] takes): `2^(v - k_0)` rows of `first_active.len()` values.
    pub fn first_rows(&self) -> &[KoalaBear] {
        &self.transposed
    }
}

/// Commits to `table` (`2^v` base-field values, `x_0` the most significant index bit): encodes
/// it ([`encode`](super::encode)), builds the Merkle tree, observes the shape and the root,
/// draws the initial out-of-domain points and observes their answers.
///
/// # Errors
/// [`WhirError::PolynomialLength`] if `table` does not have `2^v` values;
/// [`WhirError::InactiveBlock`] if it is not zero on a block outside
/// [`WhirParams::first_active`].
pub fn commit(
    isa: Isa,
    params: &WhirParams,
    table: Vec<KoalaBear>,
    ch: &mut Challenger,
) -> Result<(WhirCommitment, WhirWitness), WhirError> {
    let r0 = &params.rounds[0];
    let v = r0.num_variables;
    if table.len() != 1usize << v {
        return Err(WhirError::PolynomialLength {
            num_variables: v,
            got: table.len(),
        });
    }
    let k0 = r0.folding_factor;
    let n = v - k0;
    if let Some(a) = (0..1usize << k0)
        .filter(|a| params.first_active.binary_search(a).is_err())
        .find(|&a| {
            table[a << n..(a + 1) << n]
                .iter()
                .any(|x| *x != KoalaBear::ZERO)
        })
    {
        return Err(WhirError::InactiveBlock { block: a });
    }
    let shape = first_shape(params);
    let transposed = encode::transpose_blocks(&table, shape, &params.first_active);
    drop(table);
    commit_transposed(isa, params, transposed, ch)
}

/// The shape of the first oracle's encoding (its active blocks only).
fn first_shape(params: &WhirParams) -> Shape {
    let r0 = &params.rounds[0];
    Shape::new(1, r0.num_variables, r0.folding_factor, r0.log_inv_rate)
        .with_blocks(params.first_active.len())
}

/// [`commit`] given the committed table as its block transpose restricted to the active
/// blocks ([`encode::transpose_blocks`] with `params.first_active`): `2^(v - k_0)` rows of
/// `first_active.len()` values, row `b` holding `f(a, b)` for every active `a`, the table
/// being zero on the other blocks. A caller that lays out the table can write this form
/// directly and skip the transpose.
///
/// # Errors
/// [`WhirError::PolynomialLength`] if `transposed` does not have `2^(v - k_0)` rows of that
/// width.
pub fn commit_transposed(
    isa: Isa,
    params: &WhirParams,
    transposed: Vec<KoalaBear>,
    ch: &mut Challenger,
) -> Result<(WhirCommitment, WhirWitness), WhirError> {
    let r0 = &params.rounds[0];
    let v = r0.num_variables;
    let shape = first_shape(params);
    if transposed.len() != shape.run_len() {
        return Err(WhirError::PolynomialLength {
            num_variables: v,
            got: transposed.len(),
        });
    }
    let tree = FirstOracle::commit(isa, &transposed, shape, KEEP_MAX)?;
    params.observe(ch);
    let root = tree.root();
    ch.observe_digest(&root);
    let k0 = r0.folding_factor;
    let ood: Vec<OodClaim> = (0..r0.ood_samples)
        .map(|_| {
            let z = ch.sample_ext();
            let weight = Weight::power(z, v);
            let (head, tail) = weight.split(k0);
            let head = full_head(isa, &head, k0);
            let sums = partial_sums_of(isa, &transposed, k0, &params.first_active, &tail);
            let value = kx::dot(isa, &head, &sums);
            ch.observe_ext(value);
            OodClaim {
                claim: Claim { weight, value },
                head,
                sums,
            }
        })
        .collect();
    let commitment = WhirCommitment {
        root,
        ood_answers: ood.iter().map(|o| o.claim.value).collect(),
    };
    Ok((
        commitment,
        WhirWitness {
            params: params.clone(),
            transposed,
            tree,
            ood,
        },
    ))
}

/// The head weight's table over all `2^k` points (zero outside its block).
fn full_head(isa: Isa, head: &Weight, k: usize) -> Vec<Ext5> {
    head.table(isa).dense(k)
}

/// `u[a] = sum_b tail(b) f[a 2^n + b]` for the `2^k` blocks of a base-field table given by
/// its block transpose restricted to the blocks `active` (`u = sum_b tail(b) row_b`, placed
/// at the active blocks; the others are zero).
fn partial_sums_of(
    isa: Isa,
    transposed: &[KoalaBear],
    k: usize,
    active: &[usize],
    tail: &Weight,
) -> Vec<Ext5> {
    let width = active.len();
    let t = tail.table(isa);
    let sums = t
        .values
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, values)| {
            let mut acc = Ext5::zero_vec(width);
            for (i, &w) in values.iter().enumerate() {
                let b = t.index(c * CHUNK + i);
                kx::axpy_base(isa, &mut acc, w, &transposed[b * width..(b + 1) * width]);
            }
            acc
        })
        .reduce(
            || Ext5::zero_vec(width),
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    *x += *y;
                }
                a
            },
        );
    let mut u = Ext5::zero_vec(1 << k);
    for (&a, &x) in active.iter().zip(&sums) {
        u[a] = x;
    }
    u
}

/// The oracle a round's queries open.
enum Queried {
    /// Round 0: the first oracle, with the committed table's block transpose if it encodes
    /// rows again (else empty).
    First {
        oracle: FirstOracle,
        transposed: Vec<KoalaBear>,
    },
    /// A later round: the oracle committed by the round before.
    Later(MerkleTree),
}

/// One claim term of the first round: `coef * sum_a head(a) u(a)`.
struct Term {
    coef: Ext5,
    head: Vec<Ext5>,
    u: Vec<Ext5>,
    tail: Weight,
}

/// `[g(0), g(2)]` of `sum_x w(x) f(x)` in the current variable (the first), for two tables
/// of equal length `2 h`.
fn round_message(isa: Isa, w: &[Ext5], f: &[Ext5]) -> [Ext5; 2] {
    let half = w.len() / 2;
    let (w_lo, w_hi) = w.split_at(half);
    let (f_lo, f_hi) = f.split_at(half);
    (0..half.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let range = c * CHUNK..((c + 1) * CHUNK).min(half);
            let g0 = kx::dot(isa, &w_lo[range.clone()], &f_lo[range.clone()]);
            let twice = |lo: &[Ext5], hi: &[Ext5]| {
                let mut d = Ext5::zero_vec(lo.len());
                kx::sub(isa, &mut d, hi, lo);
                let mut out = Ext5::zero_vec(lo.len());
                kx::add(isa, &mut out, hi, &d);
                out
            };
            let w2 = twice(&w_lo[range.clone()], &w_hi[range.clone()]);
            let f2 = twice(&f_lo[range.clone()], &f_hi[range]);
            [g0, kx::dot(isa, &w2, &f2)]
        })
        .reduce(|| [Ext5::ZERO; 2], |a, b| [a[0] + b[0], a[1] + b[1]])
}

/// Sends a round message, grinds, draws the folding challenge.
fn fold_challenge(
    isa: Isa,
    ch: &mut Challenger,
    msg: [Ext5; 2],
    pow_bits: usize,
    sumcheck: &mut Vec<[Ext5; 2]>,
    nonces: &mut Vec<KoalaBear>,
) -> Ext5 {
    ch.observe_ext(msg[0]);
    ch.observe_ext(msg[1]);
    nonces.push(ch.grind(isa, pow_bits));
    sumcheck.push(msg);
    ch.sample_ext()
}

/// The first round's `k_0` sumcheck rounds on the per-claim `2^k_0` tables.
fn first_sumcheck(
    isa: Isa,
    terms: &mut [Term],
    k: usize,
    pow_bits: usize,
    ch: &mut Challenger,
) -> (Vec<[Ext5; 2]>, Vec<KoalaBear>, Vec<Ext5>) {
    let mut sumcheck = Vec::with_capacity(k);
    let mut nonces = Vec::with_capacity(k);
    let mut alphas = Vec::with_capacity(k);
    let mut scratch = Vec::new();
    for _ in 0..k {
        let mut msg = [Ext5::ZERO; 2];
        for t in terms.iter() {
            let [g0, g2] = round_message(isa, &t.head, &t.u);
            msg[0] += t.coef * g0;
            msg[1] += t.coef * g2;
        }
        let alpha = fold_challenge(isa, ch, msg, pow_bits, &mut sumcheck, &mut nonces);
        for t in terms.iter_mut() {
            fold(isa, &mut t.head, alpha, &mut scratch);
            fold(isa, &mut t.u, alpha, &mut scratch);
        }
        alphas.push(alpha);
    }
    (sumcheck, nonces, alphas)
}

fn fold(isa: Isa, table: &mut Vec<Ext5>, r: Ext5, scratch: &mut Vec<Ext5>) {
    // The tables here always have at least one variable left (`k <= v`).
    if let Err(e) = mle::fold_first_in_place(isa, table, r, scratch) {
        unreachable!("fold of a table with a variable left: {e}");
    }
}

/// Adds `coef_q * y_q^x` to `w[x]` for every `(coef_q, y_q)` of `terms` (base-field points):
/// one pass over `w`, block by block. Per point the powers `y^0 .. y^(B-1)` of one block are
/// built once; block `c` adds them scaled by `coef y^(B c)` (one extension-by-base `axpy`).
fn accumulate_powers_base(isa: Isa, w: &mut [Ext5], terms: &[(Ext5, KoalaBear)]) {
    const BLOCK: usize = 1 << 10;
    let block = BLOCK.min(w.len());
    let powers: Vec<(Vec<KoalaBear>, KoalaBear)> = terms
        .par_iter()
        .map(|&(_, y)| {
            let mut p = Vec::with_capacity(block);
            let mut x = KoalaBear::ONE;
            for _ in 0..block {
                p.push(x);
                x *= y;
            }
            (p, x)
        })
        .collect();
    w.par_chunks_mut(block).enumerate().for_each(|(c, out)| {
        // One linear combination of the points' power runs (four at a time, one reduction
        // per four products), added to the block.
        let coeffs: Vec<Ext5> = terms
            .iter()
            .zip(&powers)
            .map(|(&(coef, _), (_, step))| coef * Ext5::from_base(step.exp_u64(c as u64)))
            .collect();
        let runs: Vec<&[KoalaBear]> = powers.iter().map(|(p, _)| &p[..out.len()]).collect();
        let mut sum = Ext5::zero_vec(out.len());
        kx::linear_combination(isa, &mut sum, &coeffs, &runs);
        for (o, s) in out.iter_mut().zip(&sum) {
            *o += *s;
        }
    });
}

/// Opens the commitment of `witness` against `claims` (each a product weight over the
/// table's `v` variables and its value), on the transcript `commit` used, and returns the
/// proof. The caller must have fixed the claims' weights before (from the transcript or the
/// statement); their values are observed here.
///
/// # Errors
/// [`WhirError::ClaimDimension`] for a claim over the wrong number of variables.
pub fn open(
    isa: Isa,
    witness: WhirWitness,
    claims: &[Claim],
    ch: &mut Challenger,
) -> Result<WhirProof, WhirError> {
    open_with_partial_sums(isa, witness, claims, vec![None; claims.len()], ch)
}

/// [`open`] with some claims' first-round partial sums given by the caller, who can compute
/// them faster from what it knows of the table (a column of a trace, say): for claim `j`,
/// `partial_sums[j] = Some(u)` with `u[a] = sum_b tail_j(b) f[a 2^(v - k_0) + b]` for every
/// `a < 2^k_0`, where `(head_j, tail_j) = weight_j.split(k_0)`
/// ([`WhirWitness::first_folding_factor`]); `None` lets the prover compute them. The proof
/// is the same as [`open`]'s when the sums are right; wrong sums make a proof that fails to
/// verify (debug builds check every given sum against the table).
///
/// # Errors
/// As [`open`]; [`WhirError::Params`] if `partial_sums` does not have one entry per claim or
/// an entry does not have `2^k_0` values.
pub fn open_with_partial_sums(
    isa: Isa,
    witness: WhirWitness,
    claims: &[Claim],
    partial_sums: Vec<Option<Vec<Ext5>>>,
    ch: &mut Challenger,
) -> Result<WhirProof, WhirError> {
    let k0 = witness.first_folding_factor();
    if partial_sums.len() != claims.len() {
        return Err(WhirError::Params {
            what: "partial_sums",
            value: partial_sums.len(),
        });
    }
    if let Some(u) = partial_sums.iter().flatten().find(|u| u.len() != 1 << k0) {
        return Err(WhirError::Params {
            what: "partial_sums[j].len()",
            value: u.len(),
        });
    }
    open_impl(
        isa,
        witness,
        claims,
        partial_sums,
        ch,
        #[cfg(feature = "forgery")]
        None,
    )
}

/// How a forged opening cheats (test-only, `forgery` feature).
#[cfg(feature = "forgery")]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Forgery {
    /// Commits oracle `round` (`>= 1`) to its honest folded table with one value changed,
    /// then continues honestly on the changed table (consistent Merkle openings, sumcheck
    /// messages of the changed table).
    FoldedTable {
        /// The oracle to forge.
        round: usize,
        /// The value changed.
        index: usize,
    },
    /// Sends the final polynomial with one value changed and continues honestly on it.
    FinalPolynomial {
        /// The value changed.
        index: usize,
    },
}

/// [`open`] with a cheat (test-only, `forgery` feature): the proof it returns must be
/// rejected.
///
/// # Errors
/// As [`open`].
#[cfg(feature = "forgery")]
pub fn open_forged(
    isa: Isa,
    witness: WhirWitness,
    claims: &[Claim],
    ch: &mut Challenger,
    forgery: Forgery,
) -> Result<WhirProof, WhirError> {
    open_impl(
        isa,
        witness,
        claims,
        vec![None; claims.len()],
        ch,
        Some(forgery),
    )
}

fn open_impl(
    isa: Isa,
    witness: WhirWitness,
    claims: &[Claim],
    partial_sums: Vec<Option<Vec<Ext5>>>,
    ch: &mut Challenger,
    #[cfg(feature = "forgery")] forgery: Option<Forgery>,
) -> Result<WhirProof, WhirError> {
    let WhirWitness {
        params,
        transposed,
        tree,
        ood,
    } = witness;
    let v = params.num_variables();
    check_claims(claims, v)?;
    for c in claims {
        ch.observe_ext(c.value);
    }
    let gamma = ch.sample_ext();

    // Round 0's sumcheck on the per-claim tables, then the folded table and the combined
    // weight, both over `v - k_0` variables.
    let r0 = &params.rounds[0];
    let k0 = r0.folding_factor;
    let active = params.first_active.as_slice();
    let mut terms = first_terms(isa, &transposed, &params, ood, claims, partial_sums, gamma);
    let (sumcheck, fold_nonces, alphas) = first_sumcheck(isa, &mut terms, k0, r0.fold_pow_bits, ch);
    let (mut f, mut w) = first_fold(isa, &transposed, k0, active, &alphas, terms)?;

    let mut rounds = Vec::with_capacity(params.rounds.len());
    // The oracle the next queries open. The table stays with the first one until its queries
    // only if its rows are to be encoded again.
    let transposed = if tree.keeps_codeword() {
        Vec::new()
    } else {
        transposed
    };
    let mut queried = Queried::First {
        oracle: tree,
        transposed,
    };
    let mut pending = Some((sumcheck, fold_nonces));
    let mut scratch = Vec::new();
    for (i, round) in params.rounds.iter().enumerate() {
        // The sumcheck folding this oracle (round 0's is done above).
        let (sumcheck, fold_nonces) = match pending.take() {
            Some(done) => done,
            None => round_sumcheck(isa, round, &mut w, &mut f, &mut scratch, ch),
        };
        let last = i + 1 == params.rounds.len();
        #[cfg(feature = "forgery")]
        match forgery {
            Some(Forgery::FoldedTable { round, index }) if round == i + 1 && !last => {
                let at = index % f.len();
                f[at] += Ext5::ONE;
            }
            Some(Forgery::FinalPolynomial { index }) if last => {
                let at = index % f.len();
                f[at] += Ext5::ONE;
            }
            _ => {}
        }
        // Commit the next oracle, or send the final polynomial.
        let next = if last {
            for &x in &f {
                ch.observe_ext(x);
            }
            None
        } else {
            Some(commit_next(isa, &params, i, &f, ch)?)
        };
        // Query the current oracle.
        let query_nonce = ch.grind(isa, round.query_pow_bits);
        let indices = sample_queries(ch, round);
        let opened = opened_leaves(&indices);
        let queries = match &mut queried {
            Queried::First { oracle, transposed } => oracle.open_multi(isa, transposed, &opened),
            Queried::Later(tree) => tree.open_multi(&opened),
        }
        .map_err(|source| WhirError::Opening { round: i, source })?;
        let next = next.map(|(commitment, tree, next_ood)| {
            combine_next_claims(isa, &mut w, &next_ood, round.log_leaves(), &indices, ch);
            queried = Queried::Later(tree);
            commitment
        });
        rounds.push(RoundProof {
            sumcheck,
            fold_nonces,
            next,
            query_nonce,
            queries,
        });
    }
    let final_polynomial = f.clone();
    let final_sumcheck = final_sumcheck(isa, params.final_variables, w, f, ch);
    Ok(WhirProof {
        rounds,
        final_polynomial,
        final_sumcheck,
    })
}

/// Round 0's terms: per initial out-of-domain claim and per claim (in that order, with the
/// coefficients `1, gamma, gamma^2, ...`), its head table over the first `k_0` variables,
/// its partial sums `u` (given, or computed from the block transpose) and its tail weight.
fn first_terms(
    isa: Isa,
    transposed: &[KoalaBear],
    params: &WhirParams,
    ood: Vec<OodClaim>,
    claims: &[Claim],
    partial_sums: Vec<Option<Vec<Ext5>>>,
    gamma: Ext5,
) -> Vec<Term> {
    let k0 = params.rounds[0].folding_factor;
    let active = params.first_active.as_slice();
    let mut coef = Ext5::ONE;
    let mut terms: Vec<Term> = Vec::with_capacity(ood.len() + claims.len());
    for o in ood {
        let (_, tail) = o.claim.weight.split(k0);
        terms.push(Term {
            coef,
            head: o.head,
            u: o.sums,
            tail,
        });
        coef *= gamma;
    }
    let parts: Vec<(Vec<Ext5>, Vec<Ext5>, Weight)> = claims
        .par_iter()
        .zip(partial_sums)
        .map(|(c, given)| {
            let (head, tail) = c.weight.split(k0);
            let u = match given {
                Some(u) => {
                    debug_assert_eq!(u, partial_sums_of(isa, transposed, k0, active, &tail));
                    u
                }
                None => partial_sums_of(isa, transposed, k0, active, &tail),
            };
            (full_head(isa, &head, k0), u, tail)
        })
        .collect();
    for (head, u, tail) in parts {
        terms.push(Term {
            coef,
            head,
            u,
            tail,
        });
        coef *= gamma;
    }
    terms
}

/// After round 0's sumcheck at `alphas`: the folded table `f(alphas, .)` (one `dot_base` of
/// `eq(alphas, .)` over the active blocks per row of the block transpose) and the combined
/// weight `sum coef head(alphas) tail(.)`.
///
/// # Errors
/// [`WhirError::Params`] if `k_0` is too large for an eq table.
fn first_fold(
    isa: Isa,
    transposed: &[KoalaBear],
    k0: usize,
    active: &[usize],
    alphas: &[Ext5],
    terms: Vec<Term>,
) -> Result<(Vec<Ext5>, Vec<Ext5>), WhirError> {
    let eq = mle::eq_table(isa, alphas).map_err(|_| WhirError::Params {
        what: "folding_factor",
        value: k0,
    })?;
    let eq: Vec<Ext5> = active.iter().map(|&a| eq[a]).collect();
    let width = active.len();
    let rows = transposed.len() / width.max(1);
    let mut f = Ext5::zero_vec(rows);
    f.par_chunks_mut(CHUNK)
        .zip(transposed.par_chunks(CHUNK * width))
        .for_each(|(out, rows)| {
            for (o, row) in out.iter_mut().zip(rows.chunks_exact(width)) {
                *o = kx::dot_base(isa, &eq, row);
            }
        });
    let mut w = Ext5::zero_vec(rows);
    let scaled: Vec<(Ext5, &Weight)> = terms
        .iter()
        .map(|t| (t.coef * t.head[0], &t.tail))
        .collect();
    Weight::accumulate_all(isa, &scaled, &mut w);
    Ok((f, w))
}

/// A later round's sumcheck: `folding_factor` rounds on `w` and `f`, each message observed,
/// its challenge ground for, both tables folded.
fn round_sumcheck(
    isa: Isa,
    round: &RoundParams,
    w: &mut Vec<Ext5>,
    f: &mut Vec<Ext5>,
    scratch: &mut Vec<Ext5>,
    ch: &mut Challenger,
) -> (Vec<[Ext5; 2]>, Vec<KoalaBear>) {
    let mut sumcheck = Vec::with_capacity(round.folding_factor);
    let mut nonces = Vec::with_capacity(round.folding_factor);
    for _ in 0..round.folding_factor {
        let msg = round_message(isa, w, f);
        let alpha = fold_challenge(
            isa,
            ch,
            msg,
            round.fold_pow_bits,
            &mut sumcheck,
            &mut nonces,
        );
        fold(isa, w, alpha, scratch);
        fold(isa, f, alpha, scratch);
    }
    (sumcheck, nonces)
}

/// Commits round `i + 1`'s oracle (the folded table `f` encoded), observes its root, draws
/// its out-of-domain points and observes the answers; returns the commitment, the tree and
/// the out-of-domain claims.
///
/// # Errors
/// [`WhirError::Tree`] if the codeword's shape is refused.
fn commit_next(
    isa: Isa,
    params: &WhirParams,
    i: usize,
    f: &[Ext5],
    ch: &mut Challenger,
) -> Result<(OracleCommitment, MerkleTree, Vec<Claim>), WhirError> {
    let folded_vars = params.rounds[i].folded_variables();
    let nr = &params.rounds[i + 1];
    let shape = Shape::new(5, folded_vars, nr.folding_factor, nr.log_inv_rate);
    let codeword = encode::encode(isa, &encode::flatten(f), shape);
    let tree =
        MerkleTree::from_rows(isa, codeword, shape.width).map_err(|source| WhirError::Tree {
            round: i + 1,
            source,
        })?;
    let root = tree.root();
    ch.observe_digest(&root);
    let mut answers = Vec::with_capacity(nr.ood_samples);
    let mut claims = Vec::with_capacity(nr.ood_samples);
    for _ in 0..nr.ood_samples {
        let z = ch.sample_ext();
        let weight = Weight::power(z, folded_vars);
        let value = weight.table(isa).dot(isa, f);
        ch.observe_ext(value);
        answers.push(value);
        claims.push(Claim { weight, value });
    }
    let commitment = OracleCommitment {
        root,
        ood_answers: answers,
    };
    Ok((commitment, tree, claims))
}

/// Samples `gamma` and adds the next oracle's claims to the weight `w` with coefficients
/// `gamma, gamma^2, ...`: its out-of-domain claims, then the queried points' power weights
/// (their values, the fold values of the opened leaves, are the verifier's to compute).
fn combine_next_claims(
    isa: Isa,
    w: &mut [Ext5],
    next_ood: &[Claim],
    log_leaves: usize,
    indices: &[usize],
    ch: &mut Challenger,
) {
    let gamma = ch.sample_ext();
    let mut coef = gamma;
    for c in next_ood {
        c.weight.accumulate(isa, coef, w);
        coef *= gamma;
    }
    let mut terms = Vec::with_capacity(indices.len());
    for &q in indices {
        terms.push((coef, domain_point(log_leaves, q)));
        coef *= gamma;
    }
    accumulate_powers_base(isa, w, &terms);
}

/// The final sumcheck over the final polynomial's `variables` variables.
fn final_sumcheck(
    isa: Isa,
    variables: usize,
    mut w: Vec<Ext5>,
    mut f: Vec<Ext5>,
    ch: &mut Challenger,
) -> Vec<[Ext5; 2]> {
    let mut scratch = Vec::new();
    let mut messages = Vec::with_capacity(variables);
    for _ in 0..variables {
        let msg = round_message(isa, &w, &f);
        ch.observe_ext(msg[0]);
        ch.observe_ext(msg[1]);
        messages.push(msg);
        let r = ch.sample_ext();
        fold(isa, &mut w, r, &mut scratch);
        fold(isa, &mut f, r, &mut scratch);
    }
    messages
}
