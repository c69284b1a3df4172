//! The tweakable hash `PoseidonTweakHash<5, 8, 2, 9, V>` (spec section 4): chain steps,
//! Merkle nodes and the leaf sponge, each in a one-input scalar form and a batched form that
//! runs on the dispatched kernels of `backend::poseidon`.

use crate::encoding::{base_p, chain_tweak, tree_tweak};
use crate::params::{BASE, Config, Digest, HASH_LEN, PARAMETER_LEN, Parameter, TWEAK_LEN};
use backend::Isa;
use backend::KoalaBear as F;
use backend::poseidon::{
    compress_16, compress_16_batch, compress_24, compress_24_batch, replacement_sponge_24,
    replacement_sponge_24_batch,
};
use std::sync::OnceLock;

/// Input of a chain step to position `pos`: `[value (8) | parameter (5) | chain tweak (2) |
/// 0]` (also used by the aggregation witness generator).
pub fn chain_input(
    parameter: &Parameter,
    epoch: u32,
    chain: u8,
    pos: u8,
    value: &Digest,
) -> [F; 16] {
    let mut x = [F::ZERO; 16];
    x[..8].copy_from_slice(value);
    x[8..13].copy_from_slice(parameter);
    x[13..15].copy_from_slice(&chain_tweak(epoch, chain, pos));
    x
}

/// One chain step to position `pos` (spec 4, mode 1): the value at `pos` from the value at
/// `pos - 1`.
pub fn chain_step(parameter: &Parameter, epoch: u32, chain: u8, pos: u8, value: &Digest) -> Digest {
    compress_16::<HASH_LEN>(&chain_input(parameter, epoch, chain, pos, value))
}

/// Walks chain `chain` of `epoch` from position `from` to position `to` (`from <= to < 8`),
/// using tweaks with positions `from + 1 ..= to`.
pub fn walk_chain(
    parameter: &Parameter,
    epoch: u32,
    chain: u8,
    value: &Digest,
    from: u8,
    to: u8,
) -> Digest {
    let mut v = *value;
    for pos in from + 1..=to {
        v = chain_step(parameter, epoch, chain, pos, &v);
    }
    v
}

/// Input of a Merkle node: `[parameter (5) | tree tweak (2) | left (8) | right (8) | 0]`.
pub fn tree_node_input(
    parameter: &Parameter,
    level: u8,
    pos: u32,
    left: &Digest,
    right: &Digest,
) -> [F; 24] {
    let mut x = [F::ZERO; 24];
    x[..5].copy_from_slice(parameter);
    x[5..7].copy_from_slice(&tree_tweak(level, pos));
    x[7..15].copy_from_slice(left);
    x[15..23].copy_from_slice(right);
    x
}

/// The Merkle node at (`level`, `pos`) from its children (spec 4, mode 2).
pub fn tree_node(
    parameter: &Parameter,
    level: u8,
    pos: u32,
    left: &Digest,
    right: &Digest,
) -> Digest {
    compress_24::<HASH_LEN>(&tree_node_input(parameter, level, pos, left, right))
}

impl Config {
    /// The capacity value of the leaf sponge (spec section 4, mode 3): `compress_24` of the
    /// base-p digits of `[PARAMETER_LEN, TWEAK_LEN, V, HASH_LEN]` packed big-endian into 128
    /// bits, truncated to 9 elements. Computed once per configuration.
    pub fn sponge_domain_separator(self) -> &'static [F; 9] {
        static PROD: OnceLock<[F; 9]> = OnceLock::new();
        static TEST: OnceLock<[F; 9]> = OnceLock::new();
        let cell = match self {
            Config::Prod => &PROD,
            Config::Test => &TEST,
        };
        cell.get_or_init(|| {
            let a: u128 = ((PARAMETER_LEN as u128) << 96)
                | ((TWEAK_LEN as u128) << 64)
                | ((self.num_chains() as u128) << 32)
                | HASH_LEN as u128;
            let digits = base_p::<24>(a);
            compress_24::<9>(&digits)
        })
    }
}

/// Writes the leaf-sponge input `[parameter (5) | tree tweak(0, epoch) (2) | ends...]` into
/// `out` (length [`Config::leaf_input_len`]).
pub fn write_leaf_input(parameter: &Parameter, epoch: u32, ends: &[Digest], out: &mut [F]) {
    out[..PARAMETER_LEN].copy_from_slice(parameter);
    out[PARAMETER_LEN..PARAMETER_LEN + 2].copy_from_slice(&tree_tweak(0, epoch));
    for (dst, end) in out[PARAMETER_LEN + 2..]
        .chunks_exact_mut(HASH_LEN)
        .zip(ends)
    {
        dst.copy_from_slice(end);
    }
}

