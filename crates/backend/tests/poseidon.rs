//! Poseidon1 / Poseidon2: constants and known answers against the shared vectors, the scalar
//! references against Plonky3, and every batched kernel and mode on every available ISA against
//! the scalar reference (random states, batch sizes 0..=40 and ragged larger ones).

use backend::poseidon::{self, Permutation, constants};
use backend::{Isa, KoalaBear};
use p3_field::PrimeField32;
use p3_koala_bear::KoalaBear as P3;
use p3_symmetric::Permutation as _;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = format!(
        "{}/../../../shared/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn fe(v: &[u32]) -> Vec<KoalaBear> {
    v.iter().map(|&x| KoalaBear::new(x)).collect()
}

fn canon(v: &[KoalaBear]) -> Vec<u32> {
    v.iter().map(|x| x.as_canonical_u32()).collect()
}

fn random_states<const T: usize>(rng: &mut StdRng, n: usize) -> Vec<[KoalaBear; T]> {
    (0..n)
        .map(|_| {
            core::array::from_fn(|_| match rng.random_range(0..10) {
                0 => KoalaBear::ZERO,
                1 => KoalaBear::NEG_ONE,
                _ => KoalaBear::new(rng.random()),
            })
        })
        .collect()
}

fn batch_sizes() -> Vec<usize> {
    let mut v: Vec<usize> = (0..=40).collect();
    v.extend([47, 63, 64, 65, 100, 129, 257]);
    v
}

#[test]
fn constants_equal_the_shared_json() {
    let c = vectors("poseidon1_koalabear_constants.json");
    let rows =
        |key: &str| -> Vec<Vec<u32>> { c[key].as_array().unwrap().iter().map(u32s).collect() };
    let rc16: Vec<Vec<u32>> = constants::POSEIDON1_RC_16
        .iter()
        .map(|r| r.to_vec())
        .collect();
    let rc24: Vec<Vec<u32>> = constants::POSEIDON1_RC_24
        .iter()
        .map(|r| r.to_vec())
        .collect();
    assert_eq!(rc16, rows("rc16"));
    assert_eq!(rc24, rows("rc24"));
    assert_eq!(
        constants::POSEIDON1_MDS_16_ROW.to_vec(),
        u32s(&c["mds16_first_row"])
    );
    assert_eq!(
        constants::POSEIDON1_MDS_24_ROW.to_vec(),
        u32s(&c["mds24_first_row"])
    );
}

#[test]
fn constants_equal_plonky3() {
    use p3_koala_bear as kb;
    let p3rows = |rows: &[&[P3]]| -> Vec<Vec<u32>> {
        rows.iter()
            .map(|r| r.iter().map(|x| x.as_canonical_u32()).collect())
            .collect()
    };
    let ours = |rows: &[&[u32]]| -> Vec<Vec<u32>> { rows.iter().map(|r| r.to_vec()).collect() };
    macro_rules! same2d {
        ($ours:expr, $p3:expr) => {
            assert_eq!(
                ours(&$ours.iter().map(|r| &r[..]).collect::<Vec<_>>()),
                p3rows(&$p3.iter().map(|r| &r[..]).collect::<Vec<_>>())
            )
        };
    }
    same2d!(constants::POSEIDON1_RC_16, kb::KOALABEAR_POSEIDON1_RC_16);
    same2d!(constants::POSEIDON1_RC_24, kb::KOALABEAR_POSEIDON1_RC_24);
    same2d!(
        constants::POSEIDON2_RC_16_EXTERNAL_INITIAL,
        kb::KOALABEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL
    );
    same2d!(
        constants::POSEIDON2_RC_16_EXTERNAL_FINAL,
        kb::KOALABEAR_POSEIDON2_RC_16_EXTERNAL_FINAL
    );
    same2d!(
        constants::POSEIDON2_RC_24_EXTERNAL_INITIAL,
        kb::KOALABEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL
    );
    same2d!(
        constants::POSEIDON2_RC_24_EXTERNAL_FINAL,
        kb::KOALABEAR_POSEIDON2_RC_24_EXTERNAL_FINAL
    );
    same2d!(
        [constants::POSEIDON2_RC_16_INTERNAL],
        [kb::KOALABEAR_POSEIDON2_RC_16_INTERNAL]
    );
    same2d!(
        [constants::POSEIDON2_RC_24_INTERNAL],
        [kb::KOALABEAR_POSEIDON2_RC_24_INTERNAL]
    );
}

