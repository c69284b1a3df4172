//! Base-field slice kernels per instruction set: mul and multiply-add on 2^12 (cache-resident)
//! and 2^20 elements, plus add, dot product and batch inversion.
//!
//! Run: `cargo bench -p multisig-benches --bench kernels` (set `MULTISIG_ISA` to bench one ISA).

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use backend::{KoalaBear, kernels};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use multisig_benches::{isas_to_bench, random_elements};
use std::hint::black_box;
use std::time::Duration;

fn base_kernels(c: &mut Criterion) {
    for log_n in [12u32, 20] {
        let n = 1usize << log_n;
        let a = random_elements(n, 1);
        let b = random_elements(n, 2);
        let d = random_elements(n, 3);
        let mut out = vec![KoalaBear::ZERO; n];
        let mut group = c.benchmark_group(format!("kernels/2^{log_n}"));
        group.throughput(Throughput::Elements(n as u64));
        for isa in isas_to_bench() {
            group.bench_function(BenchmarkId::new("mul", isa), |bench| {
                bench.iter(|| kernels::mul(isa, &mut out, black_box(&a), black_box(&b)))
            });
            group.bench_function(BenchmarkId::new("mul_add", isa), |bench| {
                bench.iter(|| kernels::mul_add(isa, &mut out, black_box(&a), black_box(&b), &d))
            });
            group.bench_function(BenchmarkId::new("add", isa), |bench| {
                bench.iter(|| kernels::add(isa, &mut out, black_box(&a), black_box(&b)))
            });
            group.bench_function(BenchmarkId::new("dot", isa), |bench| {
                bench.iter(|| kernels::dot(isa, black_box(&a), black_box(&b)))
            });
            group.bench_function(BenchmarkId::new("batch_inverse", isa), |bench| {
                bench.iter(|| kernels::batch_inverse(isa, &mut out, black_box(&a)))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // Defaults in the group config, so `--warm-up-time` / `--measurement-time` override them.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = base_kernels
}
criterion_main!(benches);
