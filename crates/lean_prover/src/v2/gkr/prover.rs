//! The GKR prover: builds the layers, then runs each layer's sumcheck (protocol in the
//! [module docs](super)).

use super::layer::{layer_q, next_claims};
use super::proof::{GkrClaim, GkrError, GkrLayerProof, GkrProof, MAX_VARIABLES};
use crate::v2::mle;
use backend::Isa;
use backend::KoalaBear;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::ext as kx;
use rayon::prelude::*;

/// Pairs per chunk of the round loop.
const CHUNK: usize = 1024;

/// Proves `sum_x numerators[x] / denominators[x]` on `ch`, returning the proof and the
/// claims it leaves on the input (which the verifier's [`super::verify`] also returns).
///
/// # Errors
/// [`GkrError::Input`] if the lengths differ or are not `2^G` with `G <= MAX_VARIABLES`.
pub fn prove(
    isa: Isa,
    numerators: Vec<Ext5>,
    denominators: Vec<Ext5>,
    ch: &mut Challenger,
) -> Result<(GkrProof, GkrClaim), GkrError> {
    let len = numerators.len();
    if len != denominators.len() || !len.is_power_of_two() || len > 1 << MAX_VARIABLES {
        return Err(GkrError::Input {
            numerators: len,
            denominators: denominators.len(),
        });
    }
    let g = len.trailing_zeros() as usize;
    // layers[j] = (N_j, D_j); built from the input down to the root.
    let mut layers = vec![(numerators, denominators)];
    for _ in 0..g {
        let next = combine(isa, layers.last().expect("at least the input layer"));
        layers.push(next);
    }
    layers.reverse();
    let root = [layers[0].0[0], layers[0].1[0]];
    ch.observe(KoalaBear::new(g as u32));
    ch.observe_ext(root[0]);
    ch.observe_ext(root[1]);

    let mut point: Vec<Ext5> = Vec::new();
    let (mut a, mut b) = (root[0], root[1]);
    let mut proofs = Vec::with_capacity(g);
    for (j, (mut n, mut d)) in layers.into_iter().enumerate().skip(1) {
        let lambda = ch.sample_ext();
        let half = n.len() / 2;
        // Each layer is used once: its halves are split off, not copied whole.
        let n_high = n.split_off(half);
        let d_high = d.split_off(half);
        let mut tables = [n, n_high, d, d_high];
        let mut claim = a + lambda * b;
        let (sumcheck, s) = layer_sumcheck(isa, &mut tables, &point, lambda, &mut claim, ch);
        let children = [tables[0][0], tables[1][0], tables[2][0], tables[3][0]];
        debug_assert_eq!(claim, layer_q(&children, lambda), "layer {}", j - 1);
        for &c in &children {
            ch.observe_ext(c);
        }
        let mu = ch.sample_ext();
        (a, b) = next_claims(&children, mu);
        point = std::iter::once(mu).chain(s).collect();
        proofs.push(GkrLayerProof { sumcheck, children });
    }
    let claim = GkrClaim {
        root,
        point,
        numerator: a,
        denominator: b,
    };
    Ok((
        GkrProof {
            root,
            layers: proofs,
        },
        claim,
    ))
}

/// The layer above `(n, d)`: `N = N_l D_h + N_h D_l`, `D = D_l D_h` over the two halves.
fn combine(isa: Isa, (n, d): &(Vec<Ext5>, Vec<Ext5>)) -> (Vec<Ext5>, Vec<Ext5>) {
    let half = n.len() / 2;
    let (nl, nh) = n.split_at(half);
    let (dl, dh) = d.split_at(half);
    let mut num = Ext5::zero_vec(half);
    let mut den = Ext5::zero_vec(half);
    num.par_chunks_mut(CHUNK)
        .zip(den.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(c, (num, den))| {
            let r = c * CHUNK..c * CHUNK + num.len();
            let mut t1 = Ext5::zero_vec(num.len());
            let mut t2 = Ext5::zero_vec(num.len());
            kx::mul(isa, &mut t1, &nl[r.clone()], &dh[r.clone()]);
            kx::mul(isa, &mut t2, &nh[r.clone()], &dl[r.clone()]);
            kx::add(isa, num, &t1, &t2);
            kx::mul(isa, den, &dl[r.clone()], &dh[r]);
        });
    (num, den)
}

