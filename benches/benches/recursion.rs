//! Recursion: a block's Type-2 merge (`rec_aggregation::recursion`) of `K` aggregates of 16
//! fixture signatures each (distinct messages and slots, prod configuration, rate 1/4, the
//! default security): recording the children's verifications (the prover's first step),
//! deriving the outer statement's lists from the children's statements alone (the
//! verifier's), verifying the outer proof (lists included) and proving it. `K` is 9 (a
//! little more work than the block of 8 x 16 + 1 x 1), or `RECURSION_BENCH_CHILDREN`.
//! Only the current instruction set (`MULTISIG_ISA`, or the best available): the block
//! takes seconds per proof.
//!
//! Run: `cargo bench -p multisig-benches --bench recursion`.

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use backend::Isa;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lean_prover::v2::{PolicyV2, ProofV2};
use rec_aggregation::recursion::{
    prove_verifications, record_verifications, verification_lists, verify_verifications,
};
use rec_aggregation::statement::{Statement, Witness, params_v2};
use std::hint::black_box;
use std::time::Duration;
use xmss::Config;

/// Signatures per child.
const SIGNATURES: usize = 16;
/// The children's and the outer proof's `log2(1 / rate)`.
const LOG_INV_RATE: usize = 2;

/// `k` children: fixture signatures proved as aggregates.
fn children(isa: Isa, k: usize) -> Vec<(Statement, ProofV2)> {
    let params = params_v2(LOG_INV_RATE);
    (0..k)
        .map(|c| {
            let mut message = *b"multisig-benches recursion: 0000";
            message[31] = b'0' + (c % 10) as u8;
            message[30] = b'0' + (c / 10 % 10) as u8;
            let slot = 7 + c as u32;
            let pairs = xmss::fixtures::generate(
                isa,
                Config::Prod,
                2026 + c as u64,
                SIGNATURES,
                &message,
                slot,
            )
            .expect("fixture signatures");
            let (keys, sigs): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
            let st = Statement::new(Config::Prod, &message, slot, &keys);
            let proof = Witness::generate(&st, isa, &sigs)
                .prove_v2(&st, &params, isa)
                .expect("child proof");
            (st, proof)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let isa = Isa::current();
    let k = std::env::var("RECURSION_BENCH_CHILDREN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9);
    let children = children(isa, k);
    let refs: Vec<(&Statement, &ProofV2)> = children.iter().map(|(s, p)| (s, p)).collect();
    let statements: Vec<&Statement> = children.iter().map(|(s, _)| s).collect();
    let params = params_v2(LOG_INV_RATE);
    let circuit = record_verifications(isa, LOG_INV_RATE, &refs).expect("children verify");
    let claims = circuit.claims();
    let proof = prove_verifications(isa, &circuit, &params)
        .expect("merge")
        .0
        .to_bytes();
    eprintln!(
        "recursion/{k}x{SIGNATURES}/{isa}: {} operations, proof {} bytes",
        circuit.num_ops(),
        proof.len()
    );
    let mut group = c.benchmark_group(format!("recursion/{k}x{SIGNATURES}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    group.bench_function(BenchmarkId::new("record", isa), |b| {
        b.iter(|| record_verifications(isa, LOG_INV_RATE, black_box(&refs)).unwrap())
    });
    group.bench_function(BenchmarkId::new("verifier_lists", isa), |b| {
        b.iter(|| verification_lists(isa, LOG_INV_RATE, black_box(&statements), &claims).unwrap())
    });
    group.bench_function(BenchmarkId::new("verify", isa), |b| {
        b.iter(|| {
            verify_verifications(
                isa,
                LOG_INV_RATE,
                black_box(&statements),
                &claims,
                &params,
                &PolicyV2::DEFAULT,
                &proof,
            )
            .unwrap()
        })
    });
    group.measurement_time(Duration::from_secs(40));
    group.bench_function(BenchmarkId::new("merge", isa), |b| {
        b.iter(|| {
            let circuit = record_verifications(isa, LOG_INV_RATE, black_box(&refs)).unwrap();
            prove_verifications(isa, &circuit, &params).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
