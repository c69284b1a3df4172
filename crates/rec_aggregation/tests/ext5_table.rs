//! The extension-field arithmetic table (`c = a * b + d` in `K = F_p^5`): agreement with
//! `backend::field::Ext5` multiplication and addition bit for bit (random and edge values,
//! and an independent long-division reference); proofs beside requesting tables; forged
//! witnesses (refused by the prover's checks, rejected by the verifier when those checks are
//! skipped).

use backend::KoalaBear;
use backend::field::Ext5;
use lean_prover::v2::ErrorV2;
use lean_prover::{AirBuilder, BusId, Col};
use rec_aggregation::{
    EXT5_BUS, EXT5_TABLE_DEGREE, EXT5_TABLE_WIDTH, EXT5_TUPLE_LEN, Ext5Op, Ext5Table,
    POSEIDON1_16_BUS, POSEIDON1_24_BUS, POSEIDON2_16_BUS, POSEIDON2_16_COMPRESS_BUS,
    POSEIDON2_24_BUS, ext5_fma_tuple, ext5_reduction, ext5_table,
};

mod common;
use common::{Rng, Table, prove_and_verify, prover_verdict};

type F = KoalaBear;

fn f(x: u32) -> F {
    F::new(x)
}

/// The element with coefficients `c` (constant term first).
fn e(c: [u32; 5]) -> Ext5 {
    Ext5::new(c.map(f))
}

/// `X`, the generator of `K` over the base field.
fn x() -> Ext5 {
    e([0, 1, 0, 0, 0])
}

/// A random element with edge coefficients (0, 1, p - 1) mixed in.
fn rand_ext(rng: &mut Rng) -> Ext5 {
    Ext5::new(rng.state_with_edges())
}

/// Random operations `(a, b, d)`.
fn rand_ops(rng: &mut Rng, n: usize) -> Vec<Ext5Op> {
    (0..n)
        .map(|_| (rand_ext(rng), rand_ext(rng), rand_ext(rng)))
        .collect()
}

/// Edge elements: 0, 1, -1, the base field's generator, `X` and its powers up to `X^4`
/// (whose products reach every reduced power `X^5..X^8`), `-X^4`, all coefficients `p - 1`,
/// all coefficients 1, and the generator in every coefficient.
fn edges() -> Vec<Ext5> {
    let g = F::GENERATOR;
    let mut v = vec![
        Ext5::ZERO,
        Ext5::ONE,
        -Ext5::ONE,
        Ext5::from_base(g),
        Ext5::new([F::NEG_ONE; 5]),
        Ext5::new([F::ONE; 5]),
        Ext5::new([g; 5]),
    ];
    v.extend((1..5).map(|k| x().exp_u64(k)));
    v.push(-x().exp_u64(4));
    v
}

// --- An independent reference: schoolbook product, then long division by X^5 + X^2 - 1.

/// The unreduced product of two coefficient vectors (degrees 0..=8).
fn unreduced(a: &Ext5, b: &Ext5) -> [F; 9] {
    let mut p = [F::ZERO; 9];
    for (i, &x) in a.coeffs().iter().enumerate() {
        for (j, &y) in b.coeffs().iter().enumerate() {
            p[i + j] += x * y;
        }
    }
    p
}

/// `a * b + d`, reducing the product from the top by `X^k = X^(k-5) (1 - X^2)`.
fn reference_fma(a: &Ext5, b: &Ext5, d: &Ext5) -> Ext5 {
    let mut p = unreduced(a, b);
    for k in (5..9).rev() {
        let t = p[k];
        p[k] = F::ZERO;
        p[k - 5] += t;
        p[k - 3] -= t;
    }
    Ext5::new(core::array::from_fn(|m| p[m] + d.coeffs()[m]))
}

// --- Layout, reduction and rows.

