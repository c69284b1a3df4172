//! Tests for the degree-5 extension: the scalar `Ext5` operations against Plonky3's
//! `QuinticTrinomialExtensionField<KoalaBear>`, and every extension kernel on every available
//! instruction set against the scalar `Ext5` operations.

use backend::field::{Ext5, P};
use backend::kernels::ext;
use backend::{Isa, KoalaBear};
use p3_field::extension::QuinticTrinomialExtensionField;
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing, PrimeField32};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

type P3F = p3_koala_bear::KoalaBear;
type P3E = QuinticTrinomialExtensionField<P3F>;

/// Lengths every kernel is checked on: all small ones and a few large ones that are not
/// multiples of the widest vector.
fn lengths() -> Vec<usize> {
    let mut v: Vec<usize> = (0..=40).collect();
    v.extend([63, 100, 1001, (1 << 12) + 3]);
    v
}

/// Coefficients that stress reductions.
const EDGE: [u32; 5] = [0, 1, P - 1, 2, P - 2];

fn rand_base(rng: &mut StdRng) -> KoalaBear {
    match rng.random_range(0..8) {
        0 => KoalaBear::new(EDGE[rng.random_range(0..EDGE.len())]),
        _ => KoalaBear::new(rng.random_range(0..P)),
    }
}

fn rand_ext(rng: &mut StdRng) -> Ext5 {
    match rng.random_range(0..16) {
        0 => Ext5::ZERO,
        1 => Ext5::ONE,
        2 => Ext5::new([KoalaBear::NEG_ONE; 5]),
        _ => Ext5::new(core::array::from_fn(|_| rand_base(rng))),
    }
}

fn rand_ext_vec(rng: &mut StdRng, n: usize) -> Vec<Ext5> {
    (0..n).map(|_| rand_ext(rng)).collect()
}

fn rand_base_vec(rng: &mut StdRng, n: usize) -> Vec<KoalaBear> {
    (0..n).map(|_| rand_base(rng)).collect()
}

/// Edge-value extension elements: every combination of 0, 1, p-1 in a few coefficient
/// patterns, cycled to length `n`.
fn edge_ext_vec(n: usize, shift: usize) -> Vec<Ext5> {
    let vals = [0u32, 1, P - 1];
    (0..n)
        .map(|i| {
            let j = i + shift;
            Ext5::new(core::array::from_fn(|c| {
                KoalaBear::new(vals[(j / 3usize.pow(c as u32 % 3) + c) % 3])
            }))
        })
        .collect()
}

fn edge_base_vec(n: usize, shift: usize) -> Vec<KoalaBear> {
    let vals = [0u32, 1, P - 1];
    (0..n)
        .map(|i| KoalaBear::new(vals[(i + shift) % 3]))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Ext5 versus Plonky3.
// ---------------------------------------------------------------------------------------

fn to_p3(x: Ext5) -> P3E {
    P3E::new(x.coeffs().map(|c| P3F::new(c.as_canonical_u32())))
}

/// Checks canonical coefficients and Montgomery words of `ours` against `theirs`.
fn assert_same(ours: Ext5, theirs: P3E, what: &str) {
    let t: &[P3F] = theirs.as_basis_coefficients_slice();
    assert_eq!(t.len(), 5, "{what}: degree");
    for (c, (o, t)) in ours.coeffs().iter().zip(t).enumerate() {
        assert_eq!(
            o.as_canonical_u32(),
            t.as_canonical_u32(),
            "{what}: canonical coefficient {c}"
        );
        // `to_unique_u32` is p3's in-memory Montgomery word.
        assert_eq!(
            o.to_monty(),
            t.to_unique_u32(),
            "{what}: Montgomery word of coefficient {c}"
        );
    }
}

#[test]
fn base_montgomery_words_match_p3() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut xs: Vec<u32> = vec![0, 1, 2, P - 1, P - 2, P, u32::MAX];
    xs.extend((0..1000).map(|_| rng.random::<u32>()));
    for x in xs {
        let ours = KoalaBear::new(x);
        let theirs = P3F::new(x);
        assert_eq!(ours.to_monty(), theirs.to_unique_u32(), "x = {x}");
        assert_eq!(
            ours.as_canonical_u32(),
            theirs.as_canonical_u32(),
            "x = {x}"
        );
    }
}

