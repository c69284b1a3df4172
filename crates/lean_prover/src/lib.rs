//! `lean_prover`: a multi-table AIR proof system over KoalaBear (`p = 2^31 - 2^24 + 1`) with
//! LogUp buses; challenges live in the quintic extension `K = F_p^5` (`|K| ~ 2^155`).
//!
//! # API
//! * Describe each table with an [`AirBuilder`] (named columns, constraints over the current
//!   and next row, first/last/transition selectors, public values, bus sends and receives) and
//!   [`AirBuilder::build`] it into an [`Air`] with a maximum constraint degree.
//! * A statement is a list of tables ([`TableInstance`]: AIR, `log2` height, public values)
//!   and public lookup lists ([`PublicLookup`]: tuples with fixed multiplicities that the
//!   verifier itself puts on a bus, for example the ordered list of public keys an AIR table
//!   `receive`s row by row). The prover gets the traces too ([`TableWitness`]: row-major,
//!   `2^k` rows).
//! * Prove with [`v2::prove_v2`], verify with [`v2::verify_v2_bytes`] (or [`v2::verify_v2`]
//!   on a decoded [`v2::ProofV2`]) under [`v2::ParamsV2`] and a [`v2::PolicyV2`]; the
//!   protocol, message by message, with every soundness term and its theorem, is in [`v2`]'s
//!   module docs and those of its submodules.
//!
//! # AIR semantics
//! The selectors are the normalised ones: `is_first` is 1 on row 0 and 0 elsewhere,
//! `is_last` 1 on the last row, `is_transition` 1 on every row but the last; "next row" is
//! cyclic. A constraint holds when it evaluates to zero on every row; a bus balances when
//! the multiset of tuples sent (with multiplicities) equals the multiset received,
//! counting the public interactions and the public lookup lists. See [`air`] for degrees and
//! the LogUp construction.
//!
//! # Robustness
//! Statements are validated with typed errors ([`StatementError`]); proofs are decoded with
//! the shape the statement implies (versioned header, canonical field elements, bounded
//! lengths, no trailing bytes) and every failure is a [`v2::ErrorV2`], never a panic.
//!
//! # History
//! The first proof system of this crate, a FRI/DEEP-ALI STARK, was removed once v2 was
//! measured no slower, with proofs 2.6-3.1 times smaller and 24 more provable bits
//! (`BENCHMARKS.md`).
//!
//! # Modules
//! Imports between the files of the crate go one way, from each layer to the ones above it:
//! 1. [`air`] and `codec` (the byte encoding's primitives, [`DecodeError`]) use no other
//!    module;
//! 2. `eval` (evaluation of an AIR's expressions on rows) and [`lookup`] use [`air`];
//! 3. `statement` (tables, [`StatementError`], the bus checks) and `balance` (the bus total
//!    with the verifier-computed contributions) use the layers above;
//! 4. `transcript` (its start: domain separator and statement) and [`security`] (the shared
//!    calculator terms and WHIR's) use the layers above;
//! 5. [`v2`], the proof system, uses everything above.

#![forbid(unsafe_code)]

pub mod air;
mod balance;
mod codec;
mod eval;
pub mod lookup;
pub mod security;
mod statement;
mod transcript;
pub mod v2;

pub use air::{Air, AirBuilder, AirError, BusId, Col, Direction, Expr};
pub use codec::DecodeError;
pub use lookup::PublicLookup;
pub use statement::{MAX_TABLES, StatementError, TableInstance, TableWitness};
