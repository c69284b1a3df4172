//! Benchmark and test fixtures: many valid (public key, signature) pairs for one message and
//! epoch, generated fast and deterministically without key generation.
//!
//! Each fixture draws its parameter, chain starts and co-path from a SHAKE128 stream of
//! `(seed, index)`; the randomness is searched as in signing (spec 6.4 step 1) from candidates
//! of another stream; the revealed values and chain ends come from walking the chains; the
//! root is the Merkle walk from the leaf along the random co-path. Such a public key is a
//! valid key for exactly this one leaf (nobody knows the rest of its tree), which is all that
//! verification and aggregation look at.

use crate::hash::{
    ChainJob, leaf_hash_batch, tree_node_batch, tree_node_input, walk_chains_batch,
    write_leaf_input,
};
use crate::keys::grind;
use crate::params::{BASE, Config, Digest, HASH_LEN, Parameter};
use crate::prf::XofStream;
use crate::ssz::{PublicKey, Signature};
use backend::Isa;
use backend::KoalaBear as F;
use rayon::prelude::*;

/// Why fixtures could not be generated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FixtureError {
    /// The epoch is not below the lifetime `2^h`.
    #[error("epoch {epoch} is out of range: the lifetime is {lifetime} epochs")]
    EpochOutOfRange {
        /// The epoch.
        epoch: u64,
        /// `2^h`.
        lifetime: u64,
    },
    /// No randomness candidate gave a valid codeword (probability about 2^-100).
    #[error("fixture {index}: no valid encoding within MAX_TRIES candidates")]
    NoEncoding {
        /// Index of the fixture.
        index: u64,
    },
}

/// Domain string of the fixture streams.
const FIXTURE_DOMAIN: &[u8] = b"multisig/xmss/fixture/v1";
/// Fixtures per rayon task.
const BLOCK: usize = 64;

/// `n` valid (public key, signature) pairs on `message` at `epoch`, deterministic in
/// (`config`, `seed`, index) and identical on every `isa`. Fails only if `epoch` is outside the
/// lifetime (or, with negligible probability, if no randomness is found).
pub fn generate(
    isa: Isa,
    config: Config,
    seed: u64,
    n: usize,
    message: &[u8; 32],
    epoch: u32,
) -> Result<Vec<(PublicKey, Signature)>, FixtureError> {
    if epoch as u64 >= config.lifetime() {
        return Err(FixtureError::EpochOutOfRange {
            epoch: epoch as u64,
            lifetime: config.lifetime(),
        });
    }
    let indices: Vec<u64> = (0..n as u64).collect();
    let blocks: Vec<Result<Vec<(PublicKey, Signature)>, FixtureError>> = indices
        .par_chunks(BLOCK)
        .map(|idx| generate_block(isa, config, seed, idx, message, epoch))
        .collect();
    let mut out = Vec::with_capacity(n);
    for b in blocks {
        out.extend(b?);
    }
    Ok(out)
}

fn generate_block(
    isa: Isa,
    config: Config,
    seed: u64,
    indices: &[u64],
    message: &[u8; 32],
    epoch: u32,
) -> Result<Vec<(PublicKey, Signature)>, FixtureError> {
    let v = config.num_chains();
    let h = config.log_lifetime();
    let mut params: Vec<Parameter> = Vec::with_capacity(indices.len());
    let mut paths: Vec<Vec<Digest>> = Vec::with_capacity(indices.len());
    let mut rhos = Vec::with_capacity(indices.len());
    let mut jobs = Vec::with_capacity(indices.len() * v);
    for &i in indices {
        let mut s = XofStream::new(&[
            FIXTURE_DOMAIN,
            b"key",
            &seed.to_be_bytes(),
            &i.to_be_bytes(),
        ]);
        let parameter: Parameter = s.fes();
        let starts: Vec<Digest> = (0..v).map(|_| s.fes()).collect();
        let path: Vec<Digest> = (0..h).map(|_| s.fes()).collect();
        let (rho, x, _) = grind(isa, config, &parameter, epoch, message, |c| {
            XofStream::new(&[
                FIXTURE_DOMAIN,
                b"rho",
                &seed.to_be_bytes(),
                &i.to_be_bytes(),
                &c.to_be_bytes(),
            ])
            .fes()
        })
        .ok_or(FixtureError::NoEncoding { index: i })?;
        for (c, (start, &xi)) in starts.iter().zip(&x).enumerate() {
            jobs.push(ChainJob {
                value: *start,
                parameter,
                epoch,
                chain: c as u8,
                from: 0,
                to: xi,
            });
        }
        params.push(parameter);
        paths.push(path);
        rhos.push(rho);
    }
    // Reveal values at x_i, then on to the chain ends.
    walk_chains_batch(isa, &mut jobs);
    let revealed: Vec<Digest> = jobs.iter().map(|j| j.value).collect();
    for j in jobs.iter_mut() {
        j.from = j.to;
        j.to = (BASE - 1) as u8;
    }
    walk_chains_batch(isa, &mut jobs);
    let len = config.leaf_input_len();
    let mut inputs = vec![F::ZERO; indices.len() * len];
    let mut ends = vec![[F::ZERO; HASH_LEN]; v];
    for (k, dst) in inputs.chunks_exact_mut(len).enumerate() {
        for (e, j) in ends.iter_mut().zip(&jobs[k * v..(k + 1) * v]) {
            *e = j.value;
        }
        write_leaf_input(&params[k], epoch, &ends, dst);
    }
    let mut nodes = vec![[F::ZERO; HASH_LEN]; indices.len()];
    leaf_hash_batch(isa, config, &inputs, &mut nodes);
    let mut node_inputs = vec![[F::ZERO; 24]; indices.len()];
    let mut pos = epoch as u64;
    // `l` is the tree level (it also names the tweak), not just an index.
    #[allow(clippy::needless_range_loop)]
    for l in 0..h {
        let odd = pos & 1 == 1;
        pos >>= 1;
        for (k, inp) in node_inputs.iter_mut().enumerate() {
            let sib = &paths[k][l];
            let node = &nodes[k];
            let (left, right) = if odd { (sib, node) } else { (node, sib) };
            *inp = tree_node_input(&params[k], (l + 1) as u8, pos as u32, left, right);
        }
        tree_node_batch(isa, &node_inputs, &mut nodes);
    }
    Ok((0..indices.len())
        .map(|k| {
            (
                PublicKey {
                    root: nodes[k],
                    parameter: params[k],
                },
                Signature {
                    path: paths[k].clone(),
                    rho: rhos[k],
                    hashes: revealed[k * v..(k + 1) * v].to_vec(),
                },
            )
        })
        .collect())
}
