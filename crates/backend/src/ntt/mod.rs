//! Number-theoretic transforms (NTTs) and coset low-degree extensions over KoalaBear.
//!
//! Data is a row-major matrix: a `&mut [KoalaBear]` of `height * width` elements whose height
//! is a power of two (at most `2^24`); every column is transformed independently. The
//! transform of size `n` evaluates at the powers of `w = KoalaBear::two_adic_generator(log2 n)`,
//! the same convention as Plonky3's `TwoAdicSubgroupDft::dft_batch`:
//! `y_i = sum_j x_j w^(i j)`.
//!
//! | function | input | output |
//! |---|---|---|
//! | [`forward`] | coefficients, natural | evaluations, natural |
//! | [`forward_to_bit_reversed`] | coefficients, natural | evaluations, bit-reversed |
//! | [`forward_to_bit_reversed_rows`] | coefficients, natural | chosen rows of the above |
//! | [`inverse`] | evaluations, natural | coefficients, natural |
//! | [`inverse_from_bit_reversed`] | evaluations, bit-reversed | coefficients, natural |
//! | [`coset_lde`], [`lde`] | evaluations on `H`, natural | evaluations on `shift * H'`, either order |
//!
//! Every function takes the [`Isa`] to run on (pass [`Isa::current`]); results are
//! bit-identical on every instruction set and every rayon thread count.
//!
//! # Algorithm
//! In-place radix-2 transforms: decimation in frequency (natural to bit-reversed order) and
//! decimation in time (bit-reversed to natural order), with explicit row bit-reversal where an
//! order change is needed. Layers whose butterflies span more rows than a cache block run in
//! groups of up to seven: a task takes a few rows at the same offset in each of the `2^L`
//! sections they pair and runs all `L` layers on them (two at a time, radix 4) while they sit
//! in cache, so the matrix crosses memory once per group rather than once per layer; then each
//! cache-sized block of rows runs all of its remaining layers in one kernel call.
//! Widths `2..LANES` are transposed into single columns first, so every width is vectorised.
//!
//! # Panics
//! On a bad shape (see [`NttError`]): width zero, length not a multiple of the width, height
//! not a power of two, or a height above `2^24`.

mod error;
mod twiddles;

pub use error::NttError;

use rayon::prelude::*;

use crate::field::{KoalaBear, as_raw, as_raw_mut};
use crate::isa::Isa;
use crate::simd::dispatch::dispatch;

/// Largest supported `log2` of a height (input or LDE output): KoalaBear's two-adicity.
pub const MAX_LOG_HEIGHT: usize = twiddles::MAX_LOG;

/// Order of the rows of an evaluation vector.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// Row `i` holds the evaluation at `shift * w^i`.
    Natural,
    /// Row `i` holds the evaluation at `shift * w^bitrev(i)` (bit reversal over `log2 height`
    /// bits).
    BitReversed,
}

/// Checks a matrix shape and returns `log2(height)`.
pub fn check_shape(len: usize, width: usize) -> Result<usize, NttError> {
    if width == 0 {
        return Err(NttError::ZeroWidth);
    }
    if !len.is_multiple_of(width) {
        return Err(NttError::RaggedLength { len, width });
    }
    let height = len / width;
    if !height.is_power_of_two() {
        return Err(NttError::HeightNotPowerOfTwo { height });
    }
    let log_height = height.trailing_zeros() as usize;
    if log_height > MAX_LOG_HEIGHT {
        return Err(NttError::HeightTooLarge {
            log_height,
            max: MAX_LOG_HEIGHT,
        });
    }
    Ok(log_height)
}

#[track_caller]
fn shape_or_panic(len: usize, width: usize) -> usize {
    match check_shape(len, width) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    }
}

