//! The aggregation statement (`docs/air.md`): its seven tables, their public values and the
//! public lookup lists, witness generation on the dispatched kernels, proving and
//! verification.
//!
//! | table | rows | what a row is |
//! |---|---|---|
//! | `signature` | `N` (padded) | one signature: message hash, remainders, digit groups |
//! | `chain` | `N V` | one hash chain, positions `0..=7`, in digit groups of 8 chains |
//! | `sponge` | `N C` | one permutation of the leaf sponge (`C` chunks per signature) |
//! | `merkle` | `N h` | one Merkle level of one signature |
//! | `poseidon1_16_compress8` | `N (7V - T*)` | one chain step (`compress_16`) |
//! | `poseidon1_24_prefix17` | `N (1 + C + h)` | one width-24 permutation |
//! | `range127` | 128 | the values `0..127` |
//!
//! Proof size grows with the total number of columns (every query opens one row of every
//! table), not with the number of rows, so the statement is a few narrow tables linked by
//! buses rather than one wide row per signature.
//!
//! The verifier's own contributions: the public values of the signature table (message,
//! message tweak), the sponge table (leaf tweak) and the chain table (`E0`), and three public
//! lookup lists: the keys as level-`h` nodes `(j, h, root_j, parameter_j)`, received once
//! each on [`NODE_BUS`] (where the Merkle walks end), the
//! Merkle levels `(l, bit_l, tweak_l)` sent `N` times each on [`TREE_BUS`], and the chain
//! tweaks `(i, tw1_{i,1..=7})` sent `N` times each on [`CHAIN_TWEAK_BUS`].

use crate::poseidon_table::{
    POSEIDON1_16_COMPRESS_BUS, POSEIDON1_24_PREFIX_BUS, POSEIDON1_24_PREFIX_LEN,
    POSEIDON1_24_SHORT_BUS, POSEIDON1_24_SHORT_LEN, Poseidon1Table, poseidon1_16_compress_table,
    poseidon1_24_prefix_table,
};
use backend::poseidon::{
    REPLACEMENT_SPONGE_CAPACITY, REPLACEMENT_SPONGE_RATE, compress_16_batch, poseidon1_24_batch,
};
use backend::{Isa, KoalaBear as F};
use lean_prover::{
    Air, AirBuilder, BusId, Col, Direction, Expr, ProverOptions, PublicLookup, SecurityShape,
    SecurityTarget, StarkParams, TableInstance, TableWitness,
};
use rayon::prelude::*;
use std::sync::OnceLock;
use xmss::encoding::{chain_tweak, message_hash_input, message_to_fes, message_tweak, tree_tweak};
use xmss::hash::{chain_input, tree_node_input, write_leaf_input};
use xmss::params::{BASE, DIGITS_PER_FE, HASH_LEN, PARAMETER_LEN, Q, RAND_LEN, TWEAK_LEN};
use xmss::{Config, PublicKey, Signature};

/// Bus binding a signature row's parameter to its leaf sponge: `(j, parameter[5])`, sent by
/// the signature row, received by the sponge's chunk 0.
pub const PARAMETER_BUS: BusId = BusId(0x20);
/// Bus of the digit groups: `(j, a, D_a, S_a, parameter[5])`, where `D_a = sum_t 8^t x_{8a+t}`
/// and `S_a = sum_t x_{8a+t}` over the chains `8a + t` of group `a` (sent by the signature row,
/// received by the group's last chain row).
pub const DIGITS_BUS: BusId = BusId(0x21);
/// Merkle walk links: `(j, l, node[8], parameter[5])`, the node at level `l` of signature
/// `j` (sent at `l = 0` by the sponge; at `l = h` received by the verifier's key list,
/// `(j, h, root_j, parameter_j)` once per key).
pub const NODE_BUS: BusId = BusId(0x24);
/// Level data of the Merkle walk: `(l, bit_l, tw0, tw1)`, sent by the verifier (public
/// lookup, multiplicity `N` per level).
pub const TREE_BUS: BusId = BusId(0x25);
/// Cells of the leaf sponge's input: `(j, g, value)`, cell `g` of signature `j`'s leaf input
/// (sent by the chain rows for the chain ends, received by the sponge rows).
pub const CELL_BUS: BusId = BusId(0x26);
/// Chain tweaks: `(i, tw1_{i,1..=7})`, the high tweak element of every step of chain `i`
/// (sent by the verifier, multiplicity `N` per chain).
pub const CHAIN_TWEAK_BUS: BusId = BusId(0x27);
/// Range check `0..127` (message-hash remainders).
pub const RANGE127_BUS: BusId = BusId(0x22);

/// `log2` height of the range table (values `0..=126`).
const RANGE127_LOG_HEIGHT: usize = 7;
/// Largest pair of unused digits, `7 + 8 * 7`: a pair `u` is in range when `u` and `63 - u`
/// are both in `0..127` (with `u > 63`, `63 - u` wraps to `p - (u - 63)`).
const MAX_DIGIT_PAIR: u32 = 63;

/// Largest constraint degree of the statement's own tables.
const DEGREE: usize = 4;
/// Number of chain positions (`BASE`), and the steps `k = 1..=7`.
const POSITIONS: usize = BASE;
const STEPS: usize = BASE - 1;
/// Cells of the leaf input before the chain ends: parameter and leaf tweak.
const LEAF_PREFIX: usize = PARAMETER_LEN + TWEAK_LEN;
/// Smallest table height.
const MIN_HEIGHT: usize = 1 << lean_prover::layout::MIN_LOG_HEIGHT;
/// Number of tables.
pub const NUM_TABLES: usize = 7;

