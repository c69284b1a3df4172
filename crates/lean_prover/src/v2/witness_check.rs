//! Locating a false witness for the prover's error: the first row of the first table on which
//! one of the AIR's own constraints fails, with the normalised selectors v2 proves the
//! constraints with (`is_first` 1 on row 0, `is_last` 1 on the last row, `is_transition` 1
//! on every other row). Run only once the AIR sumcheck has shown that the witness is false,
//! so an honest proof pays nothing for it.

use crate::air::Challenges;
use crate::eval::{self, TraceSelectors, Val};
use crate::statement::TableWitness;
use backend::field::Ext5;
use backend::{Isa, KoalaBear};

/// A failing constraint: `(table, constraint, row)`, the first row of the first table.
pub(super) fn first_failing_constraint(
    isa: Isa,
    tables: &[TableWitness<'_>],
) -> Option<(usize, usize, usize)> {
    tables.iter().enumerate().find_map(|(t, tw)| {
        first_failing_row(isa, tw).map(|(constraint, row)| (t, constraint, row))
    })
}

/// The first row of `tw` on which a constraint fails, with the constraint's index.
fn first_failing_row(isa: Isa, tw: &TableWitness<'_>) -> Option<(usize, usize)> {
    let air = tw.air;
    let width = air.width();
    let n = tw.trace.len() / width.max(1);
    if n == 0 {
        return None;
    }
    let selectors = TraceSelectors::new(n);
    let dom = selectors.domain(tw.trace, width, tw.public_values, Challenges::default());
    let roots = &air.constraints[..];
    let failures = eval::eval_domain(isa, air, &dom, roots, |start, len, vals| {
        vals.iter()
            .enumerate()
            .filter_map(|(c, v)| {
                let row = match v {
                    _ if eval::is_zero(v) => return None,
                    Val::Base(b) => b.iter().position(|x| *x != KoalaBear::ZERO),
                    Val::Ext(e) => e.iter().position(|x| *x != Ext5::ZERO),
                    _ => Some(0),
                };
                Some((c, start + row.unwrap_or(0).min(len - 1)))
            })
            .min_by_key(|&(c, row)| (row, c))
    });
    failures
        .into_iter()
        .flatten()
        .min_by_key(|&(c, row)| (row, c))
}
