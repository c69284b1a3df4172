//! The transcript table for recursion: `backend::challenger`'s duplex sponge (Poseidon2-16,
//! rate 8, capacity 8, overwrite mode, the number of absorbed values added to capacity cell 0)
//! as rows, one per duplex call, so that the tables checking a verifier's steps can take the
//! values it observes and the challenges it samples at their transcript positions.
//!
//! # Layout: one row per duplex call
//! | columns | count |
//! |---|---|
//! | `call` (the call's number, from 0) | 1 |
//! | `x[0..8]` (the absorbed values: the permutation's input cells 0 to 7) | 8 |
//! | `used[0..8]` (slot `i` holds an absorbed value; non-increasing) | 8 |
//! | `cap[0..8]` (the capacity carried from the previous call; zero on the first) | 8 |
//! | `out[0..16]` (the permutation's output) | 16 |
//! | `read[0..8]` (output `j` is sampled before the next call; non-increasing) | 8 |
//! | `active` (0 on padding rows, which follow the calls) | 1 |
//! | `fresh` (1: the call starts another fresh transcript: zero capacity) | 1 |
//! | `carried` (`active (1 - fresh)`: the call takes the previous call's capacity) | 1 |
//! | **total** | **52** |
//!
//! The permutation's input is `(x[0..8], cap[0] + m, cap[1..8])`, `m = sum_i used[i]` the
//! number of absorbed values.
//!
//! # Constraints (degree at most 3)
//! * `used`, `read`, `active` are boolean; `used[i + 1] <= used[i]`, `read[j + 1] <= read[j]`;
//!   an unused slot holds zero (`(1 - used[i]) x[i] = 0`); an inactive row uses no slot and
//!   reads no output;
//! * the table's first row is call 0 with a zero capacity;
//! * `fresh` is boolean and a fresh call has a zero capacity (`fresh cap[i] = 0`);
//! * from an active row to the next (transition rows only): when the next row is active, its
//!   `call` is this `call + 1`, and unless it is fresh its `cap` is this `out[8..16]`; an
//!   inactive row is followed by inactive rows.
//!
//! # Buses
//! * Every active row *sends* `(input[0..16], out[0..16])` on [`POSEIDON2_16_BUS`].
//! * Every used slot *receives* `(call, i, x[i])` on [`TRANSCRIPT_OBSERVE_BUS`]: an observed
//!   value at position `(call, i)`.
//! * Every read output *receives* `(call, j, out[j])` on [`TRANSCRIPT_SAMPLE_BUS`]: a sampled
//!   challenge at position `(call, j)`.
//! * Every fresh call *receives* `(call)` on [`TRANSCRIPT_FRESH_BUS`]: the consumer sends the
//!   first call of each transcript after the first (several verifiers, each on its own
//!   transcript, in one table), so no other call may drop its capacity.
//!
//! A consumer sends each value the verifier observes, and each challenge it samples, at its
//! position; the verifier's schedule is fixed by the statement's shape, so the positions are
//! known. The derived forms of the challenger (sampled bits, proof-of-work checks, bulk
//! observation and sampling) are the consumers' (`docs/recursion.md`). Not used by any
//! statement yet.

mod columns;

pub use columns::TranscriptColumns;

use crate::poseidon_table::MIN_HEIGHT;
use crate::poseidon2_table::POSEIDON2_16_BUS;
use backend::KoalaBear as F;
use backend::challenger::{RATE, WIDTH};
use backend::poseidon::poseidon2_permute_16;
use lean_prover::{Air, AirBuilder, AirError, BusId};

/// Bus on which the table receives `(call, slot, value)` for every observed value.
pub const TRANSCRIPT_OBSERVE_BUS: BusId = BusId(0x60);
/// Bus on which the table receives `(call, slot, value)` for every sampled challenge.
pub const TRANSCRIPT_SAMPLE_BUS: BusId = BusId(0x61);
/// Bus on which the table receives `(call)` for every call that starts a fresh transcript.
pub const TRANSCRIPT_FRESH_BUS: BusId = BusId(0x62);
/// Maximum constraint degree of the table.
pub const TRANSCRIPT_DEGREE: usize = 3;

/// One operation on the transcript, as the verifier performs it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TranscriptOp {
    /// Observe a value.
    Observe(F),
    /// Sample a challenge.
    Sample,
    /// Start a fresh transcript (a new `Challenger`): values still pending are dropped.
    Fresh,
}

/// A value at its transcript position: `(call, slot, value)`.
pub type Positioned = (u32, u32, F);

