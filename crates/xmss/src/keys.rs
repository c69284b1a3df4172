//! Secret keys, key generation, signing and the sliding preparation window (spec section 6),
//! with the leanSig/leanSpec secret-key SSZ layout of spec 6.5.
//!
//! The Merkle tree of depth `h` is split into bottom trees of `2^(h/2)` leaves (levels
//! `0..=h/2`) and one top tree (levels `h/2..=h`). A secret key holds the top tree (only the
//! part above its activation range, padded with random nodes) and two consecutive full bottom
//! trees, the "prepared" window of `2 * 2^(h/2)` epochs that it can sign in right now.
//! [`SecretKey::advance_preparation`] slides that window forward by one bottom tree. The trees
//! themselves ([`HashSubTree`], [`bottom_tree`], the padded top tree) are built in `tree.rs`.

use crate::encoding::{codeword_from_hash, message_hash_input, message_to_fes};
use crate::hash::{ChainJob, walk_chains_batch};
use crate::params::{Config, HASH_LEN, MAX_TRIES, PARAMETER_LEN, Parameter, PrfKey, Rho};
use crate::prf::{chain_start, randomness, seed_to_key_material};
use crate::ssz::{DecodeError, PublicKey, Reader, Signature, put_fes, put_offset, read_parameter};
use crate::tree::top_tree;
use backend::Isa;
use backend::KoalaBear as F;
use backend::poseidon::compress_24_batch;
use std::ops::Range;

pub use crate::tree::{HashSubTree, HashTreeLayer, bottom_tree};

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