#[test]
fn ext5_ops_match_p3() {
    let mut rng = StdRng::seed_from_u64(2);
    let mut samples = edge_ext_vec(243, 0);
    samples.extend(rand_ext_vec(&mut rng, 300));
    for (i, &a) in samples.iter().enumerate() {
        let b = samples[(i * 7 + 3) % samples.len()];
        let (pa, pb) = (to_p3(a), to_p3(b));
        assert_same(a, pa, "round trip");
        assert_same(a * b, pa * pb, "mul");
        assert_same(a + b, pa + pb, "add");
        assert_same(a - b, pa - pb, "sub");
        assert_same(-a, -pa, "neg");
        assert_same(a.square(), pa.square(), "square");
        assert_eq!(
            a.frobenius(),
            a.exp_u64(u64::from(KoalaBear::ORDER)),
            "frobenius of {a:?}"
        );
        let s = b.coeffs()[0];
        assert_same(a * s, pa * P3F::new(s.as_canonical_u32()), "mul by base");
        match (a.try_inverse(), pa.try_inverse()) {
            (Some(x), Some(y)) => {
                assert_same(x, y, "inverse");
                assert_eq!(a * x, Ext5::ONE);
            }
            (None, None) => assert_eq!(a, Ext5::ZERO),
            (x, y) => panic!("inverse disagrees on {a:?}: {x:?} vs {y:?}"),
        }
    }
}

#[test]
fn ext5_reduction_polynomial_matches_p3() {
    // X^5 = 1 - X^2 in both.
    let x = Ext5::new([
        KoalaBear::ZERO,
        KoalaBear::ONE,
        KoalaBear::ZERO,
        KoalaBear::ZERO,
        KoalaBear::ZERO,
    ]);
    let x5 = x.exp_u64(5);
    assert_eq!(
        x5,
        Ext5::new([
            KoalaBear::ONE,
            KoalaBear::ZERO,
            KoalaBear::NEG_ONE,
            KoalaBear::ZERO,
            KoalaBear::ZERO
        ])
    );
    assert_same(x5, to_p3(x).exp_u64(5), "X^5");
}

// ---------------------------------------------------------------------------------------
// Kernels versus the scalar reference, on every ISA, length and offset.
// ---------------------------------------------------------------------------------------

/// Inputs for one (length, offset, flavour) case. Slices used by kernels start at `off`
/// inside their buffers, so `off = 1` gives addresses that are not vector aligned.
struct Case {
    off: usize,
    a: Vec<Ext5>,
    b: Vec<Ext5>,
    x: Vec<KoalaBear>,
    s: Ext5,
}

impl Case {
    fn n(&self) -> usize {
        self.a.len() - self.off
    }
    fn a(&self) -> &[Ext5] {
        &self.a[self.off..]
    }
    fn b(&self) -> &[Ext5] {
        &self.b[self.off..]
    }
    fn x(&self) -> &[KoalaBear] {
        &self.x[self.off..]
    }
}

fn cases() -> Vec<Case> {
    let mut rng = StdRng::seed_from_u64(3);
    let mut out = Vec::new();
    for n in lengths() {
        for off in [0, 1, 3] {
            let m = n + off;
            out.push(Case {
                off,
                a: rand_ext_vec(&mut rng, m),
                b: rand_ext_vec(&mut rng, m),
                x: rand_base_vec(&mut rng, m),
                s: rand_ext(&mut rng),
            });
            if off == 1 {
                out.push(Case {
                    off,
                    a: edge_ext_vec(m, 0),
                    b: edge_ext_vec(m, 5),
                    x: edge_base_vec(m, 1),
                    s: Ext5::new([KoalaBear::NEG_ONE; 5]),
                });
            }
        }
    }
    out
}

/// Runs `kernel` into a fresh output buffer whose used part starts at `off` (the byte before
/// it is a sentinel that must survive) and returns the used part.
fn run_out(off: usize, n: usize, kernel: impl FnOnce(&mut [Ext5])) -> Vec<Ext5> {
    let sentinel = Ext5::new([KoalaBear::new(12345); 5]);
    let mut buf = vec![sentinel; n + off + 1];
    kernel(&mut buf[off..off + n]);
    assert!(
        buf[..off].iter().all(|e| *e == sentinel),
        "wrote before the output"
    );
    assert_eq!(buf[off + n], sentinel, "wrote past the output");
    buf[off..off + n].to_vec()
}

