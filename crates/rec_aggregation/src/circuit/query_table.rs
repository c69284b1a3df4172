//! The query table of a circuit: for each WHIR query a verifier draws, the sampled base-field
//! value's canonical bits, the leaf index (its low `L` bits) and the query's domain point
//! `y = w^bitrev(index)` (`w` of order `2^L`), in one row instead of about 140 operations.
//!
//! # The domain point without `L` in the constraints
//! With the index's bits `b_j` (least significant first), `y = prod_(j < L) c_j^(b_j)` where
//! `c_j = w^(2^(L - 1 - j))` has order `2^(j + 1)`: it is `w_(j + 1)`, the two-adic generator
//! of order `2^(j + 1)`, whatever `L` is (the generators are powers of one another). So a row
//! carries a mask `m_j = [j < L]` and the product `p_j = prod_(i <= j) (1 + g_i (c_i - 1))`
//! of the masked bits `g_i = m_i b_i`, and `y = p_23`.
//!
//! # Layout: one row per query
//! | columns | count |
//! |---|---|
//! | `s_id`, `s` (the sample's wire and value), `bits` (`L`) | 3 |
//! | `point_id`, `mp`, `index_id`, `mi` (the defined wires and their uses) | 4 |
//! | `b[0..31]` (the sample's bits) | 31 |
//! | `m[0..24]`, `g[0..24]`, `p[0..24]` | 72 |
//! | `t[0..6]` (products of bits 24 to 30) | 6 |
//! | `active` (0 on padding rows) | 1 |
//! | **total** | **117** |
//!
//! # Constraints (degree 2)
//! `active`, every `b_j` and `m_j` boolean; `(1 - active) mp = 0`, `(1 - active) mi = 0`;
//! `m_(j + 1) (1 - m_j) = 0` and `sum_j m_j = bits` (the mask is `bits` ones, then zeros);
//! `g_j = m_j b_j`; `s = sum_j b_j 2^j` (an integer below `2^31 < 2p`); `t_0 = b_24 b_25`,
//! `t_k = t_(k - 1) b_(25 + k)`, `t_5 sum_(j < 24) b_j 2^j = 0` (bits 24 to 30 all set force
//! the low 24 clear: the integer is at most `p - 1`, so the bits are the canonical ones);
//! `p_0 = 1 + g_0 (c_0 - 1)`, `p_j = p_(j - 1) (1 + g_j (c_j - 1))`. Padding rows are zero
//! but for `p = 1`.
//!
//! # Buses
//! Receives `(s_id, bits, point_id, mp, index_id, mi)` on [`QUERY_WIRING_BUS`] and
//! `(s_id, s, 0, 0, 0, 0)` on [`WIRE_BUS`], both with multiplicity `active`; sends
//! `(point_id, p_23, 0, 0, 0, 0)` with multiplicity `mp` and
//! `(index_id, sum_j g_j 2^j, 0, 0, 0, 0)` with multiplicity `mi` on [`WIRE_BUS`].

use super::recorder::FIELD_BITS;
use super::{CIRCUIT_DEGREE, QUERY_WIRING_BUS, WIRE_BUS};
use crate::poseidon_table::MIN_HEIGHT;
use backend::KoalaBear as F;
use lean_prover::{Air, AirBuilder, AirError, Col, Expr};

/// Most index bits of a query: the challenger's `sample_bits` limit (which WHIR's parameters
/// respect), the two-adicity of `p - 1 = 127 * 2^24`, so also the low bits that the top
/// bits all set force to zero.
pub const QUERY_MAX_BITS: usize = backend::challenger::MAX_BITS;

/// Values per pinned tuple: `s_id, bits, point_id, mp, index_id, mi`.
pub const QUERY_WIRING_LEN: usize = 6;

