//! Stacking: many multilinear blocks of power-of-two sizes laid out in one multilinear
//! polynomial. The committed polynomial stacks every main column of every table; the GKR
//! input stacks the fractions of every (table, interaction) pair.
//!
//! # Layout
//! Blocks are ordered by decreasing size, ties in the order given, and given consecutive
//! offsets from 0; the total is padded to `2^V` (`V` at least the caller's minimum). Since
//! every size is a power of two no larger than those before it, every block's offset is a
//! multiple of its size, so a block of `2^k` values at offset `o` has a selector: the
//! `V - k` bits `b = o / 2^k`, a prefix code (no block's selector begins another's).
//!
//! # The placement
//! Row `y` of a block with selector `b` is stored at index `(y << (V - k)) | rev(b)` (`rev`
//! reverses the `V - k` bits), so `f(y, rev(b)) = block(y)`: the row coordinates on top,
//! the selector at the bottom ([`Block::committed_index`], [`Block::committed_point`]).
//! Blocks stay disjoint (the reversed selectors are a suffix code). Both stackings (the
//! committed polynomial and GKR's fractions) use it:
//! * a claim `block(r) = v` is the claim `f(r, rev(b)) = v`, an eq weight whose trailing
//!   coordinates are boolean; WHIR folds the top variables first, so the prover's first-round
//!   partial sums for one column cost the column's size, not `2^k_0` times it;
//! * every table's rows are the top coordinates of GKR's point, `rho[..k_t]`: the prefixes of
//!   one point, which the AIR sumcheck batches with every table starting in round 0; a
//!   block's weight in `eq(rho, .)` is [`Block::committed_selector_weight`] times
//!   `eq(rho[..k], y)`.

use super::arith::VerifierField;
use backend::field::Ext5;

/// Where one block lies in the stacked polynomial.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// `log2` of the block's size.
    pub log_size: usize,
    /// Its first index.
    pub offset: usize,
}

impl Block {
    /// The block's top `num_variables - log_size` coordinates as a boolean point
    /// (`0` or `1` per coordinate, the most significant first).
    pub fn selector(&self, num_variables: usize) -> Vec<Ext5> {
        let top = num_variables - self.log_size;
        let b = self.offset >> self.log_size;
        (0..top)
            .map(|i| {
                if (b >> (top - 1 - i)) & 1 == 1 {
                    Ext5::ONE
                } else {
                    Ext5::ZERO
                }
            })
            .collect()
    }

    /// `eq(rho_low, rev(b))` for a point `rho` of `num_variables` coordinates: the weight of
    /// the whole block in `eq(rho, x)` in the committed placement, the rest being
    /// `eq(rho_top, y)` over its rows (`rho_top` the first `log_size` coordinates).
    pub fn committed_selector_weight<E: VerifierField>(&self, rho: &[E]) -> E {
        let sel = self.selector(rho.len());
        rho[self.log_size..]
            .iter()
            .zip(sel.iter().rev())
            .fold(E::one(), |acc, (&r, &b)| {
                acc * if b == Ext5::ONE { r } else { E::one() - r }
            })
    }

    /// The index of row `y` in the committed placement (module docs).
    pub fn committed_index(&self, y: usize, num_variables: usize) -> usize {
        let low = num_variables - self.log_size;
        let b = self.offset >> self.log_size;
        let rev = if low == 0 {
            0
        } else {
            b.reverse_bits() >> (usize::BITS as usize - low)
        };
        (y << low) | rev
    }

    /// The committed polynomial's point for the block's multilinear at `point`
    /// (`log_size` coordinates): `point` followed by the reversed selector bits.
    pub fn committed_point<E: VerifierField>(&self, point: &[E], num_variables: usize) -> Vec<E> {
        let mut z = point.to_vec();
        z.extend(
            self.selector(num_variables)
                .into_iter()
                .rev()
                .map(E::constant),
        );
        z
    }
}

