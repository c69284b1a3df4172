//! The prover's own witness checks, skipped only for soundness tests
//! (`ProverOptions::skip_witness_checks`, test-only `forgery` feature): the caller's constraints
//! on every row of every trace, before anything is committed, and the bus balance once the
//! LogUp sums are known.

use super::domain::trace_selectors;
use super::options::ProveError;
use crate::air::{Air, Challenges};
use crate::balance::bus_total;
use crate::eval::{self, Domain, Val};
use crate::layout::Layout;
use crate::lookup::PublicLookup;
use crate::statement::TableWitness;
use backend::field::Ext5;
use backend::{Isa, KoalaBear};

/// Checks every table's constraints on every row of its trace.
///
/// # Errors
/// [`ProveError::ConstraintFailed`] for the first failing row of the first failing table.
pub(super) fn check_tables(
    isa: Isa,
    tables: &[TableWitness<'_>],
    layout: &Layout,
) -> Result<(), ProveError> {
    for (t, (tw, tl)) in tables.iter().zip(&layout.tables).enumerate() {
        check_constraints(isa, tw.air, t, tw.trace, tl.log_height, tw.public_values)?;
    }
    Ok(())
}

/// Checks the caller's constraints on every row of the trace.
fn check_constraints(
    isa: Isa,
    air: &Air,
    table: usize,
    trace: &[KoalaBear],
    log_n: usize,
    publics: &[KoalaBear],
) -> Result<(), ProveError> {
    let [first, last, trans] = trace_selectors(log_n);
    let dom = Domain {
        main: trace,
        width: air.width(),
        aux: &[],
        num_aux: 0,
        height: 1 << log_n,
        next_step: 1,
        is_first: &first,
        is_last: &last,
        is_transition: &trans,
        publics,
        challenges: Challenges::default(),
    };
    let roots = &air.constraints[..air.num_user_constraints()];
    let failures = eval::eval_domain(isa, air, &dom, roots, |start, len, vals| {
        vals.iter().enumerate().find_map(|(ci, v)| {
            if eval::is_zero(v) {
                return None;
            }
            let row = match v {
                Val::Base(b) => b.iter().position(|x| *x != KoalaBear::ZERO),
                Val::Ext(e) => e.iter().position(|x| *x != Ext5::ZERO),
                _ => Some(0),
            };
            Some((ci, start + row.unwrap_or(0).min(len)))
        })
    });
    if let Some((constraint, row)) = failures.into_iter().flatten().min_by_key(|f| f.1) {
        return Err(ProveError::ConstraintFailed {
            table,
            constraint,
            row,
        });
    }
    Ok(())
}

/// Checks that the buses balance: the claimed sums plus the verifier-computed contributions
/// (public interactions and public lookup lists) are zero.
///
/// # Errors
/// [`ProveError::BusUnbalanced`] if they are not, or if a public denominator vanishes.
pub(super) fn check_bus_balance(
    isa: Isa,
    tables: &[TableWitness<'_>],
    lookups: &[PublicLookup<'_>],
    claimed_sums: &[Ext5],
    challenges: Challenges,
) -> Result<(), ProveError> {
    let airs = tables.iter().map(|tw| (tw.air, tw.public_values));
    match bus_total(isa, claimed_sums, airs, lookups, challenges) {
        Some(total) if total == Ext5::ZERO => Ok(()),
        _ => Err(ProveError::BusUnbalanced),
    }
}
