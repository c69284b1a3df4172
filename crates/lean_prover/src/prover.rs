//! The prover: commitments, LogUp auxiliary traces, quotients, DEEP openings and batched FRI.

use crate::air::{Air, Challenges, Direction};
use crate::eval::{self, Domain, Val};
use crate::fri::{self, Folder};
use crate::layout::{
    DeepCoeffs, Layout, StatementError, TableInstance, TableLayout, TableWitness, dot_cols,
    ext_base_cols, observe_openings, recombine, start_transcript,
};
use crate::lookup::{self, PublicLookup};
use crate::params::StarkParams;
use crate::proof::{Proof, TableOpenings};
use backend::field::Ext5;
use backend::kernels::{self, ext};
use backend::merkle::{Matrix, MerkleError, MerkleTree};
use backend::ntt::{self, Order};
use backend::{Isa, KoalaBear};
use rayon::prelude::*;

/// Prover switches.
#[derive(Copy, Clone, Debug)]
pub struct ProverOptions {
    /// The instruction set for every kernel (the proof bytes do not depend on it).
    pub isa: Isa,
    /// Skip the prover's own witness checks (constraints on the trace, bus balance). Only
    /// for soundness tests: the resulting proof must then be rejected by the verifier.
    #[doc(hidden)]
    pub skip_witness_checks: bool,
}

impl Default for ProverOptions {
    fn default() -> Self {
        Self {
            isa: Isa::current(),
            skip_witness_checks: false,
        }
    }
}

