//! [`Circuit`]: records a verifier's arithmetic over `K` as it runs, computing every wire's
//! value with `backend::field::Ext5` and the challenges with a real
//! `backend::challenger::Challenger`, so that the recorded circuit's outputs are exactly the
//! native verifier's values.

use super::query_table::QUERY_MAX_BITS;
use super::schedule::{Position, Schedule};
use crate::transcript_table::TranscriptOp;
use backend::KoalaBear as F;
use backend::challenger::Challenger;
use backend::field::Ext5;
use lean_prover::v2::whir::encode;
use rustc_hash::FxHashMap as HashMap;

/// A wire of a [`Circuit`]: an element of `K` defined once (see the module docs of
/// [`crate::circuit`]). Only the circuit that made it can read it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Wire(pub(crate) u32);

impl Wire {
    /// The wire's number (its id on the wire bus).
    pub fn id(self) -> u32 {
        self.0
    }
}

/// One recorded operation: `a * b + d` defines `out`, or (a check) must equal `out`'s value.
/// A hint defines `out` as `a * 1 + 0` with `a` not read from any wire: a value the prover
/// chooses, which later checks constrain (an inverse).
#[derive(Copy, Clone, Debug)]
pub(crate) struct OpRecord {
    pub(crate) a: Wire,
    pub(crate) b: Wire,
    pub(crate) d: Wire,
    pub(crate) out: Wire,
    pub(crate) check: bool,
    pub(crate) hint: bool,
}

/// One recorded link: `wire`'s five coefficients (`ext`) or its base-field value observed (or
/// sampled) at `positions` (only the first for a base value); `defines` unless the link
/// observes a wire defined elsewhere.
#[derive(Copy, Clone, Debug)]
pub(crate) struct LinkRecord {
    pub(crate) wire: Wire,
    pub(crate) observed: bool,
    pub(crate) defines: bool,
    pub(crate) ext: bool,
    pub(crate) positions: [Position; 5],
}

/// A Merkle opening the circuit relies on: the leaf `row` (its values the consecutive wires
/// from `first`) at the index held by the wire `index`, under the root whose eight values
/// are the wires `root`, with its authentication path (`siblings`, leaf level first: the
/// witness of the Merkle-path table).
#[derive(Clone, Debug)]
pub struct MerkleClaim {
    /// The root's eight values.
    pub root: [Wire; 8],
    /// The leaf index's wire.
    pub index: Wire,
    /// The leaf index.
    pub index_value: u32,
    /// The wire of the row's first value (the others follow).
    pub first: Wire,
    /// The opened row.
    pub row: Vec<F>,
    /// The sibling digests, leaf level first.
    pub siblings: Vec<backend::merkle::Digest>,
}

/// A WHIR query the circuit drew: the sampled wire `s`, its `bits`-bit leaf index and the
/// index's domain point, both wires defined by the query table.
#[derive(Copy, Clone, Debug)]
pub(crate) struct QueryRecord {
    pub(crate) s: Wire,
    pub(crate) bits: u32,
    pub(crate) point: Wire,
    pub(crate) index: Wire,
}

/// Bits of a canonical base-field value (`p < 2^31`).
pub const FIELD_BITS: usize = 31;

/// `p - 1 = 127 * 2^24`: bits 24 to 30 set, the low 24 clear.
const LOW_ZERO_BITS_OF_P_MINUS_ONE: usize = 24;

