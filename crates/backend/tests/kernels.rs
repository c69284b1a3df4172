//! Base-field kernels: bit-identity with Plonky3's `KoalaBear`, and every available ISA against
//! the scalar reference on random data, edge values, unaligned starts and ragged lengths.

use backend::field::P;
use backend::{Isa, KoalaBear, kernels};
use p3_field::{Field, PrimeField32};
use p3_koala_bear::KoalaBear as P3;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const EDGE: [u32; 6] = [0, 1, 2, P - 2, P - 1, P / 2];

fn p3(x: KoalaBear) -> P3 {
    P3::new(x.as_canonical_u32())
}

/// Random elements, with edge values sprinkled in so every lane sees 0, 1 and p - 1.
fn random_vec(rng: &mut StdRng, n: usize) -> Vec<KoalaBear> {
    (0..n)
        .map(|_| {
            if rng.random_ratio(1, 5) {
                KoalaBear::new(EDGE[rng.random_range(0..EDGE.len())])
            } else {
                KoalaBear::new(rng.random())
            }
        })
        .collect()
}

/// Lengths that are not multiples of 8 or 16, plus some that are, and zero.
fn lengths() -> Vec<usize> {
    let mut v: Vec<usize> = (0..=40).collect();
    v.extend([47, 63, 64, 65, 127, 128, 129, 1000, 1031]);
    v
}

#[test]
fn scalar_field_is_bit_identical_with_plonky3() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut values: Vec<u32> = EDGE.to_vec();
    values.extend((0..2000).map(|_| rng.random::<u32>() % P));
    for &x in &values {
        let a = KoalaBear::new(x);
        let pa = P3::new(x);
        assert_eq!(a.to_monty(), pa.to_unique_u32(), "Montgomery word of {x}");
        assert_eq!(a.as_canonical_u32(), pa.as_canonical_u32());
        assert_eq!((-a).to_monty(), (-pa).to_unique_u32());
        match a.try_inverse() {
            Some(inv) => assert_eq!(inv.to_monty(), pa.inverse().to_unique_u32()),
            None => assert_eq!(x, 0),
        }
        for &y in values.iter().step_by(97) {
            let (b, pb) = (KoalaBear::new(y), P3::new(y));
            assert_eq!((a + b).to_monty(), (pa + pb).to_unique_u32(), "{x} + {y}");
            assert_eq!((a - b).to_monty(), (pa - pb).to_unique_u32(), "{x} - {y}");
            assert_eq!((a * b).to_monty(), (pa * pb).to_unique_u32(), "{x} * {y}");
        }
    }
    assert_eq!(p3(KoalaBear::GENERATOR), P3::GENERATOR);
}

#[test]
fn two_adic_generators_match_plonky3() {
    use p3_field::TwoAdicField;
    for bits in 0..=KoalaBear::TWO_ADICITY {
        assert_eq!(
            p3(KoalaBear::two_adic_generator(bits)),
            P3::two_adic_generator(bits)
        );
    }
}

/// Runs `check` for every available ISA, every length and start offsets 0..3, with fresh inputs.
fn for_all_shapes(mut check: impl FnMut(Isa, &[KoalaBear], &[KoalaBear], &[KoalaBear])) {
    let mut rng = StdRng::seed_from_u64(7);
    for isa in Isa::available() {
        for n in lengths() {
            for offset in 0..3 {
                let a = random_vec(&mut rng, n + offset);
                let b = random_vec(&mut rng, n + offset);
                let c = random_vec(&mut rng, n + offset);
                check(isa, &a[offset..], &b[offset..], &c[offset..]);
            }
        }
    }
}

/// Output buffer that starts at an odd offset, so stores are unaligned too.
fn out_buf(n: usize) -> (Vec<KoalaBear>, usize) {
    (vec![KoalaBear::new(12345); n + 1], 1)
}

macro_rules! check_binary {
    ($name:ident, $kernel:path, $assign:path, $op:tt) => {
        #[test]
        fn $name() {
            for_all_shapes(|isa, a, b, _| {
                let expect: Vec<KoalaBear> = a.iter().zip(b).map(|(x, y)| *x $op *y).collect();
                let (mut buf, off) = out_buf(a.len());
                $kernel(isa, &mut buf[off..], a, b);
                assert_eq!(&buf[off..], &expect[..], "{} on {isa}, n = {}", stringify!($kernel), a.len());
                let mut acc = a.to_vec();
                $assign(isa, &mut acc, b);
                assert_eq!(acc, expect, "{} on {isa}, n = {}", stringify!($assign), a.len());
            });
        }
    };
}
check_binary!(add_matches_scalar, kernels::add, kernels::add_assign, +);
check_binary!(sub_matches_scalar, kernels::sub, kernels::sub_assign, -);
check_binary!(mul_matches_scalar, kernels::mul, kernels::mul_assign, *);

