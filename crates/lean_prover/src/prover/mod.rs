//! The prover: commitments, LogUp auxiliary traces, quotients, DEEP openings and batched FRI.
//!
//! [`prove_with_lookups`] runs the protocol of the crate docs one step after the other on one
//! transcript, one function per step (numbered as in the crate docs): the start of the
//! transcript (step 1, shared with the verifier), the witness checks (`checks.rs`), the main
//! traces (step 2, `trace.rs`), the LogUp auxiliary traces (step 3, `logup.rs`), the
//! quotients (step 4, `quotient.rs`), the out-of-domain openings (step 5, `openings.rs`), DEEP
//! batching (step 6, `deep.rs`), the FRI commit phase and final polynomial (step 7,
//! `fri.rs`), and grinding and queries (step 8, `queries.rs`). `domain.rs` and `matrix.rs`
//! hold the domain points and matrix helpers the steps share; `options.rs` the switches and
//! errors.

mod checks;
mod deep;
mod domain;
mod fri;
mod logup;
mod matrix;
mod openings;
mod options;
mod queries;
mod quotient;
mod trace;

pub use options::{ProveError, ProverOptions};

use crate::layout::Layout;
use crate::lookup::PublicLookup;
use crate::params::StarkParams;
use crate::proof::Proof;
use crate::statement::{StatementError, TableInstance, TableWitness};
use crate::transcript::start_transcript;
use backend::merkle::MerkleTree;
use deep::Commitments;

/// Proves the tables with [`ProverOptions::default`].
///
/// # Errors
/// See [`ProveError`].
pub fn prove(params: &StarkParams, tables: &[TableWitness<'_>]) -> Result<Proof, ProveError> {
    prove_with(params, tables, &ProverOptions::default())
}

/// Proves the tables: see the crate documentation for the protocol. Same as
/// [`prove_with_lookups`] without public lookup lists.
///
/// # Errors
/// See [`ProveError`]. Unless the witness checks are skipped (test-only), a witness that violates a
/// constraint or unbalances a bus is reported here instead of producing a proof.
pub fn prove_with(
    params: &StarkParams,
    tables: &[TableWitness<'_>],
    options: &ProverOptions,
) -> Result<Proof, ProveError> {
    prove_with_lookups(params, tables, &[], options)
}

/// Proves the tables together with public lookup lists ([`PublicLookup`]): tuples the
/// verifier puts on the buses itself, which the tables' interactions must balance. See the
/// crate documentation for the protocol.
///
/// # Errors
/// See [`ProveError`]; malformed lists are a [`StatementError`]. Unless
/// the witness checks are skipped (test-only), a witness that violates a constraint or unbalances a bus
/// (the lists included) is reported here instead of producing a proof.
pub fn prove_with_lookups(
    params: &StarkParams,
    tables: &[TableWitness<'_>],
    lookups: &[PublicLookup<'_>],
    options: &ProverOptions,
) -> Result<Proof, ProveError> {
    let isa = options.isa;
    let mut instances: Vec<TableInstance<'_>> = Vec::with_capacity(tables.len());
    for (t, tw) in tables.iter().enumerate() {
        instances.push(tw.instance().ok_or(StatementError::TraceShape(t))?);
    }
    let layout = Layout::new(params, &instances, lookups)?;
    let mut ch = start_transcript(params, &instances, lookups);
    if !options.skips_witness_checks() {
        checks::check_tables(isa, tables, &layout)?;
    }
    let main_tree = trace::commit_main(isa, params, &layout, tables, &mut ch)?;
    let bus = logup::commit_aux(isa, params, &layout, tables, &mut ch)?;
    if !options.skips_witness_checks() {
        checks::check_bus_balance(isa, tables, lookups, &bus.claimed_sums, bus.challenges)?;
    }
    let quotients =
        quotient::commit_quotients(isa, params, &layout, tables, &main_tree, &bus, &mut ch)?;
    let (z, openings) = openings::open_at_z(isa, &layout, tables, &bus, &quotients, &mut ch)?;
    let trees = Commitments {
        main: &main_tree,
        aux: bus.aux_tree.as_ref(),
        quotient: &quotients.tree,
    };
    let inputs = deep::fri_inputs(isa, &layout, trees, &openings, z, &mut ch);
    let layers = fri::commit_layers(isa, &layout, inputs, &mut ch)?;
    let final_poly = fri::final_polynomial(isa, params, &layout, &layers.last, &mut ch);
    let queries = queries::open_queries(isa, params, &layout, trees, &layers.trees, &mut ch)?;
    Ok(Proof {
        main_root: main_tree.root(),
        aux_root: bus.aux_tree.as_ref().map(MerkleTree::root),
        claimed_sums: bus.claimed_sums,
        quotient_root: quotients.tree.root(),
        openings,
        fri_roots: layers.roots,
        final_poly,
        pow_nonce: queries.pow_nonce,
        bus_pow_nonce: bus.bus_pow_nonce,
        main_opening: queries.main,
        aux_opening: queries.aux,
        quotient_opening: queries.quotient,
        fri_openings: queries.fri,
    })
}
