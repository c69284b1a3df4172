//! The chain table (`docs/air.md`, section 4): one row per hash chain, rows `(j, i)` in
//! order, in digit groups of 8 chains. Its witness: every chain walked from its digit on the
//! batched width-16 compression, position by position, and the trace.

use super::buses::{CELL_BUS, CHAIN_TWEAK_BUS, CHAIN_TWEAK_TUPLE_LEN, DIGITS_BUS};
use super::dims::{DEGREE, Dims, LEAF_PREFIX, POSITIONS, STEPS, cols, fe, par_compress_16, set};
#[cfg(feature = "forgery")]
use super::forgery::Forgery;
use super::inputs::WitnessInputs;
use crate::poseidon_table::POSEIDON1_16_COMPRESS_BUS;
use backend::KoalaBear as F;
use lean_prover::{Air, AirBuilder, Col, Expr};
use rayon::prelude::*;
use xmss::Config;
use xmss::hash::chain_input;
use xmss::params::{BASE, DIGITS_PER_FE, HASH_LEN, PARAMETER_LEN};

/// Column layout of the chain table.
#[derive(Clone, Debug)]
pub struct ChainColumns {
    /// 1 for a chain of a signature, 0 on padding.
    pub active: Col,
    /// Signature index.
    pub j: Col,
    /// Chain index.
    pub i: Col,
    /// Digit group `a` (chains `8a .. 8a + 8`).
    pub group: Col,
    /// 1 on the group's first row (`i = 8a`).
    pub start: Col,
    /// 1 on the group's last row, which receives the group's digits.
    pub end: Col,
    /// `8^t` at position `t` of the group.
    pub weight: Col,
    /// `8^t x`, this row's term of `D_a`.
    pub term: Col,
    /// `sum 8^t x` over the group's rows so far.
    pub acc: Col,
    /// `sum x` over the group's rows so far.
    pub sum: Col,
    /// Thermometer flags `f_k = [k > x]`, `k = 1..=7` (so `x = 7 - sum f`).
    pub step: [Col; STEPS],
    /// The key's parameter.
    pub parameter: [Col; PARAMETER_LEN],
    /// High tweak element of step `k` (checked against the verifier's list via the bus).
    pub tw1: [Col; STEPS],
    /// The chain value at positions `0..=7` (positions up to `x` hold the signature's value).
    pub value: [[Col; HASH_LEN]; POSITIONS],
}

/// The chain table: one row per hash chain, rows `(j, i)` in order (see `docs/air.md`,
/// section 4).
pub struct ChainTable {
    air: Air,
    cols: ChainColumns,
}

