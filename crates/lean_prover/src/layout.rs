//! The statement (tables, heights, public values, public lookup lists), its validation, the
//! commitment layout derived from it, and the start of the Fiat-Shamir transcript shared by
//! prover and verifier.

use crate::air::Air;
use crate::fri;
use crate::lookup::{self, MAX_PUBLIC_LOOKUPS, PublicLookup};
use crate::params::StarkParams;
use crate::proof::ProofShape;
use backend::KoalaBear;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::merkle::Dimensions;

/// Largest number of tables in one proof.
pub const MAX_TABLES: usize = 64;
/// Smallest `log2` table height.
pub const MIN_LOG_HEIGHT: usize = 2;
/// Largest `log2` of an LDE or quotient domain (KoalaBear's two-adicity).
pub const MAX_LOG_DOMAIN: usize = 24;

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
        max = crate::air::MAX_TUPLE_LEN
    )]
    LookupTupleLen {
        /// Index of the list.
        lookup: usize,
        /// Its tuple length.
        len: usize,
    },
    /// The public lookup lists together hold more than
    /// [`MAX_PUBLIC_LOOKUP_TUPLES`](crate::lookup::MAX_PUBLIC_LOOKUP_TUPLES) tuples.
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
    /// Invalid parameters.
    #[error(transparent)]
    Params(#[from] crate::params::ParamsError),
}

/// Per-table layout facts.
#[derive(Clone, Debug)]
pub(crate) struct TableLayout {
    pub(crate) log_height: usize,
    pub(crate) log_lde: usize,
    pub(crate) width: usize,
    pub(crate) num_aux: usize,
    pub(crate) chunks: usize,
    /// Main columns opened at `z w` ([`Air::main_next_columns`]).
    pub(crate) main_next: Vec<usize>,
    /// Auxiliary columns opened at `z w` ([`Air::aux_next_columns`]).
    pub(crate) aux_next: Vec<usize>,
    /// Position among the tables with an auxiliary trace.
    pub(crate) aux_index: Option<usize>,
    /// First DEEP batching power of the table.
    pub(crate) gamma_offset: usize,
}

impl TableLayout {
    pub(crate) fn shift(&self, log_max: usize) -> KoalaBear {
        fri::shift_for(self.log_lde, log_max)
    }
    pub(crate) fn terms(&self) -> usize {
        self.width + self.main_next.len() + self.num_aux + self.aux_next.len() + self.chunks
    }
}

/// Everything derived from the statement and parameters.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    pub(crate) tables: Vec<TableLayout>,
    pub(crate) log_max: usize,
    pub(crate) aux_log_max: Option<usize>,
    /// Distinct LDE heights, descending.
    pub(crate) input_logs: Vec<usize>,
    pub(crate) fri_layers: Vec<(usize, usize)>,
    pub(crate) final_log: usize,
    pub(crate) total_terms: usize,
    /// Whether `alpha_bus, beta_bus` are drawn: some table has a (private or public)
    /// interaction, or the statement has public lookup lists.
    pub(crate) bus_challenges: bool,
}

