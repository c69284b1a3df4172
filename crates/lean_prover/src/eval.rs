//! Evaluation of an AIR's expression arena: over chunks of rows with the dispatched slice
//! kernels (prover), and at one extension point (verifier).
//!
//! The prover evaluates node by node over a chunk of rows (a few thousand): each node becomes
//! a vector (base or extension) or a constant, computed with one kernel call, and is dropped
//! after its last use. Chunks run in parallel with rayon; every value is exact field
//! arithmetic, so the result does not depend on the chunking, the ISA or the thread count.

use crate::air::{Air, Challenges, Node};
use crate::v2::arith::VerifierField;
use backend::field::Ext5;
use backend::kernels::{self, ext};
use backend::{Isa, KoalaBear};
use rayon::prelude::*;
use std::borrow::Cow;

/// Rows per evaluation chunk.
pub(crate) const CHUNK: usize = 2048;

/// A node's value over a chunk.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    BaseC(KoalaBear),
    ExtC(Ext5),
    Base(Vec<KoalaBear>),
    Ext(Vec<Ext5>),
}

/// The data of one evaluation domain (natural order).
pub(crate) struct Domain<'a> {
    /// Main trace on the domain, row-major, `width` columns.
    pub(crate) main: &'a [KoalaBear],
    pub(crate) width: usize,
    /// Number of rows of the domain.
    pub(crate) height: usize,
    /// Row offset of "next row" (1 on the trace).
    pub(crate) next_step: usize,
    pub(crate) is_first: &'a [KoalaBear],
    pub(crate) is_last: &'a [KoalaBear],
    pub(crate) is_transition: &'a [KoalaBear],
    pub(crate) publics: &'a [KoalaBear],
    pub(crate) challenges: Challenges,
}

/// The normalised selectors of a trace of `n` rows (`is_first` 1 on row 0, `is_last` 1 on
/// the last row, `is_transition` 1 on every other row), and the [`Domain`] of a trace with
/// them.
pub(crate) struct TraceSelectors {
    is_first: Vec<KoalaBear>,
    is_last: Vec<KoalaBear>,
    is_transition: Vec<KoalaBear>,
}

impl TraceSelectors {
    /// The selectors of `n` rows (`n >= 1`).
    pub(crate) fn new(n: usize) -> TraceSelectors {
        let last = n.saturating_sub(1);
        let sel = |on: &dyn Fn(usize) -> bool| -> Vec<KoalaBear> {
            (0..n).map(|y| KoalaBear::new(on(y) as u32)).collect()
        };
        TraceSelectors {
            is_first: sel(&|y| y == 0),
            is_last: sel(&|y| y == last),
            is_transition: sel(&|y| y != last),
        }
    }

    /// The domain of a row-major trace of `width` columns (as many rows as the selectors),
    /// "next row" cyclic.
    pub(crate) fn domain<'a>(
        &'a self,
        main: &'a [KoalaBear],
        width: usize,
        publics: &'a [KoalaBear],
        challenges: Challenges,
    ) -> Domain<'a> {
        Domain {
            main,
            width,
            height: self.is_first.len(),
            next_step: 1,
            is_first: &self.is_first,
            is_last: &self.is_last,
            is_transition: &self.is_transition,
            publics,
            challenges,
        }
    }
}

fn splat_ext(len: usize, x: Ext5) -> Vec<Ext5> {
    vec![x; len]
}

pub(crate) fn to_ext(isa: Isa, v: &Val, len: usize) -> Vec<Ext5> {
    match v {
        Val::BaseC(c) => splat_ext(len, Ext5::from_base(*c)),
        Val::ExtC(c) => splat_ext(len, *c),
        Val::Base(b) => {
            let mut out = Ext5::zero_vec(len);
            ext::scale_base(isa, &mut out, b, Ext5::ONE);
            out
        }
        Val::Ext(e) => e.clone(),
    }
}