/// Column indices of the query table.
#[derive(Clone, Debug)]
pub struct QueryColumns {
    /// The sample's wire id.
    pub s_id: Col,
    /// The sample.
    pub s: Col,
    /// The index's number of bits `L`.
    pub bits: Col,
    /// The domain point's wire id.
    pub point_id: Col,
    /// Uses of the domain point.
    pub mp: Col,
    /// The index's wire id.
    pub index_id: Col,
    /// Uses of the index.
    pub mi: Col,
    /// The sample's bits, least significant first.
    pub b: [Col; FIELD_BITS],
    /// `m_j = [j < L]`.
    pub m: [Col; QUERY_MAX_BITS],
    /// `g_j = m_j b_j`.
    pub g: [Col; QUERY_MAX_BITS],
    /// The domain point's prefix products.
    pub p: [Col; QUERY_MAX_BITS],
    /// Products of bits 24 to 30.
    pub t: [Col; FIELD_BITS - QUERY_MAX_BITS - 1],
    /// 1 on query rows, 0 on padding rows.
    pub active: Col,
}

/// One row's content: the wires and the sample.
#[derive(Clone, Debug)]
pub(crate) struct QueryRowData {
    pub(crate) s_id: u32,
    pub(crate) s: u32,
    pub(crate) bits: u32,
    pub(crate) point_id: u32,
    pub(crate) mp: F,
    pub(crate) index_id: u32,
    pub(crate) mi: F,
}

impl QueryRowData {
    /// The row's pinned tuple.
    pub(crate) fn wiring(&self) -> [F; QUERY_WIRING_LEN] {
        [
            F::new(self.s_id),
            F::new(self.bits),
            F::new(self.point_id),
            self.mp,
            F::new(self.index_id),
            self.mi,
        ]
    }
}

/// `c_j`: the two-adic generator of order `2^(j + 1)` (see the module docs).
pub(crate) fn point_factor(j: usize) -> F {
    F::two_adic_generator(j + 1)
}

/// The query table: its AIR and layout (see the module docs).
pub struct QueryTable {
    air: Air,
    cols: QueryColumns,
}