/// Forward NTT of every column, natural order in and out: column `c` of row `i` becomes
/// `sum_j x[j][c] w^(i j)` with `w = two_adic_generator(log2 height)` (Plonky3's `dft_batch`).
///
/// # Panics
/// On a bad shape (see [`NttError`]).
#[track_caller]
pub fn forward(isa: Isa, data: &mut [KoalaBear], width: usize) {
    let log_n = shape_or_panic(data.len(), width);
    let data = as_raw_mut(data);
    per_column_group(isa, data, width, log_n, &|d, w| {
        dif(isa, d, w, log_n, twiddles::table(log_n, false));
        bit_reverse_raw(d, w, log_n);
    });
}

/// Forward NTT of every column, natural-order input, bit-reversed output (row `i` holds the
/// evaluation at `w^bitrev(i)`). Cheaper than [`forward`]: no reordering pass.
///
/// # Panics
/// On a bad shape (see [`NttError`]).
#[track_caller]
pub fn forward_to_bit_reversed(isa: Isa, data: &mut [KoalaBear], width: usize) {
    let log_n = shape_or_panic(data.len(), width);
    let data = as_raw_mut(data);
    per_column_group(isa, data, width, log_n, &|d, w| {
        dif(isa, d, w, log_n, twiddles::table(log_n, false));
    });
}

/// [`forward_to_bit_reversed`] where it is needed: afterwards every row whose index is in
/// `rows` holds exactly what [`forward_to_bit_reversed`] writes there; the other rows hold
/// unspecified values (the input's, partly transformed). For reading a few rows of a large
/// transform (a codeword's queried leaves): after the first group of layers the matrix splits
/// into independent transforms of contiguous row blocks, and only the blocks holding a wanted
/// row are carried on (recursively), so a handful of rows of a `2^19`-row transform costs
/// about a third of the whole.
///
/// # Panics
/// On a bad shape (see [`NttError`]), or if a row index is not below the height.
#[track_caller]
pub fn forward_to_bit_reversed_rows(
    isa: Isa,
    data: &mut [KoalaBear],
    width: usize,
    rows: &[usize],
) {
    let log_n = shape_or_panic(data.len(), width);
    let height = 1usize << log_n;
    if let Some(&r) = rows.iter().find(|&&r| r >= height) {
        panic!("forward_to_bit_reversed_rows: row {r} is not below the height {height}");
    }
    let mut wanted = rows.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let data = as_raw_mut(data);
    let tw = twiddles::table(log_n, false);
    if width > 1 && width < isa.lanes() {
        // Narrow matrices are transformed column by column, whole.
        per_column_group(isa, data, width, log_n, &|d, w| dif(isa, d, w, log_n, tw));
        return;
    }
    dif_rows(isa, data, width, log_n, tw, &wanted);
}

/// [`dif`] restricted to the sub-transforms holding the (sorted, distinct) `rows`.
fn dif_rows(isa: Isa, data: &mut [u32], width: usize, log_n: usize, tw: &[u32], rows: &[usize]) {
    let lb = block_log(width, log_n);
    if log_n <= lb {
        dif(isa, data, width, log_n, tw);
        return;
    }
    // The top group of layers over the whole matrix, as `dif` runs it.
    let bottom = log_n.saturating_sub(group_log(width)).max(lb);
    grouped_layers(isa, data, width, bottom, log_n - 1, tw, true);
    // Blocks of 2^bottom rows are now independent transforms of that size (the same
    // butterflies and twiddles as the rest of `dif`); carry on with the wanted ones.
    let block_rows = 1usize << bottom;
    let mut parts: Vec<(usize, Vec<usize>)> = Vec::new();
    for &r in rows {
        let b = r >> bottom;
        match parts.last_mut() {
            Some((last, local)) if *last == b => local.push(r & (block_rows - 1)),
            _ => parts.push((b, vec![r & (block_rows - 1)])),
        }
    }
    let mut blocks: Vec<Option<&mut [u32]>> = data
        .chunks_exact_mut(block_rows * width)
        .map(Some)
        .collect();
    let work: Vec<(&mut [u32], Vec<usize>)> = parts
        .into_iter()
        .filter_map(|(b, local)| blocks[b].take().map(|blk| (blk, local)))
        .collect();
    work.into_par_iter()
        .for_each(|(blk, local)| dif_rows(isa, blk, width, bottom, tw, &local));
}