/// A base value as a slice of `len` elements (borrowed when it is already a vector).
fn base_view(v: &Val, len: usize) -> Cow<'_, [KoalaBear]> {
    match v {
        Val::BaseC(c) => Cow::Owned(vec![*c; len]),
        Val::Base(b) => Cow::Borrowed(b),
        _ => unreachable!("base_view on an extension value"),
    }
}

/// A value as an extension slice of `len` elements (borrowed when it is already one).
fn ext_view(isa: Isa, v: &Val, len: usize) -> Cow<'_, [Ext5]> {
    match v {
        Val::Ext(e) => Cow::Borrowed(e),
        other => Cow::Owned(to_ext(isa, other, len)),
    }
}

fn is_ext(v: &Val) -> bool {
    matches!(v, Val::ExtC(_) | Val::Ext(_))
}

#[derive(Copy, Clone)]
enum Op {
    Add,
    Sub,
    Mul,
}

fn const_op<
    T: std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Mul<Output = T>,
>(
    op: Op,
    a: T,
    b: T,
) -> T {
    match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
    }
}

fn as_ext_const(v: &Val) -> Option<Ext5> {
    match v {
        Val::BaseC(c) => Some(Ext5::from_base(*c)),
        Val::ExtC(c) => Some(*c),
        _ => None,
    }
}

/// Chunk buffers recycled within one evaluation, and from one evaluation to the next when
/// the caller keeps them (a round evaluates the same arena over many chunks): every kernel
/// writes its whole output, so a buffer taken from here needs no zeroing, and a node's value
/// freed after its last reader becomes the next node's output.
#[derive(Default)]
pub(crate) struct Buffers {
    base: Vec<Vec<KoalaBear>>,
    ext: Vec<Vec<Ext5>>,
}

impl Buffers {
    fn base(&mut self, len: usize) -> Vec<KoalaBear> {
        match self.base.pop() {
            Some(mut v) if v.len() >= len => {
                v.truncate(len);
                v
            }
            _ => KoalaBear::zero_vec(len),
        }
    }

    fn ext(&mut self, len: usize) -> Vec<Ext5> {
        match self.ext.pop() {
            Some(mut v) if v.len() >= len => {
                v.truncate(len);
                v
            }
            _ => Ext5::zero_vec(len),
        }
    }

    fn recycle(&mut self, v: Val) {
        match v {
            Val::Base(b) => self.base.push(b),
            Val::Ext(e) => self.ext.push(e),
            _ => {}
        }
    }
}

