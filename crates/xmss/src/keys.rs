//! Secret keys, key generation, signing and the sliding preparation window (spec section 6),
//! with the leanSig/leanSpec secret-key SSZ layout of spec 6.5.
//!
//! The Merkle tree of depth `h` is split into bottom trees of `2^(h/2)` leaves (levels
//! `0..=h/2`) and one top tree (levels `h/2..=h`). A secret key holds the top tree (only the
//! part above its activation range, padded with random nodes) and two consecutive full bottom
//! trees, the "prepared" window of `2 * 2^(h/2)` epochs that it can sign in right now.
//! [`SecretKey::advance_preparation`] slides that window forward by one bottom tree.

use crate::encoding::{codeword_from_hash, message_hash_input, message_to_fes};
use crate::hash::{
    ChainJob, leaf_hash_batch, tree_node_batch, tree_node_input, walk_chains_batch,
    write_leaf_input,
};
use crate::params::{BASE, Config, HASH_LEN, MAX_TRIES, PARAMETER_LEN};
use crate::prf::{chain_start, padding_node, randomness, seed_to_key_material};
use crate::ssz::{DecodeError, PublicKey, Reader, Signature, put_fes, put_offset, read_parameter};
use crate::{Digest, F, Parameter, PrfKey, Rho};
use backend::Isa;
use backend::poseidon::compress_24_batch;
use rayon::prelude::*;
use std::ops::Range;

/// One layer of a stored subtree: consecutive nodes starting at `start_index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashTreeLayer {
    /// Index (within its level) of the first node.
    pub start_index: u64,
    /// The nodes.
    pub nodes: Vec<Digest>,
}

/// A stored part of the Merkle tree: layers `lowest_layer..=depth` (bottom trees stop at
/// `h/2`, their last layer holding only their root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashSubTree {
    /// Depth of the whole tree (`h`).
    pub depth: u64,
    /// Level of `layers[0]`.
    pub lowest_layer: u64,
    /// Layers from `lowest_layer` upwards.
    pub layers: Vec<HashTreeLayer>,
}

impl HashSubTree {
    /// The node at (`level`, `index`) if this subtree stores it.
    pub fn node(&self, level: u64, index: u64) -> Option<&Digest> {
        let layer = self
            .layers
            .get(usize::try_from(level.checked_sub(self.lowest_layer)?).ok()?)?;
        let off = index.checked_sub(layer.start_index)?;
        layer.nodes.get(usize::try_from(off).ok()?)
    }

    /// The first node of the highest stored layer (the root of a bottom tree, or of the whole
    /// tree for a top tree).
    pub fn root(&self) -> Option<&Digest> {
        self.layers.last()?.nodes.first()
    }