/// Index `x` of `v` bits with its low `k` bits moved on top:
/// `(x mod 2^k) 2^(v - k) + floor(x / 2^k)`.
///
/// The committed table is the stacked polynomial in this order ([`rotate_point`] moves a
/// point the same way), so that WHIR's first round folds the low `k` bits of the placement:
/// the reversed selector bits of every small block, on which the padding is a range.
pub fn rotate_index(x: usize, v: usize, k: usize) -> usize {
    ((x & ((1 << k) - 1)) << (v - k)) | (x >> k)
}

/// The point of the rotated table ([`rotate_index`]) for a point `z` of the placement: its
/// last `k` coordinates first.
pub fn rotate_point<E: Copy>(z: &[E], k: usize) -> Vec<E> {
    let cut = z.len() - k;
    z[cut..].iter().chain(&z[..cut]).copied().collect()
}

/// A stacking of blocks (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackLayout {
    /// Per block, in the order given, where it lies.
    pub blocks: Vec<Block>,
    /// Values used by the blocks (the rest up to `2^V` is padding).
    pub used: usize,
    /// `V`: variables of the stacked polynomial.
    pub num_variables: usize,
}

impl StackLayout {
    /// Lays out blocks of sizes `2^log_sizes[i]` (see the module docs), padding to at least
    /// `2^min_variables` values. `None` if the total overflows `usize` (impossible for the
    /// statements' limits).
    pub fn new(log_sizes: &[usize], min_variables: usize) -> Option<StackLayout> {
        let mut order: Vec<usize> = (0..log_sizes.len()).collect();
        // Stable: equal sizes keep the order given.
        order.sort_by_key(|&i| std::cmp::Reverse(log_sizes[i]));
        let mut blocks = vec![
            Block {
                log_size: 0,
                offset: 0
            };
            log_sizes.len()
        ];
        let mut used = 0usize;
        for i in order {
            let size = 1usize.checked_shl(log_sizes[i] as u32)?;
            blocks[i] = Block {
                log_size: log_sizes[i],
                offset: used,
            };
            used = used.checked_add(size)?;
        }
        let num_variables =
            (used.max(1).next_power_of_two().trailing_zeros() as usize).max(min_variables);
        Some(StackLayout {
            blocks,
            used,
            num_variables,
        })
    }

    /// The blocks `a` of the first `k` variables of the committed table (indices rotated
    /// by [`rotate_index`]) that may hold a value, in increasing order: `a = x mod 2^k` for
    /// every used index `x` of this layout's placement, which is `rev_k(t)` (the `k` bits
    /// reversed) for every `t < ceil(used / 2^(V - k))`; that count rounded up to a multiple
    /// of `granule` (at most `2^k`, at least one block). The other blocks are padding.
    pub fn active_blocks(&self, k: usize, granule: usize) -> Vec<usize> {
        let k = k.min(self.num_variables);
        let span = 1usize << (self.num_variables - k);
        let t_end = self
            .used
            .div_ceil(span)
            .max(1)
            .next_multiple_of(granule.max(1))
            .min(1 << k);
        let rev = |t: usize| {
            if k == 0 {
                0
            } else {
                t.reverse_bits() >> (usize::BITS as usize - k)
            }
        };
        let mut blocks: Vec<usize> = (0..t_end).map(rev).collect();
        blocks.sort_unstable();
        blocks
    }

