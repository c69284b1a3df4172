//! From a recorded [`Circuit`] to a `lean_prover` v2 statement: the verifier's public lookup
//! lists ([`CircuitLists`], which depend only on the circuit's structure and constants) and
//! the prover's seventeen tables (operations, links, transcript, Poseidon2-16, opened leaves,
//! Merkle roots, leaf sponge, Merkle paths, Poseidon2-24, Poseidon2-16 compression, WHIR
//! queries, then four more parts of the operations and a second part of the Merkle paths
//! with its compression table).
//!
//! # The operations in parts
//! The operation table is most of a circuit's statement (about half of its committed values
//! at two 775-signature children) and a table's height is a power of two: one table of
//! `next_power_of_two(n)` rows would commit up to twice the rows needed. The operations
//! fill [`OP_TABLE_PARTS`] instances of the same AIR instead ([`op_part_rows`]): above
//! [`SPLIT_MIN`] operations, each part but the last takes the largest power of two that
//! the operations left fill, the last the rest, rounded up (237,312 operations: parts of
//! 2^17, 2^16, 2^15, 2^12 and 2^12 rows, 0.1% padding, against 2^18; 492,534 at nine
//! 16-signature children: 2^18 + 2^17 + 2^16 + 2^15 + 2^10, 10 rows of padding, where four
//! parts padded 6%). Each row receives its own wiring from the one list, whatever part it
//! is in, so the parts change nothing of what is proved. The Merkle paths (one row per level, a path's rows consecutive) fill
//! [`PATH_TABLE_PARTS`] instances of their table the same way with whole paths
//! ([`path_part_rows`]), each served by its own compression table of the same height
//! (9,018 levels at two 775-signature children: 2^13 + 2^10 rows against 2^14).

use super::link_table::{LinkRow, LinkTable};
use super::op_table::{OpRow, OpTable};
use super::opened_table::{OPENED_WIRING_LEN, OpenedRowData, OpenedTable};
use super::query_table::{QUERY_WIRING_LEN, QueryRowData, QueryTable};
use super::recorder::Circuit;
use super::root_table::{ROOT_WIRING_LEN, RootRowData, RootTable};
use super::schedule::Position;
use super::{
    LINK_WIRING_BUS, OP_WIRING_BUS, OPENED_WIRING_BUS, QUERY_WIRING_BUS, ROOT_WIRING_BUS, WIRE_BUS,
};
use crate::leaf_sponge_table::{LeafSpongeTable, OpenedRow, RATE};
use crate::merkle_path_table::{MerklePath, MerklePathTable};
use crate::poseidon_table::MIN_HEIGHT;
use crate::transcript_table::{TRANSCRIPT_FRESH_BUS, TRANSCRIPT_OBSERVE_BUS, TranscriptTable};
use crate::{poseidon2_16_compress_table, poseidon2_16_table, poseidon2_24_table};
use backend::KoalaBear as F;
use backend::merkle::hash_row;
use backend::{Isa, KoalaBear};
use lean_prover::{Air, AirError, BusId, Direction, PublicLookup, TableInstance, TableWitness};
use rayon::prelude::*;

/// Why a circuit cannot become a statement.
#[derive(Debug, thiserror::Error)]
pub enum CircuitError {
    /// A value the circuit observes is still pending at the end: no duplex call absorbed it,
    /// so the transcript does not bind it (the verifier must sample after its last
    /// observation).
    #[error("an observation at call {call} is never absorbed (the transcript has {calls} calls)")]
    Unabsorbed {
        /// The call that would absorb it.
        call: u32,
        /// The number of calls made.
        calls: u32,
    },
    /// An AIR was refused (it is not).
    #[error("AIR: {0}")]
    Air(#[from] AirError),
    /// The verifier's claims are not one pair per deferred balance.
    #[error("{got} claimed challenges, the verifications need {expected}")]
    Claims {
        /// Values the verifications need.
        expected: usize,
        /// Values given.
        got: usize,
    },
}

/// The rows of the tables whose wiring is also a list (built once per statement).
struct TableRows {
    opened: Vec<OpenedRowData>,
    roots: Vec<RootRowData>,
    queries: Vec<QueryRowData>,
}

/// A table with its trace (no public values).
pub struct OwnedTable {
    /// The AIR.
    pub air: Air,
    /// The row-major trace.
    pub trace: Vec<KoalaBear>,
}

impl OwnedTable {
    /// The prover's view.
    pub fn witness(&self) -> TableWitness<'_> {
        TableWitness {
            air: &self.air,
            trace: &self.trace,
            public_values: &[],
        }
    }
}

