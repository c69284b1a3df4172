//! The Poseidon2 permutation tables: agreement with the backend's permutations
//! (`poseidon2_permute_16/24`) and Merkle compression, bit for bit and on every instruction
//! set; proofs with requesting tables; forged witnesses (refused by the prover's checks,
//! rejected by the verifier when those checks are skipped).

use backend::merkle::{DIGEST_LEN, Digest, compress};
use backend::poseidon::{poseidon2_permute_16, poseidon2_permute_24};
use backend::{Isa, KoalaBear};
use lean_prover::v2::ErrorV2;
use lean_prover::{AirBuilder, BusId};
use rec_aggregation::{
    POSEIDON2_16, POSEIDON2_16_BUS, POSEIDON2_16_COMPRESS_BUS, POSEIDON2_24, POSEIDON2_24_BUS,
    Poseidon2Output, Poseidon2Spec, Poseidon2Table, poseidon2_16_compress_table,
    poseidon2_16_table, poseidon2_24_table,
};

mod common;
use common::{Rng, Table, prove_and_verify, prover_verdict};

type F = KoalaBear;

fn f(x: u32) -> F {
    F::new(x)
}

/// Spec Appendix A (Plonky3 0.8.0): `Poseidon2_16([0..16])` starts with these.
const KAT_16_PREFIX: [u32; 4] = [1259554834, 663463928, 1989430097, 476523442];

// --- An independent round-by-round Poseidon2, written from the backend's scalar reference
// (`poseidon2_permute_*`: the external layer in its addition form), with fault injection.

/// The external layer: `M4` on each block of four (additions only), then each cell adds the
/// sum of the cells congruent to it mod 4.
fn external_layer<const T: usize>(s: &mut [F; T]) {
    for b in (0..T).step_by(4) {
        let [x0, x1, x2, x3] = [s[b], s[b + 1], s[b + 2], s[b + 3]];
        s[b] = x0.double() + x1.double() + x1 + x2 + x3;
        s[b + 1] = x0 + x1.double() + x2.double() + x2 + x3;
        s[b + 2] = x0 + x1 + x2.double() + x3.double() + x3;
        s[b + 3] = x0.double() + x0 + x1 + x2 + x3.double();
    }
    let mut sums = [F::ZERO; 4];
    for (i, &x) in s.iter().enumerate() {
        sums[i % 4] += x;
    }
    for (i, x) in s.iter_mut().enumerate() {
        *x += sums[i % 4];
    }
}

/// `num / 2^log_den`.
fn diag(spec_entry: (i32, u32)) -> F {
    let (num, log_den) = spec_entry;
    let mut v = f(num.unsigned_abs());
    if num < 0 {
        v = F::ZERO - v;
    }
    for _ in 0..log_den {
        v *= f(2).inverse_or_zero();
    }
    v
}

/// The S-box inputs of every round (all cells of an external round, cell 0 of an internal
/// round) and the output of `Poseidon2(input)`. With `fault = (round, cell, delta)`, that
/// S-box input is replaced by itself plus `delta` (recorded so) and the permutation goes on
/// from there: a row whose only wrong step is that one.
fn rounds<const T: usize>(
    spec: &Poseidon2Spec<T>,
    input: &[F; T],
    fault: Option<(usize, usize, F)>,
) -> (Vec<Vec<F>>, [F; T]) {
    let d: [F; T] = spec.diag.map(diag);
    let mut s = *input;
    let mut sboxes = Vec::new();
    external_layer(&mut s);
    let sbox = |r: usize, i: usize, x: &mut F, rec: &mut Vec<F>| {
        if let Some((fr, fi, delta)) = fault
            && (fr, fi) == (r, i)
        {
            *x += delta;
        }
        rec.push(*x);
        *x = *x * *x * *x;
    };
    let n_init = spec.external_initial.len();
    for (r, rc) in spec.external_initial.iter().enumerate() {
        let mut rec = Vec::new();
        for (i, (x, &c)) in s.iter_mut().zip(rc).enumerate() {
            *x += f(c);
            sbox(r, i, x, &mut rec);
        }
        external_layer(&mut s);
        sboxes.push(rec);
    }
    for (p, &c) in spec.internal.iter().enumerate() {
        let mut rec = Vec::new();
        s[0] += f(c);
        sbox(n_init + p, 0, &mut s[0], &mut rec);
        let sum: F = s.iter().copied().sum();
        for (x, &di) in s.iter_mut().zip(&d) {
            *x = sum + di * *x;
        }
        sboxes.push(rec);
    }
    let base = n_init + spec.internal.len();
    for (r, rc) in spec.external_final.iter().enumerate() {
        let mut rec = Vec::new();
        for (i, (x, &c)) in s.iter_mut().zip(rc).enumerate() {
            *x += f(c);
            sbox(base + r, i, x, &mut rec);
        }
        external_layer(&mut s);
        sboxes.push(rec);
    }
    (sboxes, s)
}