    /// `sum_(x padding) eq(rho, x)` in the committed placement (`rho` of `V` coordinates):
    /// since `sum_x eq(rho, x) = 1` and every block's rows carry
    /// [`Block::committed_selector_weight`] in all, it is one minus their sum, `O(blocks V)`.
    pub fn committed_padding_weight<E: VerifierField>(&self, rho: &[E]) -> E {
        E::one()
            - self
                .blocks
                .iter()
                .fold(E::zero(), |acc, b| acc + b.committed_selector_weight(rho))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v2::mle;
    use backend::{Isa, KoalaBear};

    use crate::v2::mle::test_ext as ext;

    #[test]
    fn blocks_are_aligned_by_decreasing_size_and_stable() {
        let l = StackLayout::new(&[2, 4, 2, 3, 0], 0).unwrap();
        let offsets: Vec<usize> = l.blocks.iter().map(|b| b.offset).collect();
        assert_eq!(offsets, vec![24, 0, 28, 16, 32]);
        assert_eq!((l.used, l.num_variables), (33, 6));
        for b in &l.blocks {
            assert_eq!(b.offset % (1 << b.log_size), 0);
        }
        assert_eq!(StackLayout::new(&[3], 5).unwrap().num_variables, 5);
        assert_eq!(StackLayout::new(&[], 0).unwrap().num_variables, 0);
    }

    #[test]
    fn the_committed_placement_is_disjoint_and_its_weights_match_the_eq_table() {
        let l = StackLayout::new(&[3, 1, 2, 2], 0).unwrap();
        let v = l.num_variables;
        let rho: Vec<Ext5> = (0..v as u64).map(ext).collect();
        let eq = mle::eq_table(Isa::scalar(), &rho).unwrap();
        let mut seen = vec![false; 1 << v];
        for b in &l.blocks {
            let top = &rho[..b.log_size];
            let top_eq = mle::eq_table(Isa::scalar(), top).unwrap();
            let w = b.committed_selector_weight(&rho);
            let z = b.committed_point(top, v);
            for (y, &e) in top_eq.iter().enumerate() {
                let x = b.committed_index(y, v);
                assert!(!seen[x], "index {x} used twice");
                seen[x] = true;
                assert_eq!(eq[x], w * e, "block {b:?} row {y}");
                let bits: Vec<Ext5> = (0..v)
                    .map(|i| Ext5::from_base(KoalaBear::new(((x >> (v - 1 - i)) & 1) as u32)))
                    .collect();
                // eq(z, x) is the block's eq(top, y) at its own indices.
                assert_eq!(mle::eq_eval(&z, &bits).unwrap(), e);
            }
        }
        let pad: Ext5 = (0..1usize << v).filter(|&x| !seen[x]).map(|x| eq[x]).sum();
        assert_eq!(l.committed_padding_weight(&rho), pad);
        let full = StackLayout::new(&[2, 2], 0).unwrap();
        assert_eq!(full.committed_padding_weight(&rho[..3]), Ext5::ZERO);
    }

    #[test]
    fn the_active_blocks_hold_every_used_index_and_the_rotation_keeps_eq() {
        for (sizes, min) in [
            (vec![3usize, 1, 2, 2, 0], 0usize),
            (vec![5, 5, 5, 4, 2], 0),
            (vec![2, 2], 9),
            (vec![9], 0),
        ] {
            let l = StackLayout::new(&sizes, min).unwrap();
            let v = l.num_variables;
            for k in 0..=v.min(4) {
                let active = l.active_blocks(k, 1);
                assert!(active.windows(2).all(|w| w[0] < w[1]), "{active:?}");
                let used: std::collections::BTreeSet<usize> = l
                    .blocks
                    .iter()
                    .flat_map(|b| (0..1usize << b.log_size).map(|y| b.committed_index(y, v)))
                    .map(|x| x & ((1 << k) - 1))
                    .collect();
                assert_eq!(
                    active,
                    used.into_iter().collect::<Vec<_>>(),
                    "{sizes:?} k {k}"
                );
                let rounded = l.active_blocks(k, 4);
                assert!(active.iter().all(|a| rounded.contains(a)));
                assert_eq!(rounded.len(), active.len().next_multiple_of(4).min(1 << k));
            }
            // eq(rotate_point(z), rotate_index(x)) = eq(z, x).
            let k = v.min(3);
            let z: Vec<Ext5> = (0..v as u64).map(|i| ext(i + 11)).collect();
            let eq = mle::eq_table(Isa::scalar(), &z).unwrap();
            let eq_rot = mle::eq_table(Isa::scalar(), &rotate_point(&z, k)).unwrap();
            for (x, &e) in eq.iter().enumerate() {
                assert_eq!(eq_rot[rotate_index(x, v, k)], e, "x {x}");
            }
        }
    }
}