/// The leaf of `epoch` from its `V` chain ends (spec 4, mode 3).
///
/// # Panics
/// If `ends.len() != config.num_chains()`.
pub fn leaf_hash(config: Config, parameter: &Parameter, epoch: u32, ends: &[Digest]) -> Digest {
    assert_eq!(
        ends.len(),
        config.num_chains(),
        "leaf_hash: wrong number of chain ends"
    );
    let mut input = vec![F::ZERO; config.leaf_input_len()];
    write_leaf_input(parameter, epoch, ends, &mut input);
    replacement_sponge_24(config.sponge_domain_separator(), &input)
}

/// Batched leaf hashes: `inputs` holds `out.len()` leaf inputs (see `write_leaf_input`).
pub(crate) fn leaf_hash_batch(isa: Isa, config: Config, inputs: &[F], out: &mut [Digest]) {
    if out.is_empty() {
        return;
    }
    replacement_sponge_24_batch(
        isa,
        config.sponge_domain_separator(),
        inputs,
        config.leaf_input_len(),
        out,
    );
}

/// Batched Merkle nodes from prepared inputs (see `tree_node_input`).
pub(crate) fn tree_node_batch(isa: Isa, inputs: &[[F; 24]], out: &mut [Digest]) {
    if out.is_empty() {
        return;
    }
    compress_24_batch::<HASH_LEN>(isa, inputs, out);
}

/// One pending chain walk for [`walk_chains_batch`]: `value` is at position `from` and is
/// walked to position `to`.
#[derive(Copy, Clone, Debug)]
pub(crate) struct ChainJob {
    /// The current value (at `from` before the call, at `to` after).
    pub value: Digest,
    /// The public parameter of the key.
    pub parameter: Parameter,
    /// Epoch of the chain.
    pub epoch: u32,
    /// Chain index.
    pub chain: u8,
    /// Start position.
    pub from: u8,
    /// End position (`from <= to < 8`).
    pub to: u8,
}

/// Walks every job from its `from` to its `to` position in lockstep: for each position
/// `p = 1..8`, all jobs that step to `p` are hashed in one dispatched `compress_16` batch.
/// Bit-identical to calling [`walk_chain`] on each job.
pub(crate) fn walk_chains_batch(isa: Isa, jobs: &mut [ChainJob]) {
    let mut idx = Vec::with_capacity(jobs.len());
    let mut inputs = Vec::with_capacity(jobs.len());
    let mut outputs = Vec::with_capacity(jobs.len());
    for pos in 1..BASE as u8 {
        idx.clear();
        inputs.clear();
        for (i, j) in jobs.iter().enumerate() {
            if j.from < pos && pos <= j.to {
                idx.push(i);
                inputs.push(chain_input(&j.parameter, j.epoch, j.chain, pos, &j.value));
            }
        }
        if idx.is_empty() {
            continue;
        }
        outputs.clear();
        outputs.resize(idx.len(), [F::ZERO; HASH_LEN]);
        compress_16_batch::<HASH_LEN>(isa, &inputs, &mut outputs);
        for (&i, o) in idx.iter().zip(&outputs) {
            jobs[i].value = *o;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batched_chain_walk_matches_scalar_on_every_isa() {
        let param: Parameter = core::array::from_fn(|i| F::new(1000 + i as u32));
        let mut jobs = Vec::new();
        for k in 0..100u32 {
            let from = (k % 8) as u8;
            let to = from + ((k / 8) % (8 - from as u32)) as u8;
            jobs.push(ChainJob {
                value: core::array::from_fn(|i| F::new(k * 31 + i as u32)),
                parameter: param,
                epoch: k * 7,
                chain: (k % 46) as u8,
                from,
                to,
            });
        }
        let expected: Vec<Digest> = jobs
            .iter()
            .map(|j| walk_chain(&j.parameter, j.epoch, j.chain, &j.value, j.from, j.to))
            .collect();
        for isa in Isa::available() {
            let mut js = jobs.clone();
            walk_chains_batch(isa, &mut js);
            let got: Vec<Digest> = js.iter().map(|j| j.value).collect();
            assert_eq!(got, expected, "{isa}");
        }
    }
}
