//! The Fiat-Shamir challenger: a duplex sponge over Poseidon2 width 16, with a batched,
//! parallel proof-of-work search.
//!
//! # Construction
//!
//! The state is 16 KoalaBear cells, all zero at the start: the **rate** is `state[0..8]`, the
//! **capacity** `state[8..16]` (8 cells, about 248 bits). Two buffers sit beside it: up to 8
//! pending observed elements, and up to 8 unread output elements.
//!
//! * **Duplex** with the `m` pending elements `x_0..x_{m-1}` (`0 <= m <= 8`): set
//!   `state[i] = x_i` for `i < m` and `state[i] = 0` for `m <= i < 8` (overwrite mode), add `m`
//!   (as a field element) to `state[8]`, permute, empty the pending buffer and make
//!   `state[0..8]` the unread output, to be read from `state[0]` upwards. Adding `m` to the
//!   capacity makes the absorbed sequence unambiguous: observing `[a]` and `[a, 0]` differ.
//! * **Observe** `x`: discard any unread output, append `x` to the pending elements; when 8 are
//!   pending, duplex. [`Challenger::observe_ext`] observes the 5 coefficients (constant term
//!   first), [`Challenger::observe_digest`] the 8 digest elements in order.
//! * **Sample** a base element: if elements are pending or no output is left, duplex; then
//!   return the next unread output element. [`Challenger::sample_ext`] takes 5 samples as the
//!   coefficients, constant term first.
//! * **Sample bits** (`bits <= 24`): sample one element and return the low `bits` bits of its
//!   canonical value `x` in `[0, p)`. Since `p = 127 * 2^24 + 1`, every value in
//!   `[0, 2^bits)` has exactly `127 * 2^(24 - bits)` preimages except 0, which has one more:
//!   the statistical distance to uniform is below `1/p < 2^-30`.
//! * **Proof of work** with `bits <= 24`: the nonce is a field element `n`; it is valid if after
//!   observing `n`, sampling `bits` bits gives 0 ([`Challenger::check_pow`]). The prover's
//!   [`Challenger::grind`] returns the **smallest** valid `n` (by canonical value), so the
//!   result does not depend on the instruction set or the thread count. Each candidate costs
//!   one permutation: the search permutes blocks of candidate states with the batched kernel
//!   (one state per SIMD lane) and splits blocks across rayon tasks, round by round; a round
//!   is fully searched before its minimum is taken, so the first round with a hit gives the
//!   global minimum.
//!
//! The challenger is `Clone`: a prover forks it to try things without touching the transcript.

use crate::field::{Ext5, KoalaBear};
use crate::isa::Isa;
use crate::merkle::Digest;
use crate::poseidon::{poseidon2_16_batch, poseidon2_permute_16};
use rayon::prelude::*;

/// State width of the challenger permutation (Poseidon2 width 16).
pub const WIDTH: usize = 16;
/// Rate: cells overwritten by observations and read by samples (`state[0..8]`).
pub const RATE: usize = 8;
/// Capacity: `state[8..16]`.
pub const CAPACITY: usize = WIDTH - RATE;
/// Largest `bits` for [`Challenger::sample_bits`], [`Challenger::grind`] and
/// [`Challenger::check_pow`] (the two-adicity of `p - 1`, which keeps the bias below `2^-30`).
pub const MAX_BITS: usize = 24;

/// Candidate nonces per rayon task in [`Challenger::grind`].
const POW_TASK: u32 = 1024;
/// States per batched permutation call in the search.
const POW_BLOCK: usize = 128;

/// A duplex-sponge Fiat-Shamir transcript; see the module docs for the exact rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenger {
    state: [KoalaBear; WIDTH],
    pending: [KoalaBear; RATE],
    pending_len: usize,
    output: [KoalaBear; RATE],
    /// Next unread output cell; `RATE` when none is left.
    output_pos: usize,
}

impl Default for Challenger {
    fn default() -> Self {
        Self::new()
    }
}

impl Challenger {
    /// A fresh transcript: zero state, nothing pending, no output.
    pub fn new() -> Self {
        Self {
            state: [KoalaBear::ZERO; WIDTH],
            pending: [KoalaBear::ZERO; RATE],
            pending_len: 0,
            output: [KoalaBear::ZERO; RATE],
            output_pos: RATE,
        }
    }

    /// Writes the pending elements into `state` as the duplex rule says (before permuting).
    fn absorb_into(&self, state: &mut [KoalaBear; WIDTH], extra: Option<KoalaBear>) {
        let m = self.pending_len;
        state[..m].copy_from_slice(&self.pending[..m]);
        let mut total = m;
        if let Some(x) = extra {
            state[m] = x;
            total += 1;
        }
        state[total..RATE].fill(KoalaBear::ZERO);
        state[RATE] += KoalaBear::new(total as u32);
    }

    fn duplex(&mut self) {
        let mut s = self.state;
        self.absorb_into(&mut s, None);
        poseidon2_permute_16(&mut s);
        self.state = s;
        self.pending_len = 0;
        self.output.copy_from_slice(&s[..RATE]);
        self.output_pos = 0;
    }

    /// Observes one base-field element.
    pub fn observe(&mut self, x: KoalaBear) {
        self.output_pos = RATE;
        self.pending[self.pending_len] = x;
        self.pending_len += 1;
        if self.pending_len == RATE {
            self.duplex();
        }
    }