impl ChainTable {
    pub(super) fn new(config: Config) -> ChainTable {
        let d = Dims::of(config);
        let b = AirBuilder::new(&format!("chain_{}", config.name()));
        let active = b.column("active");
        let j = b.column("j");
        let i = b.column("i");
        let group = b.column("group");
        let start = b.column("start");
        let end = b.column("end");
        let weight = b.column("weight");
        let term = b.column("term");
        let acc = b.column("acc");
        let sum = b.column("sum");
        let step: [Col; STEPS] = cols(&b, "step");
        let parameter: [Col; PARAMETER_LEN] = cols(&b, "parameter");
        let tw1: [Col; STEPS] = cols(&b, "tw1_");
        let value: [[Col; HASH_LEN]; POSITIONS] =
            core::array::from_fn(|k| cols(&b, &format!("value{k}_")));
        let e0 = b.public_value();
        let m = |c: Col| b.main(c);
        let act = m(active);
        let zero = b.constant(F::ZERO);
        // The digit x = 7 - sum f at this row and the next.
        let mut x = b.constant(fe(STEPS));
        let mut x_next = b.constant(fe(STEPS));
        for &f in &step {
            x = x - m(f);
            x_next = x_next - b.next(f);
        }

        for flag in [active, start, end] {
            b.assert_zero(m(flag) * (m(flag) - F::ONE));
        }
        b.assert_zero(m(end) * (act - F::ONE));

        // Digit groups: a group starts at chain 8a with weight 1 and runs over consecutive
        // chains of one signature with the same parameter; its last row is chain 8a + 7 or
        // V - 1 and receives (j, a, D_a, S_a, P) from the signature row.
        b.when_first_row(m(start) - F::ONE);
        b.assert_zero(m(start) * (m(weight) - F::ONE));
        b.assert_zero(m(start) * (m(acc) - x));
        b.assert_zero(m(start) * (m(sum) - x));
        b.assert_zero(m(start) * (m(i) - m(group) * fe(DIGITS_PER_FE)));
        let cont = b.constant(F::ONE) - b.next(start);
        b.when_transition(cont * (b.next(weight) - m(weight) * fe(BASE)));
        b.assert_zero(m(term) - m(weight) * x);
        b.when_transition(cont * (b.next(acc) - m(acc) - b.next(term)));
        b.when_transition(cont * (b.next(sum) - m(sum) - x_next));
        b.when_transition(cont * (b.next(i) - m(i) - F::ONE));
        for c in [group, j, active].into_iter().chain(parameter) {
            b.when_transition(cont * (b.next(c) - m(c)));
        }
        let group_last = m(i) - m(group) * fe(DIGITS_PER_FE) - fe(DIGITS_PER_FE - 1);
        b.assert_zero(m(end) * group_last * (m(i) - fe(d.v - 1)));
        let mut t = vec![m(j), m(group), m(acc), m(sum)];
        t.extend(parameter.iter().map(|&c| m(c)));
        b.receive(DIGITS_BUS, &t, m(end));

        // Thermometer flags; padding rows take no step.
        for k in 0..STEPS {
            let f = m(step[k]);
            b.assert_zero(f * (f - F::ONE));
            if k + 1 < STEPS {
                b.assert_zero(f * (m(step[k + 1]) - F::ONE));
            }
        }
        b.assert_zero(m(step[STEPS - 1]) * (act - F::ONE));

        // Steps: value_k = compress_16([value_{k-1} | P | tw0 tw1 | 0]) where f_k is set, the
        // value carried over elsewhere.
        for k in 1..POSITIONS {
            let f = m(step[k - 1]);
            for (&now, &before) in value[k].iter().zip(&value[k - 1]) {
                b.assert_zero((f - F::ONE) * (m(now) - m(before)));
            }
            let tw0 = e0 + m(i) * fe(1 << 16) + b.constant(F::new((k as u32) << 8));
            let mut t: Vec<Expr<'_>> = value[k - 1].iter().map(|&c| m(c)).collect();
            t.extend(parameter.iter().map(|&c| m(c)));
            t.push(tw0);
            t.push(m(tw1[k - 1]));
            t.push(zero);
            t.extend(value[k].iter().map(|&c| m(c)));
            b.send(POSEIDON1_16_COMPRESS_BUS, &t, f);
        }
        // The high tweak elements are the verifier's for chain i (which bounds i to 0..V).
        let mut t = vec![m(i)];
        t.extend(tw1.iter().map(|&c| m(c)));
        b.receive(CHAIN_TWEAK_BUS, &t, act);
        // The chain end is cells 7 + 8i .. 7 + 8i + 8 of the leaf input.
        for (k, &c) in value[POSITIONS - 1].iter().enumerate() {
            let g = m(i) * fe(HASH_LEN) + fe(LEAF_PREFIX + k);
            b.send(CELL_BUS, &[m(j), g, m(c)], act);
        }

        let air = b
            .build(DEGREE)
            .expect("chain AIR within lean_prover limits");
        ChainTable {
            air,
            cols: ChainColumns {
                active,
                j,
                i,
                group,
                start,
                end,
                weight,
                term,
                acc,
                sum,
                step,
                parameter,
                tw1,
                value,
            },
        }
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &ChainColumns {
        &self.cols
    }
}

/// Every chain walked from its signature's digit: the values at all positions and the
/// compression requests.
pub(super) struct ChainWalks {
    /// Per chain `(j, i)`, in row order: the values at positions `0..=7` (the signature's
    /// hash up to the digit, then one step per position).
    pub values: Vec<[[F; HASH_LEN]; POSITIONS]>,
    /// Per chain: the digit `x` it is walked from (its first step is to position `x + 1`).
    digits: Vec<usize>,
    /// The compression inputs in request order (position by position, chains in row order).
    pub p16_inputs: Vec<[F; 16]>,
}

/// The parameter chain row `row` (chain `(row / V, row % V)`) is walked with: its key's.
fn walk_parameter(w: &WitnessInputs<'_>, row: usize) -> [F; PARAMETER_LEN] {
    let key = w.parameters[row / w.d.v];
    #[cfg(feature = "forgery")]
    if row == 0 && w.forgery == Forgery::ChainParameter {
        let mut other = key;
        other[0] += F::ONE;
        return other;
    }
    key
}

/// Walks every chain from its digit (`digits[j][i]`, from the message hashes), position by
/// position on the batched compression kernel.
pub(super) fn walk_chains(w: &WitnessInputs<'_>, digits: &[Vec<u32>]) -> ChainWalks {
    let d = w.d;
    let n = w.n();
    let mut values: Vec<[[F; HASH_LEN]; POSITIONS]> = Vec::with_capacity(n * d.v);
    for sig in w.signatures {
        for i in 0..d.v {
            values.push([sig.hashes[i]; POSITIONS]);
        }
    }
    let walked_from: Vec<usize> = (0..n * d.v)
        .map(|row| digits[row / d.v][row % d.v] as usize)
        .collect();
    #[cfg(feature = "forgery")]
    let walked_from = {
        let mut x = walked_from;
        match w.forgery {
            Forgery::DigitOrder => x.swap(0, 1),
            Forgery::ChainLength => x[0] = x[0].saturating_sub(1),
            _ => {}
        }
        x
    };
    let mut p16_inputs: Vec<[F; 16]> = Vec::with_capacity(n * d.p16_per_signature());
    let mut idx = Vec::new();
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    for k in 1..POSITIONS {
        idx.clear();
        inputs.clear();
        for j in 0..n {
            for i in 0..d.v {
                let row = j * d.v + i;
                let prev = values[row][k - 1];
                values[row][k] = prev;
                if walked_from[row] < k {
                    let pos = k;
                    #[cfg(feature = "forgery")]
                    let pos = if row == 0
                        && w.forgery == Forgery::ChainTweak
                        && k == walked_from[0] + 1
                    {
                        if k == 1 { 2 } else { k - 1 }
                    } else {
                        pos
                    };
                    let param = walk_parameter(w, row);
                    idx.push(row);
                    inputs.push(chain_input(&param, w.slot, i as u8, pos as u8, &prev));
                }
            }
        }
        outputs.clear();
        outputs.resize(idx.len(), [F::ZERO; HASH_LEN]);
        if !idx.is_empty() {
            par_compress_16::<HASH_LEN>(w.isa, &inputs, &mut outputs);
        }
        for (&row, o) in idx.iter().zip(&outputs) {
            values[row][k] = *o;
            #[cfg(feature = "forgery")]
            if row == 0 && w.forgery == Forgery::ChainStep && k == walked_from[0] + 1 {
                values[row][k][0] += F::ONE;
            }
        }
        p16_inputs.extend_from_slice(&inputs);
    }
    ChainWalks {
        values,
        digits: walked_from,
        p16_inputs,
    }
}

impl ChainTable {
    /// The trace (`height` rows) of the walks; the high tweak elements are the verifier's
    /// (`chain_tweak_tuples`, the statement's `CHAIN_TWEAK` list). The digit `x` of each row
    /// is the one its steps say.
    pub(super) fn trace(
        &self,
        w: &WitnessInputs<'_>,
        walks: &ChainWalks,
        chain_tweak_tuples: &[F],
        height: usize,
    ) -> Vec<F> {
        let d = w.d;
        let cc = &self.cols;
        let width = self.air.width();
        let mut trace = F::zero_vec(height * width);
        trace
            .par_chunks_exact_mut(width)
            .enumerate()
            .for_each(|(row_index, row)| {
                let Some(vs) = walks.values.get(row_index) else {
                    // Padding: every row a group of its own with no steps (x = 7).
                    row[cc.start.0] = F::ONE;
                    row[cc.weight.0] = F::ONE;
                    row[cc.term.0] = fe(STEPS);
                    row[cc.acc.0] = fe(STEPS);
                    row[cc.sum.0] = fe(STEPS);
                    return;
                };
                let (j, i) = (row_index / d.v, row_index % d.v);
                let (group, t) = (i / DIGITS_PER_FE, i % DIGITS_PER_FE);
                let x = walks.digits[row_index];
                let (mut acc, mut sum, mut weight) = (0usize, 0usize, 1usize);
                for t2 in 0..=t {
                    weight = BASE.pow(t2 as u32);
                    let x2 = walks.digits[j * d.v + DIGITS_PER_FE * group + t2];
                    acc += weight * x2;
                    sum += x2;
                }
                row[cc.active.0] = F::ONE;
                row[cc.j.0] = fe(j);
                row[cc.i.0] = fe(i);
                row[cc.group.0] = fe(group);
                row[cc.start.0] = fe((t == 0) as usize);
                row[cc.end.0] = fe((t == DIGITS_PER_FE - 1 || i == d.v - 1) as usize);
                row[cc.weight.0] = fe(weight);
                row[cc.term.0] = fe(weight * x);
                row[cc.acc.0] = fe(acc);
                row[cc.sum.0] = fe(sum);
                for k in 1..POSITIONS {
                    row[cc.step[k - 1].0] = fe((k > x) as usize);
                    row[cc.tw1[k - 1].0] = chain_tweak_tuples[CHAIN_TWEAK_TUPLE_LEN * i + k];
                }
                set(row, &cc.parameter, &walk_parameter(w, row_index));
                for (cs, val) in cc.value.iter().zip(vs) {
                    set(row, cs, val);
                }
            });
        trace
    }
}
