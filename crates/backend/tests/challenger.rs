//! The Fiat-Shamir challenger: agreement with a naive model of the documented duplex rules,
//! determinism and forking, sensitivity to every observed value, sampled ranges, and the
//! proof of work (smallest nonce, identical on every ISA and thread count, `check_pow`).

mod common;

use backend::challenger::{BULK_CHUNK, BULK_SAMPLE_TAG, Challenger, MAX_BITS, RATE};
use backend::field::Ext5;
use backend::merkle::hash_row;
use backend::poseidon::poseidon2_permute_16;
use backend::{Isa, KoalaBear};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The module-doc rules, written out as plainly as possible.
struct Model {
    state: [KoalaBear; 16],
    pending: Vec<KoalaBear>,
    output: Vec<KoalaBear>,
}

impl Model {
    fn new() -> Self {
        Self {
            state: [KoalaBear::ZERO; 16],
            pending: vec![],
            output: vec![],
        }
    }
    fn duplex(&mut self) {
        let m = self.pending.len();
        for i in 0..8 {
            self.state[i] = if i < m {
                self.pending[i]
            } else {
                KoalaBear::ZERO
            };
        }
        self.state[8] += KoalaBear::new(m as u32);
        poseidon2_permute_16(&mut self.state);
        self.pending.clear();
        self.output = self.state[..8].to_vec();
        self.output.reverse(); // pop() reads state[0] first
    }
    fn observe(&mut self, x: KoalaBear) {
        self.output.clear();
        self.pending.push(x);
        if self.pending.len() == 8 {
            self.duplex();
        }
    }
    fn sample(&mut self) -> KoalaBear {
        if !self.pending.is_empty() || self.output.is_empty() {
            self.duplex();
        }
        self.output.pop().unwrap()
    }
}

#[test]
fn follows_the_documented_duplex_rules() {
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..50 {
        let mut c = Challenger::new();
        let mut m = Model::new();
        for _ in 0..60 {
            if rng.random_bool(0.6) {
                let x = KoalaBear::new(rng.random());
                c.observe(x);
                m.observe(x);
            } else {
                assert_eq!(c.sample(), m.sample());
            }
        }
        assert_eq!(c.sample(), m.sample());
    }
}

#[test]
fn composite_observations_and_samples_are_element_sequences() {
    let mut rng = StdRng::seed_from_u64(2);
    let e = Ext5::new(core::array::from_fn(|_| KoalaBear::new(rng.random())));
    let d: [KoalaBear; 8] = core::array::from_fn(|_| KoalaBear::new(rng.random()));
    let mut a = Challenger::new();
    a.observe_ext(e);
    a.observe_digest(&d);
    let mut b = Challenger::new();
    b.observe_slice(e.coeffs());
    b.observe_slice(&d);
    assert_eq!(a, b);
    let mut b2 = b.clone();
    let x = a.sample_ext();
    assert_eq!(x.coeffs(), &core::array::from_fn(|_| b.sample()));
    let bits = b2.sample_bits(20);
    assert_eq!(
        bits as u32,
        x.coeffs()[0].as_canonical_u32() & ((1 << 20) - 1)
    );
}

#[test]
fn same_transcript_same_output_and_forks_are_independent() {
    let run = || {
        let mut c = Challenger::new();
        c.observe_slice(&[KoalaBear::new(5), KoalaBear::new(7)]);
        let a = c.sample();
        c.observe(KoalaBear::new(9));
        (c.clone(), a, c.sample_ext(), c.sample_indices(10, 5))
    };
    let (fork, a, e, idx) = run();
    let (_, a2, e2, idx2) = run();
    assert_eq!((a, e, &idx), (a2, e2, &idx2));
    // The fork taken before the samples replays them, and using it leaves the original alone.
    let mut f = fork.clone();
    assert_eq!(f.sample_ext(), e);
    assert_eq!(f.sample_indices(10, 5), idx);
    let mut g = fork.clone();
    g.observe(KoalaBear::ONE);
    assert_ne!(g.sample_ext(), e);
}

