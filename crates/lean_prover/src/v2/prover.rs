//! The v2 prover: one stacked WHIR commitment of every main column, LogUp by GKR, the AIR
//! sumcheck, the next-row sumchecks, one WHIR opening.
//!
//! # Protocol (transcript order; the verifier, [`super::verifier`], mirrors it)
//! 1. Observe the domain separator `lean_prover/ml1`, the [`ParamsV2`], the number of tables,
//!    per table its AIR digest, `log2` height and public values, then the public lookup
//!    lists ([`crate::lookup`]).
//! 2. Commit: every main column of every table is a block of the stacked polynomial
//!    ([`super::stack`]: by decreasing height, table-major, column order on ties; `V`
//!    variables, at least `min_variables`; rows on the top variables, the reversed block
//!    selector at the bottom). The committed table `f` is that polynomial with its index
//!    rotated by WHIR's first folding factor `k_0` ([`super::stack::rotate_index`]: the low
//!    `k_0` bits on top), so WHIR's first round folds the selector's low bits, on which the
//!    padding is whole blocks: the first oracle holds only the blocks that may be non-zero,
//!    `rev_k0(t)` for `t < ceil(used / 2^(V - k_0))` rounded up to 16
//!    ([`super::whir::WhirParams::with_first_active`]; 96 of 128 for the aggregation
//!    statement). WHIR commit ([`super::whir`]: root, then the out-of-domain answers).
//! 3. Grind `bus_pow_bits` (the nonce is sent), sample `alpha_bus`, `beta_bus`.
//! 4. LogUp: the fractions `±m_i(y) / (beta - c_i(y))` of every private interaction of every
//!    table (row `y`, `+` for a send) are the blocks of a second stacking (one block per
//!    interaction, in the same committed placement: rows on the top variables; padded with
//!    `0 / 1`); GKR ([`super::gkr`]) sends the root `(N, D)` and
//!    leaves the point `rho` with the claims `n(rho)`, `d(rho)`. The verifier computes the
//!    public contribution `P` (public interactions and lookup lists) and checks
//!    `N + P D = 0`.
//! 5. Sample `alpha`, `lambda`; the eq point `tau` is the first `K` coordinates of `rho`
//!    (followed by fresh challenges if `rho` is shorter), so table `t`'s rows are read at
//!    `rho[..k_t]` by both GKR and the AIR sumcheck; the AIR sumcheck
//!    ([`super::zerocheck`]) with constraint coefficients `alpha^0, alpha^1, ...` over all
//!    tables, `±e` on each multiplicity and `lambda e` on each denominator (`e` the
//!    interaction block's selector weight at `rho`'s last coordinates), against the claim
//!    `n(rho) + lambda (d(rho) - padding(rho))`. It leaves, per table, every main column and
//!    every next-row column at the table's point `s_t`.
//! 6. Sample `beta`; per table with next-row columns, in order: a product sumcheck
//!    ([`super::sumcheck`]) of `shift(s_t, y)` and `sum_j beta^j c_j(y)` against
//!    `sum_j beta^j c'_j(s_t)` (the rotated columns' values), then the columns' values at its
//!    point `s'_t`, observed; the verifier checks the final claim against
//!    `shift(s_t, s'_t) sum_j beta^j c_j(s'_t)` ([`super::mle::shift_eval`]).
//! 7. WHIR opening of every claim on `f`: each main column at `s_t`, each next-row column at
//!    `s'_t` (the point followed by the column's reversed block selector, then rotated as the
//!    index: its last `k_0` coordinates first, [`super::stack::rotate_point`]).

