//! Batched witness rows of the Poseidon1 tables: the same cells as
//! [`Poseidon1Table::fill_row`](super::Poseidon1Table::fill_row), computed for up to
//! [`BATCH`] rows at once on the dispatched slice kernels (`backend::kernels`), one lane per
//! row.
//!
//! The state is kept cell-major (`T` slices of the batch's lanes), so each step of a round is
//! one kernel call over the whole batch: the S-box is two products, the MDS multiply-adds
//! ([`backend::kernels::axpy`]) started from the next round's constants (which folds the constant
//! addition into the matrix product).
//!
//! The full rounds use the circulant structure of the MDS: with `h = T / 2` it is
//! `M = [[A, B], [B, A]]`, so with `u = x_lo + x_hi`, `v = x_lo - x_hi`, `P = (A + B) / 2`
//! and `Q = (A - B) / 2`, `M x = [P u + Q v, P u - Q v]`: `T^2 / 2` products and `2 T`
//! additions instead of `T^2` products.
//!
//! The partial rounds do not apply the dense MDS round by round. Over the partial block the
//! state is an affine function of the block's input state `S` (the `T` cells, round constant
//! included) and of the cubes `c_q` of the partial rounds' S-box inputs, exactly as the AIR
//! tracks it symbolically ([`RowPlan::new`] derives the coefficients once per table). So the
//! S-box input of partial round `p` is `sum_i a_{p,i} S_i + sum_{q<p} b_{p,q} c_q + k_p`
//! (about `T + p` products instead of `T^2` per round), and the state entering the next full
//! round is one affine map of `S` and all the cubes.
//!
//! Field arithmetic is exact and every element is stored fully reduced, so any algebraically
//! equal computation gives the same bits: the cells are identical to the round-by-round
//! reference (`tests/poseidon_rows.rs` compares them column by column on every instruction
//! set).

use super::columns::Poseidon1Columns;
use backend::kernels::{add, axpy, mul, mul_assign, sub};
use backend::{Isa, KoalaBear as F};

/// Rows per batch: the lanes of one kernel call.
pub(super) const BATCH: usize = 256;

/// An affine combination `sum_k coeffs[k] term_k + constant`.
#[derive(Clone)]
struct Combination {
    coeffs: Vec<F>,
    constant: F,
}

impl Combination {
    fn unit(k: usize, len: usize) -> Self {
        let mut coeffs = vec![F::ZERO; len];
        coeffs[k] = F::ONE;
        Combination {
            coeffs,
            constant: F::ZERO,
        }
    }
}

/// What the batched generator needs per table: the constants, the dense MDS and the affine
/// description of the partial block.
pub(super) struct RowPlan<const T: usize> {
    /// Round constants, in round order.
    rc: Vec<[F; T]>,
    /// `P = (A + B) / 2` (rows `0..h`) and `Q = (A - B) / 2` (rows `h..T`), `h` columns each
    /// (see the module docs).
    split_mds: Vec<Vec<F>>,
    /// Per full round: the constants the split product starts from, `(c_lo + c_hi) / 2` for
    /// the `P` half and `(c_lo - c_hi) / 2` for the `Q` half, where `c` is the next round's
    /// constant vector (zero after the last round).
    split_rc: Vec<[F; T]>,
    /// Full rounds before (and after) the partial block.
    half: usize,
    /// Per partial round `p`: its S-box input over `[S_0 .. S_{T-1}, c_0 .. c_{p-1}]`.
    partial_in: Vec<Combination>,
    /// Per cell: the state after the partial block plus the next round's constant, over
    /// `[S_0 .. S_{T-1}, c_0 .. c_{R_P - 1}]`.
    partial_out: Vec<Combination>,
}

/// Per-task buffers: the state, the cubes of the partial block and one temporary, each
/// cell-major with [`BATCH`] lanes per cell.
pub(super) struct Scratch {
    x: Vec<F>,
    y: Vec<F>,
    z: Vec<F>,
    cubes: Vec<F>,
    tmp: Vec<F>,
}

impl Scratch {
    /// Buffers for width `T` with `partial` partial rounds.
    pub(super) fn new(t: usize, partial: usize) -> Self {
        Scratch {
            x: F::zero_vec(t * BATCH),
            y: F::zero_vec(t * BATCH),
            z: F::zero_vec(t * BATCH),
            cubes: F::zero_vec(partial * BATCH),
            tmp: F::zero_vec(BATCH),
        }
    }
}

