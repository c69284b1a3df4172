//! The seven tables of one configuration, built once per process ([`Tables`]).

use super::buses::RANGE127_BUS;
use super::chain::ChainTable;
use super::dims::{NUM_TABLES, RANGE127_LOG_HEIGHT};
use super::merkle::MerkleTable;
use super::range::RangeTable;
use super::signature::SignatureTable;
use super::sponge::SpongeTable;
use crate::poseidon_table::{
    Poseidon1Table, poseidon1_16_compress_table, poseidon1_24_prefix_table,
};
use lean_prover::Air;
use std::sync::OnceLock;
use xmss::Config;

/// The seven tables of one configuration (built once per process).
pub struct Tables {
    /// One row per signature.
    pub signature: SignatureTable,
    /// One row per chain.
    pub chain: ChainTable,
    /// One row per leaf-sponge permutation.
    pub sponge: SpongeTable,
    /// One row per Merkle level.
    pub merkle: MerkleTable,
    /// Chain steps.
    pub p16: Poseidon1Table<16>,
    /// Width-24 permutations.
    pub p24: Poseidon1Table<24>,
    /// `0..127`.
    pub range127: RangeTable,
}

impl Tables {
    /// The tables of `config` (cached).
    pub fn get(config: Config) -> &'static Tables {
        static PROD: OnceLock<Tables> = OnceLock::new();
        static TEST: OnceLock<Tables> = OnceLock::new();
        let cell = match config {
            Config::Prod => &PROD,
            Config::Test => &TEST,
        };
        cell.get_or_init(|| Tables {
            signature: SignatureTable::new(config),
            chain: ChainTable::new(config),
            sponge: SpongeTable::new(config),
            merkle: MerkleTable::new(),
            p16: poseidon1_16_compress_table(),
            p24: poseidon1_24_prefix_table(),
            range127: RangeTable::new("range127", RANGE127_BUS, RANGE127_LOG_HEIGHT, true),
        })
    }

    /// The AIRs in statement order.
    pub fn airs(&self) -> [&Air; NUM_TABLES] {
        [
            self.signature.air(),
            self.chain.air(),
            self.sponge.air(),
            self.merkle.air(),
            self.p16.air(),
            self.p24.air(),
            self.range127.air(),
        ]
    }
}