/// What replaying a sequence of operations gives: the table's trace, the permutation inputs
/// its calls request, and the observed and sampled values at their positions (what a
/// consumer sends).
#[derive(Clone, Debug)]
pub struct TranscriptWitness {
    /// The table's trace (row-major).
    pub trace: Vec<F>,
    /// One permutation input per call, in order.
    pub permutations: Vec<[F; WIDTH]>,
    /// Every absorbed observation at its position, in order.
    pub observed: Vec<Positioned>,
    /// Every sample at its position, in order (the values the challenger returns).
    pub sampled: Vec<Positioned>,
    /// The first call of every transcript after the first (what a consumer sends on
    /// [`TRANSCRIPT_FRESH_BUS`]).
    pub fresh: Vec<u32>,
}

/// The transcript table: its AIR and column layout.
pub struct TranscriptTable {
    air: Air,
    cols: TranscriptColumns,
}

impl TranscriptTable {
    /// Builds the AIR (see the module docs).
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<Self, AirError> {
        let b = AirBuilder::new("transcript");
        let call = b.column("call");
        let x: Vec<_> = b.columns("x", RATE);
        let used: Vec<_> = b.columns("used", RATE);
        let cap: Vec<_> = b.columns("cap", RATE);
        let out: Vec<_> = b.columns("out", WIDTH);
        let read: Vec<_> = b.columns("read", RATE);
        let active = b.column("active");
        let fresh = b.column("fresh");
        let carried = b.column("carried");
        let one = || b.constant(F::ONE);

        for &c in used.iter().chain(&read).chain([&active, &fresh]) {
            b.assert_zero(b.main(c) * (b.main(c) - one()));
        }
        // An inactive row uses no slot and reads no output (with the monotone flags, none of
        // them): otherwise a padding row, whose other cells nothing constrains, could take an
        // observation or serve any challenge at any position.
        b.assert_zero((one() - b.main(active)) * b.main(used[0]));
        b.assert_zero((one() - b.main(active)) * b.main(read[0]));
        for flags in [&used, &read] {
            for w in flags.windows(2) {
                b.assert_zero(b.main(w[1]) * (one() - b.main(w[0])));
            }
        }
        for (&u, &v) in used.iter().zip(&x) {
            b.assert_zero((one() - b.main(u)) * b.main(v));
        }
        b.when_first_row(b.main(call));
        for &c in &cap {
            b.when_first_row(b.main(c));
        }
        for &c in &cap {
            b.assert_zero(b.main(fresh) * b.main(c));
        }
        // carried = active (1 - fresh): the row takes the previous call's capacity.
        b.assert_zero(b.main(carried) - b.main(active) + b.main(active) * b.main(fresh));
        let next_active = b.next(active);
        for (&c, &o) in cap.iter().zip(&out[RATE..]) {
            b.when_transition(b.next(carried) * (b.next(c) - b.main(o)));
        }
        b.when_transition(next_active * (b.next(call) - b.main(call) - one()));
        b.when_transition(next_active * (one() - b.main(active)));

        let m = used
            .iter()
            .fold(b.constant(F::ZERO), |acc, &u| acc + b.main(u));
        let mut perm: Vec<_> = x.iter().map(|&c| b.main(c)).collect();
        perm.push(b.main(cap[0]) + m);
        perm.extend(cap[1..].iter().map(|&c| b.main(c)));
        perm.extend(out.iter().map(|&c| b.main(c)));
        b.send(POSEIDON2_16_BUS, &perm, b.main(active));
        for (i, (&u, &v)) in used.iter().zip(&x).enumerate() {
            let slot = b.constant(F::new(i as u32));
            b.receive(
                TRANSCRIPT_OBSERVE_BUS,
                &[b.main(call), slot, b.main(v)],
                b.main(u),
            );
        }
        b.receive(TRANSCRIPT_FRESH_BUS, &[b.main(call)], b.main(fresh));
        for (j, (&r, &o)) in read.iter().zip(&out).enumerate() {
            let slot = b.constant(F::new(j as u32));
            b.receive(
                TRANSCRIPT_SAMPLE_BUS,
                &[b.main(call), slot, b.main(o)],
                b.main(r),
            );
        }

        let air = b.build(TRANSCRIPT_DEGREE)?;
        let cols = TranscriptColumns {
            call,
            x: x.try_into().expect("8 absorbed columns"),
            used: used.try_into().expect("8 used flags"),
            cap: cap.try_into().expect("8 capacity columns"),
            out: out.try_into().expect("16 output columns"),
            read: read.try_into().expect("8 read flags"),
            active,
            fresh,
            carried,
        };
        Ok(TranscriptTable { air, cols })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &TranscriptColumns {
        &self.cols
    }

    /// Number of columns (52).
    pub fn width(&self) -> usize {
        self.air.width()
    }

    /// Replays `ops` on a fresh duplex exactly as `backend::challenger::Challenger::observe`
    /// and `sample` do, one row per duplex call (padded to a power of two of at least 4 rows
    /// with inactive rows). Observations still pending at the end are never absorbed and get
    /// no position.
    pub fn replay(&self, ops: &[TranscriptOp]) -> TranscriptWitness {
        let mut calls: Vec<Call> = Vec::new();
        let mut capacity = [F::ZERO; RATE];
        let mut pending: Vec<F> = Vec::with_capacity(RATE);
        let mut output_pos = RATE;
        let mut observed = Vec::new();
        let mut sampled = Vec::new();
        let mut fresh = Vec::new();
        let mut fresh_next = false;
        for op in ops {
            let calls_before = calls.len();
            match *op {
                TranscriptOp::Fresh => {
                    capacity = [F::ZERO; RATE];
                    pending.clear();
                    output_pos = RATE;
                    fresh_next = true;
                }
                TranscriptOp::Observe(v) => {
                    output_pos = RATE;
                    pending.push(v);
                    if pending.len() == RATE {
                        calls.push(Call::new(calls.len(), &pending, &mut capacity));
                        observed.extend(calls.last().map(Call::positioned).unwrap_or_default());
                        pending.clear();
                        output_pos = 0;
                    }
                }
                TranscriptOp::Sample => {
                    if !pending.is_empty() || output_pos == RATE {
                        calls.push(Call::new(calls.len(), &pending, &mut capacity));
                        observed.extend(calls.last().map(Call::positioned).unwrap_or_default());
                        pending.clear();
                        output_pos = 0;
                    }
                    if let Some(c) = calls.last_mut() {
                        sampled.push((c.number, output_pos as u32, c.out[output_pos]));
                        c.reads += 1;
                    }
                    output_pos += 1;
                }
            }
            if fresh_next && calls.len() > calls_before {
                fresh.push(calls[calls_before].number);
                fresh_next = false;
            }
        }
        let c = &self.cols;
        let w = self.width();
        let height = calls.len().next_power_of_two().max(MIN_HEIGHT);
        let mut trace = vec![F::ZERO; height * w];
        for (row, call) in trace.chunks_exact_mut(w).zip(&calls) {
            row[c.call.0] = F::new(call.number);
            for i in 0..RATE {
                row[c.x[i].0] = call.input[i];
                row[c.used[i].0] = F::new(u32::from(i < call.absorbed));
                row[c.read[i].0] = F::new(u32::from(i < call.reads));
            }
            row[c.cap[0].0] = call.input[RATE] - F::new(call.absorbed as u32);
            for i in 1..RATE {
                row[c.cap[i].0] = call.input[RATE + i];
            }
            for i in 0..WIDTH {
                row[c.out[i].0] = call.out[i];
            }
            row[c.active.0] = F::ONE;
            let is_fresh = fresh.contains(&call.number);
            row[c.fresh.0] = F::new(u32::from(is_fresh));
            row[c.carried.0] = F::new(u32::from(!is_fresh));
        }
        TranscriptWitness {
            trace,
            permutations: calls.iter().map(|c| c.input).collect(),
            observed,
            sampled,
            fresh,
        }
    }
}

/// One duplex call during a replay.
struct Call {
    number: u32,
    absorbed: usize,
    input: [F; WIDTH],
    out: [F; WIDTH],
    reads: usize,
}

impl Call {
    /// Absorbs `pending` (overwrite mode, the count added to capacity cell 0) and permutes;
    /// `capacity` becomes the output's capacity.
    fn new(number: usize, pending: &[F], capacity: &mut [F; RATE]) -> Call {
        let mut input = [F::ZERO; WIDTH];
        input[..pending.len()].copy_from_slice(pending);
        input[RATE..].copy_from_slice(capacity);
        input[RATE] += F::new(pending.len() as u32);
        let mut out = input;
        poseidon2_permute_16(&mut out);
        capacity.copy_from_slice(&out[RATE..]);
        Call {
            number: number as u32,
            absorbed: pending.len(),
            input,
            out,
            reads: 0,
        }
    }

    /// The absorbed values at their positions.
    fn positioned(&self) -> Vec<Positioned> {
        (0..self.absorbed)
            .map(|i| (self.number, i as u32, self.input[i]))
            .collect()
    }
}
