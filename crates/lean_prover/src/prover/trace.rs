//! Step 2 of the protocol (crate docs): the low-degree extension of every table's main trace on its
//! coset (bit-reversed rows), committed in one mixed-height Merkle tree whose root the transcript
//! observes.

use super::options::ProveError;
use crate::layout::Layout;
use crate::params::StarkParams;
use crate::statement::TableWitness;
use backend::Isa;
use backend::challenger::Challenger;
use backend::merkle::{Matrix, MerkleTree};
use backend::ntt::{self, Order};

/// Commits the main traces and observes the root.
///
/// # Errors
/// [`ProveError::Merkle`] if the commitment fails.
pub(super) fn commit_main(
    isa: Isa,
    params: &StarkParams,
    layout: &Layout,
    tables: &[TableWitness<'_>],
    ch: &mut Challenger,
) -> Result<MerkleTree, ProveError> {
    let log_max = layout.log_max;
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
    Ok(main_tree)
}