#[test]
fn poseidon1_known_answers() {
    let k = vectors("poseidon1_and_encoding_kats.json");
    let kat16 = &k["poseidon1_koalabear_16"];
    let mut s: [KoalaBear; 16] = fe(&u32s(&kat16["input"])).try_into().unwrap();
    poseidon::poseidon1_permute_16(&mut s);
    assert_eq!(canon(&s), u32s(&kat16["output"]));
    let kat24 = &k["poseidon1_koalabear_24"];
    let mut s: [KoalaBear; 24] = fe(&u32s(&kat24["input"])).try_into().unwrap();
    poseidon::poseidon1_permute_24(&mut s);
    assert_eq!(canon(&s), u32s(&kat24["output"]));
    // And through the batched kernels on every ISA.
    for isa in Isa::available() {
        let mut b = vec![core::array::from_fn::<_, 16, _>(|i| KoalaBear::new(i as u32)); 3];
        poseidon::poseidon1_16_batch(isa, &mut b);
        assert!(
            b.iter().all(|s| canon(s) == u32s(&kat16["output"])),
            "{isa}"
        );
        let mut b = vec![core::array::from_fn::<_, 24, _>(|i| KoalaBear::new(i as u32)); 3];
        poseidon::poseidon1_24_batch(isa, &mut b);
        assert!(
            b.iter().all(|s| canon(s) == u32s(&kat24["output"])),
            "{isa}"
        );
    }
}

#[test]
fn poseidon2_known_answer_prefix_from_spec() {
    // Spec Appendix A: Poseidon2([0..15]) starts with these (Plonky3 0.8.0).
    let mut s: [KoalaBear; 16] = core::array::from_fn(|i| KoalaBear::new(i as u32));
    poseidon::poseidon2_permute_16(&mut s);
    assert_eq!(
        canon(&s[..4]),
        [1259554834, 663463928, 1989430097, 476523442]
    );
}

fn check_against_p3<const T: usize>(ours: fn(&mut [KoalaBear; T]), theirs: &dyn Fn(&mut [P3; T])) {
    let mut rng = StdRng::seed_from_u64(T as u64);
    for s in random_states::<T>(&mut rng, 200) {
        let mut a = s;
        ours(&mut a);
        let mut b: [P3; T] = core::array::from_fn(|i| P3::new(s[i].as_canonical_u32()));
        theirs(&mut b);
        let b: Vec<u32> = b.iter().map(|x| x.as_canonical_u32()).collect();
        assert_eq!(canon(&a), b);
    }
}

#[test]
fn references_equal_plonky3() {
    let p1_16 = p3_koala_bear::default_koalabear_poseidon1_16();
    let p1_24 = p3_koala_bear::default_koalabear_poseidon1_24();
    let p2_16 = p3_koala_bear::default_koalabear_poseidon2_16();
    let p2_24 = p3_koala_bear::default_koalabear_poseidon2_24();
    check_against_p3(poseidon::poseidon1_permute_16, &|s| p1_16.permute_mut(s));
    check_against_p3(poseidon::poseidon1_permute_24, &|s| p1_24.permute_mut(s));
    check_against_p3(poseidon::poseidon2_permute_16, &|s| p2_16.permute_mut(s));
    check_against_p3(poseidon::poseidon2_permute_24, &|s| p2_24.permute_mut(s));
}