/// `out = M x` on the coefficient vectors and constants of `state` (`M` given by rows).
fn apply_mds<const T: usize>(mds: &[[F; T]], state: &[Combination]) -> Vec<Combination> {
    let len = state[0].coeffs.len();
    mds.iter()
        .map(|m| Combination {
            coeffs: (0..len)
                .map(|k| (0..T).map(|j| m[j] * state[j].coeffs[k]).sum())
                .collect(),
            constant: (0..T).map(|j| m[j] * state[j].constant).sum(),
        })
        .collect()
}

/// `s = s^3` on one cell's lanes (`tmp` at least as long).
fn cube_in_place(isa: Isa, s: &mut [F], tmp: &mut [F]) {
    let t = &mut tmp[..s.len()];
    mul(isa, t, s, s);
    mul_assign(isa, s, t);
}

/// `out = constant + sum_k coeffs[k] term_k` over the lanes for the first `len` terms,
/// skipping zero coefficients. The terms are the `cells` cells of the block's input state
/// (`state`, `BATCH` lanes each), then the partial rounds' cubes so far (`cubes`).
fn combine(
    isa: Isa,
    out: &mut [F],
    c: &Combination,
    state: &[F],
    cubes: &[F],
    cells: usize,
    len: usize,
) {
    out.fill(c.constant);
    for (k, &s) in c.coeffs[..len].iter().enumerate() {
        if s != F::ZERO {
            let term = if k < cells {
                &state[k * BATCH..]
            } else {
                &cubes[(k - cells) * BATCH..]
            };
            axpy(isa, out, s, &term[..out.len()]);
        }
    }
}

/// Writes lane `b` of `lanes` into column `col` of row `b` of `rows` (rows of width `w`).
fn scatter(rows: &mut [F], w: usize, col: usize, lanes: &[F]) {
    for (b, &v) in lanes.iter().enumerate() {
        rows[b * w + col] = v;
    }
}

impl<const T: usize> RowPlan<T> {
    /// The plan for round constants `rc` (field elements), the MDS rows `mds`, with
    /// `partial` partial rounds between two equal halves of full rounds.
    pub(super) fn new(rc: Vec<[F; T]>, mds: Vec<[F; T]>, partial: usize) -> Self {
        let half = (rc.len() - partial) / 2;
        assert!(
            half >= 1 && partial >= 1,
            "full rounds around a partial block"
        );
        let n = T + partial;
        // The block's input (round constant of its first round included) as the unit terms.
        let mut state: Vec<Combination> = (0..T).map(|i| Combination::unit(i, n)).collect();
        let mut partial_in = Vec::with_capacity(partial);
        for p in 0..partial {
            if p > 0 {
                for (s, &c) in state.iter_mut().zip(&rc[half + p]) {
                    s.constant += c;
                }
            }
            partial_in.push(state[0].clone());
            state[0] = Combination::unit(T + p, n);
            state = apply_mds(&mds, &state);
        }
        for (s, &c) in state.iter_mut().zip(&rc[half + partial]) {
            s.constant += c;
        }
        // The circulant split of the full rounds.
        assert!(T.is_multiple_of(2), "even width");
        let h = T / 2;
        for i in 0..h {
            for j in 0..h {
                assert!(
                    mds[i + h][j] == mds[i][j + h] && mds[i + h][j + h] == mds[i][j],
                    "circulant MDS"
                );
            }
        }
        let inv2 = F::TWO.inverse_or_zero();
        let split_mds: Vec<Vec<F>> = (0..T)
            .map(|i| {
                (0..h)
                    .map(|j| {
                        let (a, b) = (mds[i % h][j], mds[i % h][j + h]);
                        if i < h {
                            (a + b) * inv2
                        } else {
                            (a - b) * inv2
                        }
                    })
                    .collect()
            })
            .collect();
        let split_rc: Vec<[F; T]> = (0..rc.len())
            .map(|r| {
                let c = rc.get(r + 1).copied().unwrap_or([F::ZERO; T]);
                core::array::from_fn(|i| {
                    let (lo, hi) = (c[i % h], c[i % h + h]);
                    if i < h {
                        (lo + hi) * inv2
                    } else {
                        (lo - hi) * inv2
                    }
                })
            })
            .collect();
        RowPlan {
            rc,
            split_mds,
            split_rc,
            half,
            partial_in,
            partial_out: state,
        }
    }

