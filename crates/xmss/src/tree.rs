//! The stored parts of a key's Merkle tree (spec section 6): [`HashSubTree`] and its layers,
//! with their secret-key SSZ layout, and how they are computed: the leaves of a range of
//! epochs, full bottom trees ([`bottom_tree`]) and the padded top tree over their roots.

use crate::hash::{
    ChainJob, leaf_hash_batch, tree_node_batch, tree_node_input, walk_chains_batch,
    write_leaf_input,
};
use crate::params::{BASE, Config, Digest, HASH_LEN, Parameter, PrfKey};
use crate::prf::{chain_start, padding_node};
use crate::ssz::{DecodeError, Reader, put_fes, put_offset};
use backend::Isa;
use backend::KoalaBear as F;
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

    /// Appends the SSZ encoding (secret-key layout of spec 6.5).
    pub(crate) fn to_ssz(&self, out: &mut Vec<u8>) {
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
    pub(crate) fn from_ssz(
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
pub(crate) fn top_tree(
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