fn check_batch<const T: usize>(
    name: &str,
    reference: fn(&mut [KoalaBear; T]),
    batch: fn(Isa, &mut [[KoalaBear; T]]),
) {
    let mut rng = StdRng::seed_from_u64(7 + T as u64);
    for n in batch_sizes() {
        let input = random_states::<T>(&mut rng, n);
        let mut expect = input.clone();
        expect.iter_mut().for_each(reference);
        for isa in Isa::available() {
            let mut got = input.clone();
            batch(isa, &mut got);
            assert_eq!(got, expect, "{name} on {isa}, batch of {n}");
            // Unaligned start: a sub-slice one state into a longer vector.
            let mut shifted = vec![[KoalaBear::ONE; T]];
            shifted.extend_from_slice(&input);
            batch(isa, &mut shifted[1..]);
            assert_eq!(
                &shifted[1..],
                &expect[..],
                "{name} on {isa}, offset batch of {n}"
            );
        }
    }
}

#[test]
fn batched_permutations_equal_reference_on_every_isa() {
    check_batch(
        "poseidon1_16",
        poseidon::poseidon1_permute_16,
        poseidon::poseidon1_16_batch,
    );
    check_batch(
        "poseidon1_24",
        poseidon::poseidon1_permute_24,
        poseidon::poseidon1_24_batch,
    );
    check_batch(
        "poseidon2_16",
        poseidon::poseidon2_permute_16,
        poseidon::poseidon2_16_batch,
    );
    check_batch(
        "poseidon2_24",
        poseidon::poseidon2_permute_24,
        poseidon::poseidon2_24_batch,
    );
}

#[test]
fn permutation_enum_batch_equals_reference() {
    let mut rng = StdRng::seed_from_u64(11);
    for perm in Permutation::ALL {
        let t = perm.width();
        for n in [0usize, 1, 17, 33] {
            let input: Vec<KoalaBear> = (0..n * t).map(|_| KoalaBear::new(rng.random())).collect();
            let mut expect = input.clone();
            expect.chunks_exact_mut(t).for_each(|s| perm.permute(s));
            for isa in Isa::available() {
                let mut got = input.clone();
                perm.permute_batch(isa, &mut got);
                assert_eq!(got, expect, "{perm:?} on {isa}, {n} states");
            }
        }
    }
}

#[test]
fn compress_definition_and_batches() {
    let mut rng = StdRng::seed_from_u64(3);
    // The definition, spelled out on a 15-cell input (chain step shape).
    let x: Vec<KoalaBear> = (0..15).map(|_| KoalaBear::new(rng.random())).collect();
    let mut padded = [KoalaBear::ZERO; 16];
    padded[..15].copy_from_slice(&x);
    let mut s = padded;
    poseidon::poseidon1_permute_16(&mut s);
    let want: [KoalaBear; 8] = core::array::from_fn(|i| s[i] + padded[i]);
    assert_eq!(poseidon::compress_16::<8>(&x), want);

    for n in batch_sizes().into_iter().chain([300]) {
        let in16 = random_states::<16>(&mut rng, n);
        let in24 = random_states::<24>(&mut rng, n);
        for isa in Isa::available() {
            let mut o16 = vec![[KoalaBear::ZERO; 8]; n];
            poseidon::compress_16_batch(isa, &in16, &mut o16);
            let mut o24 = vec![[KoalaBear::ZERO; 9]; n];
            poseidon::compress_24_batch(isa, &in24, &mut o24);
            for i in 0..n {
                assert_eq!(
                    o16[i],
                    poseidon::compress_16::<8>(&in16[i]),
                    "{isa} n={n} i={i}"
                );
                assert_eq!(
                    o24[i],
                    poseidon::compress_24::<9>(&in24[i]),
                    "{isa} n={n} i={i}"
                );
            }
        }
    }
}

/// `base_p(v, n)`: little-endian base-p digits.
fn base_p(mut v: u128, n: usize) -> Vec<KoalaBear> {
    let p = KoalaBear::ORDER as u128;
    (0..n)
        .map(|_| {
            let d = (v % p) as u32;
            v /= p;
            KoalaBear::new(d)
        })
        .collect()
}

