//! The Poseidon1 permutation tables: agreement with the reference permutation and the devnet4
//! known answers, proofs with a requesting table, and forged witnesses (refused by the
//! prover's checks, rejected by the verifier when those checks are skipped).

use backend::poseidon::{compress_16, poseidon1_permute_16, poseidon1_permute_24};
use backend::{Isa, KoalaBear};
use lean_prover::BusId;
use lean_prover::v2::{ErrorV2, prove_v2, verify_v2_bytes};
use lean_prover::{Air, AirBuilder, TableInstance};
use rec_aggregation::poseidon_table::{
    POSEIDON1_24_PREFIX_BUS, POSEIDON1_24_PREFIX_LEN, POSEIDON1_24_SHORT_BUS,
    POSEIDON1_24_SHORT_LEN, poseidon1_24_prefix_table,
};
use rec_aggregation::{POSEIDON1_16_BUS, Poseidon1Table, poseidon1_16_table, poseidon1_24_table};

mod common;
use common::{Rng, Table, policy, prove_and_verify, prover_verdict, test_params};

const KAT_16: [u32; 16] = [
    610090613, 935319874, 1893335292, 796792199, 356405232, 552237741, 55134556, 1215104204,
    1823723405, 1133298033, 1780633798, 1453946561, 710069176, 1128629550, 1917333254, 1175481618,
];
const KAT_24_FIRST: [u32; 4] = [511672087, 215882318, 237782537, 740528428];

fn f(x: u32) -> KoalaBear {
    KoalaBear::new(x)
}

/// Columns of the requesting table: `x[16]`, `y[16]` (claimed permutation of `x`),
/// `c[8] = y[..8] + x[..8]` (so `c = compress_16(x, 8)`), `active` (boolean).
const REQ_W: usize = 16 + 16 + 8 + 1;

/// A table computing `compress_16(x, 8)` per row through [`POSEIDON1_16_BUS`]: it sends
/// `(x, y)` with multiplicity `active`; the first row's `c` must equal the 8 public values.
/// With `public_kat`, the verifier itself also sends the request `([0..16], KAT_16)` from
/// 32 more public values.
fn requester_air(public_kat: bool) -> Air {
    let b = AirBuilder::new("compress16_requests");
    let x = b.columns("x", 16);
    let y = b.columns("y", 16);
    let c = b.columns("c", 8);
    let active = b.column("active");
    let a = b.main(active);
    b.assert_zero(a * (a - b.constant(f(1))));
    for k in 0..8 {
        b.assert_zero(b.main(c[k]) - b.main(y[k]) - b.main(x[k]));
        let p = b.public_value();
        b.when_first_row(b.main(c[k]) - p);
    }
    let tuple: Vec<_> = x.iter().chain(&y).map(|&col| b.main(col)).collect();
    b.send(POSEIDON1_16_BUS, &tuple, a);
    if public_kat {
        let pubs: Vec<_> = (0..32).map(|_| b.public_value()).collect();
        b.send_public(POSEIDON1_16_BUS, &pubs, b.constant(f(1)));
    }
    b.build(3).expect("requester AIR")
}

/// The requester's trace for `inputs` (rows beyond them inactive, with `x = y = c = 0`).
fn requester_trace(inputs: &[[KoalaBear; 16]], height: usize) -> Vec<KoalaBear> {
    let mut t = vec![KoalaBear::ZERO; height * REQ_W];
    for (row, x) in t.chunks_exact_mut(REQ_W).zip(inputs) {
        let mut y = *x;
        poseidon1_permute_16(&mut y);
        row[..16].copy_from_slice(x);
        row[16..32].copy_from_slice(&y);
        for k in 0..8 {
            row[32 + k] = y[k] + x[k];
        }
        row[40] = f(1);
    }
    t
}

/// A valid statement: `n_perm` random permutations in the table, the first `n_req` of them
/// also requested by the requester (of height `req_height`); the table's multiplicities count
/// the requests; optionally the public KAT request (input `[0..16]`, appended to the table).
fn statement(n_perm: usize, n_req: usize, req_height: usize, public_kat: bool) -> [Table; 2] {
    let perm = poseidon1_16_table();
    let mut rng = Rng(42);
    let inputs: Vec<[KoalaBear; 16]> = (0..n_perm).map(|_| rng.state()).collect();
    let mut requests: Vec<([KoalaBear; 16], u32)> = inputs
        .iter()
        .enumerate()
        .map(|(i, x)| (*x, u32::from(i < n_req)))
        .collect();
    let kat_in: [KoalaBear; 16] = core::array::from_fn(|i| f(i as u32));
    if public_kat {
        requests.push((kat_in, 1));
    }
    let req_trace = requester_trace(&inputs[..n_req], req_height);
    let mut publics: Vec<KoalaBear> = compress_16::<8>(&inputs[0]).to_vec();
    if public_kat {
        publics.extend(kat_in);
        publics.extend(KAT_16.map(f));
    }
    [
        Table {
            air: perm.air().clone(),
            trace: perm.trace(Isa::best(), &requests),
            publics: vec![],
        },
        Table {
            air: requester_air(public_kat),
            trace: req_trace,
            publics,
        },
    ]
}