/// Why no proof was produced.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ProveError {
    /// The statement or parameters are invalid.
    #[error(transparent)]
    Statement(#[from] StatementError),
    /// A constraint fails on a row of the witness.
    #[error("table {table}: constraint {constraint} fails on row {row}")]
    ConstraintFailed {
        /// Table index.
        table: usize,
        /// Constraint index.
        constraint: usize,
        /// First failing row.
        row: usize,
    },
    /// The buses do not balance: the LogUp sums plus the public contributions (public
    /// interactions and public lookup lists) are not zero, or one of the public denominators
    /// vanished.
    #[error("bus interactions do not balance")]
    BusUnbalanced,
    /// A LogUp denominator vanished (probability about rows / 2^155).
    #[error("LogUp denominator is zero in table {0}")]
    ZeroDenominator(usize),
    /// The out-of-domain point fell in the base field (probability about 2^-124).
    #[error("out-of-domain point in the base field")]
    DegenerateChallenge,
    /// A commitment failed (an internal error).
    #[error("commitment: {0}")]
    Merkle(#[from] MerkleError),
}

/// Proves the tables with [`ProverOptions::default`].
///
/// # Errors
/// See [`ProveError`].
pub fn prove(params: &StarkParams, tables: &[TableWitness<'_>]) -> Result<Proof, ProveError> {
    prove_with(params, tables, &ProverOptions::default())
}

/// Selector values on the trace domain `H` (natural order): the exact values of the
/// unnormalised selector polynomials.
fn trace_selectors(log_n: usize) -> [Vec<KoalaBear>; 3] {
    let n = 1usize << log_n;
    let w = KoalaBear::two_adic_generator(log_n);
    let w_inv = w.try_inverse().unwrap_or(KoalaBear::ONE);
    let nf = KoalaBear::new(n as u32);
    let mut first = vec![KoalaBear::ZERO; n];
    first[0] = nf;
    let mut last = vec![KoalaBear::ZERO; n];
    last[n - 1] = nf * w;
    let trans = w.powers(n).into_iter().map(|x| x - w_inv).collect();
    [first, last, trans]
}

/// Points, `1 / Z_H` and selectors on the quotient domain `shift * K`, `|K| = n Q`.
struct QuotientDomain {
    inv_zh: Vec<KoalaBear>,
    first: Vec<KoalaBear>,
    last: Vec<KoalaBear>,
    trans: Vec<KoalaBear>,
}

fn quotient_domain(isa: Isa, log_n: usize, log_q: usize, shift: KoalaBear) -> QuotientDomain {
    let size = 1usize << (log_n + log_q);
    let q = 1usize << log_q;
    let wk = KoalaBear::two_adic_generator(log_n + log_q);
    let w_inv = KoalaBear::two_adic_generator(log_n)
        .try_inverse()
        .unwrap_or(KoalaBear::ONE);
    let mut xs = wk.powers(size);
    kernels::scale_assign(isa, &mut xs, shift);
    // Z_H(x_j) = shift^n w_Q^j - 1 depends on j mod Q only.
    let shift_n = shift.exp_u64(1 << log_n);
    let wq = KoalaBear::two_adic_generator(log_q);
    let zh: Vec<KoalaBear> = wq
        .powers(q)
        .into_iter()
        .map(|x| shift_n * x - KoalaBear::ONE)
        .collect();
    let inv_zh_q = kernels::batch_inverse_vec(isa, &zh);
    let zh_full: Vec<KoalaBear> = (0..size).map(|j| zh[j % q]).collect();
    let inv_zh = (0..size).map(|j| inv_zh_q[j % q]).collect();
    let xm1: Vec<KoalaBear> = xs.iter().map(|&x| x - KoalaBear::ONE).collect();
    let trans: Vec<KoalaBear> = xs.iter().map(|&x| x - w_inv).collect();
    let mut first = kernels::batch_inverse_vec(isa, &xm1);
    kernels::mul_assign(isa, &mut first, &zh_full);
    let mut last = kernels::batch_inverse_vec(isa, &trans);
    kernels::mul_assign(isa, &mut last, &zh_full);
    QuotientDomain {
        inv_zh,
        first,
        last,
        trans,
    }
}

/// `out[c] = sum_j weights[j] * matrix[j][c]` for a row-major matrix.
fn combine_rows(isa: Isa, weights: &[Ext5], matrix: &[KoalaBear], width: usize) -> Vec<Ext5> {
    const BLOCK: usize = 1024;
    let partials: Vec<Vec<Ext5>> = weights
        .par_chunks(BLOCK)
        .zip(matrix.par_chunks(BLOCK * width))
        .map(|(w, m)| {
            let rows: Vec<&[KoalaBear]> = m.chunks(width).collect();
            let mut out = vec![Ext5::ZERO; width];
            ext::linear_combination(isa, &mut out, w, &rows);
            out
        })
        .collect();
    let mut out = vec![Ext5::ZERO; width];
    for p in partials {
        for (o, x) in out.iter_mut().zip(p) {
            *o += x;
        }
    }
    out
}

/// The columns `cols` of a row-major matrix of width `width`, as a row-major matrix.
fn select_columns(matrix: &[KoalaBear], width: usize, cols: &[usize]) -> Vec<KoalaBear> {
    if cols.is_empty() {
        return Vec::new();
    }
    if cols.len() == width {
        return matrix.to_vec();
    }
    matrix
        .chunks_exact(width)
        .flat_map(|row| cols.iter().map(move |&c| row[c]))
        .collect()
}

/// Evaluates the columns of a trace given on `H` (natural order) at `zeta` (barycentric).
fn eval_trace_at(
    isa: Isa,
    trace: &[KoalaBear],
    width: usize,
    log_n: usize,
    zeta: Ext5,
) -> Vec<Ext5> {
    if width == 0 {
        return Vec::new();
    }
    let n = 1usize << log_n;
    let w = KoalaBear::two_adic_generator(log_n);
    let pts = w.powers(n);
    let den: Vec<Ext5> = pts.iter().map(|&x| zeta - Ext5::from_base(x)).collect();
    let inv = ext::batch_inverse_vec(isa, &den);
    let scale = (zeta.exp_u64(n as u64) - Ext5::ONE)
        * KoalaBear::new(n as u32)
            .try_inverse()
            .unwrap_or(KoalaBear::ONE);
    let mut weights = vec![Ext5::ZERO; n];
    ext::mul_base(isa, &mut weights, &inv, &pts);
    let scaled = weights.clone();
    ext::scale(isa, &mut weights, &scaled, scale);
    combine_rows(isa, &weights, trace, width)
}

/// The rows of a bit-reversed LDE that form the quotient domain, in natural order; or a
/// fresh LDE when the quotient domain is larger than the committed one.
#[allow(clippy::too_many_arguments)]
fn on_quotient_domain(
    isa: Isa,
    lde: &[KoalaBear],
    trace: &[KoalaBear],
    width: usize,
    log_n: usize,
    log_q: usize,
    log_inv_rate: usize,
    shift: KoalaBear,
) -> Vec<KoalaBear> {
    if width == 0 {
        return Vec::new();
    }
    if log_q <= log_inv_rate {
        let rows = 1usize << (log_n + log_q);
        let mut v = lde[..rows * width].to_vec();
        ntt::bit_reverse_rows(&mut v, width);
        v
    } else {
        ntt::coset_lde(isa, trace, width, log_q, shift, Order::Natural)
    }
}

struct AuxTrace {
    /// `n x 5 num_aux` row-major.
    trace: Vec<KoalaBear>,
    total: Ext5,
}

/// `1 / 2^log_n` in the field.
pub(crate) fn inv_height(log_n: usize) -> KoalaBear {
    KoalaBear::new(1u32 << log_n)
        .try_inverse()
        .unwrap_or(KoalaBear::ONE)
}

/// Builds the LogUp auxiliary trace of one table.
fn aux_trace(
    isa: Isa,
    air: &Air,
    table: usize,
    trace: &[KoalaBear],
    log_n: usize,
    publics: &[KoalaBear],
    challenges: Challenges,
) -> Result<AuxTrace, ProveError> {
    let n = 1usize << log_n;
    let [first, last, trans] = trace_selectors(log_n);
    let dom = Domain {
        main: trace,
        width: air.width(),
        aux: &[],
        num_aux: 0,
        height: n,
        next_step: 1,
        is_first: &first,
        is_last: &last,
        is_transition: &trans,
        publics,
        challenges,
    };
    let roots: Vec<u32> = air
        .interactions
        .iter()
        .flat_map(|i| [i.denominator, i.multiplicity])
        .collect();
    let chunks = eval::eval_domain(isa, air, &dom, &roots, |_, len, vals| {
        vals.iter()
            .map(|v| match v {
                Val::BaseC(c) => vec![Ext5::from_base(*c); len],
                Val::ExtC(c) => vec![*c; len],
                Val::Base(b) => b.iter().map(|x| Ext5::from_base(*x)).collect(),
                Val::Ext(e) => e.clone(),
            })
            .collect::<Vec<_>>()
    });
    let groups = air.interaction_groups();
    let num_aux = groups.len();
    let w = 5 * num_aux;
    let mut out = vec![KoalaBear::ZERO; n * w];
    // Column j < num_aux - 1 holds the sum of its group's fractions; `running` the row sum
    // of every fraction.
    let mut columns = vec![vec![Ext5::ZERO; n]; num_aux - 1];
    let mut running = vec![Ext5::ZERO; n];
    for (j, group) in groups.iter().enumerate() {
        for &i in group {
            let den: Vec<Ext5> = chunks
                .iter()
                .flat_map(|c| c[2 * i].iter().copied())
                .collect();
            let mult: Vec<Ext5> = chunks
                .iter()
                .flat_map(|c| c[2 * i + 1].iter().copied())
                .collect();
            if den.contains(&Ext5::ZERO) {
                return Err(ProveError::ZeroDenominator(table));
            }
            let inv = ext::batch_inverse_vec(isa, &den);
            let mut h = vec![Ext5::ZERO; n];
            ext::mul(isa, &mut h, &inv, &mult);
            if air.interactions[i].direction == Direction::Receive {
                h.iter_mut().for_each(|x| *x = -*x);
            }
            if let Some(col) = columns.get_mut(j) {
                col.iter_mut().zip(&h).for_each(|(c, x)| *c += *x);
            }
            running.iter_mut().zip(&h).for_each(|(c, x)| *c += *x);
        }
    }
    for (j, col) in columns.iter().enumerate() {
        for (r, v) in col.iter().enumerate() {
            out[r * w + 5 * j..r * w + 5 * j + 5].copy_from_slice(v.coeffs());
        }
    }
    // s_0 = 0, s_(r+1) = s_r + (row sum)_r - total / n: the cyclic running-sum constraint.
    let total: Ext5 = running.iter().copied().sum();
    let per_row = total * inv_height(log_n);
    let mut s = Ext5::ZERO;
    for (r, d) in running.iter().enumerate() {
        out[r * w + w - 5..r * w + w].copy_from_slice(s.coeffs());
        s += *d - per_row;
    }
    Ok(AuxTrace { trace: out, total })
}

/// The verifier-computed contributions of an AIR's public interactions.
pub(crate) fn public_contribution(
    air: &Air,
    publics: &[KoalaBear],
    challenges: Challenges,
) -> Option<Ext5> {
    if air.public_interactions.is_empty() {
        return Some(Ext5::ZERO);
    }
    let p = eval::PointValues {
        main: &[],
        main_next: &[],
        aux: &[],
        aux_next: &[],
        publics,
        challenges,
        is_first: Ext5::ZERO,
        is_last: Ext5::ZERO,
        is_transition: Ext5::ZERO,
    };
    let vals = eval::eval_point(air, &p);
    let mut sum = Ext5::ZERO;
    for it in &air.public_interactions {
        let d = *vals.get(it.denominator as usize)?;
        let m = *vals.get(it.multiplicity as usize)?;
        let term = m * d.try_inverse()?;
        match it.direction {
            Direction::Send => sum += term,
            Direction::Receive => sum -= term,
        }
    }
    Some(sum)
}

/// Checks the caller's constraints on every row of the trace.
fn check_constraints(
    isa: Isa,
    air: &Air,
    table: usize,
    trace: &[KoalaBear],
    log_n: usize,
    publics: &[KoalaBear],
) -> Result<(), ProveError> {
    let [first, last, trans] = trace_selectors(log_n);
    let dom = Domain {
        main: trace,
        width: air.width(),
        aux: &[],
        num_aux: 0,
        height: 1 << log_n,
        next_step: 1,
        is_first: &first,
        is_last: &last,
        is_transition: &trans,
        publics,
        challenges: Challenges::default(),
    };
    let roots = &air.constraints[..air.num_user_constraints()];
    let failures = eval::eval_domain(isa, air, &dom, roots, |start, len, vals| {
        vals.iter().enumerate().find_map(|(ci, v)| {
            if eval::is_zero(v) {
                return None;
            }
            let row = match v {
                Val::Base(b) => b.iter().position(|x| *x != KoalaBear::ZERO),
                Val::Ext(e) => e.iter().position(|x| *x != Ext5::ZERO),
                _ => Some(0),
            };
            Some((ci, start + row.unwrap_or(0).min(len)))
        })
    });
    if let Some((constraint, row)) = failures.into_iter().flatten().min_by_key(|f| f.1) {
        return Err(ProveError::ConstraintFailed {
            table,
            constraint,
            row,
        });
    }
    Ok(())
}

/// Flattens extension elements to their coordinates.
fn flatten(v: &[Ext5]) -> Vec<KoalaBear> {
    v.iter().flat_map(|e| *e.coeffs()).collect()
}

/// Quotient of one table: returns `(coefficients n x 5Q, LDE nB x 5Q bit-reversed)`.
#[allow(clippy::too_many_arguments)]
fn quotient(
    isa: Isa,
    params: &StarkParams,
    air: &Air,
    tl: &TableLayout,
    log_max: usize,
    main_q: &[KoalaBear],
    aux_q: &[KoalaBear],
    publics: &[KoalaBear],
    challenges: Challenges,
    alpha: Ext5,
) -> (Vec<KoalaBear>, Vec<KoalaBear>) {
    let log_n = tl.log_height;
    // The quotient has degree below `chunks * n` (for a satisfied AIR) and is computed on a
    // power-of-two multiple of `n`; only the first `chunks` chunks are kept.
    let q = tl.chunks;
    let log_q = q.next_power_of_two().trailing_zeros() as usize;
    let shift = tl.shift(log_max);
    let qd = quotient_domain(isa, log_n, log_q, shift);
    let size = 1usize << (log_n + log_q);
    let dom = Domain {
        main: main_q,
        width: tl.width,
        aux: aux_q,
        num_aux: tl.num_aux,
        height: size,
        next_step: 1 << log_q,
        is_first: &qd.first,
        is_last: &qd.last,
        is_transition: &qd.trans,
        publics,
        challenges,
    };
    let alpha_pows = alpha.powers(air.constraints.len());
    let chunks = eval::eval_domain(isa, air, &dom, &air.constraints, |start, len, vals| {
        let mut acc = vec![Ext5::ZERO; len];
        for (v, a) in vals.iter().zip(&alpha_pows) {
            eval::axpy_val(isa, &mut acc, *a, v);
        }
        let mut out = vec![Ext5::ZERO; len];
        ext::mul_base(isa, &mut out, &acc, &qd.inv_zh[start..start + len]);
        out
    });
    let evals: Vec<Ext5> = chunks.into_iter().flatten().collect();
    // Coefficients of q: inverse NTT of q(shift w^j), then divide coefficient k by shift^k.
    let mut coeffs = flatten(&evals);
    ntt::inverse(isa, &mut coeffs, 5);
    let shift_inv = shift.try_inverse().unwrap_or(KoalaBear::ONE);
    scale_rows_by_powers(&mut coeffs, 5, shift_inv);
    // Chunk i = coefficients [i n, (i + 1) n): matrix n x 5Q, chunk i in columns 5i..5i+5.
    let n = 1usize << log_n;
    let w = 5 * q;
    let mut chunk_coeffs = vec![KoalaBear::ZERO; n * w];
    for i in 0..q {
        for k in 0..n {
            let src = &coeffs[(i * n + k) * 5..(i * n + k) * 5 + 5];
            chunk_coeffs[k * w + 5 * i..k * w + 5 * i + 5].copy_from_slice(src);
        }
    }
    // LDE from coefficients: pad, multiply row k by shift^k, forward NTT to bit-reversed.
    let big = n << params.log_inv_rate;
    let mut lde = vec![KoalaBear::ZERO; big * w];
    lde[..n * w].copy_from_slice(&chunk_coeffs);
    scale_rows_by_powers(&mut lde[..n * w], w, shift);
    ntt::forward_to_bit_reversed(isa, &mut lde, w);
    (chunk_coeffs, lde)
}

/// Multiplies row `k` of a row-major matrix by `s^k`.
fn scale_rows_by_powers(m: &mut [KoalaBear], width: usize, s: KoalaBear) {
    const BLOCK: usize = 1024;
    m.par_chunks_mut(BLOCK * width)
        .enumerate()
        .for_each(|(b, rows)| {
            let mut p = s.exp_u64((b * BLOCK) as u64);
            for row in rows.chunks_mut(width) {
                row.iter_mut().for_each(|x| *x *= p);
                p *= s;
            }
        });
}

/// The points of an LDE of height `2^log_h` in bit-reversed order.
fn bit_reversed_points(log_h: usize, log_max: usize) -> Vec<KoalaBear> {
    let mut xs = KoalaBear::two_adic_generator(log_h).powers(1 << log_h);
    let shift = fri::shift_for(log_h, log_max);
    xs.par_iter_mut().for_each(|x| *x *= shift);
    ntt::bit_reverse_rows(&mut xs, 1);
    xs
}

/// The DEEP coefficients at `z w` of one committed matrix.
enum NextCoeffs<'a> {
    /// No column is opened at `z w`.
    None,
    /// One coefficient per column (zero for the columns not opened at `z w`).
    Dense(Vec<Ext5>),
    /// Coefficients of a few columns.
    Sparse(&'a [Ext5], &'a [usize]),
}

impl<'a> NextCoeffs<'a> {
    /// Coefficients `coeffs[k]` of the columns `cols[k]` of a matrix of width `width`: dense
    /// (one SIMD dot product per row) when at least a quarter of the columns are opened.
    fn new(coeffs: &'a [Ext5], cols: &'a [usize], width: usize) -> NextCoeffs<'a> {
        if cols.is_empty() {
            NextCoeffs::None
        } else if 4 * cols.len() >= width {
            let mut dense = vec![Ext5::ZERO; width];
            for (c, &j) in coeffs.iter().zip(cols) {
                dense[j] = *c;
            }
            NextCoeffs::Dense(dense)
        } else {
            NextCoeffs::Sparse(coeffs, cols)
        }
    }
}

