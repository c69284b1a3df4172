//! Tests of `backend::ntt`: against a naive O(n^2) DFT, against Plonky3's `p3-dft`, across
//! every available instruction set, across rayon thread counts, and round trips.

mod common;

use backend::ntt::{self, NttError, Order};
use backend::{Isa, KoalaBear};
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_field::PrimeField32;
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

type P3 = p3_koala_bear::KoalaBear;

fn random(len: usize, seed: u64) -> Vec<KoalaBear> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..len).map(|_| KoalaBear::new(rng.random())).collect()
}

fn to_p3(v: &[KoalaBear]) -> Vec<P3> {
    v.iter().map(|x| P3::new(x.as_canonical_u32())).collect()
}

fn from_p3(v: &[P3]) -> Vec<KoalaBear> {
    v.iter()
        .map(|x| KoalaBear::new(x.as_canonical_u32()))
        .collect()
}

/// Naive DFT of every column: `y[i][c] = sum_j x[j][c] (shift w^i)^j`.
fn naive_coset_dft(x: &[KoalaBear], width: usize, shift: KoalaBear) -> Vec<KoalaBear> {
    let n = x.len() / width;
    let w = KoalaBear::two_adic_generator(n.trailing_zeros() as usize);
    let mut out = vec![KoalaBear::ZERO; x.len()];
    let mut point = shift;
    for i in 0..n {
        let mut pw = KoalaBear::ONE;
        for j in 0..n {
            for c in 0..width {
                out[i * width + c] += x[j * width + c] * pw;
            }
            pw *= point;
        }
        point *= w;
    }
    out
}

fn naive_dft(x: &[KoalaBear], width: usize) -> Vec<KoalaBear> {
    naive_coset_dft(x, width, KoalaBear::ONE)
}

fn bit_reversed(v: &[KoalaBear], width: usize) -> Vec<KoalaBear> {
    let mut v = v.to_vec();
    ntt::bit_reverse_rows(&mut v, width);
    v
}

fn naive_bit_reverse(v: &[KoalaBear], width: usize) -> Vec<KoalaBear> {
    let n = v.len() / width;
    let bits = n.trailing_zeros();
    let mut out = v.to_vec();
    for i in 0..n {
        let j = if bits == 0 {
            0
        } else {
            i.reverse_bits() >> (usize::BITS - bits)
        };
        out[j * width..(j + 1) * width].copy_from_slice(&v[i * width..(i + 1) * width]);
    }
    out
}

fn apply(
    f: fn(Isa, &mut [KoalaBear], usize),
    isa: Isa,
    x: &[KoalaBear],
    w: usize,
) -> Vec<KoalaBear> {
    let mut v = x.to_vec();
    f(isa, &mut v, w);
    v
}

#[test]
fn bit_reverse_rows_matches_definition() {
    for log_n in 0..=12 {
        for width in [1, 2, 3, 8, 17] {
            let x = random(width << log_n, log_n as u64);
            assert_eq!(
                bit_reversed(&x, width),
                naive_bit_reverse(&x, width),
                "log_n {log_n} width {width}"
            );
        }
    }
}

#[test]
fn forward_and_inverse_match_naive_dft() {
    for isa in Isa::available() {
        for log_n in 0..=6 {
            for width in [1, 2, 3, 8, 17] {
                let x = random(width << log_n, 100 + log_n as u64);
                let expect = naive_dft(&x, width);
                let ctx = format!("{isa} log_n {log_n} width {width}");
                assert_eq!(apply(ntt::forward, isa, &x, width), expect, "forward {ctx}");
                assert_eq!(
                    apply(ntt::forward_to_bit_reversed, isa, &x, width),
                    naive_bit_reverse(&expect, width),
                    "forward_to_bit_reversed {ctx}"
                );
                assert_eq!(apply(ntt::inverse, isa, &expect, width), x, "inverse {ctx}");
                assert_eq!(
                    apply(
                        ntt::inverse_from_bit_reversed,
                        isa,
                        &naive_bit_reverse(&expect, width),
                        width
                    ),
                    x,
                    "inverse_from_bit_reversed {ctx}"
                );
            }
        }
    }
}