#[test]
fn any_change_of_an_observed_value_changes_later_samples() {
    let base: Vec<KoalaBear> = (0..23).map(|i| KoalaBear::new(1000 + i)).collect();
    let outputs = |xs: &[KoalaBear]| {
        let mut c = Challenger::new();
        let mut out = vec![];
        for (i, &x) in xs.iter().enumerate() {
            c.observe(x);
            if i % 5 == 4 {
                out.push(c.sample());
            }
        }
        out.push(c.sample());
        out.extend(
            c.sample_indices(24, 9)
                .iter()
                .map(|&i| KoalaBear::new(i as u32)),
        );
        out
    };
    let want = outputs(&base);
    for k in 0..base.len() {
        let mut xs = base.clone();
        xs[k] += KoalaBear::ONE;
        let got = outputs(&xs);
        // Every sample taken after observing position k differs.
        let first_after = k / 5;
        for j in first_after..want.len() {
            assert_ne!(got[j], want[j], "changed position {k}, sample {j}");
        }
        assert_eq!(got[..first_after], want[..first_after]);
    }
    // Lengths are unambiguous: [a] and [a, 0] give different challenges.
    let mut a = Challenger::new();
    a.observe(KoalaBear::new(3));
    let mut b = Challenger::new();
    b.observe_slice(&[KoalaBear::new(3), KoalaBear::ZERO]);
    assert_ne!(a.sample(), b.sample());
    // So does a sample between observations.
    let mut c = Challenger::new();
    c.observe(KoalaBear::new(3));
    let mut d = c.clone();
    let _ = d.sample();
    c.observe(KoalaBear::new(4));
    d.observe(KoalaBear::new(4));
    assert_ne!(c.sample(), d.sample());
}

#[test]
fn sampled_bits_are_in_range_and_cover_it() {
    let mut c = Challenger::new();
    c.observe(KoalaBear::new(42));
    for bits in 0..=MAX_BITS {
        for _ in 0..20 {
            assert!(c.sample_bits(bits) < 1 << bits);
        }
    }
    let mut seen = [false; 16];
    for i in c.sample_indices(4, 400) {
        seen[i] = true;
    }
    assert!(seen.iter().all(|&s| s), "all 16 values of 4 bits appear");
}

#[test]
#[should_panic(expected = "sample_bits: 25 > 24 bits")]
fn more_than_24_bits_is_refused() {
    Challenger::new().sample_bits(25);
}

/// Grinds from a challenger with `pending` elements already observed (0..8, covering both
/// the duplex-in-observe and the duplex-in-sample cases).
fn with_pending(pending: usize, tag: u32) -> Challenger {
    let mut c = Challenger::new();
    c.observe_slice(&[KoalaBear::new(tag); 11]);
    let _ = c.sample();
    for i in 0..pending {
        c.observe(KoalaBear::new(i as u32 + 100));
    }
    c
}

#[test]
fn grind_finds_the_smallest_nonce_and_check_pow_agrees() {
    for pending in 0..RATE {
        for bits in [0, 1, 5, 9] {
            let start = with_pending(pending, 7);
            let mut prover = start.clone();
            let nonce = prover.grind(Isa::current(), bits);
            let n = nonce.as_canonical_u32();
            // Every smaller nonce fails; the found one passes and leaves the verifier's
            // transcript exactly where the prover's is.
            for smaller in 0..n {
                assert!(
                    !start.clone().check_pow(bits, KoalaBear::new(smaller)),
                    "pending {pending}, bits {bits}: {smaller} < {n} also valid"
                );
            }
            let mut verifier = start.clone();
            assert!(verifier.check_pow(bits, nonce));
            assert_eq!(verifier, prover);
            assert_eq!(verifier.sample(), prover.sample());
            if bits == 0 {
                assert_eq!(n, 0);
            }
        }
    }
}

#[test]
fn check_pow_rejects_wrong_nonces() {
    let start = with_pending(3, 9);
    let bits = 12;
    let nonce = start.clone().grind(Isa::current(), bits);
    let n = nonce.as_canonical_u32();
    let rejected = (0..200u32)
        .map(|d| KoalaBear::new(n + 1 + d))
        .filter(|&x| !start.clone().check_pow(bits, x))
        .count();
    assert!(rejected >= 195, "random nonces pass with probability 2^-12");
    if n > 0 {
        assert!(!start.clone().check_pow(bits, KoalaBear::new(n - 1)));
    }
    // The nonce is bound to the transcript: a different history rejects it (with
    // overwhelming probability for 12 bits and this fixed data).
    assert!(!with_pending(3, 10).check_pow(bits, nonce));
}

