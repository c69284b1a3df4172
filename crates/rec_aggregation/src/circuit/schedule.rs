//! Transcript positions without hashing: where each value the verifier observes is absorbed
//! and where each challenge it samples is read, `(call, slot)` as the transcript table numbers
//! them, following `backend::challenger`'s duplex rules (its module docs).

use backend::challenger::RATE;

/// A transcript position: the duplex call's number and the slot in it.
pub type Position = (u32, u32);

/// The duplex schedule so far: calls made, values pending, the next unread output.
#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    calls: u32,
    pending: u32,
    output: u32,
}

impl Schedule {
    /// A fresh transcript: no call, nothing pending, no output to read.
    pub(crate) fn new() -> Schedule {
        Schedule {
            calls: 0,
            pending: 0,
            output: RATE as u32,
        }
    }

    /// Observes one value: it will be absorbed at this position by the next call (which
    /// happens when the rate is full, or at the next sample).
    pub(crate) fn observe(&mut self) -> Position {
        let at = (self.calls, self.pending);
        self.output = RATE as u32;
        self.pending += 1;
        if self.pending == RATE as u32 {
            self.calls += 1;
            self.pending = 0;
            self.output = 0;
        }
        at
    }

    /// Samples one value: duplexes first if values are pending or the output is used up.
    pub(crate) fn sample(&mut self) -> Position {
        if self.pending > 0 || self.output == RATE as u32 {
            self.calls += 1;
            self.pending = 0;
            self.output = 0;
        }
        let at = (self.calls - 1, self.output);
        self.output += 1;
        at
    }

    /// Starts a fresh transcript: nothing pending, no output to read; the call count goes on.
    /// Returns whether values were pending (they are never absorbed).
    pub(crate) fn fresh(&mut self) -> bool {
        let dropped = self.pending > 0;
        self.pending = 0;
        self.output = RATE as u32;
        dropped
    }

    /// Goes on with `next`, the schedule of a transcript recorded on its own, as if it had
    /// been recorded here after [`Self::fresh`] (whose state is a new schedule's but for the
    /// calls made): its calls follow this one's. Returns the offset of its call numbers.
    pub(crate) fn continue_with(&mut self, next: &Schedule) -> u32 {
        let offset = self.calls;
        self.calls += next.calls;
        self.pending = next.pending;
        self.output = next.output;
        offset
    }

    /// Number of duplex calls made so far: positions at a later call are not absorbed yet.
    pub(crate) fn calls(&self) -> u32 {
        self.calls
    }
}
