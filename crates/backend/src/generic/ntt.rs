//! Generic NTT kernels, written once over a kernel set `K: Packed`.
//!
//! Everything here is `#[inline(always)]` and is compiled inside the `#[target_feature]` entry
//! points that [`entry_points_for`] generates in each ISA module. The drivers in
//! [`crate::ntt`] split the work (rayon) and call one entry point per chunk of rows, never per
//! element.
//!
//! Data is a row-major matrix of raw Montgomery words with `width` columns; every column is
//! transformed independently. Two vectorisation schemes are used:
//!
//! * `width > 1`: a butterfly between two rows runs across the columns, with the twiddle
//!   broadcast to every lane (columns beyond the last full vector use scalar arithmetic).
//! * `width == 1`: a butterfly layer with half-size `h >= LANES` runs across consecutive rows,
//!   with twiddles loaded as vectors; the last `log2(LANES) + 1` layers of a block (half-sizes
//!   `LANES, .., 2, 1`) run in registers on pairs of vectors using [`Packed::interleave`].
//!
//! Butterflies: decimation in frequency (`Dif`, natural input to bit-reversed output) maps
//! `(a, b) -> (a + b, (a - b) t)`; decimation in time (`Dit`, bit-reversed input to natural
//! output) maps `(a, b) -> (a + t b, a - t b)`.

use crate::field::monty;
use crate::simd::one_lane::Scalar;
use crate::simd::packed::{Packed, step_loop};

/// A twiddle vector (Montgomery words, multiplied with the plain [`Packed::mul`]: a form with a
/// precomputed `t * MONTY_MU` companion saves one 32x32 product per vector but costs a
/// `vpmulld`, two uops on Intel, and measured no faster on any kernel set; see
/// `BENCHMARKS.md`, "Intel Xeon: the twiddle product").
type Tw<K> = <K as Packed>::V;

/// Broadcasts a twiddle word.
#[inline(always)]
fn splat_tw<K: Packed>(k: K, t: u32) -> Tw<K> {
    k.splat(t)
}

/// Loads the `LANES` twiddles `t[i ..]`.
#[inline(always)]
fn load_tw<K: Packed>(k: K, t: &[u32], i: usize) -> Tw<K> {
    k.load_at(t, i)
}

/// A radix-2 butterfly, as a type so that it inlines at every opt-level.
pub(crate) trait Butterfly {
    /// `true` for decimation in frequency: layers run from the largest half-size down.
    const DIF: bool;
    /// Packed form.
    fn packed<K: Packed>(k: K, a: K::V, b: K::V, t: Tw<K>) -> (K::V, K::V);
    /// Scalar form, for tails.
    fn scalar(a: u32, b: u32, t: u32) -> (u32, u32);
}

/// Gentleman–Sande butterfly `(a + b, (a - b) t)`.
pub(crate) struct Dif;
/// Cooley–Tukey butterfly `(a + t b, a - t b)`.
pub(crate) struct Dit;

impl Butterfly for Dif {
    const DIF: bool = true;
    #[inline(always)]
    fn packed<K: Packed>(k: K, a: K::V, b: K::V, t: Tw<K>) -> (K::V, K::V) {
        (k.add(a, b), k.mul(k.sub(a, b), t))
    }
    #[inline(always)]
    fn scalar(a: u32, b: u32, t: u32) -> (u32, u32) {
        (monty::add(a, b), monty::mul(monty::sub(a, b), t))
    }
}

impl Butterfly for Dit {
    const DIF: bool = false;
    #[inline(always)]
    fn packed<K: Packed>(k: K, a: K::V, b: K::V, t: Tw<K>) -> (K::V, K::V) {
        let bt = k.mul(b, t);
        (k.add(a, bt), k.sub(a, bt))
    }
    #[inline(always)]
    fn scalar(a: u32, b: u32, t: u32) -> (u32, u32) {
        let bt = monty::mul(b, t);
        (monty::add(a, bt), monty::sub(a, bt))
    }
}