#[test]
fn layout_and_degree() {
    let t = ext5_table();
    assert_eq!(t.width(), 21);
    assert_eq!(EXT5_TABLE_WIDTH, 21);
    assert_eq!(t.air().width(), 21);
    assert_eq!(t.air().num_constraints(), 5);
    assert_eq!(t.air().constraint_degree(), 2);
    assert_eq!(EXT5_TABLE_DEGREE, 2);
    assert_eq!(t.air().num_interactions(), 1);
    assert_eq!(t.air().num_public_interactions(), 0);
    assert_eq!(t.air().max_tuple_len(), 20);
    assert_eq!(EXT5_TUPLE_LEN, 20);
    assert!(t.air().main_next_columns().is_empty());
    assert_eq!(t.bus(), EXT5_BUS);
    assert_eq!(EXT5_BUS, BusId(0x40));
    // Columns a0..a4, b0..b4, d0..d4, c0..c4, mult, in that order.
    let names: Vec<String> = ["a", "b", "d", "c"]
        .iter()
        .flat_map(|p| (0..5).map(move |i| format!("{p}{i}")))
        .chain(["mult".to_string()])
        .collect();
    assert_eq!(t.air().column_names(), names.as_slice());
    let cols = t.columns();
    let all: Vec<usize> = [cols.a, cols.b, cols.d, cols.c]
        .iter()
        .flatten()
        .chain([&cols.mult])
        .map(|c| c.0)
        .collect();
    assert_eq!(all, (0..21).collect::<Vec<_>>());
    // A bus of its own: none of the permutation tables' and none of the statement's.
    let others = [
        POSEIDON1_16_BUS,
        POSEIDON1_24_BUS,
        POSEIDON2_16_BUS,
        POSEIDON2_16_COMPRESS_BUS,
        POSEIDON2_24_BUS,
    ];
    assert!(!others.contains(&EXT5_BUS));
    assert!(!(0x10..=0x3f).contains(&EXT5_BUS.0));
    // Another bus on request.
    let other = Ext5Table::with_bus(BusId(0x41)).expect("AIR");
    assert_eq!(other.bus(), BusId(0x41));
    assert_eq!(other.width(), 21);
}

#[test]
fn reduction_is_the_modulus_of_ext5() {
    let r = ext5_reduction();
    let expected: [[i64; 5]; 9] = [
        [1, 0, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 0, 0, 1],
        [1, 0, -1, 0, 0], // X^5 = 1 - X^2
        [0, 1, 0, -1, 0], // X^6 = X - X^3
        [0, 0, 1, 0, -1], // X^7 = X^2 - X^4
        [-1, 0, 1, 1, 0], // X^8 = -1 + X^2 + X^3
    ];
    let to_f = |v: i64| {
        if v < 0 {
            -f(v.unsigned_abs() as u32)
        } else {
            f(v as u32)
        }
    };
    for (k, (row, exp)) in r.iter().zip(&expected).enumerate() {
        assert_eq!(*row, exp.map(to_f), "X^{k}");
        // The same powers in Ext5.
        assert_eq!(row, x().exp_u64(k as u64).coeffs(), "X^{k} in Ext5");
    }
    // X is a root of X^5 + X^2 - 1 in Ext5.
    assert_eq!(x().exp_u64(5) + x().square() - Ext5::ONE, Ext5::ZERO);
}

/// Every row of the trace of `ops` with `mults`: the stored elements, `c` against `Ext5`'s
/// `a * b + d` and the independent reference, the multiplicity, then zero padding rows.
fn check_rows(table: &Ext5Table, ops: &[Ext5Op], mults: &[u32]) {
    let w = table.width();
    let trace = table.trace(ops, mults);
    let height = ops.len().next_power_of_two().max(4);
    assert_eq!(trace.len(), height * w);
    let cols = table.columns();
    for (k, row) in trace.chunks_exact(w).enumerate() {
        let [a, b, d, c] = table.row_values(row);
        match ops.get(k) {
            Some(&(oa, ob, od)) => {
                assert_eq!((a, b, d), (oa, ob, od), "row {k}");
                assert_eq!(c, oa * ob + od, "row {k}");
                assert_eq!(c, reference_fma(&oa, &ob, &od), "row {k}");
                assert_eq!(row[cols.mult.0], f(mults[k]), "row {k}");
                // The bus tuple is the row's first 20 cells.
                assert_eq!(row[..20], ext5_fma_tuple(oa, ob, od), "row {k}");
            }
            None => assert!(row.iter().all(|&v| v == F::ZERO), "padding row {k}"),
        }
    }
}