/// Inverse NTT of every column, natural order in and out (evaluations on the subgroup to
/// coefficients, including the `1/height` factor). Inverts [`forward`].
///
/// # Panics
/// On a bad shape (see [`NttError`]).
#[track_caller]
pub fn inverse(isa: Isa, data: &mut [KoalaBear], width: usize) {
    let log_n = shape_or_panic(data.len(), width);
    let data = as_raw_mut(data);
    per_column_group(isa, data, width, log_n, &|d, w| {
        dif(isa, d, w, log_n, twiddles::table(log_n, true));
        scale_all(isa, d, inv_height(log_n));
        bit_reverse_raw(d, w, log_n);
    });
}

/// Inverse NTT of every column from bit-reversed evaluations to natural-order coefficients.
/// Inverts [`forward_to_bit_reversed`]; no reordering pass.
///
/// # Panics
/// On a bad shape (see [`NttError`]).
#[track_caller]
pub fn inverse_from_bit_reversed(isa: Isa, data: &mut [KoalaBear], width: usize) {
    let log_n = shape_or_panic(data.len(), width);
    let data = as_raw_mut(data);
    per_column_group(isa, data, width, log_n, &|d, w| {
        dit(isa, d, w, log_n, 0, twiddles::table(log_n, true));
        scale_all(isa, d, inv_height(log_n));
    });
}

/// Coset low-degree extension with the default shift [`KoalaBear::GENERATOR`]; see
/// [`coset_lde`].
///
/// # Panics
/// On a bad shape (see [`NttError`]).
#[track_caller]
pub fn lde(
    isa: Isa,
    evals: &[KoalaBear],
    width: usize,
    log_blowup: usize,
    order: Order,
) -> Vec<KoalaBear> {
    coset_lde(isa, evals, width, log_blowup, KoalaBear::GENERATOR, order)
}

/// Coset low-degree extension of every column by `2^log_blowup`.
///
/// `evals` holds, in natural order, the evaluations of polynomials of degree `< n` on the
/// subgroup `H` of order `n = height`. Returns the `(n << log_blowup) x width` matrix of their
/// evaluations on `shift * H'`, `|H'| = n << log_blowup`, in the requested order. The natural
/// order equals Plonky3's `coset_lde_batch(mat, log_blowup, shift)`.
///
/// # Panics
/// On a bad shape (see [`NttError`]), including an output height above `2^24`.
#[track_caller]
pub fn coset_lde(
    isa: Isa,
    evals: &[KoalaBear],
    width: usize,
    log_blowup: usize,
    shift: KoalaBear,
    order: Order,
) -> Vec<KoalaBear> {
    let log_n = shape_or_panic(evals.len(), width);
    let log_big = log_n + log_blowup;
    if log_big > MAX_LOG_HEIGHT {
        panic!(
            "{}",
            NttError::HeightTooLarge {
                log_height: log_big,
                max: MAX_LOG_HEIGHT
            }
        );
    }
    let mut out = vec![KoalaBear::ZERO; evals.len() << log_blowup];
    let src = as_raw(evals);
    let dst = as_raw_mut(&mut out);
    if width > 1 && width < isa.lanes() {
        // Narrow matrix: extend each column on its own, as a contiguous vector.
        let n = 1usize << log_n;
        let mut cols = vec![0u32; dst.len()];
        cols.par_chunks_mut(n << log_blowup)
            .enumerate()
            .for_each(|(c, col)| {
                let mut input: Vec<u32> = (0..n).map(|r| src[r * width + c]).collect();
                lde_raw(isa, &mut input, col, 1, log_n, log_blowup, shift, order);
            });
        scatter_columns(&cols, dst, width);
    } else {
        let mut input = src.to_vec();
        lde_raw(isa, &mut input, dst, width, log_n, log_blowup, shift, order);
    }
    out
}