/// A circuit over `K` being recorded (see the module docs of [`crate::circuit`]): wires,
/// constants (deduplicated by value), operations, links to the transcript and the values the
/// verifier observes itself, with their transcript schedule.
pub struct Circuit {
    pub(crate) values: Vec<Ext5>,
    pub(crate) uses: Vec<u32>,
    pub(crate) constants: Vec<Wire>,
    /// Constants by value (`Ext5` is stored reduced: one representation per value).
    pub(super) constant_ids: HashMap<Ext5, Wire>,
    pub(crate) ops: Vec<OpRecord>,
    pub(crate) links: Vec<LinkRecord>,
    pub(crate) known: Vec<(Position, F)>,
    pub(crate) transcript: Vec<TranscriptOp>,
    pub(crate) schedule: Schedule,
    pub(crate) merkle: Vec<MerkleClaim>,
    pub(crate) queries: Vec<QueryRecord>,
    /// The first call of every transcript after the first.
    pub(crate) fresh: Vec<u32>,
    /// Whether a fresh transcript dropped pending observations (never absorbed).
    pub(crate) dropped: bool,
    /// Operations already recorded on the current transcript, by `(a, b, d)` with `a <= b`:
    /// the same operation on the same wires gives the same wire (common subexpressions are
    /// recorded once). A fresh transcript starts an empty map: verifications on their own
    /// transcripts share only constants, so that each can be recorded on its own and
    /// appended ([`Self::append_fresh`]) with the same result.
    pub(super) recorded: HashMap<(u32, u32, u32), Wire>,
    pub(super) challenger: Challenger,
    pub(super) failed_check: Option<usize>,
    /// Record past false checks as if they held (the soundness tests' forged witnesses).
    permissive: bool,
    /// Wires the verifier gives values to (pinned by the constants list like constants, but
    /// never shared by value): claimed challenges and the deferred balances
    /// ([`super::deferred`]).
    pub(crate) claimed: Vec<Wire>,
    /// The deferred public-lookup balances, in the order recorded.
    pub(crate) deferred: Vec<super::deferred::DeferredBalance>,
    /// The verifier's claims, when it records for the structure ([`Self::with_claims`]).
    pub(crate) given_claims: Option<Vec<Ext5>>,
    /// Children given only in shape ([`Self::with_given_children`]), by position.
    pub(crate) given_children: Vec<Option<super::deferred::GivenChild>>,
    /// Digests of the current given child already observed.
    pub(crate) given_digests_used: usize,
}

impl Default for Circuit {
    fn default() -> Self {
        Self::new()
    }
}

impl Circuit {
    /// An empty circuit on a fresh transcript.
    pub fn new() -> Circuit {
        Circuit {
            values: Vec::new(),
            uses: Vec::new(),
            constants: Vec::new(),
            constant_ids: HashMap::default(),
            ops: Vec::new(),
            links: Vec::new(),
            known: Vec::new(),
            transcript: Vec::new(),
            schedule: Schedule::new(),
            merkle: Vec::new(),
            queries: Vec::new(),
            fresh: Vec::new(),
            dropped: false,
            recorded: HashMap::default(),
            challenger: Challenger::new(),
            failed_check: None,
            permissive: false,
            claimed: Vec::new(),
            deferred: Vec::new(),
            given_claims: None,
            given_children: Vec::new(),
            given_digests_used: 0,
        }
    }

    pub(crate) fn wire(&mut self, value: Ext5) -> Wire {
        let w = Wire(self.values.len() as u32);
        self.values.push(value);
        self.uses.push(0);
        w
    }

    fn use_wire(&mut self, w: Wire) -> Ext5 {
        self.uses[w.0 as usize] += 1;
        self.values[w.0 as usize]
    }

    /// The value of `w`.
    ///
    /// # Panics
    /// If `w` is not a wire of this circuit.
    pub fn value(&self, w: Wire) -> Ext5 {
        self.values[w.0 as usize]
    }

    /// The constant `v` (one wire per distinct value).
    pub fn constant(&mut self, v: Ext5) -> Wire {
        if let Some(&w) = self.constant_ids.get(&v) {
            return w;
        }
        let w = self.wire(v);
        self.constants.push(w);
        self.constant_ids.insert(v, w);
        w
    }

    /// The constant `0`.
    fn zero(&mut self) -> Wire {
        self.constant(Ext5::ZERO)
    }

    /// The constant `1`.
    fn one(&mut self) -> Wire {
        self.constant(Ext5::ONE)
    }

    /// The constant `x` of the base field.
    pub fn constant_base(&mut self, x: F) -> Wire {
        self.constant(Ext5::from_base(x))
    }

    /// `a * b + d` (recorded once: the same operation on the same wires again gives the same
    /// wire).
    pub fn fma(&mut self, a: Wire, b: Wire, d: Wire) -> Wire {
        let key = (a.0.min(b.0), a.0.max(b.0), d.0);
        if let Some(&w) = self.recorded.get(&key) {
            return w;
        }
        let v = self.use_wire(a) * self.use_wire(b) + self.use_wire(d);
        let out = self.wire(v);
        self.ops.push(OpRecord {
            a,
            b,
            d,
            out,
            check: false,
            hint: false,
        });
        self.recorded.insert(key, out);
        out
    }

    /// A value the prover supplies (`v` in the honest witness), constrained only by what
    /// the caller checks about it afterwards.
    pub fn hint(&mut self, v: Ext5) -> Wire {
        let (one, zero) = (self.one(), self.zero());
        self.use_wire(one);
        self.use_wire(zero);
        let out = self.wire(v);
        self.ops.push(OpRecord {
            a: out,
            b: one,
            d: zero,
            out,
            check: false,
            hint: true,
        });
        out
    }