fn binop(isa: Isa, op: Op, a: &Val, b: &Val, len: usize, bufs: &mut Buffers) -> Val {
    if let (Val::BaseC(x), Val::BaseC(y)) = (a, b) {
        return Val::BaseC(const_op(op, *x, *y));
    }
    if let (Some(x), Some(y)) = (as_ext_const(a), as_ext_const(b)) {
        return Val::ExtC(const_op(op, x, y));
    }
    // Products with a constant: one scaling kernel.
    if let Op::Mul = op {
        let (vec, c) = match (a, b) {
            (v, Val::BaseC(_) | Val::ExtC(_)) => (v, b),
            (Val::BaseC(_) | Val::ExtC(_), v) => (v, a),
            _ => (a, a),
        };
        if !std::ptr::eq(vec, c) {
            match (vec, c) {
                (Val::Base(v), Val::BaseC(s)) => {
                    let mut out = bufs.base(len);
                    kernels::scale(isa, &mut out, v, *s);
                    return Val::Base(out);
                }
                (Val::Base(v), Val::ExtC(s)) => {
                    let mut out = bufs.ext(len);
                    ext::scale_base(isa, &mut out, v, *s);
                    return Val::Ext(out);
                }
                (Val::Ext(v), Val::BaseC(s)) => {
                    // A base scalar multiplies each coefficient: the extension-by-base
                    // kernel on a splat (a fifth of an extension product).
                    let mut out = bufs.ext(len);
                    let mut splat = bufs.base(len);
                    splat.fill(*s);
                    ext::mul_base(isa, &mut out, v, &splat);
                    bufs.base.push(splat);
                    return Val::Ext(out);
                }
                (Val::Ext(v), Val::ExtC(s)) => {
                    let mut out = bufs.ext(len);
                    ext::scale(isa, &mut out, v, *s);
                    return Val::Ext(out);
                }
                _ => {}
            }
        }
        // Extension times base vector.
        match (a, b) {
            (Val::Ext(x), Val::Base(y)) | (Val::Base(y), Val::Ext(x)) => {
                let mut out = bufs.ext(len);
                ext::mul_base(isa, &mut out, x, y);
                return Val::Ext(out);
            }
            _ => {}
        }
    }
    // An extension vector plus or minus a base constant: only the constant coefficient moves.
    if let Op::Add | Op::Sub = op {
        match (a, b) {
            (Val::Ext(v), Val::BaseC(c)) | (Val::BaseC(c), Val::Ext(v)) => {
                let const_first = matches!(a, Val::BaseC(_));
                let mut out = bufs.ext(len);
                match (op, const_first) {
                    (Op::Add, _) => {
                        out.copy_from_slice(v);
                        out.iter_mut().for_each(|o| *o = *o + *c);
                    }
                    (_, false) => {
                        out.copy_from_slice(v);
                        out.iter_mut().for_each(|o| *o = *o + (-*c));
                    }
                    (_, true) => {
                        let c = Ext5::from_base(*c);
                        for (o, &x) in out.iter_mut().zip(v.iter()) {
                            *o = c - x;
                        }
                    }
                }
                return Val::Ext(out);
            }
            _ => {}
        }
    }
    if !is_ext(a) && !is_ext(b) {
        let x = base_view(a, len);
        let y = base_view(b, len);
        let mut out = bufs.base(len);
        match op {
            Op::Add => kernels::add(isa, &mut out, &x, &y),
            Op::Sub => kernels::sub(isa, &mut out, &x, &y),
            Op::Mul => kernels::mul(isa, &mut out, &x, &y),
        }
        return Val::Base(out);
    }
    let x = ext_view(isa, a, len);
    let y = ext_view(isa, b, len);
    let mut out = bufs.ext(len);
    match op {
        Op::Add => ext::add(isa, &mut out, &x, &y),
        Op::Sub => ext::sub(isa, &mut out, &x, &y),
        Op::Mul => ext::mul(isa, &mut out, &x, &y),
    }
    Val::Ext(out)
}

const ZERO_VAL: Val = Val::BaseC(KoalaBear::ZERO);

/// `a + b` over a chunk of `len` rows.
pub(crate) fn add_vals(isa: Isa, a: &Val, b: &Val, len: usize) -> Val {
    binop(isa, Op::Add, a, b, len, &mut Buffers::default())
}

/// `a - b` over a chunk of `len` rows.
pub(crate) fn sub_vals(isa: Isa, a: &Val, b: &Val, len: usize) -> Val {
    binop(isa, Op::Sub, a, b, len, &mut Buffers::default())
}

fn get<'v>(vals: &'v [Option<Cow<'_, Val>>], c: u32) -> &'v Val {
    vals[c as usize].as_deref().unwrap_or(&ZERO_VAL)
}

/// Evaluates the nodes `roots` of `air` over rows `start .. start + len` of `dom`.
pub(crate) fn eval_chunk(
    isa: Isa,
    air: &Air,
    dom: &Domain<'_>,
    start: usize,
    len: usize,
    roots: &[u32],
) -> Vec<Val> {
    let rows = |next: bool| -> Vec<usize> {
        (start..start + len)
            .map(|r| {
                if next {
                    (r + dom.next_step) % dom.height
                } else {
                    r
                }
            })
            .collect()
    };
    eval_nodes(isa, air, roots, len, |node| {
        Cow::Owned(match node {
            Node::Public(k) => Val::BaseC(dom.publics.get(k as usize).copied().unwrap_or_default()),
            Node::Challenge(c) => Val::ExtC(dom.challenges.get(c)),
            Node::Main { col, next } => {
                let col = col as usize;
                Val::Base(
                    rows(next)
                        .into_iter()
                        .map(|r| dom.main[r * dom.width + col])
                        .collect(),
                )
            }
            Node::IsFirst => Val::Base(dom.is_first[start..start + len].to_vec()),
            Node::IsLast => Val::Base(dom.is_last[start..start + len].to_vec()),
            Node::IsTransition => Val::Base(dom.is_transition[start..start + len].to_vec()),
            _ => unreachable!("eval_nodes asks only for leaves"),
        })
    })
}

/// Evaluates the nodes `roots` of `air` over a chunk of `len` rows, node by node with the
/// slice kernels, each node's value dropped after its last reader. `leaf` gives the value of
/// every leaf other than a constant (columns, selectors, public values, challenges), borrowed
/// when the caller holds it already.
pub(crate) fn eval_nodes<'a>(
    isa: Isa,
    air: &Air,
    roots: &[u32],
    len: usize,
    leaf: impl Fn(Node) -> Cow<'a, Val>,
) -> Vec<Val> {
    let mut bufs = Buffers::default();
    let mut out = Vec::with_capacity(roots.len());
    let plan = EvalPlan::new(air, roots);
    eval_planned(isa, air, &plan, len, leaf, &mut bufs, |_, v| {
        out.push(v.clone())
    });
    out
}

