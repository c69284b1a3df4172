//! The commitment layout derived from a valid statement and the parameters: per table its
//! LDE height, widths, quotient chunks, next-row openings and DEEP term offsets; the
//! committed matrices' dimensions, the FRI schedule and the proof's shape. Deriving it
//! validates the statement (the bus checks are in `statement.rs`).
//!
//! The statement's types are re-exported here ([`TableInstance`], [`TableWitness`],
//! [`StatementError`], [`MAX_TABLES`]), their public path since the first version.

use crate::fri;
use crate::lookup::PublicLookup;
use crate::params::StarkParams;
use crate::proof::ProofShape;
use crate::statement::{table_bus_tuple_lengths, validate_lookups};
use backend::KoalaBear;
use backend::merkle::Dimensions;

pub use crate::statement::{MAX_TABLES, StatementError, TableInstance, TableWitness};

/// Smallest `log2` table height.
pub const MIN_LOG_HEIGHT: usize = 2;
/// Largest `log2` of an LDE or quotient domain (KoalaBear's two-adicity).
pub const MAX_LOG_DOMAIN: usize = 24;

/// Per-table layout facts.
#[derive(Clone, Debug)]
pub(crate) struct TableLayout {
    pub(crate) log_height: usize,
    pub(crate) log_lde: usize,
    pub(crate) width: usize,
    pub(crate) num_aux: usize,
    pub(crate) chunks: usize,
    /// Main columns opened at `z w`
    /// ([`Air::main_next_columns`](crate::air::Air::main_next_columns)).
    pub(crate) main_next: Vec<usize>,
    /// Auxiliary columns opened at `z w`
    /// ([`Air::aux_next_columns`](crate::air::Air::aux_next_columns)).
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
        let mut bus_tuple_len = table_bus_tuple_lengths(instances)?;
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
        validate_lookups(lookups, &mut bus_tuple_len)?;
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