    /// The inverse of `x` (`None` if its value is zero, unless the circuit is recorded for
    /// its structure: then a zero hint whose check fails): a hint checked by `x * inv = 1`.
    pub fn inverse(&mut self, x: Wire) -> Option<Wire> {
        let inv = match self.value(x).try_inverse() {
            Some(inv) => inv,
            None if self.permissive => Ext5::ZERO,
            None => return None,
        };
        let h = self.hint(inv);
        let (one, zero) = (self.one(), self.zero());
        self.assert_fma(x, h, zero, one);
        Some(h)
    }

    /// `a * b`.
    pub fn mul(&mut self, a: Wire, b: Wire) -> Wire {
        let zero = self.zero();
        self.fma(a, b, zero)
    }

    /// `a + b`.
    pub fn add(&mut self, a: Wire, b: Wire) -> Wire {
        let one = self.one();
        self.fma(a, one, b)
    }

    /// `a - b`.
    pub fn sub(&mut self, a: Wire, b: Wire) -> Wire {
        let minus_one = self.constant_base(F::NEG_ONE);
        self.fma(b, minus_one, a)
    }

    /// `a * x` for a base-field constant `x`.
    pub fn scale(&mut self, a: Wire, x: F) -> Wire {
        let x = self.constant_base(x);
        self.mul(a, x)
    }

    /// `a + x` for a base-field constant `x`.
    pub fn add_base(&mut self, a: Wire, x: F) -> Wire {
        let x = self.constant_base(x);
        self.add(a, x)
    }

    /// Asserts `a * b + d = expected` (one checking row). A false assertion is recorded like
    /// a true one (the statement then has no valid witness); [`Self::failed_check`] names
    /// the first.
    pub fn assert_fma(&mut self, a: Wire, b: Wire, d: Wire, expected: Wire) {
        let v = self.use_wire(a) * self.use_wire(b) + self.use_wire(d);
        if v != self.use_wire(expected) && self.failed_check.is_none() {
            self.failed_check = Some(self.ops.len());
        }
        self.ops.push(OpRecord {
            a,
            b,
            d,
            out: expected,
            check: true,
            hint: false,
        });
    }

    /// Asserts `a = b`.
    pub fn assert_eq(&mut self, a: Wire, b: Wire) {
        let (one, zero) = (self.one(), self.zero());
        self.assert_fma(a, one, zero, b);
    }

    /// The index of the first operation whose assertion is false (`None` if all hold).
    pub fn failed_check(&self) -> Option<usize> {
        self.failed_check
    }

    /// Observes a value of the proof (five coefficients, as `Challenger::observe_ext`); the
    /// new wire is what the transcript absorbed.
    pub fn observe(&mut self, v: Ext5) -> Wire {
        let w = self.wire(v);
        self.link(w, true, true);
        w
    }

    /// Observes the value of a wire defined elsewhere (as `Challenger::observe_ext`).
    pub fn observe_wire(&mut self, w: Wire) {
        self.use_wire(w);
        self.link(w, true, false);
    }

    /// Observes a base-field value of the statement (as `Challenger::observe`): the verifier
    /// puts it at its position itself.
    pub fn observe_known(&mut self, x: F) {
        self.challenger.observe(x);
        self.transcript.push(TranscriptOp::Observe(x));
        let at = self.schedule.observe();
        self.known.push((at, x));
    }

    /// Samples a challenge in `K` (as `Challenger::sample_ext`).
    pub fn sample_ext(&mut self) -> Wire {
        let v = self.challenger.sample_ext();
        let w = self.wire(v);
        self.link(w, false, true);
        w
    }

    /// Observes a base-field value of the proof (as `Challenger::observe`); the new wire is
    /// what the transcript absorbed.
    pub fn observe_base(&mut self, x: F) -> Wire {
        let w = self.wire(Ext5::from_base(x));
        self.challenger.observe(x);
        self.transcript.push(TranscriptOp::Observe(x));
        let at = self.schedule.observe();
        self.push_link(w, true, true, false, [at; 5]);
        w
    }

    /// Samples a base-field challenge (as `Challenger::sample`).
    pub fn sample_base(&mut self) -> Wire {
        let x = self.challenger.sample();
        let w = self.wire(Ext5::from_base(x));
        self.transcript.push(TranscriptOp::Sample);
        let at = self.schedule.sample();
        self.push_link(w, false, true, false, [at; 5]);
        w
    }

