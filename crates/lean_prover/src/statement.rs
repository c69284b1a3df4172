//! The statement: the tables (AIR, height, public values; with their traces on the prover's
//! side) and the public lookup lists, [`StatementError`] for every way one can be invalid,
//! and the bus checks that span the whole statement (one tuple length per bus, the lists'
//! shapes). Heights and parameters are checked where v2 plans the proof (`crate::v2`'s
//! `plan`).

use crate::air::{Air, MAX_TUPLE_LEN};
use crate::lookup::{MAX_PUBLIC_LOOKUP_TUPLES, MAX_PUBLIC_LOOKUPS, PublicLookup, bus_key};
use backend::KoalaBear;
use std::collections::BTreeMap;

/// Largest number of tables in one proof.
pub const MAX_TABLES: usize = 64;

/// What the verifier knows about one table: its AIR, height and public values.
#[derive(Copy, Clone, Debug)]
pub struct TableInstance<'a> {
    /// The table's AIR.
    pub air: &'a Air,
    /// `log2` of the number of rows.
    pub log_height: usize,
    /// Public values (as many as the AIR declares).
    pub public_values: &'a [KoalaBear],
}

/// A table with its witness: the AIR, the row-major trace and the public values.
#[derive(Copy, Clone, Debug)]
pub struct TableWitness<'a> {
    /// The table's AIR.
    pub air: &'a Air,
    /// Row-major trace: `height * air.width()` elements, height a power of two.
    pub trace: &'a [KoalaBear],
    /// Public values.
    pub public_values: &'a [KoalaBear],
}

impl<'a> TableWitness<'a> {
    /// The verifier's view of this table (`None` if the trace shape is invalid).
    pub fn instance(&self) -> Option<TableInstance<'a>> {
        let w = self.air.width();
        if w == 0 || self.trace.is_empty() || !self.trace.len().is_multiple_of(w) {
            return None;
        }
        let h = self.trace.len() / w;
        if !h.is_power_of_two() {
            return None;
        }
        Some(TableInstance {
            air: self.air,
            log_height: h.trailing_zeros() as usize,
            public_values: self.public_values,
        })
    }
}

/// Why a statement cannot be proven or verified with the given parameters.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StatementError {
    /// No tables, or more than [`MAX_TABLES`].
    #[error("a proof covers 1..={MAX_TABLES} tables, got {0}")]
    TableCount(usize),
    /// A table's height is out of range for the parameters.
    #[error("table {table}: log height {log_height} out of range {min}..={max}")]
    Height {
        /// Table index.
        table: usize,
        /// Its `log2` height.
        log_height: usize,
        /// Smallest allowed.
        min: usize,
        /// Largest allowed with these parameters and this AIR.
        max: usize,
    },
    /// Wrong number of public values.
    #[error("table {table}: {got} public values, the AIR declares {expected}")]
    PublicValues {
        /// Table index.
        table: usize,
        /// Given.
        got: usize,
        /// Declared.
        expected: usize,
    },
    /// The trace is not `2^k` rows of the AIR's width.
    #[error("table {0}: trace is not a power-of-two number of rows of the AIR's width")]
    TraceShape(usize),
    /// Two interactions on one bus carry tuples of different lengths. The compression
    /// `bus + sum_j alpha^(j+1) v_j` would make `(a)` and `(a, 0)` equal, so every bus must
    /// have a single tuple length across the whole statement.
    #[error(
        "bus {bus}: table {table} uses tuples of {len} values, but the bus already carries tuples of {expected}"
    )]
    BusTupleLength {
        /// The bus.
        bus: u32,
        /// The table whose interaction disagrees.
        table: usize,
        /// Its tuple length.
        len: usize,
        /// The length seen first on this bus.
        expected: usize,
    },
    /// More than [`MAX_PUBLIC_LOOKUPS`] public lookup lists.
    #[error("{0} public lookup lists, at most {MAX_PUBLIC_LOOKUPS} allowed")]
    LookupCount(usize),
    /// A public lookup list's tuple length is outside `1..=MAX_TUPLE_LEN`.
    #[error(
        "public lookup {lookup}: tuples of {len} values (1..={max} allowed)",
        max = MAX_TUPLE_LEN
    )]
    LookupTupleLen {
        /// Index of the list.
        lookup: usize,
        /// Its tuple length.
        len: usize,
    },
    /// The public lookup lists together hold more than
    /// [`MAX_PUBLIC_LOOKUP_TUPLES`] tuples.
    #[error("public lookup {lookup}: more than {max} tuples in all lists up to this one")]
    LookupTuples {
        /// Index of the list at which the total first exceeds the limit.
        lookup: usize,
        /// The limit.
        max: usize,
    },
    /// A public lookup list's values are not `count * tuple_len` elements (`count` being the
    /// number of multiplicities).
    #[error("public lookup {lookup}: {values} values for {count} tuples of {tuple_len} values")]
    LookupShape {
        /// Index of the list.
        lookup: usize,
        /// Number of values given.
        values: usize,
        /// Number of multiplicities given.
        count: usize,
        /// The declared tuple length.
        tuple_len: usize,
    },
    /// A public lookup list's tuple length differs from the one the bus already carries
    /// (from the tables' interactions, or an earlier list); see
    /// [`StatementError::BusTupleLength`].
    #[error(
        "bus {bus}: public lookup {lookup} uses tuples of {len} values, but the bus already carries tuples of {expected}"
    )]
    LookupBusTupleLength {
        /// The bus.
        bus: u32,
        /// Index of the list that disagrees.
        lookup: usize,
        /// Its tuple length.
        len: usize,
        /// The length seen first on this bus.
        expected: usize,
    },
}

