//! `lean_prover` per instruction set: prove and verify a table of `2^16` rows by 64 columns
//! with 64 degree-3 transition constraints (`c_i' = c_i * c_{i+1} + c_{i+2}`, indices mod
//! 64), proof system v2 with the aggregates' standard parameters at rate 1/4
//! (`ParamsV2::standard(2)`, 124 provable bits). The proof size is printed once per ISA.
//!
//! `LEAN_PROVER_BENCH_2_20=1` adds one timed proof (outside criterion, printed) of `2^20`
//! rows per ISA.
//!
//! Run: `cargo bench -p multisig-benches --bench prover` (set `MULTISIG_ISA` for one ISA).

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use backend::KoalaBear;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lean_prover::v2::{ParamsV2, PolicyV2, prove_v2, verify_v2_bytes};
use lean_prover::{Air, AirBuilder, TableWitness};
use multisig_benches::{isas_to_bench, random_elements};
use std::hint::black_box;
use std::time::{Duration, Instant};

const WIDTH: usize = 64;

fn air() -> Air {
    let b = AirBuilder::new("bench");
    let cols = b.columns("c", WIDTH);
    for i in 0..WIDTH {
        let e = b.next(cols[i])
            - b.main(cols[i]) * b.main(cols[(i + 1) % WIDTH])
            - b.main(cols[(i + 2) % WIDTH]);
        b.when_transition(e);
    }
    b.build(3).expect("bench AIR")
}

fn trace(log_n: usize) -> Vec<KoalaBear> {
    let n = 1usize << log_n;
    let mut t = random_elements(WIDTH, 7);
    t.reserve(n * WIDTH);
    for r in 1..n {
        let prev = (r - 1) * WIDTH;
        for i in 0..WIDTH {
            let v = t[prev + i] * t[prev + (i + 1) % WIDTH] + t[prev + (i + 2) % WIDTH];
            t.push(v);
        }
    }
    t
}

fn bench(c: &mut Criterion) {
    let params = ParamsV2::standard(2);
    let policy = PolicyV2::DEFAULT;
    let air = air();
    let log_n = 16;
    let tr = trace(log_n);
    let tables = [TableWitness {
        air: &air,
        trace: &tr,
        public_values: &[],
    }];
    let instances = [tables[0].instance().unwrap()];
    let mut group = c.benchmark_group(format!("prover/2^{log_n}x{WIDTH}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(10));
    for isa in isas_to_bench() {
        let proof = prove_v2(isa, &params, &tables, &[]).unwrap().to_bytes();
        verify_v2_bytes(isa, &params, &policy, &instances, &[], &proof).unwrap();
        eprintln!(
            "prover/2^{log_n}x{WIDTH}/{isa}: proof size {} bytes ({:.1} KiB)",
            proof.len(),
            proof.len() as f64 / 1024.0
        );
        group.bench_function(BenchmarkId::new("prove", isa), |b| {
            b.iter(|| prove_v2(isa, &params, black_box(&tables), &[]).unwrap())
        });
        group.bench_function(BenchmarkId::new("verify", isa), |b| {
            b.iter(|| {
                verify_v2_bytes(isa, &params, &policy, &instances, &[], black_box(&proof)).unwrap()
            })
        });
    }
    group.finish();

    if std::env::var("LEAN_PROVER_BENCH_2_20").is_ok_and(|v| v == "1") {
        let tr = trace(20);
        let tables = [TableWitness {
            air: &air,
            trace: &tr,
            public_values: &[],
        }];
        let instances = [tables[0].instance().unwrap()];
        for isa in isas_to_bench() {
            let start = Instant::now();
            let proof = prove_v2(isa, &params, &tables, &[]).unwrap().to_bytes();
            let proving = start.elapsed();
            let start = Instant::now();
            verify_v2_bytes(isa, &params, &policy, &instances, &[], &proof).unwrap();
            eprintln!(
                "prover/2^20x{WIDTH}/{isa}: prove {proving:.2?}, verify {:.2?}, proof {} bytes",
                start.elapsed(),
                proof.len()
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
