//! Circuits over `K = F_p^5` proved with `lean_prover` v2: the recursive verifier's arithmetic
//! (sumcheck rounds, interpolations, folds, summand evaluations) as a recorded circuit of
//! fused multiply-adds whose wiring the verifier fixes, with the values the verifier observes
//! and samples bound to the transcript table (`docs/recursion.md`, "Circuits").
//!
//! # Wires
//! A [`Wire`] is an element of `K` defined exactly once: by a **constant** (its value is
//! statement data), by an **operation** `c = a * b + d` of the [`OpTable`], by a **link** of
//! the [`LinkTable`] (a value the verifier observes, or a challenge it samples), by the
//! [`OpenedTable`] (a value of an opened Merkle leaf, which the leaf-sponge table hashes), or
//! by the [`QueryTable`] (a WHIR query's leaf index and domain point, from the canonical bits
//! of its sampled value). Every
//! definer *sends* `(wire, value[0..5])` on [`WIRE_BUS`] with multiplicity the wire's number of
//! uses; every use *receives* it once. An operation can also *check* instead of define: it
//! receives `(wire, a * b + d)`, so the balance holds only if `a * b + d` equals the wire's
//! value (an assertion).
//!
//! # What the verifier fixes
//! [`Circuit`] records the operations, links and constants as the verifier's code runs (on
//! the proof's values, or on any values of the same shape: the structure does not depend on
//! them). The verifier puts public lookup lists on the buses ([`CircuitLists`]):
//! * per operation `(wa, wb, wd, wc, mc, ma)` on [`OP_WIRING_BUS`] (`mc` the uses of `wc`,
//!   or `-1` for a check; `ma` 1, or 0 for a hint: a value the prover supplies, `a * 1 + 0`
//!   with `a` read from no wire, which later checks constrain, as an inverse is by
//!   `x * x^-1 = 1`), received by exactly one active row of the operation table;
//! * per link `(w, mw, observed, ext, call[0..5], slot[0..5])` on [`LINK_WIRING_BUS`] (`mw`
//!   the uses of `w`, or `-1` when the link observes a wire defined elsewhere; `observed` 1
//!   for an observation, 0 for a sample; `ext` 1 for an element of `K`, 0 for a base-field
//!   element, whose other coefficients are zero; the transcript positions of its
//!   coefficients), received by exactly one active row of the link table;
//! * per constant `(w, value)` on [`WIRE_BUS`] with multiplicity its uses; the base-field
//!   values the verifier observes itself (statement data) at their positions on the
//!   transcript's observation bus; the first call of every transcript after the first on its
//!   fresh bus;
//! * per chunk of an opened leaf `(path, chunk, len, base, used[0..16], mult[0..16])` on
//!   [`OPENED_WIRING_BUS`], and per opening `(path, index_id, 2^(depth - 1), root_id[0..8])`
//!   on [`ROOT_WIRING_BUS`]: the Merkle-root table sends the index and root wires to the
//!   Merkle-path table, which checks the leaf's digest (from the leaf-sponge table) leads there;
//! * per WHIR query `(s_id, bits, point_id, mp, index_id, mi)` on [`QUERY_WIRING_BUS`]: the
//!   query table reads the sample `s_id` and defines the index and the point with their uses.
//!
//! # Why this is sound
//! Every wire has one definer, pinned with its multiplicity by a list, and every use is
//! pinned by a list: so on [`WIRE_BUS`] each wire's uses balance its definition only if they
//! all carry its defined value (LogUp over `K`, as for every bus). Operation rows send
//! `a * b + d` computed from their inputs' columns (the extension-field table's formula),
//! so definitions carry it and checks hold. Link
//! rows send their coefficients to the transcript table at the pinned positions, so an
//! observed wire is what the transcript absorbed there and a sampled wire is the duplex
//! sponge's output there; the positions fix the transcript's whole schedule (every used slot
//! and every read output of the transcript table must be balanced by a pinned sender).
//! Padding rows (`active = 0`) receive nothing and may not define (`(1 - active) mc = 0`,
//! likewise `ma`, `mw` and `observed` on links and `mult` on opened leaves). A Merkle claim
//! holds because its leaf's values, hashed by the leaf sponge, and its pinned index and root
//! wires meet in the Merkle-path table.
//!
//! # Cost
//! An operation is one row of 22 columns with 5 bus interactions; a link one row of 20
//! columns with 12; the transcript costs one row of its table and one Poseidon2-16
//! permutation per duplex call.

mod append;
mod deferred;
mod link_table;
mod op_table;
mod opened_table;
mod query_table;
mod recorder;
mod root_table;
mod schedule;
mod statement;
mod symbolic;

pub use deferred::{CLAIMS_PER_BALANCE, GivenChild};
pub use link_table::{LinkColumns, LinkTable};
pub use op_table::{OpColumns, OpTable};
pub use opened_table::{OPENED_WIRING_LEN, OpenedColumns, OpenedTable};
pub use query_table::{QUERY_MAX_BITS, QUERY_WIRING_LEN, QueryColumns, QueryTable};
pub use recorder::{Circuit, MerkleClaim, Wire};
pub use root_table::{ROOT_WIRING_LEN, RootColumns, RootTable};
pub use statement::{
    CIRCUIT_TABLES, CircuitError, CircuitLists, CircuitStatement, OP_TABLE_PARTS, OwnedTable,
    PATH_TABLE_PARTS, SPLIT_MIN, circuit_airs, circuit_instances, op_part_rows, path_part_rows,
};
pub use symbolic::{CircuitTranscript, Sym};

use lean_prover::BusId;

/// Bus on which every wire's definer sends `(wire, value[0..5])` and every use receives it.
pub const WIRE_BUS: BusId = BusId(0x70);
/// Bus on which the verifier's list of operations `(wa, wb, wd, wc, mc, ma)` meets the operation
/// table's rows.
pub const OP_WIRING_BUS: BusId = BusId(0x71);
/// Bus on which the verifier's list of links `(w, mw, observed, ext, call[0..5], slot[0..5])`
/// meets the link table's rows.
pub const LINK_WIRING_BUS: BusId = BusId(0x72);
/// Bus on which the verifier's list of opened-leaf chunks `(path, chunk, len, base,
/// used[0..16], mult[0..16])` meets the opened-leaf table's rows.
pub const OPENED_WIRING_BUS: BusId = BusId(0x73);
/// Bus on which the verifier's list of Merkle openings `(path, index_id, 2^(depth - 1),
/// root_id[0..8])` meets the Merkle-root table's rows.
pub const ROOT_WIRING_BUS: BusId = BusId(0x74);
/// Bus on which the verifier's list of WHIR queries `(s_id, bits, point_id, mp, index_id,
/// mi)` meets the query table's rows.
pub const QUERY_WIRING_BUS: BusId = BusId(0x75);
/// Maximum constraint degree of the operation and link tables.
pub const CIRCUIT_DEGREE: usize = 2;
