//! What every table's witness generation reads: the instruction set, the configuration, the
//! slot, the keys' parameters and the signatures (and, in soundness tests only, the
//! `Forgery` to commit, with the `forgery` feature).

use super::dims::Dims;
#[cfg(feature = "forgery")]
use super::forgery::Forgery;
use backend::{Isa, KoalaBear as F};
use xmss::params::PARAMETER_LEN;
use xmss::{Config, Signature};

/// The inputs of witness generation, shared by the per-table generators.
pub(super) struct WitnessInputs<'a> {
    /// The instruction set the batched permutations run on.
    pub isa: Isa,
    /// The configuration.
    pub config: Config,
    /// Its sizes.
    pub d: Dims,
    /// The slot (epoch).
    pub slot: u32,
    /// Per signature: its key's public parameter.
    pub parameters: Vec<[F; PARAMETER_LEN]>,
    /// The signatures, in key order.
    pub signatures: &'a [Signature],
    /// The step of signature 0 to get wrong ([`Forgery::None`] for an honest witness).
    #[cfg(feature = "forgery")]
    pub forgery: Forgery,
}

impl WitnessInputs<'_> {
    /// Number of signatures `N`.
    pub fn n(&self) -> usize {
        self.signatures.len()
    }
}
