//! Recursion's core: proving that child aggregation proofs verify, in one v2 proof.
//!
//! [`record_verifications`] runs `lean_prover`'s own verifier ([`verify_v2_on`]) for each
//! child on one [`Circuit`] (each on its own fresh transcript), so the circuit computes
//! exactly what the native verifier computes; [`prove_verifications`] proves the circuit's
//! statement ([`crate::circuit`]) under the outer parameters. Each child's statement
//! (configuration, message, slot, ordered key list) enters its verifier's transcript, so the
//! outer statement's public lists bind every child's statement.
//!
//! [`verify_verifications`] checks such a proof from the children's statements alone: it
//! records the same verifications for their structure on placeholder proofs of the
//! children's shapes ([`verification_lists`]; the structure never depends on a proof's
//! values) and verifies the outer proof against those lists and heights.
//!
//! Its users: [`crate::type2`] (merging Type-1s of distinct statements) and
//! [`crate::children`] (Type-1 aggregates with children of the same statement).

use crate::circuit::{
    CIRCUIT_TABLES, CLAIMS_PER_BALANCE, Circuit, CircuitError, CircuitLists, CircuitStatement,
    CircuitTranscript, GivenChild, circuit_instances,
};
use crate::in_order::in_order;
use crate::statement::{Statement, params_v2};
use backend::Isa;
use backend::field::Ext5;
use lean_prover::v2::{
    ErrorV2, ParamsV2, PolicyV2, ProofV2, placeholder_proof, prove_v2, verify_v2_bytes,
    verify_v2_on,
};
use lean_prover::{PublicLookup, TableInstance};
use rayon::prelude::*;
use std::cell::RefCell;

/// What a circuit needs of a child's statement to verify its proof: the tables' instances
/// and the public lookup lists (an aggregation [`Statement`], or a Type-1 with children's:
/// `crate::children::Type1Statement`).
pub trait ChildStatement {
    /// The tables the verifier knows (AIR, height, public values).
    fn instances(&self) -> Vec<TableInstance<'_>>;
    /// The public lookup lists.
    fn lookups(&self) -> Vec<PublicLookup<'_>>;
}

impl ChildStatement for Statement {
    fn instances(&self) -> Vec<TableInstance<'_>> {
        Statement::instances(self)
    }

    fn lookups(&self) -> Vec<PublicLookup<'_>> {
        Statement::lookups(self).to_vec()
    }
}

