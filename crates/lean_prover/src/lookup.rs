//! Public lookup lists: tuples the verifier itself puts on a LogUp bus, with fixed
//! multiplicities, given once for the whole statement (not per AIR).
//!
//! A [`PublicLookup`] of `count` tuples `v_k` (each of `tuple_len` values) with
//! multiplicities `m_k` on bus `b` contributes
//! `±sum_k m_k / (beta - c_k)`, `c_k = b + sum_j alpha^(j+1) v_kj`, to the bus total (`+` for
//! [`Direction::Send`], `-` for [`Direction::Receive`]). The compression is exactly the one of
//! AIR interactions ([`crate::air`]), so an AIR table that `receive`s the same tuples row by
//! row (multiplicity 1 each) cancels a `Send` list. The check is on multisets: the order of
//! the tuples does not matter to the bus, but the transcript binds the list as given
//! (order included), so a proof is only valid for the list it was made with.
//!
//! The lists enter [`crate::v2::prove_v2`] and [`crate::v2::verify_v2_bytes`]; their
//! validation ([`StatementError`](crate::StatementError)) happens with the rest of the
//! statement.

use crate::air::{BusId, Direction};
use crate::v2::arith::{ObserveKnown, VerifierField};
use backend::field::Ext5;
use backend::kernels::ext;
use backend::merkle::{Digest, MerkleTree};
use backend::{Isa, KoalaBear};
use rayon::prelude::*;

/// Largest number of public lookup lists in one statement.
pub const MAX_PUBLIC_LOOKUPS: usize = 1 << 16;
/// Largest total number of tuples over all public lookup lists of one statement.
pub const MAX_PUBLIC_LOOKUP_TUPLES: usize = 1 << 22;

/// Tuples the verifier adds to a bus itself: `direction` Send adds `+m_k / (beta - c_k)`,
/// Receive adds `-m_k / (beta - c_k)` for each tuple k, with c_k = bus + sum_j alpha^(j+1) v_kj
/// exactly as for AIR interactions (see `air/logup.rs`, the compression used for every interaction).
#[derive(Copy, Clone, Debug)]
pub struct PublicLookup<'a> {
    /// The bus the tuples go on.
    pub bus: BusId,
    /// [`Direction::Send`] adds the tuples, [`Direction::Receive`] removes them.
    pub direction: Direction,
    /// Number of values per tuple, `1..=`[`MAX_TUPLE_LEN`](crate::air::MAX_TUPLE_LEN); must
    /// match every other interaction on the same bus.
    pub tuple_len: usize,
    /// `count * tuple_len` values, tuple after tuple.
    pub values: &'a [KoalaBear],
    /// `count` multiplicities, one per tuple.
    pub multiplicities: &'a [KoalaBear],
}

impl PublicLookup<'_> {
    /// Number of tuples (the number of multiplicities).
    pub fn count(&self) -> usize {
        self.multiplicities.len()
    }
}

/// The key of a bus in tuple-length checks: the bus id as the compression sees it (reduced
/// mod `p`), so that ids which compress identically are one bus.
pub(crate) fn bus_key(bus: BusId) -> u32 {
    KoalaBear::new(bus.0).as_canonical_u32()
}

/// Elements per row of the Merkle tree that digests a list ([`list_digest`]): 8 absorptions
/// of the row sponge (rate 16) per leaf.
const DIGEST_ROW: usize = 128;

/// The digest a list enters the transcript by: the root of the Merkle tree
/// ([`MerkleTree::from_rows`]) of its values followed by its multiplicities, zero-padded to
/// a power-of-two number of rows of [`DIGEST_ROW`] elements. The lengths are observed
/// beside it, so the padding is unambiguous; binding the list by a collision-resistant
/// digest rather than absorbing it element by element lets the hashing run on every SIMD
/// lane and in parallel (the list of a recursion circuit's wiring holds about a million
/// elements), and a circuit that verifies a proof absorbs eight constants per list.
pub fn list_digest(isa: Isa, list: &PublicLookup<'_>) -> Digest {
    let len = list.values.len() + list.multiplicities.len();
    let rows = len.div_ceil(DIGEST_ROW).max(1).next_power_of_two();
    let mut data = Vec::with_capacity(rows * DIGEST_ROW);
    data.extend_from_slice(list.values);
    data.extend_from_slice(list.multiplicities);
    data.resize(rows * DIGEST_ROW, KoalaBear::ZERO);
    match MerkleTree::from_rows(isa, data, DIGEST_ROW) {
        Ok(tree) => tree.root(),
        // Rows of DIGEST_ROW elements, a power-of-two height bounded by the statement's
        // tuple limit: never rejected.
        Err(e) => unreachable!("list digest tree: {e}"),
    }
}