    fn to_ssz(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.depth.to_le_bytes());
        out.extend_from_slice(&self.lowest_layer.to_le_bytes());
        put_offset(out, 20);
        let mut off = 4 * self.layers.len();
        for l in &self.layers {
            put_offset(out, off);
            off += 12 + 32 * l.nodes.len();
        }
        for l in &self.layers {
            out.extend_from_slice(&l.start_index.to_le_bytes());
            put_offset(out, 12);
            for d in &l.nodes {
                put_fes(out, d);
            }
        }
    }

    /// Decodes a subtree that must have the given depth, lowest layer and `n` layers.
    fn from_ssz(
        r: &Reader<'_>,
        what: &str,
        depth: u64,
        lowest_layer: u64,
        n: usize,
    ) -> Result<Self, DecodeError> {
        let d = r.u64(&format!("{what} depth"), 0)?;
        if d != depth {
            return Err(DecodeError::Invalid {
                what: format!("{what} depth"),
                at: r.abs(0),
                reason: format!("depth {d}, expected {depth}"),
            });
        }
        let low = r.u64(&format!("{what} lowest_layer"), 8)?;
        if low != lowest_layer {
            return Err(DecodeError::Invalid {
                what: format!("{what} lowest_layer"),
                at: r.abs(8),
                reason: format!("lowest layer {low}, expected {lowest_layer}"),
            });
        }
        r.exact_offset(&format!("{what} offset of layers"), 16, 20)?;
        let list = r.sub(&format!("{what} layers"), 20, r.len())?;
        list.exact_offset(&format!("{what} layers[0] offset"), 0, 4 * n)?;
        let mut offsets = Vec::with_capacity(n + 1);
        for i in 0..n {
            let min = offsets.last().copied().unwrap_or(4 * n);
            offsets.push(list.ranged_offset(
                &format!("{what} layers[{i}] offset"),
                4 * i,
                min,
                list.len(),
            )?);
        }
        offsets.push(list.len());
        let mut layers = Vec::with_capacity(n);
        for i in 0..n {
            let lw = format!("{what} layers[{i}]");
            let lr = list.sub(&lw, offsets[i], offsets[i + 1])?;
            let start_index = lr.u64(&format!("{lw} start_index"), 0)?;
            lr.exact_offset(&format!("{lw} offset of nodes"), 8, 12)?;
            let nodes = lr
                .sub(&format!("{lw} nodes"), 12, lr.len())?
                .digest_list(&format!("{lw} nodes"))?;
            let level = lowest_layer + i as u64;
            // Layers are padded to an even length, so the root layer may hold a second node.
            let width = (1u64 << (depth - level)).max(2);
            if nodes.is_empty() || start_index >= width || nodes.len() as u64 > width - start_index
            {
                return Err(DecodeError::Invalid {
                    what: lw,
                    at: lr.abs(0),
                    reason: format!(
                        "{} nodes from index {start_index} do not fit level {level} ({width} slots)",
                        nodes.len()
                    ),
                });
            }
            layers.push(HashTreeLayer { start_index, nodes });
        }
        Ok(HashSubTree {
            depth,
            lowest_layer,
            layers,
        })
    }
}

/// Why key generation was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The requested activation range is empty or exceeds the lifetime.
    #[error(
        "activation range {activation_epoch} + {num_active_epochs} epochs is invalid for lifetime {lifetime}: {reason}"
    )]
    InvalidActivation {
        /// Requested first epoch.
        activation_epoch: u64,
        /// Requested number of epochs.
        num_active_epochs: u64,
        /// `2^h`.
        lifetime: u64,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Why signing failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The epoch is outside the key's activation range.
    #[error("epoch {epoch} is outside the key's activation range {start}..{end}")]
    OutsideActivation {
        /// The epoch.
        epoch: u64,
        /// First active epoch.
        start: u64,
        /// One past the last active epoch.
        end: u64,
    },
    /// The epoch is active but not in the prepared window (call `advance_preparation`).
    #[error("epoch {epoch} is not in the prepared window {start}..{end} (advance the preparation)")]
    NotPrepared {
        /// The epoch.
        epoch: u64,
        /// First prepared epoch.
        start: u64,
        /// One past the last prepared epoch.
        end: u64,
    },
    /// No randomness within `MAX_TRIES` attempts gave a valid codeword.
    #[error("no valid encoding found in {tries} attempts")]
    NoEncoding {
        /// Attempts made.
        tries: u64,
    },
    /// The secret key lacks a node the signature needs (inconsistent decoded key).
    #[error("secret key is inconsistent: missing tree node at level {level}, index {index}")]
    MissingNode {
        /// Level of the node.
        level: u64,
        /// Index of the node.
        index: u64,
    },
}

/// A secret key (leanSig `GeneralizedXMSSSecretKey`). Its `Debug` output omits the PRF key.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey {
    config: Config,
    prf_key: PrfKey,
    parameter: Parameter,
    activation_epoch: u64,
    num_active_epochs: u64,
    top_tree: HashSubTree,
    left_bottom_tree_index: u64,
    left_bottom_tree: HashSubTree,
    right_bottom_tree: HashSubTree,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("config", &self.config)
            .field("prf_key", &"<redacted>")
            .field("parameter", &self.parameter)
            .field("activation_range", &self.activation_range())
            .field("prepared_range", &self.prepared_range())
            .finish_non_exhaustive()
    }
}

/// Epochs per rayon task when computing leaves.
const LEAF_BLOCK: usize = 64;