fn for_each_case(mut f: impl FnMut(Isa, &Case)) {
    let all = cases();
    for isa in Isa::available() {
        for c in &all {
            f(isa, c);
        }
    }
}

#[test]
fn add_sub_match_scalar() {
    for_each_case(|isa, c| {
        let n = c.n();
        let got = run_out(c.off, n, |o| ext::add(isa, o, c.a(), c.b()));
        let want: Vec<Ext5> = c.a().iter().zip(c.b()).map(|(x, y)| *x + *y).collect();
        assert_eq!(got, want, "add on {isa}, n = {n}, off = {}", c.off);
        let got = run_out(c.off, n, |o| ext::sub(isa, o, c.a(), c.b()));
        let want: Vec<Ext5> = c.a().iter().zip(c.b()).map(|(x, y)| *x - *y).collect();
        assert_eq!(got, want, "sub on {isa}, n = {n}, off = {}", c.off);
    });
}

#[test]
fn mul_matches_scalar() {
    for_each_case(|isa, c| {
        let n = c.n();
        let got = run_out(c.off, n, |o| ext::mul(isa, o, c.a(), c.b()));
        let want: Vec<Ext5> = c.a().iter().zip(c.b()).map(|(x, y)| *x * *y).collect();
        assert_eq!(got, want, "mul on {isa}, n = {n}, off = {}", c.off);
    });
}

#[test]
fn mul_base_matches_scalar() {
    for_each_case(|isa, c| {
        let n = c.n();
        let got = run_out(c.off, n, |o| ext::mul_base(isa, o, c.a(), c.x()));
        let want: Vec<Ext5> = c.a().iter().zip(c.x()).map(|(x, y)| *x * *y).collect();
        assert_eq!(got, want, "mul_base on {isa}, n = {n}, off = {}", c.off);
    });
}

#[test]
fn scale_and_scale_base_match_scalar() {
    for_each_case(|isa, c| {
        let n = c.n();
        let got = run_out(c.off, n, |o| ext::scale(isa, o, c.a(), c.s));
        let want: Vec<Ext5> = c.a().iter().map(|x| c.s * *x).collect();
        assert_eq!(got, want, "scale on {isa}, n = {n}, off = {}", c.off);
        let got = run_out(c.off, n, |o| ext::scale_base(isa, o, c.x(), c.s));
        let want: Vec<Ext5> = c.x().iter().map(|x| c.s * *x).collect();
        assert_eq!(got, want, "scale_base on {isa}, n = {n}, off = {}", c.off);
    });
}

#[test]
fn axpy_and_axpy_base_match_scalar() {
    for_each_case(|isa, c| {
        let n = c.n();
        let got = run_out(c.off, n, |o| {
            o.copy_from_slice(c.b());
            ext::axpy(isa, o, c.s, c.a())
        });
        let want: Vec<Ext5> = c
            .b()
            .iter()
            .zip(c.a())
            .map(|(acc, x)| *acc + c.s * *x)
            .collect();
        assert_eq!(got, want, "axpy on {isa}, n = {n}, off = {}", c.off);
        let got = run_out(c.off, n, |o| {
            o.copy_from_slice(c.b());
            ext::axpy_base(isa, o, c.s, c.x())
        });
        let want: Vec<Ext5> = c
            .b()
            .iter()
            .zip(c.x())
            .map(|(acc, x)| *acc + c.s * *x)
            .collect();
        assert_eq!(got, want, "axpy_base on {isa}, n = {n}, off = {}", c.off);
    });
}

#[test]
fn dot_and_dot_base_match_scalar() {
    for_each_case(|isa, c| {
        let n = c.n();
        let want: Ext5 = c.a().iter().zip(c.b()).map(|(x, y)| *x * *y).sum();
        assert_eq!(ext::dot(isa, c.a(), c.b()), want, "dot on {isa}, n = {n}");
        let want: Ext5 = c.a().iter().zip(c.x()).map(|(x, y)| *x * *y).sum();
        assert_eq!(
            ext::dot_base(isa, c.a(), c.x()),
            want,
            "dot_base on {isa}, n = {n}"
        );
    });
}

