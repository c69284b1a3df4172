//! The batched Poseidon-table traces (`trace`, `trace_for_inputs`, `trace_for_split_inputs`,
//! computed batch by batch on the dispatched kernels with the partial rounds collapsed into
//! affine maps) equal, cell by cell, the round-by-round reference `fill_row`, on every
//! instruction set, in every output mode, for lengths around the batch size.

use backend::{Isa, KoalaBear};
use rec_aggregation::poseidon_table::{
    Poseidon1Table, poseidon1_16_compress_table, poseidon1_24_prefix_table,
};
use rec_aggregation::{poseidon1_16_table, poseidon1_24_table};

mod common;
use common::Rng;

/// Row counts: empty, tiny, and around one and two batches (256 rows) and the padding.
const LENGTHS: [usize; 7] = [0, 1, 5, 255, 256, 257, 600];

/// The trace the reference builds: `fill_row` per request, the zero permutation of
/// multiplicity 0 on padding rows, `(mult, short_mult)` per row.
fn reference<const T: usize>(
    table: &Poseidon1Table<T>,
    inputs: &[[KoalaBear; T]],
    mults: &[(u32, u32)],
) -> Vec<KoalaBear> {
    let w = table.width();
    let height = inputs.len().next_power_of_two().max(4);
    let mut trace = vec![KoalaBear::ZERO; height * w];
    let zero = [KoalaBear::ZERO; T];
    for (k, row) in trace.chunks_exact_mut(w).enumerate() {
        let (input, (mult, short)) = match inputs.get(k) {
            Some(x) => (x, mults[k]),
            None => (&zero, (0, 0)),
        };
        table.fill_row(input, KoalaBear::new(mult), row);
        if let Some(c) = table.columns().short_mult {
            row[c.0] = KoalaBear::new(short);
        }
    }
    trace
}

/// Compares two traces, naming the first differing row and column.
fn assert_same<const T: usize>(table: &Poseidon1Table<T>, got: &[KoalaBear], want: &[KoalaBear]) {
    assert_eq!(got.len(), want.len(), "trace length");
    let w = table.width();
    if let Some(k) = (0..got.len()).find(|&k| got[k] != want[k]) {
        panic!(
            "{}: row {} column {}: {:?} != {:?}",
            table.air().name(),
            k / w,
            k % w,
            got[k],
            want[k]
        );
    }
}

fn check_table<const T: usize>(table: &Poseidon1Table<T>, seed: u64) {
    let mut rng = Rng(seed);
    for isa in Isa::available() {
        for n in LENGTHS {
            let inputs: Vec<[KoalaBear; T]> = (0..n).map(|_| rng.state_with_edges()).collect();
            // Every input with multiplicity 1.
            let ones = vec![(1, 0); n];
            let want = reference(table, &inputs, &ones);
            assert_same(table, &table.trace_for_inputs(isa, &inputs), &want);
            // Explicit multiplicities.
            let requests: Vec<([KoalaBear; T], u32)> = inputs
                .iter()
                .map(|x| (*x, (rng.next() % 5) as u32))
                .collect();
            let mults: Vec<(u32, u32)> = requests.iter().map(|r| (r.1, 0)).collect();
            let want = reference(table, &inputs, &mults);
            assert_same(table, &table.trace(isa, &requests), &want);
            // A split into long and short requests (tables with a shorter prefix only).
            if table.columns().short_mult.is_some() {
                let split = n / 3;
                let mults: Vec<(u32, u32)> = (0..n)
                    .map(|k| if k < split { (1, 0) } else { (0, 1) })
                    .collect();
                let want = reference(table, &inputs, &mults);
                let got = table.trace_for_split_inputs(isa, &inputs[..split], &inputs[split..]);
                assert_same(table, &got, &want);
            }
        }
    }
}

#[test]
fn batched_width_16_traces_equal_the_reference() {
    check_table(&poseidon1_16_table(), 1);
    check_table(&poseidon1_16_compress_table(), 2);
}

#[test]
fn batched_width_24_traces_equal_the_reference() {
    check_table(&poseidon1_24_table(), 3);
    check_table(&poseidon1_24_prefix_table(), 4);
}