/// Butterfly between the rows of `width` words at `lo[at ..]` and `hi[at ..]`, twiddle `t`
/// for every column.
///
/// The loops in this file index with [`Packed::load_at`] in `while` loops: iterator adapters
/// (`chunks_exact_mut`, `zip`) and sub-slices are out-of-line calls at opt-level `"z"`, which
/// cost more than the butterflies when a row holds only a few vectors.
#[inline(always)]
fn row_pair<K: Packed, B: Butterfly>(
    k: K,
    lo: &mut [u32],
    hi: &mut [u32],
    at: usize,
    width: usize,
    t: u32,
) {
    let end = at + width;
    let tv = splat_tw(k, t);
    let mut c = at;
    step_loop!(c, K::LANES, end, {
        let (x, y) = B::packed(k, k.load_at(lo, c), k.load_at(hi, c), tv);
        k.store_at(lo, c, x);
        k.store_at(hi, c, y);
    });
    while c < end {
        (lo[c], hi[c]) = B::scalar(lo[c], hi[c], t);
        c += 1;
    }
}

/// One radix-2 layer on row pairs: row `i` of `lo` with row `i` of `hi`, twiddle
/// `tw[tw_at + i]`. `lo` and `hi` hold the same number of rows of `width` words.
#[inline(always)]
fn layer<K: Packed, B: Butterfly>(
    k: K,
    lo: &mut [u32],
    hi: &mut [u32],
    tw: &[u32],
    tw_at: usize,
    width: usize,
) {
    assert_eq!(lo.len(), hi.len());
    let rows = lo.len() / width;
    assert!(tw_at <= tw.len() && tw.len() - tw_at >= rows);
    if width == 1 {
        let mut j = 0;
        step_loop!(j, K::LANES, rows, {
            let t = load_tw(k, tw, tw_at + j);
            let (x, y) = B::packed(k, k.load_at(lo, j), k.load_at(hi, j), t);
            k.store_at(lo, j, x);
            k.store_at(hi, j, y);
        });
        while j < rows {
            (lo[j], hi[j]) = B::scalar(lo[j], hi[j], tw[tw_at + j]);
            j += 1;
        }
    } else {
        let mut r = 0;
        while r < rows {
            row_pair::<K, B>(k, lo, hi, r * width, width, tw[tw_at + r]);
            r += 1;
        }
    }
}

/// Two radix-2 layers fused (radix 4) on the four quarters of blocks of `2H` rows.
///
/// `q0..q3` are the same row range `j0..j1` of the four quarters (rows `j`, `j + H/2`, `j + H`,
/// `j + 3H/2`). The outer layer (half-size `H`) pairs `q0`/`q2` with twiddles `t0` and
/// `q1`/`q3` with `t1`; the inner layer (half-size `H/2`) pairs `q0`/`q1` and `q2`/`q3`, both
/// with `ti`. DIF applies the outer layer first, DIT the inner one.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn layer2<K: Packed, B: Butterfly>(
    k: K,
    q0: &mut [u32],
    q1: &mut [u32],
    q2: &mut [u32],
    q3: &mut [u32],
    t0: &[u32],
    t1: &[u32],
    ti: &[u32],
    width: usize,
) {
    let len = q0.len();
    assert!(q1.len() == len && q2.len() == len && q3.len() == len);
    let rows = len / width;
    assert!(t0.len() >= rows && t1.len() >= rows && ti.len() >= rows);

    #[inline(always)]
    fn quad<K: Packed, B: Butterfly>(
        k: K,
        v: [K::V; 4],
        t0: Tw<K>,
        t1: Tw<K>,
        ti: Tw<K>,
    ) -> [K::V; 4] {
        let [a0, a1, a2, a3] = v;
        if B::DIF {
            let (a0, a2) = B::packed(k, a0, a2, t0);
            let (a1, a3) = B::packed(k, a1, a3, t1);
            let (a0, a1) = B::packed(k, a0, a1, ti);
            let (a2, a3) = B::packed(k, a2, a3, ti);
            [a0, a1, a2, a3]
        } else {
            let (a0, a1) = B::packed(k, a0, a1, ti);
            let (a2, a3) = B::packed(k, a2, a3, ti);
            let (a0, a2) = B::packed(k, a0, a2, t0);
            let (a1, a3) = B::packed(k, a1, a3, t1);
            [a0, a1, a2, a3]
        }
    }

    // The scalar kernel set runs the same code for the tails.
    let s = Scalar;
    if width == 1 {
        let mut j = 0;
        step_loop!(j, K::LANES, rows, {
            let v = [
                k.load_at(q0, j),
                k.load_at(q1, j),
                k.load_at(q2, j),
                k.load_at(q3, j),
            ];
            let [a0, a1, a2, a3] = quad::<K, B>(
                k,
                v,
                load_tw(k, t0, j),
                load_tw(k, t1, j),
                load_tw(k, ti, j),
            );
            k.store_at(q0, j, a0);
            k.store_at(q1, j, a1);
            k.store_at(q2, j, a2);
            k.store_at(q3, j, a3);
        });
        while j < rows {
            let [a0, a1, a2, a3] = quad::<_, B>(
                s,
                [q0[j], q1[j], q2[j], q3[j]],
                splat_tw(s, t0[j]),
                splat_tw(s, t1[j]),
                splat_tw(s, ti[j]),
            );
            (q0[j], q1[j], q2[j], q3[j]) = (a0, a1, a2, a3);
            j += 1;
        }
    } else {
        let mut j = 0;
        while j < rows {
            let (base, end) = (j * width, (j + 1) * width);
            let (tv0, tv1, tvi) = (splat_tw(k, t0[j]), splat_tw(k, t1[j]), splat_tw(k, ti[j]));
            let mut c = base;
            step_loop!(c, K::LANES, end, {
                let v = [
                    k.load_at(q0, c),
                    k.load_at(q1, c),
                    k.load_at(q2, c),
                    k.load_at(q3, c),
                ];
                let [a0, a1, a2, a3] = quad::<K, B>(k, v, tv0, tv1, tvi);
                k.store_at(q0, c, a0);
                k.store_at(q1, c, a1);
                k.store_at(q2, c, a2);
                k.store_at(q3, c, a3);
            });
            while c < end {
                let [a0, a1, a2, a3] = quad::<_, B>(
                    s,
                    [q0[c], q1[c], q2[c], q3[c]],
                    splat_tw(s, t0[j]),
                    splat_tw(s, t1[j]),
                    splat_tw(s, ti[j]),
                );
                (q0[c], q1[c], q2[c], q3[c]) = (a0, a1, a2, a3);
                c += 1;
            }
            j += 1;
        }
    }
}

