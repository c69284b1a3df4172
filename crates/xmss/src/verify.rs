//! Verification (spec section 7): many signatures on one (message, epoch) in lockstep on the
//! dispatched batched kernels ([`verify_batch`]), one signature ([`verify`]), and a step-by-step
//! textbook reference ([`verify_reference`]) for cross-checking.

use crate::encoding::{
    EncodingError, codeword_from_hash, message_hash, message_hash_input, message_to_fes,
};
use crate::hash::{
    ChainJob, leaf_hash, leaf_hash_batch, tree_node, tree_node_batch, tree_node_input, walk_chain,
    walk_chains_batch, write_leaf_input,
};
use crate::params::{BASE, Config, Digest, HASH_LEN};
use crate::ssz::{PublicKey, Signature};
use backend::Isa;
use backend::KoalaBear as F;
use backend::poseidon::compress_24_batch;
use rayon::prelude::*;

/// Why a signature is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The epoch (slot) is not below the lifetime `2^h`.
    #[error("epoch {epoch} is out of range: the key lifetime is {lifetime} epochs")]
    EpochOutOfRange {
        /// The epoch.
        epoch: u64,
        /// `2^h`.
        lifetime: u64,
    },
    /// The co-path does not have `h` siblings.
    #[error("signature path has {actual} siblings, expected {expected}")]
    WrongPathLength {
        /// `h`.
        expected: usize,
        /// Siblings in the signature.
        actual: usize,
    },
    /// The signature does not have `V` chain values.
    #[error("signature has {actual} chain hashes, expected {expected}")]
    WrongHashCount {
        /// `V`.
        expected: usize,
        /// Hashes in the signature.
        actual: usize,
    },
    /// The message hash hits the aborting value `p - 1` (no codeword).
    #[error("message hash aborts: element {index} is {value} (>= Q*8^8)")]
    MessageHashAbort {
        /// Index of the message-hash element.
        index: usize,
        /// Its value.
        value: u32,
    },
    /// The codeword digits do not add up to the target sum.
    #[error("codeword digits sum to {sum}, the target sum is {expected}")]
    TargetSumMismatch {
        /// Digit sum.
        sum: usize,
        /// Target sum of the configuration.
        expected: usize,
    },
    /// The recomputed Merkle root differs from the public key's root.
    #[error("recomputed Merkle root does not match the public key root")]
    RootMismatch,
}

impl From<EncodingError> for VerifyError {
    fn from(e: EncodingError) -> Self {
        match e {
            EncodingError::Abort { index, value } => VerifyError::MessageHashAbort { index, value },
            EncodingError::TargetSumMismatch { sum, expected } => {
                VerifyError::TargetSumMismatch { sum, expected }
            }
        }
    }
}

/// Spec 7.1 and 7.2: epoch range and list lengths.
fn check_shape(config: Config, epoch: u32, sig: &Signature) -> Result<(), VerifyError> {
    if epoch as u64 >= config.lifetime() {
        return Err(VerifyError::EpochOutOfRange {
            epoch: epoch as u64,
            lifetime: config.lifetime(),
        });
    }
    if sig.hashes.len() != config.num_chains() {
        return Err(VerifyError::WrongHashCount {
            expected: config.num_chains(),
            actual: sig.hashes.len(),
        });
    }
    if sig.path.len() != config.log_lifetime() {
        return Err(VerifyError::WrongPathLength {
            expected: config.log_lifetime(),
            actual: sig.path.len(),
        });
    }
    Ok(())
}

/// Merkle walk from `leaf` at index `epoch` with the co-path (spec 7.6), scalar.
pub(crate) fn merkle_root_from_path(
    pk_parameter: &crate::params::Parameter,
    epoch: u32,
    leaf: &Digest,
    path: &[Digest],
) -> Digest {
    let mut node = *leaf;
    let mut pos = epoch as u64;
    for (l, sibling) in path.iter().enumerate() {
        let (left, right) = if pos & 1 == 0 {
            (&node, sibling)
        } else {
            (sibling, &node)
        };
        pos >>= 1;
        node = tree_node(pk_parameter, (l + 1) as u8, pos as u32, left, right);
    }
    node
}

/// Verifies one signature (spec section 7) on the process-wide instruction set
/// (`MULTISIG_ISA` or the best available; the scalar path if that variable is invalid, so this
/// never panics). Same answers as [`verify_reference`] and [`verify_batch`].
pub fn verify(
    config: Config,
    pk: &PublicKey,
    epoch: u32,
    message: &[u8; 32],
    sig: &Signature,
) -> Result<(), VerifyError> {
    let isa = Isa::selected().unwrap_or_else(|_| Isa::scalar());
    verify_batch(isa, config, message, epoch, &[(pk, sig)])
        .pop()
        .unwrap_or(Err(VerifyError::RootMismatch))
}