#[test]
fn coset_lde_matches_naive() {
    let shift = KoalaBear::new(7);
    for isa in Isa::available() {
        for log_n in 0..=5 {
            for log_blowup in 0..=2 {
                for width in [1, 3, 17] {
                    let evals = random(width << log_n, 200 + log_n as u64);
                    // Coefficients, zero-padded, evaluated on the big coset.
                    let mut coeffs = evals.clone();
                    ntt::inverse(Isa::scalar(), &mut coeffs, width);
                    coeffs.resize(evals.len() << log_blowup, KoalaBear::ZERO);
                    let expect = naive_coset_dft(&coeffs, width, shift);
                    let got = ntt::coset_lde(isa, &evals, width, log_blowup, shift, Order::Natural);
                    let ctx = format!("{isa} log_n {log_n} blowup {log_blowup} width {width}");
                    assert_eq!(got, expect, "natural {ctx}");
                    let got =
                        ntt::coset_lde(isa, &evals, width, log_blowup, shift, Order::BitReversed);
                    assert_eq!(got, naive_bit_reverse(&expect, width), "bit-reversed {ctx}");
                }
            }
        }
    }
}

fn p3_dft(x: &[KoalaBear], width: usize) -> Vec<KoalaBear> {
    let dft = Radix2DitParallel::<P3>::default();
    let out = dft.dft_batch(RowMajorMatrix::new(to_p3(x), width));
    from_p3(&out.to_row_major_matrix().values)
}

fn p3_lde(x: &[KoalaBear], width: usize, log_blowup: usize, shift: KoalaBear) -> Vec<KoalaBear> {
    let dft = Radix2DitParallel::<P3>::default();
    let out = dft.coset_lde_batch(
        RowMajorMatrix::new(to_p3(x), width),
        log_blowup,
        P3::new(shift.as_canonical_u32()),
    );
    let m = out.to_row_major_matrix();
    assert_eq!(m.width(), width);
    from_p3(&m.values)
}

#[test]
fn forward_matches_p3_dft() {
    let isa = Isa::best();
    for (log_n, width) in [
        (0, 1),
        (1, 5),
        (4, 16),
        (9, 1),
        (10, 3),
        (11, 17),
        (12, 64),
        (14, 1),
    ] {
        let x = random(width << log_n, 300 + log_n as u64);
        let ctx = format!("log_n {log_n} width {width}");
        assert_eq!(
            apply(ntt::forward, isa, &x, width),
            p3_dft(&x, width),
            "{ctx}"
        );
    }
}

#[test]
fn coset_lde_matches_p3() {
    let isa = Isa::best();
    for (log_n, width, log_blowup) in [
        (0, 1, 1),
        (3, 2, 3),
        (8, 1, 1),
        (9, 17, 2),
        (10, 64, 1),
        (12, 1, 3),
        (11, 5, 0),
    ] {
        let x = random(width << log_n, 400 + log_n as u64);
        let ctx = format!("log_n {log_n} width {width} blowup {log_blowup}");
        let expect = p3_lde(&x, width, log_blowup, KoalaBear::GENERATOR);
        assert_eq!(
            ntt::lde(isa, &x, width, log_blowup, Order::Natural),
            expect,
            "{ctx}"
        );
        assert_eq!(
            ntt::lde(isa, &x, width, log_blowup, Order::BitReversed),
            naive_bit_reverse(&expect, width),
            "{ctx}"
        );
        let shift = KoalaBear::new(12345);
        assert_eq!(
            ntt::coset_lde(isa, &x, width, log_blowup, shift, Order::Natural),
            p3_lde(&x, width, log_blowup, shift),
            "{ctx} shift 12345"
        );
    }
}