/// The sizes of one configuration.
#[derive(Copy, Clone, Debug)]
pub struct Dims {
    /// Chains `V`.
    pub v: usize,
    /// Tree depth `h`.
    pub h: usize,
    /// Target sum `T*`.
    pub target_sum: usize,
    /// Message-hash elements whose digits are used, `ceil(V / 8)` (the digit groups).
    pub n_a: usize,
    /// Sponge permutations per leaf, `ceil((7 + 8V) / 15)`.
    pub sponge_chunks: usize,
}

impl Dims {
    /// The sizes of `config`.
    pub fn of(config: Config) -> Dims {
        Dims {
            v: config.num_chains(),
            h: config.log_lifetime(),
            target_sum: config.target_sum(),
            n_a: config.message_hash_fes(),
            sponge_chunks: config.leaf_input_len().div_ceil(REPLACEMENT_SPONGE_RATE),
        }
    }

    /// Width-16 compressions (chain steps) per signature: `7V - T*`.
    pub fn p16_per_signature(&self) -> usize {
        STEPS * self.v - self.target_sum
    }

    /// Width-24 permutations per signature: message hash, sponge, Merkle levels.
    pub fn p24_per_signature(&self) -> usize {
        1 + self.sponge_chunks + self.h
    }

    /// Chains in the last digit group, `r = V - 8 (n_A - 1)`.
    pub fn last_group_len(&self) -> usize {
        self.v - DIGITS_PER_FE * (self.n_a - 1)
    }

    /// Pairs of unused digits of the last message-hash element, `(8 n_A - V) / 2`.
    pub fn unused_pairs(&self) -> usize {
        (DIGITS_PER_FE * self.n_a - self.v) / 2
    }

    /// Rows per signature of the tables that have them, in statement order (signature,
    /// chain, sponge, Merkle, the two permutation tables).
    pub fn rows_per_signature(&self) -> [usize; 6] {
        [
            1,
            self.v,
            self.sponge_chunks,
            self.h,
            self.p16_per_signature(),
            self.p24_per_signature(),
        ]
    }

    /// `log2` table heights for `n` signatures, in statement order.
    pub fn log_heights(&self, n: usize) -> [usize; NUM_TABLES] {
        let lg = |rows: usize| rows.next_power_of_two().max(MIN_HEIGHT).trailing_zeros() as usize;
        let r = self.rows_per_signature();
        [
            lg(n * r[0]),
            lg(n * r[1]),
            lg(n * r[2]),
            lg(n * r[3]),
            lg(n * r[4]),
            lg(n * r[5]),
            RANGE127_LOG_HEIGHT,
        ]
    }
}

fn cols<const K: usize>(b: &AirBuilder, name: &str) -> [Col; K] {
    core::array::from_fn(|i| b.column(&format!("{name}{i}")))
}

/// `x` as a field element (sizes and indices of the statement, all far below `p`).
fn fe(x: usize) -> F {
    F::new(x as u32)
}

// ---------------------------------------------------------------------------------------------
// Signature table.

/// Column layout of the signature table.
#[derive(Clone, Debug)]
pub struct SignatureColumns {
    /// 1 on the rows `0..N`, 0 on padding.
    pub active: Col,
    /// Signature index (row index).
    pub j: Col,
    /// The key's public parameter.
    pub parameter: [Col; PARAMETER_LEN],
    /// The signature's randomness.
    pub rho: [Col; RAND_LEN],
    /// The first 8 cells of the message-hash permutation's output (the first `n_A` are used).
    pub msg_out: [Col; POSEIDON1_24_SHORT_LEN],
    /// Remainders `A_a mod 127`.
    pub rem: Vec<Col>,
    /// The unused digits of the last element, in pairs `x_c + 8 x_{c+1}`.
    pub unused: Vec<Col>,
    /// Digit sum of each group, `S_a`.
    pub group_sum: Vec<Col>,
}

/// Public values of the signature table: the message (9) and the message tweak (2).
const SIG_PUBLICS: usize = 9 + TWEAK_LEN;

/// The signature table: one row per signature (see `docs/air.md`, section 3).
pub struct SignatureTable {
    air: Air,
    cols: SignatureColumns,
}

