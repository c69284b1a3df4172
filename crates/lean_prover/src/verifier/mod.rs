//! The verifier. It decodes with the shape the statement implies, replays the transcript,
//! checks the bus balance, the constraints at the out-of-domain point, the Merkle openings,
//! the DEEP/FRI consistency of every query and the final polynomial. It never panics and
//! returns the first problem it finds.
//!
//! [`verify_bytes_with_lookups`] replays the protocol of the crate docs one step after the
//! other, one function per step: the bus phase (`bus.rs`), the quotient and out-of-domain
//! checks (`ood.rs`), the FRI transcript and the per-query DEEP/FRI checks (`fri.rs`), and the
//! Merkle openings (`openings.rs`); [`VerifyError`] is in `error.rs`.

mod bus;
mod error;
mod fri;
mod ood;
mod openings;

pub use error::VerifyError;

use crate::layout::Layout;
use crate::lookup::PublicLookup;
use crate::params::StarkParams;
use crate::proof::Proof;
use crate::statement::TableInstance;
use crate::transcript::start_transcript;
use backend::Isa;

/// Verifies a proof given as bytes. Same as [`verify_bytes_with_lookups`] without public
/// lookup lists.
///
/// # Errors
/// A [`VerifyError`] naming the first problem found.
pub fn verify_bytes(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    bytes: &[u8],
) -> Result<(), VerifyError> {
    verify_bytes_with_lookups(params, instances, &[], bytes)
}

/// Verifies a proof given as bytes for a statement with public lookup lists
/// ([`PublicLookup`]), whose contributions the verifier adds to the bus balance itself.
///
/// # Errors
/// A [`VerifyError`] naming the first problem found; malformed lists are a
/// [`StatementError`](crate::layout::StatementError), a vanishing denominator in a list
/// [`VerifyError::ZeroDenominator`].
pub fn verify_bytes_with_lookups(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    bytes: &[u8],
) -> Result<(), VerifyError> {
    let layout = Layout::new(params, instances, lookups)?;
    let proof = Proof::from_bytes(bytes, &layout.shape(params))?;
    verify_decoded(params, instances, lookups, &layout, &proof)
}

/// Verifies a proof object (re-encoded and decoded first, so a proof of the wrong shape is
/// rejected like malformed bytes).
///
/// # Errors
/// A [`VerifyError`] naming the first problem found.
pub fn verify(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    proof: &Proof,
) -> Result<(), VerifyError> {
    verify_bytes(params, instances, &proof.to_bytes())
}

/// Runs every check on a decoded proof, in the order of the transcript.
fn verify_decoded(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
    layout: &Layout,
    proof: &Proof,
) -> Result<(), VerifyError> {
    // The results do not depend on the instruction set (the kernels are bit-identical), so
    // the process-wide choice is used, the best available if `MULTISIG_ISA` is invalid.
    let isa = Isa::selected().unwrap_or_else(|_| Isa::best());
    let mut ch = start_transcript(params, instances, lookups);
    ch.observe_digest(&proof.main_root);
    let challenges = bus::check_bus(isa, params, layout, instances, lookups, proof, &mut ch)?;
    let z = ood::check_out_of_domain(isa, layout, instances, proof, challenges, &mut ch)?;
    // One independent coefficient per (polynomial, point) term.
    let gamma_pows = ch.sample_ext_batch(isa, layout.total_terms);
    let fri = fri::replay_fri(params, layout, proof, &mut ch)?;
    let rows = openings::verify_openings(isa, layout, proof, &fri.indices)?;
    fri::check_queries(isa, layout, proof, z, &gamma_pows, &fri, &rows)
}
