//! The witness of a statement ([`Witness`]): every table's trace, generated table by table
//! on the dispatched kernels (message hashes, chain walks, leaf sponges, Merkle walks, then
//! the permutation and range tables fed by their requests), and proving with it.

use super::chain::walk_chains;
use super::dims::{Dims, NUM_TABLES, RANGE127_LOG_HEIGHT};
#[cfg(feature = "forgery")]
use super::forgery::Forgery;
use super::inputs::WitnessInputs;
use super::merkle::walk_merkle;
use super::public::Statement;
use super::signature::hash_messages;
use super::sponge::absorb_leaves;
use super::tables::Tables;
use backend::{Isa, KoalaBear as F};
use lean_prover::TableWitness;
use xmss::Signature;
use xmss::params::HASH_LEN;

/// All traces of one statement.
#[derive(Clone)]
pub struct Witness {
    /// Row-major traces in statement order.
    pub traces: [Vec<F>; NUM_TABLES],
}

impl Witness {
    /// Generates the traces for `signatures` (by `st`'s keys, in order) on `isa`.
    ///
    /// The signatures are not checked here (`aggregate` verifies them natively first): an
    /// invalid signature yields a witness that violates a constraint or unbalances a bus.
    ///
    /// # Panics
    /// If the number of signatures differs from the number of keys, or a signature has the
    /// wrong number of hashes or siblings for the configuration.
    pub fn generate(st: &Statement, isa: Isa, signatures: &[Signature]) -> Witness {
        Self::generate_with(st, &Self::inputs(st, isa, signatures)).0
    }

    /// [`Witness::generate`] with a [`Forgery`] in signature 0; also returns the Merkle
    /// root each signature's witness leads to. Only with the `forgery` feature (soundness
    /// tests).
    #[cfg(feature = "forgery")]
    pub fn generate_forged(
        st: &Statement,
        isa: Isa,
        signatures: &[Signature],
        forgery: Forgery,
    ) -> (Witness, Vec<[F; HASH_LEN]>) {
        let inputs = WitnessInputs {
            forgery,
            ..Self::inputs(st, isa, signatures)
        };
        Self::generate_with(st, &inputs)
    }

    /// The inputs of an honest witness.
    fn inputs<'a>(st: &Statement, isa: Isa, signatures: &'a [Signature]) -> WitnessInputs<'a> {
        assert_eq!(signatures.len(), st.n, "one signature per key");
        WitnessInputs {
            isa,
            config: st.config,
            d: Dims::of(st.config),
            slot: st.slot,
            parameters: st.parameters(),
            signatures,
            #[cfg(feature = "forgery")]
            forgery: Forgery::None,
        }
    }

    /// The traces, table by table; also returns the root each signature's walk leads to.
    fn generate_with(st: &Statement, w: &WitnessInputs<'_>) -> (Witness, Vec<[F; HASH_LEN]>) {
        let tables = Tables::get(st.config);
        let hashes = hash_messages(w, &st.message_fes);
        let chains = walk_chains(w, &hashes.digits);
        let sponges = absorb_leaves(w, &chains.values);
        let merkle = walk_merkle(w, &sponges.leaves);
        // Width-24 requests: the sponge's read 17 output cells, the message hashes' and the
        // Merkle levels' 8.
        let mut p24_short = hashes.inputs.clone();
        p24_short.extend_from_slice(&merkle.requests);

        let heights = w.d.log_heights(w.n()).map(|l| 1usize << l);
        let mut range127 = vec![0u32; 1 << RANGE127_LOG_HEIGHT];
        let signature = tables
            .signature
            .trace(w, &hashes, heights[0], &mut range127);
        let chain = tables
            .chain
            .trace(w, &chains, &st.chain_tweak_tuples, heights[1]);
        let sponge = tables
            .sponge
            .trace(w, &sponges, &st.sponge_publics, heights[2]);
        let merkle_trace = tables.merkle.trace(w, &merkle, &st.tree_tuples, heights[3]);
        let witness = Witness {
            traces: [
                signature,
                chain,
                sponge,
                merkle_trace,
                tables.p16.trace_for_inputs(w.isa, &chains.p16_inputs),
                tables
                    .p24
                    .trace_for_split_inputs(w.isa, &sponges.requests, &p24_short),
                tables.range127.trace(&range127),
            ],
        };
        (witness, merkle.roots)
    }

    /// Proves the statement with proof system v2 (what [`crate::aggregate`] does and
    /// `multisig bench` measures).
    ///
    /// # Errors
    /// The `lean_prover` v2 error.
    pub fn prove_v2(
        &self,
        st: &Statement,
        params: &lean_prover::v2::ParamsV2,
        isa: Isa,
    ) -> Result<lean_prover::v2::ProofV2, lean_prover::v2::ErrorV2> {
        lean_prover::v2::prove_v2(isa, params, &self.table_witnesses(st), &st.lookups())
    }

    /// [`Witness::prove_v2`] without the prover's own witness checks, so that soundness tests
    /// can hand a forged witness to the verifier (feature `forgery`, tests only).
    ///
    /// # Errors
    /// The `lean_prover` v2 error.
    #[cfg(feature = "forgery")]
    pub fn prove_v2_unchecked(
        &self,
        st: &Statement,
        params: &lean_prover::v2::ParamsV2,
        isa: Isa,
    ) -> Result<lean_prover::v2::ProofV2, lean_prover::v2::ErrorV2> {
        lean_prover::v2::prove_v2_unchecked(isa, params, &self.table_witnesses(st), &st.lookups())
    }

    /// The tables with their traces and public values, in the statement's order (what
    /// [`Witness::prove_v2`] proves; a statement with children proves them beside a circuit's).
    pub fn table_witnesses<'a>(&'a self, st: &'a Statement) -> Vec<TableWitness<'a>> {
        let tables = Tables::get(st.config);
        tables
            .airs()
            .into_iter()
            .zip(&self.traces)
            .zip(st.publics())
            .map(|((air, trace), public_values)| TableWitness {
                air,
                trace,
                public_values,
            })
            .collect()
    }
}