impl SignatureTable {
    fn new(config: Config) -> SignatureTable {
        let d = Dims::of(config);
        let b = AirBuilder::new(&format!("signature_{}", config.name()));
        let active = b.column("active");
        let j = b.column("j");
        let parameter: [Col; PARAMETER_LEN] = cols(&b, "parameter");
        let rho: [Col; RAND_LEN] = cols(&b, "rho");
        assert!(
            d.n_a <= POSEIDON1_24_SHORT_LEN,
            "message-hash elements within the prefix"
        );
        let msg_out: [Col; POSEIDON1_24_SHORT_LEN] = cols(&b, "msg_out");
        let rem = b.columns("rem", d.n_a);
        let unused = b.columns("unused", d.unused_pairs());
        let group_sum = b.columns("group_sum", d.n_a);

        let pv: Vec<Expr<'_>> = (0..SIG_PUBLICS).map(|_| b.public_value()).collect();
        let m = |c: Col| b.main(c);
        let act = m(active);
        let zero = b.constant(F::ZERO);
        let p: Vec<Expr<'_>> = parameter.iter().map(|&c| m(c)).collect();

        // Row bookkeeping: active is a boolean prefix, j counts rows from 0.
        b.assert_zero(act * (act - F::ONE));
        b.when_first_row(m(j));
        b.when_transition(b.next(j) - m(j) - F::ONE);
        b.when_transition(b.next(active) * (act - F::ONE));

        // Message hash: P24 on [M | P | TW_msg | rho | 0].
        let mut msg_in: Vec<Expr<'_>> = pv[..9].to_vec();
        msg_in.extend(&p);
        msg_in.extend(&pv[9..SIG_PUBLICS]);
        msg_in.extend(rho.iter().map(|&c| m(c)));
        msg_in.push(zero);
        let mut tuple = msg_in.clone();
        tuple.extend(msg_out.iter().map(|&c| m(c)));
        b.send(POSEIDON1_24_SHORT_BUS, &tuple, act);

        // Abort rule and digits: A_a = y_a + in_a = r_a + 127 D'_a with r_a < 127, and the
        // group's chains hold the base-8 digits of D'_a (the last element's unused digits
        // are here, range-checked in pairs).
        let inv_q = F::new(Q).inverse_or_zero();
        let r = d.last_group_len();
        let mut sum = zero;
        for a in 0..d.n_a {
            let a_value = m(msg_out[a]) + msg_in[a];
            let mut digits = (a_value - m(rem[a])) * inv_q;
            if a + 1 == d.n_a {
                for (p_idx, &u) in unused.iter().enumerate() {
                    let weight = F::new(BASE as u32).exp_u64((r + 2 * p_idx) as u64);
                    digits = digits - m(u) * weight;
                }
            }
            b.send(RANGE127_BUS, &[m(rem[a])], act);
            let mut t = vec![m(j), b.constant(fe(a)), digits, m(group_sum[a])];
            t.extend(&p);
            b.send(DIGITS_BUS, &t, act);
            sum = sum + m(group_sum[a]);
        }
        for &u in &unused {
            b.send(RANGE127_BUS, &[m(u)], act);
            b.send(
                RANGE127_BUS,
                &[b.constant(F::new(MAX_DIGIT_PAIR)) - m(u)],
                act,
            );
        }
        // Target sum.
        b.assert_zero(act * (sum - fe(d.target_sum)));

        // The parameter is the one of signature j's sponge, hence of its Merkle walk, which
        // ends at key j's root and parameter.
        let mut t = vec![m(j)];
        t.extend(&p);
        b.send(PARAMETER_BUS, &t, act);

        let air = b
            .build(DEGREE)
            .expect("signature AIR within lean_prover limits");
        SignatureTable {
            air,
            cols: SignatureColumns {
                active,
                j,
                parameter,
                rho,
                msg_out,
                rem,
                unused,
                group_sum,
            },
        }
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &SignatureColumns {
        &self.cols
    }
}

// ---------------------------------------------------------------------------------------------
// Chain table.

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
    fn new(config: Config) -> ChainTable {
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

// ---------------------------------------------------------------------------------------------
// Sponge table.

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
    fn new(config: Config) -> SpongeTable {
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

// ---------------------------------------------------------------------------------------------
// Merkle table.

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
    fn new() -> MerkleTable {
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

// ---------------------------------------------------------------------------------------------
// Range tables.

/// A range table: rows `v = 0..2^k`, receiving `(v)` with multiplicity `mult`; with
/// `exclude_last` the last value's multiplicity is forced to 0 (range `0..2^k - 1`).
pub struct RangeTable {
    air: Air,
    log_height: usize,
}

impl RangeTable {
    fn new(name: &str, bus: BusId, log_height: usize, exclude_last: bool) -> RangeTable {
        let b = AirBuilder::new(name);
        let v = b.column("v");
        let mult = b.column("mult");
        b.when_first_row(b.main(v));
        b.when_transition(b.next(v) - b.main(v) - F::ONE);
        if exclude_last {
            b.when_last_row(b.main(mult));
        }
        b.receive(bus, &[b.main(v)], b.main(mult));
        RangeTable {
            air: b.build(DEGREE).expect("range AIR"),
            log_height,
        }
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The trace for per-value multiplicities `counts` (length `2^log_height`).
    fn trace(&self, counts: &[u32]) -> Vec<F> {
        debug_assert_eq!(counts.len(), 1 << self.log_height);
        counts
            .iter()
            .enumerate()
            .flat_map(|(v, &c)| [F::new(v as u32), F::new(c)])
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// All tables of one configuration.

/// The seven tables of one configuration (built once per process).
pub struct Tables {
    /// One row per signature.
    pub signature: SignatureTable,
    /// One row per chain.
    pub chain: ChainTable,
    /// One row per leaf-sponge permutation.
    pub sponge: SpongeTable,
    /// One row per Merkle level.
    pub merkle: MerkleTable,
    /// Chain steps.
    pub p16: Poseidon1Table<16>,
    /// Width-24 permutations.
    pub p24: Poseidon1Table<24>,
    /// `0..127`.
    pub range127: RangeTable,
}

impl Tables {
    /// The tables of `config` (cached).
    pub fn get(config: Config) -> &'static Tables {
        static PROD: OnceLock<Tables> = OnceLock::new();
        static TEST: OnceLock<Tables> = OnceLock::new();
        let cell = match config {
            Config::Prod => &PROD,
            Config::Test => &TEST,
        };
        cell.get_or_init(|| Tables {
            signature: SignatureTable::new(config),
            chain: ChainTable::new(config),
            sponge: SpongeTable::new(config),
            merkle: MerkleTable::new(),
            p16: poseidon1_16_compress_table(),
            p24: poseidon1_24_prefix_table(),
            range127: RangeTable::new("range127", RANGE127_BUS, RANGE127_LOG_HEIGHT, true),
        })
    }

    /// The AIRs in statement order.
    pub fn airs(&self) -> [&Air; NUM_TABLES] {
        [
            self.signature.air(),
            self.chain.air(),
            self.sponge.air(),
            self.merkle.air(),
            self.p16.air(),
            self.p24.air(),
            self.range127.air(),
        ]
    }
}

// ---------------------------------------------------------------------------------------------
// Statement, parameters, limits.

/// The public statement: configuration, message, slot and the ordered keys, with everything
/// the verifier derives from them.
pub struct Statement {
    /// The configuration.
    pub config: Config,
    /// The slot (epoch).
    pub slot: u32,
    /// Number of signatures.
    pub n: usize,
    /// The message as 9 field elements.
    pub message_fes: [F; 9],
    /// Public values of the signature table: the message and the message tweak.
    pub signature_publics: Vec<F>,
    /// Public values of the chain table (`E0 = slot * 2^24 mod p`).
    pub chain_publics: Vec<F>,
    /// Public values of the sponge table: the leaf tweak.
    pub sponge_publics: Vec<F>,
    /// The key list as level-`h` nodes `(j, h, root, parameter)`, 15 values per key.
    pub key_tuples: Vec<F>,
    /// Multiplicity 1 per key.
    pub key_mults: Vec<F>,
    /// The Merkle level list `(l, bit_l, tree tweak of level l + 1)`, 4 values per level.
    pub tree_tuples: Vec<F>,
    /// Multiplicity `N` per level.
    pub tree_mults: Vec<F>,
    /// The chain tweak list `(i, tw1_{i,1..=7})`, 8 values per chain.
    pub chain_tweak_tuples: Vec<F>,
    /// Multiplicity `N` per chain.
    pub chain_tweak_mults: Vec<F>,
    /// The soundness target the parameters are chosen for.
    pub security: SecurityLevel,
}

/// Values per key tuple.
const KEY_TUPLE_LEN: usize = 2 + HASH_LEN + PARAMETER_LEN;
/// Values per level tuple.
const TREE_TUPLE_LEN: usize = 2 + TWEAK_LEN;
/// Values per chain tweak tuple.
const CHAIN_TWEAK_TUPLE_LEN: usize = 1 + STEPS;

impl Statement {
    /// The statement for `keys` signing `message` at `slot` (the slot must be below the
    /// lifetime: callers check it).
    pub fn new(config: Config, message: &[u8; 32], slot: u32, keys: &[PublicKey]) -> Statement {
        let d = Dims::of(config);
        let n = keys.len();
        let message_fes = message_to_fes(message);
        let mut signature_publics = message_fes.to_vec();
        signature_publics.extend_from_slice(&message_tweak(slot));
        let mut tree_tuples = Vec::with_capacity(TREE_TUPLE_LEN * d.h);
        for l in 0..d.h {
            tree_tuples.push(fe(l));
            tree_tuples.push(F::new((slot >> l) & 1));
            tree_tuples.extend_from_slice(&tree_tweak(
                (l + 1) as u8,
                ((slot as u64) >> (l + 1)) as u32,
            ));
        }
        let mut chain_tweak_tuples = Vec::with_capacity(CHAIN_TWEAK_TUPLE_LEN * d.v);
        for i in 0..d.v {
            chain_tweak_tuples.push(fe(i));
            for k in 1..POSITIONS {
                chain_tweak_tuples.push(chain_tweak(slot, i as u8, k as u8)[1]);
            }
        }
        let e0 = F::new(((slot as u64) << 24).rem_euclid(F::ORDER as u64) as u32);
        let mut key_tuples = Vec::with_capacity(n * KEY_TUPLE_LEN);
        for (j, k) in keys.iter().enumerate() {
            key_tuples.push(fe(j));
            key_tuples.push(fe(d.h));
            key_tuples.extend_from_slice(&k.root);
            key_tuples.extend_from_slice(&k.parameter);
        }
        Statement {
            config,
            slot,
            n,
            message_fes,
            signature_publics,
            chain_publics: vec![e0],
            sponge_publics: tree_tweak(0, slot).to_vec(),
            key_tuples,
            key_mults: vec![F::ONE; n],
            tree_mults: vec![fe(n); d.h],
            tree_tuples,
            chain_tweak_mults: vec![fe(n); d.v],
            chain_tweak_tuples,
            security: SecurityLevel::default(),
        }
    }

    fn lookups(&self) -> [PublicLookup<'_>; 3] {
        [
            PublicLookup {
                bus: NODE_BUS,
                direction: Direction::Receive,
                tuple_len: KEY_TUPLE_LEN,
                values: &self.key_tuples,
                multiplicities: &self.key_mults,
            },
            PublicLookup {
                bus: TREE_BUS,
                direction: Direction::Send,
                tuple_len: TREE_TUPLE_LEN,
                values: &self.tree_tuples,
                multiplicities: &self.tree_mults,
            },
            PublicLookup {
                bus: CHAIN_TWEAK_BUS,
                direction: Direction::Send,
                tuple_len: CHAIN_TWEAK_TUPLE_LEN,
                values: &self.chain_tweak_tuples,
                multiplicities: &self.chain_tweak_mults,
            },
        ]
    }

    fn publics(&self) -> [&[F]; NUM_TABLES] {
        [
            &self.signature_publics,
            &self.chain_publics,
            &self.sponge_publics,
            &[],
            &[],
            &[],
            &[],
        ]
    }

    /// The verifier's view of the tables.
    pub fn instances(&self) -> Vec<TableInstance<'_>> {
        let tables = Tables::get(self.config);
        let logs = Dims::of(self.config).log_heights(self.n);
        tables
            .airs()
            .into_iter()
            .zip(logs)
            .zip(self.publics())
            .map(|((air, log_height), public_values)| TableInstance {
                air,
                log_height,
                public_values,
            })
            .collect()
    }

    /// The security shape of this statement.
    pub fn security_shape(&self) -> SecurityShape {
        let tables = Tables::get(self.config);
        let logs = Dims::of(self.config).log_heights(self.n);
        let pairs: Vec<(&Air, usize)> = tables.airs().into_iter().zip(logs).collect();
        SecurityShape::of_statement_with_lookups(&pairs, &self.lookups())
    }

    /// The STARK parameters of this statement at `log_inv_rate` ([`stark_params`]).
    ///
    /// # Errors
    /// [`ParamsError::Unreachable`](lean_prover::params::ParamsError) when the level cannot be
    /// reached for this `N` and rate.
    pub fn params(
        &self,
        log_inv_rate: usize,
    ) -> Result<StarkParams, lean_prover::params::ParamsError> {
        stark_params(log_inv_rate, self.security, &self.security_shape())
    }

    /// Verifies `stark` proof bytes for this statement under `params` (from
    /// [`Statement::params`]; the caller checks their security).
    ///
    /// # Errors
    /// The `lean_prover` verification error.
    pub fn verify(
        &self,
        params: &StarkParams,
        stark: &[u8],
    ) -> Result<(), lean_prover::VerifyError> {
        lean_prover::verify_bytes_with_lookups(params, &self.instances(), &self.lookups(), stark)
    }
}

/// Proof-of-work bits of an aggregate proof, ground before the FRI queries: each bit of
/// grinding is worth about one query at rate 1/4 (a row of every committed column and its
/// Merkle paths, about 4 KB of proof) and doubles the grinding time (2^18 batched Poseidon2
/// permutations take about 14 ms on two AVX-512 cores, extrapolated from the 16-bit grinding
/// benchmark in `BENCHMARKS.md`).
pub const POW_BITS: usize = 18;

/// Proof-of-work bits ground before the bus challenges: the LogUp term (tens of millions of
/// fractions of up to 17 values at the largest N) is what binds the conjectured figure of
/// large aggregates (123.5 bits at N = 32,768 without grinding); 8 bits cost 2^8
/// permutations (well under a millisecond) and add 8 bits to that term.
pub const BUS_POW_BITS: usize = 8;

/// Which soundness figure the number of FRI queries is chosen for. Either level is met or the
/// parameters are refused with an error ([`stark_params`]); a proof never carries a label
/// its parameters do not give.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SecurityLevel {
    /// The default: at least 100 provable bits in the Johnson-bound regime under
    /// [`JohnsonBound::Bchks25`](lean_prover::JohnsonBound) and at least 124 conjectured bits.
    #[default]
    Provable,
    /// At least 124 conjectured bits only (ethSTARK-style conjecture): about 60% of the
    /// queries of `Provable` and about 70 provable bits. The conjectures of that family were
    /// refuted near capacity in 2025 (Crites and Stewart, ePrint 2025/2046), so verifiers
    /// refuse it under their default policy; an explicitly lowered choice only.
    Conjectured,
}

impl SecurityLevel {
    /// Wire tag.
    pub fn tag(self) -> u8 {
        match self {
            SecurityLevel::Conjectured => 0,
            SecurityLevel::Provable => 1,
        }
    }

    /// From a wire tag.
    pub fn from_tag(t: u8) -> Option<SecurityLevel> {
        match t {
            0 => Some(SecurityLevel::Conjectured),
            1 => Some(SecurityLevel::Provable),
            _ => None,
        }
    }

    /// Lower-case name (`"provable"`, `"conjectured"`).
    pub fn name(self) -> &'static str {
        match self {
            SecurityLevel::Conjectured => "conjectured",
            SecurityLevel::Provable => "provable",
        }
    }

    /// The target the number of queries is derived for, with [`POW_BITS`] of grinding.
    pub fn target(self) -> SecurityTarget {
        let provable_bits = match self {
            SecurityLevel::Provable => 100.0,
            SecurityLevel::Conjectured => 0.0,
        };
        SecurityTarget {
            conjectured_bits: 124.0,
            provable_bits,
            pow_bits: POW_BITS,
            bus_pow_bits: BUS_POW_BITS,
            assumption: lean_prover::JohnsonBound::Bchks25,
        }
    }
}

/// The STARK parameters for a statement of `shape` at `log_inv_rate`: the fewest FRI queries
/// meeting [`SecurityLevel::target`].
///
/// # Errors
/// [`ParamsError::Unreachable`](lean_prover::params::ParamsError) with the best figures
/// reachable, when no number of queries meets the level (never a weaker fallback), or
/// `OutOfRange` for a bad rate.
pub fn stark_params(
    log_inv_rate: usize,
    level: SecurityLevel,
    shape: &SecurityShape,
) -> Result<StarkParams, lean_prover::params::ParamsError> {
    StarkParams::for_security(log_inv_rate, level.target(), shape)
}

/// The largest `N` at `log_inv_rate`: every table must fit `lean_prover`'s largest domain.
pub fn max_signatures(config: Config, log_inv_rate: usize) -> usize {
    let d = Dims::of(config);
    let tables = Tables::get(config);
    tables
        .airs()
        .iter()
        .zip(d.rows_per_signature())
        .map(|(air, rows)| {
            let log_q = air.log_quotient_domain();
            let max_log = lean_prover::layout::MAX_LOG_DOMAIN - log_inv_rate.max(log_q);
            (1usize << max_log) / rows
        })
        .min()
        .unwrap_or(0)
        .min(u32::MAX as usize)
}

// ---------------------------------------------------------------------------------------------
// Witness.

/// All traces of one statement.
#[derive(Clone)]
pub struct Witness {
    /// Row-major traces in statement order.
    pub traces: [Vec<F>; NUM_TABLES],
}

/// A deliberate error in one verification step of signature 0, for soundness tests: the
/// witness is computed with the error and every later value follows from it, so the witness
/// is consistent everywhere except at that step (and the key's root must be taken from
/// [`Witness::roots`] for the statement to match the forged computation).
#[doc(hidden)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Forgery {
    /// An honest witness.
    None,
    /// The message hash uses a different message element.
    MessageHashInput,
    /// A message-hash remainder out of range (`r + 127 * 8^k`, digit `k` lowered by one in an
    /// unused position), so the decomposition still holds.
    RemainderRange,
    /// Chain 0 walks one step more than its digit says.
    ChainLength,
    /// Chains 0 and 1 are walked from each other's digits (each walk correct for its
    /// digit, the digit group's weights no longer matching the message hash).
    DigitOrder,
    /// The output of one step of chain 0 is altered.
    ChainStep,
    /// One step of chain 0 uses the tweak of another position.
    ChainTweak,
    /// Chain 0 is walked with a different public parameter.
    ChainParameter,
    /// The leaf sponge absorbs chains 0 and 1 in swapped order.
    SpongeOrder,
    /// The leaf sponge starts from a wrong capacity.
    SpongeCapacity,
    /// The leaf sponge absorbs a different public parameter (its rows carry it too).
    LeafParameter,
    /// Merkle level 0 swaps left and right.
    MerkleDirection,
    /// Merkle level 0 uses the tweak of level 2.
    MerkleTweak,
}

/// Per-signature intermediate values.
struct SigValues {
    msg_out: [F; 24],
    rem: Vec<u32>,
    digits: Vec<u32>,
    /// Per sponge chunk: the permutation input and output.
    sponge_in: Vec<[F; 24]>,
    sponge_out: Vec<[F; 24]>,
    tree_out: Vec<[F; 24]>,
    /// Per level: the node below.
    tree_nodes: Vec<[F; HASH_LEN]>,
}

impl Witness {
    /// Generates the traces for `signatures` (by `st`'s keys, in order) on `isa`.
    ///
    /// The signatures are not checked here (`aggregate` verifies them natively first): an
    /// invalid signature yields a witness that violates a constraint or unbalances a bus.
    ///
    /// # Panics
    /// If the number of signatures differs from the number of keys, or a signature has the
    /// wrong number of hashes or siblings for the configuration.
    pub fn generate(st: &Statement, isa: Isa, signatures: &[Signature]) -> Witness {
        Self::generate_forged(st, isa, signatures, Forgery::None).0
    }

    /// [`Witness::generate`] with a [`Forgery`] in signature 0; also returns the Merkle
    /// root each signature's witness leads to.
    #[doc(hidden)]
    pub fn generate_forged(
        st: &Statement,
        isa: Isa,
        signatures: &[Signature],
        forgery: Forgery,
    ) -> (Witness, Vec<[F; HASH_LEN]>) {
        let config = st.config;
        let d = Dims::of(config);
        let n = st.n;
        assert_eq!(signatures.len(), n, "one signature per key");
        let tables = Tables::get(config);
        let keys: Vec<([F; HASH_LEN], [F; PARAMETER_LEN])> = st
            .key_tuples
            .chunks_exact(KEY_TUPLE_LEN)
            .map(|t| {
                (
                    t[2..2 + HASH_LEN].try_into().unwrap(),
                    t[2 + HASH_LEN..].try_into().unwrap(),
                )
            })
            .collect();
        let slot = st.slot;

        // Message hashes.
        let mut msg_in: Vec<[F; 24]> = (0..n)
            .map(|j| message_hash_input(&keys[j].1, slot, &signatures[j].rho, &st.message_fes))
            .collect();
        if forgery == Forgery::MessageHashInput {
            msg_in[0][0] += F::ONE;
        }
        let mut msg_out = msg_in.clone();
        poseidon1_24_batch(isa, &mut msg_out);
        let mut vals: Vec<SigValues> = (0..n)
            .map(|j| {
                let mut rem = Vec::with_capacity(d.n_a);
                let mut digits = Vec::with_capacity(DIGITS_PER_FE * d.n_a);
                for a in 0..d.n_a {
                    let value = (msg_out[j][a] + msg_in[j][a]).as_canonical_u32();
                    rem.push(value % Q);
                    let mut q = value / Q;
                    for _ in 0..DIGITS_PER_FE {
                        digits.push(q % BASE as u32);
                        q /= BASE as u32;
                    }
                }
                if j == 0 && forgery == Forgery::RemainderRange {
                    // Lower an unused digit and add its weight to the remainder.
                    // (Without a non-zero unused digit there is nothing to forge.)
                    if let Some(c) = (d.v..digits.len()).rev().find(|&c| digits[c] > 0) {
                        digits[c] -= 1;
                        let a = c / DIGITS_PER_FE;
                        rem[a] += Q * (BASE as u32).pow((c % DIGITS_PER_FE) as u32);
                    }
                }
                SigValues {
                    msg_out: msg_out[j],
                    rem,
                    digits,
                    sponge_in: Vec::new(),
                    sponge_out: Vec::new(),
                    tree_out: Vec::new(),
                    tree_nodes: Vec::new(),
                }
            })
            .collect();

        // Chains, position by position on the batched compression kernel.
        let mut values: Vec<[[F; HASH_LEN]; POSITIONS]> = Vec::with_capacity(n * d.v);
        for sig in signatures {
            for i in 0..d.v {
                values.push([sig.hashes[i]; POSITIONS]);
            }
        }
        // Steps of chain (j, i) start after position `first_step(j, i) - 1`.
        let first_steps: Vec<usize> = (0..n * d.v)
            .map(|row| {
                let (j, i) = (row / d.v, row % d.v);
                let i = if j == 0 && i < 2 && forgery == Forgery::DigitOrder {
                    1 - i
                } else {
                    i
                };
                let x = vals[j].digits[i] as usize;
                if row == 0 && forgery == Forgery::ChainLength {
                    x.saturating_sub(1) + 1
                } else {
                    x + 1
                }
            })
            .collect();
        let first_step = |j: usize, i: usize| first_steps[j * d.v + i];
        let mut chain_params: Vec<[F; PARAMETER_LEN]> = keys.iter().map(|k| k.1).collect();
        if forgery == Forgery::ChainParameter {
            chain_params[0][0] += F::ONE;
        }
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
                    if first_step(j, i) <= k {
                        let param = if i == 0 { &chain_params[j] } else { &keys[j].1 };
                        let tweak_pos = if j == 0
                            && i == 0
                            && forgery == Forgery::ChainTweak
                            && k == first_step(0, 0)
                        {
                            if k == 1 { 2 } else { k - 1 }
                        } else {
                            k
                        };
                        idx.push(row);
                        inputs.push(chain_input(param, slot, i as u8, tweak_pos as u8, &prev));
                    }
                }
            }
            outputs.clear();
            outputs.resize(idx.len(), [F::ZERO; HASH_LEN]);
            if !idx.is_empty() {
                compress_16_batch::<HASH_LEN>(isa, &inputs, &mut outputs);
            }
            for (&row, o) in idx.iter().zip(&outputs) {
                values[row][k] = *o;
                if row == 0 && forgery == Forgery::ChainStep && k == first_step(0, 0) {
                    values[row][k][0] += F::ONE;
                }
            }
            p16_inputs.extend_from_slice(&inputs);
        }