#[test]
fn mul_add_axpy_scale_match_scalar() {
    for_all_shapes(|isa, a, b, c| {
        let n = a.len();
        let (mut out, off) = out_buf(n);
        kernels::mul_add(isa, &mut out[off..], a, b, c);
        let expect: Vec<_> = (0..n).map(|i| a[i] * b[i] + c[i]).collect();
        assert_eq!(&out[off..], &expect[..], "mul_add on {isa}, n = {n}");

        let s = b.first().copied().unwrap_or(KoalaBear::NEG_ONE);
        let mut acc = c.to_vec();
        kernels::axpy(isa, &mut acc, s, a);
        let expect: Vec<_> = (0..n).map(|i| c[i] + s * a[i]).collect();
        assert_eq!(acc, expect, "axpy on {isa}, n = {n}");

        kernels::scale(isa, &mut out[off..], a, s);
        let expect: Vec<_> = a.iter().map(|x| *x * s).collect();
        assert_eq!(&out[off..], &expect[..], "scale on {isa}, n = {n}");
        let mut acc = a.to_vec();
        kernels::scale_assign(isa, &mut acc, s);
        assert_eq!(acc, expect, "scale_assign on {isa}, n = {n}");
    });
}

#[test]
fn dot_matches_scalar() {
    for_all_shapes(|isa, a, b, _| {
        let expect: KoalaBear = a.iter().zip(b).map(|(x, y)| *x * *y).sum();
        assert_eq!(kernels::dot(isa, a, b), expect, "dot on {isa}, n = {}", a.len());
    });
}

#[test]
fn batch_inverse_matches_scalar_and_maps_zero_to_zero() {
    for_all_shapes(|isa, a, _, _| {
        let (mut out, off) = out_buf(a.len());
        kernels::batch_inverse(isa, &mut out[off..], a);
        for (x, inv) in a.iter().zip(&out[off..]) {
            assert_eq!(*inv, x.inverse_or_zero(), "inverse of {x} on {isa}");
        }
    });
}

#[test]
fn batch_inverse_of_all_zeros_and_all_edges() {
    for isa in Isa::available() {
        let zeros = vec![KoalaBear::ZERO; 37];
        assert_eq!(kernels::batch_inverse_vec(isa, &zeros), zeros);
        let edges: Vec<_> = EDGE.iter().cycle().take(50).map(|&x| KoalaBear::new(x)).collect();
        let inv = kernels::batch_inverse_vec(isa, &edges);
        for (x, y) in edges.iter().zip(&inv) {
            assert_eq!(*y, x.inverse_or_zero());
        }
    }
}

#[test]
#[should_panic(expected = "kernel slice length mismatch")]
fn length_mismatch_panics_with_a_clear_message() {
    let a = vec![KoalaBear::ONE; 8];
    let mut out = vec![KoalaBear::ZERO; 9];
    kernels::add(Isa::current(), &mut out, &a, &a);
}

/// Every ISA's products against Plonky3 directly (not only against our scalar path).
#[test]
fn simd_mul_matches_plonky3() {
    let mut rng = StdRng::seed_from_u64(3);
    let a = random_vec(&mut rng, 4099);
    let b = random_vec(&mut rng, 4099);
    for isa in Isa::available() {
        let mut out = vec![KoalaBear::ZERO; a.len()];
        kernels::mul(isa, &mut out, &a, &b);
        for i in 0..a.len() {
            assert_eq!(out[i].to_monty(), (p3(a[i]) * p3(b[i])).to_unique_u32());
        }
    }
}

proptest! {
    #[test]
    fn prop_kernels_agree_across_isas(
        raw in prop::collection::vec((any::<u32>(), any::<u32>()), 0..200),
        offset in 0usize..4,
    ) {
        let a: Vec<_> = raw.iter().map(|(x, _)| KoalaBear::new(*x)).collect();
        let b: Vec<_> = raw.iter().map(|(_, y)| KoalaBear::new(*y)).collect();
        let off = offset.min(a.len());
        let (a, b) = (&a[off..], &b[off..]);
        let scalar = Isa::scalar();
        let mut want = vec![KoalaBear::ZERO; a.len()];
        kernels::mul(scalar, &mut want, a, b);
        let want_dot = kernels::dot(scalar, a, b);
        let want_inv = kernels::batch_inverse_vec(scalar, a);
        for isa in Isa::available() {
            let mut got = vec![KoalaBear::ZERO; a.len()];
            kernels::mul(isa, &mut got, a, b);
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(kernels::dot(isa, a, b), want_dot);
            prop_assert_eq!(kernels::batch_inverse_vec(isa, a), want_inv.clone());
        }
    }
}