// --- Statements: a permutation table and a requesting table.

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

/// `ConstraintFailed` on table 0, row `row`, constraint `constraint`.
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

/// Columns of a requester of tuples `(x[t], y[len])`: `x`, `y`, `active` (boolean).
fn requester_width(t: usize, len: usize) -> usize {
    t + len + 1
}

/// A table sending `(x, y)` on `bus` with multiplicity `active` per row, `requests` in its
/// first rows (active), inactive zero rows after them up to `height`. With `public`, the
/// verifier itself also sends that tuple (from public values, multiplicity 1).
fn requester(
    bus: BusId,
    t: usize,
    len: usize,
    requests: &[(Vec<F>, Vec<F>)],
    height: usize,
    public: Option<Vec<F>>,
) -> Table {
    let b = AirBuilder::new("poseidon2_requests");
    let x = b.columns("x", t);
    let y = b.columns("y", len);
    let active = b.column("active");
    let a = b.main(active);
    b.assert_zero(a * (a - b.constant(f(1))));
    let tuple: Vec<_> = x.iter().chain(&y).map(|&c| b.main(c)).collect();
    b.send(bus, &tuple, a);
    if public.is_some() {
        let pubs: Vec<_> = (0..t + len).map(|_| b.public_value()).collect();
        b.send_public(bus, &pubs, b.constant(f(1)));
    }
    let air = b.build(3).expect("requester AIR");
    let w = requester_width(t, len);
    let mut trace = vec![F::ZERO; height * w];
    for (row, (xs, ys)) in trace.chunks_exact_mut(w).zip(requests) {
        row[..t].copy_from_slice(xs);
        row[t..t + len].copy_from_slice(ys);
        row[t + len] = f(1);
    }
    Table {
        air,
        trace,
        publics: public.unwrap_or_default(),
    }
}

/// What the table answers for `input` (the permutation, or its compression).
fn answer<const T: usize>(table: &Poseidon2Table<T>, input: &[F; T]) -> Vec<F> {
    let mut y = *input;
    (table.spec().permute)(&mut y);
    match table.mode() {
        Poseidon2Output::Permutation => y.to_vec(),
        Poseidon2Output::Compress { len, .. } => (0..len).map(|i| y[i] + input[i]).collect(),
    }
}

/// A valid statement: `n_perm` random permutations in `table`, the first `n_req` of them
/// requested once each by a requester of height `req_height` (the table's multiplicities
/// count the requests); with `public_request`, the verifier also requests one more input
/// (appended to the table with multiplicity 1).
fn statement<const T: usize>(
    table: &Poseidon2Table<T>,
    seed: u64,
    n_perm: usize,
    n_req: usize,
    req_height: usize,
    public_request: bool,
) -> [Table; 2] {
    let mut rng = Rng(seed);
    let mut inputs: Vec<[F; T]> = (0..n_perm).map(|_| rng.state_with_edges()).collect();
    let mut mults: Vec<u32> = (0..n_perm).map(|i| u32::from(i < n_req)).collect();
    let requests: Vec<(Vec<F>, Vec<F>)> = inputs[..n_req]
        .iter()
        .map(|x| (x.to_vec(), answer(table, x)))
        .collect();
    let public = public_request.then(|| {
        let x: [F; T] = rng.state();
        inputs.push(x);
        mults.push(1);
        [x.to_vec(), answer(table, &x)].concat()
    });
    let out_len = table.columns().output.len();
    [
        Table {
            air: table.air().clone(),
            trace: table.trace(Isa::best(), &inputs, &mults),
            publics: vec![],
        },
        requester(table.bus(), T, out_len, &requests, req_height, public),
    ]
}