#[test]
fn sponge_domain_separators_from_compress_24() {
    let k = vectors("poseidon1_and_encoding_kats.json");
    for (key, v) in [
        ("sponge_domain_separator_prod(5,2,46,8)", 46u128),
        ("sponge_domain_separator_test(5,2,4,8)", 4),
    ] {
        let a = (5u128 << 96) + (2u128 << 64) + (v << 32) + 8;
        let c = poseidon::compress_24::<9>(&base_p(a, 24));
        assert_eq!(canon(&c), u32s(&k[key]), "{key}");
    }
}

#[test]
fn replacement_sponge_batches_equal_reference() {
    let mut rng = StdRng::seed_from_u64(5);
    let capacity: [KoalaBear; 9] = core::array::from_fn(|_| KoalaBear::new(rng.random()));
    // The definition for a 2-chunk input, spelled out.
    let x: Vec<KoalaBear> = (0..20).map(|_| KoalaBear::new(rng.random())).collect();
    let mut s = [KoalaBear::ZERO; 24];
    s[..9].copy_from_slice(&capacity);
    s[9..24].copy_from_slice(&x[..15]);
    poseidon::poseidon1_permute_24(&mut s);
    s[9..14].copy_from_slice(&x[15..]);
    s[14..].fill(KoalaBear::ZERO);
    poseidon::poseidon1_permute_24(&mut s);
    assert_eq!(poseidon::replacement_sponge_24(&capacity, &x)[..], s[9..17]);

    for input_len in [1usize, 14, 15, 16, 39, 375] {
        for n in [0usize, 1, 7, 16, 17, 40, 130] {
            let inputs: Vec<KoalaBear> = (0..n * input_len)
                .map(|_| KoalaBear::new(rng.random()))
                .collect();
            let expect: Vec<[KoalaBear; 8]> = inputs
                .chunks_exact(input_len)
                .map(|x| poseidon::replacement_sponge_24(&capacity, x))
                .collect();
            for isa in Isa::available() {
                let mut got = vec![[KoalaBear::ZERO; 8]; n];
                poseidon::replacement_sponge_24_batch(isa, &capacity, &inputs, input_len, &mut got);
                assert_eq!(got, expect, "{isa} len={input_len} n={n}");
            }
        }
    }
}

#[test]
fn general_sponge_batches_equal_reference() {
    let mut rng = StdRng::seed_from_u64(9);
    // The definition, spelled out for Poseidon2-24 (rate 16) on 20 elements.
    let x: Vec<KoalaBear> = (0..20).map(|_| KoalaBear::new(rng.random())).collect();
    let mut s = [KoalaBear::ZERO; 24];
    s[16] = KoalaBear::new(20);
    s[..16].copy_from_slice(&x[..16]);
    poseidon::poseidon2_permute_24(&mut s);
    s[..4].copy_from_slice(&x[16..]);
    s[4..16].fill(KoalaBear::ZERO);
    poseidon::poseidon2_permute_24(&mut s);
    assert_eq!(poseidon::sponge(Permutation::Poseidon2W24, &x)[..], s[..8]);
    // Length is bound: a zero-padded input hashes differently.
    let mut longer = x.clone();
    longer.push(KoalaBear::ZERO);
    assert_ne!(
        poseidon::sponge(Permutation::Poseidon2W24, &x),
        poseidon::sponge(Permutation::Poseidon2W24, &longer)
    );

    for perm in Permutation::ALL {
        for input_len in [0usize, 1, 8, 9, 16, 17, 100] {
            for n in [0usize, 1, 9, 16, 33, 129] {
                let inputs: Vec<KoalaBear> = (0..n * input_len)
                    .map(|_| KoalaBear::new(rng.random()))
                    .collect();
                let expect: Vec<[KoalaBear; 8]> = (0..n)
                    .map(|i| poseidon::sponge(perm, &inputs[i * input_len..(i + 1) * input_len]))
                    .collect();
                for isa in Isa::available() {
                    let mut got = vec![[KoalaBear::ZERO; 8]; n];
                    poseidon::sponge_batch(isa, perm, &inputs, input_len, &mut got);
                    assert_eq!(got, expect, "{perm:?} {isa} len={input_len} n={n}");
                }
            }
        }
    }
}