        // Leaf sponges, chunk by chunk.
        let mut leaf_params: Vec<[F; PARAMETER_LEN]> = keys.iter().map(|k| k.1).collect();
        if forgery == Forgery::LeafParameter {
            leaf_params[0][0] += F::ONE;
        }
        let leaf_len = config.leaf_input_len();
        let leaf_inputs: Vec<Vec<F>> = (0..n)
            .map(|j| {
                let mut ends: Vec<[F; HASH_LEN]> = (0..d.v)
                    .map(|i| values[j * d.v + i][POSITIONS - 1])
                    .collect();
                if j == 0 && forgery == Forgery::SpongeOrder {
                    ends.swap(0, 1);
                }
                // Zero-padded to whole chunks, as the sponge pads its last chunk.
                let mut x = vec![F::ZERO; d.sponge_chunks * REPLACEMENT_SPONGE_RATE];
                write_leaf_input(&leaf_params[j], slot, &ends, &mut x[..leaf_len]);
                x
            })
            .collect();
        // Width-24 requests: the sponge's read 17 output cells, the others 8.
        let mut p24_long: Vec<[F; 24]> = Vec::with_capacity(n * d.sponge_chunks);
        let mut p24_short: Vec<[F; 24]> = Vec::with_capacity(n * (1 + d.h));
        p24_short.extend_from_slice(&msg_in);
        let mut states: Vec<[F; 24]> = vec![[F::ZERO; 24]; n];
        for s in states.iter_mut() {
            s[..REPLACEMENT_SPONGE_CAPACITY].copy_from_slice(config.sponge_domain_separator());
        }
        if forgery == Forgery::SpongeCapacity {
            states[0][0] += F::ONE;
        }
        for c in 0..d.sponge_chunks {
            for (s, x) in states.iter_mut().zip(&leaf_inputs) {
                s[REPLACEMENT_SPONGE_CAPACITY..].copy_from_slice(
                    &x[REPLACEMENT_SPONGE_RATE * c..REPLACEMENT_SPONGE_RATE * (c + 1)],
                );
            }
            p24_long.extend_from_slice(&states);
            for (v, s) in vals.iter_mut().zip(&states) {
                v.sponge_in.push(*s);
            }
            poseidon1_24_batch(isa, &mut states);
            for (v, s) in vals.iter_mut().zip(&states) {
                v.sponge_out.push(*s);
            }
        }

