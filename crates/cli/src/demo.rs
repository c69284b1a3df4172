//! `multisig demo`: the main job on a built-in default.
//!
//! Aggregation does not exist yet (see the open issues), so the demo exercises what the
//! workspace has today: the run-time dispatched arithmetic core. On every instruction set the
//! CPU offers it runs the same workload, checks that every path produced identical bits, and
//! reports time and throughput for each.

use backend::{Isa, KoalaBear, kernels};
use std::time::Instant;

/// Arguments of `multisig demo`.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// log2 of the number of field elements in the workload.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(4..=26))]
    log_size: u32,
}

/// Deterministic pseudo-random elements (splitmix64).
fn elements(n: usize, mut state: u64) -> Vec<KoalaBear> {
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            KoalaBear::from_u64(z ^ (z >> 31))
        })
        .collect()
}

/// One ISA's results: output fingerprint and timings.
struct Run {
    isa: Isa,
    products: Vec<KoalaBear>,
    mul_secs: f64,
    inv_secs: f64,
}

/// Runs `multisig demo`.
pub fn run(args: &DemoArgs) -> Result<(), backend::IsaError> {
    let chosen = Isa::selected()?;
    let n = 1usize << args.log_size;
    println!("multisig demo: dispatched KoalaBear kernels on 2^{} elements", args.log_size);
    println!("chosen ISA: {chosen} (available: {})", names(&Isa::available()));
    let a = elements(n, 1);
    let b = elements(n, 2);
    let mut runs = Vec::new();
    for isa in Isa::available() {
        let mut products = vec![KoalaBear::ZERO; n];
        let t = Instant::now();
        kernels::mul(isa, &mut products, &a, &b);
        let mul_secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let inverses = kernels::batch_inverse_vec(isa, &products);
        let inv_secs = t.elapsed().as_secs_f64();
        // Every non-zero product times its inverse must be one.
        let mut check = vec![KoalaBear::ZERO; n];
        kernels::mul(isa, &mut check, &products, &inverses);
        let bad = check
            .iter()
            .zip(&products)
            .filter(|(c, p)| **p != KoalaBear::ZERO && **c != KoalaBear::ONE)
            .count();
        assert_eq!(bad, 0, "{isa}: {bad} inverses are wrong");
        runs.push(Run {
            isa,
            products,
            mul_secs,
            inv_secs,
        });
    }
    let reference = &runs[0].products;
    println!("{:<8} {:>12} {:>14} {:>12}", "isa", "mul (Melem/s)", "inverse (Melem/s)", "identical");
    for r in &runs {
        println!(
            "{:<8} {:>12.0} {:>14.0} {:>12}",
            r.isa.to_string(),
            n as f64 / r.mul_secs / 1e6,
            n as f64 / r.inv_secs / 1e6,
            if &r.products == reference { "yes" } else { "NO" }
        );
    }
    if runs.iter().any(|r| &r.products != reference) {
        eprintln!("multisig demo: instruction sets disagree; this is a bug");
        std::process::exit(1);
    }
    println!("all instruction sets produced identical results");
    Ok(())
}

fn names(isas: &[Isa]) -> String {
    isas.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}