#[test]
fn grind_is_identical_on_every_isa_and_thread_count() {
    let (one, two) = common::one_and_two_thread_pools();
    for (pending, bits) in [(0, 14), (7, 13), (4, 16)] {
        let start = with_pending(pending, 11);
        let want = one.install(|| start.clone().grind(Isa::scalar(), bits));
        for isa in Isa::available() {
            for pool in [&one, &two] {
                let mut c = start.clone();
                let got = pool.install(|| c.grind(isa, bits));
                assert_eq!(got, want, "{isa}, {} threads", pool.current_num_threads());
            }
        }
    }
}

/// `observe_bulk` is its definition: the length, then the row-hash digest of each chunk of
/// `BULK_CHUNK` elements (scalar reference sponge), on every ISA; and it depends on every
/// value and on where the block ends.
#[test]
fn bulk_observation_follows_its_definition() {
    let mut rng = StdRng::seed_from_u64(41);
    for len in [
        0,
        1,
        15,
        16,
        17,
        BULK_CHUNK - 1,
        BULK_CHUNK,
        BULK_CHUNK + 1,
        3 * BULK_CHUNK + 77,
    ] {
        let xs: Vec<KoalaBear> = (0..len).map(|_| KoalaBear::new(rng.random())).collect();
        let start = with_pending(len % 8, 5);
        let mut want = start.clone();
        want.observe(KoalaBear::new(len as u32));
        for chunk in xs.chunks(BULK_CHUNK) {
            want.observe_digest(&hash_row(chunk));
        }
        let want_out = want.sample_ext();
        for isa in Isa::available() {
            let mut c = start.clone();
            c.observe_bulk(isa, &xs);
            assert_eq!(c.sample_ext(), want_out, "{isa}, {len} elements");
        }
        if len > 0 {
            let mut changed = xs.clone();
            changed[len / 2] += KoalaBear::ONE;
            let mut c = start.clone();
            c.observe_bulk(Isa::current(), &changed);
            assert_ne!(c.sample_ext(), want_out);
            // The same elements observed as one block or as two blocks differ.
            let mut c = start.clone();
            c.observe_bulk(Isa::current(), &xs[..len / 2]);
            c.observe_bulk(Isa::current(), &xs[len / 2..]);
            assert_ne!(c.sample_ext(), want_out);
        }
    }
}

/// `sample_ext_batch` is its definition: 8 seed samples, then element `k` from the reference
/// permutation of `[seed, k, tag, 0...]`, on every ISA; the transcript moves on by the seed
/// samples only.
#[test]
fn bulk_samples_follow_their_definition() {
    for count in [0usize, 1, 7, 200] {
        let start = with_pending(count % 8, 6);
        let mut model = start.clone();
        let seed: Vec<KoalaBear> = (0..RATE).map(|_| model.sample()).collect();
        let want: Vec<Ext5> = (0..count)
            .map(|k| {
                let mut s = [KoalaBear::ZERO; 16];
                s[..8].copy_from_slice(&seed);
                s[8] = KoalaBear::new(k as u32);
                s[9] = KoalaBear::new(BULK_SAMPLE_TAG);
                poseidon2_permute_16(&mut s);
                Ext5::new([s[0], s[1], s[2], s[3], s[4]])
            })
            .collect();
        let next = model.sample_ext();
        for isa in Isa::available() {
            let mut c = start.clone();
            assert_eq!(c.sample_ext_batch(isa, count), want, "{isa}");
            assert_eq!(c.sample_ext(), next, "{isa}");
        }
        // Distinct elements, and a different transcript gives different ones.
        let mut sorted: Vec<[u32; 5]> = want
            .iter()
            .map(|e| e.coeffs().map(|c| c.as_canonical_u32()))
            .collect();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), count);
        if count > 0 {
            let other = with_pending(count % 8, 7).sample_ext_batch(Isa::current(), count);
            assert_ne!(other[0], want[0]);
        }
    }
}