/// The tuple length of every bus the tables' interactions (private and public) use, keyed by
/// [`bus_key`].
///
/// # Errors
/// [`StatementError::BusTupleLength`] if two interactions on one bus disagree.
pub(crate) fn table_bus_tuple_lengths(
    instances: &[TableInstance<'_>],
) -> Result<BTreeMap<u32, usize>, StatementError> {
    let mut bus_tuple_len = BTreeMap::new();
    for (t, inst) in instances.iter().enumerate() {
        for i in inst
            .air
            .interactions
            .iter()
            .chain(&inst.air.public_interactions)
        {
            let expected = *bus_tuple_len
                .entry(bus_key(i.bus))
                .or_insert(i.values.len());
            if expected != i.values.len() {
                return Err(StatementError::BusTupleLength {
                    bus: i.bus.0,
                    table: t,
                    len: i.values.len(),
                    expected,
                });
            }
        }
    }
    Ok(bus_tuple_len)
}

/// Checks the public lookup lists' shapes and sizes, and that every bus keeps one tuple
/// length (`bus_tuple_len` holds the lengths the tables' interactions use, keyed by
/// [`bus_key`], from [`table_bus_tuple_lengths`]).
pub(crate) fn validate_lookups(
    lookups: &[PublicLookup<'_>],
    bus_tuple_len: &mut BTreeMap<u32, usize>,
) -> Result<(), StatementError> {
    if lookups.len() > MAX_PUBLIC_LOOKUPS {
        return Err(StatementError::LookupCount(lookups.len()));
    }
    let mut total: usize = 0;
    for (k, l) in lookups.iter().enumerate() {
        if l.tuple_len == 0 || l.tuple_len > MAX_TUPLE_LEN {
            return Err(StatementError::LookupTupleLen {
                lookup: k,
                len: l.tuple_len,
            });
        }
        total = total.saturating_add(l.count());
        if total > MAX_PUBLIC_LOOKUP_TUPLES {
            return Err(StatementError::LookupTuples {
                lookup: k,
                max: MAX_PUBLIC_LOOKUP_TUPLES,
            });
        }
        // count <= 2^22 and tuple_len <= 64: no overflow.
        if l.values.len() != l.count() * l.tuple_len {
            return Err(StatementError::LookupShape {
                lookup: k,
                values: l.values.len(),
                count: l.count(),
                tuple_len: l.tuple_len,
            });
        }
        let expected = *bus_tuple_len.entry(bus_key(l.bus)).or_insert(l.tuple_len);
        if expected != l.tuple_len {
            return Err(StatementError::LookupBusTupleLength {
                bus: l.bus.0,
                lookup: k,
                len: l.tuple_len,
                expected,
            });
        }
    }
    Ok(())
}