/// Reverses the order of the rows of a matrix by bit reversal of their index (an involution).
///
/// # Panics
/// On a bad shape (see [`NttError`]).
#[track_caller]
pub fn bit_reverse_rows(data: &mut [KoalaBear], width: usize) {
    let log_n = shape_or_panic(data.len(), width);
    bit_reverse_raw(as_raw_mut(data), width, log_n);
}

// ---------------------------------------------------------------------------------------------
// Drivers on raw Montgomery words.

/// Target size of a cache block: a block of rows this large runs all its remaining layers in
/// one kernel call.
const BLOCK_BYTES: usize = 128 << 10;
/// Target number of words per rayon task in the whole-matrix layers.
const TASK_WORDS: usize = 1 << 13;

/// `log2` of the rows per cache block.
fn block_log(width: usize, log_n: usize) -> usize {
    let rows = (BLOCK_BYTES / 4 / width).max(1);
    (rows.ilog2() as usize).min(log_n)
}

/// Rows per rayon task when `avail` rows (a power of two) are split.
fn task_rows(width: usize, avail: usize) -> usize {
    let rows = (TASK_WORDS / width).max(16);
    (1usize << rows.ilog2()).min(avail)
}

/// Runs `f` on the matrix, or, for widths `2..LANES` (too narrow for row vectors), on each
/// column copied out as a contiguous vector (columns in parallel).
fn per_column_group(
    isa: Isa,
    data: &mut [u32],
    width: usize,
    log_n: usize,
    f: &(dyn Fn(&mut [u32], usize) + Sync),
) {
    if width > 1 && width < isa.lanes() {
        let n = 1usize << log_n;
        let mut cols = vec![0u32; data.len()];
        cols.par_chunks_mut(n).enumerate().for_each(|(c, col)| {
            for (r, x) in col.iter_mut().enumerate() {
                *x = data[r * width + c];
            }
            f(col, 1);
        });
        scatter_columns(&cols, data, width);
    } else {
        f(data, width);
    }
}

/// Writes column-major `cols` (each column contiguous) into the row-major `data`.
fn scatter_columns(cols: &[u32], data: &mut [u32], width: usize) {
    let n = data.len() / width;
    let rows_per_task = task_rows(width, n);
    data.par_chunks_mut(rows_per_task * width)
        .enumerate()
        .for_each(|(t, chunk)| {
            let r0 = t * rows_per_task;
            for (i, row) in chunk.chunks_exact_mut(width).enumerate() {
                for (c, x) in row.iter_mut().enumerate() {
                    *x = cols[c * n + r0 + i];
                }
            }
        });
}

/// Decimation-in-frequency transform of every column (natural to bit-reversed order), with
/// twiddle table `tw` (forward or inverse); no scaling.
fn dif(isa: Isa, data: &mut [u32], width: usize, log_n: usize, tw: &[u32]) {
    let lb = block_log(width, log_n);
    // Whole-matrix layers, half-sizes 2^(log_n - 1) down to 2^lb, in groups from the top.
    let max_group = group_log(width);
    let mut top = log_n;
    while top > lb {
        let bottom = top.saturating_sub(max_group).max(lb);
        grouped_layers(isa, data, width, bottom, top - 1, tw, true);
        top = bottom;
    }
    let tw_block = &tw[..1usize << lb];
    data.par_chunks_mut(width << lb)
        .for_each(|blk| dispatch!(isa, ntt::dif_block(blk, width, tw_block)));
}

