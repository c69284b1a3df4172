//! Poseidon1 and Poseidon2 over KoalaBear: scalar reference permutations, batched permutations
//! dispatched to the scalar, AVX2 or AVX-512 kernels, and the hashing modes built on them.
//!
//! * Poseidon1, widths 16 and 24: exactly the devnet4 XMSS instances (spec section 1.2:
//!   S-box `x^3`, 4 + `R_P` + 4 rounds with `R_P` = 20 / 23, a full round-constant vector every
//!   round, dense circulant MDS, no initial linear layer).
//! * Poseidon2, widths 16 and 24: Plonky3's `default_koalabear_poseidon2_{16,24}` (spec
//!   Appendix A).
//!
//! The `*_batch` functions apply a permutation to many independent states, one state per SIMD
//! lane (8 per AVX2 step, 16 per AVX-512 step), for any number of states, with results
//! bit-identical to the scalar reference ([`poseidon1_permute_16`] and friends). The Poseidon1
//! kernels use the sparse partial-round factorisation (see the `tables` module source) and, for
//! width 16, a delayed-reduction MDS (its coefficients are small integers).
//!
//! Modes (all batched over independent inputs, plus one-input scalar forms):
//! * [`compress_16_batch`] / [`compress_24_batch`]: spec section 4 `compress_t(x, k)`.
//! * [`replacement_sponge_24_batch`]: the width-24 "replacement" sponge of the XMSS leaf hash.
//! * [`sponge_batch`]: a general sponge for hashing long rows (Merkle leaves); see its docs.

pub mod constants;
mod scalar;
pub(crate) mod tables;

pub use scalar::{
    poseidon1_permute_16, poseidon1_permute_24, poseidon2_permute_16, poseidon2_permute_24,
};
pub use tables::{POSEIDON2_DIAG_16, POSEIDON2_DIAG_24};

use crate::field::{KoalaBear, as_raw_mut};
use crate::isa::Isa;
use crate::simd::dispatch::dispatch;

/// Poseidon1 width 16 on every state, one state per SIMD lane.
pub fn poseidon1_16_batch(isa: Isa, states: &mut [[KoalaBear; 16]]) {
    let tab = tables::poseidon1_16();
    let raw = as_raw_mut(states.as_flattened_mut());
    dispatch!(isa, poseidon::poseidon1_16(tab, raw))
}

/// Poseidon1 width 24 on every state, one state per SIMD lane.
pub fn poseidon1_24_batch(isa: Isa, states: &mut [[KoalaBear; 24]]) {
    let tab = tables::poseidon1_24();
    let raw = as_raw_mut(states.as_flattened_mut());
    dispatch!(isa, poseidon::poseidon1_24(tab, raw))
}

/// Poseidon2 width 16 on every state, one state per SIMD lane.
pub fn poseidon2_16_batch(isa: Isa, states: &mut [[KoalaBear; 16]]) {
    let tab = tables::poseidon2_16();
    let raw = as_raw_mut(states.as_flattened_mut());
    dispatch!(isa, poseidon::poseidon2_16(tab, raw))
}

/// Poseidon2 width 24 on every state, one state per SIMD lane.
pub fn poseidon2_24_batch(isa: Isa, states: &mut [[KoalaBear; 24]]) {
    let tab = tables::poseidon2_24();
    let raw = as_raw_mut(states.as_flattened_mut());
    dispatch!(isa, poseidon::poseidon2_24(tab, raw))
}

/// One of the four permutations, for the width-generic modes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Permutation {
    /// Poseidon1, width 16 (devnet4).
    Poseidon1W16,
    /// Poseidon1, width 24 (devnet4).
    Poseidon1W24,
    /// Poseidon2, width 16 (Plonky3 default constants).
    Poseidon2W16,
    /// Poseidon2, width 24 (Plonky3 default constants).
    Poseidon2W24,
}

impl Permutation {
    /// All four permutations.
    pub const ALL: [Permutation; 4] = [
        Permutation::Poseidon1W16,
        Permutation::Poseidon1W24,
        Permutation::Poseidon2W16,
        Permutation::Poseidon2W24,
    ];

    /// The state width `t` (16 or 24).
    pub const fn width(self) -> usize {
        match self {
            Permutation::Poseidon1W16 | Permutation::Poseidon2W16 => 16,
            Permutation::Poseidon1W24 | Permutation::Poseidon2W24 => 24,
        }
    }

