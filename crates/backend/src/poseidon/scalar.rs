//! The one-state scalar permutations: production code and the readable reference.
//!
//! The library uses all four in production: the one-input hashing modes (`compress_*`,
//! `replacement_sponge_24`, `sponge`, via [`super::Permutation::permute`]), Merkle paths and
//! verification, and other crates (the statement's Poseidon tables). They are also the
//! reference the batched kernels in [`crate::generic::poseidon`] are tested against, and they
//! are tested against Plonky3 (`tests/poseidon.rs`).
//!
//! Poseidon1 is the specification written out directly (dense MDS in every round, no sparse
//! factorisation, no delayed reduction) so that it can be read against the spec. Poseidon2
//! takes its constants, already in Montgomery form, from `tables` and avoids iterator chains
//! (calls at opt-level `"z"`), because the challenger and Merkle paths run it often.

use super::constants::*;
use super::tables::Poseidon2Tables;
use crate::field::KoalaBear;

/// `x^3`, the S-box of both permutations.
#[inline(always)]
fn cube(x: KoalaBear) -> KoalaBear {
    x * x * x
}

/// Dense circulant product: `out[i] = sum_j row[(j - i) mod T] * x[j]`.
fn circulant<const T: usize>(row: &[u32; T], x: &[KoalaBear; T]) -> [KoalaBear; T] {
    core::array::from_fn(|i| {
        (0..T)
            .map(|j| KoalaBear::new(row[(j + T - i) % T]) * x[j])
            .sum()
    })
}

/// Poseidon1 with `rf_half + rp + rf_half` rounds, each: add `rc[r]`, S-box (all cells in full
/// rounds, cell 0 in partial rounds), multiply by the circulant MDS.
fn poseidon1<const T: usize>(
    state: &mut [KoalaBear; T],
    rc: &[[u32; T]],
    mds_row: &[u32; T],
    partial: usize,
) {
    let half = (rc.len() - partial) / 2;
    for (r, c) in rc.iter().enumerate() {
        for (s, &ci) in state.iter_mut().zip(c) {
            *s += KoalaBear::new(ci);
        }
        if r < half || r >= half + partial {
            state.iter_mut().for_each(|s| *s = cube(*s));
        } else {
            state[0] = cube(state[0]);
        }
        *state = circulant(mds_row, state);
    }
}

/// Poseidon1 width 16 (devnet4 spec section 1.2): x^3, 4 + 20 + 4 rounds.
pub fn poseidon1_permute_16(state: &mut [KoalaBear; 16]) {
    poseidon1(state, &POSEIDON1_RC_16, &POSEIDON1_MDS_16_ROW, 20);
}

/// Poseidon1 width 24 (devnet4 spec section 1.2): x^3, 4 + 23 + 4 rounds.
pub fn poseidon1_permute_24(state: &mut [KoalaBear; 24]) {
    poseidon1(state, &POSEIDON1_RC_24, &POSEIDON1_MDS_24_ROW, 23);
}

/// The Poseidon2 external linear layer: `M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]]` on
/// each block of four cells, then every cell adds the sum of the cells congruent to it mod 4
/// (the matrix `circ(2 M4, M4, ..., M4)`).
///
/// Index loops rather than iterator chains: this function also runs in production (the
/// Fiat-Shamir challenger, Merkle paths), and at opt-level `"z"` every adapter is a call.
pub(crate) fn poseidon2_external_matrix<const T: usize>(state: &mut [KoalaBear; T]) {
    let mut b = 0;
    while b + 4 <= T {
        // M4 times (x0, x1, x2, x3) with additions only (the rows of M4 above; doublings
        // for the 2s, t01 + t23 + x1 + 2 x2 = x0 + 2 x1 + 3 x2 + x3 and so on).
        let [x0, x1, x2, x3] = [state[b], state[b + 1], state[b + 2], state[b + 3]];
        let t01 = x0 + x1;
        let t23 = x2 + x3;
        let t0123 = t01 + t23;
        let t01123 = t0123 + x1;
        let t01233 = t0123 + x3;
        state[b] = t01123 + t01; // 2 x0 + 3 x1 + x2 + x3
        state[b + 1] = t01123 + x2.double(); // x0 + 2 x1 + 3 x2 + x3
        state[b + 2] = t01233 + t23; // x0 + x1 + 2 x2 + 3 x3
        state[b + 3] = t01233 + x0.double(); // 3 x0 + x1 + x2 + 2 x3
        b += 4;
    }
    let mut sums = [KoalaBear::ZERO; 4];
    for i in 0..T {
        sums[i % 4] += state[i];
    }
    for i in 0..T {
        state[i] += sums[i % 4];
    }
}

/// One Poseidon2 external round: add `rc` (Montgomery words), S-box on every cell, external
/// matrix.
fn poseidon2_external_round<const T: usize>(state: &mut [KoalaBear; T], rc: &[u32; T]) {
    for i in 0..T {
        state[i] = cube(state[i] + KoalaBear::from_monty(rc[i]));
    }
    poseidon2_external_matrix(state);
}

/// Poseidon2: initial external matrix, 4 external rounds, `rp` internal rounds, 4 external.
///
/// The constants come from `tables` (the spec's round constants and the internal diagonal
/// `tables::diag_value` of the `POSEIDON2_DIAG_*` pairs, as Montgomery words, derived once per
/// process): deriving the diagonal here took two exponentiations per cell on every call,
/// more than the permutation itself. These functions also run in production (the
/// Fiat-Shamir challenger, Merkle paths), so they are kept cheap at every opt-level.
#[allow(clippy::needless_range_loop)] // index loops: iterator adapters are calls at "z"
fn poseidon2<const T: usize>(state: &mut [KoalaBear; T], tab: &Poseidon2Tables<T>) {
    poseidon2_external_matrix(state);
    for rc in &tab.initial {
        poseidon2_external_round(state, rc);
    }
    for &c in &tab.internal {
        state[0] = cube(state[0] + KoalaBear::from_monty(c));
        let mut sum = KoalaBear::ZERO;
        for &x in state.iter() {
            sum += x;
        }
        for i in 0..T {
            state[i] = sum + KoalaBear::from_monty(tab.diag[i]) * state[i];
        }
    }
    for rc in &tab.terminal {
        poseidon2_external_round(state, rc);
    }
}

/// Poseidon2 width 16 with Plonky3's default KoalaBear constants (spec Appendix A).
pub fn poseidon2_permute_16(state: &mut [KoalaBear; 16]) {
    poseidon2(state, super::tables::poseidon2_16());
}

/// Poseidon2 width 24 with Plonky3's default KoalaBear constants (spec Appendix A).
pub fn poseidon2_permute_24(state: &mut [KoalaBear; 24]) {
    poseidon2(state, super::tables::poseidon2_24());
}
