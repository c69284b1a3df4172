//! The public statement ([`Statement`]): configuration, message, slot and the ordered keys,
//! with everything the verifier derives from them (the tables' public values and the three
//! public lookup lists), the proof system's security for it and verification.

use super::buses::{
    CHAIN_TWEAK_BUS, CHAIN_TWEAK_TUPLE_LEN, KEY_TUPLE_LEN, NODE_BUS, TREE_BUS, TREE_TUPLE_LEN,
};
use super::dims::{Dims, NUM_TABLES, POSITIONS, fe};
use super::tables::Tables;
use backend::KoalaBear as F;
use lean_prover::{Direction, PublicLookup, TableInstance};
use xmss::encoding::{chain_tweak, message_to_fes, message_tweak, tree_tweak};
use xmss::params::{HASH_LEN, PARAMETER_LEN};
use xmss::{Config, PublicKey};

/// The public statement: configuration, message, slot and the ordered keys, with everything
/// the verifier derives from them.
pub struct Statement {
    /// The configuration.
    pub config: Config,
    /// The slot (epoch).
    pub slot: u32,
    /// Number of signatures.
    pub n: usize,
    /// The message as 9 field elements.
    pub message_fes: [F; 9],
    /// Public values of the signature table: the message and the message tweak.
    pub signature_publics: Vec<F>,
    /// Public values of the chain table (`E0 = slot * 2^24 mod p`).
    pub chain_publics: Vec<F>,
    /// Public values of the sponge table: the leaf tweak.
    pub sponge_publics: Vec<F>,
    /// The key list as level-`h` nodes `(j, h, root, parameter)`, 15 values per key.
    pub key_tuples: Vec<F>,
    /// Multiplicity 1 per key.
    pub key_mults: Vec<F>,
    /// The Merkle level list `(l, bit_l, tree tweak of level l + 1)`, 4 values per level.
    pub tree_tuples: Vec<F>,
    /// Multiplicity `N` per level.
    pub tree_mults: Vec<F>,
    /// The chain tweak list `(i, tw1_{i,1..=7})`, 8 values per chain.
    pub chain_tweak_tuples: Vec<F>,
    /// Multiplicity `N` per chain.
    pub chain_tweak_mults: Vec<F>,
}

impl Statement {
    /// A statement of `n` all-zero keys on an all-zero message at slot 0: the shape (table
    /// heights, and so the parameters and their security) of every statement of `n`
    /// signatures in `config`, for the calculators and size limits.
    pub fn placeholder(config: Config, n: usize) -> Statement {
        let keys = vec![
            PublicKey {
                root: [F::ZERO; 8],
                parameter: [F::ZERO; 5],
            };
            n
        ];
        Statement::new(config, &[0; 32], 0, &keys)
    }

    /// The statement for `keys` signing `message` at `slot` (the slot must be below the
    /// lifetime: callers check it).
    pub fn new(config: Config, message: &[u8; 32], slot: u32, keys: &[PublicKey]) -> Statement {
        let d = Dims::of(config);
        let n = keys.len();
        let message_fes = message_to_fes(message);
        let mut signature_publics = message_fes.to_vec();
        signature_publics.extend_from_slice(&message_tweak(slot));
        let mut tree_tuples = Vec::with_capacity(TREE_TUPLE_LEN * d.h);
        for l in 0..d.h {
            tree_tuples.push(fe(l));
            tree_tuples.push(F::new((slot >> l) & 1));
            tree_tuples.extend_from_slice(&tree_tweak(
                (l + 1) as u8,
                ((slot as u64) >> (l + 1)) as u32,
            ));
        }
        let mut chain_tweak_tuples = Vec::with_capacity(CHAIN_TWEAK_TUPLE_LEN * d.v);
        for i in 0..d.v {
            chain_tweak_tuples.push(fe(i));
            for k in 1..POSITIONS {
                chain_tweak_tuples.push(chain_tweak(slot, i as u8, k as u8)[1]);
            }
        }
        let e0 = F::new(((slot as u64) << 24).rem_euclid(F::ORDER as u64) as u32);
        let mut key_tuples = Vec::with_capacity(n * KEY_TUPLE_LEN);
        for (j, k) in keys.iter().enumerate() {
            key_tuples.push(fe(j));
            key_tuples.push(fe(d.h));
            key_tuples.extend_from_slice(&k.root);
            key_tuples.extend_from_slice(&k.parameter);
        }
        Statement {
            config,
            slot,
            n,
            message_fes,
            signature_publics,
            chain_publics: vec![e0],
            sponge_publics: tree_tweak(0, slot).to_vec(),
            key_tuples,
            key_mults: vec![F::ONE; n],
            tree_mults: vec![fe(n); d.h],
            tree_tuples,
            chain_tweak_mults: vec![fe(n); d.v],
            chain_tweak_tuples,
        }
    }