impl Layout {
    pub(crate) fn new(
        params: &StarkParams,
        instances: &[TableInstance<'_>],
        lookups: &[PublicLookup<'_>],
    ) -> Result<Layout, StatementError> {
        params.validate()?;
        if instances.is_empty() || instances.len() > MAX_TABLES {
            return Err(StatementError::TableCount(instances.len()));
        }
        let mut bus_tuple_len = std::collections::BTreeMap::new();
        for (t, inst) in instances.iter().enumerate() {
            for i in inst
                .air
                .interactions
                .iter()
                .chain(&inst.air.public_interactions)
            {
                let expected = *bus_tuple_len
                    .entry(lookup::bus_key(i.bus))
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
        let mut tables = Vec::with_capacity(instances.len());
        let mut aux_count = 0;
        let mut gamma_offset = 0;
        for (t, inst) in instances.iter().enumerate() {
            let air = inst.air;
            let log_q = air.log_quotient_domain();
            let max = MAX_LOG_DOMAIN - params.log_inv_rate.max(log_q);
            if inst.log_height < MIN_LOG_HEIGHT || inst.log_height > max {
                return Err(StatementError::Height {
                    table: t,
                    log_height: inst.log_height,
                    min: MIN_LOG_HEIGHT,
                    max,
                });
            }
            if inst.public_values.len() != air.num_public_values() {
                return Err(StatementError::PublicValues {
                    table: t,
                    got: inst.public_values.len(),
                    expected: air.num_public_values(),
                });
            }
            let aux_index = (air.num_aux_columns() > 0).then(|| {
                aux_count += 1;
                aux_count - 1
            });
            let tl = TableLayout {
                log_height: inst.log_height,
                log_lde: inst.log_height + params.log_inv_rate,
                width: air.width(),
                num_aux: air.num_aux_columns(),
                chunks: air.quotient_chunks(),
                main_next: air.main_next_columns().to_vec(),
                aux_next: air.aux_next_columns().to_vec(),
                aux_index,
                gamma_offset,
            };
            gamma_offset += tl.terms();
            tables.push(tl);
        }
        lookup::validate(lookups, &mut bus_tuple_len)?;
        let bus_challenges = !lookups.is_empty()
            || instances
                .iter()
                .any(|i| i.air.num_interactions() > 0 || i.air.num_public_interactions() > 0);
        let log_max = tables.iter().map(|t| t.log_lde).max().unwrap_or(0);
        let aux_log_max = tables
            .iter()
            .filter(|t| t.num_aux > 0)
            .map(|t| t.log_lde)
            .max();
        let mut input_logs: Vec<usize> = tables.iter().map(|t| t.log_lde).collect();
        input_logs.sort_unstable_by(|a, b| b.cmp(a));
        input_logs.dedup();
        let (fri_layers, final_log) = fri::schedule(
            &input_logs,
            params.log_folding_arity,
            params.log_final_poly_len,
            params.log_inv_rate,
        );
        Ok(Layout {
            tables,
            log_max,
            aux_log_max,
            input_logs,
            fri_layers,
            final_log,
            total_terms: gamma_offset,
            bus_challenges,
        })
    }

    pub(crate) fn main_dims(&self) -> Vec<Dimensions> {
        self.tables
            .iter()
            .map(|t| Dimensions {
                width: t.width,
                height: 1 << t.log_lde,
            })
            .collect()
    }

    pub(crate) fn aux_dims(&self) -> Vec<Dimensions> {
        self.tables
            .iter()
            .filter(|t| t.num_aux > 0)
            .map(|t| Dimensions {
                width: 5 * t.num_aux,
                height: 1 << t.log_lde,
            })
            .collect()
    }

    pub(crate) fn quotient_dims(&self) -> Vec<Dimensions> {
        self.tables
            .iter()
            .map(|t| Dimensions {
                width: 5 * t.chunks,
                height: 1 << t.log_lde,
            })
            .collect()
    }

    pub(crate) fn final_len(&self, params: &StarkParams) -> usize {
        1 << (self.final_log - params.log_inv_rate)
    }

    pub(crate) fn shape(&self, params: &StarkParams) -> ProofShape {
        ProofShape {
            tables: self
                .tables
                .iter()
                .map(|t| (t.width, t.num_aux, t.chunks))
                .collect(),
            next_counts: self
                .tables
                .iter()
                .map(|t| (t.main_next.len(), t.aux_next.len()))
                .collect(),
            main_dims: self.main_dims(),
            aux_dims: self.aux_dims(),
            quotient_dims: self.quotient_dims(),
            fri_layers: self.fri_layers.clone(),
            final_log_height: self.final_log,
            final_len: self.final_len(params),
            num_queries: params.num_queries,
        }
    }
}

/// Domain separator observed first: "lean_prover/v2" packed 3 bytes per element.
const DOMAIN_SEPARATOR: &[u8] = b"lean_prover/v3";

/// A fresh transcript bound to the parameters and the statement (the public lookup lists
/// last, see [`lookup`]: nothing is observed for them when there are none).
pub(crate) fn start_transcript(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) -> Challenger {
    let mut ch = Challenger::new();
    for c in DOMAIN_SEPARATOR.chunks(3) {
        let v = c.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32);
        ch.observe(KoalaBear::new(v));
    }
    for x in [
        params.log_inv_rate,
        params.num_queries,
        params.pow_bits,
        params.bus_pow_bits,
        params.log_folding_arity,
        params.log_final_poly_len,
        instances.len(),
    ] {
        ch.observe(KoalaBear::new(x as u32));
    }
    for inst in instances {
        ch.observe_digest(&inst.air.digest);
        ch.observe(KoalaBear::new(inst.log_height as u32));
        ch.observe(KoalaBear::new(inst.public_values.len() as u32));
        ch.observe_slice(inst.public_values);
    }
    lookup::observe(&mut ch, lookups);
    ch
}

/// Observes the out-of-domain openings of every table in one bulk observation
/// ([`Challenger::observe_bulk`]): per table, in order, main at `z`, main at `z w`, aux at
/// `z`, aux at `z w`, quotient chunks at `z`, each extension value as its 5 coefficients.
pub(crate) fn observe_openings(
    ch: &mut Challenger,
    isa: backend::Isa,
    openings: &[crate::proof::TableOpenings],
) {
    let values: Vec<KoalaBear> = openings
        .iter()
        .flat_map(|o| {
            o.main
                .iter()
                .chain(&o.main_next)
                .chain(&o.aux)
                .chain(&o.aux_next)
                .chain(&o.quotient)
        })
        .flat_map(|v| *v.coeffs())
        .collect();
    ch.observe_bulk(isa, &values);
}

/// `X^c`, the `c`-th basis element of the extension.
pub(crate) fn basis(c: usize) -> Ext5 {
    let mut e = [KoalaBear::ZERO; 5];
    e[c % 5] = KoalaBear::ONE;
    Ext5::new(e)
}

/// Combines the evaluations of the 5 coordinate polynomials of an extension column.
pub(crate) fn recombine(coords: &[Ext5]) -> Ext5 {
    coords.iter().enumerate().map(|(c, v)| *v * basis(c)).sum()
}

/// The DEEP coefficient vectors of one table: for the main, aux and quotient matrices, the
/// coefficient of each base column at `z`, and of each column opened at `z w`
/// ([`TableLayout::main_next`], [`TableLayout::aux_next`]).
pub(crate) struct DeepCoeffs {
    pub(crate) main_z: Vec<Ext5>,
    /// One coefficient per entry of [`TableLayout::main_next`].
    pub(crate) main_next: Vec<Ext5>,
    pub(crate) aux_z: Vec<Ext5>,
    /// Five (one per base coordinate) per entry of [`TableLayout::aux_next`].
    pub(crate) aux_next: Vec<Ext5>,
    pub(crate) quot_z: Vec<Ext5>,
}

impl DeepCoeffs {
    /// Coefficients from the sampled DEEP challenges (`pows[k] = gamma_k`, enough of them).
    pub(crate) fn new(t: &TableLayout, pows: &[Ext5]) -> DeepCoeffs {
        let mut k = t.gamma_offset;
        let mut take = |n: usize| {
            let s = pows.get(k..k + n).map(<[Ext5]>::to_vec).unwrap_or_default();
            k += n;
            s
        };
        let expand = |v: Vec<Ext5>| -> Vec<Ext5> {
            v.iter()
                .flat_map(|g| (0..5).map(move |c| *g * basis(c)))
                .collect()
        };
        let main_z = take(t.width);
        let main_next = take(t.main_next.len());
        let aux_z = expand(take(t.num_aux));
        let aux_next = expand(take(t.aux_next.len()));
        let quot_z = expand(take(t.chunks));
        DeepCoeffs {
            main_z,
            main_next,
            aux_z,
            aux_next,
            quot_z,
        }
    }

    /// `(V_z, V_zw)`: the same combinations of the claimed openings.
    pub(crate) fn claimed(&self, o: &crate::proof::TableOpenings) -> (Ext5, Ext5) {
        // Extension columns: coefficient gamma^k applies to the opened extension value.
        let ext_dot = |coeffs: &[Ext5], vals: &[Ext5]| -> Ext5 {
            coeffs.chunks(5).zip(vals).map(|(c, v)| c[0] * *v).sum()
        };
        let dot = |coeffs: &[Ext5], vals: &[Ext5]| -> Ext5 {
            coeffs.iter().zip(vals).map(|(c, v)| *c * *v).sum()
        };
        let vz = dot(&self.main_z, &o.main)
            + ext_dot(&self.aux_z, &o.aux)
            + ext_dot(&self.quot_z, &o.quotient);
        let vn = dot(&self.main_next, &o.main_next) + ext_dot(&self.aux_next, &o.aux_next);
        (vz, vn)
    }
}

/// `sum_k coeffs[k] * row[cols[k]]`: a combination of the columns `cols` of a base row.
pub(crate) fn dot_cols(coeffs: &[Ext5], cols: &[usize], row: &[KoalaBear]) -> Ext5 {
    coeffs
        .iter()
        .zip(cols)
        .map(|(c, &j)| *c * row.get(j).copied().unwrap_or_default())
        .sum()
}

/// The base columns of the extension columns `ext_cols` (5 consecutive ones each).
pub(crate) fn ext_base_cols(ext_cols: &[usize]) -> Vec<usize> {
    ext_cols
        .iter()
        .flat_map(|&c| (5 * c..5 * c + 5).collect::<Vec<_>>())
        .collect()
}