#[test]
fn layout_and_degree() {
    let t16 = poseidon1_16_table();
    assert_eq!(t16.width(), 16 + 7 * 16 + 20 + 16 + 1);
    assert_eq!(t16.width(), 165);
    assert_eq!(t16.air().width(), 165);
    assert_eq!(t16.air().num_constraints(), 7 * 16 + 20 + 16);
    assert_eq!(t16.air().constraint_degree(), 3);
    assert_eq!(t16.air().num_interactions(), 1);
    let t24 = poseidon1_24_table();
    assert_eq!(t24.width(), 24 + 7 * 24 + 23 + 24 + 1);
    assert_eq!(t24.air().num_constraints(), 7 * 24 + 23 + 24);
    assert_eq!(t24.air().constraint_degree(), 3);
}

#[test]
fn rows_match_reference_and_known_answers() {
    let t16 = poseidon1_16_table();
    let kat_in: [KoalaBear; 16] = core::array::from_fn(|i| f(i as u32));
    let mut rng = Rng(7);
    let mut inputs: Vec<[KoalaBear; 16]> = vec![kat_in];
    inputs.extend((0..20).map(|_| rng.state::<16>()));
    let trace = t16.trace_for_inputs(Isa::best(), &inputs);
    assert_eq!(trace.len(), 32 * t16.width());
    let rows: Vec<&[KoalaBear]> = trace.chunks_exact(t16.width()).collect();
    assert_eq!(t16.row_output(rows[0]), KAT_16.map(f).to_vec());
    assert_eq!(t16.row_output(rows[0])[0], f(610090613));
    for (row, x) in rows.iter().zip(&inputs) {
        let mut y = *x;
        poseidon1_permute_16(&mut y);
        assert_eq!(t16.row_output(row), y.to_vec());
        assert_eq!(row[t16.columns().mult.0], f(1));
    }
    // Padding rows: permutation of zero, multiplicity 0.
    let mut z = [KoalaBear::ZERO; 16];
    poseidon1_permute_16(&mut z);
    for row in &rows[inputs.len()..] {
        assert_eq!(t16.row_output(row), z.to_vec());
        assert_eq!(row[t16.columns().mult.0], KoalaBear::ZERO);
    }

    let t24 = poseidon1_24_table();
    let kat24: [KoalaBear; 24] = core::array::from_fn(|i| f(i as u32));
    let x24 = rng.state::<24>();
    let trace = t24.trace_for_inputs(Isa::best(), &[kat24, x24]);
    assert_eq!(trace.len(), 4 * t24.width());
    let out = t24.row_output(&trace[..t24.width()]);
    assert_eq!(out[..4], KAT_24_FIRST.map(f));
    let mut y = x24;
    poseidon1_permute_24(&mut y);
    assert_eq!(
        t24.row_output(&trace[t24.width()..2 * t24.width()]),
        y.to_vec()
    );
}

#[test]
fn random_permutations_with_requests_prove_and_verify() {
    // 40 permutations (table padded to 64 rows), 13 of them requested by a 16-row table.
    let t = statement(40, 13, 16, false);
    prover_verdict(&t).expect("valid witness");
    prove_and_verify(&t, true).expect("valid proof");
}

#[test]
fn public_known_answer_request_proves_and_verifies() {
    // The verifier itself sends ([0..16], KAT_16): accepted only if the table has that row.
    let t = statement(5, 3, 4, true);
    prove_and_verify(&t, true).expect("valid proof");

    // A wrong known answer (first output word changed) is not in the table.
    let mut t = statement(5, 3, 4, true);
    let n = t[1].publics.len();
    t[1].publics[n - 16] += f(1);
    assert_eq!(prover_verdict(&t), Err(ErrorV2::Unbalanced));
    assert!(prove_and_verify(&t, false).is_err());
}

