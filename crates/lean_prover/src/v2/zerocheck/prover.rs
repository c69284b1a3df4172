//! The AIR sumcheck prover (protocol in the [module docs](super)).

use super::affine::{Affine, affine_forms, push_down};
use super::proof::{TableEvals, ZerocheckError, ZerocheckProof, ch_observe_evals};
use super::summand::{
    ZerocheckTable, challenges, check_table, degree, leaf_factor, roots_and_coeffs, round_degree,
    summand_at,
};
use crate::air::{Air, Node};
use crate::eval::{Buffers, EvalPlan, Val, add_vals, axpy_val, eval_planned, sub_vals};
use crate::v2::sumcheck::interpolate_at;
use crate::v2::{eq_round, mle};
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::ext as kx;
use backend::{Isa, KoalaBear};
use rayon::prelude::*;
use std::borrow::Cow;

/// Most rows per chunk of the round loop.
const CHUNK: usize = 1024;
/// Fewest rows per chunk (below it the per-node kernel calls cost more than they share).
const MIN_CHUNK: usize = 256;

/// Rows per chunk for a round over `half` rows: at most [`CHUNK`], at least [`MIN_CHUNK`],
/// otherwise one chunk per rayon thread (the tables themselves run in parallel too; field
/// sums do not depend on how the rows are cut).
fn chunk_len(half: usize) -> usize {
    let threads = rayon::current_num_threads().max(1);
    (half / threads).clamp(MIN_CHUNK, CHUNK)
}

/// One factor table of a table: base-field values until its first fold.
enum Factor {
    Base(Vec<KoalaBear>),
    Ext(Vec<Ext5>),
}

impl Factor {
    fn len(&self) -> usize {
        match self {
            Factor::Base(v) => v.len(),
            Factor::Ext(v) => v.len(),
        }
    }

    /// `(lo, hi - lo)` over `range` of the lower half.
    fn halves(&self, isa: Isa, range: std::ops::Range<usize>) -> (Val, Val) {
        let half = self.len() / 2;
        let hi = half + range.start..half + range.end;
        let len = range.len();
        let (lo, hi) = match self {
            Factor::Base(v) => (Val::Base(v[range].to_vec()), Val::Base(v[hi].to_vec())),
            Factor::Ext(v) => (Val::Ext(v[range].to_vec()), Val::Ext(v[hi].to_vec())),
        };
        let d = sub_vals(isa, &hi, &lo, len);
        (lo, d)
    }

    fn fold(&mut self, isa: Isa, r: Ext5, scratch: &mut Vec<Ext5>) {
        let folded = match self {
            Factor::Base(v) => mle::fold_first_base(isa, v, r),
            Factor::Ext(v) => mle::fold_first_in_place(isa, v, r, scratch).map(|()| Vec::new()),
        };
        match (folded, &mut *self) {
            (Ok(f), Factor::Base(_)) => *self = Factor::Ext(f),
            (Ok(_), Factor::Ext(_)) => {}
            // Tables fold once per variable, so a variable is always left.
            (Err(e), _) => unreachable!("fold of a factor with a variable left: {e}"),
        }
    }

    /// Folds the first two variables at `r0`, then `r1` (from the base field in one pass:
    /// `sum_a eq((r0, r1), a) f(a, .)`, the same values as two folds).
    fn fold_two(&mut self, isa: Isa, r0: Ext5, r1: Ext5, scratch: &mut Vec<Ext5>) {
        match self {
            Factor::Base(v) => *self = Factor::Ext(fold_two_base(isa, v, r0, r1)),
            Factor::Ext(_) => {
                self.fold(isa, r0, scratch);
                self.fold(isa, r1, scratch);
            }
        }
    }

    /// `(<eq, lo>, <eq, hi>)` over `range` of the lower half and its upper twin.
    fn dots(&self, isa: Isa, eq: &[Ext5], range: std::ops::Range<usize>) -> (Ext5, Ext5) {
        let half = self.len() / 2;
        let hi = half + range.start..half + range.end;
        match self {
            Factor::Base(v) => (
                kx::dot_base(isa, eq, &v[range]),
                kx::dot_base(isa, eq, &v[hi]),
            ),
            Factor::Ext(v) => (kx::dot(isa, eq, &v[range]), kx::dot(isa, eq, &v[hi])),
        }
    }