#[test]
fn batch_inverse_matches_scalar() {
    for_each_case(|isa, c| {
        let n = c.n();
        let got = run_out(c.off, n, |o| ext::batch_inverse(isa, o, c.a()));
        let want: Vec<Ext5> = c
            .a()
            .iter()
            .map(|x| x.try_inverse().unwrap_or(Ext5::ZERO))
            .collect();
        assert_eq!(
            got, want,
            "batch_inverse on {isa}, n = {n}, off = {}",
            c.off
        );
        assert_eq!(ext::batch_inverse_vec(isa, c.a()), want);
    });
}

#[test]
fn batch_inverse_all_zero_and_all_one() {
    for isa in Isa::available() {
        for n in [0, 1, 7, 16, 17, 33] {
            assert_eq!(
                ext::batch_inverse_vec(isa, &vec![Ext5::ZERO; n]),
                vec![Ext5::ZERO; n]
            );
            assert_eq!(
                ext::batch_inverse_vec(isa, &vec![Ext5::ONE; n]),
                vec![Ext5::ONE; n]
            );
        }
    }
}

fn linear_combination_reference(coeffs: &[Ext5], columns: &[&[KoalaBear]], n: usize) -> Vec<Ext5> {
    (0..n)
        .map(|j| coeffs.iter().zip(columns).map(|(c, col)| *c * col[j]).sum())
        .collect()
}

#[test]
fn linear_combination_matches_scalar() {
    let mut rng = StdRng::seed_from_u64(4);
    for isa in Isa::available() {
        for n in lengths().into_iter().step_by(3).chain([40, 1001]) {
            for m in [0, 1, 2, 3, 4, 5, 7, 8, 9, 64] {
                for off in [0, 1] {
                    let coeffs = rand_ext_vec(&mut rng, m);
                    let bufs: Vec<Vec<KoalaBear>> = (0..m)
                        .map(|i| {
                            if i % 4 == 3 {
                                edge_base_vec(n + off, i)
                            } else {
                                rand_base_vec(&mut rng, n + off)
                            }
                        })
                        .collect();
                    let cols: Vec<&[KoalaBear]> = bufs.iter().map(|b| &b[off..]).collect();
                    let got = run_out(off, n, |o| ext::linear_combination(isa, o, &coeffs, &cols));
                    let want = linear_combination_reference(&coeffs, &cols, n);
                    assert_eq!(
                        got, want,
                        "linear_combination on {isa}, n = {n}, m = {m}, off = {off}"
                    );
                }
            }
        }
    }
}

#[test]
fn linear_combination_with_extreme_values() {
    // All coefficients and columns p - 1: the widest sums of products.
    for isa in Isa::available() {
        for (n, m) in [(37, 64), (16, 4), (33, 9)] {
            let coeffs = vec![Ext5::new([KoalaBear::NEG_ONE; 5]); m];
            let bufs = vec![vec![KoalaBear::NEG_ONE; n]; m];
            let cols: Vec<&[KoalaBear]> = bufs.iter().map(|b| b.as_slice()).collect();
            let mut out = vec![Ext5::ZERO; n];
            ext::linear_combination(isa, &mut out, &coeffs, &cols);
            assert_eq!(
                out,
                linear_combination_reference(&coeffs, &cols, n),
                "{isa}"
            );
            // sum over m of (-1) * (-1) = m in every coefficient.
            assert!(
                out.iter()
                    .all(|e| *e == Ext5::new([KoalaBear::new(m as u32); 5]))
            );
        }
    }
}

#[test]
fn extreme_products() {
    // (p-1, ..., p-1) squared: every partial product is (p-1)^2, the largest possible.
    let big = Ext5::new([KoalaBear::NEG_ONE; 5]);
    for isa in Isa::available() {
        for n in [1, 8, 16, 31, 80] {
            let a = vec![big; n];
            let mut out = vec![Ext5::ZERO; n];
            ext::mul(isa, &mut out, &a, &a);
            assert!(out.iter().all(|e| *e == big * big), "{isa}");
            assert_same(out[0], to_p3(big) * to_p3(big), "extreme");
            assert_eq!(ext::dot(isa, &a, &a), big * big * KoalaBear::new(n as u32));
        }
    }
}

