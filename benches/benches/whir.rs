//! The v2 polynomial commitment (`lean_prover::v2::whir`) at the default 124-bit schedule
//! (`WhirConfig::upstream`, rate 1/4): commit + open of a random base-field table of `2^v`
//! values against two evaluation claims, and verify. Sizes `v` = 18 and 20 by default
//! (`WHIR_BENCH_VARS=18,20,26` to choose); the proof size and one timed run of each phase
//! are printed first.
//!
//! Run: `cargo bench -p multisig-benches --bench whir` (set `MULTISIG_ISA` for one ISA).

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::{Isa, KoalaBear};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lean_prover::security::whir::WhirConfig;
use lean_prover::v2::mle;
use lean_prover::v2::whir::{
    Claim, WhirCommitment, WhirParams, WhirProof, commit, open, receive_commitment, verify,
};
use multisig_benches::{isas_to_bench, random_elements};
use std::time::{Duration, Instant};

fn sizes() -> Vec<usize> {
    match std::env::var("WHIR_BENCH_VARS") {
        Ok(s) => s.split(',').filter_map(|x| x.trim().parse().ok()).collect(),
        Err(_) => vec![18, 20],
    }
}

fn claims(isa: Isa, table: &[KoalaBear], v: usize) -> Vec<Claim> {
    (0..2u64)
        .map(|j| {
            let point: Vec<Ext5> = random_elements(5 * v, 100 + j)
                .chunks_exact(5)
                .map(|c| Ext5::new([c[0], c[1], c[2], c[3], c[4]]))
                .collect();
            let value = mle::evaluate_base(isa, table, &point).expect("point of v coordinates");
            Claim::evaluation(&point, value)
        })
        .collect()
}

fn prove(
    isa: Isa,
    params: &WhirParams,
    table: &[KoalaBear],
    claims: &[Claim],
) -> (WhirCommitment, WhirProof) {
    let mut ch = Challenger::new();
    let (c, w) = commit(isa, params, table.to_vec(), &mut ch).expect("commit");
    let p = open(isa, w, claims, &mut ch).expect("open");
    (c, p)
}

fn check(isa: Isa, params: &WhirParams, claims: &[Claim], c: &WhirCommitment, p: &WhirProof) {
    let mut ch = Challenger::new();
    let r = receive_commitment(params, c, &mut ch).expect("commitment");
    verify(isa, params, &r, claims, p, &mut ch).expect("verify");
}

fn bench(c: &mut Criterion) {
    for v in sizes() {
        let params = WhirParams::new(WhirConfig::upstream(v, 2)).expect("parameters");
        let table = random_elements(1 << v, 7);
        let mut group = c.benchmark_group(format!("whir/2^{v}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(if v > 22 { 60 } else { 10 }));
        for isa in isas_to_bench() {
            let cl = claims(isa, &table, v);
            let t0 = Instant::now();
            let mut ch = Challenger::new();
            let (cm, w) = commit(isa, &params, table.clone(), &mut ch).expect("commit");
            let t1 = Instant::now();
            let proof = open(isa, w, &cl, &mut ch).expect("open");
            let t2 = Instant::now();
            check(isa, &params, &cl, &cm, &proof);
            let t3 = Instant::now();
            eprintln!(
                "whir/2^{v}/{isa}: queries {:?}, fold grinding {:?} bits, {:.2} bits; \
                 proof {} bytes ({:.1} KiB); one run: commit {:.1} ms, open {:.1} ms, verify {:.2} ms",
                params
                    .rounds
                    .iter()
                    .map(|r| r.num_queries)
                    .collect::<Vec<_>>(),
                params
                    .rounds
                    .iter()
                    .map(|r| r.fold_pow_bits)
                    .collect::<Vec<_>>(),
                params.security_bits(),
                proof.byte_size(),
                proof.byte_size() as f64 / 1024.0,
                (t1 - t0).as_secs_f64() * 1e3,
                (t2 - t1).as_secs_f64() * 1e3,
                (t3 - t2).as_secs_f64() * 1e3,
            );
            group.bench_function(BenchmarkId::new("commit+open", isa), |b| {
                b.iter(|| prove(isa, &params, &table, &cl))
            });
            group.bench_function(BenchmarkId::new("verify", isa), |b| {
                b.iter(|| check(isa, &params, &cl, &cm, &proof))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
