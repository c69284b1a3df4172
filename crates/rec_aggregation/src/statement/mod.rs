//! The aggregation statement (`docs/air.md`): its seven tables, their public values and the
//! public lookup lists, witness generation on the dispatched kernels, proving and
//! verification.
//!
//! | table | rows | what a row is |
//! |---|---|---|
//! | `signature` | `N` (padded) | one signature: message hash, remainders, digit groups |
//! | `chain` | `N V` | one hash chain, positions `0..=7`, in digit groups of 8 chains |
//! | `sponge` | `N C` | one permutation of the leaf sponge (`C` chunks per signature) |
//! | `merkle` | `N h` | one Merkle level of one signature |
//! | `poseidon1_16_compress8` | `N (7V - T*)` | one chain step (`compress_16`) |
//! | `poseidon1_24_prefix17` | `N (1 + C + h)` | one width-24 permutation |
//! | `range127` | 128 | the values `0..127` |
//!
//! Proof size grows with the total number of columns (every query opens one row of every
//! table), not with the number of rows, so the statement is a few narrow tables linked by
//! buses rather than one wide row per signature.
//!
//! The verifier's own contributions: the public values of the signature table (message,
//! message tweak), the sponge table (leaf tweak) and the chain table (`E0`), and three public
//! lookup lists: the keys as level-`h` nodes `(j, h, root_j, parameter_j)`, received once
//! each on [`NODE_BUS`] (where the Merkle walks end), the
//! Merkle levels `(l, bit_l, tweak_l)` sent `N` times each on [`TREE_BUS`], and the chain
//! tweaks `(i, tw1_{i,1..=7})` sent `N` times each on [`CHAIN_TWEAK_BUS`].
//!
//! One file per table, each with its AIR and its part of witness generation:
//! `signature`, `chain`, `sponge`, `merkle`, `range` (the permutation tables are
//! [`crate::poseidon_table`]); [`Tables`] gathers them. Around them: `dims` (sizes and shared
//! constants), `buses` (the statement's buses), `public` ([`Statement`], what the verifier
//! derives), `security` (the proof-system parameters and the size limit), `witness`
//! ([`Witness`]: generation table by table, proving) and, for soundness tests only, `forgery`
//! (behind the `forgery` feature).

mod buses;
mod chain;
mod dims;
#[cfg(feature = "forgery")]
mod forgery;
mod inputs;
mod merkle;
mod public;
mod range;
mod security;
mod signature;
mod sponge;
mod tables;
mod witness;

pub use buses::{
    CELL_BUS, CHAIN_TWEAK_BUS, DIGITS_BUS, NODE_BUS, PARAMETER_BUS, RANGE127_BUS, TREE_BUS,
};
pub use chain::{ChainColumns, ChainTable};
pub use dims::{Dims, NUM_TABLES};
#[cfg(feature = "forgery")]
pub use forgery::Forgery;
pub use merkle::{MerkleColumns, MerkleTable};
pub use public::Statement;
pub use range::RangeTable;
pub use security::{max_signatures_v2, params_v2};
pub use signature::{SignatureColumns, SignatureTable};
pub use sponge::{SpongeColumns, SpongeTable};
pub use tables::Tables;
pub use witness::Witness;
