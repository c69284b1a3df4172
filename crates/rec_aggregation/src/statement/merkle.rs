//! The Merkle table (`docs/air.md`, section 6): one row per level per signature, linked
//! through [`NODE_BUS`] rather than by position. Its witness: every signature's walk from
//! its leaf to the root, level by level on the batched width-24 permutation, and the trace.

use super::buses::{NODE_BUS, TREE_BUS, TREE_TUPLE_LEN};
use super::dims::{DEGREE, cols, fe, par_poseidon1_24, set};
#[cfg(feature = "forgery")]
use super::forgery::Forgery;
use super::inputs::WitnessInputs;
use crate::poseidon_table::{POSEIDON1_24_SHORT_BUS, POSEIDON1_24_SHORT_LEN};
use backend::KoalaBear as F;
use lean_prover::{Air, AirBuilder, Col, Expr};
use rayon::prelude::*;
use xmss::hash::tree_node_input;
use xmss::params::{HASH_LEN, PARAMETER_LEN};

/// Column layout of the Merkle table.
#[derive(Clone, Debug)]
pub struct MerkleColumns {
    /// 1 for a level of a signature, 0 on padding.
    pub active: Col,
    /// Signature index.
    pub j: Col,
    /// Level `l` (the node below is at level `l`, the output at `l + 1`).
    pub level: Col,
    /// The slot's bit at this level (1: the node is the right child).
    pub bit: Col,
    /// The tree tweak of the output node.
    pub tweak: [Col; 2],
    /// The key's parameter.
    pub parameter: [Col; PARAMETER_LEN],
    /// The node at level `l`.
    pub node: [Col; HASH_LEN],
    /// Its sibling.
    pub sibling: [Col; HASH_LEN],
    /// The first 8 cells of the permutation output.
    pub out: [Col; POSEIDON1_24_SHORT_LEN],
}

/// The Merkle table: one row per level per signature, linked through [`NODE_BUS`] (see
/// `docs/air.md`, section 6).
pub struct MerkleTable {
    air: Air,
    cols: MerkleColumns,
}