/// `(s[at .. at + len], s[at + len .. at + 2 len])`, always inlined: `chunks_exact_mut` and
/// `split_at_mut` are out-of-line calls at opt-level `"z"`, made once per sub-block here.
#[inline(always)]
fn halves_mut(s: &mut [u32], at: usize, len: usize) -> (&mut [u32], &mut [u32]) {
    assert!(at <= s.len() && (s.len() - at) / 2 >= len);
    let p = s.as_mut_ptr();
    // SAFETY: `at + 2 len <= s.len()` (checked), so `at .. at + len` and
    // `at + len .. at + 2 len` are disjoint in-bounds ranges of the exclusively borrowed `s`;
    // the two returned borrows split that borrow and live no longer than it.
    unsafe {
        (
            core::slice::from_raw_parts_mut(p.add(at), len),
            core::slice::from_raw_parts_mut(p.add(at + len), len),
        )
    }
}

/// Layers with half-sizes `2^lh` for `lo_lh <= lh < hi_lh` (DIF: descending, DIT: ascending)
/// on every sub-block of a block, scheme chosen by width; no in-register part.
#[inline(always)]
fn block_layers<K: Packed, B: Butterfly>(
    k: K,
    block: &mut [u32],
    width: usize,
    tw: &[u32],
    lo_lh: usize,
    hi_lh: usize,
) {
    let mut step = 0;
    while step < hi_lh.saturating_sub(lo_lh) {
        let lh = if B::DIF {
            hi_lh - 1 - step
        } else {
            lo_lh + step
        };
        let h = 1usize << lh;
        let sub = 2 * h * width;
        let mut at = 0;
        step_loop!(at, sub, block.len(), {
            let (lo, hi) = halves_mut(block, at, h * width);
            layer::<K, B>(k, lo, hi, tw, h, width);
        });
        step += 1;
    }
}

/// `log2(K::LANES)`.
#[inline(always)]
const fn log_lanes<K: Packed>() -> usize {
    K::LANES.trailing_zeros() as usize
}