    /// Per key, in order: its public parameter (from the key list).
    pub(super) fn parameters(&self) -> Vec<[F; PARAMETER_LEN]> {
        self.key_tuples
            .chunks_exact(KEY_TUPLE_LEN)
            .map(|t| t[2 + HASH_LEN..].try_into().unwrap())
            .collect()
    }

    /// The statement's public lookup lists (the key list, and the range and message lists
    /// the tables read), as `lean_prover` takes them.
    pub fn lookups(&self) -> [PublicLookup<'_>; 3] {
        [
            PublicLookup {
                bus: NODE_BUS,
                direction: Direction::Receive,
                tuple_len: KEY_TUPLE_LEN,
                values: &self.key_tuples,
                multiplicities: &self.key_mults,
            },
            PublicLookup {
                bus: TREE_BUS,
                direction: Direction::Send,
                tuple_len: TREE_TUPLE_LEN,
                values: &self.tree_tuples,
                multiplicities: &self.tree_mults,
            },
            PublicLookup {
                bus: CHAIN_TWEAK_BUS,
                direction: Direction::Send,
                tuple_len: CHAIN_TWEAK_TUPLE_LEN,
                values: &self.chain_tweak_tuples,
                multiplicities: &self.chain_tweak_mults,
            },
        ]
    }

    pub(super) fn publics(&self) -> [&[F]; NUM_TABLES] {
        [
            &self.signature_publics,
            &self.chain_publics,
            &self.sponge_publics,
            &[],
            &[],
            &[],
            &[],
        ]
    }

    /// The verifier's view of the tables.
    pub fn instances(&self) -> Vec<TableInstance<'_>> {
        let tables = Tables::get(self.config);
        let logs = Dims::of(self.config).log_heights(self.n);
        tables
            .airs()
            .into_iter()
            .zip(logs)
            .zip(self.publics())
            .map(|((air, log_height), public_values)| TableInstance {
                air,
                log_height,
                public_values,
            })
            .collect()
    }

    /// Verifies a proof-system-v2 proof of this statement under `params`, refusing
    /// parameters below `policy`.
    ///
    /// # Errors
    /// The `lean_prover` v2 verification error.
    pub fn verify_v2(
        &self,
        isa: backend::Isa,
        params: &lean_prover::v2::ParamsV2,
        policy: &lean_prover::v2::PolicyV2,
        proof: &lean_prover::v2::ProofV2,
    ) -> Result<(), lean_prover::v2::ErrorV2> {
        lean_prover::v2::verify_v2(
            isa,
            params,
            policy,
            &self.instances(),
            &self.lookups(),
            proof,
        )
    }

    /// Decodes and verifies proof-system-v2 proof bytes of this statement under `params`,
    /// refusing parameters below `policy`. Never panics on any bytes.
    ///
    /// # Errors
    /// The `lean_prover` v2 decoding or verification error.
    pub fn verify_v2_bytes(
        &self,
        isa: backend::Isa,
        params: &lean_prover::v2::ParamsV2,
        policy: &lean_prover::v2::PolicyV2,
        bytes: &[u8],
    ) -> Result<(), lean_prover::v2::ErrorV2> {
        lean_prover::v2::verify_v2_bytes(
            isa,
            params,
            policy,
            &self.instances(),
            &self.lookups(),
            bytes,
        )
    }

    /// The security of the v2 parameters `params` for this statement.
    ///
    /// # Errors
    /// The `lean_prover` v2 error for parameters that cannot run at this size.
    pub fn security_v2(
        &self,
        params: &lean_prover::v2::ParamsV2,
    ) -> Result<lean_prover::v2::SecurityReportV2, lean_prover::v2::ErrorV2> {
        lean_prover::v2::security_v2(params, &self.instances(), &self.lookups())
    }
}