/// A committed matrix with its DEEP coefficients at `z` and `z w`.
type DeepMatrix<'a> = (&'a [KoalaBear], usize, &'a [Ext5], NextCoeffs<'a>);

/// Proves the tables: see the crate documentation for the protocol. Same as
/// [`prove_with_lookups`] without public lookup lists.
///
/// # Errors
/// See [`ProveError`]. Unless `options.skip_witness_checks`, a witness that violates a
/// constraint or unbalances a bus is reported here instead of producing a proof.
pub fn prove_with(
    params: &StarkParams,
    tables: &[TableWitness<'_>],
    options: &ProverOptions,
) -> Result<Proof, ProveError> {
    prove_with_lookups(params, tables, &[], options)
}

/// Proves the tables together with public lookup lists ([`PublicLookup`]): tuples the
/// verifier puts on the buses itself, which the tables' interactions must balance. See the
/// crate documentation for the protocol.
///
/// # Errors
/// See [`ProveError`]; malformed lists are a [`StatementError`]. Unless
/// `options.skip_witness_checks`, a witness that violates a constraint or unbalances a bus
/// (the lists included) is reported here instead of producing a proof.
pub fn prove_with_lookups(
    params: &StarkParams,
    tables: &[TableWitness<'_>],
    lookups: &[PublicLookup<'_>],
    options: &ProverOptions,
) -> Result<Proof, ProveError> {
    let isa = options.isa;
    let mut instances: Vec<TableInstance<'_>> = Vec::with_capacity(tables.len());
    for (t, tw) in tables.iter().enumerate() {
        instances.push(tw.instance().ok_or(StatementError::TraceShape(t))?);
    }
    let layout = Layout::new(params, &instances, lookups)?;
    let log_max = layout.log_max;
    let mut ch = start_transcript(params, &instances, lookups);

    if !options.skip_witness_checks {
        for (t, (tw, tl)) in tables.iter().zip(&layout.tables).enumerate() {
            check_constraints(isa, tw.air, t, tw.trace, tl.log_height, tw.public_values)?;
        }
    }

    // 1. Main traces.
    let main_ldes: Vec<Matrix> = tables
        .iter()
        .zip(&layout.tables)
        .map(|(tw, tl)| {
            let lde = ntt::coset_lde(
                isa,
                tw.trace,
                tl.width,
                params.log_inv_rate,
                tl.shift(log_max),
                Order::BitReversed,
            );
            Matrix::new(lde, tl.width)
        })
        .collect();
    let main_tree = MerkleTree::new(isa, main_ldes)?;
    ch.observe_digest(&main_tree.root());

    // 2. LogUp auxiliary traces.
    let any_aux = layout.aux_log_max.is_some();
    // Grinding before the bus challenges (nothing when no bus challenge is drawn).
    let bus_pow_nonce = if layout.bus_challenges {
        ch.grind(isa, params.bus_pow_bits)
    } else {
        KoalaBear::ZERO
    };
    let mut challenges = Challenges::default();
    let mut aux_traces: Vec<Option<AuxTrace>> = Vec::with_capacity(tables.len());
    let mut aux_tree = None;
    let mut claimed_sums = Vec::new();
    if any_aux {
        challenges.bus_alpha = ch.sample_ext();
        challenges.bus_beta = ch.sample_ext();
        let mut mats = Vec::new();
        for (t, (tw, tl)) in tables.iter().zip(&layout.tables).enumerate() {
            if tl.num_aux == 0 {
                aux_traces.push(None);
                continue;
            }
            let a = aux_trace(
                isa,
                tw.air,
                t,
                tw.trace,
                tl.log_height,
                tw.public_values,
                challenges,
            )?;
            let lde = ntt::coset_lde(
                isa,
                &a.trace,
                5 * tl.num_aux,
                params.log_inv_rate,
                tl.shift(log_max),
                Order::BitReversed,
            );
            mats.push(Matrix::new(lde, 5 * tl.num_aux));
            claimed_sums.push(a.total);
            aux_traces.push(Some(a));
        }
        let tree = MerkleTree::new(isa, mats)?;
        ch.observe_digest(&tree.root());
        for s in &claimed_sums {
            ch.observe_ext(*s);
        }
        aux_tree = Some(tree);
    } else {
        if layout.bus_challenges {
            // Only public interactions or lists: the challenges, but no auxiliary trace.
            challenges.bus_alpha = ch.sample_ext();
            challenges.bus_beta = ch.sample_ext();
        }
        aux_traces.resize_with(tables.len(), || None);
    }
    if !options.skip_witness_checks {
        let mut total: Ext5 = claimed_sums.iter().copied().sum();
        total += lookup::contribution(isa, lookups, challenges.bus_alpha, challenges.bus_beta)
            .ok_or(ProveError::BusUnbalanced)?;
        for tw in tables {
            total += public_contribution(tw.air, tw.public_values, challenges)
                .ok_or(ProveError::BusUnbalanced)?;
        }
        if total != Ext5::ZERO {
            return Err(ProveError::BusUnbalanced);
        }
    }

    // 3. Quotients.
    let alpha = ch.sample_ext();
    let mut quotient_coeffs = Vec::with_capacity(tables.len());
    let mut quotient_ldes = Vec::with_capacity(tables.len());
    let aux_matrices = aux_tree.as_ref().map(|t| t.matrices());
    for (t, (tw, tl)) in tables.iter().zip(&layout.tables).enumerate() {
        let log_q = tl.chunks.next_power_of_two().trailing_zeros() as usize;
        let shift = tl.shift(log_max);
        let main_q = on_quotient_domain(
            isa,
            main_tree.matrices()[t].values(),
            tw.trace,
            tl.width,
            tl.log_height,
            log_q,
            params.log_inv_rate,
            shift,
        );
        let aux_q = match (tl.aux_index, &aux_traces[t], aux_matrices) {
            (Some(ai), Some(a), Some(m)) => on_quotient_domain(
                isa,
                m[ai].values(),
                &a.trace,
                5 * tl.num_aux,
                tl.log_height,
                log_q,
                params.log_inv_rate,
                shift,
            ),
            _ => Vec::new(),
        };
        let mut tc = challenges;
        if let Some(a) = &aux_traces[t] {
            tc.claimed_sum_per_row = a.total * inv_height(tl.log_height);
        }
        let (coeffs, lde) = quotient(
            isa,
            params,
            tw.air,
            tl,
            log_max,
            &main_q,
            &aux_q,
            tw.public_values,
            tc,
            alpha,
        );
        quotient_coeffs.push(coeffs);
        quotient_ldes.push(Matrix::new(lde, 5 * tl.chunks));
    }
    let quotient_tree = MerkleTree::new(isa, quotient_ldes)?;
    ch.observe_digest(&quotient_tree.root());

    // 4. Out-of-domain openings.
    let z = ch.sample_ext();
    if z.as_base().is_some() {
        return Err(ProveError::DegenerateChallenge);
    }
    let mut openings = Vec::with_capacity(tables.len());
    for (t, (tw, tl)) in tables.iter().zip(&layout.tables).enumerate() {
        let w = KoalaBear::two_adic_generator(tl.log_height);
        let zn = z * w;
        let main = eval_trace_at(isa, tw.trace, tl.width, tl.log_height, z);
        let next_trace = select_columns(tw.trace, tl.width, &tl.main_next);
        let main_next = eval_trace_at(isa, &next_trace, tl.main_next.len(), tl.log_height, zn);
        let (aux, aux_next) = match &aux_traces[t] {
            Some(a) => {
                let w5 = 5 * tl.num_aux;
                let az = eval_trace_at(isa, &a.trace, w5, tl.log_height, z);
                let next_cols = ext_base_cols(&tl.aux_next);
                let next_aux = select_columns(&a.trace, w5, &next_cols);
                let an = eval_trace_at(isa, &next_aux, next_cols.len(), tl.log_height, zn);
                (
                    az.chunks(5).map(recombine).collect(),
                    an.chunks(5).map(recombine).collect(),
                )
            }
            None => (Vec::new(), Vec::new()),
        };
        let n = 1usize << tl.log_height;
        let zpows = z.powers(n);
        let qz = combine_rows(isa, &zpows, &quotient_coeffs[t], 5 * tl.chunks);
        let quotient = qz.chunks(5).map(recombine).collect();
        openings.push(TableOpenings {
            main,
            main_next,
            aux,
            aux_next,
            quotient,
        });
    }
    observe_openings(&mut ch, isa, &openings);

    // 5. DEEP batching into one FRI input per LDE height.
    // One independent coefficient per (polynomial, point) term.
    let gamma_pows = ch.sample_ext_batch(isa, layout.total_terms);
    let mut inputs: Vec<(usize, Vec<Ext5>)> = Vec::new();
    for &log_h in &layout.input_logs {
        let size = 1usize << log_h;
        let mut s_z = vec![Ext5::ZERO; size];
        let mut s_n = vec![Ext5::ZERO; size];
        let (mut v_z, mut v_n) = (Ext5::ZERO, Ext5::ZERO);
        let mut log_n = 0;
        for (t, tl) in layout.tables.iter().enumerate() {
            if tl.log_lde != log_h {
                continue;
            }
            log_n = tl.log_height;
            let dc = DeepCoeffs::new(tl, &gamma_pows);
            let (a, b) = dc.claimed(&openings[t]);
            v_z += a;
            v_n += b;
            let aux_next_cols = ext_base_cols(&tl.aux_next);
            let mut mats: Vec<DeepMatrix<'_>> = vec![(
                main_tree.matrices()[t].values(),
                tl.width,
                &dc.main_z,
                NextCoeffs::new(&dc.main_next, &tl.main_next, tl.width),
            )];
            if let (Some(ai), Some(m)) = (tl.aux_index, aux_matrices) {
                mats.push((
                    m[ai].values(),
                    5 * tl.num_aux,
                    &dc.aux_z,
                    NextCoeffs::new(&dc.aux_next, &aux_next_cols, 5 * tl.num_aux),
                ));
            }
            mats.push((
                quotient_tree.matrices()[t].values(),
                5 * tl.chunks,
                &dc.quot_z,
                NextCoeffs::None,
            ));
            for (m, width, cz, cn) in mats {
                s_z.par_iter_mut()
                    .zip(s_n.par_iter_mut())
                    .zip(m.par_chunks(width))
                    .for_each(|((a, b), row)| {
                        *a += ext::dot_base(isa, cz, row);
                        match &cn {
                            NextCoeffs::None => {}
                            NextCoeffs::Dense(c) => *b += ext::dot_base(isa, c, row),
                            NextCoeffs::Sparse(c, cols) => *b += dot_cols(c, cols, row),
                        }
                    });
            }
        }
        let zn = z * KoalaBear::two_adic_generator(log_n);
        let xs = bit_reversed_points(log_h, log_max);
        let dz: Vec<Ext5> = xs.par_iter().map(|&x| Ext5::from_base(x) - z).collect();
        let dn: Vec<Ext5> = xs.par_iter().map(|&x| Ext5::from_base(x) - zn).collect();
        let iz = ext::batch_inverse_vec(isa, &dz);
        let inn = ext::batch_inverse_vec(isa, &dn);
        s_z.par_iter_mut().for_each(|v| *v -= v_z);
        s_n.par_iter_mut().for_each(|v| *v -= v_n);
        let mut g = vec![Ext5::ZERO; size];
        ext::mul(isa, &mut g, &s_z, &iz);
        let mut h = vec![Ext5::ZERO; size];
        ext::mul(isa, &mut h, &s_n, &inn);
        let g_copy = g.clone();
        ext::add(isa, &mut g, &g_copy, &h);
        inputs.push((log_h, g));
    }

    // 6. FRI commit phase.
    let mut inputs = inputs.into_iter().peekable();
    let (_, mut f) = inputs.next().unwrap_or((0, Vec::new()));
    let mut fri_trees = Vec::with_capacity(layout.fri_layers.len());
    let mut fri_roots = Vec::with_capacity(layout.fri_layers.len());
    for &(log_h, log_a) in &layout.fri_layers {
        let a = 1usize << log_a;
        let tree = MerkleTree::new(isa, vec![Matrix::new(flatten(&f), 5 * a)])?;
        ch.observe_digest(&tree.root());
        fri_roots.push(tree.root());
        fri_trees.push(tree);
        let beta = ch.sample_ext();
        let folder = Folder::new(log_a);
        let log_next = log_h - log_a;
        // x0 of group j is the point of index a j of this layer:
        // shift_h * w_h^bitrev_{log_h}(a j) = shift_h * w_h^bitrev_{log_next}(j).
        let shift_h = fri::shift_for(log_h, log_max);
        let wp = KoalaBear::two_adic_generator(log_h).powers(1 << log_next);
        let x0: Vec<KoalaBear> = (0..1usize << log_next)
            .into_par_iter()
            .map(|j| shift_h * wp[fri::bitrev(j, log_next)])
            .collect();
        let inv = kernels::batch_inverse_vec(isa, &x0);
        let mut next: Vec<Ext5> = f
            .par_chunks(a)
            .zip(inv.par_iter())
            .map(|(grp, xi)| folder.fold(grp, *xi, beta))
            .collect();
        if inputs.peek().map(|(h, _)| *h) == Some(log_next)
            && let Some((_, g)) = inputs.next()
        {
            ext::axpy(isa, &mut next, beta.exp_u64(a as u64), &g);
        }
        f = next;
    }

    // 7. Final polynomial.
    let final_len = layout.final_len(params);
    let mut fin = flatten(&f);
    ntt::bit_reverse_rows(&mut fin, 5);
    ntt::inverse(isa, &mut fin, 5);
    let shift_f = fri::shift_for(layout.final_log, log_max);
    scale_rows_by_powers(&mut fin, 5, shift_f.try_inverse().unwrap_or(KoalaBear::ONE));
    let final_poly: Vec<Ext5> = fin
        .chunks(5)
        .take(final_len)
        .map(|c| Ext5::new([c[0], c[1], c[2], c[3], c[4]]))
        .collect();
    for c in &final_poly {
        ch.observe_ext(*c);
    }

    // 8. Grinding and queries.
    let pow_nonce = ch.grind(isa, params.pow_bits);
    let indices = ch.sample_indices(log_max, params.num_queries);
    let main_opening = main_tree.open_multi(&indices)?;
    let aux_opening = match (&aux_tree, layout.aux_log_max) {
        (Some(tree), Some(aux_log)) => {
            let idx: Vec<usize> = indices.iter().map(|i| i >> (log_max - aux_log)).collect();
            Some(tree.open_multi(&idx)?)
        }
        _ => None,
    };
    let quotient_opening = quotient_tree.open_multi(&indices)?;
    let mut fri_openings = Vec::with_capacity(fri_trees.len());
    for (tree, &(log_h, log_a)) in fri_trees.iter().zip(&layout.fri_layers) {
        let idx: Vec<usize> = indices
            .iter()
            .map(|i| (i >> (log_max - log_h)) >> log_a)
            .collect();
        fri_openings.push(tree.open_multi(&idx)?);
    }
    Ok(Proof {
        main_root: main_tree.root(),
        aux_root: aux_tree.as_ref().map(MerkleTree::root),
        claimed_sums,
        quotient_root: quotient_tree.root(),
        openings,
        fri_roots,
        final_poly,
        pow_nonce,
        bus_pow_nonce,
        main_opening,
        aux_opening,
        quotient_opening,
        fri_openings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::air::{AirBuilder, BusId};

    /// Every constraint (LogUp ones included) on every row of the trace domain: the indices
    /// of the constraints that fail somewhere.
    fn failing(
        air: &Air,
        trace: &[KoalaBear],
        aux: &[KoalaBear],
        log_n: usize,
        c: Challenges,
    ) -> Vec<usize> {
        let [first, last, trans] = trace_selectors(log_n);
        let dom = Domain {
            main: trace,
            width: air.width(),
            aux,
            num_aux: air.num_aux_columns(),
            height: 1 << log_n,
            next_step: 1,
            is_first: &first,
            is_last: &last,
            is_transition: &trans,
            publics: &[],
            challenges: c,
        };
        let per_chunk = eval::eval_domain(Isa::scalar(), air, &dom, &air.constraints, |_, _, v| {
            v.iter().map(|x| !eval::is_zero(x)).collect::<Vec<_>>()
        });
        (0..air.constraints.len())
            .filter(|&i| per_chunk.iter().any(|c| c[i]))
            .collect()
    }

    #[test]
    fn batched_logup_columns_satisfy_and_enforce_their_constraints() {
        // Five sends and one receive of linear tuples: three pairs, the last one in the
        // running sum's constraint.
        let b = AirBuilder::new("bus");
        let xs = b.columns("x", 6);
        let m = b.column("m");
        for &x in &xs[..5] {
            b.send(BusId(1), &[b.main(x), b.main(m)], b.main(m));
        }
        b.receive(
            BusId(2),
            &[b.main(xs[5]), b.main(m)],
            b.main(m) + KoalaBear::ONE,
        );
        let air = b.build(3).unwrap();
        assert_eq!(air.num_aux_columns(), 3);
        let log_n = 4;
        let n = 1usize << log_n;
        let trace: Vec<KoalaBear> = (0..n * 7)
            .map(|i| KoalaBear::new((i * i % 97) as u32))
            .collect();
        let mut c = Challenges {
            bus_alpha: Ext5::new([3, 1, 4, 1, 5].map(KoalaBear::new)),
            bus_beta: Ext5::new([9, 2, 6, 5, 3].map(KoalaBear::new)),
            ..Challenges::default()
        };
        let a = aux_trace(Isa::scalar(), &air, 0, &trace, log_n, &[], c).unwrap();
        c.claimed_sum_per_row = a.total * inv_height(log_n);
        assert!(failing(&air, &trace, &a.trace, log_n, c).is_empty());

        // The total is the sum of every fraction.
        let mut expect = Ext5::ZERO;
        for row in trace.chunks(7) {
            let d = |x: KoalaBear, bus: u32| {
                c.bus_beta
                    - (Ext5::from_base(KoalaBear::new(bus))
                        + c.bus_alpha * x
                        + c.bus_alpha * c.bus_alpha * row[6])
            };
            for &x in &row[..5] {
                expect += Ext5::from_base(row[6]) * d(x, 1).try_inverse().unwrap();
            }
            expect -=
                Ext5::from_base(row[6] + KoalaBear::ONE) * d(row[5], 2).try_inverse().unwrap();
        }
        assert_eq!(a.total, expect);

        let w = 5 * air.num_aux_columns();
        let first_group = air.num_user_constraints();
        // Moving value from column 0 to column 1 keeps the row sum but breaks both pairs.
        let mut moved = a.trace.clone();
        moved[3 * w] += KoalaBear::ONE;
        moved[3 * w + 5] -= KoalaBear::ONE;
        assert_eq!(
            failing(&air, &trace, &moved, log_n, c),
            [first_group, first_group + 1]
        );
        // A running sum that skips a fraction breaks the last constraint.
        let mut skipped = a.trace.clone();
        skipped[7 * w + w - 5] += KoalaBear::ONE;
        assert_eq!(failing(&air, &trace, &skipped, log_n, c), [first_group + 2]);
        // A claimed sum that is not the total breaks it too.
        let mut wrong = c;
        wrong.claimed_sum_per_row += Ext5::ONE;
        assert_eq!(
            failing(&air, &trace, &a.trace, log_n, wrong),
            [first_group + 2]
        );
    }
}