/// The leaves of epochs `epochs` (spec 6.1): chain starts from the PRF, full chain walks, leaf
/// sponge; batched on `isa` and parallel over blocks of epochs.
fn compute_leaves(
    isa: Isa,
    config: Config,
    key: &PrfKey,
    parameter: &Parameter,
    epochs: Range<u64>,
) -> Vec<Digest> {
    let v = config.num_chains();
    let epochs: Vec<u32> = epochs.map(|e| e as u32).collect();
    let mut leaves = vec![[F::ZERO; HASH_LEN]; epochs.len()];
    leaves
        .par_chunks_mut(LEAF_BLOCK)
        .zip(epochs.par_chunks(LEAF_BLOCK))
        .for_each(|(out, es)| {
            let mut jobs = Vec::with_capacity(es.len() * v);
            for &e in es {
                for c in 0..v {
                    jobs.push(ChainJob {
                        value: chain_start(key, e, c as u64),
                        parameter: *parameter,
                        epoch: e,
                        chain: c as u8,
                        from: 0,
                        to: (BASE - 1) as u8,
                    });
                }
            }
            walk_chains_batch(isa, &mut jobs);
            let len = config.leaf_input_len();
            let mut inputs = vec![F::ZERO; es.len() * len];
            let mut ends = vec![[F::ZERO; HASH_LEN]; v];
            for (k, (&e, dst)) in es.iter().zip(inputs.chunks_exact_mut(len)).enumerate() {
                for (end, j) in ends.iter_mut().zip(&jobs[k * v..(k + 1) * v]) {
                    *end = j.value;
                }
                write_leaf_input(parameter, e, &ends, dst);
            }
            leaf_hash_batch(isa, config, &inputs, out);
        });
    leaves
}

/// Parents of a layer that starts at an even index and has an even length.
fn parent_layer(
    isa: Isa,
    parameter: &Parameter,
    level: u64,
    start: u64,
    nodes: &[Digest],
) -> Vec<Digest> {
    let parent_start = start / 2;
    let mut out = vec![[F::ZERO; HASH_LEN]; nodes.len() / 2];
    const CHUNK: usize = 1024;
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, out)| {
        let inputs: Vec<[F; 24]> = (0..out.len())
            .map(|k| {
                let j = c * CHUNK + k;
                tree_node_input(
                    parameter,
                    (level + 1) as u8,
                    (parent_start + j as u64) as u32,
                    &nodes[2 * j],
                    &nodes[2 * j + 1],
                )
            })
            .collect();
        tree_node_batch(isa, &inputs, out);
    });
    out
}

/// Bottom tree `index` (full, levels `0..=h/2`; the last layer holds only its root),
/// computed from the PRF key: `2^(h/2)` leaves, batched on `isa` and parallel with rayon.
pub fn bottom_tree(
    isa: Isa,
    config: Config,
    key: &PrfKey,
    parameter: &Parameter,
    index: u64,
) -> HashSubTree {
    let leaves_per = config.leaves_per_bottom_tree();
    let start = index * leaves_per;
    let leaves = compute_leaves(isa, config, key, parameter, start..start + leaves_per);
    let h = config.log_lifetime() as u64;
    let mut layers = vec![HashTreeLayer {
        start_index: start,
        nodes: leaves,
    }];
    for level in 0..h / 2 {
        let prev = layers.last().expect("non-empty");
        let nodes = parent_layer(isa, parameter, level, prev.start_index, &prev.nodes);
        layers.push(HashTreeLayer {
            start_index: prev.start_index / 2,
            nodes,
        });
    }
    HashSubTree {
        depth: h,
        lowest_layer: 0,
        layers,
    }
}

/// Pads a layer with random nodes so that it starts at an even index and ends at an odd one.
fn padded_layer(key: &PrfKey, level: u64, start: u64, mut nodes: Vec<Digest>) -> HashTreeLayer {
    let mut start_index = start;
    if start % 2 == 1 {
        nodes.insert(0, padding_node(key, level as u8, start - 1));
        start_index -= 1;
    }
    if (start_index + nodes.len() as u64) % 2 == 1 {
        let idx = start_index + nodes.len() as u64;
        nodes.push(padding_node(key, level as u8, idx));
    }
    HashTreeLayer { start_index, nodes }
}