/// The verifier's public lookup lists of a circuit (see the module docs of
/// [`crate::circuit`]): the operations' wiring, the links' wiring, the constants, and the
/// base-field values the verifier observes itself at their positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CircuitLists {
    /// `(wa, wb, wd, wc, mc, ma)` per operation.
    pub op_wiring: Vec<F>,
    /// `(w, mw, observed, ext, call[0..5], slot[0..5])` per link.
    pub link_wiring: Vec<F>,
    /// `(w, value[0..5])` per used constant.
    pub constants: Vec<F>,
    /// Uses of each constant.
    pub constant_uses: Vec<F>,
    /// `(call, slot, x)` per known observation.
    pub known: Vec<F>,
    /// `(path, chunk, len, base, used[0..16], mult[0..16])` per chunk of an opened leaf.
    pub opened_wiring: Vec<F>,
    /// `(path, index_id, 2^(depth - 1), root_id[0..8])` per Merkle opening.
    pub root_wiring: Vec<F>,
    /// `(call)` per transcript after the first: its first duplex call.
    pub fresh: Vec<F>,
    /// `(s_id, bits, point_id, mp, index_id, mi)` per WHIR query.
    pub query_wiring: Vec<F>,
    ones: Vec<F>,
}

impl CircuitLists {
    /// The lists as `lean_prover` public lookups.
    pub fn lookups(&self) -> Vec<PublicLookup<'_>> {
        fn list<'a>(
            bus: BusId,
            tuple_len: usize,
            values: &'a [F],
            mults: &'a [F],
        ) -> PublicLookup<'a> {
            PublicLookup {
                bus,
                direction: Direction::Send,
                tuple_len,
                values,
                multiplicities: mults,
            }
        }
        let ones = |values: &[F], t: usize| &self.ones[..values.len() / t];
        vec![
            list(OP_WIRING_BUS, 6, &self.op_wiring, ones(&self.op_wiring, 6)),
            list(
                LINK_WIRING_BUS,
                14,
                &self.link_wiring,
                ones(&self.link_wiring, 14),
            ),
            list(WIRE_BUS, 6, &self.constants, &self.constant_uses),
            list(TRANSCRIPT_OBSERVE_BUS, 3, &self.known, ones(&self.known, 3)),
            list(
                OPENED_WIRING_BUS,
                OPENED_WIRING_LEN,
                &self.opened_wiring,
                ones(&self.opened_wiring, OPENED_WIRING_LEN),
            ),
            list(
                ROOT_WIRING_BUS,
                ROOT_WIRING_LEN,
                &self.root_wiring,
                ones(&self.root_wiring, ROOT_WIRING_LEN),
            ),
            list(TRANSCRIPT_FRESH_BUS, 1, &self.fresh, ones(&self.fresh, 1)),
            list(
                QUERY_WIRING_BUS,
                QUERY_WIRING_LEN,
                &self.query_wiring,
                ones(&self.query_wiring, QUERY_WIRING_LEN),
            ),
        ]
    }
}

/// A circuit's statement: the seventeen tables with their traces (operations, links,
/// transcript, Poseidon2-16, opened leaves, Merkle roots, leaf sponge, Merkle paths,
/// Poseidon2-24, Poseidon2-16 compression, queries, the operations' other four parts, the
/// second part of the Merkle paths and its compression table, in that order) and the
/// verifier's lists.
pub struct CircuitStatement {
    /// The tables, in the statement's order.
    pub tables: Vec<OwnedTable>,
    /// The verifier's lists.
    pub lists: CircuitLists,
}

impl CircuitStatement {
    /// The prover's view of the tables.
    pub fn witnesses(&self) -> Vec<TableWitness<'_>> {
        self.tables.iter().map(OwnedTable::witness).collect()
    }

    /// The verifier's view of the tables.
    pub fn instances(&self) -> Vec<TableInstance<'_>> {
        self.witnesses()
            .iter()
            .map(|w| {
                w.instance()
                    .expect("power-of-two traces of the AIR's width")
            })
            .collect()
    }
}