/// Decimation-in-time transform of every column (bit-reversed to natural order), skipping the
/// layers with half-size below `2^start_lh`; no scaling.
fn dit(isa: Isa, data: &mut [u32], width: usize, log_n: usize, start_lh: usize, tw: &[u32]) {
    let lb = block_log(width, log_n);
    if start_lh < lb {
        let tw_block = &tw[..1usize << lb];
        data.par_chunks_mut(width << lb)
            .for_each(|blk| dispatch!(isa, ntt::dit_block(blk, width, tw_block, start_lh)));
    }
    // Whole-matrix layers, half-sizes 2^max(start_lh, lb) up to 2^(log_n - 1), in groups.
    let max_group = group_log(width);
    let mut bottom = start_lh.max(lb);
    while bottom < log_n {
        let top = (bottom + max_group).min(log_n);
        grouped_layers(isa, data, width, bottom, top - 1, tw, false);
        bottom = top;
    }
}

/// Rows of one contiguous chunk in a grouped pass: at least 256 words.
fn chunk_rows(width: usize) -> usize {
    (256 / width).max(1).next_power_of_two()
}

/// `log2` of how many layers one grouped pass runs: `2^L` chunks fill a cache block.
fn group_log(width: usize) -> usize {
    let chunks = BLOCK_BYTES / 4 / (chunk_rows(width) * width);
    (chunks.max(2).ilog2() as usize).max(1)
}

/// The layers with half-sizes `2^lo_lh ..= 2^hi_lh` over the whole matrix in one pass.
///
/// Their butterflies stay inside blocks of `2^(hi_lh + 1)` rows and pair rows with the same
/// offset in the block's `2^L` sections of `2^lo_lh` rows (`L = hi_lh + 1 - lo_lh`). A task
/// takes the same `c` rows of every section of one block ([`chunk_rows`]), one cache block in
/// all, through every layer (two at a time, radix 4) before the next `c` rows: the matrix goes
/// through memory once for all `L` layers. The butterflies and their twiddles are those of
/// layer-by-layer passes, so the result is the same bit for bit.
#[allow(clippy::too_many_arguments)]
fn grouped_layers(
    isa: Isa,
    data: &mut [u32],
    width: usize,
    lo_lh: usize,
    hi_lh: usize,
    tw: &[u32],
    is_dif: bool,
) {
    let layers = hi_lh + 1 - lo_lh;
    let sec_rows = 1usize << lo_lh;
    let block_rows = sec_rows << layers;
    let blocks = data.len() / width / block_rows;
    let c = chunk_rows(width).min(sec_rows);
    // Pieces per section: enough tasks for the thread pool, whole chunks each.
    let pieces = (PASS_TASKS / blocks).clamp(1, sec_rows / c);
    let piece_words = sec_rows / pieces * width;
    let mut tasks: Vec<(usize, Vec<&mut [u32]>)> = Vec::with_capacity(blocks * pieces);
    for block in data.chunks_exact_mut(block_rows * width) {
        let first = tasks.len();
        for p in 0..pieces {
            tasks.push((p, Vec::with_capacity(1 << layers)));
        }
        for section in block.chunks_exact_mut(sec_rows * width) {
            for (p, piece) in section.chunks_exact_mut(piece_words).enumerate() {
                tasks[first + p].1.push(piece);
            }
        }
    }
    let piece_rows = piece_words / width;
    tasks.into_par_iter().for_each(|(p, mut secs)| {
        for sub in (0..piece_rows).step_by(c) {
            let offset = p * piece_rows + sub;
            let rows = sub * width..(sub + c) * width;
            let mut step = 0;
            while step < layers {
                let two = step + 1 < layers;
                // The top layer of this step (DIF runs downwards, DIT upwards).
                let lh = match (is_dif, two) {
                    (true, _) => hi_lh - step,
                    (false, true) => lo_lh + step + 1,
                    (false, false) => lo_lh + step,
                };
                if two {
                    quad_step(isa, &mut secs, &rows, width, lo_lh, lh, offset, tw, is_dif);
                    step += 2;
                } else {
                    pair_step(isa, &mut secs, &rows, width, lo_lh, lh, offset, tw, is_dif);
                    step += 1;
                }
            }
        }
    });
}

