//! `rec_aggregation`: proving that N devnet4 XMSS signatures on one message and slot are valid.
//!
//! Phase 1 (this crate today): the Poseidon1 permutation tables ([`poseidon_table`]), widths
//! 16 and 24, as `lean_prover` AIRs that serve `(input, output)` requests on a bus. The
//! constraint specification of the whole aggregation statement, with what is implemented and
//! what is design only, is `docs/air.md` in this crate. Not implemented yet: the chain,
//! sponge, Merkle and message-hash tables, the `aggregate` / `verify` API and the proof wire
//! format.

pub mod poseidon_table;

pub use poseidon_table::{
    POSEIDON_TABLE_DEGREE, POSEIDON1_16, POSEIDON1_16_BUS, POSEIDON1_24, POSEIDON1_24_BUS,
    Poseidon1Columns, Poseidon1Spec, Poseidon1Table, poseidon1_16_table, poseidon1_24_table,
};