/// Index of cell `col` of row `row` in a table of width `w`.
fn cell(w: usize, row: usize, col: usize) -> usize {
    row * w + col
}

// --- Layout and rows.

#[test]
fn layout_and_degree() {
    let t16 = poseidon2_16_table();
    assert_eq!(t16.width(), 16 + 7 * 16 + 20 + 16 + 1);
    assert_eq!(t16.width(), 165);
    assert_eq!(t16.air().width(), 165);
    assert_eq!(t16.air().num_constraints(), 7 * 16 + 20 + 16);
    assert_eq!(t16.air().num_constraints(), 148);
    assert_eq!(t16.air().constraint_degree(), 3);
    assert_eq!(t16.air().num_interactions(), 1);
    assert_eq!(t16.air().max_tuple_len(), 32);
    assert_eq!(t16.bus(), POSEIDON2_16_BUS);
    // Round 0 stores nothing, the other external rounds 16 cells, internal rounds 1.
    let per_round: Vec<usize> = t16.columns().sbox.iter().map(Vec::len).collect();
    let mut expected = vec![0, 16, 16, 16];
    expected.extend([1; 20]);
    expected.extend([16; 4]);
    assert_eq!(per_round, expected);

    let c16 = poseidon2_16_compress_table();
    assert_eq!(c16.width(), 157);
    assert_eq!(c16.air().num_constraints(), 140);
    assert_eq!(c16.air().constraint_degree(), 3);
    assert_eq!(c16.air().max_tuple_len(), 24);
    assert_eq!(c16.bus(), POSEIDON2_16_COMPRESS_BUS);

    let t24 = poseidon2_24_table();
    assert_eq!(t24.width(), 24 + 7 * 24 + 23 + 24 + 1);
    assert_eq!(t24.width(), 240);
    assert_eq!(t24.air().num_constraints(), 7 * 24 + 23 + 24);
    assert_eq!(t24.air().num_constraints(), 215);
    assert_eq!(t24.air().constraint_degree(), 3);
    assert_eq!(t24.air().num_interactions(), 1);
    assert_eq!(t24.air().max_tuple_len(), 48);
    assert_eq!(t24.bus(), POSEIDON2_24_BUS);

    // Distinct buses, none of the Poseidon1 tables' or the statement's (0x10..=0x27).
    let buses = [
        POSEIDON2_16_BUS,
        POSEIDON2_16_COMPRESS_BUS,
        POSEIDON2_24_BUS,
    ];
    for (k, b) in buses.iter().enumerate() {
        assert!(!(0x10..=0x27).contains(&b.0), "{b:?}");
        assert!(!buses[..k].contains(b));
    }
}

/// Every row of `table`'s trace for `inputs` (multiplicity 1 each): input cells, every
/// stored S-box input (against the independent round-by-round reference) and the output
/// (against the backend's permutation), then the padding rows.
fn check_rows<const T: usize>(
    table: &Poseidon2Table<T>,
    inputs: &[[F; T]],
    permute: fn(&mut [F; T]),
) {
    let w = table.width();
    let trace = table.trace_for_inputs(Isa::best(), inputs);
    let height = inputs.len().next_power_of_two().max(4);
    assert_eq!(trace.len(), height * w);
    let cols = table.columns();
    let zero = [F::ZERO; T];
    for (k, row) in trace.chunks_exact(w).enumerate() {
        let (x, mult) = match inputs.get(k) {
            Some(x) => (x, f(1)),
            None => (&zero, F::ZERO),
        };
        let mut y = *x;
        permute(&mut y);
        let (sboxes, out) = rounds(table.spec(), x, None);
        assert_eq!(out, y, "independent reference disagrees with the backend");
        let inputs_stored: Vec<F> = cols.input.iter().map(|c| row[c.0]).collect();
        assert_eq!(inputs_stored, x.to_vec(), "row {k}");
        for (r, (stored, expected)) in cols.sbox.iter().zip(&sboxes).enumerate() {
            let stored: Vec<F> = stored.iter().map(|c| row[c.0]).collect();
            if r == 0 {
                assert!(stored.is_empty());
            } else {
                assert_eq!(&stored, expected, "row {k}, round {r}");
            }
        }
        assert_eq!(table.row_output(row), y.to_vec(), "row {k}");
        assert_eq!(row[cols.mult.0], mult, "row {k}");
    }
}