    /// The canonical bits of the base-field value of `x` (the integer in `[0, p)`), least
    /// significant first, the lowest `zero_low` of them required to be zero: hints checked
    /// boolean (`b * b = b`, whose only roots in the field are 0 and 1), recomposed
    /// into `x`, and canonical (bits 24 to 30 all set force the low 24 to zero, so the
    /// integer is at most `p - 1`). `None`, with nothing recorded, if the value is not a
    /// base-field element or its low bits are not zero.
    pub fn canonical_bits(&mut self, x: Wire, zero_low: usize) -> Option<Vec<Wire>> {
        let v = self.value(x).as_base()?.as_canonical_u32();
        self.bits_of(x, zero_low, v)
    }

    /// [`Self::canonical_bits`] with the bits of `integer` as the hints, whatever `x` is (the
    /// soundness tests' non-canonical decompositions; `None` if `integer` has more than 31
    /// bits or non-zero low bits).
    #[cfg(feature = "forgery")]
    pub fn canonical_bits_claimed(
        &mut self,
        x: Wire,
        zero_low: usize,
        integer: u64,
    ) -> Option<Vec<Wire>> {
        let v = u32::try_from(integer)
            .ok()
            .filter(|&v| v >> FIELD_BITS == 0)?;
        self.bits_of(x, zero_low, v)
    }

    fn bits_of(&mut self, x: Wire, zero_low: usize, v: u32) -> Option<Vec<Wire>> {
        let zero_low = zero_low.min(FIELD_BITS);
        if v & ((1u32 << zero_low) - 1) != 0 {
            return None;
        }
        let (zero, one) = (self.zero(), self.one());
        let mut bits = vec![zero; zero_low];
        let mut acc = zero;
        let mut low = zero;
        for i in zero_low..FIELD_BITS {
            let b = self.hint(Ext5::from_base(F::new((v >> i) & 1)));
            // b * b + 0 = b: one checking row.
            self.assert_fma(b, b, zero, b);
            let weight = self.constant_base(F::new(1 << i));
            acc = self.fma(b, weight, acc);
            if i + 1 == LOW_ZERO_BITS_OF_P_MINUS_ONE {
                low = acc;
            }
            bits.push(b);
        }
        self.assert_eq(acc, x);
        if zero_low < LOW_ZERO_BITS_OF_P_MINUS_ONE {
            let top = bits[LOW_ZERO_BITS_OF_P_MINUS_ONE..]
                .iter()
                .copied()
                .reduce(|a, b| self.mul(a, b))
                .unwrap_or(one);
            self.assert_fma(top, low, zero, zero);
        }
        Some(bits)
    }

    /// The proof-of-work check of `Challenger::check_pow`: observes the proof's `nonce`,
    /// samples one element and checks that its low `bits` canonical bits are zero
    /// ([`Self::canonical_bits`]). Returns whether they are; nothing is checked when they
    /// are not (the verifier rejects).
    pub fn check_pow(&mut self, bits: usize, nonce: F) -> bool {
        self.observe_base(nonce);
        let s = self.sample_base();
        if self.canonical_bits(s, bits).is_some() {
            return true;
        }
        if self.permissive {
            // The forged witness: the sample's bits with the low ones cleared, which do not
            // recompose to it.
            let v = self.value(s).as_base().map_or(0, F::as_canonical_u32);
            let mask = (1u32 << bits.min(FIELD_BITS)) - 1;
            self.bits_of(s, bits, v & !mask);
            return true;
        }
        false
    }

    /// A circuit recorded for its structure alone: false checks are recorded as if they held
    /// and the verifier's code goes on, so that a verifier can derive the lists of a
    /// statement from a placeholder proof of its shape (`lean_prover::v2::placeholder_proof`),
    /// and the soundness tests can record forged proofs with the honest structure. Its
    /// witness proves nothing: only its lists ([`Self::lists`]) and shape are meant to be
    /// used.
    pub fn structure_only() -> Circuit {
        Circuit {
            permissive: true,
            ..Circuit::new()
        }
    }

    /// Whether false checks are recorded as if they held ([`Self::structure_only`]).
    pub(crate) fn is_permissive(&self) -> bool {
        self.permissive
    }

    fn link(&mut self, wire: Wire, observed: bool, defines: bool) {
        let v = self.values[wire.0 as usize];
        let positions = if observed {
            self.challenger.observe_ext(v);
            self.transcript
                .extend(v.coeffs().iter().map(|&x| TranscriptOp::Observe(x)));
            core::array::from_fn(|_| self.schedule.observe())
        } else {
            self.transcript.extend([TranscriptOp::Sample; 5]);
            core::array::from_fn(|_| self.schedule.sample())
        };
        self.push_link(wire, observed, defines, true, positions);
    }