/// Twiddle vectors for the in-register layers `h < LANES`: lane `i` of entry `log2(h)` holds
/// `tw[h + i % h]` (the lane order produced by [`Packed::interleave`]).
#[inline(always)]
fn small_twiddles<K: Packed>(k: K, tw: &[u32]) -> [Tw<K>; 4] {
    let mut out = [k.splat(0); 4];
    let mut lh = 0;
    while lh < log_lanes::<K>() {
        let h = 1usize << lh;
        let mut lanes = k.zero_lanes();
        let l = lanes.as_mut();
        let mut i = 0;
        while i < l.len() {
            l[i] = tw[h + i % h];
            i += 1;
        }
        let v = k.load_lanes(&lanes);
        out[lh] = v;
        lh += 1;
    }
    out
}

/// One in-register layer with half-size `2^lh < LANES` on the pair of vectors `(x, y)`.
#[inline(always)]
fn small_layer<K: Packed, B: Butterfly>(
    k: K,
    x: K::V,
    y: K::V,
    lh: usize,
    ts: &[Tw<K>; 4],
) -> (K::V, K::V) {
    let h = 1usize << lh;
    let (a, b) = k.interleave(x, y, h);
    let (a, b) = B::packed(k, a, b, ts[lh]);
    k.interleave(a, b, h)
}

/// Applies the in-register layers with half-sizes `2^lh`, `lh in lo_lh..=log2(LANES)`, to
/// every chunk of `2 * LANES` words (DIF: descending, DIT: ascending). Width 1 only.
///
/// The layers are written out (half-sizes 8, 4, 2, 1; those not below `LANES` are dropped at
/// compile time) so that every `interleave` has a constant block size at every opt-level.
#[inline(always)]
fn register_layers<K: Packed, B: Butterfly>(k: K, block: &mut [u32], tw: &[u32], lo_lh: usize) {
    let ll = log_lanes::<K>();
    let tl = load_tw(k, tw, K::LANES);
    let ts = small_twiddles(k, tw);
    let mut c = 0;
    step_loop!(c, 2 * K::LANES, block.len(), {
        let (mut x, mut y) = (k.load_at(block, c), k.load_at(block, c + K::LANES));
        macro_rules! small {
            ($lh:literal) => {
                if $lh < ll && $lh >= lo_lh {
                    (x, y) = small_layer::<K, B>(k, x, y, $lh, &ts);
                }
            };
        }
        if B::DIF {
            (x, y) = B::packed(k, x, y, tl);
            small!(3);
            small!(2);
            small!(1);
            small!(0);
        } else {
            small!(0);
            small!(1);
            small!(2);
            small!(3);
            (x, y) = B::packed(k, x, y, tl);
        }
        k.store_at(block, c, x);
        k.store_at(block, c + K::LANES, y);
    });
}

/// All DIF layers with half-size below the block's row count, on one block (a contiguous run
/// of `2^b` rows): the bottom of a forward (or inverse) decimation-in-frequency transform.
/// `tw` is the twiddle table, at least as long as the block has rows.
#[inline(always)]
pub(crate) fn dif_block<K: Packed>(k: K, block: &mut [u32], width: usize, tw: &[u32]) {
    let rows = block.len() / width;
    let log_rows = rows.trailing_zeros() as usize;
    let ll = log_lanes::<K>();
    if width == 1 && K::LANES > 1 && rows >= 2 * K::LANES {
        block_layers::<K, Dif>(k, block, 1, tw, ll + 1, log_rows);
        register_layers::<K, Dif>(k, block, tw, 0);
    } else {
        block_layers::<K, Dif>(k, block, width, tw, 0, log_rows);
    }
}

/// DIT layers with half-sizes `2^start_lh, .., rows/2` on one block: the bottom of a
/// decimation-in-time transform (layers below `start_lh` are skipped; the coset LDE starts
/// above the layers that only copy its zero padding).
#[inline(always)]
pub(crate) fn dit_block<K: Packed>(
    k: K,
    block: &mut [u32],
    width: usize,
    tw: &[u32],
    start_lh: usize,
) {
    let rows = block.len() / width;
    let log_rows = rows.trailing_zeros() as usize;
    let ll = log_lanes::<K>();
    if width == 1 && K::LANES > 1 && rows >= 2 * K::LANES && start_lh <= ll {
        register_layers::<K, Dit>(k, block, tw, start_lh);
        block_layers::<K, Dit>(k, block, 1, tw, ll + 1, log_rows);
    } else {
        block_layers::<K, Dit>(k, block, width, tw, start_lh, log_rows);
    }
}

