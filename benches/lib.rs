//! Shared helpers for the criterion benchmarks in this directory (`cargo bench` at the root).

#![forbid(unsafe_code)]

use backend::{Isa, KoalaBear};

/// Deterministic pseudo-random field elements (splitmix64), so every run measures the same data.
pub fn random_elements(n: usize, seed: u64) -> Vec<KoalaBear> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            KoalaBear::from_u64(z ^ (z >> 31))
        })
        .collect()
}

/// The instruction sets to benchmark: every available one, or only `MULTISIG_ISA` if it is set.
pub fn isas_to_bench() -> Vec<Isa> {
    match std::env::var(backend::isa::ISA_ENV_VAR) {
        Ok(v) if !v.trim().is_empty() && !v.eq_ignore_ascii_case("auto") => {
            vec![Isa::current()]
        }
        _ => Isa::available(),
    }
}

/// The two pools the thread-scaling benchmarks run in, with the group-name label of each:
/// `("1-thread", one thread)` and `("all-threads", rayon's default size)`.
pub fn thread_pools() -> [(&'static str, rayon::ThreadPool); 2] {
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a rayon pool can be built")
    };
    [("1-thread", pool(1)), ("all-threads", pool(0))]
}