/// Rayon tasks a grouped pass aims for.
const PASS_TASKS: usize = 64;

/// One layer (half-size `2^lh`) on rows `rows` of every section pair of a grouped task.
#[allow(clippy::too_many_arguments)]
fn pair_step(
    isa: Isa,
    secs: &mut [&mut [u32]],
    rows: &core::ops::Range<usize>,
    width: usize,
    lo_lh: usize,
    lh: usize,
    offset: usize,
    tw: &[u32],
    is_dif: bool,
) {
    let h = 1usize << lh;
    let stride = 1usize << (lh - lo_lh);
    let c = rows.len() / width;
    for s in (0..secs.len()).filter(|s| s & stride == 0) {
        let j = h + (s % stride) * (1 << lo_lh) + offset;
        let t = &tw[j..j + c];
        let (a, b) = secs.split_at_mut(s + stride);
        let lo = &mut a[s][rows.clone()];
        let hi = &mut b[0][rows.clone()];
        if is_dif {
            dispatch!(isa, ntt::dif_layer(lo, hi, t, width))
        } else {
            dispatch!(isa, ntt::dit_layer(lo, hi, t, width))
        }
    }
}

/// Two fused layers (half-sizes `2^lh` and `2^(lh - 1)`) on rows `rows` of every section
/// quadruple of a grouped task.
#[allow(clippy::too_many_arguments)]
fn quad_step(
    isa: Isa,
    secs: &mut [&mut [u32]],
    rows: &core::ops::Range<usize>,
    width: usize,
    lo_lh: usize,
    lh: usize,
    offset: usize,
    tw: &[u32],
    is_dif: bool,
) {
    let big = 1usize << lh;
    let q = big / 2;
    let sq = 1usize << (lh - 1 - lo_lh);
    let c = rows.len() / width;
    for s in (0..secs.len()).filter(|s| s & (3 * sq) == 0) {
        let j = (s % sq) * (1 << lo_lh) + offset;
        let (t0, t1, ti) = (
            &tw[big + j..big + j + c],
            &tw[big + q + j..big + q + j + c],
            &tw[q + j..q + j + c],
        );
        let (a, rest) = secs.split_at_mut(s + sq);
        let (b, rest) = rest.split_at_mut(sq);
        let (d, e) = rest.split_at_mut(sq);
        let q0 = &mut a[s][rows.clone()];
        let q1 = &mut b[0][rows.clone()];
        let q2 = &mut d[0][rows.clone()];
        let q3 = &mut e[0][rows.clone()];
        if is_dif {
            dispatch!(isa, ntt::dif_layer2(q0, q1, q2, q3, t0, t1, ti, width))
        } else {
            dispatch!(isa, ntt::dit_layer2(q0, q1, q2, q3, t0, t1, ti, width))
        }
    }
}

/// `1 / 2^log_n` as a raw Montgomery word.
fn inv_height(log_n: usize) -> u32 {
    KoalaBear::new(1u32 << log_n).inverse_or_zero().to_monty()
}

/// Multiplies every element by the raw Montgomery word `s`.
fn scale_all(isa: Isa, data: &mut [u32], s: u32) {
    data.par_chunks_mut(TASK_WORDS * 4)
        .for_each(|chunk| dispatch!(isa, base::scale_assign(chunk, s)));
}

/// Multiplies row `i` by `factors[i]`.
fn scale_rows(isa: Isa, data: &mut [u32], width: usize, factors: &[u32]) {
    let c = task_rows(width, factors.len());
    data.par_chunks_mut(c * width)
        .zip(factors.par_chunks(c))
        .for_each(|(d, f)| dispatch!(isa, ntt::scale_rows(d, width, f)));
}

