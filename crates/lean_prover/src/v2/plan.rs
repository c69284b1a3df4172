//! What the v2 prover and verifier derive identically from the statement and the
//! parameters: the validated shape, the two stackings (committed columns and LogUp
//! fractions), the WHIR parameters, the transcript's start, the AIR sumcheck's tables and
//! coefficients, its eq point and claim, and the column claims handed to WHIR.

use super::arith::{ObserveKnown, VerifierField, VerifierTranscript};
use super::encoding::ShapeV2;
use super::error::ErrorV2;
use super::gkr::GkrClaim;
use super::params::ParamsV2;
use super::stack::{StackLayout, rotate_point};
use super::whir::{Claim, WhirParams};
use super::zerocheck::{TableEvals, ZerocheckTable, direction_sign};
use crate::lookup::PublicLookup;
use crate::statement::{
    MAX_TABLES, StatementError, TableInstance, table_bus_tuple_lengths, validate_lookups,
};
use crate::transcript::{observe_domain_separator, observe_statement};
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::{Isa, KoalaBear};

/// Largest `log2` height of a v2 table.
pub const MAX_LOG_HEIGHT: usize = 24;

/// Domain separator observed first: "lean_prover/ml1" packed 3 bytes per element.
const DOMAIN_SEPARATOR: &[u8] = b"lean_prover/ml1";

/// The first oracle holds a multiple of this many blocks per leaf: one absorption of the
/// leaf sponge (rate 16) and whole SIMD vectors of the encoding's column-wise transforms.
/// Measured at N = 1000 (prod, rate 1/4): the 86 blocks the statement needs, against 96,
/// leave the leaf hashing the same (6 absorptions) and make opening the first oracle 0.2 s
/// slower (partial vectors); the 10 extra zero blocks cost 4 KB of proof.
const ACTIVE_GRANULE: usize = 16;

/// The statement's shape.
pub(crate) struct Plan {
    /// One block per main column, table after table.
    pub(crate) columns: StackLayout,
    /// Index in `columns.blocks` of each table's first column.
    pub(crate) column_start: Vec<usize>,
    /// One block per private interaction, table after table.
    pub(crate) fractions: StackLayout,
    /// Index in `fractions.blocks` of each table's first interaction.
    pub(crate) fraction_start: Vec<usize>,
    /// `K`, the tallest table's `log2` height.
    pub(crate) max_log_height: usize,
    /// The WHIR parameters for the stacked polynomial.
    pub(crate) whir: WhirParams,
}

/// Validates the statement and derives its [`Plan`].
///
/// # Errors
/// [`ErrorV2::Statement`] for an invalid statement, [`ErrorV2::Whir`] if the WHIR schedule
/// cannot run for its size.
pub(crate) fn plan(
    params: &ParamsV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) -> Result<Plan, ErrorV2> {
    if instances.is_empty() || instances.len() > MAX_TABLES {
        return Err(StatementError::TableCount(instances.len()).into());
    }
    let mut column_sizes = Vec::new();
    let mut fraction_sizes = Vec::new();
    let mut column_start = Vec::with_capacity(instances.len());
    let mut fraction_start = Vec::with_capacity(instances.len());
    for (t, inst) in instances.iter().enumerate() {
        if !(1..=MAX_LOG_HEIGHT).contains(&inst.log_height) {
            return Err(StatementError::Height {
                table: t,
                log_height: inst.log_height,
                min: 1,
                max: MAX_LOG_HEIGHT,
            }
            .into());
        }
        if inst.public_values.len() != inst.air.num_public_values() {
            return Err(StatementError::PublicValues {
                table: t,
                got: inst.public_values.len(),
                expected: inst.air.num_public_values(),
            }
            .into());
        }
        column_start.push(column_sizes.len());
        column_sizes.extend(std::iter::repeat_n(inst.log_height, inst.air.width()));
        fraction_start.push(fraction_sizes.len());
        fraction_sizes.extend(std::iter::repeat_n(
            inst.log_height,
            inst.air.num_interactions(),
        ));
    }
    let mut bus_tuple_len = table_bus_tuple_lengths(instances)?;
    validate_lookups(lookups, &mut bus_tuple_len)?;
    // The sizes are bounded (64 tables, 2^24 rows, the AIR's column and interaction limits),
    // far from overflowing.
    let layout = |sizes: &[usize], min| match StackLayout::new(sizes, min) {
        Some(l) => l,
        None => unreachable!("bounded statement sizes"),
    };
    let columns = layout(&column_sizes, params.min_variables);
    let fractions = layout(&fraction_sizes, 0);
    let whir = WhirParams::new(params.whir(columns.num_variables))?;
    // The committed table is the stacking rotated by k_0 (`stack::rotate_index`): WHIR's
    // first round folds the placement's low bits, where the padding is whole blocks, which
    // the first oracle leaves out.
    let k0 = whir.rounds[0].folding_factor;
    let whir = whir.with_first_active(columns.active_blocks(k0, ACTIVE_GRANULE))?;
    Ok(Plan {
        columns,
        column_start,
        fractions,
        fraction_start,
        max_log_height: instances.iter().map(|i| i.log_height).max().unwrap_or(0),
        whir,
    })
}