/// Number of tables of a circuit's statement.
pub const CIRCUIT_TABLES: usize = 11 + (OP_TABLE_PARTS - 1) + 2 * (PATH_TABLE_PARTS - 1);

/// Instances of the operation table in a circuit's statement: the first in the statement's
/// first place, the others after the eleven kinds (see the module docs).
pub const OP_TABLE_PARTS: usize = 5;

/// Instances of the Merkle-path table, and of the compression table that serves them, in a
/// circuit's statement (whole paths in each).
pub const PATH_TABLE_PARTS: usize = 2;

/// Up to this many rows fill one table (the other parts stay empty).
pub const SPLIT_MIN: usize = 1 << 12;

/// Splits `count` consecutive items of `rows_of(i)` rows each into `N` parts, returning
/// each part's `(items, rows)`: above [`SPLIT_MIN`] rows in all, each part but the last
/// takes whole items up to the largest power of two not above the rows left (all of them if
/// that is a power of two), the last the rest (see the module docs).
fn split_in_parts<const N: usize>(
    count: usize,
    rows_of: impl Fn(usize) -> usize,
) -> [(usize, usize); N] {
    let total: usize = (0..count).map(&rows_of).sum();
    let mut parts = [(0, 0); N];
    let (mut item, mut left) = (0, total);
    for (k, part) in parts.iter_mut().enumerate() {
        let cap = if left == 0 || total <= SPLIT_MIN || k + 1 == N || left.is_power_of_two() {
            left
        } else {
            1 << (usize::BITS - 1 - left.leading_zeros())
        };
        while item < count && part.1 + rows_of(item) <= cap {
            part.0 += 1;
            part.1 += rows_of(item);
            item += 1;
        }
        left -= part.1;
    }
    parts
}

/// The operations each part of the operation table holds (consecutive, in order; see the
/// module docs): a part's height is its rows rounded up to a power of two, at least the
/// tables' minimum.
pub fn op_part_rows(count: usize) -> [usize; OP_TABLE_PARTS] {
    split_in_parts::<OP_TABLE_PARTS>(count, |_| 1).map(|(_, rows)| rows)
}

/// The `(paths, rows)` each part of the Merkle-path table holds for paths of these depths
/// (whole paths, consecutive, in order); the compression table's parts have the same rows.
pub fn path_part_rows(depths: &[usize]) -> [(usize, usize); PATH_TABLE_PARTS] {
    split_in_parts::<PATH_TABLE_PARTS>(depths.len(), |i| depths[i])
}

/// The AIRs of a circuit's statement, in its order (built once).
///
/// # Panics
/// Never (every AIR is within `lean_prover`'s limits).
pub fn circuit_airs() -> &'static [Air; CIRCUIT_TABLES] {
    static AIRS: std::sync::OnceLock<[Air; CIRCUIT_TABLES]> = std::sync::OnceLock::new();
    AIRS.get_or_init(|| {
        let built = || -> Result<[Air; CIRCUIT_TABLES], AirError> {
            let op = OpTable::new()?.air().clone();
            let path = MerklePathTable::new()?.air().clone();
            let compress = poseidon2_16_compress_table().air().clone();
            Ok([
                op.clone(),
                LinkTable::new()?.air().clone(),
                TranscriptTable::new()?.air().clone(),
                poseidon2_16_table().air().clone(),
                OpenedTable::new()?.air().clone(),
                RootTable::new()?.air().clone(),
                LeafSpongeTable::new()?.air().clone(),
                path.clone(),
                poseidon2_24_table().air().clone(),
                compress.clone(),
                QueryTable::new()?.air().clone(),
                op.clone(),
                op.clone(),
                op.clone(),
                op,
                path,
                compress,
            ])
        };
        built().expect("the circuit tables' AIRs")
    })
}

/// The verifier's view of a circuit's statement from its `log2` heights
/// ([`Circuit::log_heights`]): no public values, the AIRs of [`circuit_airs`].
pub fn circuit_instances(log_heights: &[usize; CIRCUIT_TABLES]) -> Vec<TableInstance<'static>> {
    circuit_airs()
        .iter()
        .zip(log_heights)
        .map(|(air, &log_height)| TableInstance {
            air,
            log_height,
            public_values: &[],
        })
        .collect()
}