#[test]
fn rows_match_ext5_on_random_inputs() {
    let t = ext5_table();
    let mut rng = Rng(11);
    let ops = rand_ops(&mut rng, 300);
    let mults: Vec<u32> = (0..300).map(|k| k % 5).collect();
    check_rows(&t, &ops, &mults);
    // Fully random coefficients (no edge values) too.
    let ops: Vec<Ext5Op> = (0..100)
        .map(|_| {
            (
                Ext5::new(rng.state()),
                Ext5::new(rng.state()),
                Ext5::new(rng.state()),
            )
        })
        .collect();
    check_rows(&t, &ops, &[1; 100]);
}

#[test]
fn rows_match_ext5_on_edge_values() {
    let t = ext5_table();
    let edges = edges();
    let ops: Vec<Ext5Op> = edges
        .iter()
        .flat_map(|&a| edges.iter().map(move |&b| (a, b)))
        .flat_map(|(a, b)| [(a, b, Ext5::ZERO), (a, b, -Ext5::ONE), (a, b, a)])
        .collect();
    check_rows(&t, &ops, &vec![1; ops.len()]);
}

#[test]
fn multiplication_and_addition_rows() {
    // d = 0 is Ext5's product, b = 1 its sum; a base-field b scales every coefficient.
    let t = ext5_table();
    let mut rng = Rng(12);
    let (p, q) = (rand_ext(&mut rng), rand_ext(&mut rng));
    let s = F::from_u64(rng.next());
    let ops = [
        (p, q, Ext5::ZERO),
        (p, Ext5::ONE, q),
        (p, Ext5::ONE, -q),
        (p, Ext5::from_base(s), Ext5::ZERO),
        (p, p, Ext5::ZERO),
    ];
    let trace = t.trace_for_ops(&ops);
    let c: Vec<Ext5> = trace
        .chunks_exact(t.width())
        .take(5)
        .map(|row| t.row_values(row)[3])
        .collect();
    assert_eq!(c, [p * q, p + q, p - q, p * s, p.square()]);
    // The inverse as a product check: (a, a^-1, 0) -> 1.
    let inv = p.try_inverse().expect("non-zero");
    let trace = t.trace_for_ops(&[(p, inv, Ext5::ZERO)]);
    assert_eq!(t.row_values(&trace[..t.width()])[3], Ext5::ONE);
}

#[test]
fn trace_is_deterministic() {
    // Independent of the number of threads, and equal to the rows filled one by one.
    let t = ext5_table();
    let ops = rand_ops(&mut Rng(13), 1000);
    let mults: Vec<u32> = (0..1000).map(|k| k % 3).collect();
    let reference = t.trace(&ops, &mults);
    assert_eq!(reference.len(), 1024 * 21);
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
        .install(|| t.trace(&ops, &mults));
    assert_eq!(one_thread, reference);
    let mut by_rows = vec![F::ZERO; 1024 * 21];
    for ((row, &op), &m) in by_rows.chunks_exact_mut(21).zip(&ops).zip(&mults) {
        t.fill_row(op, f(m), row);
    }
    assert_eq!(by_rows, reference);
    // The empty trace is four zero rows.
    assert_eq!(t.trace(&[], &[]), vec![F::ZERO; 4 * 21]);
}

// --- Statements: the table and requesting tables.

