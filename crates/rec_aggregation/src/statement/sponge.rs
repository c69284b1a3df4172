//! The sponge table (`docs/air.md`, section 5): one row per permutation of a leaf sponge, a
//! signature's `C` chunks in consecutive rows. Its witness: every leaf input (parameter, leaf
//! tweak, chain ends) absorbed chunk by chunk on the batched width-24 permutation, and the
//! trace.

use super::buses::{CELL_BUS, NODE_BUS, PARAMETER_BUS};
use super::dims::{DEGREE, Dims, LEAF_PREFIX, POSITIONS, cols, fe, par_poseidon1_24, set};
#[cfg(feature = "forgery")]
use super::forgery::Forgery;
use super::inputs::WitnessInputs;
use crate::poseidon_table::{POSEIDON1_24_PREFIX_BUS, POSEIDON1_24_PREFIX_LEN};
use backend::KoalaBear as F;
use backend::poseidon::{REPLACEMENT_SPONGE_CAPACITY, REPLACEMENT_SPONGE_RATE};
use lean_prover::{Air, AirBuilder, Col, Expr};
use rayon::prelude::*;
use xmss::Config;
use xmss::hash::write_leaf_input;
use xmss::params::{HASH_LEN, PARAMETER_LEN, TWEAK_LEN};

/// Column layout of the sponge table.
#[derive(Clone, Debug)]
pub struct SpongeColumns {
    /// 1 for a chunk of a signature's leaf sponge, 0 on padding.
    pub active: Col,
    /// Signature index.
    pub j: Col,
    /// Chunk index `c` (`0..C`).
    pub chunk: Col,
    /// 1 on chunk 0.
    pub first: Col,
    /// 1 on chunk `C - 1`, which sends the leaf.
    pub last: Col,
    /// Capacity part of the permutation input.
    pub capacity: [Col; REPLACEMENT_SPONGE_CAPACITY],
    /// Rate part of the permutation input: leaf-input cells `15c .. 15c + 15`.
    pub rate: [Col; REPLACEMENT_SPONGE_RATE],
    /// The first 17 cells of the permutation output (next capacity, then the leaf).
    pub out: [Col; POSEIDON1_24_PREFIX_LEN],
    /// The key's parameter.
    pub parameter: [Col; PARAMETER_LEN],
}

/// The sponge table: one row per permutation of a leaf sponge, a signature's `C` chunks in
/// consecutive rows (see `docs/air.md`, section 5).
pub struct SpongeTable {
    air: Air,
    cols: SpongeColumns,
}