/// A fresh transcript bound to the protocol, the parameters and the statement.
pub(crate) fn start_transcript(
    isa: Isa,
    params: &ParamsV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) -> Challenger {
    let mut ch = Challenger::new();
    observe_start(isa, params, instances, lookups, &mut ch);
    ch
}

/// The transcript's start on a fresh transcript `ch` (natively or in a circuit): the domain
/// separator, the parameters, the number of tables and the statement.
pub(crate) fn observe_start(
    isa: Isa,
    params: &ParamsV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    ch: &mut impl ObserveKnown,
) {
    observe_domain_separator(ch, DOMAIN_SEPARATOR);
    params.observe(ch);
    ch.observe(KoalaBear::new(instances.len() as u32));
    observe_statement(isa, ch, instances, lookups);
}

/// The AIR sumcheck's eq point `tau` of `K` coordinates: the first `K` of GKR's point `rho`
/// (a table's rows are the top coordinates of its fraction blocks), followed by fresh
/// challenges when `rho` is shorter.
pub(crate) fn eq_point<E: VerifierField>(
    plan: &Plan,
    rho: &[E],
    ch: &mut impl VerifierTranscript<E>,
) -> Vec<E> {
    let k = plan.max_log_height;
    let mut tau: Vec<E> = rho[..k.min(rho.len())].to_vec();
    while tau.len() < k {
        tau.push(ch.sample_ext());
    }
    tau
}

/// The AIR sumcheck's claim: `n(rho) + lambda (d(rho) - padding(rho))`, the fractions'
/// multilinears at GKR's point without the padding's denominators (which are one).
pub(crate) fn zerocheck_claim<E: VerifierField>(plan: &Plan, gkr: &GkrClaim<E>, lambda: E) -> E {
    gkr.numerator + lambda * (gkr.denominator - plan.fractions.committed_padding_weight(&gkr.point))
}