/// The unchecked prover's proof of `tables` is well formed (it decodes and fits the
/// statement) and the verifier rejects it in one of the protocol's checks.
fn assert_verifier_rejects(tables: &[Table]) {
    let verdict = prove_and_verify(tables, false);
    assert!(
        matches!(
            verdict,
            Err(ref e) if !matches!(e, ErrorV2::Decode(_) | ErrorV2::Statement(_))
        ),
        "verifier verdict {verdict:?}"
    );
}

/// A false witness: the honest prover refuses it with `expected`, and the proof the
/// unchecked prover makes of it is rejected by the verifier.
fn assert_refused_and_rejected(tables: &[Table], expected: impl Fn(&ErrorV2) -> bool) {
    let verdict = prover_verdict(tables);
    assert!(
        verdict.as_ref().is_err_and(&expected),
        "prover verdict {verdict:?}"
    );
    assert_verifier_rejects(tables);
}

/// `ConstraintFailed` on table 0 (the arithmetic table), row `row`, constraint `constraint`.
fn fails_at(row: usize, constraint: usize) -> impl Fn(&ErrorV2) -> bool {
    move |e| {
        *e == ErrorV2::ConstraintFailed {
            table: 0,
            constraint,
            row,
        }
    }
}

fn unbalanced(e: &ErrorV2) -> bool {
    *e == ErrorV2::Unbalanced
}

/// Columns of the general requester: the tuple `(a, b, d, c)` and `active` (boolean).
const REQ_W: usize = EXT5_TUPLE_LEN + 1;

/// A table sending its columns `(a, b, d, c)` on [`EXT5_BUS`] with multiplicity `active`
/// per row, `requests` in its first rows (active), inactive zero rows after them up to
/// `height`. With `public`, the verifier itself also sends that tuple (from public values,
/// multiplicity 1).
fn requester(requests: &[[F; 20]], height: usize, public: Option<[F; 20]>) -> Table {
    let b = AirBuilder::new("ext5_requests");
    let tuple = b.columns("op", EXT5_TUPLE_LEN);
    let active = b.column("active");
    let act = b.main(active);
    b.assert_zero(act * (act - b.constant(f(1))));
    let values: Vec<_> = tuple.iter().map(|&c| b.main(c)).collect();
    b.send(EXT5_BUS, &values, act);
    if public.is_some() {
        let pubs: Vec<_> = (0..EXT5_TUPLE_LEN).map(|_| b.public_value()).collect();
        b.send_public(EXT5_BUS, &pubs, b.constant(f(1)));
    }
    let air = b.build(2).expect("requester AIR");
    let mut trace = vec![F::ZERO; height * REQ_W];
    for (row, req) in trace.chunks_exact_mut(REQ_W).zip(requests) {
        row[..EXT5_TUPLE_LEN].copy_from_slice(req);
        row[EXT5_TUPLE_LEN] = f(1);
    }
    Table {
        air,
        trace,
        publics: public.map(|p| p.to_vec()).unwrap_or_default(),
    }
}

/// A valid statement: `n_ops` operations (random, edge values mixed in) in the table, the
/// first `n_req` of them requested once each by a requester of height `req_height`; with
/// `public_request`, the verifier also requests one more operation (appended to the table
/// with multiplicity 1).
fn statement(
    seed: u64,
    n_ops: usize,
    n_req: usize,
    req_height: usize,
    public_request: bool,
) -> [Table; 2] {
    let table = ext5_table();
    let mut rng = Rng(seed);
    let mut ops = rand_ops(&mut rng, n_ops);
    let mut mults: Vec<u32> = (0..n_ops).map(|i| u32::from(i < n_req)).collect();
    let requests: Vec<[F; 20]> = ops[..n_req]
        .iter()
        .map(|&(a, b, d)| ext5_fma_tuple(a, b, d))
        .collect();
    let public = public_request.then(|| {
        let (a, b, d) = (rand_ext(&mut rng), rand_ext(&mut rng), rand_ext(&mut rng));
        ops.push((a, b, d));
        mults.push(1);
        ext5_fma_tuple(a, b, d)
    });
    [
        Table {
            air: table.air().clone(),
            trace: table.trace(&ops, &mults),
            publics: vec![],
        },
        requester(&requests, req_height, public),
    ]
}

