//! The aggregation statement: the tables of `docs/air.md`, their public values and public
//! key list, witness generation, proving and verification.

use backend::Isa;
use xmss::{Config, PublicKey, Signature};

/// The public statement: configuration, message, slot and ordered keys.
pub struct Statement {
    pub(crate) config: Config,
}

impl Statement {
    /// The statement for `keys` signing `message` at `slot`.
    pub fn new(config: Config, message: &[u8; 32], slot: u32, keys: &[PublicKey]) -> Statement {
        let _ = (message, slot, keys);
        Statement { config }
    }

    /// Verifies `stark` proof bytes for this statement.
    pub fn verify(
        &self,
        log_inv_rate: usize,
        stark: &[u8],
    ) -> Result<(), lean_prover::VerifyError> {
        let _ = (log_inv_rate, stark);
        todo!("statement verification")
    }
}

/// The witness (all table traces) of a statement.
pub struct Witness {}

impl Witness {
    /// Generates the traces from valid signatures.
    pub fn generate(st: &Statement, isa: Isa, signatures: &[Signature]) -> Witness {
        let _ = (st, isa, signatures);
        todo!("witness generation")
    }

    /// Proves the statement.
    pub fn prove(
        &self,
        st: &Statement,
        log_inv_rate: usize,
        isa: Isa,
        skip_witness_checks: bool,
    ) -> Result<Vec<u8>, lean_prover::ProveError> {
        let _ = (st, log_inv_rate, isa, skip_witness_checks);
        todo!("proving")
    }
}

/// The largest `N` at `log_inv_rate`.
pub fn max_signatures(config: Config, log_inv_rate: usize) -> usize {
    let _ = (config, log_inv_rate);
    1 << 14
}