    /// Permutes one state with the scalar reference.
    ///
    /// # Panics
    /// If `state.len() != self.width()`.
    pub fn permute(self, state: &mut [KoalaBear]) {
        match self {
            Permutation::Poseidon1W16 => poseidon1_permute_16(state.try_into().expect("width 16")),
            Permutation::Poseidon1W24 => poseidon1_permute_24(state.try_into().expect("width 24")),
            Permutation::Poseidon2W16 => poseidon2_permute_16(state.try_into().expect("width 16")),
            Permutation::Poseidon2W24 => poseidon2_permute_24(state.try_into().expect("width 24")),
        }
    }

    /// Permutes every state of `states`, stored one after the other (`width()` elements each).
    ///
    /// # Panics
    /// If `states.len()` is not a multiple of `width()`.
    pub fn permute_batch(self, isa: Isa, states: &mut [KoalaBear]) {
        let t = self.width();
        assert_eq!(
            states.len() % t,
            0,
            "permute_batch: {} elements is not a whole number of width-{t} states",
            states.len()
        );
        let raw = as_raw_mut(states);
        match self {
            Permutation::Poseidon1W16 => {
                let tab = tables::poseidon1_16();
                dispatch!(isa, poseidon::poseidon1_16(tab, raw))
            }
            Permutation::Poseidon1W24 => {
                let tab = tables::poseidon1_24();
                dispatch!(isa, poseidon::poseidon1_24(tab, raw))
            }
            Permutation::Poseidon2W16 => {
                let tab = tables::poseidon2_16();
                dispatch!(isa, poseidon::poseidon2_16(tab, raw))
            }
            Permutation::Poseidon2W24 => {
                let tab = tables::poseidon2_24();
                dispatch!(isa, poseidon::poseidon2_24(tab, raw))
            }
        }
    }
}

/// Number of states the modes permute per dispatched call (a few KiB, stays in L1).
const BLOCK: usize = 128;

/// Spec section 4 `compress_t(x, k)` for `T` = 16 or 24 (Poseidon1): zero-pad `x`
/// (`x.len() <= T`) to `T` cells, permute, add the padded input, keep the first `K` cells.
fn compress_one<const T: usize, const K: usize>(x: &[KoalaBear]) -> [KoalaBear; K] {
    assert!(
        x.len() <= T,
        "compress_{T}: input of {} > {T} elements",
        x.len()
    );
    assert!(K <= T, "compress_{T}: output length {K} > {T}");
    let mut padded = [KoalaBear::ZERO; T];
    padded[..x.len()].copy_from_slice(x);
    let mut s = padded;
    let perm = if T == 16 {
        Permutation::Poseidon1W16
    } else {
        Permutation::Poseidon1W24
    };
    perm.permute(&mut s);
    core::array::from_fn(|i| s[i] + padded[i])
}

/// `compress_16(x, K)` (spec section 4) on one input of at most 16 elements (scalar reference).
///
/// # Panics
/// If `x.len() > 16` or `K > 16`.
pub fn compress_16<const K: usize>(x: &[KoalaBear]) -> [KoalaBear; K] {
    compress_one::<16, K>(x)
}

/// `compress_24(x, K)` (spec section 4) on one input of at most 24 elements (scalar reference).
///
/// # Panics
/// If `x.len() > 24` or `K > 24`.
pub fn compress_24<const K: usize>(x: &[KoalaBear]) -> [KoalaBear; K] {
    compress_one::<24, K>(x)
}

fn compress_batch<const T: usize, const K: usize>(
    isa: Isa,
    perm: Permutation,
    inputs: &[[KoalaBear; T]],
    outputs: &mut [[KoalaBear; K]],
) {
    assert!(K <= T, "compress_{T}_batch: output length {K} > {T}");
    assert_eq!(
        inputs.len(),
        outputs.len(),
        "compress_{T}_batch: {} inputs but {} outputs",
        inputs.len(),
        outputs.len()
    );
    let mut buf = vec![[KoalaBear::ZERO; T]; BLOCK.min(inputs.len())];
    for (ins, outs) in inputs.chunks(BLOCK).zip(outputs.chunks_mut(BLOCK)) {
        let buf = &mut buf[..ins.len()];
        buf.copy_from_slice(ins);
        perm.permute_batch(isa, buf.as_flattened_mut());
        for ((o, s), x) in outs.iter_mut().zip(buf.iter()).zip(ins) {
            *o = core::array::from_fn(|i| s[i] + x[i]);
        }
    }
}