/// What an evaluation of some roots of an arena needs to know before it starts, computed
/// once for all the chunks and points it is evaluated at: the nodes in topological order it
/// reaches, and the last node that reads each.
#[derive(Clone, Debug)]
pub(crate) struct EvalPlan {
    roots: Vec<u32>,
    /// The needed nodes, increasing (children before parents).
    order: Vec<usize>,
    /// For `order[j]`, the nodes whose last reader it is (not roots):
    /// `freed[freed_at[j]..freed_at[j + 1]]`.
    freed: Vec<u32>,
    freed_at: Vec<usize>,
}

impl EvalPlan {
    /// The plan of `roots` in `air`.
    pub(crate) fn new(air: &Air, roots: &[u32]) -> EvalPlan {
        let nodes = &air.nodes;
        let n = nodes.len();
        let mut needed = vec![false; n];
        for &r in roots {
            needed[r as usize] = true;
        }
        let mut last_use = vec![0usize; n];
        for i in (0..n).rev() {
            if !needed[i] {
                continue;
            }
            for c in nodes[i].children().into_iter().flatten() {
                let c = c as usize;
                needed[c] = true;
                last_use[c] = last_use[c].max(i);
            }
        }
        let mut is_root = vec![false; n];
        for &r in roots {
            is_root[r as usize] = true;
        }
        let order: Vec<usize> = (0..n).filter(|&i| needed[i]).collect();
        let mut freed = Vec::new();
        let mut freed_at = Vec::with_capacity(order.len() + 1);
        for &i in &order {
            freed_at.push(freed.len());
            for c in nodes[i].children().into_iter().flatten() {
                if last_use[c as usize] == i && !is_root[c as usize] && !freed.ends_with(&[c]) {
                    freed.push(c);
                }
            }
        }
        freed_at.push(freed.len());
        EvalPlan {
            roots: roots.to_vec(),
            order,
            freed,
            freed_at,
        }
    }
}