#[test]
fn rows_match_backend_permutations() {
    let t16 = poseidon2_16_table();
    let kat_in: [F; 16] = core::array::from_fn(|i| f(i as u32));
    let mut rng = Rng(7);
    let mut inputs = vec![kat_in, [F::ZERO; 16], [F::NEG_ONE; 16]];
    inputs.extend((0..30).map(|_| rng.state_with_edges::<16>()));
    check_rows(&t16, &inputs, poseidon2_permute_16);
    let trace = t16.trace_for_inputs(Isa::best(), &inputs[..1]);
    assert_eq!(
        t16.row_output(&trace[..t16.width()])[..4],
        KAT_16_PREFIX.map(f)
    );

    let t24 = poseidon2_24_table();
    let mut inputs = vec![core::array::from_fn(|i| f(i as u32)), [F::NEG_ONE; 24]];
    inputs.extend((0..15).map(|_| rng.state_with_edges::<24>()));
    check_rows(&t24, &inputs, poseidon2_permute_24);
}

#[test]
fn compression_rows_match_merkle_compress() {
    let table = poseidon2_16_compress_table();
    let w = table.width();
    let mut rng = Rng(11);
    let pairs: Vec<(Digest, Digest)> = (0..21)
        .map(|_| (rng.state_with_edges(), rng.state_with_edges()))
        .collect();
    let inputs: Vec<[F; 16]> = pairs
        .iter()
        .map(|(l, r)| core::array::from_fn(|i| if i < DIGEST_LEN { l[i] } else { r[i - 8] }))
        .collect();
    let mults: Vec<u32> = (0..inputs.len() as u32).collect();
    let trace = table.trace(Isa::best(), &inputs, &mults);
    assert_eq!(trace.len(), 32 * w);
    let cols = table.columns();
    for (k, row) in trace.chunks_exact(w).enumerate() {
        let (x, mult) = match inputs.get(k) {
            Some(x) => (*x, f(k as u32)),
            None => ([F::ZERO; 16], F::ZERO),
        };
        let (l, r) = x.split_at(DIGEST_LEN);
        let digest = compress(&l.try_into().unwrap(), &r.try_into().unwrap());
        assert_eq!(table.row_output(row), digest.to_vec(), "row {k}");
        // The same from the permutation plus the feed-forward.
        let mut y = x;
        poseidon2_permute_16(&mut y);
        let ff: Vec<F> = (0..8).map(|i| y[i] + x[i]).collect();
        assert_eq!(table.row_output(row), ff);
        assert_eq!(row[cols.mult.0], mult);
        // The stored S-box inputs are those of the full permutation.
        let (sboxes, _) = rounds(&POSEIDON2_16, &x, None);
        for (r, stored) in cols.sbox.iter().enumerate().skip(1) {
            let stored: Vec<F> = stored.iter().map(|c| row[c.0]).collect();
            assert_eq!(stored, sboxes[r], "row {k}, round {r}");
        }
    }
}

#[test]
fn trace_is_identical_on_every_isa() {
    let isas = Isa::available();
    assert!(!isas.is_empty());
    let mut rng = Rng(5);
    let in16: Vec<[F; 16]> = (0..300).map(|_| rng.state_with_edges()).collect();
    let in24: Vec<[F; 24]> = (0..77).map(|_| rng.state_with_edges()).collect();
    let m16: Vec<u32> = (0..300).map(|k| k % 3).collect();
    let m24: Vec<u32> = (0..77).map(|k| k % 2).collect();
    let (t16, c16, t24) = (
        poseidon2_16_table(),
        poseidon2_16_compress_table(),
        poseidon2_24_table(),
    );
    let reference = (
        t16.trace(Isa::scalar(), &in16, &m16),
        c16.trace(Isa::scalar(), &in16, &m16),
        t24.trace(Isa::scalar(), &in24, &m24),
    );
    assert_eq!(reference.0.len(), 512 * 165);
    assert_eq!(reference.2.len(), 128 * 240);
    for isa in isas {
        assert_eq!(t16.trace(isa, &in16, &m16), reference.0, "{isa:?}");
        assert_eq!(c16.trace(isa, &in16, &m16), reference.1, "{isa:?}");
        assert_eq!(t24.trace(isa, &in24, &m24), reference.2, "{isa:?}");
    }
    // The empty trace is four padding rows.
    let empty = t16.trace(Isa::best(), &[], &[]);
    assert_eq!(empty.len(), 4 * 165);
    assert_eq!(empty[..165], empty[165..330]);
}

