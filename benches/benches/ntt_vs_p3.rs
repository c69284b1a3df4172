//! Our dispatched NTT (best instruction set) against Plonky3's `p3-dft` on 2^20 x 1 and
//! 2^20 x 64, forward, one thread and all threads.
//!
//! Both Plonky3 transforms return their evaluations as a bit-reversed view of a bit-reversed
//! buffer (no final reordering pass), so the like-for-like comparison is our
//! `forward_to_bit_reversed` (`ours-bitrev`); `ours-natural` adds our reordering pass.
//! Plonky3 consumes its input matrix, so its input is cloned outside the timed region.
//!
//! For a fair comparison Plonky3 must be compiled for this CPU: run
//! `scripts/bench-ntt-vs-p3.sh` (a separate, measurement-only `target-cpu=native` build).

// `criterion_group!` defines an undocumented `pub fn` per group.
#![allow(missing_docs)]

use std::time::Duration;

use backend::Isa;
use backend::ntt;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use multisig_benches::{random_elements, thread_pools};
use p3_dft::{Radix2DitParallel, TwoAdicSubgroupDft};
use p3_field::PrimeField32;
use p3_matrix::dense::RowMajorMatrix;
use p3_monty_31::dft::RecursiveDft;

type P3 = p3_koala_bear::KoalaBear;

const LOG_N: usize = 20;

fn run(c: &mut Criterion, pool: &rayon::ThreadPool, threads: &str) {
    let isa = Isa::current();
    let mut group = c.benchmark_group(format!("ntt-vs-p3/forward/{threads}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for width in [1usize, 64] {
        let shape = format!("2^{LOG_N}x{width}");
        let ours = random_elements(width << LOG_N, 3);
        let theirs = RowMajorMatrix::new(
            ours.iter()
                .map(|x| P3::new(x.as_canonical_u32()))
                .collect::<Vec<_>>(),
            width,
        );
        assert!(theirs.values[5].as_canonical_u32() == ours[5].as_canonical_u32());

        let mut data = ours.clone();
        group.bench_function(
            BenchmarkId::new(format!("ours-natural-{isa}"), &shape),
            |b| pool.install(|| b.iter(|| ntt::forward(isa, &mut data, width))),
        );
        group.bench_function(
            BenchmarkId::new(format!("ours-bitrev-{isa}"), &shape),
            |b| pool.install(|| b.iter(|| ntt::forward_to_bit_reversed(isa, &mut data, width))),
        );

        let radix2 = Radix2DitParallel::<P3>::default();
        group.bench_function(BenchmarkId::new("p3-radix2-dit-parallel", &shape), |b| {
            pool.install(|| {
                b.iter_batched(
                    || theirs.clone(),
                    |m| radix2.dft_batch(m),
                    BatchSize::LargeInput,
                )
            })
        });
        let recursive = RecursiveDft::<P3>::new(1 << LOG_N);
        group.bench_function(BenchmarkId::new("p3-recursive-dft", &shape), |b| {
            pool.install(|| {
                b.iter_batched(
                    || theirs.clone(),
                    |m| recursive.dft_batch(m),
                    BatchSize::LargeInput,
                )
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    for (label, pool) in thread_pools() {
        run(c, &pool, label);
    }
}

criterion_group!(ntt_vs_p3, benches);
criterion_main!(ntt_vs_p3);
