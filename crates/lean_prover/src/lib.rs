//! `lean_prover`: a multi-table AIR STARK over KoalaBear with LogUp buses and batched FRI.
//!
//! (Full protocol documentation below is filled in with the implementation.)

pub mod air;
mod eval;
mod fri;
pub mod layout;
pub mod params;
pub mod proof;
pub mod prover;
pub mod verifier;

pub use air::{Air, AirBuilder, AirError, BusId, Col, Direction, Expr};
pub use layout::{StatementError, TableInstance, TableWitness};
pub use params::{SecurityReport, SecurityShape, SecurityTarget, StarkParams};
pub use proof::{DecodeError, Proof, ProofShape, TableOpenings};
pub use prover::{ProveError, ProverOptions, prove, prove_with};
pub use verifier::{VerifyError, verify, verify_bytes};