/// Why children could not be recorded or proved.
#[derive(Debug, thiserror::Error)]
pub enum RecursionError {
    /// A child proof does not verify for its statement.
    #[error("child {index} does not verify: {source}")]
    Child {
        /// The child's position.
        index: usize,
        /// The verifier's error.
        source: ErrorV2,
    },
    /// The circuit cannot become a statement.
    #[error("circuit: {0}")]
    Circuit(#[from] CircuitError),
    /// The outer proof failed.
    #[error("outer proof: {0}")]
    Outer(ErrorV2),
}

/// Records the verification of every child (its statement and v2 proof at the aggregates'
/// rate `log_inv_rate`, under the default policy) on one circuit, each on a fresh transcript.
///
/// # Errors
/// [`RecursionError::Child`] for a child that does not verify.
pub fn record_verifications<S: ChildStatement + ?Sized + Sync>(
    isa: Isa,
    log_inv_rate: usize,
    children: &[(&S, &ProofV2)],
) -> Result<Circuit, RecursionError> {
    let params = params_v2(log_inv_rate);
    let parts = in_order(children.par_iter().enumerate().map(|(index, (st, proof))| {
        let cell = RefCell::new(Circuit::new());
        verify_v2_on(
            isa,
            &params,
            &PolicyV2::DEFAULT,
            &st.instances(),
            &st.lookups(),
            proof,
            &mut CircuitTranscript::new(&cell),
        )
        .map_err(|source| RecursionError::Child { index, source })?;
        Ok::<_, RecursionError>(cell.into_inner())
    }))?;
    let mut circuit = Circuit::new();
    circuit.append_all(parts);
    Ok(circuit)
}

/// The lists and table heights of the verifications of children with these statements
/// (at the aggregates' rate `log_inv_rate`), with the proof's `claims` (the children's bus
/// challenges, `crate::circuit`'s deferred balances: [`Circuit::claims`] of the prover's
/// recording): the verifier's side of [`record_verifications`], from the statements alone
/// (a structure-only recording on placeholder proofs of the children's shapes).
///
/// # Errors
/// [`RecursionError::Child`] for a statement the parameters cannot prove,
/// [`RecursionError::Circuit`] for a recording that cannot become lists (it does not happen).
pub fn verification_lists<S: ChildStatement + ?Sized + Sync>(
    isa: Isa,
    log_inv_rate: usize,
    statements: &[&S],
    claims: &[Ext5],
) -> Result<(CircuitLists, [usize; CIRCUIT_TABLES]), RecursionError> {
    verification_lists_given(isa, log_inv_rate, statements, claims, Vec::new())
}

/// [`verification_lists`] for children some of which the verifier holds only in shape:
/// `given[k]`, when `Some`, gives child `k`'s lists' digests and balance (its statement's
/// lists are then placeholders of the right shape; `crate::circuit::GivenChild`).
///
/// # Errors
/// As [`verification_lists`].
pub fn verification_lists_given<S: ChildStatement + ?Sized + Sync>(
    isa: Isa,
    log_inv_rate: usize,
    statements: &[&S],
    claims: &[Ext5],
    given: Vec<Option<GivenChild>>,
) -> Result<(CircuitLists, [usize; CIRCUIT_TABLES]), RecursionError> {
    let params = params_v2(log_inv_rate);
    // The k-th deferred balance takes claims 2k and 2k + 1 and `given[k]`; a child defers
    // one balance if it has public lists (`Sym::lookup_contribution`), none otherwise.
    let mut deferred_before = Vec::with_capacity(statements.len());
    let mut deferred = 0;
    for st in statements {
        deferred_before.push(deferred);
        deferred += usize::from(!st.lookups().is_empty());
    }
    let parts = in_order(statements.par_iter().zip(&deferred_before).enumerate().map(
        |(index, (st, &k))| {
            let start = (CLAIMS_PER_BALANCE * k).min(claims.len());
            let own_claims = &claims[start..(start + CLAIMS_PER_BALANCE).min(claims.len())];
            let own_given = given.get(k).cloned().flatten();
            let cell = RefCell::new(Circuit::with_given_children(
                own_claims.to_vec(),
                vec![own_given],
            ));
            let (instances, lookups) = (st.instances(), st.lookups());
            let placeholder = placeholder_proof(&params, &instances, &lookups)
                .map_err(|source| RecursionError::Child { index, source })?;
            // The placeholder does not verify; the structure-only circuit records on
            // regardless, and only a statement the parameters refuse stops it.
            if let Err(source @ (ErrorV2::Policy { .. } | ErrorV2::Statement(_))) = verify_v2_on(
                isa,
                &params,
                &PolicyV2::DEFAULT,
                &instances,
                &lookups,
                &placeholder,
                &mut CircuitTranscript::new(&cell),
            ) {
                return Err(RecursionError::Child { index, source });
            }
            Ok::<_, RecursionError>(cell.into_inner())
        },
    ))?;
    let mut c = Circuit::with_given_children(claims.to_vec(), given);
    c.append_all(parts);
    Ok((c.lists()?, c.log_heights()))
}

/// Verifies a proof of [`prove_verifications`] (outer parameters `params`, at least the
/// security `policy` asks for) that children with these statements verify at
/// `log_inv_rate`, from the statements alone and the proof's `claims`
/// ([`verification_lists`]).
///
/// # Errors
/// [`RecursionError::Child`] for a statement the parameters cannot prove,
/// [`RecursionError::Outer`] if the outer proof does not verify.
pub fn verify_verifications<S: ChildStatement + ?Sized + Sync>(
    isa: Isa,
    log_inv_rate: usize,
    statements: &[&S],
    claims: &[Ext5],
    params: &ParamsV2,
    policy: &PolicyV2,
    proof: &[u8],
) -> Result<(), RecursionError> {
    let (lists, heights) = verification_lists(isa, log_inv_rate, statements, claims)?;
    verify_v2_bytes(
        isa,
        params,
        policy,
        &circuit_instances(&heights),
        &lists.lookups(),
        proof,
    )
    .map_err(RecursionError::Outer)
}

/// Proves a recorded circuit's statement under `params` (for example
/// [`params_v2`]`(2)`, the aggregates' default); returns the proof and the statement (whose
/// lists and instances the outer verifier uses).
///
/// # Errors
/// [`RecursionError::Circuit`] if the circuit cannot become a statement,
/// [`RecursionError::Outer`] if the outer prover fails.
pub fn prove_verifications(
    isa: Isa,
    circuit: &Circuit,
    params: &ParamsV2,
) -> Result<(ProofV2, CircuitStatement), RecursionError> {
    let st = circuit.statement(isa)?;
    let proof = prove_v2(isa, params, &st.witnesses(), &st.lists.lookups())
        .map_err(RecursionError::Outer)?;
    Ok((proof, st))
}