/// Index of cell `col` of row `row` in a table of width `w`.
fn cell(w: usize, row: usize, col: usize) -> usize {
    row * w + col
}

/// The column of coordinate `m` of `c`.
fn c_col(table: &Ext5Table, m: usize) -> usize {
    table.columns().c[m].0
}

// --- Honest proofs.

#[test]
fn requests_prove_and_verify() {
    // 40 operations (table padded to 64 rows), 13 of them requested by a 16-row table, one
    // more requested by the verifier.
    let t = statement(42, 40, 13, 16, true);
    prove_and_verify(&t, true).expect("valid proof");
}

#[test]
fn edge_value_requests_prove_and_verify() {
    // Every pair of edge values multiplied (d = 0) and added (b = 1), each requested once:
    // the prover's checks evaluate the constraints on all of them.
    let table = ext5_table();
    let edges = edges();
    let ops: Vec<Ext5Op> = edges
        .iter()
        .flat_map(|&a| edges.iter().map(move |&b| (a, b)))
        .flat_map(|(a, b)| [(a, b, Ext5::ZERO), (a, Ext5::ONE, b), (a, b, -a)])
        .collect();
    let requests: Vec<[F; 20]> = ops
        .iter()
        .map(|&(a, b, d)| ext5_fma_tuple(a, b, d))
        .collect();
    let height = ops.len().next_power_of_two();
    let t = [
        Table {
            air: table.air().clone(),
            trace: table.trace_for_ops(&ops),
            publics: vec![],
        },
        requester(&requests, height, None),
    ];
    prove_and_verify(&t, true).expect("valid proof");
}

/// A requester using the table twice per row with constants in its tuples: columns
/// `x[5], s[5], d[5], c[5], active`, sending `(x, x, 0, s)` (so `s = x^2`) and
/// `(s, 1, d, c)` (so `c = s + d`): a squaring and an addition.
fn square_add_requester(rows: &[(Ext5, Ext5)], height: usize) -> Table {
    let b = AirBuilder::new("ext5_square_add");
    let five = |name: &str| -> Vec<Col> { b.columns(name, 5) };
    let (xc, sc, dc, cc) = (five("x"), five("s"), five("d"), five("c"));
    let active = b.column("active");
    let act = b.main(active);
    b.assert_zero(act * (act - b.constant(f(1))));
    let m = |cols: &[Col]| -> Vec<_> { cols.iter().map(|&c| b.main(c)).collect() };
    let zero = vec![b.constant(F::ZERO); 5];
    let one = [b.constant(F::ONE)]
        .into_iter()
        .chain(vec![b.constant(F::ZERO); 4])
        .collect::<Vec<_>>();
    let square = [m(&xc), m(&xc), zero, m(&sc)].concat();
    b.send(EXT5_BUS, &square, act);
    let add = [m(&sc), one, m(&dc), m(&cc)].concat();
    b.send(EXT5_BUS, &add, act);
    let air = b.build(2).expect("square-add AIR");
    let w = 21;
    let mut trace = vec![F::ZERO; height * w];
    for (row, &(xv, dv)) in trace.chunks_exact_mut(w).zip(rows) {
        let s = xv * xv;
        for (k, v) in [xv, s, dv, s + dv].iter().enumerate() {
            row[5 * k..5 * k + 5].copy_from_slice(v.coeffs());
        }
        row[20] = f(1);
    }
    Table {
        air,
        trace,
        publics: vec![],
    }
}