    /// Observes every element of `xs`, in order.
    pub fn observe_slice(&mut self, xs: &[KoalaBear]) {
        for &x in xs {
            self.observe(x);
        }
    }

    /// Observes an extension element: its 5 coefficients, constant term first.
    pub fn observe_ext(&mut self, x: Ext5) {
        self.observe_slice(x.coeffs());
    }

    /// Observes a Merkle digest (its 8 elements in order).
    pub fn observe_digest(&mut self, d: &Digest) {
        self.observe_slice(d);
    }

    /// Samples a base-field challenge.
    pub fn sample(&mut self) -> KoalaBear {
        if self.pending_len > 0 || self.output_pos == RATE {
            self.duplex();
        }
        let x = self.output[self.output_pos];
        self.output_pos += 1;
        x
    }

    /// Samples an extension-field challenge: 5 base samples, constant term first.
    pub fn sample_ext(&mut self) -> Ext5 {
        Ext5::new(core::array::from_fn(|_| self.sample()))
    }

    /// Samples a `bits`-bit integer: the low `bits` bits of one sample's canonical value.
    ///
    /// # Panics
    /// If `bits > MAX_BITS` (24).
    pub fn sample_bits(&mut self, bits: usize) -> usize {
        assert!(bits <= MAX_BITS, "sample_bits: {bits} > {MAX_BITS} bits");
        (self.sample().as_canonical_u32() & low_mask(bits)) as usize
    }

    /// Samples `count` query indices of `bits` bits each (see [`Challenger::sample_bits`]).
    ///
    /// # Panics
    /// If `bits > MAX_BITS` (24).
    pub fn sample_indices(&mut self, bits: usize, count: usize) -> Vec<usize> {
        (0..count).map(|_| self.sample_bits(bits)).collect()
    }

    /// Verifier side of the proof of work: observes `nonce`, samples `bits` bits and returns
    /// whether they are all zero. Leaves the transcript in the same state as
    /// [`Challenger::grind`] on the prover side.
    ///
    /// # Panics
    /// If `bits > MAX_BITS` (24).
    pub fn check_pow(&mut self, bits: usize, nonce: KoalaBear) -> bool {
        self.observe(nonce);
        self.sample_bits(bits) == 0
    }

    /// Prover side of the proof of work: finds the smallest nonce `n` (by canonical value)
    /// that [`Challenger::check_pow`] accepts, then observes it and samples exactly as
    /// `check_pow` does, and returns it. Uses the batched Poseidon2 kernels of `isa` and rayon;
    /// the result is the same for every `isa` and thread count. Expected cost: `2^bits`
    /// permutations.
    ///
    /// # Panics
    /// If `bits > MAX_BITS` (24), or if no field element is a valid nonce (for `bits <= 24`
    /// at least 128 valid nonces are expected; none happens with probability about `e^-128`).
    pub fn grind(&mut self, isa: Isa, bits: usize) -> KoalaBear {
        assert!(bits <= MAX_BITS, "grind: {bits} > {MAX_BITS} bits");
        let mask = low_mask(bits);
        // The state right before the duplex that absorbs the nonce, nonce cell set to zero:
        // whether observing the nonce fills the buffer (duplex in `observe`) or not (duplex in
        // `sample`), the first sample is `state[0]` after absorbing pending ++ [nonce].
        let mut template = self.state;
        self.absorb_into(&mut template, Some(KoalaBear::ZERO));
        let slot = self.pending_len;

        let tasks = P_TASKS;
        let per_round = (rayon::current_num_threads() * 4).max(1) as u32;
        let mut found = None;
        let mut first = 0u32;
        while found.is_none() && first < tasks {
            let last = first.saturating_add(per_round).min(tasks);
            found = (first..last)
                .into_par_iter()
                .map(|t| search_task(isa, &template, slot, mask, t))
                .find_first(Option::is_some)
                .flatten();
            first = last;
        }
        let nonce = KoalaBear::new(found.expect("grind: no valid nonce in the field"));
        let ok = self.check_pow(bits, nonce);
        assert!(ok, "grind: batched search and scalar check disagree");
        nonce
    }
}

/// Number of search tasks covering every canonical value `0..p`.
const P_TASKS: u32 = KoalaBear::ORDER.div_ceil(POW_TASK);

/// `2^bits - 1`.
fn low_mask(bits: usize) -> u32 {
    (1u32 << bits) - 1
}

/// Searches nonces `task * POW_TASK ..` (at most `POW_TASK` of them, below `p`) in increasing
/// order; returns the first whose first sample has its low bits (`mask`) zero.
fn search_task(
    isa: Isa,
    template: &[KoalaBear; WIDTH],
    slot: usize,
    mask: u32,
    task: u32,
) -> Option<u32> {
    let start = task * POW_TASK;
    let end = start.saturating_add(POW_TASK).min(KoalaBear::ORDER);
    let mut states = [[KoalaBear::ZERO; WIDTH]; POW_BLOCK];
    let mut lo = start;
    while lo < end {
        let n = ((end - lo) as usize).min(POW_BLOCK);
        let states = &mut states[..n];
        for (k, s) in states.iter_mut().enumerate() {
            *s = *template;
            s[slot] = KoalaBear::new(lo + k as u32);
        }
        poseidon2_16_batch(isa, states);
        if let Some(k) = states
            .iter()
            .position(|s| s[0].as_canonical_u32() & mask == 0)
        {
            return Some(lo + k as u32);
        }
        lo += n as u32;
    }
    None
}
