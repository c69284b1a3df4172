//! Test helpers shared by the integration tests: deterministic pseudo-random field states,
//! small and quick v2 parameters with the policy they meet, an owned table, and the honest
//! and unchecked provers' verdicts on tables.

#![allow(dead_code)] // not every test binary uses every helper

use backend::{Isa, KoalaBear};
use lean_prover::v2::{ErrorV2, ParamsV2, PolicyV2, prove_v2, prove_v2_unchecked, verify_v2_bytes};
use lean_prover::{Air, PublicLookup, TableInstance, TableWitness};

/// splitmix64: deterministic pseudo-random states.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 pseudo-random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Random cells.
    pub fn state<const T: usize>(&mut self) -> [KoalaBear; T] {
        core::array::from_fn(|_| KoalaBear::from_u64(self.next()))
    }

    /// Random cells, with edge values (0, 1, p - 1) mixed in.
    pub fn state_with_edges<const T: usize>(&mut self) -> [KoalaBear; T] {
        core::array::from_fn(|_| match self.next() % 8 {
            0 => KoalaBear::ZERO,
            1 => KoalaBear::ONE,
            2 => KoalaBear::NEG_ONE,
            _ => KoalaBear::from_u64(self.next()),
        })
    }
}

/// Small, quick v2 parameters (80-bit WHIR rounds, 4 grinding bits).
pub fn test_params() -> ParamsV2 {
    ParamsV2 {
        log_inv_rate: 1,
        security_bits: 80.0,
        pow_bits: 4,
        bus_pow_bits: 4,
        first_folding_factor: 4,
        folding_factor: 3,
        first_domain_shrink: 1,
        max_final_variables: 4,
        min_variables: 8,
    }
}

/// The policy [`test_params`] meet (80 bits).
pub fn policy() -> PolicyV2 {
    PolicyV2 {
        min_provable_bits: 80.0,
    }
}

/// An owned table: AIR, row-major trace, public values.
pub struct Table {
    /// The AIR.
    pub air: Air,
    /// The trace.
    pub trace: Vec<KoalaBear>,
    /// The public values.
    pub publics: Vec<KoalaBear>,
}

impl Table {
    /// The prover's view.
    pub fn witness(&self) -> TableWitness<'_> {
        TableWitness {
            air: &self.air,
            trace: &self.trace,
            public_values: &self.publics,
        }
    }

    /// The verifier's view.
    pub fn instance(&self) -> TableInstance<'_> {
        self.witness().instance().expect("trace shape")
    }
}

/// The honest prover's verdict on `tables` with the public lookup lists `lookups`.
pub fn prover_verdict_with(tables: &[Table], lookups: &[PublicLookup<'_>]) -> Result<(), ErrorV2> {
    let w: Vec<_> = tables.iter().map(Table::witness).collect();
    prove_v2(Isa::current(), &test_params(), &w, lookups).map(|_| ())
}

/// [`prover_verdict_with`] without lookup lists.
pub fn prover_verdict(tables: &[Table]) -> Result<(), ErrorV2> {
    prover_verdict_with(tables, &[])
}

/// Proves `tables` under the lists `proved`, with the honest prover (`checked`) or the
/// test-only unchecked one (a false witness is then proved anyway), and verifies the bytes
/// against the lists `verified` (the verifier's).
pub fn prove_and_verify_with(
    tables: &[Table],
    checked: bool,
    proved: &[PublicLookup<'_>],
    verified: &[PublicLookup<'_>],
) -> Result<(), ErrorV2> {
    let params = test_params();
    let w: Vec<_> = tables.iter().map(Table::witness).collect();
    let isa = Isa::current();
    let proof = if checked {
        prove_v2(isa, &params, &w, proved)
    } else {
        prove_v2_unchecked(isa, &params, &w, proved)
    }
    .expect("prove");
    let inst: Vec<_> = tables.iter().map(Table::instance).collect();
    verify_v2_bytes(isa, &params, &policy(), &inst, verified, &proof.to_bytes())
}

/// [`prove_and_verify_with`] without lookup lists.
pub fn prove_and_verify(tables: &[Table], checked: bool) -> Result<(), ErrorV2> {
    prove_and_verify_with(tables, checked, &[], &[])
}

/// A child for the recursion tests: `n` fixture signatures (seed `seed`) in the test
/// configuration on `message` and `slot`, its statement, its aggregation proof at the
/// aggregates' default parameters, and its keys.
pub fn test_child(
    seed: u64,
    n: usize,
    message: [u8; 32],
    slot: u32,
) -> (
    rec_aggregation::statement::Statement,
    lean_prover::v2::ProofV2,
    Vec<xmss::PublicKey>,
) {
    use rec_aggregation::statement::{Statement, Witness, params_v2};
    let config = xmss::Config::Test;
    let (keys, sigs): (Vec<_>, Vec<_>) =
        xmss::fixtures::generate(Isa::scalar(), config, seed, n, &message, slot)
            .expect("fixtures")
            .into_iter()
            .unzip();
    let st = Statement::new(config, &message, slot, &keys);
    let isa = Isa::current();
    let proof = Witness::generate(&st, isa, &sigs)
        .prove_v2(&st, &params_v2(2), isa)
        .expect("the child's proof");
    (st, proof, keys)
}

/// A circuit statement's tables as owned test tables.
pub fn circuit_tables(st: &rec_aggregation::circuit::CircuitStatement) -> Vec<Table> {
    st.tables
        .iter()
        .map(|t| Table {
            air: t.air.clone(),
            trace: t.trace.clone(),
            publics: vec![],
        })
        .collect()
}

/// `n` fixture signers (seed `seed`) in the test configuration on `message` and `slot`: their
/// keys and signatures.
pub fn test_signers(
    n: usize,
    seed: u64,
    message: [u8; 32],
    slot: u32,
) -> (Vec<xmss::PublicKey>, Vec<xmss::Signature>) {
    xmss::fixtures::generate(Isa::scalar(), xmss::Config::Test, seed, n, &message, slot)
        .expect("fixtures")
        .into_iter()
        .unzip()
}

/// A plain Type-1 aggregate of [`test_signers`] at the default options: its bytes and keys.
pub fn test_aggregate(
    n: usize,
    seed: u64,
    message: [u8; 32],
    slot: u32,
) -> (Vec<u8>, Vec<xmss::PublicKey>) {
    let (keys, sigs) = test_signers(n, seed, message, slot);
    let options = rec_aggregation::AggregateOptions::new(xmss::Config::Test);
    let bytes = rec_aggregation::aggregate(&keys, &sigs, &message, slot, &options)
        .expect("the aggregate")
        .to_bytes();
    (bytes, keys)
}

/// `verify_type_1` in the test configuration under the default policy.
pub fn verify_test_type_1(
    keys: &[xmss::PublicKey],
    message: &[u8; 32],
    slot: u32,
    bytes: &[u8],
) -> Result<(), rec_aggregation::VerifyError> {
    rec_aggregation::verify_type_1(
        xmss::Config::Test,
        keys,
        message,
        slot,
        bytes,
        &PolicyV2::DEFAULT,
    )
}
