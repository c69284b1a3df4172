//! Merkle commitment and proof-of-work grinding per instruction set.
//!
//! * `merkle/build/2^20x64`: a tree over 2^20 rows of 64 elements, with all rayon threads and
//!   with one thread (throughput = rows);
//! * `merkle/build/2^16x64`: the same for 2^16 rows;
//! * `grind/16bits`: the smallest 16-bit proof-of-work nonce from a fixed transcript (all
//!   threads; expected 2^16 permutations).
//!
//! Run: `cargo bench -p multisig-benches --bench merkle` (set `MULTISIG_ISA` to bench one ISA).

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use backend::KoalaBear;
use backend::challenger::Challenger;
use backend::merkle::MerkleTree;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use multisig_benches::{isas_to_bench, random_elements};
use std::hint::black_box;
use std::time::Duration;

const WIDTH: usize = 64;

fn build(c: &mut Criterion) {
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for log_n in [16u32, 20] {
        let n = 1usize << log_n;
        let values = random_elements(n * WIDTH, log_n as u64);
        let mut group = c.benchmark_group(format!("merkle/build/2^{log_n}x{WIDTH}"));
        group.throughput(Throughput::Elements(n as u64));
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(if log_n >= 20 { 8 } else { 3 }));
        group.sample_size(10);
        for isa in isas_to_bench() {
            let commit = || {
                MerkleTree::from_rows(isa, black_box(values.as_slice()), WIDTH)
                    .unwrap()
                    .root()
            };
            group.bench_function(BenchmarkId::new("all_threads", isa), |b| b.iter(commit));
            group.bench_function(BenchmarkId::new("1_thread", isa), |b| {
                b.iter(|| single.install(commit))
            });
        }
        group.finish();
    }
}

fn grind(c: &mut Criterion) {
    let mut start = Challenger::new();
    start.observe_slice(&random_elements(13, 99));
    let mut group = c.benchmark_group("grind/16bits");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(10);
    for isa in isas_to_bench() {
        group.bench_function(BenchmarkId::from_parameter(isa), |b| {
            b.iter(|| {
                let mut ch = start.clone();
                black_box(ch.grind(isa, 16))
            })
        });
    }
    group.finish();
    let nonce: KoalaBear = start.clone().grind(backend::Isa::scalar(), 16);
    println!("grind/16bits: nonce {nonce} (about {nonce} permutations searched)");
}

criterion_group!(benches, build, grind);
criterion_main!(benches);
