//! `rec_aggregation`: proving that N devnet4 XMSS signatures on one message and slot are valid.
//!
//! * [`aggregate`] / [`verify`]: the API ([`api`]), with the proof wire format;
//!   [`aggregate_with_children`] / [`verify_type_1`]: Type-1 aggregates that fold in child
//!   aggregates by recursion ([`children`]); [`type2`]: merging Type-1s into one Type-2.
//! * [`statement`]: the tables of the statement, witness generation, proving, verification.
//! * [`poseidon_table`]: the Poseidon1 permutation tables (widths 16 and 24).
//! * [`poseidon2_table`]: the Poseidon2 permutation tables (widths 16 and 24, and the
//!   width-16 Merkle compression), the first building block of recursion.
//! * [`ext5_table`](mod@ext5_table): the extension-field arithmetic table (`c = a * b + d`
//!   in `K = F_p^5`), the second building block of recursion.
//! * [`merkle_path_table`]: authentication paths of `backend::merkle`'s Poseidon2 tree, their
//!   compressions requested from the Poseidon2 compression table, the third;
//!   [`leaf_sponge_table`]: the row hash of the opened leaves (the Poseidon2-24 sponge), whose
//!   digests start those paths; [`transcript_table`]: the Fiat-Shamir duplex sponge, one row
//!   per call, its observations and samples at their positions.
//! * Cargo feature `forgery` (off by default, turned on only by this crate's own tests):
//!   `statement::Forgery` and `statement::Witness::generate_forged`, deliberately wrong
//!   witnesses for the soundness tests.
//!
//! The constraint specification of the whole statement is `docs/air.md` in this crate.

#![forbid(unsafe_code)]

mod affine_state;
pub mod api;
pub mod children;
pub mod circuit;
pub mod claims;
pub mod ext5_table;
mod header;
mod in_order;
pub mod leaf_sponge_table;
pub mod merkle_path_table;
pub mod poseidon2_table;
pub mod poseidon_table;
pub mod recursion;
pub mod split;
pub mod statement;
pub mod transcript_table;
pub mod type1;
pub mod type2;

pub use api::{
    AggregateError, AggregateOptions, AggregateProof, VerifyError, aggregate, max_signatures,
    security, verify,
};
pub use children::{NestedProof, Type1Proof, aggregate_with_children};
pub use ext5_table::{
    EXT5_BUS, EXT5_TABLE_DEGREE, EXT5_TABLE_WIDTH, EXT5_TUPLE_LEN, Ext5Columns, Ext5Op, Ext5Table,
    ext5_fma_tuple, ext5_reduction, ext5_table,
};
pub use leaf_sponge_table::{LEAF_CHUNK_BUS, LeafSpongeColumns, LeafSpongeTable, OpenedRow};
pub use lean_prover::v2::{PolicyV2, SecurityReportV2};
pub use merkle_path_table::{
    MERKLE_LEAF_BUS, MERKLE_ROOT_BUS, MerklePath, MerklePathColumns, MerklePathTable,
};
pub use poseidon_table::{
    POSEIDON_TABLE_DEGREE, POSEIDON1_16, POSEIDON1_16_BUS, POSEIDON1_24, POSEIDON1_24_BUS,
    Poseidon1Columns, Poseidon1Spec, Poseidon1Table, poseidon1_16_table, poseidon1_24_table,
};
pub use poseidon2_table::{
    POSEIDON2_16, POSEIDON2_16_BUS, POSEIDON2_16_COMPRESS_BUS, POSEIDON2_24, POSEIDON2_24_BUS,
    Poseidon2Columns, Poseidon2Output, Poseidon2Spec, Poseidon2Table, poseidon2_16_compress_table,
    poseidon2_16_table, poseidon2_24_table,
};
pub use transcript_table::{
    TRANSCRIPT_FRESH_BUS, TRANSCRIPT_OBSERVE_BUS, TRANSCRIPT_SAMPLE_BUS, TranscriptColumns,
    TranscriptOp, TranscriptTable,
};
pub use type1::verify_type_1;
