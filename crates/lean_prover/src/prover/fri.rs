//! Step 7 of the protocol (crate docs): the FRI commit phase and the final polynomial. Starting
//! from the tallest input, every layer is committed (each leaf holds the `a` sibling evaluations),
//! `beta` is sampled, the layer is folded by its arity and the next input of that height is added
//! with `beta^a`; the last layer is interpolated into the final polynomial, whose coefficients are
//! observed in the clear.

use super::matrix::{flatten, scale_rows_by_powers};
use super::options::ProveError;
use crate::fri::{self, Folder};
use crate::layout::Layout;
use crate::params::StarkParams;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::{self, ext};
use backend::merkle::{Digest, Matrix, MerkleTree};
use backend::ntt;
use backend::{Isa, KoalaBear};
use rayon::prelude::*;

/// What the commit phase leaves: one tree (and root) per layer, and the last folded layer.
pub(super) struct FriLayers {
    /// The layers' trees, tallest first.
    pub(super) trees: Vec<MerkleTree>,
    /// Their roots, in the same order.
    pub(super) roots: Vec<Digest>,
    /// The evaluations of the last fold, on the final domain (bit-reversed order).
    pub(super) last: Vec<Ext5>,
}

/// Runs the commit phase of step 7 on the transcript: commits and folds every layer of
/// [`Layout::fri_layers`](crate::layout::Layout) on the DEEP inputs (tallest first).
///
/// # Errors
/// [`ProveError::Merkle`] if a commitment fails.
pub(super) fn commit_layers(
    isa: Isa,
    layout: &Layout,
    inputs: Vec<(usize, Vec<Ext5>)>,
    ch: &mut Challenger,
) -> Result<FriLayers, ProveError> {
    let log_max = layout.log_max;
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
    Ok(FriLayers {
        trees: fri_trees,
        roots: fri_roots,
        last: f,
    })
}

/// Ends step 7 on the transcript: the final polynomial's coefficients from the last layer
/// `f`, observed one by one.
pub(super) fn final_polynomial(
    isa: Isa,
    params: &StarkParams,
    layout: &Layout,
    f: &[Ext5],
    ch: &mut Challenger,
) -> Vec<Ext5> {
    let log_max = layout.log_max;
    let final_len = layout.final_len(params);
    let mut fin = flatten(f);
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
    final_poly
}