// --- Honest proofs.

#[test]
fn width_16_requests_prove_and_verify() {
    // 40 permutations (table padded to 64 rows), 13 of them requested by a 16-row table, one
    // more requested by the verifier.
    let t = statement(&poseidon2_16_table(), 42, 40, 13, 16, true);
    prove_and_verify(&t, true).expect("valid proof");
}

#[test]
fn width_24_requests_prove_and_verify() {
    let t = statement(&poseidon2_24_table(), 43, 9, 5, 8, true);
    prove_and_verify(&t, true).expect("valid proof");
}

#[test]
fn merkle_compression_requests_prove_and_verify() {
    // Requests `(l || r, compress(l, r))` as a Merkle verifier makes them; the verifier
    // itself requests one more node.
    let t = statement(&poseidon2_16_compress_table(), 44, 12, 7, 8, true);
    prove_and_verify(&t, true).expect("valid proof");

    // A request repeated: the row's multiplicity 2 absorbs both.
    let table = poseidon2_16_compress_table();
    let mut rng = Rng(45);
    let (l, r): (Digest, Digest) = (rng.state(), rng.state());
    let x: [F; 16] = core::array::from_fn(|i| if i < 8 { l[i] } else { r[i - 8] });
    let req = (x.to_vec(), compress(&l, &r).to_vec());
    let t = [
        Table {
            air: table.air().clone(),
            trace: table.trace(Isa::best(), &[x], &[2]),
            publics: vec![],
        },
        requester(
            POSEIDON2_16_COMPRESS_BUS,
            16,
            8,
            &[req.clone(), req],
            4,
            None,
        ),
    ];
    prove_and_verify(&t, true).expect("valid proof");
}

#[test]
fn table_alone_proves_and_verifies() {
    // No requester: every multiplicity 0, the bus is trivially balanced, all rows checked.
    let t24 = poseidon2_24_table();
    let mut rng = Rng(3);
    let inputs: Vec<[F; 24]> = (0..6).map(|_| rng.state()).collect();
    let t = [Table {
        air: t24.air().clone(),
        trace: t24.trace(Isa::best(), &inputs, &[0; 6]),
        publics: vec![],
    }];
    prove_and_verify(&t, true).expect("valid proof");
}

// --- Forged witnesses.

/// The constraint of a stored column: constraints are declared in the order of the stored
/// columns (S-box inputs, then outputs), which follow the `T` input columns.
fn constraint_of(t: usize, col: usize) -> usize {
    col - t
}

#[test]
fn tampered_sbox_columns_are_refused_and_rejected() {
    // One stored S-box input changed (a requested row): its own constraint fails first.
    let table = poseidon2_16_table();
    let cols = table.columns();
    let w = table.width();
    for (round, i) in [
        (1usize, 5usize),
        (3, 15),
        (4, 0),
        (13, 0),
        (23, 0),
        (24, 0),
        (27, 9),
    ] {
        let mut t = statement(&table, 50, 12, 6, 8, false);
        let c = cols.sbox[round][i].0;
        t[0].trace[cell(w, 4, c)] += f(3);
        assert_refused_and_rejected(&t, fails_at(4, constraint_of(16, c)));
    }
    let table = poseidon2_24_table();
    let cols = table.columns();
    let w = table.width();
    for (round, i) in [(2usize, 17usize), (20, 0), (30, 23)] {
        let mut t = statement(&table, 51, 6, 3, 4, false);
        let c = cols.sbox[round][i].0;
        t[0].trace[cell(w, 1, c)] += f(1);
        assert_refused_and_rejected(&t, fails_at(1, constraint_of(24, c)));
    }
}