    fn value(&self) -> Ext5 {
        match self {
            Factor::Base(v) => Ext5::from_base(v[0]),
            Factor::Ext(v) => v[0],
        }
    }
}

/// `g(b) = sum_a eq((r0, r1), a) f(a, b)` over the four quarters `f(a, .)` of a base-field
/// table (at least two variables), in parallel chunks.
fn fold_two_base(isa: Isa, f: &[KoalaBear], r0: Ext5, r1: Ext5) -> Vec<Ext5> {
    let q = f.len() / 4;
    let w = [
        (Ext5::ONE - r0) * (Ext5::ONE - r1),
        (Ext5::ONE - r0) * r1,
        r0 * (Ext5::ONE - r1),
        r0 * r1,
    ];
    let mut out = Ext5::zero_vec(q);
    out.par_chunks_mut(FOLD_CHUNK)
        .enumerate()
        .for_each(|(c, o)| {
            let at = c * FOLD_CHUNK;
            kx::scale_base(isa, o, &f[at..at + o.len()], w[0]);
            for (a, &wa) in w.iter().enumerate().skip(1) {
                let part = &f[a * q + at..a * q + at + o.len()];
                kx::axpy_base(isa, o, wa, part);
            }
        });
    out
}

/// Values per task of [`fold_two_base`].
const FOLD_CHUNK: usize = 1 << 12;

/// A table during the sumcheck.
struct State<'a, 't> {
    spec: &'t ZerocheckTable<'a>,
    /// The non-affine roots and their coefficients (evaluated through the arena).
    roots: Vec<u32>,
    coeffs: Vec<Ext5>,
    /// The arena evaluation of `roots`, planned once.
    plan: EvalPlan,
    /// The factors the non-affine roots read.
    needed: Vec<bool>,
    /// The sum of the affine roots times their coefficients.
    affine: Affine,
    /// By [`leaf_factor`] index; `None` for selectors the AIR does not use.
    factors: Vec<Option<Factor>>,
    /// Its own degree `d_t <= D` (its part of every round's `q` has degree `d_t`).
    degree: usize,
    /// Its first round's `q` at `0, 1, ..., d_t`.
    first_own: Vec<Ext5>,
    /// Its part of the current round's reduced claim, `q_t(s)` of the round before (`S_t` at
    /// first, before round 0): with it `q_t(1)` is derived as the verifier derives `q(1)`, so a table of
    /// degree `d_t` is evaluated at `0, 2, ..., d_t` only and extrapolated to `D`.
    claim: Ext5,
    /// `G_t(s_t)` once the table's variables are all bound.
    last: Ext5,
    /// Round 0's challenge while its fold is deferred: the factors are still the trace's
    /// base-field columns, round 1's message is computed from them over the base field
    /// ([`message_deferred`]), and both variables are folded after round 1.
    deferred: Option<Ext5>,
}

impl State<'_, '_> {
    /// The factors' values once fully folded: every main column, then every rotated one.
    fn evals(&self) -> TableEvals {
        let w = self.spec.air.width();
        let nn = self.spec.air.main_next_columns().len();
        let value = |j: usize| self.factors[j].as_ref().map_or(Ext5::ZERO, Factor::value);
        TableEvals {
            main: (0..w).map(value).collect(),
            next: (w..w + nn).map(value).collect(),
        }
    }
}