        // Merkle walks, level by level.
        let mut nodes: Vec<[F; HASH_LEN]> = states
            .iter()
            .map(|s| {
                s[REPLACEMENT_SPONGE_CAPACITY..REPLACEMENT_SPONGE_CAPACITY + HASH_LEN]
                    .try_into()
                    .unwrap()
            })
            .collect();
        for l in 0..d.h {
            let ins: Vec<[F; 24]> = (0..n)
                .map(|j| {
                    let sib = &signatures[j].path[l];
                    let forged = j == 0 && l == 0;
                    let odd =
                        ((slot >> l) & 1 == 1) ^ (forged && forgery == Forgery::MerkleDirection);
                    // The forged tweak is level 3's (the row still carries level l + 1's).
                    let level = if forged && forgery == Forgery::MerkleTweak {
                        3
                    } else {
                        l + 1
                    };
                    let (left, right) = if odd {
                        (sib, &nodes[j])
                    } else {
                        (&nodes[j], sib)
                    };
                    let pos = ((slot as u64) >> level) as u32;
                    tree_node_input(&keys[j].1, level as u8, pos, left, right)
                })
                .collect();
            let mut outs = ins.clone();
            poseidon1_24_batch(isa, &mut outs);
            for j in 0..n {
                vals[j].tree_nodes.push(nodes[j]);
                nodes[j] = core::array::from_fn(|m| outs[j][m] + ins[j][m]);
                vals[j].tree_out.push(outs[j]);
            }
            p24_short.extend_from_slice(&ins);
        }