impl SpongeTable {
    pub(super) fn new(config: Config) -> SpongeTable {
        let d = Dims::of(config);
        let chunks = d.sponge_chunks;
        // Cells of the last chunk that hold input; the rest is zero padding.
        let last_len = config.leaf_input_len() - REPLACEMENT_SPONGE_RATE * (chunks - 1);
        let b = AirBuilder::new(&format!("sponge_{}", config.name()));
        let active = b.column("active");
        let j = b.column("j");
        let chunk = b.column("chunk");
        let first = b.column("first");
        let last = b.column("last");
        let capacity: [Col; REPLACEMENT_SPONGE_CAPACITY] = cols(&b, "capacity");
        let rate: [Col; REPLACEMENT_SPONGE_RATE] = cols(&b, "rate");
        let out: [Col; POSEIDON1_24_PREFIX_LEN] = cols(&b, "out");
        let parameter: [Col; PARAMETER_LEN] = cols(&b, "parameter");
        let tw_leaf: Vec<Expr<'_>> = (0..TWEAK_LEN).map(|_| b.public_value()).collect();
        let m = |c: Col| b.main(c);
        let act = m(active);

        for flag in [active, first, last] {
            b.assert_zero(m(flag) * (m(flag) - F::ONE));
        }
        b.assert_zero(m(last) * (act - F::ONE));

        // Chunk 0: the domain separator as capacity, [P | TW_leaf] in front of the rate.
        b.when_first_row(m(first) - F::ONE);
        b.assert_zero(m(first) * m(chunk));
        for (&c, &sep) in capacity.iter().zip(config.sponge_domain_separator()) {
            b.assert_zero(m(first) * (m(c) - sep));
        }
        for k in 0..LEAF_PREFIX {
            let cell = if k < PARAMETER_LEN {
                m(parameter[k])
            } else {
                tw_leaf[k - PARAMETER_LEN]
            };
            b.assert_zero(m(first) * (m(rate[k]) - cell));
        }
        // The last chunk is chunk C - 1, zero-padded.
        b.assert_zero(m(last) * (m(chunk) - fe(chunks - 1)));
        for &c in &rate[last_len..] {
            b.assert_zero(m(last) * m(c));
        }
        // Later chunks: the next chunk of the same signature, capacity carried over.
        let cont = b.constant(F::ONE) - b.next(first);
        b.when_transition(cont * (b.next(chunk) - m(chunk) - F::ONE));
        for c in [j, active].into_iter().chain(parameter) {
            b.when_transition(cont * (b.next(c) - m(c)));
        }
        for (&c, &o) in capacity.iter().zip(&out) {
            b.when_transition(cont * (b.next(c) - m(o)));
        }

        // The permutation.
        let mut t: Vec<Expr<'_>> = capacity.iter().chain(&rate).map(|&c| m(c)).collect();
        t.extend(out.iter().map(|&c| m(c)));
        b.send(POSEIDON1_24_PREFIX_BUS, &t, act);
        // The rate cells are the chain ends' cells (not the prefix of chunk 0 nor the padding
        // of the last chunk).
        for (k, &c) in rate.iter().enumerate() {
            // (Padding rows are chunk 0 of nothing: `act (1 - first)`, not `act - first`.)
            let mut mult = act;
            if k < LEAF_PREFIX {
                mult = act * (b.constant(F::ONE) - m(first));
            }
            if k >= last_len {
                mult = mult - m(last);
            }
            let g = m(chunk) * fe(REPLACEMENT_SPONGE_RATE) + fe(k);
            b.receive(CELL_BUS, &[m(j), g, m(c)], mult);
        }
        // Chunk 0's parameter is signature j's.
        let mut t = vec![m(j)];
        t.extend(parameter.iter().map(|&c| m(c)));
        b.receive(PARAMETER_BUS, &t, act * m(first));
        // The leaf is level 0 of the Merkle walk.
        let leaf = REPLACEMENT_SPONGE_CAPACITY..REPLACEMENT_SPONGE_CAPACITY + HASH_LEN;
        let mut t = vec![m(j), b.constant(F::ZERO)];
        t.extend(out[leaf].iter().map(|&c| m(c)));
        t.extend(parameter.iter().map(|&c| m(c)));
        b.send(NODE_BUS, &t, m(last));

        let air = b
            .build(DEGREE)
            .expect("sponge AIR within lean_prover limits");
        SpongeTable {
            air,
            cols: SpongeColumns {
                active,
                j,
                chunk,
                first,
                last,
                capacity,
                rate,
                out,
                parameter,
            },
        }
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &SpongeColumns {
        &self.cols
    }
}

/// Every signature's leaf sponge: the permutation inputs and outputs per chunk and the
/// leaves.
pub(super) struct LeafSponges {
    /// Per signature, per chunk: the permutation input `[capacity | rate]`.
    inputs: Vec<Vec<[F; 24]>>,
    /// Per signature, per chunk: the permutation output.
    outputs: Vec<Vec<[F; 24]>>,
    /// The permutation inputs in request order (chunk by chunk, signatures in order): the
    /// width-24 requests that read 17 output cells.
    pub requests: Vec<[F; 24]>,
    /// Per signature: the leaf (level-0 node of its Merkle walk).
    pub leaves: Vec<[F; HASH_LEN]>,
}

/// The parameter signature `j`'s leaf sponge absorbs: its key's.
fn leaf_parameter(w: &WitnessInputs<'_>, j: usize) -> [F; PARAMETER_LEN] {
    let key = w.parameters[j];
    #[cfg(feature = "forgery")]
    if j == 0 && w.forgery == Forgery::LeafParameter {
        let mut other = key;
        other[0] += F::ONE;
        return other;
    }
    key
}

/// Absorbs every signature's leaf input, whose chain ends are position 7 of the walks
/// `chain_values` (per chain `(j, i)`, in row order), chunk by chunk on the batched
/// permutation.
pub(super) fn absorb_leaves(
    w: &WitnessInputs<'_>,
    chain_values: &[[[F; HASH_LEN]; POSITIONS]],
) -> LeafSponges {
    let d = w.d;
    let n = w.n();
    let leaf_len = w.config.leaf_input_len();
    let leaf_inputs: Vec<Vec<F>> = (0..n)
        .map(|j| {
            let ends: Vec<[F; HASH_LEN]> = (0..d.v)
                .map(|i| chain_values[j * d.v + i][POSITIONS - 1])
                .collect();
            #[cfg(feature = "forgery")]
            let ends = {
                let mut ends = ends;
                if j == 0 && w.forgery == Forgery::SpongeOrder {
                    ends.swap(0, 1);
                }
                ends
            };
            // Zero-padded to whole chunks, as the sponge pads its last chunk.
            let mut x = vec![F::ZERO; d.sponge_chunks * REPLACEMENT_SPONGE_RATE];
            write_leaf_input(&leaf_parameter(w, j), w.slot, &ends, &mut x[..leaf_len]);
            x
        })
        .collect();
    let mut requests: Vec<[F; 24]> = Vec::with_capacity(n * d.sponge_chunks);
    let mut inputs = vec![Vec::with_capacity(d.sponge_chunks); n];
    let mut outputs = vec![Vec::with_capacity(d.sponge_chunks); n];
    let mut states: Vec<[F; 24]> = vec![[F::ZERO; 24]; n];
    for s in states.iter_mut() {
        s[..REPLACEMENT_SPONGE_CAPACITY].copy_from_slice(w.config.sponge_domain_separator());
    }
    #[cfg(feature = "forgery")]
    if w.forgery == Forgery::SpongeCapacity {
        states[0][0] += F::ONE;
    }
    for c in 0..d.sponge_chunks {
        for (s, x) in states.iter_mut().zip(&leaf_inputs) {
            s[REPLACEMENT_SPONGE_CAPACITY..].copy_from_slice(
                &x[REPLACEMENT_SPONGE_RATE * c..REPLACEMENT_SPONGE_RATE * (c + 1)],
            );
        }
        requests.extend_from_slice(&states);
        for (v, s) in inputs.iter_mut().zip(&states) {
            v.push(*s);
        }
        par_poseidon1_24(w.isa, &mut states);
        for (v, s) in outputs.iter_mut().zip(&states) {
            v.push(*s);
        }
    }
    let leaves = states
        .iter()
        .map(|s| {
            s[REPLACEMENT_SPONGE_CAPACITY..REPLACEMENT_SPONGE_CAPACITY + HASH_LEN]
                .try_into()
                .unwrap()
        })
        .collect();
    LeafSponges {
        inputs,
        outputs,
        requests,
        leaves,
    }
}

impl SpongeTable {
    /// The trace (`height` rows) of the sponges; padding rows are chunk 0 of nothing, with
    /// the leaf tweak `sponge_publics` (the table's public values).
    pub(super) fn trace(
        &self,
        w: &WitnessInputs<'_>,
        sponges: &LeafSponges,
        sponge_publics: &[F],
        height: usize,
    ) -> Vec<F> {
        let pc = &self.cols;
        let width = self.air.width();
        let chunks = w.d.sponge_chunks;
        let separator = w.config.sponge_domain_separator();
        let mut trace = F::zero_vec(height * width);
        trace
            .par_chunks_exact_mut(width)
            .enumerate()
            .for_each(|(row_index, row)| {
                let (j, c) = (row_index / chunks, row_index % chunks);
                if j >= w.n() {
                    // Padding: every row a chunk 0 of nothing, as chunk 0 must look.
                    row[pc.first.0] = F::ONE;
                    set(row, &pc.capacity, separator);
                    set(row, &pc.rate[PARAMETER_LEN..], sponge_publics);
                    return;
                }
                row[pc.active.0] = F::ONE;
                row[pc.j.0] = fe(j);
                row[pc.chunk.0] = fe(c);
                row[pc.first.0] = fe((c == 0) as usize);
                row[pc.last.0] = fe((c + 1 == chunks) as usize);
                let (capacity, rate) = sponges.inputs[j][c].split_at(REPLACEMENT_SPONGE_CAPACITY);
                set(row, &pc.capacity, capacity);
                set(row, &pc.rate, rate);
                set(row, &pc.out, &sponges.outputs[j][c]);
                set(row, &pc.parameter, &leaf_parameter(w, j));
            });
        trace
    }
}
