//! Reading the Type-1 proofs a recursive proof takes in (the children of an aggregate, the
//! parts of a Type-2 merge): each header parsed and matched with its key list
//! ([`read_part`]), the trees' sizes counted against [`MAX_DEPTH`] and [`MAX_TREE_NODES`]
//! ([`TreeBudget`]), then every statement derived and v2 proof decoded, in parallel
//! ([`decode_parts`]). The callers check what differs between them (a child's message and
//! parameters against its parent's, a merge's parts against each other) between the steps.

use super::{MAX_DEPTH, MAX_TREE_NODES, Shape, Type1Proof, Type1Statement};
use crate::api::VerifyError;
use crate::in_order::in_order;
use crate::recursion::ChildStatement;
use crate::statement::params_v2;
use backend::Isa;
use lean_prover::v2::{ProofV2, decode_proof};
use rayon::prelude::*;
use xmss::PublicKey;

/// A part read: its header (with its shape, computed once) and its ordered key list.
pub(crate) struct ReadPart<'k> {
    /// The parsed header.
    pub(crate) proof: Type1Proof,
    /// Its shape ([`Type1Proof::shape`]).
    pub(crate) shape: Shape,
    /// The caller's key list for it.
    pub(crate) keys: &'k [PublicKey],
}

/// Parses `bytes` as a Type-1 of any kind for the key list `keys`.
///
/// # Errors
/// A malformed header, or [`VerifyError::KeyCount`] if `keys` is not as long as the header
/// says.
pub(crate) fn read_part<'k>(
    bytes: &[u8],
    keys: &'k [PublicKey],
) -> Result<ReadPart<'k>, VerifyError> {
    let proof = Type1Proof::from_bytes(bytes)?;
    if keys.len() != proof.num_keys() {
        return Err(VerifyError::KeyCount {
            proof: proof.num_keys(),
            keys: keys.len(),
        });
    }
    let shape = proof.shape();
    Ok(ReadPart { proof, shape, keys })
}

/// The aggregates of a tree being built from parts (the new top one included), against
/// [`MAX_DEPTH`] and [`MAX_TREE_NODES`].
pub(crate) struct TreeBudget {
    nodes: usize,
}

impl TreeBudget {
    /// A tree of the new top aggregate alone.
    pub(crate) fn new() -> TreeBudget {
        TreeBudget { nodes: 1 }
    }

    /// Adds a part of `shape` under the top; `false` if the tree then breaks a limit.
    pub(crate) fn admit(&mut self, shape: &Shape) -> bool {
        self.nodes += shape.nodes();
        shape.depth() < MAX_DEPTH && self.nodes <= MAX_TREE_NODES
    }
}

/// Every part's statement ([`Type1Statement::derive`] from its keys and shape: the limits of
/// its tree checked first) and decoded v2 proof at the parts' rate `log_inv_rate`, in
/// parallel, in order.
///
/// # Errors
/// The first part (by position) whose statement cannot be derived or whose proof bytes do
/// not decode for it ([`VerifyError::Rejected`]), with its position.
pub(crate) fn decode_parts(
    isa: Isa,
    config: xmss::Config,
    log_inv_rate: usize,
    parts: &[ReadPart<'_>],
) -> Result<Vec<(Type1Statement, ProofV2)>, (usize, VerifyError)> {
    let params = params_v2(log_inv_rate);
    in_order(parts.par_iter().enumerate().map(|(index, p)| {
        let st = Type1Statement::derive(
            isa,
            config,
            log_inv_rate,
            p.proof.message(),
            p.proof.slot(),
            p.keys,
            &p.shape,
        )
        .map_err(|e| (index, e))?;
        let proof = decode_proof(
            &params,
            &st.instances(),
            &st.lookups(),
            p.proof.proof_bytes(),
        )
        .map_err(|e| (index, VerifyError::Rejected(e)))?;
        Ok((st, proof))
    }))
}