/// Coset LDE on raw words: `input` (`2^log_n` rows, consumed as scratch) to `out`
/// (`2^(log_n + log_blowup)` rows, fully overwritten).
#[allow(clippy::too_many_arguments)]
fn lde_raw(
    isa: Isa,
    input: &mut [u32],
    out: &mut [u32],
    width: usize,
    log_n: usize,
    log_blowup: usize,
    shift: KoalaBear,
    order: Order,
) {
    let n = 1usize << log_n;
    let log_big = log_n + log_blowup;
    // Coefficient j must be multiplied by shift^j / n.
    let inv_n = KoalaBear::from_monty(inv_height(log_n));
    let powers = scaled_powers(inv_n, shift, n);
    match order {
        Order::Natural => {
            // Inverse DIF leaves the coefficients bit-reversed: row i holds coefficient
            // bitrev(i). Bit-reversed coefficients zero-padded to n << k put row i at row
            // i << k and zeros in between; the first k DIT layers only copy a row over its
            // 2^k - 1 zero neighbours, so replicate instead and start the DIT at layer k.
            dif(isa, input, width, log_n, twiddles::table(log_n, true));
            let mut powers = powers;
            bit_reverse_slice(&mut powers, log_n);
            scale_rows(isa, input, width, &powers);
            out.par_chunks_mut(width << log_blowup)
                .zip(input.par_chunks(width))
                .for_each(|(dst, row)| {
                    if width == 1 {
                        dst.fill(row[0]);
                    } else {
                        for d in dst.chunks_exact_mut(width) {
                            d.copy_from_slice(row);
                        }
                    }
                });
            dit(
                isa,
                out,
                width,
                log_big,
                log_blowup,
                twiddles::table(log_big, false),
            );
        }
        Order::BitReversed => {
            // Natural-order coefficients, zero-padded, then a DIF transform.
            bit_reverse_raw(input, width, log_n);
            dit(isa, input, width, log_n, 0, twiddles::table(log_n, true));
            scale_rows(isa, input, width, &powers);
            let (head, tail) = out.split_at_mut(n * width);
            head.copy_from_slice(input);
            tail.par_chunks_mut(TASK_WORDS).for_each(|c| c.fill(0));
            dif(isa, out, width, log_big, twiddles::table(log_big, false));
        }
    }
}

/// `[c, c s, c s^2, .., c s^(n-1)]` as raw words, computed in parallel chunks; within a chunk
/// each entry is the one 8 places back times `s^8`, so the products do not form one serial
/// dependency chain.
fn scaled_powers(c: KoalaBear, s: KoalaBear, n: usize) -> Vec<u32> {
    const CHUNK: usize = 1 << 12;
    const STRIDE: usize = 8;
    let s_stride = s.exp_u64(STRIDE as u64);
    let mut out = vec![0u32; n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(ci, chunk)| {
            let mut cur = c * s.exp_u64((ci * CHUNK) as u64);
            let head = chunk.len().min(STRIDE);
            for x in &mut chunk[..head] {
                *x = cur.to_monty();
                cur *= s;
            }
            for i in head..chunk.len() {
                chunk[i] = (KoalaBear::from_monty(chunk[i - STRIDE]) * s_stride).to_monty();
            }
        });
    out
}

/// Bit-reverses the order of a vector of `2^log_n` entries.
fn bit_reverse_slice(v: &mut [u32], log_n: usize) {
    bit_reverse_raw(v, 1, log_n)
}

/// Bit-reversal permutation of the rows of a raw matrix with `2^log_n` rows.
fn bit_reverse_raw(data: &mut [u32], width: usize, log_n: usize) {
    // Tile side 2^t rows, so that a tile row (2^t matrix rows) spans about a cache line.
    let t = match width {
        1 => 4,
        2..=3 => 3,
        4..=15 => 2,
        _ => 1,
    };
    if log_n >= 2 * t && log_n >= 8 {
        bit_reverse_tiled(data, width, log_n, t);
        return;
    }
    if log_n < 2 {
        return;
    }
    let n = 1usize << log_n;
    for i in 0..n {
        let j = reverse_low_bits(i, log_n);
        if i < j {
            let (a, b) = data.split_at_mut(j * width);
            a[i * width..(i + 1) * width].swap_with_slice(&mut b[..width]);
        }
    }
}

