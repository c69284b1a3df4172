//! Circuits over `K` (`rec_aggregation::circuit`): a recorded circuit with observations,
//! challenges, operations, constants and assertions proves and verifies with lean_prover v2;
//! its lists depend only on its structure; forged operation rows, wirings, padding rows, link
//! rows and false assertions are refused by the prover and, proved anyway, rejected.

mod common;

use backend::field::Ext5;
use backend::{Isa, KoalaBear as F};
use common::{Rng, Table, prove_and_verify_with, prover_verdict_with};
use lean_prover::v2::ErrorV2;
use rec_aggregation::circuit::{
    CIRCUIT_TABLES, Circuit, CircuitError, CircuitStatement, LinkTable, OP_TABLE_PARTS, OpTable,
    PATH_TABLE_PARTS, QUERY_MAX_BITS, QueryTable, SPLIT_MIN, Wire, op_part_rows, path_part_rows,
};

fn ext(rng: &mut Rng) -> Ext5 {
    Ext5::new(rng.state::<5>())
}

/// A circuit whose structure comes from `shape` and whose observed values from `values`:
/// observations, samples, a chain of random operations over all wires so far, assertions
/// that hold, an observation of a computed wire, and a final sample.
fn record(shape: u64, values: u64) -> Circuit {
    let mut s = Rng(shape);
    let mut v = Rng(values);
    let mut c = Circuit::new();
    c.observe_known(F::new(7));
    let mut wires: Vec<Wire> = Vec::new();
    for _ in 0..3 {
        for _ in 0..1 + s.next() % 4 {
            wires.push(c.observe(ext(&mut v)));
        }
        wires.push(c.sample_ext());
        for _ in 0..5 + s.next() % 10 {
            let pick = |s: &mut Rng| wires[(s.next() % wires.len() as u64) as usize];
            let (a, b, d) = (pick(&mut s), pick(&mut s), pick(&mut s));
            let w = match s.next() % 5 {
                0 => c.mul(a, b),
                1 => c.add(a, b),
                2 => c.sub(a, b),
                3 => c.scale(a, F::new(3)),
                _ => c.fma(a, b, d),
            };
            wires.push(w);
        }
        let last = *wires.last().unwrap();
        c.observe_wire(last);
    }
    let (a, b, d) = (wires[0], wires[1], wires[2]);
    let x = c.fma(a, b, d);
    c.assert_fma(a, b, d, x);
    let k = c.constant(Ext5::new([F::new(5), F::ONE, F::ZERO, F::new(9), F::ZERO]));
    let y = c.mul(x, k);
    let zero = c.constant(Ext5::ZERO);
    let y2 = c.fma(k, x, zero);
    c.assert_eq(y, y2);
    c.sample_ext();
    assert_eq!(c.failed_check(), None);
    c
}

fn tables(st: &CircuitStatement) -> Vec<Table> {
    common::circuit_tables(st)
}

/// The prover refuses `t` (with the error `expect` names) and the verifier rejects a proof
/// of it made by the unchecked prover, both under `st`'s lists.
fn refused_and_rejected(what: &str, t: &[Table], st: &CircuitStatement, constraint: bool) {
    let lists = st.lists.lookups();
    match prover_verdict_with(t, &lists) {
        Err(ErrorV2::ConstraintFailed { .. }) if constraint => {}
        Err(ErrorV2::Unbalanced) if !constraint => {}
        other => panic!("{what}: prover said {other:?}"),
    }
    assert!(
        prove_and_verify_with(t, false, &lists, &lists).is_err(),
        "{what}: verifier accepted"
    );
}