/// The AIR sumcheck's tables: constraint coefficients `alpha^0, alpha^1, ...` over all
/// constraints of all tables in order; for interaction `i` of table `t` with GKR selector
/// weight `e`, `±e` on its multiplicity and `lambda e` on its denominator.
pub(crate) fn zerocheck_tables<'a, E: VerifierField>(
    plan: &Plan,
    instances: &[TableInstance<'a>],
    alpha: E,
    lambda: E,
    rho: &[E],
) -> Vec<ZerocheckTable<'a, E>> {
    let mut power = E::one();
    instances
        .iter()
        .enumerate()
        .map(|(t, inst)| {
            let constraint_coeffs = (0..inst.air.num_constraints())
                .map(|_| {
                    let c = power;
                    power *= alpha;
                    c
                })
                .collect();
            let e: Vec<E> = (0..inst.air.num_interactions())
                .map(|i| {
                    plan.fractions.blocks[plan.fraction_start[t] + i].committed_selector_weight(rho)
                })
                .collect();
            ZerocheckTable {
                air: inst.air,
                log_height: inst.log_height,
                public_values: inst.public_values,
                constraint_coeffs,
                multiplicity_coeffs: inst
                    .air
                    .interactions
                    .iter()
                    .zip(&e)
                    .map(|(it, &e)| E::constant(direction_sign(it.direction)) * e)
                    .collect(),
                denominator_coeffs: e.iter().map(|&e| lambda * e).collect(),
            }
        })
        .collect()
}

/// `sum_j beta^j v_j`.
pub(crate) fn batch<E: VerifierField>(values: &[E], beta: E) -> E {
    values
        .iter()
        .rev()
        .fold(E::zero(), |acc, &v| acc.mul_add(beta, v))
}

/// A column claim on the stacked polynomial: its point in the committed table's coordinates
/// and the value.
pub(crate) type ColumnEvaluation<E> = (Vec<E>, E);

/// The claims on the stacked polynomial: every main column of table `t` at `s_t` (the AIR
/// sumcheck's point), then every next-row column at that table's shift point (natively or
/// in a circuit).
pub(crate) fn column_evaluations<E: VerifierField>(
    plan: &Plan,
    instances: &[TableInstance<'_>],
    s: &[E],
    main: &[&[E]],
    shifts: &[Option<(Vec<E>, &[E])>],
) -> Vec<ColumnEvaluation<E>> {
    let v = plan.columns.num_variables;
    let k0 = plan.whir.rounds[0].folding_factor;
    let claim = |t: usize, c: usize, point: &[E], value: E| {
        let block = plan.columns.blocks[plan.column_start[t] + c];
        (rotate_point(&block.committed_point(point, v), k0), value)
    };
    let mut claims = Vec::new();
    for (t, (inst, e)) in instances.iter().zip(main).enumerate() {
        let st = &s[..inst.log_height];
        for (c, &value) in e.iter().enumerate() {
            claims.push(claim(t, c, st, value));
        }
        if let Some((point, values)) = &shifts[t] {
            for (&c, &value) in inst.air.main_next_columns().iter().zip(values.iter()) {
                claims.push(claim(t, c, point, value));
            }
        }
    }
    claims
}

/// [`column_evaluations`] in `K` as WHIR's evaluation claims.
pub(crate) fn column_claims(
    plan: &Plan,
    instances: &[TableInstance<'_>],
    s: &[Ext5],
    evals: &[TableEvals],
    shifts: &[Option<(Vec<Ext5>, &[Ext5])>],
) -> Vec<Claim> {
    let main: Vec<&[Ext5]> = evals.iter().map(|e| e.main.as_slice()).collect();
    column_evaluations(plan, instances, s, &main, shifts)
        .into_iter()
        .map(|(point, value)| Claim::evaluation(&point, value))
        .collect()
}

/// Every count of a proof of this statement ([`ShapeV2`]), for the decoder.
pub(crate) fn shape(plan: &Plan, instances: &[TableInstance<'_>]) -> ShapeV2 {
    ShapeV2 {
        gkr_variables: plan.fractions.num_variables,
        zerocheck_rounds: plan.max_log_height,
        zerocheck_degree: super::zerocheck::degree(instances.iter().map(|i| i.air)),
        tables: instances
            .iter()
            .map(|i| (i.air.width(), i.air.main_next_columns().len()))
            .collect(),
        shifts: instances
            .iter()
            .filter(|i| !i.air.main_next_columns().is_empty())
            .map(|i| (i.log_height, i.air.main_next_columns().len()))
            .collect(),
        whir: plan.whir.clone(),
    }
}
