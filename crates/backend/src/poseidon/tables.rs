//! Derived tables, in Montgomery form, for the batched kernels and the scalar Poseidon2: the
//! Poseidon1 sparse partial-round factorisation and the Poseidon2 constants (round constants
//! and the internal diagonal).
//!
//! # Poseidon1 partial rounds
//!
//! Partial round `i` (of `R`) maps `x -> M S(x + c_i)`, where `S` cubes cell 0 only and `M` is
//! the dense MDS matrix. Two rewrites make a partial round cost `O(t)` multiplications.
//!
//! **Constants.** Write `w = M^-1 c'_{i+1}`. Then `M S(y) + c'_{i+1} = M (S(y + (0, w_1..)) +
//! w_0 e_0)`, so the tail of `w` moves before the S-box of round `i` (into `c'_i = c_i + (0,
//! w_1..)`) and only the scalar `k_i = w_0` stays, added to cell 0 right after the S-box.
//! Starting from `c'_{R-1} = c_{R-1}` and going backwards, the partial phase becomes: add the
//! full vector `c'_0` once, then in round `i`: cube cell 0, add `k_i` (`i < R - 1`), apply `M`.
//!
//! **Matrices.** Any `N = [[n00, n^T], [u, N^]]` with invertible `N^` factors as
//! `N = E A'` with `A' = diag(1, N^)` and the sparse `E = [[n00, v^T], [u, I]]`,
//! `v = N^^-T n`. `A'` leaves cell 0 alone, so it commutes with the partial S-box (which only
//! touches cell 0). Factoring the last round's `M = E_{R-1} A'_{R-1}`, moving `A'_{R-1}` into
//! the previous round's `M` and repeating gives
//! `M S ... M S = E_{R-1} S E_{R-2} S ... E_0 S D` with `D = A'_0`. `D` is dense but applied
//! once: it is folded into the last full round before the partial phase, which multiplies by
//! `D M` instead of `M` and then adds `D c'_0`. A sparse `E_i` costs `2t - 1` multiplications:
//! `x_0' = n00 x_0 + v . x_{1..}` and `x_j' = x_j + u_j x_0`.
//!
//! The tests check the factorised permutation against the dense textbook form.

// Matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use std::sync::LazyLock;

use super::constants::*;
use crate::field::KoalaBear;

/// Number of full rounds on each side of the partial rounds (both permutations, both widths).
pub(crate) const HALF_FULL: usize = 4;

/// A matrix of Montgomery words split as `m = hi * 2^16 + lo`, for delayed reduction.
#[derive(Clone, Debug)]
pub(crate) struct SplitMatrix<const T: usize> {
    /// Low 16 bits of every entry.
    pub(crate) lo: [[u32; T]; T],
    /// Entry `>> 16`.
    pub(crate) hi: [[u32; T]; T],
}

impl<const T: usize> SplitMatrix<T> {
    fn new(m: &[[u32; T]; T]) -> Self {
        Self {
            lo: core::array::from_fn(|i| core::array::from_fn(|j| m[i][j] & 0xffff)),
            hi: core::array::from_fn(|i| core::array::from_fn(|j| m[i][j] >> 16)),
        }
    }
}

/// Poseidon1 tables for width `T`, all words in Montgomery form.
#[derive(Clone, Debug)]
pub(crate) struct Poseidon1Tables<const T: usize> {
    /// Round constants of the 8 full rounds (4 before, 4 after the partial rounds).
    pub(crate) full_rc: [[u32; T]; 2 * HALF_FULL],
    /// The dense MDS matrix, row-major: `mds[i][j]` multiplies `x[j]` into `out[i]`. The
    /// kernels use `mds_split`; this plain form is what the factorisation test checks.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) mds: [[u32; T]; T],
    /// `D M`: the matrix of the last full round before the partial rounds (plain form, read by
    /// the factorisation test; the kernels use `pre_split`).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) pre: [[u32; T]; T],
    /// `mds`, split for delayed reduction.
    pub(crate) mds_split: SplitMatrix<T>,
    /// `pre`, split for delayed reduction.
    pub(crate) pre_split: SplitMatrix<T>,
    /// `D c'_0`: added after `pre`.
    pub(crate) pre_rc: [u32; T],
    /// `n00`, the top-left entry of every sparse factor (equal to `M[0][0]`).
    pub(crate) m00: u32,
    /// Per partial round: `k_i`, added to cell 0 after the S-box (the last one is zero).
    pub(crate) partial_rc: Vec<u32>,
    /// Per partial round: the first row of `E_i` (`v`, in cells `1..T`; cell 0 unused).
    pub(crate) sparse_row: Vec<[u32; T]>,
    /// Per partial round: the first column of `E_i` (`u`, in cells `1..T`; cell 0 unused).
    pub(crate) sparse_col: Vec<[u32; T]>,
}