/// Proves the AIR sumcheck of `tables` (with their row-major `traces`) against the eq point
/// `tau` (`K = tau.len()` coordinates) and bus challenges `bus = [alpha_bus, beta_bus]`.
/// Returns the proof, the point `s` and the claimed sum `sum_t S_t`.
///
/// # Errors
/// [`ZerocheckError::Input`] if a table's coefficients, public values, trace or height do
/// not fit its AIR or `K`.
pub fn prove(
    isa: Isa,
    tables: &[ZerocheckTable<'_>],
    traces: &[&[KoalaBear]],
    tau: &[Ext5],
    bus: [Ext5; 2],
    ch: &mut Challenger,
) -> Result<(ZerocheckProof, Vec<Ext5>, Ext5), ZerocheckError> {
    let k = tau.len();
    let d = round_degree(tables);
    for (i, (t, trace)) in tables.iter().zip(traces).enumerate() {
        check_table(i, t, k)?;
        if trace.len() != t.air.width() << t.log_height {
            return Err(ZerocheckError::Input {
                table: i,
                what: "trace is not 2^k rows of the AIR's width",
            });
        }
    }
    // Tables in parallel (a small statement's tables are too short to split well).
    let mut states: Vec<State<'_, '_>> = tables
        .par_iter()
        .zip(traces.par_iter())
        .map(|(t, trace)| state(isa, t, trace, tau, d, bus))
        .collect();
    let claim: Ext5 = states.iter().map(|s| s.claim).sum();
    ch.observe(KoalaBear::new(k as u32));
    ch.observe(KoalaBear::new(d as u32));

    let mut rounds = Vec::with_capacity(k);
    let mut point = Vec::with_capacity(k);
    let mut reduced = claim;
    for i in 0..k {
        let mut msg = vec![Ext5::ZERO; d];
        // Per table: its values at 0, 1, ..., d_t (for its next claim) and its part of the
        // message at 0, 2, ..., D.
        let parts: Vec<(Vec<Ext5>, Vec<Ext5>)> = states
            .par_iter()
            .map(|st| {
                let kt = st.spec.log_height;
                if i == 0 {
                    (st.first_own.clone(), sent_values(&st.first_own, d))
                } else if i < kt {
                    let eq = eq_table(isa, &tau[i + 1..kt]);
                    let own = own_values(isa, st, &eq, tau[i], bus);
                    let sent = sent_values(&own, d);
                    (own, sent)
                } else {
                    // Finished: its summand at its point, constant in the later variables.
                    (Vec::new(), vec![st.last; d])
                }
            })
            .collect();
        for (_, part) in &parts {
            for (m, p) in msg.iter_mut().zip(part) {
                *m += *p;
            }
        }
        for &m in &msg {
            ch.observe_ext(m);
        }
        let s = ch.sample_ext();
        reduced = eq_round::reduce(reduced, tau[i], &msg, s).unwrap_or(Ext5::ZERO);
        point.push(s);
        for (st, (own, _)) in states.iter_mut().zip(&parts) {
            if i >= st.spec.log_height {
                continue;
            }
            st.claim = interpolate_at(own, s);
            if i == 0 && st.spec.log_height >= 2 {
                // Round 1 runs on the trace itself; both variables fold after it.
                st.deferred = Some(s);
            } else if let Some(s0) = st.deferred.take() {
                st.factors
                    .par_iter_mut()
                    .flatten()
                    .for_each_init(Vec::new, |scratch, f| f.fold_two(isa, s0, s, scratch));
            } else {
                st.factors
                    .par_iter_mut()
                    .flatten()
                    .for_each_init(Vec::new, |scratch, f| f.fold(isa, s, scratch));
            }
            if i + 1 == st.spec.log_height {
                let e = st.evals();
                st.last = summand_at(st.spec, &e.main, &e.next, &point, bus);
            }
        }
        rounds.push(msg);
    }
    let evals: Vec<TableEvals> = states.iter().map(State::evals).collect();
    for e in &evals {
        ch_observe_evals(ch, e);
    }
    debug_assert_eq!(
        reduced,
        tables
            .iter()
            .zip(&evals)
            .map(|(t, e)| summand_at(t, &e.main, &e.next, &point[..t.log_height], bus))
            .sum::<Ext5>(),
        "the prover's own final claim"
    );
    Ok((ZerocheckProof { rounds, evals }, point, claim))
}

/// A table's part of round `i`'s `q` at `0, 1, ..., d_t`: evaluated at `0, 2, ..., d_t`, with
/// `q_t(1)` derived from its claim (`p = tau_i`; evaluated too in the degenerate case
/// `p = 0`, where the proof is refused anyway).
fn own_values(isa: Isa, st: &State<'_, '_>, eq: &[Ext5], p: Ext5, bus: [Ext5; 2]) -> Vec<Ext5> {
    let dt = st.degree;
    if p == Ext5::ZERO {
        let all: Vec<usize> = (0..=dt).collect();
        return message(isa, st, eq, &all, bus);
    }
    let xs: Vec<usize> = std::iter::once(0).chain(2..=dt).collect();
    let q = message(isa, st, eq, &xs, bus);
    let q1 = eq_round::value_at_one(st.claim, p, q[0]).unwrap_or(Ext5::ZERO);
    let mut own = Vec::with_capacity(dt + 1);
    own.push(q[0]);
    own.push(q1);
    own.extend_from_slice(&q[1..]);
    own.truncate(dt + 1);
    own
}

/// The message part `q(0), q(2), ..., q(D)` of a polynomial of degree `d_t <= D` given by its
/// values at `0, 1, ..., d_t` (the points above `d_t` extrapolated).
fn sent_values(own: &[Ext5], d: usize) -> Vec<Ext5> {
    (0..=d)
        .filter(|&x| x != 1)
        .map(|x| match own.get(x) {
            Some(&v) => v,
            None => interpolate_at(own, Ext5::from_base(KoalaBear::new(x as u32))),
        })
        .collect()
}

fn eq_table(isa: Isa, point: &[Ext5]) -> Vec<Ext5> {
    match mle::eq_table(isa, point) {
        Ok(t) => t,
        Err(e) => unreachable!("K is bounded by the tables' heights: {e}"),
    }
}

/// Builds a table's factors from its trace and computes its first round and `S_t`.
fn state<'a, 't>(
    isa: Isa,
    t: &'t ZerocheckTable<'a>,
    trace: &[KoalaBear],
    tau: &[Ext5],
    d: usize,
    bus: [Ext5; 2],
) -> State<'a, 't> {
    let air = t.air;
    let w = air.width();
    let n = 1usize << t.log_height;
    let next = air.main_next_columns();
    let mut factors: Vec<Option<Factor>> = Vec::with_capacity(w + next.len() + 3);
    let picks: Vec<(usize, bool)> = (0..w)
        .map(|c| (c, false))
        .chain(next.iter().map(|&c| (c, true)))
        .collect();
    for col in columns_of(trace, w, n, &picks) {
        factors.push(Some(Factor::Base(col)));
    }
    let uses = |s: Node| air.nodes.contains(&s);
    let last = n - 1;
    let selector = |on: &dyn Fn(usize) -> bool| {
        Factor::Base((0..n).map(|y| KoalaBear::new(on(y) as u32)).collect())
    };
    factors.push(uses(Node::IsFirst).then(|| selector(&|y| y == 0)));
    factors.push(uses(Node::IsLast).then(|| selector(&|y| y == last)));
    factors.push(uses(Node::IsTransition).then(|| selector(&|y| y != last)));
    let (all_roots, all_coeffs) = roots_and_coeffs(t);
    let forms = affine_forms(air, t.public_values, challenges(bus));
    // The batched sum with its coefficients pushed through the linear nodes: affine terms
    // (two dot products per column and round) and the non-linear nodes the arena evaluates.
    let (affine, roots, coeffs) = push_down(air, &forms, &all_roots, &all_coeffs);
    let needed = needed_factors(air, &roots, factors.len());
    let own_degree = degree(std::iter::once(air)).min(d);
    let mut st = State {
        spec: t,
        plan: EvalPlan::new(air, &roots),
        roots,
        coeffs,
        needed,
        affine,
        factors,
        degree: own_degree,
        first_own: Vec::new(),
        claim: Ext5::ZERO,
        last: Ext5::ZERO,
        deferred: None,
    };
    // The first round: q at 0, 1, ..., d_t, extrapolated to D;
    // S_t = (1 - tau_0) q(0) + tau_0 q(1).
    let eq = eq_table(isa, &tau[1..t.log_height]);
    let all: Vec<usize> = (0..=own_degree).collect();
    let q = message(isa, &st, &eq, &all, bus);
    st.claim = (Ext5::ONE - tau[0]) * q[0] + tau[0] * q[1];
    st.first_own = q;
    st
}

/// Rows per task of [`columns_of`].
const TILE_ROWS: usize = 256;

/// The columns `picks` (`(column, next)`: its value at row `y`, or at row `y + 1 mod n`) of
/// a row-major `n x w` trace, each as its own vector. Tiles of rows in parallel: a task reads
/// its rows once, in order, and writes a short run of every column (a column at a time would
/// stride over the whole trace once per column).
fn columns_of(
    trace: &[KoalaBear],
    w: usize,
    n: usize,
    picks: &[(usize, bool)],
) -> Vec<Vec<KoalaBear>> {
    let mut cols: Vec<Vec<KoalaBear>> = picks.iter().map(|_| KoalaBear::zero_vec(n)).collect();
    let tile = TILE_ROWS.min(n);
    let mut tiles: Vec<Vec<&mut [KoalaBear]>> = (0..n / tile)
        .map(|_| Vec::with_capacity(picks.len()))
        .collect();
    for col in &mut cols {
        for (t, part) in col.chunks_exact_mut(tile).enumerate() {
            tiles[t].push(part);
        }
    }
    tiles
        .into_par_iter()
        .enumerate()
        .for_each(|(t, mut parts)| {
            for (j, part) in parts.iter_mut().enumerate() {
                let (c, next) = picks[j];
                for (i, x) in part.iter_mut().enumerate() {
                    let y = t * tile + i + usize::from(next);
                    *x = trace[(y % n) * w + c];
                }
            }
        });
    cols
}

/// The factors the nodes reachable from `roots` read.
fn needed_factors(air: &Air, roots: &[u32], count: usize) -> Vec<bool> {
    let mut reach = vec![false; air.nodes.len()];
    for &r in roots {
        reach[r as usize] = true;
    }
    let mut needed = vec![false; count];
    for i in (0..air.nodes.len()).rev() {
        if !reach[i] {
            continue;
        }
        let node = air.nodes[i];
        for c in node.children().into_iter().flatten() {
            reach[c as usize] = true;
        }
        if let Some(f) = leaf_factor(air, node) {
            needed[f] = true;
        }
    }
    needed
}

/// The table's part of `q_i` at the points `xs` (increasing), over its current factors and
/// the eq table of `tau[i + 1..k_t]` (half their length): the affine part from two dot products
/// per column, the rest through the arena at every point.
fn message(isa: Isa, st: &State<'_, '_>, eq: &[Ext5], xs: &[usize], bus: [Ext5; 2]) -> Vec<Ext5> {
    if let Some(s0) = st.deferred {
        return message_deferred(isa, st, eq, xs, s0, bus);
    }
    let half = eq.len();
    let air = st.spec.air;
    let ch = challenges(bus);
    let nonlinear = !st.roots.is_empty();
    let mut q = sum_over_chunks(half, xs.len(), |bufs, range| {
        let len = range.len();
        let e = &eq[range.clone()];
        // The affine part: a (L + X (H - L)).
        let (mut lo_sum, mut hi_sum) = (Ext5::ZERO, Ext5::ZERO);
        for (&f, &a) in &st.affine.terms {
            let Some(factor) = &st.factors[f] else {
                continue;
            };
            let (l, h) = factor.dots(isa, e, range.clone());
            lo_sum += a * l;
            hi_sum += a * h;
        }
        let mut out = line_at(lo_sum, hi_sum, xs);
        if !nonlinear {
            return out;
        }
        let parts: Vec<Option<(Val, Val)>> = st
            .factors
            .iter()
            .zip(&st.needed)
            .map(|(f, &n)| {
                f.as_ref()
                    .filter(|_| n)
                    .map(|f| f.halves(isa, range.clone()))
            })
            .collect();
        let mut cur: Vec<Option<Val>> = parts
            .iter()
            .map(|p| p.as_ref().map(|p| p.0.clone()))
            .collect();
        let mut at = 0;
        for (slot, &x) in out.iter_mut().zip(xs) {
            while at < x {
                for (v, p) in cur.iter_mut().zip(&parts) {
                    if let (Some(v), Some((_, d))) = (v.as_mut(), p) {
                        *v = add_vals(isa, v, d, len);
                    }
                }
                at += 1;
            }
            let leaf = |node| leaf_value(st, &ch, &cur, node);
            let mut acc = Ext5::zero_vec(len);
            eval_planned(isa, air, &st.plan, len, leaf, bufs, |k, v| {
                axpy_val(isa, &mut acc, st.coeffs[k], v);
            });
            *slot += kx::dot(isa, e, &acc);
        }
        out
    });
    // The affine constant: `sum_x' eq(x') = 1`.
    for v in &mut q {
        *v += st.affine.constant;
    }
    q
}

/// `lo + x (hi - lo)` at every `x` of `xs`.
fn line_at(lo: Ext5, hi: Ext5, xs: &[usize]) -> Vec<Ext5> {
    xs.iter()
        .map(|&x| lo + Ext5::from_base(KoalaBear::new(x as u32)) * (hi - lo))
        .collect()
}

/// `sum` over the chunks of `0..rows` (at most [`CHUNK`] rows each, in parallel) of
/// `chunk(buffers, range)`, vectors of `points` values (field sums do not depend on how the
/// rows are cut).
fn sum_over_chunks(
    rows: usize,
    points: usize,
    chunk: impl Fn(&mut Buffers, std::ops::Range<usize>) -> Vec<Ext5> + Sync + Send,
) -> Vec<Ext5> {
    let len = chunk_len(rows);
    (0..rows.div_ceil(len))
        .into_par_iter()
        .map_init(Buffers::default, |bufs, c| {
            chunk(bufs, c * len..((c + 1) * len).min(rows))
        })
        .reduce(
            || vec![Ext5::ZERO; points],
            |a, b| a.iter().zip(&b).map(|(&x, &y)| x + y).collect(),
        )
}

/// The value of a leaf node of the table's AIR over the current chunk: a public value, a
/// challenge, or the factor in `cur` (zero for a column the roots do not read).
fn leaf_value<'v>(
    st: &State<'_, '_>,
    ch: &crate::air::Challenges,
    cur: &'v [Option<Val>],
    node: Node,
) -> Cow<'v, Val> {
    match node {
        Node::Public(k) => Cow::Owned(Val::BaseC(
            st.spec
                .public_values
                .get(k as usize)
                .copied()
                .unwrap_or_default(),
        )),
        Node::Challenge(c) => Cow::Owned(Val::ExtC(ch.get(c))),
        leaf => match leaf_factor(st.spec.air, leaf).and_then(|j| cur[j].as_ref()) {
            Some(v) => Cow::Borrowed(v),
            None => Cow::Owned(Val::BaseC(KoalaBear::ZERO)),
        },
    }
}