/// [`eval_nodes`] with a precomputed [`EvalPlan`]: `visit(k, value)` sees the value of the
/// plan's `k`-th root, in order, without a copy; node buffers are taken from `bufs` and left
/// there for the caller's next evaluation.
pub(crate) fn eval_planned<'a>(
    isa: Isa,
    air: &Air,
    plan: &EvalPlan,
    len: usize,
    leaf: impl Fn(Node) -> Cow<'a, Val>,
    bufs: &mut Buffers,
    mut visit: impl FnMut(usize, &Val),
) {
    let nodes = &air.nodes;
    let n = nodes.len();
    let EvalPlan {
        roots,
        order,
        freed,
        freed_at,
    } = plan;
    let mut vals: Vec<Option<Cow<'a, Val>>> = vec![None; n];
    for (j, &i) in order.iter().enumerate() {
        let v = match nodes[i] {
            Node::Const(c) => Cow::Owned(Val::BaseC(c)),
            Node::Add(a, b) => {
                Cow::Owned(binop(isa, Op::Add, get(&vals, a), get(&vals, b), len, bufs))
            }
            Node::Sub(a, b) => {
                Cow::Owned(binop(isa, Op::Sub, get(&vals, a), get(&vals, b), len, bufs))
            }
            Node::Mul(a, b) => {
                Cow::Owned(binop(isa, Op::Mul, get(&vals, a), get(&vals, b), len, bufs))
            }
            Node::Neg(a) => Cow::Owned(binop(
                isa,
                Op::Sub,
                &Val::BaseC(KoalaBear::ZERO),
                get(&vals, a),
                len,
                bufs,
            )),
            leaf_node => leaf(leaf_node),
        };
        vals[i] = Some(v);
        // Free the children whose last reader is this node (roots are kept).
        for &c in &freed[freed_at[j]..freed_at[j + 1]] {
            if let Some(Cow::Owned(v)) = vals[c as usize].take() {
                bufs.recycle(v);
            }
        }
    }
    for (k, &r) in roots.iter().enumerate() {
        visit(k, vals[r as usize].as_deref().unwrap_or(&ZERO_VAL));
    }
    for v in vals.into_iter().flatten() {
        if let Cow::Owned(v) = v {
            bufs.recycle(v);
        }
    }
}

/// Adds `coeff * v` to `acc` (length `len`).
pub(crate) fn axpy_val(isa: Isa, acc: &mut [Ext5], coeff: Ext5, v: &Val) {
    match v {
        Val::BaseC(c) => {
            let add = coeff * *c;
            acc.iter_mut().for_each(|a| *a += add);
        }
        Val::ExtC(c) => {
            let add = coeff * *c;
            acc.iter_mut().for_each(|a| *a += add);
        }
        Val::Base(b) => ext::axpy_base(isa, acc, coeff, b),
        Val::Ext(e) => ext::axpy(isa, acc, coeff, e),
    }
}

/// Whether a value is zero on every row.
pub(crate) fn is_zero(v: &Val) -> bool {
    match v {
        Val::BaseC(c) => *c == KoalaBear::ZERO,
        Val::ExtC(c) => *c == Ext5::ZERO,
        Val::Base(b) => b.iter().all(|x| *x == KoalaBear::ZERO),
        Val::Ext(e) => e.iter().all(|x| *x == Ext5::ZERO),
    }
}

/// Evaluates `roots` over the whole domain in parallel chunks and returns, per chunk, the
/// root values (chunk `i` covers rows `i * CHUNK ..`).
pub(crate) fn eval_domain<T: Send>(
    isa: Isa,
    air: &Air,
    dom: &Domain<'_>,
    roots: &[u32],
    per_chunk: impl Fn(usize, usize, Vec<Val>) -> T + Sync,
) -> Vec<T> {
    let chunks = dom.height.div_ceil(CHUNK);
    (0..chunks)
        .into_par_iter()
        .map(|c| {
            let start = c * CHUNK;
            let len = CHUNK.min(dom.height - start);
            per_chunk(start, len, eval_chunk(isa, air, dom, start, len, roots))
        })
        .collect()
}

/// Values the verifier knows at one point (the sumcheck's, or none for public-only nodes),
/// in `K` or as a circuit's values ([`crate::v2::arith`]).
pub(crate) struct PointValues<'a, E = Ext5> {
    pub(crate) main: &'a [E],
    pub(crate) main_next: &'a [E],
    pub(crate) publics: &'a [KoalaBear],
    pub(crate) challenges: Challenges<E>,
    pub(crate) is_first: E,
    pub(crate) is_last: E,
    pub(crate) is_transition: E,
}

