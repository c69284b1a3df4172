//! The Reed-Solomon encoding of an oracle as `2^k` interleaved codewords, one Merkle leaf per
//! point of the evaluation domain.
//!
//! A table `f` of `2^v` values (base-field or extension elements, `x_0` the most significant
//! index bit) folded by `k` variables splits into `2^k` blocks `f_a = f[a 2^n .. (a+1) 2^n]`,
//! `n = v - k`, one per value `a` of the first `k` variables. Block `a` becomes the polynomial
//! `P_a(Y) = sum_b f_a[b] Y^b` (**the table's values are its coefficients**; no basis change)
//! of degree `< 2^n`, evaluated on the subgroup `D` of order `M = 2^(n + r)`.
//!
//! Leaf `q` is the row `[P_0(y_q), ..., P_(2^k - 1)(y_q)]` at `y_q = w^bitrev(q)` with
//! `w = two_adic_generator(log2 M)` (the NTT's bit-reversed output order). For an extension
//! table each value is its 5 coefficients, so a row has `5 2^k` base elements.
//!
//! Why this is the right oracle: folding the first `k` variables at `alpha` gives the table
//! `g[b] = sum_a eq(alpha, a) f_a[b]`, whose polynomial is `sum_a eq(alpha, a) P_a`, so the
//! folded oracle's value at `y_q` is `sum_a eq(alpha, a) P_a(y_q)`, computed from leaf `q`
//! alone. And `P(y) = sum_x y^x f(x)` is a linear claim on `f` with a product weight
//! ([`super::Weight::power`]), which is how out-of-domain answers and queries become claims.
//!
//! Building it goes coset by coset. In bit-reversed order the `M = 2^(n + r)` rows split into
//! `2^r` runs of `2^n`: run `j` holds the points `s_j w_n^bitrev(i)` with `s_j =
//! w^bitrev_r(j)` and `w_n = w^(2^r)`, that is `P_a` on the coset `s_j H_n` in bit-reversed
//! order, which is the size-`2^n` NTT of the coefficients `f_a[b] s_j^b`. So the table is
//! transposed once by blocks ([`transpose`]: the `2^k` blocks become the columns of a
//! row-major matrix of `2^n` rows), and run `j` is that matrix with row `b` scaled by `s_j^b`,
//! then one batched forward NTT of the columns ([`backend::ntt::forward_to_bit_reversed`],
//! dispatched): no zero padding is ever transformed, and a run can be built alone
//! ([`encode_run`]), or only at some of its rows, when the whole codeword is too large to
//! keep.

use backend::Isa;
use backend::field::{Ext5, KoalaBear};
use backend::kernels;
use backend::ntt;
use rayon::prelude::*;

/// Rows handled per task of the transpose (`TILE * width` elements stay in the L1/L2 cache).
const TILE: usize = 64;

/// The shape of an encoding: `2^n` rows per coset run, `2^r` runs, rows of `width` elements.
#[derive(Copy, Clone, Debug)]
pub struct Shape {
    /// `log2` of the rows per coset run (`v - k`).
    pub log_rows: usize,
    /// `log2` of the number of runs (`log_inv_rate`).
    pub log_runs: usize,
    /// Base elements per row (`limbs 2^k`).
    pub width: usize,
    /// Base elements per table value (1 or 5).
    pub limbs: usize,
}

impl Shape {
    /// The shape of `2^v` values of `limbs` base elements folded by `k`, at rate `2^-r`.
    pub fn new(
        limbs: usize,
        num_variables: usize,
        folding_factor: usize,
        log_inv_rate: usize,
    ) -> Shape {
        Shape {
            log_rows: num_variables - folding_factor,
            log_runs: log_inv_rate,
            width: limbs << folding_factor,
            limbs,
        }
    }

    /// Base elements in one coset run.
    pub fn run_len(&self) -> usize {
        self.width << self.log_rows
    }

    /// Base elements in the whole codeword.
    pub fn codeword_len(&self) -> usize {
        self.run_len() << self.log_runs
    }

    /// Number of leaves (rows of the whole codeword), as a `log2`.
    pub fn log_leaves(&self) -> usize {
        self.log_rows + self.log_runs
    }

    /// The shape with only `blocks` of the `2^k` blocks in a row (the others are zero and
    /// not stored: [`super::WhirParams::with_first_active`]).
    pub fn with_blocks(self, blocks: usize) -> Shape {
        Shape {
            width: self.limbs * blocks,
            ..self
        }
    }
}