impl Circuit {
    /// The `log2` heights of the statement's tables, from the circuit's structure alone
    /// (equal to those of [`Self::statement`]'s traces).
    pub fn log_heights(&self) -> [usize; CIRCUIT_TABLES] {
        let calls = self.schedule.calls() as usize;
        // One opened-leaf row and one sponge permutation per 16-value chunk of a leaf (a leaf
        // is never empty); one path row and one compression per level.
        let chunks: usize = self.merkle.iter().map(|m| m.row.len().div_ceil(RATE)).sum();
        let paths = path_part_rows(&self.merkle_depths());
        let ops = op_part_rows(self.ops.len());
        [
            ops[0],
            self.links.len(),
            calls,
            calls,
            chunks,
            self.merkle.len(),
            chunks,
            paths[0].1,
            chunks,
            paths[0].1,
            self.queries.len(),
            ops[1],
            ops[2],
            ops[3],
            ops[4],
            paths[1].1,
            paths[1].1,
        ]
        .map(|rows| rows.next_power_of_two().max(MIN_HEIGHT).trailing_zeros() as usize)
    }

    /// The depth of every Merkle opening, in order.
    fn merkle_depths(&self) -> Vec<usize> {
        self.merkle.iter().map(|m| m.siblings.len()).collect()
    }

    fn check_absorbed(&self, at: Position) -> Result<(), CircuitError> {
        let calls = self.schedule.calls();
        if at.0 >= calls {
            return Err(CircuitError::Unabsorbed { call: at.0, calls });
        }
        Ok(())
    }

    /// The multiplicity of an operation's result: its uses, or `-1` for a check.
    fn op_multiplicity(&self, op: &super::recorder::OpRecord) -> F {
        if op.check {
            F::NEG_ONE
        } else {
            self.uses_of(op.out)
        }
    }

    /// The multiplicity of a definer's send: its uses.
    fn uses_of(&self, w: super::Wire) -> F {
        F::new(self.uses[w.0 as usize])
    }

    /// The verifier's lists (they depend on the circuit's structure and constants, not on
    /// the observed values or the challenges).
    ///
    /// # Errors
    /// [`CircuitError::Unabsorbed`] if an observation is never absorbed.
    pub fn lists(&self) -> Result<CircuitLists, CircuitError> {
        self.lists_with(&self.rows())
    }

    /// The rows of the opened-leaf, Merkle-root and query tables, built once for both the
    /// lists (their wiring) and the traces.
    fn rows(&self) -> TableRows {
        TableRows {
            opened: self.opened_rows(),
            roots: self.root_rows(),
            queries: self.query_rows(),
        }
    }

    /// [`Self::lists`] from rows already built.
    fn lists_with(&self, rows: &TableRows) -> Result<CircuitLists, CircuitError> {
        let mut op_wiring = vec![F::ZERO; 6 * self.ops.len()];
        op_wiring
            .par_chunks_mut(6)
            .zip(&self.ops)
            .for_each(|(row, op)| {
                let [a, b, d, out] = [op.a, op.b, op.d, op.out].map(|w| F::new(w.0));
                row.copy_from_slice(&[
                    a,
                    b,
                    d,
                    out,
                    self.op_multiplicity(op),
                    F::new(u32::from(!op.hint)),
                ]);
            });
        let mut link_wiring = Vec::with_capacity(14 * self.links.len());
        for l in &self.links {
            for &at in &l.positions[..if l.ext { 5 } else { 1 }] {
                self.check_absorbed(at)?;
            }
            link_wiring.push(F::new(l.wire.0));
            link_wiring.push(if l.defines {
                self.uses_of(l.wire)
            } else {
                F::NEG_ONE
            });
            link_wiring.push(F::new(u32::from(l.observed)));
            link_wiring.push(F::new(u32::from(l.ext)));
            link_wiring.extend(l.positions.iter().map(|p| F::new(p.0)));
            link_wiring.extend(l.positions.iter().map(|p| F::new(p.1)));
        }
        let mut constants = Vec::new();
        let mut constant_uses = Vec::new();
        self.claims_match()
            .map_err(|(expected, got)| CircuitError::Claims { expected, got })?;
        for &w in self.constants.iter().chain(&self.claimed) {
            if self.uses[w.0 as usize] == 0 {
                continue;
            }
            constants.push(F::new(w.0));
            constants.extend(self.values[w.0 as usize].coeffs());
            constant_uses.push(self.uses_of(w));
        }
        let mut known = Vec::with_capacity(3 * self.known.len());
        for &(at, x) in &self.known {
            self.check_absorbed(at)?;
            known.extend([F::new(at.0), F::new(at.1), x]);
        }
        if self.dropped {
            let calls = self.schedule.calls();
            return Err(CircuitError::Unabsorbed { call: calls, calls });
        }
        for &call in &self.fresh {
            self.check_absorbed((call, 0))?;
        }
        let fresh: Vec<F> = self.fresh.iter().map(|&c| F::new(c)).collect();
        let opened_rows = &rows.opened;
        let opened_wiring: Vec<F> = opened_rows.iter().flat_map(|r| r.wiring()).collect();
        let root_wiring: Vec<F> = rows.roots.iter().flat_map(|r| r.wiring()).collect();
        let query_wiring: Vec<F> = rows.queries.iter().flat_map(|r| r.wiring()).collect();
        let longest = self
            .ops
            .len()
            .max(self.links.len())
            .max(self.known.len())
            .max(opened_rows.len())
            .max(self.merkle.len())
            .max(self.fresh.len())
            .max(self.queries.len());
        Ok(CircuitLists {
            op_wiring,
            link_wiring,
            constants,
            constant_uses,
            known,
            opened_wiring,
            root_wiring,
            fresh,
            query_wiring,
            ones: vec![F::ONE; longest],
        })
    }