        let heights = d.log_heights(n).map(|l| 1usize << l);

        // Signature table.
        let sc = &tables.signature.cols;
        let sc_width = tables.signature.air.width();
        let mut sig_trace = vec![F::ZERO; heights[0] * sc_width];
        let mut range127 = vec![0u32; 1 << RANGE127_LOG_HEIGHT];
        for (r, row) in sig_trace.chunks_exact_mut(sc_width).enumerate() {
            row[sc.j.0] = fe(r);
            let Some(v) = vals.get(r) else { continue };
            row[sc.active.0] = F::ONE;
            set(row, &sc.parameter, &keys[r].1);
            set(row, &sc.rho, &signatures[r].rho);
            set(row, &sc.msg_out, &v.msg_out);
            // (Out-of-range values only occur in forged witnesses; they count on the last row.)
            for (c, &x) in sc.rem.iter().zip(&v.rem) {
                row[c.0] = F::new(x);
                let last = range127.len() - 1;
                range127[(x as usize).min(last)] += 1;
            }
            for (p, c) in sc.unused.iter().enumerate() {
                let at = d.v + 2 * p;
                let pair = v.digits[at] + BASE as u32 * v.digits[at + 1];
                row[c.0] = F::new(pair);
                let last = range127.len() - 1;
                range127[(pair as usize).min(last)] += 1;
                let mirror = (MAX_DIGIT_PAIR as usize).checked_sub(pair as usize);
                range127[mirror.unwrap_or(last).min(last)] += 1;
            }
            for (a, c) in sc.group_sum.iter().enumerate() {
                let group = DIGITS_PER_FE * a..(DIGITS_PER_FE * (a + 1)).min(d.v);
                row[c.0] = F::new(v.digits[group].iter().sum());
            }
        }