type Mat = Vec<Vec<KoalaBear>>;

/// Solves `a x = b` by Gaussian elimination. Panics if `a` is singular.
fn solve(mut a: Mat, mut b: Vec<KoalaBear>) -> Vec<KoalaBear> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n)
            .find(|&r| a[r][col] != KoalaBear::ZERO)
            .expect("singular matrix in Poseidon table derivation");
        a.swap(col, piv);
        b.swap(col, piv);
        let inv = a[col][col].inverse_or_zero();
        for j in 0..n {
            a[col][j] *= inv;
        }
        b[col] *= inv;
        for r in 0..n {
            if r != col && a[r][col] != KoalaBear::ZERO {
                let f = a[r][col];
                for j in 0..n {
                    let t = a[col][j];
                    a[r][j] -= f * t;
                }
                let t = b[col];
                b[r] -= f * t;
            }
        }
    }
    b
}

fn monty<const T: usize>(v: &[KoalaBear]) -> [u32; T] {
    core::array::from_fn(|i| v[i].to_monty())
}

impl<const T: usize> Poseidon1Tables<T> {
    /// Derives the tables from the canonical round constants (`rc.len()` rounds, `partial` of
    /// them partial) and the circulant MDS first row.
    pub(crate) fn new(rc: &[[u32; T]], mds_row: &[u32; T], partial: usize) -> Self {
        assert_eq!(rc.len(), 2 * HALF_FULL + partial);
        let m: Mat = (0..T)
            .map(|i| {
                (0..T)
                    .map(|j| KoalaBear::new(mds_row[(j + T - i) % T]))
                    .collect()
            })
            .collect();
        let c: Vec<Vec<KoalaBear>> = rc
            .iter()
            .map(|r| r.iter().map(|&x| KoalaBear::new(x)).collect())
            .collect();

        // Constants, backwards: c'_i = c_i + (0, w_1..), k_i = w_0 with w = M^-1 c'_{i+1}.
        let mut chat: Vec<Vec<KoalaBear>> = c[HALF_FULL..HALF_FULL + partial].to_vec();
        let mut k = vec![KoalaBear::ZERO; partial];
        for i in (0..partial - 1).rev() {
            let w = solve(m.clone(), chat[i + 1].clone());
            k[i] = w[0];
            for j in 1..T {
                chat[i][j] += w[j];
            }
        }

        // Matrices, backwards: N = E_i A'_i, then N <- A'_i M.
        let mut n = m.clone();
        let mut sparse_row = vec![[0u32; T]; partial];
        let mut sparse_col = vec![[0u32; T]; partial];
        let mut d_hat: Mat = Vec::new();
        for i in (0..partial).rev() {
            assert_eq!(n[0][0], m[0][0]);
            let n_hat: Mat = (1..T).map(|r| n[r][1..].to_vec()).collect();
            let n_hat_t: Mat = (0..T - 1)
                .map(|r| (0..T - 1).map(|s| n_hat[s][r]).collect())
                .collect();
            let v = solve(n_hat_t, n[0][1..].to_vec());
            for j in 1..T {
                sparse_row[i][j] = v[j - 1].to_monty();
                sparse_col[i][j] = n[j][0].to_monty();
            }
            // A' M: row 0 is M's row 0, rows 1.. are N^ times M's rows 1..
            let mut next = m.clone();
            for r in 1..T {
                for col in 0..T {
                    next[r][col] = (1..T).map(|s| n_hat[r - 1][s - 1] * m[s][col]).sum();
                }
            }
            n = next;
            d_hat = n_hat;
        }
        let mut pre_rc = vec![chat[0][0]];
        pre_rc.extend((0..T - 1).map(|r| {
            (0..T - 1)
                .map(|s| d_hat[r][s] * chat[0][s + 1])
                .sum::<KoalaBear>()
        }));

        let full_rounds = (0..HALF_FULL).chain(HALF_FULL + partial..2 * HALF_FULL + partial);
        let full_rc_rows: Vec<[u32; T]> = full_rounds.map(|r| monty(&c[r])).collect();
        let mds: [[u32; T]; T] = core::array::from_fn(|i| monty(&m[i]));
        let pre: [[u32; T]; T] = core::array::from_fn(|i| monty(&n[i]));
        Self {
            mds_split: SplitMatrix::new(&mds),
            pre_split: SplitMatrix::new(&pre),
            full_rc: full_rc_rows.try_into().unwrap(),
            mds,
            pre,
            pre_rc: monty(&pre_rc),
            m00: m[0][0].to_monty(),
            partial_rc: k.iter().map(|x| x.to_monty()).collect(),
            sparse_row,
            sparse_col,
        }
    }
}