    fn push_link(
        &mut self,
        wire: Wire,
        observed: bool,
        defines: bool,
        ext: bool,
        positions: [Position; 5],
    ) {
        let positions = if ext {
            positions
        } else {
            [positions[0], (0, 0), (0, 0), (0, 0), (0, 0)]
        };
        self.links.push(LinkRecord {
            wire,
            observed,
            defines,
            ext,
            positions,
        });
    }

    /// Draws a WHIR query of `log_leaves` bits (`Challenger::sample_bits`, at most
    /// [`QUERY_MAX_BITS`]): the sample and, defined by the query table from its canonical
    /// bits, the index (its low bits) and the domain point `y_q = w^bitrev(q)` (`w` of order
    /// `2^log_leaves`). Returns the index, its wire and the point's wire.
    ///
    /// # Panics
    /// If `log_leaves` is above [`QUERY_MAX_BITS`] (WHIR never draws such queries).
    pub fn sample_query(&mut self, log_leaves: usize) -> (usize, Wire, Wire) {
        assert!(log_leaves <= QUERY_MAX_BITS, "a query of {log_leaves} bits");
        let s = self.sample_base();
        self.use_wire(s);
        let v = self.value(s).as_base().map_or(0, F::as_canonical_u32);
        let index = v & ((1u32 << log_leaves) - 1);
        let point = self.wire(Ext5::from_base(encode::domain_point(
            log_leaves,
            index as usize,
        )));
        let index_wire = self.wire(Ext5::from_base(F::new(index)));
        self.queries.push(QueryRecord {
            s,
            bits: log_leaves as u32,
            point,
            index: index_wire,
        });
        (index as usize, index_wire, point)
    }

    /// Opens a Merkle leaf: the row's values become wires (consecutive, defined by the
    /// opened-leaf table, which hashes them), and the claim that the leaf is at the index of
    /// the wire `index` (a query's, [`Self::sample_query`]) under `root` is recorded for the
    /// Merkle tables. Returns the leaf's values: the row's elements
    /// (`limbs` = 1), or elements of `K` recomposed from five limbs each (`limbs` = 5).
    pub fn open_leaf(
        &mut self,
        root: [Wire; 8],
        index: Wire,
        row: &[F],
        limbs: usize,
        siblings: Vec<backend::merkle::Digest>,
    ) -> Vec<Wire> {
        let first = Wire(self.values.len() as u32);
        let raw: Vec<Wire> = row.iter().map(|&x| self.wire(Ext5::from_base(x))).collect();
        let index_value = self.value(index).as_base().map_or(0, F::as_canonical_u32);
        for &w in root.iter().chain([&index]) {
            self.use_wire(w);
        }
        self.merkle.push(MerkleClaim {
            root,
            index,
            index_value,
            first,
            row: row.to_vec(),
            siblings,
        });
        if limbs == 1 {
            return raw;
        }
        raw.chunks(limbs)
            .map(|c| {
                // The first limb's wire is already `c_0` (a base-field value).
                let mut acc = c[0];
                for (k, &limb) in c.iter().enumerate().skip(1) {
                    let mut basis = [F::ZERO; 5];
                    basis[k] = F::ONE;
                    let x = self.constant(Ext5::new(basis));
                    acc = self.fma(limb, x, acc);
                }
                acc
            })
            .collect()
    }

    /// The Merkle openings the circuit relies on.
    pub fn merkle_claims(&self) -> &[MerkleClaim] {
        &self.merkle
    }

    /// Starts a fresh transcript (a new `Challenger`) for the next verifier: several
    /// verifications, each on its own transcript, in one circuit. Its first duplex call is
    /// pinned as fresh (zero capacity); observations still pending are never absorbed, which
    /// makes [`Self::statement`] fail. Operations recorded before are not shared with the
    /// next verifier's (constants are).
    pub fn fresh_transcript(&mut self) {
        self.challenger = Challenger::new();
        self.recorded.clear();
        self.transcript.push(TranscriptOp::Fresh);
        self.dropped |= self.schedule.fresh();
        self.fresh.push(self.schedule.calls());
    }

    /// Number of wires.
    pub fn num_wires(&self) -> usize {
        self.values.len()
    }

    /// Number of operations (definitions and checks): the operation table's active rows.
    pub fn num_ops(&self) -> usize {
        self.ops.len()
    }

    /// Number of links: the link table's active rows.
    pub fn num_links(&self) -> usize {
        self.links.len()
    }

    /// Number of duplex calls of the transcript so far.
    pub fn num_calls(&self) -> usize {
        self.schedule.calls() as usize
    }
}