/// The top tree over bottom-tree roots `roots` (of bottom trees `first..`), padded per level.
fn top_tree(
    isa: Isa,
    config: Config,
    key: &PrfKey,
    parameter: &Parameter,
    first: u64,
    roots: Vec<Digest>,
) -> HashSubTree {
    let h = config.log_lifetime() as u64;
    let mut layers = vec![padded_layer(key, h / 2, first, roots)];
    for level in h / 2..h {
        let prev = layers.last().expect("non-empty");
        let nodes = parent_layer(isa, parameter, level, prev.start_index, &prev.nodes);
        layers.push(padded_layer(key, level + 1, prev.start_index / 2, nodes));
    }
    HashSubTree {
        depth: h,
        lowest_layer: h / 2,
        layers,
    }
}

/// leanSig's activation widening: start rounded down and end rounded up to whole bottom
/// trees, at least two bottom trees, kept inside the lifetime. Returns bottom-tree indices
/// `start..end`.
fn expand_activation(config: Config, activation_epoch: u64, num_active_epochs: u64) -> Range<u64> {
    let c = config.leaves_per_bottom_tree();
    let lifetime = config.lifetime();
    let mut start = activation_epoch / c * c;
    let mut end = (activation_epoch + num_active_epochs).div_ceil(c) * c;
    if end - start < 2 * c {
        end = start + 2 * c;
    }
    if end > lifetime {
        let duration = end - start;
        if duration > lifetime {
            start = 0;
        } else {
            start = (lifetime - duration) / c * c;
        }
        end = lifetime;
    }
    start / c..end / c
}

/// Generates a key pair from an explicit PRF key and parameter for the epochs
/// `activation_epoch .. activation_epoch + num_active_epochs` (widened to whole bottom trees,
/// at least two, as leanSig does). Padding nodes are derived from the PRF key
/// ([`crate::prf::padding_node`]), so the result is deterministic.
pub fn keypair_from_prf_key(
    isa: Isa,
    config: Config,
    prf_key: PrfKey,
    parameter: Parameter,
    activation_epoch: u64,
    num_active_epochs: u64,
) -> Result<(PublicKey, SecretKey), KeyError> {
    let lifetime = config.lifetime();
    let err = |reason| KeyError::InvalidActivation {
        activation_epoch,
        num_active_epochs,
        lifetime,
        reason,
    };
    if num_active_epochs == 0 {
        return Err(err("no active epochs"));
    }
    match activation_epoch.checked_add(num_active_epochs) {
        Some(end) if end <= lifetime => {}
        _ => return Err(err("the range ends after the last epoch")),
    }
    let range = expand_activation(config, activation_epoch, num_active_epochs);
    let mut roots = Vec::with_capacity((range.end - range.start) as usize);
    let mut left = None;
    let mut right = None;
    for b in range.clone() {
        let tree = bottom_tree(isa, config, &prf_key, &parameter, b);
        roots.push(*tree.root().expect("bottom tree has a root"));
        if b == range.start {
            left = Some(tree);
        } else if b == range.start + 1 {
            right = Some(tree);
        }
    }
    let top = top_tree(isa, config, &prf_key, &parameter, range.start, roots);
    let c = config.leaves_per_bottom_tree();
    let sk = SecretKey {
        config,
        prf_key,
        parameter,
        activation_epoch: range.start * c,
        num_active_epochs: (range.end - range.start) * c,
        top_tree: top,
        left_bottom_tree_index: range.start,
        left_bottom_tree: left.expect("at least two bottom trees"),
        right_bottom_tree: right.expect("at least two bottom trees"),
    };
    Ok((sk.public_key(), sk))
}

