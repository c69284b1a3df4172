//! Step 6 of the protocol (crate docs): DEEP batching. Samples one independent coefficient
//! `gamma_k` per (polynomial, point) term and builds, for every LDE height `N`, the FRI input
//! `f_N(x) = sum_k gamma_k (p_k(x) - v_k) / (x - zeta_k)` over the tables of that height, from the
//! committed LDEs (bit-reversed order).

use super::domain::bit_reversed_points;
use crate::deep::{DeepCoeffs, dot_cols, ext_base_cols};
use crate::layout::Layout;
use crate::proof::TableOpenings;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::ext;
use backend::merkle::MerkleTree;
use backend::{Isa, KoalaBear};
use rayon::prelude::*;

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

/// The three commitments of the trace and quotient LDEs, which DEEP batching reads and the
/// queries open.
#[derive(Copy, Clone)]
pub(super) struct Commitments<'a> {
    /// The main traces' LDEs.
    pub(super) main: &'a MerkleTree,
    /// The auxiliary traces' LDEs, if any table has one.
    pub(super) aux: Option<&'a MerkleTree>,
    /// The quotient chunks' LDEs.
    pub(super) quotient: &'a MerkleTree,
}

/// Runs step 6 on the transcript: the FRI inputs `(log2 height, evaluations)`, tallest
/// first.
pub(super) fn fri_inputs(
    isa: Isa,
    layout: &Layout,
    trees: Commitments<'_>,
    openings: &[TableOpenings],
    z: Ext5,
    ch: &mut Challenger,
) -> Vec<(usize, Vec<Ext5>)> {
    let log_max = layout.log_max;
    let aux_matrices = trees.aux.map(|t| t.matrices());
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
                trees.main.matrices()[t].values(),
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
                trees.quotient.matrices()[t].values(),
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
    inputs
}