/// The codeword matrix of a table of [`Shape`] `shape`: `M = 2^(v - k + r)` rows of
/// `limbs 2^k` base elements (`limbs` = 1 for base-field tables, 5 for extension tables given
/// coefficient by coefficient), rows in the NTT's bit-reversed order, every run as
/// [`encode_run`] builds it. `values` has `limbs 2^v` elements; the caller checks the shapes
/// (`k <= v`, `v - k + r <= 24`).
pub fn encode(isa: Isa, values: &[KoalaBear], shape: Shape) -> Vec<KoalaBear> {
    let mut out = KoalaBear::zero_vec(shape.codeword_len());
    let (first, rest) = out.split_at_mut(shape.run_len());
    let all: Vec<usize> = (0..shape.width / shape.limbs).collect();
    transpose_into(values, shape, &all, first);
    // Runs 1.. from the unscaled transpose in run 0's place, before it is transformed.
    rest.par_chunks_mut(shape.run_len())
        .enumerate()
        .for_each(|(i, part)| scale_rows(isa, first, shape, i + 1, part));
    out.par_chunks_mut(shape.run_len())
        .for_each(|part| ntt::forward_to_bit_reversed(isa, part, shape.width));
    out
}

/// The block transpose of `values`: `2^n` rows of `width` elements, row `b` holding
/// `f_a[b]` (its `limbs` elements) for every block `a` in order. Every run is this matrix
/// with its rows scaled, then transformed ([`encode_run`]).
pub fn transpose(values: &[KoalaBear], shape: Shape) -> Vec<KoalaBear> {
    let all: Vec<usize> = (0..shape.width / shape.limbs).collect();
    transpose_blocks(values, shape, &all)
}

/// [`transpose`] keeping only the blocks `blocks` (in that order) of the table `values`
/// (all its blocks, `limbs 2^(n + k)` elements): rows of `shape.width = limbs
/// blocks.len()` elements.
pub fn transpose_blocks(values: &[KoalaBear], shape: Shape, blocks: &[usize]) -> Vec<KoalaBear> {
    let mut out = KoalaBear::zero_vec(shape.run_len());
    transpose_into(values, shape, blocks, &mut out);
    out
}

fn transpose_into(values: &[KoalaBear], shape: Shape, blocks: &[usize], out: &mut [KoalaBear]) {
    let Shape {
        log_rows,
        width,
        limbs,
        ..
    } = shape;
    let rows = 1usize << log_rows;
    debug_assert_eq!(width, blocks.len() * limbs);
    debug_assert_eq!(out.len(), shape.run_len());
    debug_assert!(
        blocks
            .iter()
            .all(|&a| (a + 1) * rows * limbs <= values.len())
    );
    out.par_chunks_mut(TILE * width)
        .enumerate()
        .for_each(|(c, chunk)| {
            let first = c * TILE;
            let here = chunk.len() / width;
            for (col, &a) in blocks.iter().enumerate() {
                let src = &values[(a * rows + first) * limbs..(a * rows + first + here) * limbs];
                if limbs == 1 {
                    // One element per value: a plain strided store (no per-element copy call).
                    for (t, &x) in src.iter().enumerate() {
                        chunk[t * width + col] = x;
                    }
                } else {
                    for (t, cell) in src.chunks_exact(limbs).enumerate() {
                        let at = t * width + col * limbs;
                        chunk[at..at + limbs].copy_from_slice(cell);
                    }
                }
            }
        });
}

/// `out` = the transposed table `rows` ([`transpose`]) with row `b` scaled by `s_j^b`.
fn scale_rows(isa: Isa, rows: &[KoalaBear], shape: Shape, j: usize, out: &mut [KoalaBear]) {
    let width = shape.width;
    debug_assert_eq!(out.len(), shape.run_len());
    debug_assert_eq!(rows.len(), shape.run_len());
    if j == 0 {
        out.copy_from_slice(rows);
        return;
    }
    // s_j = w^bitrev_r(j), w of order 2^(n + r).
    let shift = domain_point(shape.log_rows + shape.log_runs, j << shape.log_rows);
    let tile_step = shift.exp_u64(TILE as u64);
    out.par_chunks_mut(TILE * width)
        .zip(rows.par_chunks(TILE * width))
        .enumerate()
        .for_each(|(c, (chunk, src))| {
            let mut power = tile_step.exp_u64(c as u64);
            for (row, x) in chunk.chunks_exact_mut(width).zip(src.chunks_exact(width)) {
                kernels::scale(isa, row, x, power);
                power *= shift;
            }
        });
}

/// Writes run `j` of the codeword (rows `j 2^n .. (j + 1) 2^n`, see the module docs) into
/// `out` (`shape.run_len()` elements), from the transposed table `rows` ([`transpose`]).
/// With `wanted` (run-local row indices), only those rows of `out` are right afterwards
/// ([`backend::ntt::forward_to_bit_reversed_rows`]: cheaper when they are few).
pub fn encode_run(
    isa: Isa,
    rows: &[KoalaBear],
    shape: Shape,
    j: usize,
    out: &mut [KoalaBear],
    wanted: Option<&[usize]>,
) {
    scale_rows(isa, rows, shape, j, out);
    match wanted {
        None => ntt::forward_to_bit_reversed(isa, out, shape.width),
        Some(w) => ntt::forward_to_bit_reversed_rows(isa, out, shape.width, w),
    }
}