impl MerkleTable {
    pub(super) fn new() -> MerkleTable {
        let b = AirBuilder::new("merkle");
        let active = b.column("active");
        let j = b.column("j");
        let level = b.column("level");
        let bit = b.column("bit");
        let tweak: [Col; 2] = cols(&b, "tweak");
        let parameter: [Col; PARAMETER_LEN] = cols(&b, "parameter");
        let node: [Col; HASH_LEN] = cols(&b, "node");
        let sibling: [Col; HASH_LEN] = cols(&b, "sibling");
        let out: [Col; POSEIDON1_24_SHORT_LEN] = cols(&b, "out");
        let m = |c: Col| b.main(c);
        let act = m(active);
        let bt = m(bit);
        b.assert_zero(act * (act - F::ONE));
        let mut level_tuple = vec![m(level), bt];
        level_tuple.extend(tweak.iter().map(|&c| m(c)));
        b.receive(TREE_BUS, &level_tuple, act);

        let p: Vec<Expr<'_>> = parameter.iter().map(|&c| m(c)).collect();
        let mut input: Vec<Expr<'_>> = p.clone();
        input.extend(tweak.iter().map(|&c| m(c)));
        input.extend((0..HASH_LEN).map(|k| m(node[k]) + bt * (m(sibling[k]) - m(node[k]))));
        input.extend((0..HASH_LEN).map(|k| m(sibling[k]) + bt * (m(node[k]) - m(sibling[k]))));
        input.push(b.constant(F::ZERO));
        let mut t = input.clone();
        t.extend(out.iter().map(|&c| m(c)));
        b.send(POSEIDON1_24_SHORT_BUS, &t, act);

        let mut below = vec![m(j), m(level)];
        below.extend(node.iter().map(|&c| m(c)));
        below.extend(&p);
        b.receive(NODE_BUS, &below, act);
        let mut above = vec![m(j), m(level) + F::ONE];
        above.extend((0..HASH_LEN).map(|k| m(out[k]) + input[k]));
        above.extend(&p);
        b.send(NODE_BUS, &above, act);

        let air = b
            .build(DEGREE)
            .expect("merkle AIR within lean_prover limits");
        MerkleTable {
            air,
            cols: MerkleColumns {
                active,
                j,
                level,
                bit,
                tweak,
                parameter,
                node,
                sibling,
                out,
            },
        }
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &MerkleColumns {
        &self.cols
    }
}

/// Every signature's Merkle walk: the nodes and permutation outputs per level, the requests
/// and the roots.
pub(super) struct MerkleWalks {
    /// Per signature, per level `l`: the node at level `l`.
    nodes: Vec<Vec<[F; HASH_LEN]>>,
    /// Per signature, per level: the permutation output.
    outputs: Vec<Vec<[F; 24]>>,
    /// The permutation inputs in request order (level by level, signatures in order): width-24
    /// requests that read 8 output cells.
    pub requests: Vec<[F; 24]>,
    /// Per signature: the root its walk leads to.
    pub roots: Vec<[F; HASH_LEN]>,
}

/// Walks every signature's authentication path from its leaf (`leaves[j]`) to the root.
pub(super) fn walk_merkle(w: &WitnessInputs<'_>, leaves: &[[F; HASH_LEN]]) -> MerkleWalks {
    let n = w.n();
    let h = w.d.h;
    let slot = w.slot;
    // Per signature: the node at the current level.
    let mut current = leaves.to_vec();
    let mut nodes = vec![Vec::with_capacity(h); n];
    let mut outputs = vec![Vec::with_capacity(h); n];
    let mut requests = Vec::with_capacity(n * h);
    for l in 0..h {
        let ins: Vec<[F; 24]> = (0..n)
            .map(|j| {
                let sib = &w.signatures[j].path[l];
                let odd = (slot >> l) & 1 == 1;
                let level = l + 1;
                #[cfg(feature = "forgery")]
                let (odd, level) = match w.forgery {
                    Forgery::MerkleDirection if (j, l) == (0, 0) => (!odd, level),
                    // The forged tweak is level 3's (the row still carries level l + 1's).
                    Forgery::MerkleTweak if (j, l) == (0, 0) => (odd, 3),
                    _ => (odd, level),
                };
                let node = &current[j];
                let (left, right) = if odd { (sib, node) } else { (node, sib) };
                let pos = ((slot as u64) >> level) as u32;
                tree_node_input(&w.parameters[j], level as u8, pos, left, right)
            })
            .collect();
        let mut outs = ins.clone();
        par_poseidon1_24(w.isa, &mut outs);
        for j in 0..n {
            nodes[j].push(current[j]);
            current[j] = core::array::from_fn(|m| outs[j][m] + ins[j][m]);
            outputs[j].push(outs[j]);
        }
        requests.extend_from_slice(&ins);
    }
    MerkleWalks {
        nodes,
        outputs,
        requests,
        roots: current,
    }
}

impl MerkleTable {
    /// The trace (`height` rows) of the walks; level, bit and tweak of each row are the
    /// verifier's (`tree_tuples`, the statement's `TREE` list).
    pub(super) fn trace(
        &self,
        w: &WitnessInputs<'_>,
        walks: &MerkleWalks,
        tree_tuples: &[F],
        height: usize,
    ) -> Vec<F> {
        let h = w.d.h;
        let mc = &self.cols;
        let width = self.air.width();
        let mut trace = F::zero_vec(height * width);
        trace
            .par_chunks_exact_mut(width)
            .enumerate()
            .for_each(|(row_index, row)| {
                let (j, l) = (row_index / h, row_index % h);
                if j >= w.n() {
                    return;
                }
                let level_tuple = &tree_tuples[TREE_TUPLE_LEN * l..TREE_TUPLE_LEN * (l + 1)];
                row[mc.active.0] = F::ONE;
                row[mc.j.0] = fe(j);
                row[mc.level.0] = level_tuple[0];
                row[mc.bit.0] = level_tuple[1];
                set(row, &mc.tweak, &level_tuple[2..]);
                set(row, &mc.parameter, &w.parameters[j]);
                set(row, &mc.node, &walks.nodes[j][l]);
                set(row, &mc.sibling, &w.signatures[j].path[l]);
                set(row, &mc.out, &walks.outputs[j][l]);
            });
        trace
    }
}
