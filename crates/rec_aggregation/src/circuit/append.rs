//! Verifications recorded on their own, then appended: [`Circuit::append_fresh`] puts a
//! circuit recorded from [`Circuit::new`] (one verifier on its own transcript) after this
//! one's, exactly as if its verifier had run here after [`Circuit::fresh_transcript`]. So
//! independent verifications (the children of a merge, each on its own transcript) can be
//! recorded in parallel and joined in order into the circuit a sequential recording gives.
//!
//! Why the result is the sequential one: verifications on separate transcripts share only
//! constants (operations are deduplicated per transcript, `Circuit::fresh_transcript`), so
//! the appended circuit's wires keep their order and get the next numbers, except its
//! constants that this circuit already has, which become this circuit's wires (as
//! [`Circuit::constant`] would have returned them). The map from its wires to ours is
//! one-to-one (constants are deduplicated by value in both), so the operations it recorded
//! once are still distinct. Transcript positions move by the calls made before it.

use super::recorder::{LinkRecord, MerkleClaim, OpRecord, QueryRecord};
use super::{Circuit, Wire};

impl Circuit {
    /// Appends every circuit of `parts` in order ([`Self::append_fresh`]), with room made
    /// for all of them first.
    pub(crate) fn append_all(&mut self, parts: Vec<Circuit>) {
        let total = |size: fn(&Circuit) -> usize| parts.iter().map(size).sum::<usize>();
        self.values.reserve(total(|c| c.values.len()));
        self.uses.reserve(total(|c| c.uses.len()));
        self.ops.reserve(total(|c| c.ops.len()));
        self.links.reserve(total(|c| c.links.len()));
        self.known.reserve(total(|c| c.known.len()));
        self.transcript.reserve(total(|c| c.transcript.len() + 1));
        self.merkle.reserve(total(|c| c.merkle.len()));
        self.queries.reserve(total(|c| c.queries.len()));
        for part in parts {
            self.append_fresh(part);
        }
    }

    /// Appends `part`, a circuit recorded on its own from [`Circuit::new`] (or
    /// [`Circuit::structure_only`] and the like) by one verifier, after a fresh transcript
    /// (none before the first: an empty circuit takes `part` as it is). The result is the
    /// circuit recording `part`'s verifier here would give (module docs); `part`'s claims and
    /// given children are its own (the caller slices them), its deferred balances follow
    /// this one's.
    fn append_fresh(&mut self, part: Circuit) {
        if !self.transcript.is_empty() {
            self.fresh_transcript();
        }
        let call_offset = self.schedule.continue_with(&part.schedule);
        let is_constant = {
            let mut marks = vec![false; part.values.len()];
            for w in &part.constants {
                marks[w.0 as usize] = true;
            }
            marks
        };
        // Our wire for each of `part`'s.
        let mut map = Vec::with_capacity(part.values.len());
        for (i, (&value, &uses)) in part.values.iter().zip(&part.uses).enumerate() {
            let w = if is_constant[i] {
                match self.constant_ids.get(&value) {
                    Some(&w) => w,
                    None => {
                        let w = self.wire(value);
                        self.constants.push(w);
                        self.constant_ids.insert(value, w);
                        w
                    }
                }
            } else {
                self.wire(value)
            };
            self.uses[w.0 as usize] += uses;
            map.push(w);
        }
        let m = |w: Wire| map[w.0 as usize];
        let at = |(call, slot): (u32, u32)| (call + call_offset, slot);
        if self.failed_check.is_none() {
            self.failed_check = part.failed_check.map(|k| self.ops.len() + k);
        }
        self.ops.extend(part.ops.iter().map(|op| OpRecord {
            a: m(op.a),
            b: m(op.b),
            d: m(op.d),
            out: m(op.out),
            ..*op
        }));
        self.links.extend(part.links.iter().map(|l| {
            // A base-field link has one position; the others stay (0, 0).
            let mut positions = l.positions;
            let used = if l.ext { positions.len() } else { 1 };
            for p in &mut positions[..used] {
                *p = at(*p);
            }
            LinkRecord {
                wire: m(l.wire),
                positions,
                ..*l
            }
        }));
        self.known
            .extend(part.known.iter().map(|&(p, x)| (at(p), x)));
        self.transcript.extend_from_slice(&part.transcript);
        self.merkle
            .extend(part.merkle.into_iter().map(|c| MerkleClaim {
                root: c.root.map(m),
                index: m(c.index),
                first: m(c.first),
                ..c
            }));
        self.queries
            .extend(part.queries.iter().map(|q| QueryRecord {
                s: m(q.s),
                point: m(q.point),
                index: m(q.index),
                ..*q
            }));
        self.fresh
            .extend(part.fresh.iter().map(|&call| call + call_offset));
        self.dropped |= part.dropped;
        self.claimed.extend(part.claimed.iter().map(|&w| m(w)));
        self.deferred.extend(
            part.deferred
                .iter()
                .map(|d| super::deferred::DeferredBalance {
                    alpha: m(d.alpha),
                    beta: m(d.beta),
                }),
        );
        // Operations after this go on `part`'s transcript, with its challenger; its
        // deduplication map is not carried over (nothing is recorded on it after a join).
        self.recorded.clear();
        self.challenger = part.challenger;
    }
}