/// Replaces row `row` of `t[0]` (the table) by the permutation of `x` with the S-box input
/// of `(round, cell)` off by `delta` and everything after it consistent with that wrong
/// value, and makes requester row `req_row` (active) request that row's output.
fn forge_row<const T: usize>(
    table: &Poseidon2Table<T>,
    t: &mut [Table; 2],
    row: usize,
    req_row: usize,
    x: &[F; T],
    fault: (usize, usize, F),
) {
    let (sboxes, out) = rounds(table.spec(), x, Some(fault));
    let cols = table.columns();
    let w = table.width();
    let r = &mut t[0].trace[row * w..(row + 1) * w];
    for (c, &v) in cols.input.iter().zip(x) {
        r[c.0] = v;
    }
    for (stored, values) in cols.sbox.iter().zip(&sboxes) {
        for (c, &v) in stored.iter().zip(values) {
            r[c.0] = v;
        }
    }
    let y: Vec<F> = match table.mode() {
        Poseidon2Output::Permutation => out.to_vec(),
        Poseidon2Output::Compress { len, .. } => (0..len).map(|i| out[i] + x[i]).collect(),
    };
    for (c, &v) in cols.output.iter().zip(&y) {
        r[c.0] = v;
    }
    r[cols.mult.0] = f(1);
    let rw = requester_width(T, y.len());
    let q = &mut t[1].trace[req_row * rw..(req_row + 1) * rw];
    q[..T].copy_from_slice(x);
    q[T..T + y.len()].copy_from_slice(&y);
    q[T + y.len()] = f(1);
}

#[test]
fn consistently_forged_round_is_refused_and_rejected() {
    // The row is a wrong permutation whose only false step is one S-box input; the bus
    // balances (the requester asks for exactly that wrong output), so only that step's
    // constraint can catch it, and it does.
    let mut rng = Rng(60);
    for (table, name) in [
        (poseidon2_16_table(), "permutation"),
        (poseidon2_16_compress_table(), "compression"),
    ] {
        for fault in [(1usize, 0usize, f(1)), (10, 0, f(7)), (26, 12, F::NEG_ONE)] {
            let mut t = statement(&table, 61, 12, 6, 8, false);
            let x: [F; 16] = rng.state();
            // Table row 9 (multiplicity 0, unrequested) and requester row 7 (inactive).
            forge_row(&table, &mut t, 9, 7, &x, fault);
            let c = table.columns().sbox[fault.0][fault.1].0;
            let verdict = prover_verdict(&t);
            assert!(
                verdict
                    .as_ref()
                    .is_err_and(fails_at(9, constraint_of(16, c))),
                "{name} {fault:?}: {verdict:?}"
            );
            assert_verifier_rejects(&t);
        }
    }
    // The same row with no fault is honest: the forging helper itself is sound.
    let table = poseidon2_16_table();
    let mut t = statement(&table, 61, 12, 6, 8, false);
    let x: [F; 16] = rng.state();
    forge_row(&table, &mut t, 9, 7, &x, (5, 0, F::ZERO));
    prove_and_verify(&t, true).expect("honest forged-helper row");
}

#[test]
fn wrong_output_is_refused_and_rejected() {
    // Output cell changed in the table *and* in the request, so the bus stays balanced and
    // only the output constraint can catch it.
    let table = poseidon2_16_table();
    let o = table.columns().output[5].0;
    let mut t = statement(&table, 70, 12, 6, 8, false);
    t[0].trace[cell(table.width(), 2, o)] += f(1);
    t[1].trace[cell(requester_width(16, 16), 2, 16 + 5)] += f(1);
    assert_refused_and_rejected(&t, fails_at(2, constraint_of(16, o)));

    let table = poseidon2_24_table();
    let o = table.columns().output[23].0;
    let mut t = statement(&table, 71, 6, 3, 4, false);
    t[0].trace[cell(table.width(), 1, o)] += f(1);
    t[1].trace[cell(requester_width(24, 24), 1, 24 + 23)] += f(1);
    assert_refused_and_rejected(&t, fails_at(1, constraint_of(24, o)));

    let table = poseidon2_16_compress_table();
    let o = table.columns().output[7].0;
    let mut t = statement(&table, 72, 12, 6, 8, false);
    t[0].trace[cell(table.width(), 3, o)] += f(1);
    t[1].trace[cell(requester_width(16, 8), 3, 16 + 7)] += f(1);
    assert_refused_and_rejected(&t, fails_at(3, constraint_of(16, o)));
}

#[test]
fn wrong_output_in_padding_row_is_refused_and_rejected() {
    // A multiplicity-0 padding row still has to be a correct permutation.
    let table = poseidon2_16_table();
    let o = table.columns().output[0].0;
    let mut t = statement(&table, 80, 5, 2, 4, false);
    t[0].trace[cell(table.width(), 7, o)] += f(1);
    assert_refused_and_rejected(&t, fails_at(7, constraint_of(16, o)));
}