    /// The opened-leaf table's rows: per opening (its id the claim's number), its row in
    /// chunks of 16 values, with the uses of each value's wire.
    fn opened_rows(&self) -> Vec<OpenedRowData> {
        let mut rows = Vec::new();
        for (path, m) in self.merkle.iter().enumerate() {
            for (c, chunk) in m.row.chunks(RATE).enumerate() {
                let base = m.first.0 + (RATE * c) as u32;
                rows.push(OpenedRowData {
                    path: path as u32,
                    chunk: c as u32,
                    len: m.row.len() as u32,
                    base,
                    values: chunk.to_vec(),
                    mult: (0..chunk.len())
                        .map(|j| F::new(self.uses[base as usize + j]))
                        .collect(),
                });
            }
        }
        rows
    }

    /// The query table's rows, one per query.
    fn query_rows(&self) -> Vec<QueryRowData> {
        self.queries
            .iter()
            .map(|q| QueryRowData {
                s_id: q.s.0,
                s: self.values[q.s.0 as usize]
                    .as_base()
                    .map_or(0, F::as_canonical_u32),
                bits: q.bits,
                point_id: q.point.0,
                mp: self.uses_of(q.point),
                index_id: q.index.0,
                mi: self.uses_of(q.index),
            })
            .collect()
    }

    /// The Merkle-root table's rows, one per opening.
    fn root_rows(&self) -> Vec<RootRowData> {
        self.merkle
            .iter()
            .enumerate()
            .map(|(path, m)| RootRowData {
                path: path as u32,
                index: m.index_value,
                top: 1 << m.siblings.len().saturating_sub(1),
                index_id: m.index.0,
                root_id: m.root.map(|w| w.0),
                root: m
                    .root
                    .map(|w| self.values[w.0 as usize].as_base().unwrap_or(F::ZERO)),
            })
            .collect()
    }

    /// The operation table's parts ([`op_part_rows`]), in order.
    fn op_tables(&self) -> Result<Vec<OwnedTable>, CircuitError> {
        let ops = OpTable::new()?;
        let rows: Vec<OpRow> = self
            .ops
            .iter()
            .map(|op| OpRow {
                ids: [op.a, op.b, op.d, op.out].map(|w| w.0),
                mc: self.op_multiplicity(op),
                ma: F::new(u32::from(!op.hint)),
                inputs: [op.a, op.b, op.d].map(|w| self.values[w.0 as usize]),
            })
            .collect();
        let mut rest = rows.as_slice();
        Ok(op_part_rows(rows.len())
            .into_iter()
            .map(|count| {
                let (part, later) = rest.split_at(count);
                rest = later;
                OwnedTable {
                    trace: ops.trace(part),
                    air: ops.air().clone(),
                }
            })
            .collect())
    }

