//! Sizes shared by the statement's tables: [`Dims`] (the sizes of one configuration, the
//! table heights), the constants every table uses, and small column and field helpers.

use crate::poseidon_table::MIN_HEIGHT;
use backend::poseidon::{REPLACEMENT_SPONGE_RATE, compress_16_batch, poseidon1_24_batch};
use backend::{Isa, KoalaBear as F};
use lean_prover::{AirBuilder, Col};
use rayon::prelude::*;
use xmss::Config;
use xmss::params::{BASE, DIGITS_PER_FE, PARAMETER_LEN, TWEAK_LEN};

/// Number of tables.
pub const NUM_TABLES: usize = 7;
/// `log2` height of the range table (values `0..=126`).
pub(super) const RANGE127_LOG_HEIGHT: usize = 7;
/// Largest constraint degree of the statement's own tables.
pub(super) const DEGREE: usize = 4;
/// Number of chain positions (`BASE`), and the steps `k = 1..=7`.
pub(super) const POSITIONS: usize = BASE;
pub(super) const STEPS: usize = BASE - 1;
/// Cells of the leaf input before the chain ends: parameter and leaf tweak.
pub(super) const LEAF_PREFIX: usize = PARAMETER_LEN + TWEAK_LEN;

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

/// `K` columns named `{name}0 .. {name}{K-1}`.
pub(super) fn cols<const K: usize>(b: &AirBuilder, name: &str) -> [Col; K] {
    core::array::from_fn(|i| b.column(&format!("{name}{i}")))
}

/// `x` as a field element (sizes and indices of the statement, all far below `p`).
pub(super) fn fe(x: usize) -> F {
    F::new(x as u32)
}

/// Writes `values` into the cells `cols` of a trace row.
pub(super) fn set(row: &mut [F], cols: &[Col], values: &[F]) {
    for (c, &x) in cols.iter().zip(values) {
        row[c.0] = x;
    }
}

/// States per task of the parallel batched permutations (each task calls the dispatched
/// kernel once; the results do not depend on how the states are split).
const PAR_CHUNK: usize = 512;

/// [`poseidon1_24_batch`] on every state, chunks of states in parallel.
pub(super) fn par_poseidon1_24(isa: Isa, states: &mut [[F; 24]]) {
    states
        .par_chunks_mut(PAR_CHUNK)
        .for_each(|chunk| poseidon1_24_batch(isa, chunk));
}

/// [`compress_16_batch`] on every input, chunks of inputs in parallel.
pub(super) fn par_compress_16<const K: usize>(
    isa: Isa,
    inputs: &[[F; 16]],
    outputs: &mut [[F; K]],
) {
    assert_eq!(inputs.len(), outputs.len(), "one output per input");
    inputs
        .par_chunks(PAR_CHUNK)
        .zip(outputs.par_chunks_mut(PAR_CHUNK))
        .for_each(|(i, o)| compress_16_batch::<K>(isa, i, o));
}