#[test]
fn width_24_table_proves_alone() {
    // No requester: every multiplicity 0, the bus is trivially balanced, all rows checked.
    let t24 = poseidon1_24_table();
    let mut rng = Rng(3);
    let requests: Vec<([KoalaBear; 24], u32)> = (0..6).map(|_| (rng.state(), 0)).collect();
    let t = [Table {
        air: t24.air().clone(),
        trace: t24.trace(Isa::best(), &requests),
        publics: vec![],
    }];
    prover_verdict(&t).expect("valid witness");
    prove_and_verify(&t, true).expect("valid proof");
}

/// Index of cell `col` of row `row` in the permutation table's trace.
fn cell(perm: &Poseidon1Table<16>, row: usize, col: usize) -> usize {
    row * perm.width() + col
}

#[test]
fn wrong_output_is_refused_and_rejected() {
    let perm = poseidon1_16_table();
    let mut t = statement(12, 6, 8, false);
    // Row 2 is requested; change its output word 5 in the table *and* in the request (and
    // the compress output derived from it), so the bus stays balanced and only the
    // permutation constraints can catch it.
    let o = perm.columns().output[5].0;
    t[0].trace[cell(&perm, 2, o)] += f(1);
    t[1].trace[2 * REQ_W + 16 + 5] += f(1);
    t[1].trace[2 * REQ_W + 32 + 5] += f(1);
    assert!(
        matches!(
            prover_verdict(&t),
            Err(ErrorV2::ConstraintFailed {
                table: 0,
                row: 2,
                ..
            })
        ),
        "{:?}",
        prover_verdict(&t)
    );
    assert!(prove_and_verify(&t, false).is_err());
}

#[test]
fn wrong_output_in_padding_row_is_rejected() {
    // A multiplicity-0 row still has to be a correct permutation.
    let perm = poseidon1_16_table();
    let mut t = statement(5, 2, 4, false);
    let o = perm.columns().output[0].0;
    t[0].trace[cell(&perm, 7, o)] += f(1);
    assert!(matches!(
        prover_verdict(&t),
        Err(ErrorV2::ConstraintFailed {
            table: 0,
            row: 7,
            ..
        })
    ));
    assert!(prove_and_verify(&t, false).is_err());
}

#[test]
fn request_not_in_table_is_refused_and_rejected() {
    let mut t = statement(12, 6, 8, false);
    // The requester claims a different permutation output for row 3 (its own constraint
    // c = y + x still holds): no table row has that (x, y).
    t[1].trace[3 * REQ_W + 16] += f(1);
    t[1].trace[3 * REQ_W + 32] += f(1);
    assert_eq!(prover_verdict(&t), Err(ErrorV2::Unbalanced));
    assert!(prove_and_verify(&t, false).is_err());

    // A requested input that the table never permuted (request activated on an empty row
    // with the true permutation of its input, which is absent from the table).
    let mut t = statement(12, 6, 8, false);
    let mut rng = Rng(99);
    let x: [KoalaBear; 16] = rng.state();
    let row = requester_trace(&[x], 4);
    t[1].trace[7 * REQ_W..8 * REQ_W].copy_from_slice(&row[..REQ_W]);
    assert_eq!(prover_verdict(&t), Err(ErrorV2::Unbalanced));
    assert!(prove_and_verify(&t, false).is_err());
}

#[test]
fn multiplicity_mismatch_is_refused_and_rejected() {
    let perm = poseidon1_16_table();
    let mut t = statement(12, 6, 8, false);
    // Row 1 claims two requests but only one is sent.
    t[0].trace[cell(&perm, 1, perm.columns().mult.0)] = f(2);
    assert_eq!(prover_verdict(&t), Err(ErrorV2::Unbalanced));
    assert!(prove_and_verify(&t, false).is_err());
}

#[test]
fn tampered_intermediate_columns_are_refused_and_rejected() {
    let perm = poseidon1_16_table();
    let cols = perm.columns();
    // A full-round S-box input, a partial-round S-box input, a last-full-round S-box input.
    for (round, cell_idx) in [(2usize, 9usize), (10, 0), (27, 15)] {
        let mut t = statement(12, 6, 8, false);
        let c = cols.sbox[round][cell_idx].0;
        t[0].trace[cell(&perm, 4, c)] += f(3);
        assert!(
            matches!(
                prover_verdict(&t),
                Err(ErrorV2::ConstraintFailed {
                    table: 0,
                    row: 4,
                    ..
                })
            ),
            "round {round}"
        );
        assert!(prove_and_verify(&t, false).is_err(), "round {round}");
    }
}