/// Batched `compress_16(x, K)`: `outputs[i]` = first `K` cells of `Poseidon1_16(x) + x` with
/// `x = inputs[i]` (already zero-padded to 16 cells by the caller).
///
/// # Panics
/// If `K > 16` or `inputs.len() != outputs.len()`.
pub fn compress_16_batch<const K: usize>(
    isa: Isa,
    inputs: &[[KoalaBear; 16]],
    outputs: &mut [[KoalaBear; K]],
) {
    compress_batch(isa, Permutation::Poseidon1W16, inputs, outputs)
}

/// Batched `compress_24(x, K)`; see [`compress_16_batch`].
///
/// # Panics
/// If `K > 24` or `inputs.len() != outputs.len()`.
pub fn compress_24_batch<const K: usize>(
    isa: Isa,
    inputs: &[[KoalaBear; 24]],
    outputs: &mut [[KoalaBear; K]],
) {
    compress_batch(isa, Permutation::Poseidon1W24, inputs, outputs)
}

/// Capacity of the XMSS leaf ("replacement") sponge (spec section 4, mode 3).
pub const REPLACEMENT_SPONGE_CAPACITY: usize = 9;
/// Rate of the XMSS leaf sponge: `24 - 9`.
pub const REPLACEMENT_SPONGE_RATE: usize = 15;
/// Output length of the XMSS leaf sponge (one digest).
pub const REPLACEMENT_SPONGE_OUTPUT: usize = 8;

/// The width-24 Poseidon1 "replacement" sponge of the XMSS leaf hash (spec section 4, mode 3),
/// on one input (scalar reference): state `= [capacity (9) | 0 (15)]`; for each chunk of 15
/// input elements (the last zero-padded), overwrite `state[9..24]` with it and permute; return
/// `state[9..17]`.
///
/// # Panics
/// If `input` is empty (the spec always absorbs at least one chunk).
pub fn replacement_sponge_24(
    capacity: &[KoalaBear; REPLACEMENT_SPONGE_CAPACITY],
    input: &[KoalaBear],
) -> [KoalaBear; REPLACEMENT_SPONGE_OUTPUT] {
    assert!(!input.is_empty(), "replacement_sponge_24: empty input");
    let mut s = [KoalaBear::ZERO; 24];
    s[..9].copy_from_slice(capacity);
    for chunk in input.chunks(REPLACEMENT_SPONGE_RATE) {
        s[9..].fill(KoalaBear::ZERO);
        s[9..9 + chunk.len()].copy_from_slice(chunk);
        poseidon1_permute_24(&mut s);
    }
    core::array::from_fn(|i| s[9 + i])
}

/// Batched [`replacement_sponge_24`] over many independent inputs of equal length:
/// `inputs` holds `outputs.len()` inputs of `input_len` elements each, one after the other.
///
/// # Panics
/// If `input_len == 0` or `inputs.len() != input_len * outputs.len()`.
pub fn replacement_sponge_24_batch(
    isa: Isa,
    capacity: &[KoalaBear; REPLACEMENT_SPONGE_CAPACITY],
    inputs: &[KoalaBear],
    input_len: usize,
    outputs: &mut [[KoalaBear; REPLACEMENT_SPONGE_OUTPUT]],
) {
    assert!(input_len > 0, "replacement_sponge_24_batch: empty inputs");
    assert_eq!(
        inputs.len(),
        input_len * outputs.len(),
        "replacement_sponge_24_batch: {} elements is not {} inputs of {input_len}",
        inputs.len(),
        outputs.len()
    );
    let mut buf = vec![[KoalaBear::ZERO; 24]; BLOCK.min(outputs.len())];
    for (ins, outs) in inputs
        .chunks(BLOCK * input_len)
        .zip(outputs.chunks_mut(BLOCK))
    {
        let buf = &mut buf[..outs.len()];
        for s in buf.iter_mut() {
            s[..9].copy_from_slice(capacity);
        }
        for start in (0..input_len).step_by(REPLACEMENT_SPONGE_RATE) {
            let len = REPLACEMENT_SPONGE_RATE.min(input_len - start);
            for (s, x) in buf.iter_mut().zip(ins.chunks_exact(input_len)) {
                s[9..].fill(KoalaBear::ZERO);
                s[9..9 + len].copy_from_slice(&x[start..start + len]);
            }
            poseidon1_24_batch(isa, buf);
        }
        for (o, s) in outs.iter_mut().zip(buf.iter()) {
            o.copy_from_slice(&s[9..17]);
        }
    }
}

