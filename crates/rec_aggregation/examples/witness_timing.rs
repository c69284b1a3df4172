//! Times witness generation: `cargo run --release -p rec_aggregation --example witness_timing
//! -- N [REPS]` prints the first `Tables::get` (AIR construction), `Statement::new` and the
//! median of `REPS` runs of `Witness::generate` on `N` fixture signatures (prod), and a
//! digest of the traces (to compare builds).

use backend::Isa;
use rec_aggregation::statement::{Statement, Tables, Witness};
use std::time::Instant;
use xmss::{Config, fixtures};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(1000, |s| s.parse().expect("N"));
    let reps: usize = args.next().map_or(5, |s| s.parse().expect("REPS"));
    let isa = Isa::current();
    let config = Config::Prod;
    let message = *b"multisig bench: one message/slot";
    let slot = 0;
    let pairs = fixtures::generate(isa, config, 2026, n, &message, slot).expect("fixtures");
    let (keys, sigs): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
    let t = Instant::now();
    Tables::get(config);
    let tables_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let st = Statement::new(config, &message, slot, &keys);
    let statement_ms = t.elapsed().as_secs_f64() * 1e3;
    let mut times = Vec::new();
    let mut digest = 0u64;
    for _ in 0..reps {
        let t = Instant::now();
        let w = Witness::generate(&st, isa, &sigs);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        digest = 0;
        for tr in &w.traces {
            for x in tr {
                digest = digest
                    .wrapping_mul(0x100_0000_01b3)
                    .wrapping_add(u64::from(x.as_canonical_u32()));
            }
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "N={n} isa={isa} tables {tables_ms:.1} ms, statement {statement_ms:.1} ms, witness median {:.1} ms (min {:.1}, max {:.1}, {reps} runs), digest {digest:016x}",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
