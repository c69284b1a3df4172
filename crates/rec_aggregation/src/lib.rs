//! `rec_aggregation`: proving that N devnet4 XMSS signatures on one message and slot are valid.
//!
//! Not implemented yet (tracked by the "rec_aggregation" issue). It will hold the aggregation
//! AIR tables on `lean_prover`, the `aggregate` / `verify` API and the proof wire format.