/// Capacity (in cells) of the general sponge [`sponge`]: the last 8 cells of the state.
pub const SPONGE_CAPACITY: usize = 8;
/// Digest length of the general sponge [`sponge`].
pub const SPONGE_OUTPUT: usize = 8;

/// General sponge for hashing a row of field elements (e.g. a Merkle leaf), on one input
/// (scalar reference).
///
/// With width `t = perm.width()`, rate `r = t - 8` (8 for width 16, 16 for width 24) and
/// capacity 8 (the last 8 cells):
/// * the state starts at zero except `state[r] = input.len()` (the length as a field element):
///   the length in the capacity is the padding rule, so zero-padding the last chunk is
///   unambiguous and inputs of different lengths never collide trivially;
/// * the input is split into `max(1, ceil(len / r))` chunks of `r` elements, the last one
///   zero-padded (the empty input is one all-zero chunk); for each chunk, `state[0..r]` is
///   overwritten with it (overwrite mode, as in the XMSS leaf sponge) and the state permuted;
/// * the digest is `state[0..8]` after the last permutation.
///
/// # Panics
/// If `input.len() >= p`.
pub fn sponge(perm: Permutation, input: &[KoalaBear]) -> [KoalaBear; SPONGE_OUTPUT] {
    let t = perm.width();
    let r = t - SPONGE_CAPACITY;
    let mut s = vec![KoalaBear::ZERO; t];
    s[r] = sponge_length(input.len());
    let chunks = input.len().div_ceil(r).max(1);
    for c in 0..chunks {
        let chunk = &input[(c * r).min(input.len())..((c + 1) * r).min(input.len())];
        s[..r].fill(KoalaBear::ZERO);
        s[..chunk.len()].copy_from_slice(chunk);
        perm.permute(&mut s);
    }
    core::array::from_fn(|i| s[i])
}

fn sponge_length(len: usize) -> KoalaBear {
    assert!(len < KoalaBear::ORDER as usize, "sponge: input too long");
    KoalaBear::new(len as u32)
}

/// Batched [`sponge`] over many independent inputs of equal length: `inputs` holds
/// `outputs.len()` rows of `input_len` elements each, one after the other.
///
/// # Panics
/// If `inputs.len() != input_len * outputs.len()` or `input_len >= p`.
pub fn sponge_batch(
    isa: Isa,
    perm: Permutation,
    inputs: &[KoalaBear],
    input_len: usize,
    outputs: &mut [[KoalaBear; SPONGE_OUTPUT]],
) {
    assert_eq!(
        inputs.len(),
        input_len * outputs.len(),
        "sponge_batch: {} elements is not {} inputs of {input_len}",
        inputs.len(),
        outputs.len()
    );
    let t = perm.width();
    let r = t - SPONGE_CAPACITY;
    let chunks = input_len.div_ceil(r).max(1);
    let len_fe = sponge_length(input_len);
    let mut buf = vec![KoalaBear::ZERO; t * BLOCK.min(outputs.len())];
    for (b, outs) in outputs.chunks_mut(BLOCK).enumerate() {
        let buf = &mut buf[..t * outs.len()];
        let ins = &inputs[b * BLOCK * input_len..][..outs.len() * input_len];
        for s in buf.chunks_exact_mut(t) {
            s.fill(KoalaBear::ZERO);
            s[r] = len_fe;
        }
        for c in 0..chunks {
            let (lo, hi) = ((c * r).min(input_len), ((c + 1) * r).min(input_len));
            for (i, s) in buf.chunks_exact_mut(t).enumerate() {
                let chunk = &ins[i * input_len + lo..i * input_len + hi];
                match (
                    <&mut [KoalaBear; 16]>::try_from(&mut s[..hi - lo]),
                    <&[KoalaBear; 16]>::try_from(chunk),
                ) {
                    // A full chunk of the width-24 sponge (rate 16): a fixed-size copy, which
                    // compiles to vector moves instead of a call per state.
                    (Ok(dst), Ok(src)) => *dst = *src,
                    _ => s[..hi - lo].copy_from_slice(chunk),
                }
                if hi - lo < r {
                    // Only the last, partial chunk needs the rest of the rate zeroed.
                    s[hi - lo..r].fill(KoalaBear::ZERO);
                }
            }
            perm.permute_batch(isa, buf);
        }
        for (o, s) in outs.iter_mut().zip(buf.chunks_exact(t)) {
            o.copy_from_slice(&s[..SPONGE_OUTPUT]);
        }
    }
}
