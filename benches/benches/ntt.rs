//! NTT benchmarks per instruction set: forward NTT (natural order in and out) and coset LDE
//! (blowup 2, natural order) of 2^16 and 2^20 rows by 1 and 64 columns.
//!
//! Groups are named `ntt/<op>/<threads>`, benchmarks `<isa>/2^<log rows>x<width>`, e.g.
//! `cargo bench -p multisig-benches --bench ntt -- 'ntt/forward/1-thread/avx512/2\^20x1'`.
//! `1-thread` runs inside a one-thread rayon pool; `all-threads` uses the global pool.
//! Set `MULTISIG_ISA` to benchmark only one instruction set.

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use std::time::Duration;

use backend::KoalaBear;
use backend::ntt::{self, Order};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use multisig_benches::{isas_to_bench, random_elements, thread_pools};

const SHAPES: [(usize, usize); 4] = [(16, 1), (16, 64), (20, 1), (20, 64)];

fn run(c: &mut Criterion, pool: &rayon::ThreadPool, threads: &str) {
    let isas = isas_to_bench();
    let mut group = c.benchmark_group(format!("ntt/forward/{threads}"));
    for (log_n, width) in SHAPES {
        let mut data = random_elements(width << log_n, 1);
        group.throughput(Throughput::Elements((width << log_n) as u64));
        for &isa in &isas {
            let id = BenchmarkId::new(isa.to_string(), format!("2^{log_n}x{width}"));
            group.bench_function(id, |b| {
                pool.install(|| b.iter(|| ntt::forward(isa, &mut data, width)))
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group(format!("ntt/lde-blowup2/{threads}"));
    for (log_n, width) in SHAPES {
        let data = random_elements(width << log_n, 2);
        group.throughput(Throughput::Elements((width << log_n) as u64));
        for &isa in &isas {
            let id = BenchmarkId::new(isa.to_string(), format!("2^{log_n}x{width}"));
            group.bench_function(id, |b| {
                pool.install(|| {
                    b.iter(|| -> Vec<KoalaBear> { ntt::lde(isa, &data, width, 1, Order::Natural) })
                })
            });
        }
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    for (label, pool) in thread_pools() {
        run(c, &pool, label);
    }
}

criterion_group! {
    name = ntt_benches;
    // Defaults in the group config, so `--warm-up-time` / `--measurement-time` /
    // `--sample-size` override them.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = benches
}
criterion_main!(ntt_benches);