/// Poseidon2 tables for width `T`, all words in Montgomery form.
#[derive(Clone, Debug)]
pub(crate) struct Poseidon2Tables<const T: usize> {
    /// Constants of the 4 initial external rounds.
    pub(crate) initial: [[u32; T]; HALF_FULL],
    /// Constants of the 4 final external rounds.
    pub(crate) terminal: [[u32; T]; HALF_FULL],
    /// One constant per internal round (added to cell 0).
    pub(crate) internal: Vec<u32>,
    /// The internal diagonal `V` (internal matrix `1 + Diag(V)`).
    pub(crate) diag: [u32; T],
}

/// The Poseidon2 internal diagonal `V` (the internal matrix is `1 + Diag(V)`, where `1` is the
/// all-ones matrix), as `(numerator, log2 denominator)` pairs: `V[i] = num / 2^log_den`.
///
/// Hand-written spec data (Plonky3's KoalaBear internal layer), kept here beside the other
/// Poseidon2 constants rather than in the generated `constants.rs`, which its script rewrites.
#[rustfmt::skip]
pub const POSEIDON2_DIAG_16: [(i32, u32); 16] = [
    (-2, 0), (1, 0), (2, 0), (1, 1), (3, 0), (4, 0), (-1, 1), (-3, 0),
    (-4, 0), (1, 8), (1, 3), (1, 24), (-1, 8), (-1, 3), (-1, 4), (-1, 24),
];

/// See [`POSEIDON2_DIAG_16`].
#[rustfmt::skip]
pub const POSEIDON2_DIAG_24: [(i32, u32); 24] = [
    (-2, 0), (1, 0), (2, 0), (1, 1), (3, 0), (4, 0), (-1, 1), (-3, 0),
    (-4, 0), (1, 8), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 24),
    (-1, 8), (-1, 3), (-1, 4), (-1, 5), (-1, 6), (-1, 7), (-1, 9), (-1, 24),
];

/// The internal diagonal of a width as a compile-time constant, so that the batched kernels can
/// replace each multiplication by `V[i]` with additions or a shift (see
/// `generic::poseidon::add_diag_term`).
pub(crate) trait Poseidon2Diag<const T: usize> {
    /// `V` as `(numerator, log2 denominator)` pairs.
    const DIAG: [(i32, u32); T];
}

impl Poseidon2Diag<16> for Poseidon2Tables<16> {
    const DIAG: [(i32, u32); 16] = POSEIDON2_DIAG_16;
}

impl Poseidon2Diag<24> for Poseidon2Tables<24> {
    const DIAG: [(i32, u32); 24] = POSEIDON2_DIAG_24;
}

/// The field element `num / 2^log_den`.
pub(crate) fn diag_value((num, log_den): (i32, u32)) -> KoalaBear {
    let n = KoalaBear::new(num.unsigned_abs());
    let n = if num < 0 { -n } else { n };
    n * KoalaBear::TWO.exp_u64(log_den as u64).inverse_or_zero()
}

impl<const T: usize> Poseidon2Tables<T> {
    fn new(
        initial: &[[u32; T]; HALF_FULL],
        internal: &[u32],
        terminal: &[[u32; T]; HALF_FULL],
        diag: &[(i32, u32); T],
    ) -> Self {
        let conv = |r: &[u32; T]| -> [u32; T] {
            core::array::from_fn(|i| KoalaBear::new(r[i]).to_monty())
        };
        Self {
            initial: core::array::from_fn(|r| conv(&initial[r])),
            terminal: core::array::from_fn(|r| conv(&terminal[r])),
            internal: internal
                .iter()
                .map(|&x| KoalaBear::new(x).to_monty())
                .collect(),
            diag: core::array::from_fn(|i| diag_value(diag[i]).to_monty()),
        }
    }
}