/// Per node, `Some((x, c))` if it is the product `x * c` by a constant `c` that exactly one
/// node reads, an `Add` (either side) or the right side of a `Sub`, and nothing else (no
/// constraint, no interaction): [`eval_point`] folds it into its reader as one
/// multiply-add (`x * c + y`, or `x * (-c) + y` for `y - x * c`) instead of a product and a
/// sum. In a circuit that is one operation instead of two per term of a linear combination
/// (most of a Poseidon table's constraints); the values are the same.
fn fusable_products(air: &Air) -> Vec<Option<(u32, KoalaBear)>> {
    let n = air.nodes.len();
    let mut reads = vec![0u32; n];
    let mut fusing_reader = vec![false; n];
    for node in &air.nodes {
        for c in node.children().into_iter().flatten() {
            reads[c as usize] += 1;
        }
        match *node {
            Node::Add(a, b) => {
                fusing_reader[a as usize] = true;
                fusing_reader[b as usize] = true;
            }
            Node::Sub(_, b) => fusing_reader[b as usize] = true,
            _ => {}
        }
    }
    let external = air.constraints.iter().chain(
        air.interactions
            .iter()
            .chain(&air.public_interactions)
            .flat_map(|it| it.values.iter().chain([&it.multiplicity, &it.denominator])),
    );
    for &r in external {
        // Read from outside: never folded.
        reads[r as usize] += 2;
    }
    air.nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            if reads[i] != 1 || !fusing_reader[i] {
                return None;
            }
            match *node {
                Node::Mul(a, b) => match (air.nodes[a as usize], air.nodes[b as usize]) {
                    (Node::Const(_), Node::Const(_)) => None,
                    (Node::Const(c), _) => Some((b, c)),
                    (_, Node::Const(c)) => Some((a, c)),
                    _ => None,
                },
                _ => None,
            }
        })
        .collect()
}