    /// Fills the input, S-box and output columns of `rows` (`inputs.len()` rows of width
    /// `w`, at most [`BATCH`]) for the permutations of `inputs`, as
    /// [`Poseidon1Table::fill_row`](super::Poseidon1Table::fill_row) does; in compression
    /// mode (`feed_forward`) the outputs are `Poseidon1_t(input) + input`. The multiplicity
    /// columns are left untouched.
    pub(super) fn fill_rows(
        &self,
        isa: Isa,
        cols: &Poseidon1Columns<T>,
        feed_forward: bool,
        inputs: &[[F; T]],
        rows: &mut [F],
        scratch: &mut Scratch,
    ) {
        let nb = inputs.len();
        assert!(nb <= BATCH, "at most {BATCH} rows per batch");
        if nb == 0 {
            return;
        }
        let w = cols.width;
        assert_eq!(rows.len(), nb * w, "rows length");
        let Scratch {
            x,
            y,
            z,
            cubes,
            tmp,
        } = scratch;
        let rounds = self.rc.len();
        let partial = self.partial_in.len();

        // Round 0's S-box input: the input plus the constants (not stored).
        for (b, input) in inputs.iter().enumerate() {
            for (i, (&v, &c)) in input.iter().zip(&self.rc[0]).enumerate() {
                rows[b * w + cols.input[i].0] = v;
                x[i * BATCH + b] = v + c;
            }
        }
        let mut r = 0;
        while r < rounds {
            if r == self.half {
                // The partial block, from its input state `x`.
                for (p, comb) in self.partial_in.iter().enumerate() {
                    let (done, rest) = cubes.split_at_mut(p * BATCH);
                    let out = &mut rest[..nb];
                    combine(isa, out, comb, x, done, T, T + p);
                    scatter(rows, w, cols.sbox[r + p][0].0, out);
                    cube_in_place(isa, out, tmp);
                }
                for (i, comb) in self.partial_out.iter().enumerate() {
                    let out = &mut y[i * BATCH..i * BATCH + nb];
                    combine(isa, out, comb, x, cubes, T, T + partial);
                }
                core::mem::swap(x, y);
                r += partial;
                continue;
            }
            // A full round: store its S-box input (not round 0's), cube, MDS (plus the next
            // round's constants).
            for i in 0..T {
                let cell = &mut x[i * BATCH..i * BATCH + nb];
                if r > 0 {
                    scatter(rows, w, cols.sbox[r][i].0, cell);
                }
                cube_in_place(isa, cell, tmp);
            }
            // u, v into z; P u, Q v (from the constants) into y; M x + c into x.
            let h = T / 2;
            let cell = |i: usize| i * BATCH..i * BATCH + nb;
            for i in 0..h {
                add(isa, &mut z[cell(i)], &x[cell(i)], &x[cell(i + h)]);
                sub(isa, &mut z[cell(i + h)], &x[cell(i)], &x[cell(i + h)]);
            }
            for (i, (m, &constant)) in self.split_mds.iter().zip(&self.split_rc[r]).enumerate() {
                let out = &mut y[cell(i)];
                out.fill(constant);
                let base = if i < h { 0 } else { h };
                for (j, &s) in m.iter().enumerate() {
                    axpy(isa, out, s, &z[cell(base + j)]);
                }
            }
            for i in 0..h {
                add(isa, &mut x[cell(i)], &y[cell(i)], &y[cell(i + h)]);
                sub(isa, &mut x[cell(i + h)], &y[cell(i)], &y[cell(i + h)]);
            }
            r += 1;
        }
        // The outputs (with the feed-forward in compression mode).
        for (i, col) in cols.output.iter().enumerate() {
            let cell = &x[i * BATCH..i * BATCH + nb];
            for (b, (&v, input)) in cell.iter().zip(inputs).enumerate() {
                rows[b * w + col.0] = if feed_forward { v + input[i] } else { v };
            }
        }
    }
}