#[test]
fn a_recorded_circuit_proves_and_verifies() {
    for seed in 0..3 {
        let c = record(seed, 100 + seed);
        let st = c.statement(Isa::current()).unwrap();
        assert_eq!(st.tables[0].air.width(), 22);
        assert_eq!(st.tables[1].air.width(), 20);
        let t = tables(&st);
        let lists = st.lists.lookups();
        prover_verdict_with(&t, &lists).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        prove_and_verify_with(&t, true, &lists, &lists)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
}

#[test]
fn operations_fill_parts_with_little_padding() {
    for count in (0..20_000).step_by(97).chain([
        SPLIT_MIN,
        SPLIT_MIN + 1,
        1 << 17,
        (1 << 17) + 1,
        237_312,
        1 << 20,
    ]) {
        let parts = op_part_rows(count);
        assert_eq!(parts.iter().sum::<usize>(), count, "{count}");
        let rows: usize = parts.iter().map(|&p| p.next_power_of_two()).sum();
        if count <= SPLIT_MIN {
            assert_eq!(parts[1..], [0; OP_TABLE_PARTS - 1], "{count}");
        } else {
            // Every part but the last is full; the last at most doubles: with five parts the
            // padding is under 1/16 of the operations.
            for &p in &parts[..OP_TABLE_PARTS - 1] {
                assert!(p == 0 || p.is_power_of_two(), "{count}: {parts:?}");
            }
            assert!(16 * (rows - count) <= count, "{count}: {parts:?}");
        }
    }
    assert_eq!(
        op_part_rows(237_312),
        [1 << 17, 1 << 16, 1 << 15, 1 << 12, 3_840],
        "the module docs' example"
    );
}

#[test]
fn merkle_paths_fill_parts_whole() {
    // 458 paths of depths 16 to 21 (8,469 levels: whole paths filling 2^13 rows, the rest in
    // a second part, against one table of 2^14 rows).
    let depths: Vec<usize> = (0..458).map(|i| 16 + (i * 7) % 6).collect();
    let parts = path_part_rows(&depths);
    assert_eq!(parts.iter().map(|p| p.0).sum::<usize>(), depths.len());
    let mut start = 0;
    for &(paths, rows) in &parts {
        assert_eq!(rows, depths[start..start + paths].iter().sum::<usize>());
        start += paths;
    }
    assert!(
        parts[0].1 <= 1 << 13 && parts[0].1 + 21 > 1 << 13,
        "{parts:?}"
    );
    assert!(parts[1].1 <= 1 << 10, "{parts:?}");
    // Few levels: one part.
    let few = path_part_rows(&[20; 100]);
    assert_eq!(few[0], (100, 2000));
    assert_eq!(few[1..], [(0, 0); PATH_TABLE_PARTS - 1]);
}

#[test]
fn operations_in_several_parts_prove_and_a_forged_row_in_a_later_part_is_rejected() {
    // A chain of operations long enough to fill two parts or more.
    let mut c = Circuit::new();
    let x = c.observe(Ext5::new([F::new(3), F::ONE, F::ZERO, F::ZERO, F::new(2)]));
    let mut acc = c.sample_ext();
    for _ in 0..SPLIT_MIN + 1000 {
        acc = c.fma(acc, x, x);
    }
    c.observe_wire(acc);
    c.sample_ext();
    let st = c.statement(Isa::current()).unwrap();
    assert_eq!(st.tables.len(), CIRCUIT_TABLES);
    let parts = op_part_rows(c.num_ops());
    assert!(parts[1] > 0, "{parts:?}");
    let t = tables(&st);
    let lists = st.lists.lookups();
    prove_and_verify_with(&t, true, &lists, &lists).unwrap();

    // An input of the second part's first row changed: its wire's value differs.
    let ops = OpTable::new().unwrap();
    let (w, col) = (ops.width(), ops.columns().values[1][0]);
    // The statement's eleven kinds of tables come first, then the operations' later parts.
    let second = 11;
    let mut forged = tables(&st);
    forged[second].trace[col.0] += F::ONE;
    assert!(forged[second].trace.len() >= w);
    refused_and_rejected("input value in a later part", &forged, &st, false);
}

#[test]
fn lists_depend_on_the_structure_only() {
    let honest = record(4, 1).lists().unwrap();
    assert_eq!(record(4, 2).lists().unwrap(), honest);
    assert_ne!(record(5, 1).lists().unwrap(), honest);
    // The circuit run on other observed values proves under the same lists: the lists fix
    // the structure, the transcript binds the values.
    let other = record(4, 2).statement(Isa::current()).unwrap();
    let lists = honest.lookups();
    prove_and_verify_with(&tables(&other), true, &lists, &lists).unwrap();
}

#[test]
fn an_observation_never_absorbed_is_an_error() {
    let mut c = Circuit::new();
    let x = c.sample_ext();
    c.observe_wire(x);
    assert!(matches!(
        c.statement(Isa::current()),
        Err(CircuitError::Unabsorbed { call: 1, calls: 1 })
    ));
    c.sample_ext();
    assert!(c.statement(Isa::current()).is_ok());
}

#[test]
fn forged_operation_rows_are_refused_and_rejected() {
    let c = record(6, 7);
    let st = c.statement(Isa::current()).unwrap();
    let ops = OpTable::new().unwrap();
    let oc = ops.columns().clone();
    let w = ops.width();
    let honest = tables(&st);
    let n_ops = c.num_ops();
    let height = honest[0].trace.len() / w;
    assert!(n_ops < height, "the test needs a padding row");
    let row_values = |t: &[F], r: usize| -> [Ext5; 3] {
        oc.values
            .map(|cols| Ext5::new(cols.map(|col| t[r * w + col.0])))
    };
    let set = |t: &mut [F], r: usize, k: usize, x: Ext5| {
        for (col, &v) in oc.values[k].iter().zip(x.coeffs()) {
            t[r * w + col.0] = v;
        }
    };
    // A row's result is not a column: it sends `a * b + d` of its own inputs, so a forged
    // result is a forged input.
    let unused = (0..n_ops)
        .find(|&r| honest[0].trace[r * w + oc.mc.0] == F::ZERO)
        .expect("an operation whose result is not used");

    // An input with another value: the wire's value differs.
    let mut t = tables(&st);
    let [a, ..] = row_values(&t[0].trace, 4);
    set(&mut t[0].trace, 4, 0, a + Ext5::ONE);
    refused_and_rejected("input value", &t, &st, false);

    // An input read from another wire (its true value, the result recomputed): the row's
    // wiring is not the verifier's.
    let mut t = tables(&st);
    let [a5, ..] = row_values(&t[0].trace, 5);
    let id5 = t[0].trace[5 * w + oc.ids[0].0];
    assert_ne!(t[0].trace[6 * w + oc.ids[0].0], id5);
    t[0].trace[6 * w + oc.ids[0].0] = id5;
    set(&mut t[0].trace, 6, 0, a5);
    refused_and_rejected("input wire", &t, &st, false);

    // An operation dropped (its row made padding).
    let mut t = tables(&st);
    for x in &mut t[0].trace[2 * w..3 * w] {
        *x = F::ZERO;
    }
    refused_and_rejected("dropped operation", &t, &st, false);

    // Padding rows used to lie about a wire X that an operation reads: one defines X with a
    // false value for that read, another absorbs the use it took away from X's true
    // definition. Every bus balances; only `(1 - active) mc = 0` stops it.
    let mut t = tables(&st);
    assert!(height - n_ops >= 2, "the test needs two padding rows");
    let [a, ..] = row_values(&t[0].trace, unused);
    let x = t[0].trace[unused * w + oc.ids[0].0];
    let forged = a + Ext5::ONE;
    set(&mut t[0].trace, unused, 0, forged);
    for (r, value, mc) in [(n_ops, forged, F::ONE), (n_ops + 1, a, F::NEG_ONE)] {
        // `value * 1 + 0` sent as X.
        t[0].trace[r * w + oc.ids[3].0] = x;
        t[0].trace[r * w + oc.mc.0] = mc;
        set(&mut t[0].trace, r, 0, value);
        set(&mut t[0].trace, r, 1, Ext5::ONE);
    }
    refused_and_rejected("padding rows redefining a wire", &t, &st, true);

    // The same through the receive of `a` (multiplicity `ma`): a padding row with `ma = -1`
    // sends `(X, forged)`, another with `ma = 1` absorbs `(X, true value)`; only
    // `(1 - active) ma = 0` stops it.
    let mut t = tables(&st);
    set(&mut t[0].trace, unused, 0, forged);
    for (r, value, ma) in [(n_ops, forged, F::NEG_ONE), (n_ops + 1, a, F::ONE)] {
        t[0].trace[r * w + oc.ids[0].0] = x;
        t[0].trace[r * w + oc.ma.0] = ma;
        set(&mut t[0].trace, r, 0, value);
    }
    refused_and_rejected("padding rows redefining a wire through ma", &t, &st, true);

    // A check turned into a definition.
    let mut t = tables(&st);
    let check_row = (0..n_ops)
        .find(|&r| t[0].trace[r * w + oc.mc.0] == F::NEG_ONE)
        .unwrap();
    t[0].trace[check_row * w + oc.mc.0] = F::ONE;
    refused_and_rejected("check as definition", &t, &st, false);
}

#[test]
fn forged_links_and_assertions_are_refused_and_rejected() {
    let c = record(8, 9);
    let st = c.statement(Isa::current()).unwrap();
    let links = LinkTable::new().unwrap();
    let lc = links.columns().clone();
    let w = links.width();
    let is_sample =
        |t: &[F], r: usize| t[r * w + lc.active.0] == F::ONE && t[r * w + lc.observed.0] == F::ZERO;

    // A challenge the transcript did not give.
    let mut t = tables(&st);
    let r = (0..c.num_links())
        .find(|&r| is_sample(&t[1].trace, r))
        .unwrap();
    t[1].trace[r * w + lc.v[1].0] += F::ONE;
    refused_and_rejected("wrong challenge", &t, &st, false);

    // An observation at another slot.
    let mut t = tables(&st);
    let r = (0..c.num_links())
        .find(|&r| !is_sample(&t[1].trace, r))
        .unwrap();
    t[1].trace[r * w + lc.slot[0].0] += F::ONE;
    refused_and_rejected("observation slot", &t, &st, false);

    // A sample presented as an observation.
    let mut t = tables(&st);
    let r = (0..c.num_links())
        .find(|&r| is_sample(&t[1].trace, r))
        .unwrap();
    t[1].trace[r * w + lc.observed.0] = F::ONE;
    refused_and_rejected("sample as observation", &t, &st, false);

    // A false assertion: the statement has no valid witness.
    let mut bad = Circuit::new();
    let x = bad.sample_ext();
    let y = bad.mul(x, x);
    let one = bad.constant(Ext5::ONE);
    let y1 = bad.add(y, one);
    bad.assert_eq(y, y1);
    bad.sample_ext();
    assert_eq!(bad.failed_check(), Some(2));
    let st = bad.statement(Isa::current()).unwrap();
    refused_and_rejected("false assertion", &tables(&st), &st, false);

    // The verifier's lists with another constant.
    let c = record(8, 9);
    let st = c.statement(Isa::current()).unwrap();
    let mut other = st.lists.clone();
    other.constants[1] += F::ONE;
    assert!(
        prove_and_verify_with(&tables(&st), true, &st.lists.lookups(), &other.lookups()).is_err()
    );
}

#[test]
fn inverses_are_hints_checked_by_a_product() {
    let mut c = Circuit::new();
    let x = c.sample_ext();
    let inv = c.inverse(x).unwrap();
    assert_eq!(c.value(inv) * c.value(x), Ext5::ONE);
    let y = c.mul(inv, x);
    c.observe_wire(y);
    c.sample_ext();
    assert_eq!(c.failed_check(), None);
    let st = c.statement(Isa::current()).unwrap();
    let lists = st.lists.lookups();
    prove_and_verify_with(&tables(&st), true, &lists, &lists).unwrap();
    let zero = c.constant(Ext5::ZERO);
    assert!(c.inverse(zero).is_none());

    // A hint that is not the inverse: the check x * h = 1 is false, so the statement has no
    // valid witness.
    let mut bad = Circuit::new();
    let x = bad.sample_ext();
    let h = bad.hint(bad.value(x).try_inverse().unwrap() + Ext5::ONE);
    let (one, zero) = (bad.constant(Ext5::ONE), bad.constant(Ext5::ZERO));
    bad.assert_fma(x, h, zero, one);
    bad.observe_wire(h);
    bad.sample_ext();
    assert!(bad.failed_check().is_some());
    let st = bad.statement(Isa::current()).unwrap();
    refused_and_rejected("wrong inverse", &tables(&st), &st, false);
}

#[test]
fn base_links_and_proof_of_work_prove_and_verify() {
    let mut c = Circuit::new();
    c.observe_known(F::new(3));
    let x = c.observe_base(F::new(12345));
    let s = c.sample_base();
    let y = c.mul(x, s);
    c.observe_wire(y);
    let e = c.sample_ext();
    let z = c.add(e, x);
    c.observe_wire(z);
    c.sample_ext();
    assert_eq!(c.failed_check(), None);
    let st = c.statement(Isa::current()).unwrap();
    let lists = st.lists.lookups();
    prove_and_verify_with(&tables(&st), true, &lists, &lists).unwrap();
}

#[test]
fn canonical_bits_prove_and_verify() {
    let mut c = Circuit::new();
    let s = c.sample_base();
    let bits = c.canonical_bits(s, 0).unwrap();
    assert_eq!(bits.len(), 31);
    c.sample_ext();
    assert_eq!(c.failed_check(), None);
    let st = c.statement(Isa::current()).unwrap();
    let lists = st.lists.lookups();
    prove_and_verify_with(&tables(&st), true, &lists, &lists).unwrap();
}

#[test]
fn a_non_canonical_decomposition_is_refused_and_rejected() {
    // 5 + p < 2^31 recomposes to 5 in the field, with boolean bits: only the canonical check
    // (bits 24 to 30 all set force the low 24 to zero) tells it from 5's own bits.
    let p = u64::from(F::ORDER);
    let record = |integer: u64| {
        let mut c = Circuit::new();
        let x = c.observe_base(F::new(5));
        c.canonical_bits_claimed(x, 0, integer).unwrap();
        c.sample_ext();
        c
    };
    let honest = record(5);
    assert_eq!(honest.failed_check(), None);
    let forged = record(5 + p);
    assert!(forged.failed_check().is_some());
    let (hs, fs) = (
        honest.statement(Isa::current()).unwrap(),
        forged.statement(Isa::current()).unwrap(),
    );
    assert_eq!(hs.lists, fs.lists, "same structure");
    let lists = hs.lists.lookups();
    prove_and_verify_with(&tables(&hs), true, &lists, &lists).unwrap();
    refused_and_rejected("non-canonical bits", &tables(&fs), &hs, false);
}

#[test]
fn fresh_transcripts_restart_the_challenger_and_are_pinned() {
    use backend::challenger::Challenger;
    let mut c = Circuit::new();
    c.observe_known(F::new(1));
    let a = c.sample_ext();
    c.fresh_transcript();
    c.observe_known(F::new(1));
    let b = c.sample_ext();
    // Both transcripts start from a fresh challenger: the same observations give the same
    // challenge.
    let mut ch = Challenger::new();
    ch.observe(F::new(1));
    assert_eq!(c.value(a), ch.sample_ext());
    assert_eq!(c.value(b), c.value(a));
    let y = c.mul(a, b);
    c.observe_wire(y);
    c.sample_ext();
    let st = c.statement(Isa::current()).unwrap();
    assert_eq!(st.lists.fresh, vec![F::ONE]);
    let lists = st.lists.lookups();
    prove_and_verify_with(&tables(&st), true, &lists, &lists).unwrap();

    // A fresh call the verifier did not pin (the transcript table's last call made fresh,
    // its capacity zeroed, its output recomputed is beyond this test: the flag alone).
    let tt = rec_aggregation::TranscriptTable::new().unwrap();
    let (fresh_col, w) = (tt.columns().fresh, tt.width());
    let mut t = tables(&st);
    t[2].trace[2 * w + fresh_col.0] = F::ONE;
    refused_and_rejected("unpinned fresh call", &t, &st, false);

    // Observations dropped by a fresh transcript are never absorbed.
    let mut c = Circuit::new();
    let x = c.sample_ext();
    c.observe_wire(x);
    c.fresh_transcript();
    c.sample_ext();
    assert!(matches!(
        c.statement(Isa::current()),
        Err(CircuitError::Unabsorbed { .. })
    ));
}

/// Rewrites query row `r` of `trace` (`w` columns) as the table fills it for the integer
/// `s` (31 bits) and an index of `bits` bits, with `mask` ones in the mask (`bits` when
/// honest).
fn fill_query_row(trace: &mut [F], w: usize, r: usize, s: u32, bits: usize, mask: usize) {
    let qc = QueryTable::new().unwrap().columns().clone();
    let row = &mut trace[r * w..(r + 1) * w];
    for (j, col) in qc.b.iter().enumerate() {
        row[col.0] = F::new(s >> j & 1);
    }
    let mut acc = F::ONE;
    for j in 0..QUERY_MAX_BITS {
        let (mj, bj) = (u32::from(j < mask), s >> j & 1);
        row[qc.m[j].0] = F::new(mj);
        row[qc.g[j].0] = F::new(mj & bj);
        if mj & bj == 1 {
            acc *= F::two_adic_generator(j + 1);
        }
        row[qc.p[j].0] = acc;
    }
    let mut t = F::new(s >> QUERY_MAX_BITS & 1);
    for (k, col) in qc.t.iter().enumerate() {
        t *= F::new(s >> (QUERY_MAX_BITS + 1 + k) & 1);
        row[col.0] = t;
    }
    row[qc.bits.0] = F::new(bits as u32);
}

#[test]
fn forged_query_rows_are_refused_and_rejected() {
    // The statement's query table comes after the ten kinds that open it.
    const QUERIES: usize = 10;
    const BITS: usize = 20;
    let table = QueryTable::new().unwrap();
    let (qc, w) = (table.columns().clone(), table.air().width());
    // A circuit drawing one query whose sample s is below 2^24 - 1, so that the integer
    // s + p < 2^31 is a second, non-canonical, decomposition; nothing uses the query's
    // index or point, so only the table's constraints can stop a forged row.
    let (st, s) = (0u32..)
        .find_map(|seed| {
            let mut c = Circuit::new();
            c.observe(Ext5::from_base(F::new(seed)));
            c.sample_query(BITS);
            c.sample_ext();
            let st = c.statement(Isa::current()).unwrap();
            let s = st.tables[QUERIES].trace[qc.s.0].as_canonical_u32();
            (s < (1 << 24) - 1).then_some((st, s))
        })
        .unwrap();
    assert_eq!(st.tables[QUERIES].air.name(), "circuit_queries");
    let honest = tables(&st);
    let lists = st.lists.lookups();
    prove_and_verify_with(&honest, true, &lists, &lists).unwrap();
    let mut rebuilt = tables(&st);
    fill_query_row(&mut rebuilt[QUERIES].trace, w, 0, s, BITS, BITS);
    assert_eq!(
        rebuilt[QUERIES].trace, honest[QUERIES].trace,
        "the helper fills as the table"
    );

    let forge = |what: &str, f: &dyn Fn(&mut [F])| {
        let mut t = tables(&st);
        f(&mut t[QUERIES].trace);
        refused_and_rejected(what, &t, &st, true);
    };
    let p = F::ORDER;
    forge("non-canonical bits (s + p)", &|t| {
        fill_query_row(t, w, 0, s + p, BITS, BITS)
    });
    forge("a bit flipped", &|t| {
        fill_query_row(t, w, 0, s ^ 1, BITS, BITS)
    });
    forge("a longer mask", &|t| {
        fill_query_row(t, w, 0, s, BITS, BITS + 1)
    });
    forge("another point", &|t| {
        t[qc.p[QUERY_MAX_BITS - 1].0] += F::ONE
    });
    forge("another index bit", &|t| {
        t[qc.g[3].0] = F::ONE - t[qc.g[3].0]
    });
}
