//! Step 4 of the protocol (crate docs): the quotients. Samples `alpha`, folds every table's
//! constraints into `C = sum_i alpha^i C_i` on its quotient domain, divides by `Z_H`, splits the
//! quotient into chunks of degree below the trace height, and commits their LDEs in one tree whose
//! root the transcript observes.

use super::domain::quotient_domain;
use super::logup::BusPhase;
use super::matrix::{flatten, scale_rows_by_powers};
use super::options::ProveError;
use crate::air::{Air, Challenges};
use crate::balance::inv_height;
use crate::eval::{self, Domain};
use crate::layout::{Layout, TableLayout};
use crate::params::StarkParams;
use crate::statement::TableWitness;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::ext;
use backend::merkle::{Matrix, MerkleTree};
use backend::ntt::{self, Order};
use backend::{Isa, KoalaBear};

/// What step 4 leaves for the later steps.
pub(super) struct Quotients {
    /// Per table, the chunks' coefficients: `n x 5 chunks`, row-major.
    pub(super) coeffs: Vec<Vec<KoalaBear>>,
    /// The commitment to the chunks' LDEs.
    pub(super) tree: MerkleTree,
}

/// Runs step 4 on the transcript.
///
/// # Errors
/// [`ProveError::Merkle`] if the commitment fails.
pub(super) fn commit_quotients(
    isa: Isa,
    params: &StarkParams,
    layout: &Layout,
    tables: &[TableWitness<'_>],
    main_tree: &MerkleTree,
    bus: &BusPhase,
    ch: &mut Challenger,
) -> Result<Quotients, ProveError> {
    let log_max = layout.log_max;
    let alpha = ch.sample_ext();
    let mut quotient_coeffs = Vec::with_capacity(tables.len());
    let mut quotient_ldes = Vec::with_capacity(tables.len());
    let aux_matrices = bus.aux_tree.as_ref().map(|t| t.matrices());
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
        let aux_q = match (tl.aux_index, &bus.aux_traces[t], aux_matrices) {
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
        let mut tc = bus.challenges;
        if let Some(a) = &bus.aux_traces[t] {
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
    Ok(Quotients {
        coeffs: quotient_coeffs,
        tree: quotient_tree,
    })
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