#[test]
fn square_then_add_requests_prove_and_verify() {
    let table = ext5_table();
    let mut rng = Rng(44);
    let rows: Vec<(Ext5, Ext5)> = (0..6)
        .map(|_| (rand_ext(&mut rng), rand_ext(&mut rng)))
        .collect();
    let mut ops = Vec::new();
    for &(xv, dv) in &rows {
        ops.push((xv, xv, Ext5::ZERO));
        ops.push((xv * xv, Ext5::ONE, dv));
    }
    let t = [
        Table {
            air: table.air().clone(),
            trace: table.trace_for_ops(&ops),
            publics: vec![],
        },
        square_add_requester(&rows, 8),
    ];
    prove_and_verify(&t, true).expect("valid proof");

    // The same squaring requested by two rows: one table row of multiplicity 2.
    let xv = rand_ext(&mut rng);
    let (d1, d2) = (rand_ext(&mut rng), rand_ext(&mut rng));
    let ops = [
        (xv, xv, Ext5::ZERO),
        (xv * xv, Ext5::ONE, d1),
        (xv * xv, Ext5::ONE, d2),
    ];
    let t = [
        Table {
            air: table.air().clone(),
            trace: table.trace(&ops, &[2, 1, 1]),
            publics: vec![],
        },
        square_add_requester(&[(xv, d1), (xv, d2)], 4),
    ];
    prove_and_verify(&t, true).expect("valid proof");
}

#[test]
fn table_alone_proves_and_verifies() {
    // No requester: every multiplicity 0, the bus trivially balanced, all rows checked.
    let table = ext5_table();
    let ops = rand_ops(&mut Rng(3), 6);
    let t = [Table {
        air: table.air().clone(),
        trace: table.trace(&ops, &[0; 6]),
        publics: vec![],
    }];
    prove_and_verify(&t, true).expect("valid proof");
}

// --- Forged witnesses.

#[test]
fn wrong_result_coordinate_is_refused_and_rejected() {
    // One coordinate of c changed in the table *and* in the request, so the bus stays
    // balanced and only that coordinate's constraint can catch it.
    let table = ext5_table();
    for m in 0..5 {
        let mut t = statement(50 + m as u64, 12, 6, 8, false);
        let row = m % 6;
        t[0].trace[cell(21, row, c_col(&table, m))] += f(1 + m as u32);
        t[1].trace[cell(REQ_W, row, 15 + m)] += f(1 + m as u32);
        assert_refused_and_rejected(&t, fails_at(row, m));
    }
}

#[test]
fn wrong_result_in_padding_row_is_refused_and_rejected() {
    // A multiplicity-0 padding row still has to satisfy c = a * b + d.
    let table = ext5_table();
    let mut t = statement(60, 5, 2, 4, false);
    t[0].trace[cell(21, 7, c_col(&table, 3))] = f(1);
    assert_refused_and_rejected(&t, fails_at(7, 3));
}

/// Replaces row `row` of the table (and requester row `req_row`, made active) by the
/// operation `(a, b, d)` with the claimed result `c`.
fn forge(t: &mut [Table; 2], row: usize, req_row: usize, (a, b, d): Ext5Op, c: Ext5) {
    let mut tuple = ext5_fma_tuple(a, b, d);
    tuple[15..].copy_from_slice(c.coeffs());
    t[0].trace[row * 21..row * 21 + 20].copy_from_slice(&tuple);
    t[0].trace[row * 21 + 20] = f(1);
    let q = &mut t[1].trace[req_row * REQ_W..(req_row + 1) * REQ_W];
    q[..20].copy_from_slice(&tuple);
    q[20] = f(1);
}