/// Generates a key pair deterministically from a seed phrase: the PRF key and parameter come
/// from [`crate::prf::seed_to_key_material`] (this crate's definition; leanSig draws them from
/// an RNG), then [`keypair_from_prf_key`] on the process-wide instruction set (`MULTISIG_ISA`
/// or the best available; scalar if that variable is invalid). The result does not depend on
/// the instruction set.
pub fn keypair_generate(
    config: Config,
    seed: &[u8],
    activation_epoch: u64,
    num_active_epochs: u64,
) -> Result<(PublicKey, SecretKey), KeyError> {
    let (key, parameter) = seed_to_key_material(seed);
    keypair_from_prf_key(
        Isa::selected().unwrap_or_else(|_| Isa::scalar()),
        config,
        key,
        parameter,
        activation_epoch,
        num_active_epochs,
    )
}

/// Candidates per batched attempt of the randomness search.
const GRIND_BLOCK: u64 = 64;

/// The first `(rho, codeword)` in candidate order for which the encoding succeeds (spec 6.4
/// step 1), trying candidates in batches on `isa`; `None` after `MAX_TRIES` candidates.
pub(crate) fn grind(
    isa: Isa,
    config: Config,
    parameter: &Parameter,
    epoch: u32,
    message: &[u8; 32],
    mut candidate: impl FnMut(u64) -> Rho,
) -> Option<(Rho, Vec<u8>, u64)> {
    let msg_fes = message_to_fes(message);
    let mut rhos = Vec::with_capacity(GRIND_BLOCK as usize);
    let mut inputs = Vec::with_capacity(GRIND_BLOCK as usize);
    let mut out = vec![[F::ZERO; HASH_LEN]; GRIND_BLOCK as usize];
    let mut c0 = 0;
    while c0 < MAX_TRIES {
        let n = GRIND_BLOCK.min(MAX_TRIES - c0);
        rhos.clear();
        inputs.clear();
        for c in c0..c0 + n {
            let rho = candidate(c);
            inputs.push(message_hash_input(parameter, epoch, &rho, &msg_fes));
            rhos.push(rho);
        }
        compress_24_batch::<HASH_LEN>(isa, &inputs, &mut out[..n as usize]);
        for (k, h) in out[..n as usize].iter().enumerate() {
            if let Ok(x) = codeword_from_hash(config, h) {
                return Some((rhos[k], x, c0 + k as u64));
            }
        }
        c0 += n;
    }
    None
}

impl SecretKey {
    /// The configuration this key belongs to.
    pub fn config(&self) -> Config {
        self.config
    }

    /// The PRF key.
    pub fn prf_key(&self) -> &PrfKey {
        &self.prf_key
    }

    /// The public parameter.
    pub fn parameter(&self) -> &Parameter {
        &self.parameter
    }

    /// The (widened) activation range of epochs.
    pub fn activation_range(&self) -> Range<u64> {
        self.activation_epoch..self.activation_epoch.saturating_add(self.num_active_epochs)
    }

    /// The epochs the key can sign right now: the two prepared bottom trees.
    pub fn prepared_range(&self) -> Range<u64> {
        let c = self.config.leaves_per_bottom_tree();
        self.left_bottom_tree_index.saturating_mul(c)
            ..self
                .left_bottom_tree_index
                .saturating_add(2)
                .saturating_mul(c)
    }

    /// The top tree.
    pub fn top_tree(&self) -> &HashSubTree {
        &self.top_tree
    }

    /// The two prepared bottom trees (left, right) and the index of the left one.
    pub fn bottom_trees(&self) -> (u64, &HashSubTree, &HashSubTree) {
        (
            self.left_bottom_tree_index,
            &self.left_bottom_tree,
            &self.right_bottom_tree,
        )
    }

