//! The transcript table: replaying observe / sample sequences gives the challenges
//! `backend::challenger::Challenger` gives; with the Poseidon2-16 table, the observed values
//! and the samples at their positions (public lookup lists) prove and verify with lean_prover
//! v2; a wrong challenge, a value at another position, a broken capacity carry, a skipped
//! call, non-monotone flags and a non-zero unused slot are refused by the prover and, proved
//! anyway, rejected by the verifier.

mod common;

use backend::challenger::Challenger;
use backend::{Isa, KoalaBear as F};
use common::{Rng, Table, prove_and_verify_with, prover_verdict_with};
use lean_prover::v2::ErrorV2;
use lean_prover::{Direction, PublicLookup};
use rec_aggregation::poseidon2_16_table;
use rec_aggregation::transcript_table::{
    Positioned, TRANSCRIPT_OBSERVE_BUS, TRANSCRIPT_SAMPLE_BUS, TranscriptOp, TranscriptTable,
};

/// A pseudo-random sequence of `n` operations ending with a sample; observations in runs of
/// 0 to 19, samples in runs of 1 to 11 (so calls absorb 0 to 8 values and read 0 to 8
/// outputs, and some read all 8 and force an empty call).
fn ops(seed: u64, n: usize) -> Vec<TranscriptOp> {
    let mut rng = Rng(seed);
    let mut ops = Vec::new();
    while ops.len() < n {
        for _ in 0..rng.next() % 20 {
            ops.push(TranscriptOp::Observe(F::from_u64(rng.next())));
        }
        for _ in 0..1 + rng.next() % 11 {
            ops.push(TranscriptOp::Sample);
        }
    }
    ops
}

/// The samples the challenger itself gives for `ops`.
fn challenger_samples(ops: &[TranscriptOp]) -> Vec<F> {
    let mut ch = Challenger::new();
    ops.iter()
        .filter_map(|op| match *op {
            TranscriptOp::Observe(x) => {
                ch.observe(x);
                None
            }
            TranscriptOp::Sample => Some(ch.sample()),
            TranscriptOp::Fresh => {
                ch = Challenger::new();
                None
            }
        })
        .collect()
}

/// The lists a consumer sends: observed values and samples at their positions.
struct Lists {
    observed: Vec<F>,
    observed_mults: Vec<F>,
    sampled: Vec<F>,
    sampled_mults: Vec<F>,
}

impl Lists {
    fn of(observed: &[Positioned], sampled: &[Positioned]) -> Lists {
        let flat = |v: &[Positioned]| -> Vec<F> {
            v.iter()
                .flat_map(|&(c, s, x)| [F::new(c), F::new(s), x])
                .collect()
        };
        Lists {
            observed: flat(observed),
            observed_mults: vec![F::ONE; observed.len()],
            sampled: flat(sampled),
            sampled_mults: vec![F::ONE; sampled.len()],
        }
    }

    fn lookups(&self) -> Vec<PublicLookup<'_>> {
        vec![
            PublicLookup {
                bus: TRANSCRIPT_OBSERVE_BUS,
                direction: Direction::Send,
                tuple_len: 3,
                values: &self.observed,
                multiplicities: &self.observed_mults,
            },
            PublicLookup {
                bus: TRANSCRIPT_SAMPLE_BUS,
                direction: Direction::Send,
                tuple_len: 3,
                values: &self.sampled,
                multiplicities: &self.sampled_mults,
            },
        ]
    }
}

/// The transcript table of `ops` (with `tamper` on its trace) and the Poseidon2-16 table
/// serving the untampered calls, with the consumer's lists.
fn statement(
    ops: &[TranscriptOp],
    tamper: impl Fn(&TranscriptTable, &mut Vec<F>),
) -> (Vec<Table>, Lists) {
    let table = TranscriptTable::new().expect("transcript AIR");
    let mut w = table.replay(ops);
    tamper(&table, &mut w.trace);
    let p16 = poseidon2_16_table();
    let tables = vec![
        Table {
            air: table.air().clone(),
            trace: w.trace,
            publics: vec![],
        },
        Table {
            air: p16.air().clone(),
            trace: p16.trace_for_inputs(Isa::current(), &w.permutations),
            publics: vec![],
        },
    ];
    (tables, Lists::of(&w.observed, &w.sampled))
}

fn refused_and_rejected(what: &str, t: &[Table], lists: &Lists, constraint: bool) {
    match prover_verdict_with(t, &lists.lookups()) {
        Err(ErrorV2::ConstraintFailed { table: 0, .. }) if constraint => {}
        Err(ErrorV2::Unbalanced) if !constraint => {}
        other => panic!("{what}: prover said {other:?}"),
    }
    assert!(
        prove_and_verify_with(t, false, &lists.lookups(), &lists.lookups()).is_err(),
        "{what}: verifier accepted"
    );
}

#[test]
fn replays_give_the_challengers_samples() {
    let table = TranscriptTable::new().unwrap();
    assert_eq!(table.width(), 52);
    assert_eq!(table.air().constraint_degree(), 3);
    for seed in 0..20 {
        let ops = ops(seed, 200);
        let w = table.replay(&ops);
        let samples: Vec<F> = w.sampled.iter().map(|s| s.2).collect();
        assert_eq!(samples, challenger_samples(&ops), "seed {seed}");
        // Every observation absorbed before the last sample has a position, in order.
        let observed: Vec<F> = ops
            .iter()
            .filter_map(|op| match op {
                TranscriptOp::Observe(x) => Some(*x),
                TranscriptOp::Fresh => None,
                TranscriptOp::Sample => None,
            })
            .collect();
        let positioned: Vec<F> = w.observed.iter().map(|o| o.2).collect();
        assert!(observed.starts_with(&positioned), "seed {seed}");
    }
    // A sample on a fresh transcript is an empty call's first output.
    let w = table.replay(&[TranscriptOp::Sample]);
    assert_eq!(
        w.sampled[0].2,
        challenger_samples(&[TranscriptOp::Sample])[0]
    );
    assert!(w.observed.is_empty());
}