impl QueryTable {
    /// Builds the AIR.
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not).
    pub fn new() -> Result<QueryTable, AirError> {
        let b = AirBuilder::new("circuit_queries");
        let s_id = b.column("s_id");
        let s = b.column("s");
        let bits = b.column("bits");
        let point_id = b.column("point_id");
        let mp = b.column("mp");
        let index_id = b.column("index_id");
        let mi = b.column("mi");
        let bc: [Col; FIELD_BITS] = core::array::from_fn(|j| b.column(&format!("b{j}")));
        let m: [Col; QUERY_MAX_BITS] = core::array::from_fn(|j| b.column(&format!("m{j}")));
        let g: [Col; QUERY_MAX_BITS] = core::array::from_fn(|j| b.column(&format!("g{j}")));
        let p: [Col; QUERY_MAX_BITS] = core::array::from_fn(|j| b.column(&format!("p{j}")));
        let t: [Col; FIELD_BITS - QUERY_MAX_BITS - 1] =
            core::array::from_fn(|k| b.column(&format!("t{k}")));
        let active = b.column("active");
        let one = b.constant(F::ONE);
        let e = |c: Col| b.main(c);
        let boolean = |c: Col| b.assert_zero(e(c) * (e(c) - one));
        boolean(active);
        b.assert_zero((one - e(active)) * e(mp));
        b.assert_zero((one - e(active)) * e(mi));
        bc.iter().chain(&m).for_each(|&c| boolean(c));
        for j in 0..QUERY_MAX_BITS - 1 {
            b.assert_zero(e(m[j + 1]) * (one - e(m[j])));
        }
        let ones = m.iter().skip(1).fold(e(m[0]), |acc, &c| acc + e(c));
        b.assert_zero(ones - e(bits));
        for j in 0..QUERY_MAX_BITS {
            b.assert_zero(e(g[j]) - e(m[j]) * e(bc[j]));
        }
        let weighted = |cols: &[Col]| -> Expr<'_> {
            cols.iter()
                .enumerate()
                .skip(1)
                .fold(e(cols[0]), |acc, (j, &c)| acc + e(c) * F::new(1 << j))
        };
        let low = weighted(&bc[..QUERY_MAX_BITS]);
        b.assert_zero(e(s) - weighted(&bc));
        b.assert_zero(e(t[0]) - e(bc[QUERY_MAX_BITS]) * e(bc[QUERY_MAX_BITS + 1]));
        for k in 1..t.len() {
            b.assert_zero(e(t[k]) - e(t[k - 1]) * e(bc[QUERY_MAX_BITS + 1 + k]));
        }
        b.assert_zero(e(t[t.len() - 1]) * low);
        let factor = |j: usize| one + e(g[j]) * (point_factor(j) - F::ONE);
        b.assert_zero(e(p[0]) - factor(0));
        for j in 1..QUERY_MAX_BITS {
            b.assert_zero(e(p[j]) - e(p[j - 1]) * factor(j));
        }

        let act = e(active);
        b.receive(
            QUERY_WIRING_BUS,
            &[s_id, bits, point_id, mp, index_id, mi].map(e),
            act,
        );
        let zero = b.constant(F::ZERO);
        b.receive(WIRE_BUS, &[e(s_id), e(s), zero, zero, zero, zero], act);
        b.send(
            WIRE_BUS,
            &[
                e(point_id),
                e(p[QUERY_MAX_BITS - 1]),
                zero,
                zero,
                zero,
                zero,
            ],
            e(mp),
        );
        b.send(
            WIRE_BUS,
            &[e(index_id), weighted(&g), zero, zero, zero, zero],
            e(mi),
        );
        let air = b.build(CIRCUIT_DEGREE)?;
        Ok(QueryTable {
            air,
            cols: QueryColumns {
                s_id,
                s,
                bits,
                point_id,
                mp,
                index_id,
                mi,
                b: bc,
                m,
                g,
                p,
                t,
                active,
            },
        })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &QueryColumns {
        &self.cols
    }

    /// The row-major trace of `rows`, padded to a power of two (at least 4 rows) with
    /// inactive rows (zero but for `p = 1`).
    pub(crate) fn trace(&self, rows: &[QueryRowData]) -> Vec<F> {
        let w = self.air.width();
        let height = rows.len().next_power_of_two().max(MIN_HEIGHT);
        let mut trace = F::zero_vec(height * w);
        let c = &self.cols;
        for row in trace.chunks_exact_mut(w).skip(rows.len()) {
            for col in c.p {
                row[col.0] = F::ONE;
            }
        }
        for (row, data) in trace.chunks_exact_mut(w).zip(rows) {
            row[c.s_id.0] = F::new(data.s_id);
            row[c.s.0] = F::new(data.s);
            row[c.bits.0] = F::new(data.bits);
            row[c.point_id.0] = F::new(data.point_id);
            row[c.mp.0] = data.mp;
            row[c.index_id.0] = F::new(data.index_id);
            row[c.mi.0] = data.mi;
            for (j, col) in c.b.iter().enumerate() {
                row[col.0] = F::new(data.s >> j & 1);
            }
            let mut acc = F::ONE;
            for j in 0..QUERY_MAX_BITS {
                let (mj, bj) = (u32::from(j < data.bits as usize), data.s >> j & 1);
                row[c.m[j].0] = F::new(mj);
                row[c.g[j].0] = F::new(mj & bj);
                if mj & bj == 1 {
                    acc *= point_factor(j);
                }
                row[c.p[j].0] = acc;
            }
            let mut t = F::new(data.s >> QUERY_MAX_BITS & 1);
            for (k, col) in c.t.iter().enumerate() {
                t *= F::new(data.s >> (QUERY_MAX_BITS + 1 + k) & 1);
                row[col.0] = t;
            }
            row[c.active.0] = F::ONE;
        }
        trace
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lean_prover::v2::whir::encode;

    #[test]
    fn the_product_of_bit_factors_is_whirs_domain_point() {
        for bits in 0..=QUERY_MAX_BITS {
            let mask = (1u64 << bits) - 1;
            for seed in 0..40u64 {
                let index = (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 17) & mask;
                let product = (0..bits)
                    .filter(|&j| index >> j & 1 == 1)
                    .fold(F::ONE, |acc, j| acc * point_factor(j));
                assert_eq!(
                    product,
                    encode::domain_point(bits, index as usize),
                    "{bits} bits, index {index}"
                );
            }
        }
    }
}