    /// The public key: the top tree's root and the parameter.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            // Decoding and key generation guarantee a root layer starting at index 0.
            root: self
                .top_tree
                .node(self.top_tree.depth, 0)
                .copied()
                .unwrap_or([F::ZERO; HASH_LEN]),
            parameter: self.parameter,
        }
    }

    /// Slides the prepared window forward by one bottom tree (computing the new right bottom
    /// tree) if the activation range goes on past it; returns whether it moved.
    pub fn advance_preparation(&mut self, isa: Isa) -> bool {
        let c = self.config.leaves_per_bottom_tree();
        let next = self.left_bottom_tree_index.saturating_add(2);
        if next.saturating_add(1).saturating_mul(c) > self.activation_range().end {
            return false;
        }
        let tree = bottom_tree(isa, self.config, &self.prf_key, &self.parameter, next);
        self.left_bottom_tree = std::mem::replace(&mut self.right_bottom_tree, tree);
        self.left_bottom_tree_index += 1;
        true
    }

    /// Signs `message` for `epoch` (spec 6.4) with the deterministic randomness search,
    /// batched on `isa`. The epoch must be in the prepared window.
    pub fn sign(&self, isa: Isa, epoch: u32, message: &[u8; 32]) -> Result<Signature, SignError> {
        let e = epoch as u64;
        let act = self.activation_range();
        if !act.contains(&e) {
            return Err(SignError::OutsideActivation {
                epoch: e,
                start: act.start,
                end: act.end,
            });
        }
        let prep = self.prepared_range();
        if !prep.contains(&e) {
            return Err(SignError::NotPrepared {
                epoch: e,
                start: prep.start,
                end: prep.end,
            });
        }
        let h = self.config.log_lifetime() as u64;
        let bottom = if e / self.config.leaves_per_bottom_tree() == self.left_bottom_tree_index {
            &self.left_bottom_tree
        } else {
            &self.right_bottom_tree
        };
        let mut path = Vec::with_capacity(h as usize);
        for level in 0..h {
            let index = (e >> level) ^ 1;
            let tree = if level < h / 2 {
                bottom
            } else {
                &self.top_tree
            };
            path.push(
                *tree
                    .node(level, index)
                    .ok_or(SignError::MissingNode { level, index })?,
            );
        }
        let (rho, x, _) = grind(isa, self.config, &self.parameter, epoch, message, |c| {
            randomness(&self.prf_key, epoch, message, c)
        })
        .ok_or(SignError::NoEncoding { tries: MAX_TRIES })?;
        let mut jobs: Vec<ChainJob> = x
            .iter()
            .enumerate()
            .map(|(i, &xi)| ChainJob {
                value: chain_start(&self.prf_key, epoch, i as u64),
                parameter: self.parameter,
                epoch,
                chain: i as u8,
                from: 0,
                to: xi,
            })
            .collect();
        walk_chains_batch(isa, &mut jobs);
        Ok(Signature {
            path,
            rho,
            hashes: jobs.iter().map(|j| j.value).collect(),
        })
    }

    /// SSZ encoding (spec 6.5): fixed part of 88 bytes, then top, left and right subtrees.
    pub fn to_ssz(&self) -> Vec<u8> {
        let mut top = Vec::new();
        self.top_tree.to_ssz(&mut top);
        let mut left = Vec::new();
        self.left_bottom_tree.to_ssz(&mut left);
        let mut right = Vec::new();
        self.right_bottom_tree.to_ssz(&mut right);
        let mut v = Vec::with_capacity(SK_FIXED_PART + top.len() + left.len() + right.len());
        v.extend_from_slice(&self.prf_key);
        put_fes(&mut v, &self.parameter);
        v.extend_from_slice(&self.activation_epoch.to_le_bytes());
        v.extend_from_slice(&self.num_active_epochs.to_le_bytes());
        put_offset(&mut v, SK_FIXED_PART);
        v.extend_from_slice(&self.left_bottom_tree_index.to_le_bytes());
        put_offset(&mut v, SK_FIXED_PART + top.len());
        put_offset(&mut v, SK_FIXED_PART + top.len() + left.len());
        v.extend_from_slice(&top);
        v.extend_from_slice(&left);
        v.extend_from_slice(&right);
        v
    }

    /// Strict SSZ decoding for `config`: exact offsets, canonical field elements, subtrees
    /// of the right depth with the right number of layers, an activation range inside the
    /// lifetime, prepared bottom trees whose roots sit at their index, and a top tree with
    /// a root.
    pub fn from_ssz(config: Config, bytes: &[u8]) -> Result<Self, DecodeError> {
        let r = Reader::new(bytes, 0);
        if bytes.len() < SK_FIXED_PART {
            return Err(DecodeError::Truncated {
                what: "secret key fixed part".into(),
                at: 0,
                needed: SK_FIXED_PART,
                available: bytes.len(),
            });
        }
        let prf_key = r.bytes::<32>("secret key prf_key", 0)?;
        let parameter = read_parameter(&r, "secret key parameter", 32)?;
        let at_act = 32 + 4 * PARAMETER_LEN;
        let activation_epoch = r.u64("secret key activation_epoch", at_act)?;
        let num_active_epochs = r.u64("secret key num_active_epochs", at_act + 8)?;
        let lifetime = config.lifetime();
        if activation_epoch
            .checked_add(num_active_epochs)
            .is_none_or(|end| end > lifetime)
            || num_active_epochs == 0
        {
            return Err(DecodeError::Invalid {
                what: "secret key activation range".into(),
                at: at_act,
                reason: format!(
                    "{activation_epoch} + {num_active_epochs} epochs does not fit lifetime {lifetime}"
                ),
            });
        }
        r.exact_offset("secret key offset of top_tree", 68, SK_FIXED_PART)?;
        let left_bottom_tree_index = r.u64("secret key left_bottom_tree_index", 72)?;
        let off_left = r.ranged_offset(
            "secret key offset of left_bottom_tree",
            80,
            SK_FIXED_PART,
            bytes.len(),
        )?;
        let off_right = r.ranged_offset(
            "secret key offset of right_bottom_tree",
            84,
            off_left,
            bytes.len(),
        )?;
        let h = config.log_lifetime() as u64;
        // Top tree: levels h/2..=h; bottom trees: levels 0..=h/2.
        let layers = (h / 2 + 1) as usize;
        let top_tree = HashSubTree::from_ssz(
            &r.sub("secret key top_tree", SK_FIXED_PART, off_left)?,
            "secret key top_tree",
            h,
            h / 2,
            layers,
        )?;
        let left_bottom_tree = HashSubTree::from_ssz(
            &r.sub("secret key left_bottom_tree", off_left, off_right)?,
            "secret key left_bottom_tree",
            h,
            0,
            layers,
        )?;
        let right_bottom_tree = HashSubTree::from_ssz(
            &r.sub("secret key right_bottom_tree", off_right, bytes.len())?,
            "secret key right_bottom_tree",
            h,
            0,
            layers,
        )?;
        if top_tree.node(h, 0).is_none() {
            return Err(DecodeError::Invalid {
                what: "secret key top_tree".into(),
                at: SK_FIXED_PART,
                reason: "the root layer does not hold node 0".into(),
            });
        }
        for (tree, idx, what, at) in [
            (
                &left_bottom_tree,
                left_bottom_tree_index,
                "secret key left_bottom_tree",
                off_left,
            ),
            (
                &right_bottom_tree,
                left_bottom_tree_index.saturating_add(1),
                "secret key right_bottom_tree",
                off_right,
            ),
        ] {
            if tree.node(h / 2, idx).is_none() {
                return Err(DecodeError::Invalid {
                    what: what.into(),
                    at,
                    reason: format!("its root layer does not hold bottom-tree root {idx}"),
                });
            }
        }
        Ok(SecretKey {
            config,
            prf_key,
            parameter,
            activation_epoch,
            num_active_epochs,
            top_tree,
            left_bottom_tree_index,
            left_bottom_tree,
            right_bottom_tree,
        })
    }
}

/// Size of the fixed part of an SSZ secret key.
const SK_FIXED_PART: usize = 88;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activation_widening() {
        let t = Config::Test; // 16 leaves per bottom tree, 16 bottom trees
        assert_eq!(expand_activation(t, 0, 10), 0..2);
        assert_eq!(expand_activation(t, 0, 112), 0..7);
        assert_eq!(expand_activation(t, 17, 1), 1..3);
        assert_eq!(expand_activation(t, 250, 6), 14..16);
        assert_eq!(expand_activation(t, 0, 256), 0..16);
        assert_eq!(expand_activation(t, 33, 40), 2..5);
        let p = Config::Prod;
        assert_eq!(expand_activation(p, 0, 10), 0..2);
        assert_eq!(
            expand_activation(p, (1 << 32) - 1, 1),
            (1 << 16) - 2..1 << 16
        );
    }
}
