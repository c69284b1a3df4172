//! [`TranscriptColumns`]: the column indices of the transcript table.

use lean_prover::Col;

/// Column indices of the transcript table (see the module docs of
/// [`transcript_table`](super)).
#[derive(Clone, Debug)]
pub struct TranscriptColumns {
    /// The duplex call's number.
    pub call: Col,
    /// The absorbed values (the permutation's input cells 0 to 7).
    pub x: [Col; 8],
    /// Slot `i` holds an absorbed value.
    pub used: [Col; 8],
    /// The capacity carried from the previous call.
    pub cap: [Col; 8],
    /// The permutation's output.
    pub out: [Col; 16],
    /// Output `j` is sampled before the next call.
    pub read: [Col; 8],
    /// 1 on the calls' rows, 0 on padding rows.
    pub active: Col,
    /// 1 on a call that starts a fresh transcript after the first (zero capacity).
    pub fresh: Col,
    /// `active (1 - fresh)`: the call takes the previous call's capacity.
    pub carried: Col,
}