#[test]
#[should_panic(expected = "kernel slice length mismatch")]
fn mul_rejects_mismatched_lengths() {
    let mut out = vec![Ext5::ZERO; 3];
    ext::mul(Isa::best(), &mut out, &[Ext5::ONE; 3], &[Ext5::ONE; 2]);
}

#[test]
#[should_panic(expected = "kernel slice length mismatch")]
fn linear_combination_rejects_short_column() {
    let mut out = vec![Ext5::ZERO; 3];
    let col = [KoalaBear::ONE; 2];
    ext::linear_combination(Isa::best(), &mut out, &[Ext5::ONE], &[&col]);
}

#[test]
#[should_panic(expected = "kernel slice length mismatch")]
fn linear_combination_rejects_missing_column() {
    let mut out = vec![Ext5::ZERO; 3];
    ext::linear_combination(
        Isa::best(),
        &mut out,
        &[Ext5::ONE, Ext5::ONE],
        &[&[KoalaBear::ONE; 3]],
    );
}

// ---------------------------------------------------------------------------------------
// Property tests.
// ---------------------------------------------------------------------------------------

fn ext_strategy() -> impl Strategy<Value = Ext5> {
    let coeff = prop_oneof![
        3 => 0..P,
        1 => prop::sample::select(vec![0u32, 1, P - 1]),
    ];
    prop::array::uniform5(coeff).prop_map(|c| Ext5::new(c.map(KoalaBear::new)))
}

fn base_strategy() -> impl Strategy<Value = KoalaBear> {
    prop_oneof![
        3 => (0..P).prop_map(KoalaBear::new),
        1 => prop::sample::select(vec![0u32, 1, P - 1]).prop_map(KoalaBear::new),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_mul_matches_p3(a in ext_strategy(), b in ext_strategy()) {
        assert_same(a * b, to_p3(a) * to_p3(b), "mul");
        if let Some(inv) = a.try_inverse() {
            assert_same(inv, to_p3(a).inverse(), "inverse");
        }
    }

    #[test]
    fn prop_kernels_agree_across_isas(
        ab in prop::collection::vec((ext_strategy(), ext_strategy(), base_strategy()), 0..70),
        s in ext_strategy(),
        off in 0usize..3,
    ) {
        let off = off.min(ab.len());
        let a: Vec<Ext5> = ab[off..].iter().map(|t| t.0).collect();
        let b: Vec<Ext5> = ab[off..].iter().map(|t| t.1).collect();
        let x: Vec<KoalaBear> = ab[off..].iter().map(|t| t.2).collect();
        let n = a.len();
        let mut want_mul = vec![Ext5::ZERO; n];
        let mut want_lc = vec![Ext5::ZERO; n];
        let cols: [&[KoalaBear]; 5] = [&x, &x, &x, &x, &x];
        let coeffs = [s, a.first().copied().unwrap_or(s), s * s, Ext5::ONE, -s];
        ext::mul(Isa::scalar(), &mut want_mul, &a, &b);
        ext::linear_combination(Isa::scalar(), &mut want_lc, &coeffs, &cols);
        let want_dot: Ext5 = a.iter().zip(&b).map(|(p, q)| *p * *q).sum();
        let want_axpy: Vec<Ext5> = a.iter().zip(&b).map(|(p, q)| *p + s * *q).collect();
        prop_assert_eq!(&want_mul, &a.iter().zip(&b).map(|(p, q)| *p * *q).collect::<Vec<_>>());
        prop_assert_eq!(&want_lc, &linear_combination_reference(&coeffs, &cols, n));
        for isa in Isa::available() {
            let mut got = vec![Ext5::ZERO; n];
            ext::mul(isa, &mut got, &a, &b);
            prop_assert_eq!(&got, &want_mul);
            ext::linear_combination(isa, &mut got, &coeffs, &cols);
            prop_assert_eq!(&got, &want_lc);
            prop_assert_eq!(ext::dot(isa, &a, &b), want_dot);
            let mut acc = a.clone();
            ext::axpy(isa, &mut acc, s, &b);
            prop_assert_eq!(&acc, &want_axpy);
            let inv = ext::batch_inverse_vec(isa, &a);
            for (v, i) in a.iter().zip(&inv) {
                prop_assert_eq!(*i, v.try_inverse().unwrap_or(Ext5::ZERO));
            }
        }
    }
}