/// The low `bits` bits of `x`, reversed.
fn reverse_low_bits(x: usize, bits: usize) -> usize {
    if bits == 0 {
        0
    } else {
        x.reverse_bits() >> (usize::BITS as usize - bits)
    }
}

/// Parallel, cache-friendly bit reversal of the rows of a matrix with `2^log_n >= 2^(2t)` rows.
///
/// Row index `i = (a, m, c)` (high `t` bits, middle bits, low `t` bits) moves to
/// `(rev c, rev m, rev a)`. The rows with middle bits `m` form `2^t` *segments* (one per `a`)
/// of `2^t` consecutive rows each; the segments of `m` and `rev m` are exchanged through two
/// tile buffers, transposed and bit-reversed. Each pair `{m, rev m}` is one independent task,
/// which lets rayon split the permutation without any aliasing.
fn bit_reverse_tiled(data: &mut [u32], width: usize, log_n: usize, t: usize) {
    let side = 1usize << t;
    let mid_bits = log_n - 2 * t;
    let mids = 1usize << mid_bits;
    let seg_len = side * width;
    // slots[m * side + a] = segment (a, m).
    let mut slots: Vec<Option<&mut [u32]>> = Vec::with_capacity(side * mids);
    slots.resize_with(side * mids, || None);
    for (idx, seg) in data.chunks_exact_mut(seg_len).enumerate() {
        let (a, m) = (idx / mids, idx % mids);
        slots[m * side + a] = Some(seg);
    }
    let mut pairs: Vec<&mut [u32]> = Vec::new();
    let mut selfs: Vec<&mut [u32]> = Vec::new();
    for m in 0..mids {
        let mr = reverse_low_bits(m, mid_bits);
        if m > mr {
            continue;
        }
        let dst = if m == mr { &mut selfs } else { &mut pairs };
        for mm in if m == mr { vec![m] } else { vec![m, mr] } {
            for slot in &mut slots[mm * side..(mm + 1) * side] {
                dst.push(slot.take().expect("each segment is taken once"));
            }
        }
    }
    // Writes the bit-reversed transpose of `tile` (segments of one middle value) into `out`
    // (segments of the reversed middle value): out[A] row C = tile[rev C] row rev A.
    let rev: Vec<usize> = (0..side).map(|x| reverse_low_bits(x, t)).collect();
    let write = |tile: &[u32], out: &mut [&mut [u32]]| {
        for (seg, &c) in out.iter_mut().zip(&rev) {
            if width == 1 {
                for (x, &a) in seg.iter_mut().zip(&rev) {
                    *x = tile[a * side + c];
                }
            } else {
                for (row, &a) in seg.chunks_exact_mut(width).zip(&rev) {
                    let src = (a * side + c) * width;
                    row.copy_from_slice(&tile[src..src + width]);
                }
            }
        }
    };
    let gather = |tile: &mut Vec<u32>, segs: &[&mut [u32]]| {
        tile.clear();
        for seg in segs {
            tile.extend_from_slice(seg);
        }
    };
    pairs.par_chunks_mut(2 * side).for_each_init(
        || {
            (
                Vec::with_capacity(side * seg_len),
                Vec::with_capacity(side * seg_len),
            )
        },
        |(tm, tr), group| {
            let (gm, gr) = group.split_at_mut(side);
            gather(tm, gm);
            gather(tr, gr);
            write(tm, gr);
            write(tr, gm);
        },
    );
    selfs.par_chunks_mut(side).for_each_init(
        || Vec::with_capacity(side * seg_len),
        |tm, group| {
            gather(tm, group);
            write(tm, group);
        },
    );
}