/// Verifies one signature (spec section 7) step by step with the textbook scalar Poseidon1
/// (`backend::poseidon::compress_*`, dense MDS): slow, independent of the batched kernels,
/// kept as the reference that tests compare [`verify`] and [`verify_batch`] with.
pub fn verify_reference(
    config: Config,
    pk: &PublicKey,
    epoch: u32,
    message: &[u8; 32],
    sig: &Signature,
) -> Result<(), VerifyError> {
    check_shape(config, epoch, sig)?;
    let h = message_hash(&pk.parameter, epoch, &sig.rho, &message_to_fes(message));
    let x = codeword_from_hash(config, &h)?;
    let ends: Vec<Digest> = sig
        .hashes
        .iter()
        .zip(&x)
        .enumerate()
        .map(|(i, (y, &xi))| walk_chain(&pk.parameter, epoch, i as u8, y, xi, (BASE - 1) as u8))
        .collect();
    let leaf = leaf_hash(config, &pk.parameter, epoch, &ends);
    let root = merkle_root_from_path(&pk.parameter, epoch, &leaf, &sig.path);
    if root == pk.root {
        Ok(())
    } else {
        Err(VerifyError::RootMismatch)
    }
}

/// Signatures per lockstep block of [`verify_batch`] (keeps the working set in cache).
const VERIFY_BLOCK: usize = 256;

/// Verifies many signatures on one `message` and `epoch`, returning one result per item in
/// order: the same answers as [`verify`] on each item, for every `isa`.
///
/// Signatures are processed in lockstep on the dispatched kernels, in blocks of 256 that run
/// in parallel: per block one `compress_24` batch for the message hashes, one `compress_16`
/// batch per chain position, one sponge batch for the leaves and one `compress_24` batch per
/// Merkle level.
pub fn verify_batch(
    isa: Isa,
    config: Config,
    message: &[u8; 32],
    epoch: u32,
    items: &[(&PublicKey, &Signature)],
) -> Vec<Result<(), VerifyError>> {
    let msg_fes = message_to_fes(message);
    // Blocks in parallel (each checks its signatures alone; the results keep their order).
    items
        .par_chunks(VERIFY_BLOCK)
        .flat_map_iter(|block| verify_block(isa, config, &msg_fes, epoch, block))
        .collect()
}

fn verify_block(
    isa: Isa,
    config: Config,
    msg_fes: &[F; 9],
    epoch: u32,
    items: &[(&PublicKey, &Signature)],
) -> Vec<Result<(), VerifyError>> {
    let v = config.num_chains();
    let mut results: Vec<Result<(), VerifyError>> = items
        .iter()
        .map(|(_, sig)| check_shape(config, epoch, sig))
        .collect();

    // Message hashes of the well-shaped items.
    let live: Vec<usize> = (0..items.len()).filter(|&i| results[i].is_ok()).collect();
    let mh_inputs: Vec<[F; 24]> = live
        .iter()
        .map(|&i| message_hash_input(&items[i].0.parameter, epoch, &items[i].1.rho, msg_fes))
        .collect();
    let mut mh_out = vec![[F::ZERO; HASH_LEN]; live.len()];
    if !live.is_empty() {
        compress_24_batch::<HASH_LEN>(isa, &mh_inputs, &mut mh_out);
    }
    let mut jobs = Vec::with_capacity(live.len() * v);
    let mut walking = Vec::with_capacity(live.len());
    for (&i, h) in live.iter().zip(&mh_out) {
        match codeword_from_hash(config, h) {
            Ok(x) => {
                let (pk, sig) = items[i];
                walking.push(i);
                for (c, (y, &xi)) in sig.hashes.iter().zip(&x).enumerate() {
                    jobs.push(ChainJob {
                        value: *y,
                        parameter: pk.parameter,
                        epoch,
                        chain: c as u8,
                        from: xi,
                        to: (BASE - 1) as u8,
                    });
                }
            }
            Err(e) => results[i] = Err(e.into()),
        }
    }
    if walking.is_empty() {
        return results;
    }

    // Chains in lockstep, then the leaves.
    walk_chains_batch(isa, &mut jobs);
    let leaf_len = config.leaf_input_len();
    let mut leaf_inputs = vec![F::ZERO; walking.len() * leaf_len];
    let mut ends = vec![[F::ZERO; HASH_LEN]; v];
    for ((k, &i), dst) in walking
        .iter()
        .enumerate()
        .zip(leaf_inputs.chunks_exact_mut(leaf_len))
    {
        for (e, j) in ends.iter_mut().zip(&jobs[k * v..(k + 1) * v]) {
            *e = j.value;
        }
        write_leaf_input(&items[i].0.parameter, epoch, &ends, dst);
    }
    let mut nodes = vec![[F::ZERO; HASH_LEN]; walking.len()];
    leaf_hash_batch(isa, config, &leaf_inputs, &mut nodes);

    // Merkle levels in lockstep (all items share the epoch, so the same left/right order).
    let mut inputs = vec![[F::ZERO; 24]; walking.len()];
    let mut pos = epoch as u64;
    for l in 0..config.log_lifetime() {
        let odd = pos & 1 == 1;
        pos >>= 1;
        for ((inp, node), &i) in inputs.iter_mut().zip(&nodes).zip(&walking) {
            let (pk, sig) = items[i];
            let sib = &sig.path[l];
            let (left, right) = if odd { (sib, node) } else { (node, sib) };
            *inp = tree_node_input(&pk.parameter, (l + 1) as u8, pos as u32, left, right);
        }
        tree_node_batch(isa, &inputs, &mut nodes);
    }
    for (node, &i) in nodes.iter().zip(&walking) {
        if *node != items[i].0.root {
            results[i] = Err(VerifyError::RootMismatch);
        }
    }
    results
}