/// All variants for one input, so ISAs and thread counts can be compared in one go.
fn all_outputs(isa: Isa, x: &[KoalaBear], width: usize) -> Vec<Vec<KoalaBear>> {
    vec![
        apply(ntt::forward, isa, x, width),
        apply(ntt::forward_to_bit_reversed, isa, x, width),
        apply(ntt::inverse, isa, x, width),
        apply(ntt::inverse_from_bit_reversed, isa, x, width),
        ntt::lde(isa, x, width, 1, Order::Natural),
        ntt::lde(isa, x, width, 2, Order::BitReversed),
    ]
}

#[test]
fn every_isa_matches_scalar() {
    for log_n in 0..=12 {
        for width in [1, 3, 8, 17, 64] {
            let x = random(width << log_n, 500 + (log_n * 100 + width) as u64);
            let expect = all_outputs(Isa::scalar(), &x, width);
            for isa in Isa::available().into_iter().skip(1) {
                let got = all_outputs(isa, &x, width);
                for (op, (g, e)) in got.iter().zip(&expect).enumerate() {
                    assert!(g == e, "{isa} op {op} log_n {log_n} width {width}");
                }
            }
        }
    }
}

/// Sizes above the cache block for a single column: exercises the whole-matrix radix-2 and
/// radix-4 layers on the column path.
#[test]
fn large_single_column_matches_scalar_and_p3() {
    for log_n in [16, 17] {
        let x = random(1 << log_n, 600 + log_n as u64);
        let expect = p3_dft(&x, 1);
        for isa in Isa::available() {
            let y = apply(ntt::forward, isa, &x, 1);
            assert!(y == expect, "{isa} forward 2^{log_n}");
            let bitrev = apply(ntt::forward_to_bit_reversed, isa, &x, 1);
            assert!(
                bitrev == naive_bit_reverse(&expect, 1),
                "{isa} bit-reversed 2^{log_n}"
            );
            assert!(
                apply(ntt::inverse_from_bit_reversed, isa, &bitrev, 1) == x,
                "{isa} round trip 2^{log_n}"
            );
        }
        let lde = ntt::lde(Isa::best(), &x, 1, 1, Order::Natural);
        assert!(
            lde == p3_lde(&x, 1, 1, KoalaBear::GENERATOR),
            "lde 2^{log_n}"
        );
    }
}

/// A wide matrix whose whole-matrix layers take two grouped passes (a group of seven and one
/// more layer above the cache blocks): every ISA against Plonky3 and back.
#[test]
fn wide_matrix_over_two_grouped_passes_matches_p3() {
    let (log_n, width) = (15, 256);
    let x = random(width << log_n, 650);
    let expect = p3_dft(&x, width);
    let expect_bitrev = naive_bit_reverse(&expect, width);
    for isa in Isa::available() {
        let y = apply(ntt::forward_to_bit_reversed, isa, &x, width);
        assert!(y == expect_bitrev, "{isa} bit-reversed 2^{log_n} x {width}");
        assert!(
            apply(ntt::inverse_from_bit_reversed, isa, &y, width) == x,
            "{isa} round trip 2^{log_n} x {width}"
        );
    }
}

#[test]
fn round_trips() {
    let isa = Isa::current();
    for (log_n, width) in [(0, 1), (5, 3), (10, 1), (11, 8), (9, 64), (13, 17)] {
        let x = random(width << log_n, 700 + log_n as u64);
        let mut y = x.clone();
        ntt::forward(isa, &mut y, width);
        ntt::inverse(isa, &mut y, width);
        assert_eq!(y, x, "natural log_n {log_n} width {width}");
        ntt::forward_to_bit_reversed(isa, &mut y, width);
        ntt::inverse_from_bit_reversed(isa, &mut y, width);
        assert_eq!(y, x, "bit-reversed log_n {log_n} width {width}");
        // With shift 1, every 4th point of a blowup-4 extension is a point of the input.
        let lde = ntt::coset_lde(isa, &x, width, 2, KoalaBear::ONE, Order::Natural);
        let sub: Vec<KoalaBear> = lde
            .chunks_exact(width)
            .step_by(4)
            .flatten()
            .copied()
            .collect();
        assert_eq!(
            sub, x,
            "lde with shift 1 restricts to the input, log_n {log_n}"
        );
    }
}

