//! A v2 proof: the messages of every protocol step, in transcript order (the protocol is in
//! [`super::prover`]'s docs).

use super::gkr::GkrProof;
use super::sumcheck::SumcheckProof;
use super::whir::{WhirCommitment, WhirProof};
use super::zerocheck::ZerocheckProof;
use backend::KoalaBear;
use backend::field::Ext5;

/// The next-row step of one table: the sumcheck that moves its rotated-column claims to
/// one point, and the columns' values there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftProof {
    /// The product sumcheck of the shift weight and the batched columns (degree 2).
    pub sumcheck: SumcheckProof,
    /// Every column read at the next row, at the sumcheck's point.
    pub columns: Vec<Ext5>,
}

/// A v2 proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofV2 {
    /// The stacked polynomial's WHIR commitment (root and out-of-domain answers).
    pub commitment: WhirCommitment,
    /// The grinding nonce before the bus challenges.
    pub bus_nonce: KoalaBear,
    /// LogUp's fractional sum.
    pub gkr: GkrProof,
    /// The AIR sumcheck.
    pub zerocheck: ZerocheckProof,
    /// One per table with next-row columns, in table order.
    pub shifts: Vec<ShiftProof>,
    /// The WHIR opening of every column claim.
    pub whir: WhirProof,
}
