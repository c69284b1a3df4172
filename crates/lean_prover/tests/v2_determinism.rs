//! Proof system v2 (`lean_prover::v2`) makes the same proof bytes under every instruction set
//! and rayon thread count: for the example tables with a public lookup list, and for taller
//! tables whose work is split into several tasks.

mod common;

use backend::{Isa, KoalaBear};
use common::*;
use lean_prover::v2::{prove_v2, verify_v2_bytes};
use lean_prover::{AirBuilder, BusId, Direction, PublicLookup};

/// Proves under every available ISA and each thread count, checks that the bytes are all
/// equal and that they verify.
fn assert_same_bytes(tables: &[Table], lookups: &[PublicLookup<'_>], threads: &[usize]) {
    let mut reference: Option<Vec<u8>> = None;
    for isa in Isa::available() {
        for &k in threads {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .unwrap();
            let bytes = pool
                .install(|| prove_v2(isa, &params(), &witnesses(tables), lookups))
                .unwrap_or_else(|e| panic!("{isa:?}, {k} threads: {e}"))
                .to_bytes();
            match &reference {
                None => {
                    verify_v2_bytes(
                        Isa::current(),
                        &params(),
                        &policy(),
                        &instances(tables),
                        lookups,
                        &bytes,
                    )
                    .unwrap();
                    reference = Some(bytes);
                }
                Some(r) => assert!(*r == bytes, "{isa:?} with {k} threads differs"),
            }
        }
    }
}

/// A 16-row table receiving 13 `(j, j^2 + 7, 3 j + 100)` tuples on bus 11 (an `active`
/// column marks the received rows), and the list that sends them.
fn receiver_with_list() -> (Table, Vec<KoalaBear>, Vec<KoalaBear>) {
    let b = AirBuilder::new("receiver");
    let v = b.columns("v", 3);
    let active = b.column("active");
    let a = b.main(active);
    b.assert_zero(a * (a - b.constant(f(1))));
    let tuple: Vec<_> = v.iter().map(|&c| b.main(c)).collect();
    b.receive(BusId(11), &tuple, a);
    let air = b.build(3).expect("receiver AIR");
    let values: Vec<KoalaBear> = (0..13u32)
        .flat_map(|j| [f(j), f(j * j + 7), f(3 * j + 100)])
        .collect();
    let mut trace = vec![f(0); 16 * 4];
    for (row, t) in trace.chunks_exact_mut(4).zip(values.chunks_exact(3)) {
        row[..3].copy_from_slice(t);
        row[3] = f(1);
    }
    let table = Table {
        air,
        trace,
        publics: vec![],
    };
    (table, values, vec![f(1); 13])
}

#[test]
fn same_bytes_on_every_isa_and_thread_count() {
    let (receiver, values, mults) = receiver_with_list();
    let mut tables = all_examples();
    tables.push(receiver);
    let list = PublicLookup {
        bus: BusId(11),
        direction: Direction::Send,
        tuple_len: 3,
        values: &values,
        multiplicities: &mults,
    };
    assert_same_bytes(&tables, &[list], &[1, 2, 3]);
}

#[test]
fn taller_tables_same_bytes_on_every_isa_and_thread_count() {
    // Tables of 2^13 and 2^12 rows: the fractions, the AIR sumcheck, the column sums and the
    // WHIR encoding split them into several tasks, also with a thread count that is not a
    // power of two (the fractions once cut a 2^12-row table into chunks of 2^12 / 3 rows and
    // overran).
    let tables = [permutation(13, 4), fibonacci(12), permutation(12, 5)];
    assert_same_bytes(&tables, &[], &[1, 2, 3]);
}