#[test]
fn same_output_on_one_and_two_threads() {
    let (one, two) = common::one_and_two_thread_pools();
    for isa in Isa::available() {
        for (log_n, width) in [(17, 1), (10, 64), (9, 3), (11, 17)] {
            let x = random(width << log_n, 800 + log_n as u64);
            let a = one.install(|| all_outputs(isa, &x, width));
            let b = two.install(|| all_outputs(isa, &x, width));
            assert!(a == b, "{isa} log_n {log_n} width {width}");
        }
    }
}

#[test]
fn shape_errors() {
    assert_eq!(ntt::check_shape(8, 0), Err(NttError::ZeroWidth));
    assert_eq!(
        ntt::check_shape(10, 3),
        Err(NttError::RaggedLength { len: 10, width: 3 })
    );
    assert_eq!(
        ntt::check_shape(12, 2),
        Err(NttError::HeightNotPowerOfTwo { height: 6 })
    );
    assert_eq!(
        ntt::check_shape(0, 2),
        Err(NttError::HeightNotPowerOfTwo { height: 0 })
    );
    assert_eq!(
        ntt::check_shape(1 << 25, 1),
        Err(NttError::HeightTooLarge {
            log_height: 25,
            max: 24
        })
    );
    assert_eq!(ntt::check_shape(48, 3), Ok(4));
}

#[test]
#[should_panic(expected = "height 6 is not a power of two")]
fn forward_panics_on_bad_height() {
    let mut v = vec![KoalaBear::ONE; 12];
    ntt::forward(Isa::current(), &mut v, 2);
}

#[test]
#[should_panic(expected = "not a multiple of its width")]
fn inverse_panics_on_ragged_length() {
    let mut v = vec![KoalaBear::ONE; 10];
    ntt::inverse(Isa::current(), &mut v, 4);
}

#[test]
#[should_panic(expected = "exceeds the largest KoalaBear subgroup")]
fn lde_panics_when_output_too_tall() {
    let v = vec![KoalaBear::ONE; 1 << 4];
    ntt::lde(Isa::current(), &v, 1, 21, Order::Natural);
}

#[test]
fn pruned_forward_matches_the_full_transform_on_the_wanted_rows() {
    // Widths: one column, a narrow matrix (whole-transform fallback), a vector's width (one
    // pruned level) and a wide one (two pruned levels: 2^16 -> 2^9 -> the 2^8-row cache
    // blocks).
    for (log_n, width) in [(10usize, 1usize), (9, 3), (12, 16), (16, 128)] {
        let n = 1usize << log_n;
        let x = random(n * width, 77 + log_n as u64);
        let row_sets: [Vec<usize>; 5] = [
            vec![],
            vec![n - 1],
            vec![3, 3, 0, n / 2 + 1, n - 2],
            (0..n).step_by(97).collect(),
            (0..n).collect(),
        ];
        for isa in Isa::available() {
            let mut full = x.clone();
            ntt::forward_to_bit_reversed(isa, &mut full, width);
            for rows in &row_sets {
                let mut pruned = x.clone();
                ntt::forward_to_bit_reversed_rows(isa, &mut pruned, width, rows);
                for &r in rows {
                    assert_eq!(
                        pruned[r * width..(r + 1) * width],
                        full[r * width..(r + 1) * width],
                        "{isa} log_n {log_n} width {width} row {r}"
                    );
                }
            }
        }
    }
}

#[test]
#[should_panic(expected = "not below the height")]
fn pruned_forward_refuses_a_row_out_of_range() {
    let mut x = random(64, 1);
    ntt::forward_to_bit_reversed_rows(Isa::scalar(), &mut x, 1, &[64]);
}
