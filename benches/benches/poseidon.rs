//! Poseidon permutations per instruction set: a batch of 2^12 independent states,
//! single-threaded, through the dispatched batch API (throughput = permutations), plus the
//! textbook scalar reference (one state at a time, dense MDS) for comparison.
//!
//! Run: `cargo bench -p multisig-benches --bench poseidon` (set `MULTISIG_ISA` to bench one ISA).

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use backend::KoalaBear;
use backend::poseidon::Permutation;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use multisig_benches::{isas_to_bench, random_elements};
use std::hint::black_box;
use std::time::Duration;

const LOG_N: u32 = 12;

fn name(perm: Permutation) -> &'static str {
    match perm {
        Permutation::Poseidon1W16 => "poseidon1_16",
        Permutation::Poseidon1W24 => "poseidon1_24",
        Permutation::Poseidon2W16 => "poseidon2_16",
        Permutation::Poseidon2W24 => "poseidon2_24",
    }
}

fn permutations(c: &mut Criterion) {
    let n = 1usize << LOG_N;
    for perm in Permutation::ALL {
        let t = perm.width();
        let input = random_elements(n * t, t as u64);
        let mut states = input.clone();
        let mut group = c.benchmark_group(format!("poseidon/{}", name(perm)));
        group.throughput(Throughput::Elements(n as u64));
        for isa in isas_to_bench() {
            group.bench_function(BenchmarkId::new("batch", isa), |bench| {
                bench.iter(|| perm.permute_batch(isa, black_box(&mut states)))
            });
        }
        // The textbook reference, one state at a time (dense MDS every round).
        let mut few: Vec<KoalaBear> = input[..t * 64].to_vec();
        group.throughput(Throughput::Elements(64));
        group.bench_function("textbook_reference", |bench| {
            bench.iter(|| {
                for s in few.chunks_exact_mut(t) {
                    perm.permute(black_box(s));
                }
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // Defaults in the group config, so `--warm-up-time` / `--measurement-time` /
    // `--sample-size` override them.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    targets = permutations
}
criterion_main!(benches);
