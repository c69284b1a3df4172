//! Extension-field kernel benchmarks, per available instruction set: `Ext5 x Ext5` products,
//! `Ext5 x base` products, the `Ext5 . base` dot product and `acc += s * base` (the prover's
//! DEEP row reduction and constraint folding), and a 64-column linear combination, on `2^12`
//! and `2^20` elements.
//!
//! Run with `cargo bench -p multisig-benches --bench ext` (set `MULTISIG_ISA` to bench one
//! instruction set only).

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use backend::KoalaBear;
use backend::field::Ext5;
use backend::kernels::ext;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use multisig_benches::{isas_to_bench, random_elements};
use std::hint::black_box;

const LOG_SIZES: [u32; 2] = [12, 20];
const COLUMNS: usize = 64;

fn random_ext(n: usize, seed: u64) -> Vec<Ext5> {
    random_elements(5 * n, seed)
        .chunks_exact(5)
        .map(|c| Ext5::new([c[0], c[1], c[2], c[3], c[4]]))
        .collect()
}

fn bench_mul(c: &mut Criterion) {
    let mut g = c.benchmark_group("ext_mul");
    for log_n in LOG_SIZES {
        let n = 1usize << log_n;
        let a = random_ext(n, 1);
        let b = random_ext(n, 2);
        let mut out = vec![Ext5::ZERO; n];
        g.throughput(Throughput::Elements(n as u64));
        for isa in isas_to_bench() {
            g.bench_with_input(BenchmarkId::new(isa.to_string(), n), &n, |bch, _| {
                bch.iter(|| ext::mul(isa, &mut out, &a, &b))
            });
        }
    }
    g.finish();
}

fn bench_mul_base(c: &mut Criterion) {
    let mut g = c.benchmark_group("ext_mul_base");
    for log_n in LOG_SIZES {
        let n = 1usize << log_n;
        let a = random_ext(n, 3);
        let b = random_elements(n, 4);
        let mut out = vec![Ext5::ZERO; n];
        g.throughput(Throughput::Elements(n as u64));
        for isa in isas_to_bench() {
            g.bench_with_input(BenchmarkId::new(isa.to_string(), n), &n, |bch, _| {
                bch.iter(|| ext::mul_base(isa, &mut out, &a, &b))
            });
        }
    }
    g.finish();
}

fn bench_dot_base(c: &mut Criterion) {
    let mut g = c.benchmark_group("ext_dot_base");
    for log_n in LOG_SIZES {
        let n = 1usize << log_n;
        let a = random_ext(n, 6);
        let b = random_elements(n, 7);
        g.throughput(Throughput::Elements(n as u64));
        for isa in isas_to_bench() {
            g.bench_with_input(BenchmarkId::new(isa.to_string(), n), &n, |bch, _| {
                bch.iter(|| ext::dot_base(isa, black_box(&a), black_box(&b)))
            });
        }
    }
    g.finish();
}

fn bench_axpy_base(c: &mut Criterion) {
    let mut g = c.benchmark_group("ext_axpy_base");
    for log_n in LOG_SIZES {
        let n = 1usize << log_n;
        let mut acc = random_ext(n, 8);
        let x = random_elements(n, 9);
        let s = random_ext(1, 10)[0];
        g.throughput(Throughput::Elements(n as u64));
        for isa in isas_to_bench() {
            g.bench_with_input(BenchmarkId::new(isa.to_string(), n), &n, |bch, _| {
                bch.iter(|| ext::axpy_base(isa, &mut acc, s, black_box(&x)))
            });
        }
    }
    g.finish();
}

fn bench_linear_combination(c: &mut Criterion) {
    let mut g = c.benchmark_group("ext_linear_combination_64");
    g.sample_size(10);
    for log_n in LOG_SIZES {
        let n = 1usize << log_n;
        let columns: Vec<Vec<KoalaBear>> = (0..COLUMNS)
            .map(|i| random_elements(n, 100 + i as u64))
            .collect();
        let cols: Vec<&[KoalaBear]> = columns.iter().map(|c| c.as_slice()).collect();
        let coeffs = random_ext(COLUMNS, 5);
        let mut out = vec![Ext5::ZERO; n];
        // Throughput in rows; each row reads 64 base elements.
        g.throughput(Throughput::Elements(n as u64));
        for isa in isas_to_bench() {
            g.bench_with_input(BenchmarkId::new(isa.to_string(), n), &n, |bch, _| {
                bch.iter(|| ext::linear_combination(isa, &mut out, &coeffs, &cols))
            });
        }
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_mul,
    bench_mul_base,
    bench_dot_base,
    bench_axpy_base,
    bench_linear_combination
);
criterion_main!(benches);