use super::column_sums::column_partial_sums;
use super::error::ErrorV2;
use super::gkr;
use super::mle;
use super::params::ParamsV2;
use super::plan::{
    Plan, batch, column_claims, eq_point, plan, start_transcript, zerocheck_claim, zerocheck_tables,
};
use super::proof::{ProofV2, ShiftProof};
use super::sumcheck::prove_product;
use super::trace::StepTimer;
use super::whir;
use super::witness_check;
use super::zerocheck::affine::{Affine, affine_forms};
use super::zerocheck::{self, challenges as zerocheck_challenges, direction_sign, factor_rows};
use crate::balance::bus_total;
use crate::eval::{self, TraceSelectors};
use crate::lookup::PublicLookup;
use crate::statement::{StatementError, TableInstance, TableWitness};
use crate::v2::arith::VerifierField;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::ext as kx;
use backend::{Isa, KoalaBear};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Proves the statement: `tables` with their traces and the public lookup lists.
///
/// # Errors
/// [`ErrorV2::Statement`] for an invalid statement; [`ErrorV2::Unbalanced`] if the buses do
/// not balance, and [`ErrorV2::ConstraintFailed`] naming the first failing row if a
/// constraint fails ([`ErrorV2::FalseWitness`] if the AIR sumcheck's claim is false without
/// that); both are found with probability `1 - 2^-150` or better; [`ErrorV2::Whir`] if the WHIR schedule cannot
/// run for the statement's size.
pub fn prove_v2(
    isa: Isa,
    params: &ParamsV2,
    tables: &[TableWitness<'_>],
    lookups: &[PublicLookup<'_>],
) -> Result<ProofV2, ErrorV2> {
    prove_impl(isa, params, tables, lookups, true)
}

/// [`prove_v2`] without the witness checks: the proof of a false witness, for the soundness
/// tests (behind the test-only `forgery` feature).
#[cfg(feature = "forgery")]
pub fn prove_v2_unchecked(
    isa: Isa,
    params: &ParamsV2,
    tables: &[TableWitness<'_>],
    lookups: &[PublicLookup<'_>],
) -> Result<ProofV2, ErrorV2> {
    prove_impl(isa, params, tables, lookups, false)
}

fn prove_impl(
    isa: Isa,
    params: &ParamsV2,
    tables: &[TableWitness<'_>],
    lookups: &[PublicLookup<'_>],
    check: bool,
) -> Result<ProofV2, ErrorV2> {
    let instances: Vec<TableInstance<'_>> = tables
        .iter()
        .enumerate()
        .map(|(t, w)| w.instance().ok_or(StatementError::TraceShape(t)))
        .collect::<Result<_, _>>()?;
    // 1. The transcript's start.
    let plan = plan(params, &instances, lookups)?;
    let mut ch = start_transcript(isa, params, &instances, lookups);
    let mut timer = StepTimer::new();
    timer.note(format_args!(
        "stacked polynomial 2^{} values ({:.1}% used), {} fraction blocks in 2^{} values, max table height 2^{}",
        plan.columns.num_variables,
        100.0 * plan.columns.used as f64 / (1u64 << plan.columns.num_variables) as f64,
        plan.fractions.blocks.len(),
        plan.fractions.num_variables,
        plan.max_log_height
    ));
    if timer.enabled() {
        timer.note(format_args!(
            "tables (name: columns x 2^rows, interactions): {}",
            instances
                .iter()
                .map(|i| format!(
                    "{}: {} x 2^{}, {}",
                    i.air.name(),
                    i.air.width(),
                    i.log_height,
                    i.air.num_interactions()
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    // 2. The stacked commitment.
    let stacked = stack_columns(&plan, tables);
    timer.lap("stacking");
    let (commitment, witness) = whir::commit_transposed(isa, &plan.whir, stacked, &mut ch)?;
    timer.lap("commitment");
    // 3. Bus challenges.
    let bus_nonce = ch.grind(isa, params.bus_pow_bits);
    let bus = [ch.sample_ext(), ch.sample_ext()];
    // 4. LogUp by GKR.
    let (nums, dens) = fractions(isa, &plan, tables, bus);
    timer.lap("LogUp fractions");
    let (gkr_proof, gkr_claim) = gkr::prove(isa, nums, dens, &mut ch)?;
    if check {
        check_balance(isa, &instances, lookups, bus, &gkr_claim)?;
    }
    timer.lap("GKR");
    // 5. The AIR sumcheck.
    let (zproof, s) = air_sumcheck(
        isa, &plan, tables, &instances, bus, &gkr_claim, check, &mut ch,
    )?;
    // Its many folded columns are freed now; give their pages back before WHIR's large
    // buffers are mapped.
    backend::memory::release_free_memory();
    timer.lap("AIR sumcheck");
    // 6. The next-row sumchecks.
    let (shifts, shift_points) = next_row_sumchecks(isa, tables, &instances, &s, &mut ch)?;
    timer.lap("next-row sumchecks");
    // 7. One WHIR opening.
    let shift_refs: Vec<Option<(Vec<Ext5>, &[Ext5])>> = shift_points
        .iter()
        .map(|o| o.as_ref().map(|(p, v)| (p.clone(), v.as_slice())))
        .collect();
    let claims = column_claims(&plan, &instances, &s, &zproof.evals, &shift_refs);
    let sums = column_partial_sums(isa, &plan, tables, &s, &shift_points, witness.first_rows());
    timer.lap("column sums");
    let whir_proof = whir::open_with_partial_sums(isa, witness, &claims, sums, &mut ch)?;
    timer.lap("WHIR opening");
    Ok(ProofV2 {
        commitment,
        bus_nonce,
        gkr: gkr_proof,
        zerocheck: zproof,
        shifts,
        whir: whir_proof,
    })
}

/// Step 4's check, on both sides: the tables' fractions (GKR's root) plus the public
/// contribution balance.
///
/// # Errors
/// [`ErrorV2::Unbalanced`] if they do not (the witness is false), or the public
/// contribution's error.
pub(crate) fn check_balance<E: VerifierField>(
    isa: Isa,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    bus: [E; 2],
    gkr_claim: &gkr::GkrClaim<E>,
) -> Result<(), ErrorV2> {
    let public = public_contribution(isa, instances, lookups, bus)?;
    if !gkr_claim.root[0]
        .mul_add(E::one(), public * gkr_claim.root[1])
        .check_eq(E::zero())
    {
        return Err(ErrorV2::Unbalanced);
    }
    Ok(())
}

/// Step 5: samples `alpha`, `lambda` and the eq point, proves the AIR sumcheck and returns
/// its proof and point `s`. With `check`, a sum that differs from GKR's claim is a false
/// witness, reported with its first failing constraint.
///
/// # Errors
/// [`ErrorV2::ConstraintFailed`] / [`ErrorV2::FalseWitness`] with `check`, or the sumcheck's
/// error.
#[allow(clippy::too_many_arguments)]
fn air_sumcheck(
    isa: Isa,
    plan: &Plan,
    tables: &[TableWitness<'_>],
    instances: &[TableInstance<'_>],
    bus: [Ext5; 2],
    gkr_claim: &gkr::GkrClaim,
    check: bool,
    ch: &mut Challenger,
) -> Result<(zerocheck::ZerocheckProof, Vec<Ext5>), ErrorV2> {
    let alpha = ch.sample_ext();
    let lambda = ch.sample_ext();
    let tau = eq_point(plan, &gkr_claim.point, ch);
    let ztables = zerocheck_tables(plan, instances, alpha, lambda, &gkr_claim.point);
    let traces: Vec<&[KoalaBear]> = tables.iter().map(|t| t.trace).collect();
    let (zproof, s, sum) = zerocheck::prove(isa, &ztables, &traces, &tau, bus, ch)?;
    if check && sum != zerocheck_claim(plan, gkr_claim, lambda) {
        return Err(witness_check::first_failing_constraint(isa, tables).map_or(
            ErrorV2::FalseWitness,
            |(table, constraint, row)| ErrorV2::ConstraintFailed {
                table,
                constraint,
                row,
            },
        ));
    }
    Ok((zproof, s))
}

/// A table's next-row sumcheck's point and column values (none without next-row columns).
type ShiftPoint = Option<(Vec<Ext5>, Vec<Ext5>)>;

/// Step 6: samples `beta` and proves, per table with next-row columns, its next-row
/// sumcheck at `s_t`; returns the proofs and, per table, the point and column values.
///
/// # Errors
/// [`ErrorV2::Shift`] naming the table.
fn next_row_sumchecks(
    isa: Isa,
    tables: &[TableWitness<'_>],
    instances: &[TableInstance<'_>],
    s: &[Ext5],
    ch: &mut Challenger,
) -> Result<(Vec<ShiftProof>, Vec<ShiftPoint>), ErrorV2> {
    let beta = ch.sample_ext();
    let mut shifts = Vec::new();
    let mut shift_points: Vec<ShiftPoint> = Vec::with_capacity(tables.len());
    for (t, (tw, inst)) in tables.iter().zip(instances).enumerate() {
        if inst.air.main_next_columns().is_empty() {
            shift_points.push(None);
            continue;
        }
        let st = &s[..inst.log_height];
        let (proof, point, columns) = prove_shift(isa, tw, inst.log_height, st, beta, ch)
            .map_err(|source| ErrorV2::Shift { table: t, source })?;
        shift_points.push(Some((point, columns.clone())));
        shifts.push(ShiftProof {
            sumcheck: proof,
            columns,
        });
    }
    Ok((shifts, shift_points))
}

/// The public part of the bus balance: public interactions and lookup lists.
pub(crate) fn public_contribution<E: VerifierField>(
    isa: Isa,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    bus: [E; 2],
) -> Result<E, ErrorV2> {
    bus_total(
        isa,
        instances.iter().map(|i| (i.air, i.public_values)),
        lookups,
        zerocheck_challenges(bus),
    )
    .ok_or(ErrorV2::PublicDenominator)
}

/// The committed table in the form WHIR's first oracle encodes
/// ([`whir::commit_transposed`]): the stacked polynomial (every main column in its block of
/// the placement of [`super::stack`], zero padding) with its index rotated by `k_0`
/// ([`super::stack::rotate_index`]), as `2^(V - k_0)` rows of its active blocks. Index `x` of
/// the placement lands in row `x >> k_0`, at the position of block `x mod 2^k_0` among the
/// active ones: the transpose is the placement itself, read `2^k_0` values at a time.
///
/// Row `y` of every column of a table lands in the window `[y 2^(V - k), (y + 1) 2^(V - k))`
/// of the placement, so the copy reads each trace row once, writes within a small window,
/// and runs in parallel over `2^h` slices by the top `h` index bits (`h` at most every
/// table's height, so each slice holds whole rows of every table, and at most `V - k_0`, so
/// each slice is whole rows of the output).
fn stack_columns(plan: &Plan, tables: &[TableWitness<'_>]) -> Vec<KoalaBear> {
    let v = plan.columns.num_variables;
    let k0 = plan.whir.rounds[0].folding_factor;
    let active = &plan.whir.first_active;
    let width = active.len();
    let mut position = vec![usize::MAX; 1 << k0];
    for (i, &a) in active.iter().enumerate() {
        position[a] = i;
    }
    let mut f = KoalaBear::zero_vec(width << (v - k0));
    let h = tables
        .iter()
        .map(|t| (t.trace.len() / t.air.width()).trailing_zeros() as usize)
        .min()
        .unwrap_or(0)
        .min(10)
        .min(v - k0);
    // Per table: its height's log and every column's reversed selector (its index at row 0).
    let layout: Vec<(usize, Vec<usize>)> = tables
        .iter()
        .enumerate()
        .map(|(t, tw)| {
            let blocks = &plan.columns.blocks[plan.column_start[t]..][..tw.air.width()];
            (
                blocks[0].log_size,
                blocks.iter().map(|b| b.committed_index(0, v)).collect(),
            )
        })
        .collect();
    let mask = (1usize << k0) - 1;
    f.par_chunks_mut(width << (v - k0 - h))
        .enumerate()
        .for_each(|(slice, out)| {
            for (tw, (k, revs)) in tables.iter().zip(&layout) {
                let w = revs.len();
                let low = v - k;
                let rows = 1usize << (k - h);
                for j in 0..rows {
                    let y = (slice << (k - h)) + j;
                    let row = &tw.trace[y * w..(y + 1) * w];
                    let base = j << low;
                    for (&r, &x) in revs.iter().zip(row) {
                        // `x` of the slice-local placement index `base | r`.
                        let at = base | r;
                        out[(at >> k0) * width + position[at & mask]] = x;
                    }
                }
            }
        });
    f
}

/// Fewest rows per chunk of the fractions of a table.
const FRACTION_MIN_ROWS: usize = 64;

/// `form` at `len` rows: its constant plus the linear combination of the gathered factor
/// columns `cols` it reads.
fn affine_rows(
    isa: Isa,
    form: &Affine,
    cols: &BTreeMap<usize, Vec<KoalaBear>>,
    len: usize,
) -> Vec<Ext5> {
    let mut out = Ext5::zero_vec(len);
    if !form.terms.is_empty() {
        let coeffs: Vec<Ext5> = form.terms.values().copied().collect();
        let columns: Vec<&[KoalaBear]> = form.terms.keys().map(|f| cols[f].as_slice()).collect();
        kx::linear_combination(isa, &mut out, &coeffs, &columns);
    }
    if form.constant != Ext5::ZERO {
        for o in &mut out {
            *o += form.constant;
        }
    }
    out
}

/// The stacked LogUp fractions (committed placement): numerators `±m`, denominators
/// `beta - c`, padding `0 / 1`.
fn fractions(
    isa: Isa,
    plan: &Plan,
    tables: &[TableWitness<'_>],
    bus: [Ext5; 2],
) -> (Vec<Ext5>, Vec<Ext5>) {
    let size = 1usize << plan.fractions.num_variables;
    let mut nums = Ext5::zero_vec(size);
    let mut dens = vec![Ext5::ONE; size];
    for (t, tw) in tables.iter().enumerate() {
        let air = tw.air;
        if air.num_interactions() == 0 {
            continue;
        }
        let w = air.width();
        let n = tw.trace.len() / w;
        let selectors = TraceSelectors::new(n);
        let dom = selectors.domain(tw.trace, w, tw.public_values, zerocheck_challenges(bus));
        // Interactions whose multiplicity and denominator are affine in the row's cells (a
        // column or constant, and `beta` minus a combination of columns: every bus tuple of
        // plain cells) are linear combinations of the gathered columns; the rest go through
        // the arena.
        let forms = affine_forms(air, tw.public_values, zerocheck_challenges(bus));
        let fast: Vec<Option<(&Affine, &Affine)>> = air
            .interactions
            .iter()
            .map(|it| {
                let m = forms[it.multiplicity as usize].as_ref()?;
                let d = forms[it.denominator as usize].as_ref()?;
                Some((m, d))
            })
            .collect();
        let roots: Vec<u32> = air
            .interactions
            .iter()
            .zip(&fast)
            .filter(|(_, f)| f.is_none())
            .flat_map(|(it, _)| [it.multiplicity, it.denominator])
            .collect();
        let gathered: BTreeSet<usize> = fast
            .iter()
            .flatten()
            .flat_map(|(m, d)| m.terms.keys().chain(d.terms.keys()).copied())
            .collect();
        let v = plan.fractions.num_variables;
        // Per interaction: its block's reversed selector (the low bits of every index) and
        // its sign. Every block of the table has the table's height, so rows `y0 .. y1` land
        // in the indices `y0 << low .. y1 << low`: row ranges write disjoint ranges.
        let low = v - n.trailing_zeros() as usize;
        let lanes: Vec<(usize, Ext5)> = air
            .interactions
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let block = plan.fractions.blocks[plan.fraction_start[t] + i];
                (block.committed_index(0, v), direction_sign(it.direction))
            })
            .collect();
        // Short tables in several chunks too, so that every thread works; a power of two, so
        // that the chunks divide the table whatever the thread count.
        let threads = rayon::current_num_threads().max(1);
        let rows = (n / threads)
            .max(FRACTION_MIN_ROWS)
            .next_power_of_two()
            .min(eval::CHUNK)
            .min(n);
        nums.par_chunks_mut(rows << low)
            .zip(dens.par_chunks_mut(rows << low))
            .enumerate()
            .for_each(|(c, (num, den))| {
                let start = c * rows;
                let vals = if roots.is_empty() {
                    Vec::new()
                } else {
                    eval::eval_chunk(isa, air, &dom, start, rows, &roots)
                };
                let cols: BTreeMap<usize, Vec<KoalaBear>> = gathered
                    .iter()
                    .map(|&f| (f, factor_rows(air, tw.trace, f, start, rows)))
                    .collect();
                let mut slow = 0;
                let values: Vec<(Vec<Ext5>, Vec<Ext5>)> = fast
                    .iter()
                    .map(|f| match f {
                        Some((m, d)) => (
                            affine_rows(isa, m, &cols, rows),
                            affine_rows(isa, d, &cols, rows),
                        ),
                        None => {
                            slow += 1;
                            (
                                eval::to_ext(isa, &vals[2 * slow - 2], rows),
                                eval::to_ext(isa, &vals[2 * slow - 1], rows),
                            )
                        }
                    })
                    .collect();
                // Row by row: a row's interactions land within `2^low` consecutive entries.
                for y in 0..rows {
                    for (&(lane, sign), (m, d)) in lanes.iter().zip(&values) {
                        let at = (y << low) | lane;
                        num[at] = sign * m[y];
                        den[at] = d[y];
                    }
                }
            });
    }
    (nums, dens)
}

/// One table's next-row sumcheck: `sum_y shift(s_t, y) sum_j beta^j c_j(y)`, then the
/// columns at its point (observed).
fn prove_shift(
    isa: Isa,
    tw: &TableWitness<'_>,
    log_height: usize,
    st: &[Ext5],
    beta: Ext5,
    ch: &mut Challenger,
) -> Result<(super::sumcheck::SumcheckProof, Vec<Ext5>, Vec<Ext5>), super::sumcheck::SumcheckError>
{
    let air = tw.air;
    let w = air.width();
    let n = 1usize << log_height;
    let cols: Vec<Vec<KoalaBear>> = air
        .main_next_columns()
        .iter()
        .map(|&c| (0..n).map(|y| tw.trace[y * w + c]).collect())
        .collect();
    let eq = mle::eq_table(isa, st)?;
    // W[y] = eq(s_t, y - 1 mod n).
    let weight: Vec<Ext5> = (0..n).map(|y| eq[(y + n - 1) % n]).collect();
    let mut coeffs = Vec::with_capacity(cols.len());
    let mut p = Ext5::ONE;
    for _ in &cols {
        coeffs.push(p);
        p *= beta;
    }
    let refs: Vec<&[KoalaBear]> = cols.iter().map(Vec::as_slice).collect();
    let mut batched = Ext5::zero_vec(n);
    kx::linear_combination(isa, &mut batched, &coeffs, &refs);
    let out = prove_product(isa, vec![weight, batched], ch)?;
    let values: Vec<Ext5> = cols
        .iter()
        .map(|c| mle::evaluate_base(isa, c, &out.point))
        .collect::<Result<_, _>>()?;
    for &v in &values {
        ch.observe_ext(v);
    }
    debug_assert_eq!(out.evals[1], batch(&values, beta));
    Ok((out.proof, out.point, values))
}
