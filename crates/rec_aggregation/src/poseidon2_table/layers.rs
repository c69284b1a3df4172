//! The linear algebra of the Poseidon2 tables: the two linear layers on concrete states (the
//! witness generator's), the same layers as dense matrices (obtained by applying them to the
//! unit vectors, so there is one definition of each) and the round schedule with its
//! constants as field elements (the AIR's symbolic state is `crate::affine_state`).
//!
//! The layers follow `backend::poseidon::poseidon2_permute_{16,24}`:
//! * external: `M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]]` on every block of four
//!   cells, then every cell adds the sum of the cells congruent to it mod 4 (the matrix
//!   `circ(2 M4, M4, ..., M4)`);
//! * internal: `x_i -> sum_j x_j + V_i x_i` (the matrix `1 + Diag(V)`).

use super::spec::Poseidon2Spec;
use backend::KoalaBear as F;

/// The 4 x 4 block of the external layer.
const M4: [[u32; 4]; 4] = [[2, 3, 1, 1], [1, 2, 3, 1], [1, 1, 2, 3], [3, 1, 1, 2]];

/// The external linear layer on a concrete state.
pub(super) fn external_layer<const T: usize>(x: &mut [F; T]) {
    assert!(T.is_multiple_of(4), "Poseidon2 width is a multiple of 4");
    let mut sums = [F::ZERO; 4];
    for b in 0..T / 4 {
        let block: [F; 4] = core::array::from_fn(|k| x[4 * b + k]);
        for (i, row) in M4.iter().enumerate() {
            let y: F = row.iter().zip(&block).map(|(&m, &v)| F::new(m) * v).sum();
            x[4 * b + i] = y;
            sums[i] += y;
        }
    }
    for (i, v) in x.iter_mut().enumerate() {
        *v += sums[i % 4];
    }
}

/// The internal linear layer `x_i -> sum_j x_j + diag_i x_i` on a concrete state.
pub(super) fn internal_layer<const T: usize>(x: &mut [F; T], diag: &[F; T]) {
    let sum: F = x.iter().copied().sum();
    for (v, &d) in x.iter_mut().zip(diag) {
        *v = sum + d * *v;
    }
}

/// The dense matrix of a linear layer: `m[i][j]` is cell `i` of the layer applied to the unit
/// vector `e_j`.
fn dense<const T: usize>(layer: impl Fn(&mut [F; T])) -> [[F; T]; T] {
    let mut m = [[F::ZERO; T]; T];
    for j in 0..T {
        let mut e = [F::ZERO; T];
        e[j] = F::ONE;
        layer(&mut e);
        for (row, &v) in m.iter_mut().zip(&e) {
            row[j] = v;
        }
    }
    m
}

/// The field element `num / 2^log_den` of a `(numerator, log2 denominator)` pair.
pub(super) fn diag_value((num, log_den): (i32, u32)) -> F {
    let n = F::new(num.unsigned_abs());
    let n = if num < 0 { -n } else { n };
    n * F::TWO.exp_u64(u64::from(log_den)).inverse_or_zero()
}

/// One round of the permutation with its constants.
#[derive(Copy, Clone, Debug)]
pub(super) enum Round<const T: usize> {
    /// External round: add the constants to every cell, cube every cell, external layer.
    External([F; T]),
    /// Internal round: add the constant to cell 0, cube cell 0, internal layer.
    Internal(F),
}

/// The rounds of a spec and its two layers, as field elements.
#[derive(Clone, Debug)]
pub(super) struct Schedule<const T: usize> {
    /// The rounds in order (after the initial external layer).
    pub(super) rounds: Vec<Round<T>>,
    /// The internal diagonal `V`.
    pub(super) diag: [F; T],
    /// The external layer as a dense matrix.
    pub(super) external: [[F; T]; T],
    /// The internal layer as a dense matrix.
    pub(super) internal: [[F; T]; T],
}

impl<const T: usize> Schedule<T> {
    /// The schedule of `spec`.
    pub(super) fn new(spec: &Poseidon2Spec<T>) -> Self {
        let ext = |rc: &[u32; T]| Round::External(rc.map(F::new));
        let rounds: Vec<Round<T>> = spec
            .external_initial
            .iter()
            .map(ext)
            .chain(spec.internal.iter().map(|&c| Round::Internal(F::new(c))))
            .chain(spec.external_final.iter().map(ext))
            .collect();
        let diag = spec.diag.map(diag_value);
        Schedule {
            rounds,
            diag,
            external: dense(external_layer::<T>),
            internal: dense(|x: &mut [F; T]| internal_layer(x, &diag)),
        }
    }

    /// The permutation on a concrete state, round by round; `sbox(r, cell, value)` is called
    /// with the S-box input of every cell that round `r` cubes, in order.
    pub(super) fn permute(&self, state: &mut [F; T], mut sbox: impl FnMut(usize, usize, F)) {
        external_layer(state);
        for (r, round) in self.rounds.iter().enumerate() {
            match round {
                Round::External(rc) => {
                    for (i, (s, &c)) in state.iter_mut().zip(rc).enumerate() {
                        *s += c;
                        sbox(r, i, *s);
                        *s = *s * *s * *s;
                    }
                    external_layer(state);
                }
                Round::Internal(c) => {
                    state[0] += *c;
                    sbox(r, 0, state[0]);
                    state[0] = state[0] * state[0] * state[0];
                    internal_layer(state, &self.diag);
                }
            }
        }
    }
}
