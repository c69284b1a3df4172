//! Textbook scalar permutations: the specification written out directly, one state at a time.
//!
//! These are deliberately unoptimised (dense MDS in every round, no sparse factorisation, no
//! delayed reduction) so that they can be read against the spec; the batched kernels in
//! [`super::kernels`] are tested against them.

use super::constants::*;
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
pub(crate) fn poseidon2_external_matrix<const T: usize>(state: &mut [KoalaBear; T]) {
    const M4: [[u32; 4]; 4] = [[2, 3, 1, 1], [1, 2, 3, 1], [1, 1, 2, 3], [3, 1, 1, 2]];
    for block in state.chunks_exact_mut(4) {
        let x = [block[0], block[1], block[2], block[3]];
        for (o, row) in block.iter_mut().zip(&M4) {
            *o = row
                .iter()
                .zip(&x)
                .map(|(&m, &v)| KoalaBear::new(m) * v)
                .sum();
        }
    }
    let sums: [KoalaBear; 4] = core::array::from_fn(|k| (k..T).step_by(4).map(|j| state[j]).sum());
    for (i, s) in state.iter_mut().enumerate() {
        *s += sums[i % 4];
    }
}

/// The Poseidon2 internal diagonal `V` (the internal matrix is `1 + Diag(V)`, where `1` is the
/// all-ones matrix), as `(numerator, log2 denominator)` pairs: `V[i] = num / 2^log_den`.
#[rustfmt::skip]
pub(crate) const POSEIDON2_DIAG_16: [(i32, u32); 16] = [
    (-2, 0), (1, 0), (2, 0), (1, 1), (3, 0), (4, 0), (-1, 1), (-3, 0),
    (-4, 0), (1, 8), (1, 3), (1, 24), (-1, 8), (-1, 3), (-1, 4), (-1, 24),
];

/// See [`POSEIDON2_DIAG_16`].
#[rustfmt::skip]
pub(crate) const POSEIDON2_DIAG_24: [(i32, u32); 24] = [
    (-2, 0), (1, 0), (2, 0), (1, 1), (3, 0), (4, 0), (-1, 1), (-3, 0),
    (-4, 0), (1, 8), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 24),
    (-1, 8), (-1, 3), (-1, 4), (-1, 5), (-1, 6), (-1, 7), (-1, 9), (-1, 24),
];

/// The field element `num / 2^log_den`.
pub(crate) fn diag_value((num, log_den): (i32, u32)) -> KoalaBear {
    let n = KoalaBear::new(num.unsigned_abs());
    let n = if num < 0 { -n } else { n };
    n * KoalaBear::TWO.exp_u64(log_den as u64).inverse_or_zero()
}

/// Poseidon2: initial external matrix, 4 external rounds, `rp` internal rounds, 4 external.
fn poseidon2<const T: usize>(
    state: &mut [KoalaBear; T],
    initial: &[[u32; T]; 4],
    internal: &[u32],
    terminal: &[[u32; T]; 4],
    diag: &[(i32, u32); T],
) {
    let external_round = |state: &mut [KoalaBear; T], rc: &[u32; T]| {
        for (s, &c) in state.iter_mut().zip(rc) {
            *s = cube(*s + KoalaBear::new(c));
        }
        poseidon2_external_matrix(state);
    };
    poseidon2_external_matrix(state);
    initial.iter().for_each(|rc| external_round(state, rc));
    let diag: [KoalaBear; T] = core::array::from_fn(|i| diag_value(diag[i]));
    for &c in internal {
        state[0] = cube(state[0] + KoalaBear::new(c));
        let sum: KoalaBear = state.iter().copied().sum();
        for (s, d) in state.iter_mut().zip(&diag) {
            *s = sum + *d * *s;
        }
    }
    terminal.iter().for_each(|rc| external_round(state, rc));
}

/// Poseidon2 width 16 with Plonky3's default KoalaBear constants (spec Appendix A).
pub fn poseidon2_permute_16(state: &mut [KoalaBear; 16]) {
    poseidon2(
        state,
        &POSEIDON2_RC_16_EXTERNAL_INITIAL,
        &POSEIDON2_RC_16_INTERNAL,
        &POSEIDON2_RC_16_EXTERNAL_FINAL,
        &POSEIDON2_DIAG_16,
    );
}

/// Poseidon2 width 24 with Plonky3's default KoalaBear constants (spec Appendix A).
pub fn poseidon2_permute_24(state: &mut [KoalaBear; 24]) {
    poseidon2(
        state,
        &POSEIDON2_RC_24_EXTERNAL_INITIAL,
        &POSEIDON2_RC_24_INTERNAL,
        &POSEIDON2_RC_24_EXTERNAL_FINAL,
        &POSEIDON2_DIAG_24,
    );
}