/// Poseidon1 width-16 tables (derived once per process).
pub(crate) fn poseidon1_16() -> &'static Poseidon1Tables<16> {
    static T: LazyLock<Poseidon1Tables<16>> =
        LazyLock::new(|| Poseidon1Tables::new(&POSEIDON1_RC_16, &POSEIDON1_MDS_16_ROW, 20));
    &T
}

/// Poseidon1 width-24 tables (derived once per process).
pub(crate) fn poseidon1_24() -> &'static Poseidon1Tables<24> {
    static T: LazyLock<Poseidon1Tables<24>> =
        LazyLock::new(|| Poseidon1Tables::new(&POSEIDON1_RC_24, &POSEIDON1_MDS_24_ROW, 23));
    &T
}

/// Poseidon2 width-16 tables.
pub(crate) fn poseidon2_16() -> &'static Poseidon2Tables<16> {
    static T: LazyLock<Poseidon2Tables<16>> = LazyLock::new(|| {
        Poseidon2Tables::new(
            &POSEIDON2_RC_16_EXTERNAL_INITIAL,
            &POSEIDON2_RC_16_INTERNAL,
            &POSEIDON2_RC_16_EXTERNAL_FINAL,
            &POSEIDON2_DIAG_16,
        )
    });
    &T
}

/// Poseidon2 width-24 tables.
pub(crate) fn poseidon2_24() -> &'static Poseidon2Tables<24> {
    static T: LazyLock<Poseidon2Tables<24>> = LazyLock::new(|| {
        Poseidon2Tables::new(
            &POSEIDON2_RC_24_EXTERNAL_INITIAL,
            &POSEIDON2_RC_24_INTERNAL,
            &POSEIDON2_RC_24_EXTERNAL_FINAL,
            &POSEIDON2_DIAG_24,
        )
    });
    &T
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fe(x: u32) -> KoalaBear {
        KoalaBear::from_monty(x)
    }

    /// The last initial full round's matrix and the partial rounds, dense (spec) and factored
    /// (`pre`, `pre_rc`, sparse `E_i`), agree on pseudo-random states.
    fn factored_equals_dense<const T: usize>(rc: &[[u32; T]], row: &[u32; T], partial: usize) {
        let tab = Poseidon1Tables::<T>::new(rc, row, partial);
        let dense = |x: &[KoalaBear; T]| -> [KoalaBear; T] {
            core::array::from_fn(|i| (0..T).map(|j| fe(tab.mds[i][j]) * x[j]).sum())
        };
        let mut seed = 0x1234_5678_9abc_def0u64;
        for _ in 0..20 {
            let y: [KoalaBear; T] = core::array::from_fn(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                KoalaBear::new((seed >> 33) as u32)
            });
            // Dense: x = M y, then partial rounds x -> M S(x + c_i).
            let mut a = dense(&y);
            for r in HALF_FULL..HALF_FULL + partial {
                for j in 0..T {
                    a[j] += KoalaBear::new(rc[r][j]);
                }
                a[0] = a[0] * a[0] * a[0];
                a = dense(&a);
            }
            // Factored: x = D M y + D c'_0, then cube, + k_i, sparse E_i.
            let mut b: [KoalaBear; T] = core::array::from_fn(|i| {
                (0..T).map(|j| fe(tab.pre[i][j]) * y[j]).sum::<KoalaBear>() + fe(tab.pre_rc[i])
            });
            for i in 0..partial {
                let x0 = b[0] * b[0] * b[0] + fe(tab.partial_rc[i]);
                let mut acc = fe(tab.m00) * x0;
                for j in 1..T {
                    acc += fe(tab.sparse_row[i][j]) * b[j];
                    b[j] += fe(tab.sparse_col[i][j]) * x0;
                }
                b[0] = acc;
            }
            assert_eq!(a, b);
        }
        assert_eq!(*tab.partial_rc.last().unwrap(), 0);
    }

    #[test]
    fn sparse_partial_rounds_equal_dense_form() {
        factored_equals_dense(&POSEIDON1_RC_16, &POSEIDON1_MDS_16_ROW, 20);
        factored_equals_dense(&POSEIDON1_RC_24, &POSEIDON1_MDS_24_ROW, 23);
    }
}