/// The base-field elements of an extension table, coefficient by coefficient.
pub fn flatten(values: &[Ext5]) -> Vec<KoalaBear> {
    values.iter().flat_map(|v| *v.coeffs()).collect()
}

/// The `2^k` values of a leaf row (`limbs` = 1 or 5 base elements per value).
pub fn leaf_values(row: &[KoalaBear], limbs: usize) -> Vec<Ext5> {
    if limbs == 1 {
        row.iter().map(|&x| Ext5::from_base(x)).collect()
    } else {
        row.chunks_exact(5)
            .map(|c| Ext5::new([c[0], c[1], c[2], c[3], c[4]]))
            .collect()
    }
}

/// The domain point `y_q = w^bitrev(q)` of leaf `q` among `2^log_leaves`.
pub fn domain_point(log_leaves: usize, q: usize) -> KoalaBear {
    let rev = if log_leaves == 0 {
        0
    } else {
        q.reverse_bits() >> (usize::BITS as usize - log_leaves)
    };
    KoalaBear::two_adic_generator(log_leaves).exp_u64(rev as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v2::whir::weight::horner;

    #[test]
    fn leaf_rows_hold_every_block_polynomial_at_the_leaf_point() {
        let isa = Isa::current();
        let (v, k, r) = (6, 2, 2);
        let f: Vec<KoalaBear> = (0..1u64 << v)
            .map(|i| KoalaBear::from_u64(i * i + 7))
            .collect();
        let cw = encode(isa, &f, Shape::new(1, v, k, r));
        let n = v - k;
        let log_leaves = n + r;
        assert_eq!(cw.len(), (1 << log_leaves) << k);
        for q in 0..1 << log_leaves {
            let y = domain_point(log_leaves, q);
            for a in 0..1 << k {
                let block: Vec<Ext5> = f[a << n..(a + 1) << n]
                    .iter()
                    .map(|&x| Ext5::from_base(x))
                    .collect();
                assert_eq!(
                    Ext5::from_base(cw[(q << k) + a]),
                    horner(&block, y),
                    "q {q} a {a}"
                );
            }
        }
    }

    #[test]
    fn runs_from_the_transpose_match_the_codeword_whole_or_at_wanted_rows() {
        let isa = Isa::current();
        for (limbs, v, k, r) in [
            (1usize, 12usize, 4usize, 2usize),
            (5, 9, 3, 1),
            (1, 6, 6, 3),
        ] {
            let values: Vec<KoalaBear> = (0..(limbs << v) as u64)
                .map(|i| KoalaBear::from_u64(i * 2654435761 + 17))
                .collect();
            let shape = Shape::new(limbs, v, k, r);
            let cw = encode(isa, &values, shape);
            let rows = transpose(&values, shape);
            let run_rows = 1usize << shape.log_rows;
            let wanted = [0, run_rows - 1, run_rows / 3];
            for j in 0..1 << r {
                let expected = &cw[j * shape.run_len()..(j + 1) * shape.run_len()];
                let mut whole = KoalaBear::zero_vec(shape.run_len());
                encode_run(isa, &rows, shape, j, &mut whole, None);
                assert_eq!(whole, expected, "limbs {limbs} v {v} run {j}");
                let mut some = KoalaBear::zero_vec(shape.run_len());
                encode_run(isa, &rows, shape, j, &mut some, Some(&wanted));
                for &q in &wanted {
                    let at = q * shape.width..(q + 1) * shape.width;
                    assert_eq!(some[at.clone()], expected[at], "run {j} row {q}");
                }
            }
        }
    }

    #[test]
    fn extension_tables_encode_coefficientwise() {
        let isa = Isa::current();
        let (v, k, r) = (5, 3, 1);
        let f: Vec<Ext5> = (0..1u64 << v)
            .map(|i| {
                Ext5::new(core::array::from_fn(|j| {
                    KoalaBear::from_u64(i * 31 + j as u64)
                }))
            })
            .collect();
        let cw = encode(isa, &flatten(&f), Shape::new(5, v, k, r));
        let width = 5 << k;
        let log_leaves = v - k + r;
        for q in 0..1 << log_leaves {
            let vals = leaf_values(&cw[q * width..(q + 1) * width], 5);
            let y = domain_point(log_leaves, q);
            for (a, &got) in vals.iter().enumerate() {
                let n = v - k;
                assert_eq!(got, horner(&f[a << n..(a + 1) << n], y));
            }
        }
    }
}