#[test]
fn tampered_input_is_refused_and_rejected() {
    // An input cell of an unrequested row changed (its stored rounds and output kept): the
    // first stored round's constraints fail.
    let table = poseidon2_16_table();
    let mut t = statement(&table, 90, 12, 6, 8, false);
    t[0].trace[cell(table.width(), 9, table.columns().input[3].0)] += f(1);
    let verdict = prover_verdict(&t);
    assert!(
        matches!(verdict, Err(ErrorV2::ConstraintFailed { table: 0, row: 9, constraint }) if constraint < 16),
        "{verdict:?}"
    );
    assert_verifier_rejects(&t);
}

#[test]
fn request_not_in_table_is_refused_and_rejected() {
    // The requester claims a different output for row 3: no table row has that pair.
    let table = poseidon2_16_table();
    let mut t = statement(&table, 100, 12, 6, 8, false);
    t[1].trace[cell(requester_width(16, 16), 3, 16)] += f(1);
    assert_refused_and_rejected(&t, unbalanced);

    // A requested input the table never permuted (an inactive requester row activated with
    // the true permutation of its input).
    let mut t = statement(&table, 100, 12, 6, 8, false);
    let x: [F; 16] = Rng(101).state();
    let y = answer(&table, &x);
    let rw = requester_width(16, 16);
    let q = &mut t[1].trace[7 * rw..8 * rw];
    q[..16].copy_from_slice(&x);
    q[16..32].copy_from_slice(&y);
    q[32] = f(1);
    assert_refused_and_rejected(&t, unbalanced);

    // A wrong Merkle node: the compression requester claims another digest.
    let table = poseidon2_16_compress_table();
    let mut t = statement(&table, 102, 12, 6, 8, false);
    t[1].trace[cell(requester_width(16, 8), 0, 16 + 2)] += f(1);
    assert_refused_and_rejected(&t, unbalanced);

    // A width-24 request with a wrong output cell 20.
    let table = poseidon2_24_table();
    let mut t = statement(&table, 103, 6, 3, 4, false);
    t[1].trace[cell(requester_width(24, 24), 2, 24 + 20)] += f(1);
    assert_refused_and_rejected(&t, unbalanced);

    // The verifier's own request with a wrong answer.
    let table = poseidon2_16_compress_table();
    let mut t = statement(&table, 104, 5, 3, 4, true);
    let n = t[1].publics.len();
    t[1].publics[n - 1] += f(1);
    assert_refused_and_rejected(&t, unbalanced);
}

#[test]
fn multiplicity_mismatch_is_refused_and_rejected() {
    // Row 1 claims two requests but only one is sent.
    let table = poseidon2_16_table();
    let mut t = statement(&table, 110, 12, 6, 8, false);
    t[0].trace[cell(table.width(), 1, table.columns().mult.0)] = f(2);
    assert_refused_and_rejected(&t, unbalanced);
}

#[test]
fn spec_helpers() {
    assert_eq!(POSEIDON2_16.rounds(), 28);
    assert_eq!(POSEIDON2_24.rounds(), 31);
    let external: Vec<usize> = (0..28).filter(|&r| POSEIDON2_16.is_external(r)).collect();
    assert_eq!(external, [0, 1, 2, 3, 24, 25, 26, 27]);
    assert!(POSEIDON2_24.is_external(27) && !POSEIDON2_24.is_external(26));
    // A non-standard mode: the first 4 cells of the width-24 compression.
    let table = Poseidon2Table::with_output(
        POSEIDON2_24,
        Poseidon2Output::Compress {
            len: 4,
            bus: BusId(0x3f),
        },
    )
    .expect("AIR");
    assert_eq!(table.width(), 24 + 7 * 24 + 23 + 4 + 1);
    assert_eq!(table.air().name(), "poseidon2_24_compress4");
    let x: [F; 24] = Rng(120).state();
    let trace = table.trace_for_inputs(Isa::best(), &[x]);
    let mut y = x;
    poseidon2_permute_24(&mut y);
    let expected: Vec<F> = (0..4).map(|i| y[i] + x[i]).collect();
    assert_eq!(table.row_output(&trace[..table.width()]), expected);
}