/// [`message`] of round 1 for a table whose round-0 fold at `s0` is deferred (its factors are
/// still the base-field trace columns, four quarters `f(a0, a1, .)` each).
///
/// Every summand is a polynomial of degree at most `d_t` in the folded variable, so its value
/// at `s0` is `sum_j L_j(s0)` times its values at the integers `j = 0..=d_t` (Lagrange on
/// `0..=d_t`), where the factors `f(j, x, .) = f(0, x, .) + j (f(1, x, .) - f(0, x, .))` stay in
/// the base field: the arena runs over base-field rows `d_t + 1` times per point instead of
/// once over extension rows, and the half-size extension tables of round 0's fold are never
/// built. The affine part uses the folded dot products directly. The message is the same
/// field elements as [`message`]'s on the folded factors.
fn message_deferred(
    isa: Isa,
    st: &State<'_, '_>,
    eq: &[Ext5],
    xs: &[usize],
    s0: Ext5,
    bus: [Ext5; 2],
) -> Vec<Ext5> {
    let quarter = eq.len();
    let air = st.spec.air;
    let ch = challenges(bus);
    let nonlinear = !st.roots.is_empty();
    let dt = st.degree;
    // L_j(s0) for the nodes 0..=d_t.
    let lagrange: Vec<Ext5> = (0..=dt)
        .map(|j| {
            let unit: Vec<Ext5> = (0..=dt)
                .map(|m| if m == j { Ext5::ONE } else { Ext5::ZERO })
                .collect();
            interpolate_at(&unit, s0)
        })
        .collect();
    fn base(f: &Factor) -> &[KoalaBear] {
        match f {
            Factor::Base(v) => v,
            Factor::Ext(_) => unreachable!("a deferred table's factors are the trace's"),
        }
    }
    let mut q = sum_over_chunks(quarter, xs.len(), |bufs, range| {
        let len = range.len();
        let e = &eq[range.clone()];
        let start = range.start;
        let part = move |v: &[KoalaBear], a: usize| -> Vec<KoalaBear> {
            let at = a * quarter + start;
            v[at..at + len].to_vec()
        };
        // The affine part: a (g0 + X (g1 - g0)), g_x = (1 - s0) f(0, x) + s0 f(1, x).
        let (mut lo_sum, mut hi_sum) = (Ext5::ZERO, Ext5::ZERO);
        for (&f, &a) in &st.affine.terms {
            let Some(factor) = &st.factors[f] else {
                continue;
            };
            let v = base(factor);
            let dot = |q: usize| kx::dot_base(isa, e, &v[q * quarter + start..][..len]);
            lo_sum += a * ((Ext5::ONE - s0) * dot(0) + s0 * dot(2));
            hi_sum += a * ((Ext5::ONE - s0) * dot(1) + s0 * dot(3));
        }
        let mut out = line_at(lo_sum, hi_sum, xs);
        if !nonlinear {
            return out;
        }
        // Per needed factor: f(j, 0, .) and f(j, 1, .) for the current j, and their steps
        // in j.
        let mut rows: Vec<Option<[Val; 4]>> = st
            .factors
            .iter()
            .zip(&st.needed)
            .map(|(f, &n)| {
                f.as_ref().filter(|_| n).map(|f| {
                    let v = base(f);
                    let q = |a: usize| Val::Base(part(v, a));
                    let (f00, f01, f10, f11) = (q(0), q(1), q(2), q(3));
                    let d0 = sub_vals(isa, &f10, &f00, len);
                    let d1 = sub_vals(isa, &f11, &f01, len);
                    [f00, f01, d0, d1]
                })
            })
            .collect();
        let mut accs: Vec<Vec<Ext5>> = xs.iter().map(|_| Ext5::zero_vec(len)).collect();
        for (j, &l) in lagrange.iter().enumerate() {
            if j > 0 {
                for r in rows.iter_mut().flatten() {
                    r[0] = add_vals(isa, &r[0], &r[2], len);
                    r[1] = add_vals(isa, &r[1], &r[3], len);
                }
            }
            // cur = f(j, 0) + x (f(j, 1) - f(j, 0)), stepped through xs.
            let mut cur: Vec<Option<Val>> = rows
                .iter()
                .map(|r| r.as_ref().map(|r| r[0].clone()))
                .collect();
            let step: Vec<Option<Val>> = rows
                .iter()
                .map(|r| r.as_ref().map(|r| sub_vals(isa, &r[1], &r[0], len)))
                .collect();
            let mut at = 0;
            for (acc, &x) in accs.iter_mut().zip(xs) {
                while at < x {
                    for (v, d) in cur.iter_mut().zip(&step) {
                        if let (Some(v), Some(d)) = (v.as_mut(), d) {
                            *v = add_vals(isa, v, d, len);
                        }
                    }
                    at += 1;
                }
                let leaf = |node| leaf_value(st, &ch, &cur, node);
                eval_planned(isa, air, &st.plan, len, leaf, bufs, |k, v| {
                    axpy_val(isa, acc, l * st.coeffs[k], v);
                });
            }
        }
        for (slot, acc) in out.iter_mut().zip(&accs) {
            *slot += kx::dot(isa, e, acc);
        }
        out
    });
    for v in &mut q {
        *v += st.affine.constant;
    }
    q
}