#[test]
fn honest_transcripts_prove_and_verify() {
    for (seed, n) in [(1, 40), (2, 300), (3, 3)] {
        let (t, lists) = statement(&ops(seed, n), |_, _| {});
        prover_verdict_with(&t, &lists.lookups()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        prove_and_verify_with(&t, false, &lists.lookups(), &lists.lookups())
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
}

#[test]
fn wrong_challenges_and_positions_are_refused_and_rejected() {
    let ops = ops(4, 120);
    let (t, honest) = statement(&ops, |_, _| {});
    // A challenge the consumer claims but the transcript did not give; an observation at
    // another slot; a sample at another call.
    for (what, list, at) in [
        ("wrong challenge", 1, 5),
        ("observation at another slot", 0, 4),
        ("sample at another call", 1, 3),
    ] {
        let mut bad = Lists::of(&[], &[]);
        bad.observed = honest.observed.clone();
        bad.observed_mults = honest.observed_mults.clone();
        bad.sampled = honest.sampled.clone();
        bad.sampled_mults = honest.sampled_mults.clone();
        let target = if list == 0 {
            &mut bad.observed
        } else {
            &mut bad.sampled
        };
        target[at] += F::ONE;
        refused_and_rejected(what, &t, &bad, false);
    }
}

#[test]
fn forged_rows_are_refused_and_rejected() {
    let ops = ops(5, 150);
    let table = TranscriptTable::new().unwrap();
    let c = table.columns().clone();
    let w = 52;
    type Tamper = Box<dyn Fn(&TranscriptTable, &mut Vec<F>)>;
    let cases: Vec<(&str, Tamper, bool)> = vec![
        (
            // Call 2 starts from another capacity (its permutation then is another one).
            "broken carry",
            Box::new(move |_, tr| tr[2 * w + c.cap[5].0] += F::ONE),
            false,
        ),
        (
            // Call 3 claims to be call 4.
            "skipped call number",
            Box::new(move |_, tr| tr[3 * w + c.call.0] += F::ONE),
            false,
        ),
        (
            // A padding row's flags made non-monotone: its slot 3 now receives an observation
            // nobody sends (the bus check comes first in the prover).
            "non-monotone used flags",
            Box::new(move |t, tr| {
                let rows = tr.len() / w;
                let r = (rows - 1) * w;
                tr[r + t.columns().used[3].0] = F::ONE;
            }),
            false,
        ),
        (
            // A non-zero value in an unused slot of a padding row.
            "value in an unused slot",
            Box::new(move |t, tr| {
                let rows = tr.len() / w;
                let r = (rows - 1) * w;
                tr[r + t.columns().x[6].0] = F::new(9);
            }),
            true,
        ),
    ];
    for (what, tamper, constraint) in cases {
        let (t, lists) = statement(&ops, tamper);
        refused_and_rejected(what, &t, &lists, constraint);
    }
}

#[test]
fn a_non_monotone_slot_is_caught_by_its_constraint_alone() {
    // A padding row (call 0, all zero) claims slot 1 without slot 0, and the consumer sends
    // the matching observation (0, 1, 0): every bus balances, only `used[1] <= used[0]`
    // breaks. (Without it an observation could sit in any slot, giving a forger several
    // transcripts, hence several challenges, for the same observations.)
    let ops = ops(6, 60);
    let (t, honest) = statement(&ops, |t, tr| {
        let w = t.width();
        let r = tr.len() - w;
        assert_eq!(tr[r + t.columns().active.0], F::ZERO, "the last row pads");
        tr[r + t.columns().used[1].0] = F::ONE;
    });
    let mut lists = Lists::of(&[], &[]);
    lists.observed = honest.observed.clone();
    lists.observed.extend([F::ZERO, F::ONE, F::ZERO]);
    lists.observed_mults = honest.observed_mults.clone();
    lists.observed_mults.push(F::ONE);
    lists.sampled = honest.sampled.clone();
    lists.sampled_mults = honest.sampled_mults.clone();
    refused_and_rejected("non-monotone slot", &t, &lists, true);
}

#[test]
fn a_padding_row_cannot_serve_a_challenge() {
    // A padding row (whose `call` and `out` nothing else constrains) claims call 2's first
    // output is 7, and the consumer asks for that challenge: every bus balances, only the
    // rule that an inactive row reads no output stops it.
    let ops = ops(7, 60);
    let (t, honest) = statement(&ops, |t, tr| {
        let (w, c) = (t.width(), t.columns());
        let r = tr.len() - w;
        assert_eq!(tr[r + c.active.0], F::ZERO, "the last row pads");
        tr[r + c.call.0] = F::new(2);
        tr[r + c.read[0].0] = F::ONE;
        tr[r + c.out[0].0] = F::new(7);
    });
    let mut lists = Lists::of(&[], &[]);
    lists.observed = honest.observed.clone();
    lists.observed_mults = honest.observed_mults.clone();
    lists.sampled = honest.sampled.clone();
    lists.sampled.extend([F::new(2), F::ZERO, F::new(7)]);
    lists.sampled_mults = honest.sampled_mults.clone();
    lists.sampled_mults.push(F::ONE);
    refused_and_rejected("challenge from a padding row", &t, &lists, true);
}
