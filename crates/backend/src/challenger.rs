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
//! * **Observe in bulk** ([`Challenger::observe_bulk`]) a sequence `x` of `L` elements
//!   (`L < p`): observe `L`, then for each consecutive chunk of [`BULK_CHUNK`] elements (the
//!   last one shorter, none if `L = 0`) observe its 8-element digest under the Merkle row
//!   hash ([`crate::merkle::hash_row`], the Poseidon2-24 sponge). The chunks are hashed
//!   together with the batched kernels, so a long block of values costs a few batched
//!   permutations per chunk instead of one sequential permutation per 8 values. The
//!   transcript is then bound to the digests, hence (by the collision resistance of the row
//!   hash, which the Merkle commitments rely on already) to the values themselves.
//! * **Sample in bulk** ([`Challenger::sample_ext_batch`]) `count` extension elements: sample
//!   8 base elements as a seed `r`; element `k` is the first 5 cells (constant term first)
//!   of Poseidon2-16 applied to `[r_0..r_7, k, BULK_SAMPLE_TAG, 0 x 6]`, computed with the
//!   batched kernels. The transcript itself moves on only by the 8 seed samples.
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
//! A duplex runs the scalar kernel of the batched Poseidon2-16 permutation (bit-identical
//! with the reference, about 9 times faster than [`crate::poseidon::poseidon2_permute_16`]);
//! long blocks of values and many challenges at once go through the bulk forms above, which
//! use the SIMD kernels.
//!
//! The challenger is `Clone`: a prover forks it to try things without touching the transcript.

use crate::field::{Ext5, KoalaBear};
use crate::isa::Isa;
use crate::merkle::{DIGEST_LEN, Digest, ROW_HASH_PERMUTATION};
use crate::poseidon::{self, poseidon2_16_batch};
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

/// Elements per chunk of [`Challenger::observe_bulk`].
pub const BULK_CHUNK: usize = 512;
/// Domain tag in the expansion states of [`Challenger::sample_ext_batch`] ("gam").
pub const BULK_SAMPLE_TAG: u32 = 0x0067_616d;

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
        // The scalar kernel of the batched permutation (constants prepared once) is
        // bit-identical with the reference `poseidon2_permute_16` and several times faster on
        // one state; a SIMD kernel would waste all lanes but one.
        poseidon2_16_batch(Isa::scalar(), core::slice::from_mut(&mut s));
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

    /// Observes `xs` in bulk (see the module docs): its length, then the row-hash digest of
    /// every chunk of [`BULK_CHUNK`] elements, hashed with the batched kernels of `isa` (the
    /// result does not depend on `isa`).
    ///
    /// # Panics
    /// If `xs.len() >= p`.
    pub fn observe_bulk(&mut self, isa: Isa, xs: &[KoalaBear]) {
        assert!(
            xs.len() < KoalaBear::ORDER as usize,
            "observe_bulk: too many elements"
        );
        self.observe(KoalaBear::new(xs.len() as u32));
        let full = xs.len() / BULK_CHUNK;
        let mut digests = vec![[KoalaBear::ZERO; DIGEST_LEN]; full];
        poseidon::sponge_batch(
            isa,
            ROW_HASH_PERMUTATION,
            &xs[..full * BULK_CHUNK],
            BULK_CHUNK,
            &mut digests,
        );
        let rest = &xs[full * BULK_CHUNK..];
        if !rest.is_empty() {
            let mut last = [[KoalaBear::ZERO; DIGEST_LEN]; 1];
            poseidon::sponge_batch(isa, ROW_HASH_PERMUTATION, rest, rest.len(), &mut last);
            digests.push(last[0]);
        }
        for d in &digests {
            self.observe_digest(d);
        }
    }

    /// Samples `count` extension elements in bulk (see the module docs): 8 seed samples,
    /// expanded with the batched Poseidon2-16 kernels of `isa` (the result does not depend on
    /// `isa`).
    ///
    /// # Panics
    /// If `count >= p`.
    pub fn sample_ext_batch(&mut self, isa: Isa, count: usize) -> Vec<Ext5> {
        assert!(
            count < KoalaBear::ORDER as usize,
            "sample_ext_batch: too many elements"
        );
        let seed: [KoalaBear; RATE] = core::array::from_fn(|_| self.sample());
        let mut states: Vec<[KoalaBear; WIDTH]> = (0..count)
            .map(|k| {
                let mut s = [KoalaBear::ZERO; WIDTH];
                s[..RATE].copy_from_slice(&seed);
                s[RATE] = KoalaBear::new(k as u32);
                s[RATE + 1] = KoalaBear::new(BULK_SAMPLE_TAG);
                s
            })
            .collect();
        for block in states.chunks_mut(POW_BLOCK) {
            poseidon2_16_batch(isa, block);
        }
        states
            .iter()
            .map(|s| Ext5::new([s[0], s[1], s[2], s[3], s[4]]))
            .collect()
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
