//! Step 5 of the protocol (crate docs): the out-of-domain openings. Samples `z` (rejected in the
//! base field), evaluates every main and auxiliary column at `z`, the columns read at the next row
//! at `z w`, and every quotient chunk at `z`, and observes them all in one bulk observation.

use super::logup::BusPhase;
use super::matrix::{combine_rows, select_columns};
use super::options::ProveError;
use super::quotient::Quotients;
use crate::deep::{ext_base_cols, recombine};
use crate::layout::Layout;
use crate::proof::TableOpenings;
use crate::statement::TableWitness;
use crate::transcript::observe_openings;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::ext;
use backend::{Isa, KoalaBear};

/// Runs step 5 on the transcript: returns `z` and every table's openings.
///
/// # Errors
/// [`ProveError::DegenerateChallenge`] if `z` lies in the base field.
pub(super) fn open_at_z(
    isa: Isa,
    layout: &Layout,
    tables: &[TableWitness<'_>],
    bus: &BusPhase,
    quotients: &Quotients,
    ch: &mut Challenger,
) -> Result<(Ext5, Vec<TableOpenings>), ProveError> {
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
        let (aux, aux_next) = match &bus.aux_traces[t] {
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
        let qz = combine_rows(isa, &zpows, &quotients.coeffs[t], 5 * tl.chunks);
        let quotient = qz.chunks(5).map(recombine).collect();
        openings.push(TableOpenings {
            main,
            main_next,
            aux,
            aux_next,
            quotient,
        });
    }
    observe_openings(ch, isa, &openings);
    Ok((z, openings))
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