/// One DIF layer on a chunk of row pairs (see [`layer`]).
#[inline(always)]
pub(crate) fn dif_layer<K: Packed>(k: K, lo: &mut [u32], hi: &mut [u32], tw: &[u32], width: usize) {
    layer::<K, Dif>(k, lo, hi, tw, 0, width)
}

/// One DIT layer on a chunk of row pairs (see [`layer`]).
#[inline(always)]
pub(crate) fn dit_layer<K: Packed>(k: K, lo: &mut [u32], hi: &mut [u32], tw: &[u32], width: usize) {
    layer::<K, Dit>(k, lo, hi, tw, 0, width)
}

/// Two fused DIF layers on a chunk of row quadruples (see [`layer2`]).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn dif_layer2<K: Packed>(
    k: K,
    q0: &mut [u32],
    q1: &mut [u32],
    q2: &mut [u32],
    q3: &mut [u32],
    t0: &[u32],
    t1: &[u32],
    ti: &[u32],
    width: usize,
) {
    layer2::<K, Dif>(k, q0, q1, q2, q3, t0, t1, ti, width)
}

/// Two fused DIT layers on a chunk of row quadruples (see [`layer2`]).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn dit_layer2<K: Packed>(
    k: K,
    q0: &mut [u32],
    q1: &mut [u32],
    q2: &mut [u32],
    q3: &mut [u32],
    t0: &[u32],
    t1: &[u32],
    ti: &[u32],
    width: usize,
) {
    layer2::<K, Dit>(k, q0, q1, q2, q3, t0, t1, ti, width)
}

/// Multiplies row `i` of the matrix by `factors[i]` (every column).
#[inline(always)]
pub(crate) fn scale_rows<K: Packed>(k: K, data: &mut [u32], width: usize, factors: &[u32]) {
    let rows = data.len() / width;
    assert!(factors.len() >= rows);
    if width == 1 {
        let mut i = 0;
        step_loop!(i, K::LANES, rows, {
            let r = k.mul(k.load_at(data, i), k.load_at(factors, i));
            k.store_at(data, i, r);
        });
        while i < rows {
            data[i] = monty::mul(data[i], factors[i]);
            i += 1;
        }
    } else {
        let mut r = 0;
        while r < rows {
            let (f, end) = (factors[r], (r + 1) * width);
            let fv = k.splat(f);
            let mut c = r * width;
            step_loop!(c, K::LANES, end, {
                let v = k.mul(k.load_at(data, c), fv);
                k.store_at(data, c, v);
            });
            while c < end {
                data[c] = monty::mul(data[c], f);
                c += 1;
            }
            r += 1;
        }
    }
}

/// Generates the entry points of the NTT kernels for one kernel set.
macro_rules! entry_points_for {
    (attr: $attr:meta, token: $tok:expr) => {
        $crate::simd::entry_points::entry_points! {
            attr: $attr,
            token: $tok,
            fn dif_layer(lo: &mut [u32], hi: &mut [u32], tw: &[u32], width: usize) => $crate::generic::ntt::dif_layer;
            fn dit_layer(lo: &mut [u32], hi: &mut [u32], tw: &[u32], width: usize) => $crate::generic::ntt::dit_layer;
            fn dif_layer2(q0: &mut [u32], q1: &mut [u32], q2: &mut [u32], q3: &mut [u32], t0: &[u32], t1: &[u32], ti: &[u32], width: usize) => $crate::generic::ntt::dif_layer2;
            fn dit_layer2(q0: &mut [u32], q1: &mut [u32], q2: &mut [u32], q3: &mut [u32], t0: &[u32], t1: &[u32], ti: &[u32], width: usize) => $crate::generic::ntt::dit_layer2;
            fn dif_block(block: &mut [u32], width: usize, tw: &[u32]) => $crate::generic::ntt::dif_block;
            fn dit_block(block: &mut [u32], width: usize, tw: &[u32], start_lh: usize) => $crate::generic::ntt::dit_block;
            fn scale_rows(data: &mut [u32], width: usize, factors: &[u32]) => $crate::generic::ntt::scale_rows;
        }
    };
}
pub(crate) use entry_points_for;