    /// The opened-leaf table, the leaf sponge and the Poseidon2-24 table that serves it (with
    /// `isa`'s kernels).
    fn leaf_tables(
        &self,
        isa: Isa,
        opened_rows: &[OpenedRowData],
    ) -> Result<[OwnedTable; 3], CircuitError> {
        let (opened, sponge, p24) = (
            OpenedTable::new()?,
            LeafSpongeTable::new()?,
            poseidon2_24_table(),
        );
        let leaves: Vec<OpenedRow> = self
            .merkle
            .iter()
            .enumerate()
            .map(|(path, m)| OpenedRow {
                leaf: path as u32,
                values: m.row.clone(),
            })
            .collect();
        let (sponge_trace, p24_inputs) = sponge.trace(&leaves);
        Ok([
            OwnedTable {
                trace: opened.trace(opened_rows),
                air: opened.air().clone(),
            },
            OwnedTable {
                air: sponge.air().clone(),
                trace: sponge_trace,
            },
            OwnedTable {
                air: p24.air().clone(),
                trace: p24.trace_for_inputs(isa, &p24_inputs),
            },
        ])
    }

    /// Per part of the Merkle paths ([`path_part_rows`]): the path table and the
    /// compression table that serves it (with `isa`'s kernels).
    fn path_tables(&self, isa: Isa) -> Result<Vec<[OwnedTable; 2]>, CircuitError> {
        let (paths, compress) = (MerklePathTable::new()?, poseidon2_16_compress_table());
        let all: Vec<MerklePath> = self
            .merkle
            .iter()
            .enumerate()
            .map(|(path, m)| MerklePath {
                id: path as u32,
                leaf: hash_row(&m.row),
                index: u64::from(m.index_value),
                siblings: m.siblings.clone(),
            })
            .collect();
        let mut rest = all.as_slice();
        Ok(path_part_rows(&self.merkle_depths())
            .into_iter()
            .map(|(count, _)| {
                let (part, later) = rest.split_at(count);
                rest = later;
                let (path_trace, compress_inputs) = paths.trace(part);
                [
                    OwnedTable {
                        air: paths.air().clone(),
                        trace: path_trace,
                    },
                    OwnedTable {
                        air: compress.air().clone(),
                        trace: compress.trace_for_inputs(isa, &compress_inputs),
                    },
                ]
            })
            .collect())
    }

    /// The statement: the lists and the tables' traces in the statement's order (the
    /// Poseidon tables' with `isa`'s kernels; the cells do not depend on it).
    ///
    /// # Errors
    /// [`CircuitError::Unabsorbed`] if an observation is never absorbed.
    pub fn statement(&self, isa: Isa) -> Result<CircuitStatement, CircuitError> {
        let rows = self.rows();
        let lists = self.lists_with(&rows)?;
        let links = LinkTable::new()?;
        let link_rows: Vec<LinkRow> = self
            .links
            .iter()
            .map(|l| LinkRow {
                wire: l.wire.0,
                mw: if l.defines {
                    self.uses_of(l.wire)
                } else {
                    F::NEG_ONE
                },
                observed: l.observed,
                ext: l.ext,
                positions: l.positions,
                value: self.values[l.wire.0 as usize],
            })
            .collect();
        let transcript = TranscriptTable::new()?;
        let replay = transcript.replay(&self.transcript);
        let p16 = poseidon2_16_table();
        let roots = RootTable::new()?;
        let queries = QueryTable::new()?;
        let mut ops = self.op_tables()?.into_iter();
        let [opened, sponge, p24] = self.leaf_tables(isa, &rows.opened)?;
        let mut paths = self.path_tables(isa)?.into_iter();
        let (Some(op0), Some([path0, compress0])) = (ops.next(), paths.next()) else {
            unreachable!("every kind has at least one part")
        };
        let mut tables = vec![
            op0,
            OwnedTable {
                trace: links.trace(&link_rows),
                air: links.air().clone(),
            },
            OwnedTable {
                air: transcript.air().clone(),
                trace: replay.trace,
            },
            OwnedTable {
                air: p16.air().clone(),
                trace: p16.trace_for_inputs(isa, &replay.permutations),
            },
            opened,
            OwnedTable {
                trace: roots.trace(&rows.roots),
                air: roots.air().clone(),
            },
            sponge,
            path0,
            p24,
            compress0,
            OwnedTable {
                trace: queries.trace(&rows.queries),
                air: queries.air().clone(),
            },
        ];
        tables.extend(ops);
        tables.extend(paths.flatten());
        debug_assert_eq!(tables.len(), CIRCUIT_TABLES);
        Ok(CircuitStatement { tables, lists })
    }
}
