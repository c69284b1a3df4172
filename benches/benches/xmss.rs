//! Devnet4 XMSS: verification (scalar single, and batched per ISA), signing and prod key
//! generation for the minimum activation window. Single-threaded except key generation
//! (rayon over leaves), so verification throughput is per core.
//!
//! Run: `cargo bench -p multisig-benches --bench xmss` (add `-- --quick`, or a filter such as
//! `-- verify/prod`; set `MULTISIG_ISA` to bench one ISA). `keygen/prod_min_window` takes
//! about 15 s per iteration on a 2-core machine and runs 10 iterations.

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use backend::Isa;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use multisig_benches::isas_to_bench;
use std::hint::black_box;
use std::time::Duration;
use xmss::{
    Config, PublicKey, Signature, fixtures, keypair_generate, verify_batch, verify_reference,
};

const BATCH: usize = 64;
const MSG: [u8; 32] = [0xab; 32];
const EPOCH: u32 = 5;

fn verification(c: &mut Criterion) {
    for config in Config::ALL {
        let fx = fixtures::generate(Isa::best(), config, 7, BATCH, &MSG, EPOCH).unwrap();
        let items: Vec<(&PublicKey, &Signature)> = fx.iter().map(|(p, s)| (p, s)).collect();
        let mut group = c.benchmark_group(format!("xmss/verify/{config}"));
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        group.sample_size(20);
        group.throughput(Throughput::Elements(1));
        group.bench_function("single_textbook_reference", |b| {
            b.iter(|| verify_reference(config, items[0].0, EPOCH, &MSG, items[0].1).unwrap())
        });
        for isa in isas_to_bench() {
            group.throughput(Throughput::Elements(1));
            group.bench_function(BenchmarkId::new("batch1", isa), |b| {
                b.iter(|| verify_batch(isa, config, &MSG, EPOCH, black_box(&items[..1])))
            });
            group.throughput(Throughput::Elements(BATCH as u64));
            group.bench_function(BenchmarkId::new(format!("batch{BATCH}"), isa), |b| {
                b.iter(|| {
                    let r = verify_batch(isa, config, &MSG, EPOCH, black_box(&items));
                    assert!(r.iter().all(|x| x.is_ok()));
                    r
                })
            });
        }
        group.finish();
    }
}

fn signing(c: &mut Criterion) {
    let mut group = c.benchmark_group("xmss/sign");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    for config in Config::ALL {
        for isa in isas_to_bench() {
            group.bench_function(BenchmarkId::new(config.name(), isa), |b| {
                // Key generation only when this benchmark is selected (prod: ~15 s).
                let (_, sk) = keypair_generate(config, b"bench", 0, 1).unwrap();
                let mut m = MSG;
                let mut k = 0u8;
                b.iter(|| {
                    // A new message each time: the randomness search varies as in real use.
                    k = k.wrapping_add(1);
                    m[0] = k;
                    sk.sign(isa, EPOCH, &m).unwrap()
                })
            });
        }
    }
    group.finish();
}

fn keygen(c: &mut Criterion) {
    let mut group = c.benchmark_group("xmss/keygen");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1));
    group.bench_function("test_full_lifetime", |b| {
        b.iter(|| keypair_generate(Config::Test, b"bench", 0, 256).unwrap())
    });
    group.bench_function("prod_min_window", |b| {
        b.iter(|| keypair_generate(Config::Prod, b"bench", 0, 1).unwrap())
    });
    group.finish();
}

criterion_group!(benches, verification, signing, keygen);
criterion_main!(benches);
