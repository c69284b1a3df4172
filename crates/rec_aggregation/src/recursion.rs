//! Recursion's core: proving that child aggregation proofs verify, in one v2 proof.
//!
//! [`record_verifications`] runs `lean_prover`'s own verifier ([`verify_v2_on`]) for each
//! child on one [`Circuit`] (each on its own fresh transcript), so the circuit computes
//! exactly what the native verifier computes; [`prove_verifications`] proves the circuit's
//! statement ([`crate::circuit`]) under the outer parameters. Each child's statement
//! (configuration, message, slot, ordered key list) enters its verifier's transcript, so the
//! outer statement's public lists bind every child's statement.
//!
//! Not yet here: the Type-2 format and API (merge, verify, split), Type-1 aggregates with
//! children, the outer verifier's derivation of the lists from the children's statements
//! alone (today the lists come from the recording), and the limits (`docs/recursion.md`).

use crate::circuit::{Circuit, CircuitError, CircuitStatement, CircuitTranscript};
use crate::statement::{Statement, params_v2};
use backend::Isa;
use lean_prover::v2::{ErrorV2, ParamsV2, PolicyV2, ProofV2, prove_v2, verify_v2_on};
use std::cell::RefCell;

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
pub fn record_verifications(
    isa: Isa,
    log_inv_rate: usize,
    children: &[(&Statement, &ProofV2)],
) -> Result<Circuit, RecursionError> {
    let cell = RefCell::new(Circuit::new());
    let params = params_v2(log_inv_rate);
    for (index, (st, proof)) in children.iter().enumerate() {
        if index > 0 {
            cell.borrow_mut().fresh_transcript();
        }
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
    }
    Ok(cell.into_inner())
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