/// The sumcheck of one layer over the four half tables `[N_l, N_h, D_l, D_h]` against
/// `eq(p, x)`: sends `[q(0), q(2)]` per round, folds the tables, and leaves the reduced claim
/// in `claim`. Returns the messages and the challenges.
fn layer_sumcheck(
    isa: Isa,
    tables: &mut [Vec<Ext5>; 4],
    p: &[Ext5],
    lambda: Ext5,
    claim: &mut Ext5,
    ch: &mut Challenger,
) -> (Vec<[Ext5; 2]>, Vec<Ext5>) {
    let mut msgs = Vec::with_capacity(p.len());
    let mut challenges = Vec::with_capacity(p.len());
    for i in 0..p.len() {
        let eq = match mle::eq_table(isa, &p[i + 1..]) {
            Ok(t) => t,
            Err(e) => unreachable!("a layer has at most MAX_VARIABLES variables: {e}"),
        };
        let msg = round_message(isa, tables, &eq, lambda);
        ch.observe_ext(msg[0]);
        ch.observe_ext(msg[1]);
        let s = ch.sample_ext();
        *claim = match crate::v2::eq_round::reduce(*claim, p[i], &msg, s) {
            Ok(c) => c,
            // The verifier rejects this proof too; the prover's claim is then irrelevant.
            Err(_) => Ext5::ZERO,
        };
        tables.par_iter_mut().for_each_init(Vec::new, |scratch, t| {
            if let Err(e) = mle::fold_first_in_place(isa, t, s, scratch) {
                unreachable!("a table with a variable left: {e}");
            }
        });
        msgs.push(msg);
        challenges.push(s);
    }
    (msgs, challenges)
}

/// `[q(0), q(2)]`, `q(X) = sum_x' eq[x'] Q(X, x')` on the current tables.
fn round_message(isa: Isa, tables: &[Vec<Ext5>; 4], eq: &[Ext5], lambda: Ext5) -> [Ext5; 2] {
    let half = eq.len();
    (0..half.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let r = c * CHUNK..((c + 1) * CHUNK).min(half);
            let m = r.len();
            let lo = |t: usize| &tables[t][r.clone()];
            let hi = |t: usize| &tables[t][half + r.start..half + r.end];
            let e = &eq[r.clone()];
            let q0 = q_dot(isa, e, [lo(0), lo(1), lo(2), lo(3)], lambda, m);
            // Values at X = 2: 2 hi - lo.
            let at2: Vec<Vec<Ext5>> = (0..4)
                .map(|t| {
                    let mut d = Ext5::zero_vec(m);
                    kx::sub(isa, &mut d, hi(t), lo(t));
                    let mut out = Ext5::zero_vec(m);
                    kx::add(isa, &mut out, hi(t), &d);
                    out
                })
                .collect();
            let q2 = q_dot(isa, e, [&at2[0], &at2[1], &at2[2], &at2[3]], lambda, m);
            [q0, q2]
        })
        .reduce(|| [Ext5::ZERO; 2], |x, y| [x[0] + y[0], x[1] + y[1]])
}

/// `sum_x e[x] (N_l D_h + N_h D_l + lambda D_l D_h)[x]` over one chunk.
fn q_dot(isa: Isa, e: &[Ext5], [nl, nh, dl, dh]: [&[Ext5]; 4], lambda: Ext5, m: usize) -> Ext5 {
    let mut t = Ext5::zero_vec(m);
    kx::mul(isa, &mut t, nl, dh);
    let mut acc = kx::dot(isa, e, &t);
    kx::mul(isa, &mut t, nh, dl);
    acc += kx::dot(isa, e, &t);
    kx::mul(isa, &mut t, dl, dh);
    acc + lambda * kx::dot(isa, e, &t)
}