#[test]
fn tampered_input_is_refused_and_rejected() {
    // Changing an input cell of an unrequested row (keeping its stored rounds and output)
    // breaks the first stored round's constraint.
    let perm = poseidon1_16_table();
    let mut t = statement(12, 6, 8, false);
    t[0].trace[cell(&perm, 9, perm.columns().input[3].0)] += f(1);
    assert!(matches!(
        prover_verdict(&t),
        Err(ErrorV2::ConstraintFailed {
            table: 0,
            row: 9,
            ..
        })
    ));
    assert!(prove_and_verify(&t, false).is_err());
}

#[test]
fn changed_public_value_fails() {
    let t = statement(12, 6, 8, false);
    let params = test_params();
    let w: Vec<_> = t.iter().map(Table::witness).collect();
    let proof = prove_v2(Isa::current(), &params, &w, &[])
        .expect("prove")
        .to_bytes();
    let mut publics = t[1].publics.clone();
    publics[0] += f(1);
    let inst = [
        t[0].instance(),
        TableInstance {
            public_values: &publics,
            ..t[1].instance()
        },
    ];
    assert!(verify_v2_bytes(Isa::current(), &params, &policy(), &inst, &[], &proof).is_err());
}

/// A table requesting `(x[24], Poseidon1_24(x)[0..len])` on `bus` for each of its rows (all
/// active): columns `x[24]`, `y[len]`.
fn prefix_requester(bus: BusId, len: usize, inputs: &[[KoalaBear; 24]]) -> Table {
    let b = AirBuilder::new(&format!("prefix{len}_requests"));
    let x = b.columns("x", 24);
    let y = b.columns("y", len);
    let tuple: Vec<_> = x.iter().chain(&y).map(|&c| b.main(c)).collect();
    b.send(bus, &tuple, b.constant(f(1)));
    let air = b.build(3).expect("prefix requester AIR");
    let mut trace = Vec::with_capacity(inputs.len() * (24 + len));
    for x in inputs {
        let mut out = *x;
        poseidon1_permute_24(&mut out);
        trace.extend_from_slice(x);
        trace.extend_from_slice(&out[..len]);
    }
    Table {
        air,
        trace,
        publics: vec![],
    }
}

/// The statement's width-24 table serves 17-cell requests through `mult` and 8-cell requests
/// through `short_mult`; a short request answered by a row that only serves long ones (or the
/// other way round) is refused and rejected.
#[test]
fn split_prefix_table_serves_each_request_on_its_own_bus() {
    let table = poseidon1_24_prefix_table();
    assert_eq!(table.width(), 234);
    let mut rng = Rng(7);
    let long: Vec<[KoalaBear; 24]> = (0..4).map(|_| rng.state()).collect();
    let short: Vec<[KoalaBear; 24]> = (0..4).map(|_| rng.state()).collect();
    let requesters = || {
        [
            prefix_requester(POSEIDON1_24_PREFIX_BUS, POSEIDON1_24_PREFIX_LEN, &long),
            prefix_requester(POSEIDON1_24_SHORT_BUS, POSEIDON1_24_SHORT_LEN, &short),
        ]
    };
    let [rl, rs] = requesters();
    let honest = [
        Table {
            air: table.air().clone(),
            trace: table.trace_for_split_inputs(Isa::best(), &long, &short),
            publics: vec![],
        },
        rl,
        rs,
    ];
    prove_and_verify(&honest, true).expect("honest split table");

    // Every row serves long requests only: the short requests find no row.
    let [rl, rs] = requesters();
    let all_long = [
        Table {
            air: table.air().clone(),
            trace: table.trace_for_split_inputs(
                Isa::best(),
                &[long.clone(), short.clone()].concat(),
                &[],
            ),
            publics: vec![],
        },
        rl,
        rs,
    ];
    assert!(matches!(
        prover_verdict(&all_long),
        Err(ErrorV2::Unbalanced)
    ));
    assert!(prove_and_verify(&all_long, false).is_err());

    // Every row serves short requests only: the long requests find no row.
    let [rl, rs] = requesters();
    let all_short = [
        Table {
            air: table.air().clone(),
            trace: table.trace_for_split_inputs(
                Isa::best(),
                &[],
                &[long.clone(), short.clone()].concat(),
            ),
            publics: vec![],
        },
        rl,
        rs,
    ];
    assert!(matches!(
        prover_verdict(&all_short),
        Err(ErrorV2::Unbalanced)
    ));
    assert!(prove_and_verify(&all_short, false).is_err());
}
