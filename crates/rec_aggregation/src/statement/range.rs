//! The range table (`docs/air.md`, section 7): rows `v = 0..2^k` receiving `(v)` with a
//! multiplicity column, and its trace from per-value counts.

use super::dims::DEGREE;
use backend::KoalaBear as F;
use lean_prover::{Air, AirBuilder, BusId};

/// A range table: rows `v = 0..2^k`, receiving `(v)` with multiplicity `mult`; with
/// `exclude_last` the last value's multiplicity is forced to 0 (range `0..2^k - 1`).
pub struct RangeTable {
    air: Air,
    log_height: usize,
}

impl RangeTable {
    pub(super) fn new(name: &str, bus: BusId, log_height: usize, exclude_last: bool) -> RangeTable {
        let b = AirBuilder::new(name);
        let v = b.column("v");
        let mult = b.column("mult");
        b.when_first_row(b.main(v));
        b.when_transition(b.next(v) - b.main(v) - F::ONE);
        if exclude_last {
            b.when_last_row(b.main(mult));
        }
        b.receive(bus, &[b.main(v)], b.main(mult));
        RangeTable {
            air: b.build(DEGREE).expect("range AIR"),
            log_height,
        }
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The trace for per-value multiplicities `counts` (length `2^log_height`).
    pub(super) fn trace(&self, counts: &[u32]) -> Vec<F> {
        debug_assert_eq!(counts.len(), 1 << self.log_height);
        counts
            .iter()
            .enumerate()
            .flat_map(|(v, &c)| [F::new(v as u32), F::new(c)])
            .collect()
    }
}