/// Evaluates every node at one point (the verifier's evaluation); missing values read as zero
/// (the caller checks lengths first). A product by a constant that [`fusable_products`]
/// folds into its reader is left as zero in the result (nothing else reads it).
pub(crate) fn eval_point<E: VerifierField>(air: &Air, p: &PointValues<'_, E>) -> Vec<E> {
    let fused = fusable_products(air);
    let mut vals: Vec<E> = Vec::with_capacity(air.nodes.len());
    let at = |s: &[E], i: u32| s.get(i as usize).copied().unwrap_or_else(E::zero);
    // A node's value, a folded product's computed for a reader whose other operand is
    // folded too.
    let value = |vals: &[E], k: u32| match fused[k as usize] {
        Some((x, c)) => vals[x as usize] * c,
        None => vals[k as usize],
    };
    for (i, n) in air.nodes.iter().enumerate() {
        let v = match *n {
            _ if fused[i].is_some() => E::zero(),
            Node::Add(a, b) => match (fused[a as usize], fused[b as usize]) {
                (Some((x, c)), _) => vals[x as usize].mul_base_add(c, value(&vals, b)),
                (None, Some((x, c))) => vals[x as usize].mul_base_add(c, vals[a as usize]),
                (None, None) => vals[a as usize] + vals[b as usize],
            },
            Node::Sub(a, b) => match fused[b as usize] {
                Some((x, c)) => vals[x as usize].mul_base_add(-c, vals[a as usize]),
                None => vals[a as usize] - vals[b as usize],
            },
            Node::Const(c) => E::from_base(c),
            Node::Public(k) => E::from_base(p.publics.get(k as usize).copied().unwrap_or_default()),
            Node::Challenge(c) => p.challenges.get(c),
            Node::Main { col, next } => at(if next { p.main_next } else { p.main }, col),
            Node::IsFirst => p.is_first,
            Node::IsLast => p.is_last,
            Node::IsTransition => p.is_transition,
            // A product with a constant (most of an affine combination) scales by a base
            // element: the same value as the extension product, a fifth of the work.
            Node::Mul(a, b) => match (air.nodes[a as usize], air.nodes[b as usize]) {
                (Node::Const(c), _) => vals[b as usize] * c,
                (_, Node::Const(c)) => vals[a as usize] * c,
                _ => vals[a as usize] * vals[b as usize],
            },
            Node::Neg(a) => -vals[a as usize],
        };
        vals.push(v);
    }
    vals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BusId;
    use crate::air::AirBuilder;

    /// Every node evaluated as written: a product and a sum for `x * c + y`.
    fn eval_plain(air: &Air, p: &PointValues<'_>) -> Vec<Ext5> {
        let mut vals: Vec<Ext5> = Vec::with_capacity(air.nodes.len());
        let at = |s: &[Ext5], i: u32| s.get(i as usize).copied().unwrap_or(Ext5::ZERO);
        for n in &air.nodes {
            let v = match *n {
                Node::Const(c) => Ext5::from_base(c),
                Node::Public(k) => Ext5::from_base(p.publics[k as usize]),
                Node::Challenge(c) => p.challenges.get(c),
                Node::Main { col, next } => at(if next { p.main_next } else { p.main }, col),
                Node::IsFirst => p.is_first,
                Node::IsLast => p.is_last,
                Node::IsTransition => p.is_transition,
                Node::Add(a, b) => vals[a as usize] + vals[b as usize],
                Node::Sub(a, b) => vals[a as usize] - vals[b as usize],
                Node::Mul(a, b) => vals[a as usize] * vals[b as usize],
                Node::Neg(a) => -vals[a as usize],
            };
            vals.push(v);
        }
        vals
    }

    fn ext(seed: u64) -> Ext5 {
        Ext5::new(core::array::from_fn(|k| {
            KoalaBear::from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20 ^ k as u64)
        }))
    }

    /// Products by constants folded into their readers (`x * c + y`, `y - x * c`, both
    /// operands of a sum, chains of sums) give every constraint, multiplicity and
    /// denominator the plain evaluation's value; products read twice, from the left of a
    /// difference, by a product or as a constraint are evaluated as written.
    #[test]
    fn folded_products_give_the_plain_values() {
        let b = AirBuilder::new("fold");
        let c = b.columns("c", 6);
        let k = |x: u32| KoalaBear::new(x);
        let m = |i: usize| b.main(c[i]);
        // A linear layer row: sum of c_j * x_j, both operands of the first sum folded.
        let row = m(0) * k(3) + m(1) * k(5) + m(2) * k(7) + m(3) * k(11);
        b.assert_zero(row * m(4) - m(5));
        // A product on the right of a difference (folded) and on the left (not).
        b.assert_zero(m(4) - m(0) * k(13));
        b.assert_zero(m(1) * k(17) - m(2));
        // A product read twice, and a product read by a product.
        let shared = m(3) * k(19);
        b.assert_zero(shared + m(0));
        b.assert_zero(shared + m(1));
        b.assert_zero((m(2) * k(23)) * m(5));
        // A product that is itself a constraint, and one in an interaction.
        b.assert_zero(m(5) * k(29));
        b.send(BusId(9), &[m(0) * k(31) + m(1)], m(2) * k(37) + m(3));
        let air = b.build(3).expect("test AIR");
        let fused = fusable_products(&air);
        assert!(fused.iter().flatten().count() >= 5, "{fused:?}");
        for seed in 0..8 {
            let main: Vec<Ext5> = (0..6).map(|i| ext(10 * seed + i)).collect();
            let next: Vec<Ext5> = (0..6).map(|i| ext(10 * seed + 6 + i)).collect();
            let p = PointValues {
                main: &main,
                main_next: &next,
                publics: &[],
                challenges: Challenges {
                    bus_alpha: ext(1000 + seed),
                    bus_beta: ext(2000 + seed),
                },
                is_first: ext(3000 + seed),
                is_last: ext(4000 + seed),
                is_transition: ext(5000 + seed),
            };
            let (got, want) = (eval_point(&air, &p), eval_plain(&air, &p));
            let read = air.constraints.iter().chain(
                air.interactions
                    .iter()
                    .flat_map(|it| [&it.multiplicity, &it.denominator]),
            );
            for &r in read {
                assert_eq!(got[r as usize], want[r as usize], "node {r}, seed {seed}");
            }
            for (i, f) in fused.iter().enumerate() {
                if f.is_none() {
                    assert_eq!(got[i], want[i], "node {i}, seed {seed}");
                }
            }
        }
    }
}