        // Chain table: the digit x of each row is the one its steps say (`first_step - 1`).
        let cc = &tables.chain.cols;
        let cc_width = tables.chain.air.width();
        let mut chain_trace = vec![F::ZERO; heights[1] * cc_width];
        chain_trace
            .par_chunks_exact_mut(cc_width)
            .enumerate()
            .for_each(|(row_index, row)| {
                let Some(vs) = values.get(row_index) else {
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
                let x = first_step(j, i) - 1;
                let (mut acc, mut sum, mut weight) = (0usize, 0usize, 1usize);
                for t2 in 0..=t {
                    weight = BASE.pow(t2 as u32);
                    let x2 = first_step(j, DIGITS_PER_FE * group + t2) - 1;
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
                    row[cc.tw1[k - 1].0] = st.chain_tweak_tuples[CHAIN_TWEAK_TUPLE_LEN * i + k];
                }
                set(
                    row,
                    &cc.parameter,
                    if i == 0 { &chain_params[j] } else { &keys[j].1 },
                );
                for (cs, val) in cc.value.iter().zip(vs) {
                    set(row, cs, val);
                }
            });

        // Sponge table.
        let pc = &tables.sponge.cols;
        let pc_width = tables.sponge.air.width();
        let chunks = d.sponge_chunks;
        let mut sponge_trace = vec![F::ZERO; heights[2] * pc_width];
        sponge_trace
            .par_chunks_exact_mut(pc_width)
            .enumerate()
            .for_each(|(row_index, row)| {
                let (j, c) = (row_index / chunks, row_index % chunks);
                let Some(v) = vals.get(j) else {
                    // Padding: every row a chunk 0 of nothing, as chunk 0 must look.
                    row[pc.first.0] = F::ONE;
                    set(row, &pc.capacity, config.sponge_domain_separator());
                    set(row, &pc.rate[PARAMETER_LEN..], &st.sponge_publics);
                    return;
                };
                row[pc.active.0] = F::ONE;
                row[pc.j.0] = fe(j);
                row[pc.chunk.0] = fe(c);
                row[pc.first.0] = fe((c == 0) as usize);
                row[pc.last.0] = fe((c + 1 == chunks) as usize);
                let (capacity, rate) = v.sponge_in[c].split_at(REPLACEMENT_SPONGE_CAPACITY);
                set(row, &pc.capacity, capacity);
                set(row, &pc.rate, rate);
                set(row, &pc.out, &v.sponge_out[c]);
                set(row, &pc.parameter, &leaf_params[j]);
            });

        // Merkle table.
        let mc = &tables.merkle.cols;
        let mc_width = tables.merkle.air.width();
        let mut merkle_trace = vec![F::ZERO; heights[3] * mc_width];
        merkle_trace
            .par_chunks_exact_mut(mc_width)
            .enumerate()
            .for_each(|(row_index, row)| {
                let (j, l) = (row_index / d.h, row_index % d.h);
                let Some(v) = vals.get(j) else {
                    return;
                };
                // Level, bit and tweak are the verifier's `TREE` tuple of level l.
                let level_tuple = &st.tree_tuples[TREE_TUPLE_LEN * l..TREE_TUPLE_LEN * (l + 1)];
                row[mc.active.0] = F::ONE;
                row[mc.j.0] = fe(j);
                row[mc.level.0] = level_tuple[0];
                row[mc.bit.0] = level_tuple[1];
                set(row, &mc.tweak, &level_tuple[2..]);
                set(row, &mc.parameter, &keys[j].1);
                set(row, &mc.node, &v.tree_nodes[l]);
                set(row, &mc.sibling, &signatures[j].path[l]);
                set(row, &mc.out, &v.tree_out[l]);
            });

        let witness = Witness {
            traces: [
                sig_trace,
                chain_trace,
                sponge_trace,
                merkle_trace,
                tables.p16.trace_for_inputs(&p16_inputs),
                tables.p24.trace_for_split_inputs(&p24_long, &p24_short),
                tables.range127.trace(&range127),
            ],
        };
        (witness, nodes)
    }

    /// Proves `st` with this witness under `params` (from [`Statement::params`]);
    /// `skip_witness_checks` is for soundness tests only.
    ///
    /// # Errors
    /// The `lean_prover` error (a constraint or bus failure means the witness is invalid).
    pub fn prove(
        &self,
        st: &Statement,
        params: &StarkParams,
        isa: Isa,
        skip_witness_checks: bool,
    ) -> Result<Vec<u8>, lean_prover::ProveError> {
        let tables = Tables::get(st.config);
        let witnesses: Vec<TableWitness<'_>> = tables
            .airs()
            .into_iter()
            .zip(&self.traces)
            .zip(st.publics())
            .map(|((air, trace), public_values)| TableWitness {
                air,
                trace,
                public_values,
            })
            .collect();
        let options = ProverOptions {
            isa,
            skip_witness_checks,
        };
        let proof = lean_prover::prove_with_lookups(params, &witnesses, &st.lookups(), &options)?;
        Ok(proof.to_bytes())
    }
}

fn set(row: &mut [F], cols: &[Col], values: &[F]) {
    for (c, &x) in cols.iter().zip(values) {
        row[c.0] = x;
    }
}