#[test]
fn wrong_reductions_are_refused_and_rejected() {
    // Products reduced by another rule, claimed consistently by the table and the request:
    // the constraints know the modulus X^5 + X^2 - 1. The operation X^4 * X^4 = X^8 reaches
    // every reduced power's row; its result is -1 + X^2 + X^3.
    let x4 = x().exp_u64(4);
    let op = (x4, x4, Ext5::ZERO);
    assert_eq!(x4 * x4, e([F::NEG_ONE.as_canonical_u32(), 0, 1, 1, 0]));
    let wrong = [
        // Truncated (no reduction): 0; coordinate 0 differs first.
        (Ext5::ZERO, 0),
        // Modulo X^5 - 1: X^8 = X^3; coordinate 0 differs first.
        (x().exp_u64(3), 0),
        // Modulo X^5 + X^2 + 1 (a sign error): X^8 = 1 + X^2 - X^3; coordinate 0 again.
        (e([1, 0, 1, F::NEG_ONE.as_canonical_u32(), 0]), 0),
        // Right except in coordinate 3 (X^8 = -1 + X^2).
        (e([F::NEG_ONE.as_canonical_u32(), 0, 1, 0, 0]), 3),
    ];
    for (c, constraint) in wrong {
        let mut t = statement(70, 12, 6, 8, false);
        forge(&mut t, 9, 7, op, c);
        assert_refused_and_rejected(&t, fails_at(9, constraint));
    }
    // The forging helper itself is sound: with the true result the statement is honest.
    let mut t = statement(70, 12, 6, 8, false);
    forge(&mut t, 9, 7, op, x4 * x4);
    prove_and_verify(&t, true).expect("honest forged-helper row");
    // A random operation with an addend: the result without d is refused.
    let mut rng = Rng(71);
    let (a, b, d) = (
        Ext5::new(rng.state()),
        Ext5::new(rng.state()),
        Ext5::new(rng.state()),
    );
    let mut t = statement(72, 12, 6, 8, false);
    forge(&mut t, 10, 6, (a, b, d), a * b);
    assert_refused_and_rejected(&t, fails_at(10, 0));
}

#[test]
fn wrong_request_is_refused_and_rejected() {
    // The requester claims a different result for its row 3: no table row has that tuple.
    for m in [0usize, 4] {
        let mut t = statement(100, 12, 6, 8, false);
        t[1].trace[cell(REQ_W, 3, 15 + m)] += f(1);
        assert_refused_and_rejected(&t, unbalanced);
    }
    // A true tuple (a, b, d, a * b + d) of an operation the table never computed.
    let mut t = statement(101, 12, 6, 8, false);
    let mut rng = Rng(102);
    let (a, b, d) = (rand_ext(&mut rng), rand_ext(&mut rng), rand_ext(&mut rng));
    let q = &mut t[1].trace[7 * REQ_W..8 * REQ_W];
    q[..20].copy_from_slice(&ext5_fma_tuple(a, b, d));
    q[20] = f(1);
    assert_refused_and_rejected(&t, unbalanced);
    // The verifier's own request with a wrong result.
    let mut t = statement(103, 5, 3, 4, true);
    t[1].publics[19] += f(1);
    assert_refused_and_rejected(&t, unbalanced);
    // A table row whose c is wrong, requested with its true result: the bus catches it first.
    let table = ext5_table();
    let mut t = statement(104, 12, 6, 8, false);
    t[0].trace[cell(21, 2, c_col(&table, 1))] += f(1);
    assert_refused_and_rejected(&t, unbalanced);
}

#[test]
fn multiplicity_mismatch_is_refused_and_rejected() {
    let table = ext5_table();
    let mult = table.columns().mult.0;
    // Row 1 claims two requests but only one is sent.
    let mut t = statement(110, 12, 6, 8, false);
    t[0].trace[cell(21, 1, mult)] = f(2);
    assert_refused_and_rejected(&t, unbalanced);
    // Row 2 is requested but claims none.
    let mut t = statement(111, 12, 6, 8, false);
    t[0].trace[cell(21, 2, mult)] = F::ZERO;
    assert_refused_and_rejected(&t, unbalanced);
    // An unrequested row claims one.
    let mut t = statement(112, 12, 6, 8, false);
    t[0].trace[cell(21, 9, mult)] = f(1);
    assert_refused_and_rejected(&t, unbalanced);
}