/// Binds the lists to the transcript: their number, then per list the bus id, the direction
/// (0 for Send, 1 for Receive), the tuple length, the count and the list's digest
/// ([`list_digest`], hashed with the kernels of `isa`; the same on every instruction set).
/// Nothing at all is observed for an empty slice of lists (so statements without lists keep
/// their transcripts).
pub(crate) fn observe(isa: Isa, ch: &mut impl ObserveKnown, lookups: &[PublicLookup<'_>]) {
    if lookups.is_empty() {
        return;
    }
    ch.observe(KoalaBear::new(lookups.len() as u32));
    for l in lookups {
        let direction = match l.direction {
            Direction::Send => 0,
            Direction::Receive => 1,
        };
        for x in [l.bus.0, direction, l.tuple_len as u32, l.count() as u32] {
            ch.observe(KoalaBear::new(x));
        }
        let digest = ch.list_digest(isa, l);
        ch.observe_slice(&digest);
    }
}

/// Tuples per batch inversion.
const CHUNK: usize = 4096;

/// The lists' total contribution `sum ±m_k / (beta - c_k)` to the bus balance, or `None` if
/// a denominator vanishes (or a list is malformed; the statement's validation refuses those
/// first).
///
/// All arithmetic is exact and the batch-inversion kernels give canonical results on every
/// instruction set, so the value does not depend on `isa` or on the thread count.
pub(crate) fn contribution(
    isa: Isa,
    lookups: &[PublicLookup<'_>],
    alpha: Ext5,
    beta: Ext5,
) -> Option<Ext5> {
    let mut total = Ext5::ZERO;
    for l in lookups {
        let t = l.tuple_len;
        if t == 0 || Some(l.values.len()) != l.count().checked_mul(t) {
            return None;
        }
        // pows[j] = alpha^(j+1).
        let pows: Vec<Ext5> = alpha.powers(t + 1).split_off(1);
        let base = beta - Ext5::from_base(KoalaBear::new(l.bus.0));
        let partials: Vec<Option<Ext5>> = l
            .values
            .par_chunks(CHUNK * t)
            .zip(l.multiplicities.par_chunks(CHUNK))
            .map(|(vals, mults)| {
                let den: Vec<Ext5> = vals
                    .chunks_exact(t)
                    .map(|tuple| tuple.iter().zip(&pows).fold(base, |d, (v, p)| d - *p * *v))
                    .collect();
                if den.len() != mults.len() || den.contains(&Ext5::ZERO) {
                    return None;
                }
                let inv = ext::batch_inverse_vec(isa, &den);
                Some(ext::dot_base(isa, &inv, mults))
            })
            .collect();
        let mut sum = Ext5::ZERO;
        for p in partials {
            sum += p?;
        }
        match l.direction {
            Direction::Send => total += sum,
            Direction::Receive => total -= sum,
        }
    }
    Some(total)
}

/// [`contribution`] tuple by tuple over any verifier arithmetic ([`VerifierField`]): one
/// inverse per tuple (in a circuit, a hint and one product each). Equal to [`contribution`]
/// in `K`.
pub(crate) fn contribution_generic<E: VerifierField>(
    lookups: &[PublicLookup<'_>],
    alpha: E,
    beta: E,
) -> Option<E> {
    let mut total = E::zero();
    for l in lookups {
        let t = l.tuple_len;
        if t == 0 || Some(l.values.len()) != l.count().checked_mul(t) {
            return None;
        }
        // pows[j] = alpha^(j+1).
        let pows: Vec<E> = std::iter::successors(Some(alpha), |&p| Some(p * alpha))
            .take(t)
            .collect();
        let base = beta - E::from_base(KoalaBear::new(l.bus.0));
        let mut sum = E::zero();
        for (tuple, &m) in l.values.chunks_exact(t).zip(l.multiplicities) {
            let den = tuple
                .iter()
                .zip(&pows)
                .fold(base, |d, (&v, &p)| p.mul_add(E::from_base(-v), d));
            sum = den.try_inverse()?.mul_add(E::from_base(m), sum);
        }
        match l.direction {
            Direction::Send => total += sum,
            Direction::Receive => total -= sum,
        }
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: u32) -> KoalaBear {
        KoalaBear::new(x)
    }

    fn ext(seed: u32) -> Ext5 {
        Ext5::new([
            f(seed),
            f(seed * 7 + 1),
            f(seed * 13 + 2),
            f(3),
            f(seed + 5),
        ])
    }

    /// The slow reference: one inversion per tuple.
    fn reference(lookups: &[PublicLookup<'_>], alpha: Ext5, beta: Ext5) -> Option<Ext5> {
        let mut total = Ext5::ZERO;
        for l in lookups {
            for (tuple, m) in l.values.chunks(l.tuple_len).zip(l.multiplicities) {
                let mut c = Ext5::from_base(f(l.bus.0));
                let mut p = Ext5::ONE;
                for v in tuple {
                    p *= alpha;
                    c += p * *v;
                }
                let term = (beta - c).try_inverse()? * *m;
                match l.direction {
                    Direction::Send => total += term,
                    Direction::Receive => total -= term,
                }
            }
        }
        Some(total)
    }

    #[test]
    fn matches_reference_on_every_isa() {
        let n = 2 * CHUNK + 17;
        let values: Vec<KoalaBear> = (0..3 * n as u32).map(|i| f(i * 31 + 7)).collect();
        let mults: Vec<KoalaBear> = (0..n as u32).map(|i| f(i % 5)).collect();
        let values2: Vec<KoalaBear> = (0..2 * 10).map(f).collect();
        let mults2 = vec![f(1); 10];
        let lookups = [
            PublicLookup {
                bus: BusId(4),
                direction: Direction::Send,
                tuple_len: 3,
                values: &values,
                multiplicities: &mults,
            },
            PublicLookup {
                bus: BusId(9),
                direction: Direction::Receive,
                tuple_len: 2,
                values: &values2,
                multiplicities: &mults2,
            },
        ];
        let (alpha, beta) = (ext(11), ext(23));
        let expected = reference(&lookups, alpha, beta).unwrap();
        assert_ne!(expected, Ext5::ZERO);
        for isa in Isa::available() {
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let got = pool.install(|| contribution(isa, &lookups, alpha, beta));
                assert_eq!(got, Some(expected), "{isa:?}, {threads} threads");
            }
        }
        assert_eq!(
            contribution(Isa::scalar(), &[], alpha, beta),
            Some(Ext5::ZERO)
        );
    }

    #[test]
    fn zero_denominator_is_reported() {
        let values = [f(5), f(6), f(7), f(8)];
        let mults = [f(0), f(0)];
        let alpha = ext(3);
        // beta = c of the second tuple (multiplicity zero does not excuse it).
        let beta = Ext5::from_base(f(2)) + alpha * f(7) + alpha * alpha * f(8);
        let l = [PublicLookup {
            bus: BusId(2),
            direction: Direction::Send,
            tuple_len: 2,
            values: &values,
            multiplicities: &mults,
        }];
        assert_eq!(contribution(Isa::scalar(), &l, alpha, beta), None);
        assert!(contribution(Isa::scalar(), &l, alpha, beta + Ext5::ONE).is_some());
    }

    #[test]
    fn malformed_lists_give_none_not_a_panic() {
        let values = [f(1), f(2), f(3)];
        let mults = [f(1), f(1)];
        for tuple_len in [0, 2] {
            let l = [PublicLookup {
                bus: BusId(1),
                direction: Direction::Send,
                tuple_len,
                values: &values,
                multiplicities: &mults,
            }];
            assert_eq!(contribution(Isa::scalar(), &l, ext(1), ext(2)), None);
        }
    }
}

#[cfg(test)]
mod digest_tests {
    use super::*;
    use backend::challenger::Challenger;

    fn list<'a>(values: &'a [KoalaBear], mults: &'a [KoalaBear]) -> PublicLookup<'a> {
        PublicLookup {
            bus: BusId(4),
            direction: Direction::Send,
            tuple_len: 2,
            values,
            multiplicities: mults,
        }
    }

    /// The transcript's state after observing `lookups`, as one sample.
    fn observed(isa: Isa, lookups: &[PublicLookup<'_>]) -> Ext5 {
        let mut ch = Challenger::new();
        observe(isa, &mut ch, lookups);
        ch.sample_ext()
    }

    #[test]
    fn digest_is_the_same_on_every_isa_and_binds_every_element() {
        // 3 n = 399 elements: three full rows of the digest tree and a padded fourth.
        let n = 133;
        let values: Vec<KoalaBear> = (0..2 * n as u32)
            .map(|i| KoalaBear::new(i * 17 + 3))
            .collect();
        let mults: Vec<KoalaBear> = (0..n as u32).map(|i| KoalaBear::new(i % 3)).collect();
        let honest = observed(Isa::scalar(), &[list(&values, &mults)]);
        for isa in Isa::available() {
            assert_eq!(observed(isa, &[list(&values, &mults)]), honest, "{isa:?}");
        }
        for at in [0, 1, DIGEST_ROW - 1, DIGEST_ROW, values.len() - 1] {
            let mut v = values.clone();
            v[at] += KoalaBear::ONE;
            assert_ne!(
                observed(Isa::scalar(), &[list(&v, &mults)]),
                honest,
                "value {at}"
            );
        }
        for at in [0, n - 1] {
            let mut m = mults.clone();
            m[at] += KoalaBear::ONE;
            assert_ne!(
                observed(Isa::scalar(), &[list(&values, &m)]),
                honest,
                "mult {at}"
            );
        }
        // One more tuple of zeros hashes like the padding: the count observed beside the
        // digest tells the two lists apart.
        let mut v = values.clone();
        v.extend([KoalaBear::ZERO; 2]);
        let mut m = mults.clone();
        m.push(KoalaBear::ZERO);
        assert_ne!(observed(Isa::scalar(), &[list(&v, &m)]), honest);
    }
}
