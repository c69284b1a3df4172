//! The scalar KoalaBear field element, in Montgomery form.

use super::monty::{P, monty_reduce};
use core::fmt;
use core::iter::{Product, Sum};
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// An element of the KoalaBear field, stored in Montgomery form and always below `p`.
///
/// Same size, alignment and bits as Plonky3's `KoalaBear` for the same value.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct KoalaBear(u32);

/// `2^64 mod p`, to enter Montgomery form with one reduction.
const R2: u64 = ((1u128 << 64) % P as u128) as u64;

impl KoalaBear {
    /// The modulus.
    pub const ORDER: u32 = P;
    /// Zero.
    pub const ZERO: Self = Self::new(0);
    /// One.
    pub const ONE: Self = Self::new(1);
    /// Two.
    pub const TWO: Self = Self::new(2);
    /// `p - 1`.
    pub const NEG_ONE: Self = Self::new(P - 1);
    /// A generator of the multiplicative group (Plonky3's `GENERATOR`), used as the coset shift.
    pub const GENERATOR: Self = Self::new(3);
    /// `p - 1 = 2^24 * 127`: subgroups of order `2^k` exist for `k <= 24`.
    pub const TWO_ADICITY: usize = 24;
    /// A generator of the subgroup of order `2^24` (Plonky3's `TWO_ADIC_GENERATORS[24]`).
    const TWO_ADIC_ROOT: Self = Self::new(0x6ac4_9f88);

    /// The element `x mod p` (any `u32` is accepted and reduced).
    #[inline(always)]
    pub const fn new(x: u32) -> Self {
        Self(monty_reduce((x % P) as u64 * R2))
    }

    /// The element `x` if `x < p`, for strict decoders that reject non-canonical encodings.
    #[inline]
    pub const fn from_canonical_checked(x: u32) -> Option<Self> {
        if x < P { Some(Self::new(x)) } else { None }
    }

    /// The element `x mod p` for a 64-bit input.
    #[inline]
    pub const fn from_u64(x: u64) -> Self {
        Self::new((x % P as u64) as u32)
    }

    /// The canonical integer in `[0, p)` this element represents.
    #[inline(always)]
    pub const fn as_canonical_u32(self) -> u32 {
        monty_reduce(self.0 as u64)
    }

    /// The raw Montgomery word (`value * 2^32 mod p`).
    #[inline(always)]
    pub const fn to_monty(self) -> u32 {
        self.0
    }

    /// Builds an element from a raw Montgomery word already reduced below `p`.
    #[inline(always)]
    pub(crate) const fn from_monty(x: u32) -> Self {
        debug_assert!(x < P);
        Self(x)
    }

    /// `self^2`.
    #[inline(always)]
    pub fn square(self) -> Self {
        self * self
    }

    /// `2 * self`.
    #[inline(always)]
    pub fn double(self) -> Self {
        self + self
    }

    /// `self^e`.
    #[inline]
    pub fn exp_u64(self, mut e: u64) -> Self {
        let mut base = self;
        let mut acc = Self::ONE;
        while e > 0 {
            if e & 1 == 1 {
                acc *= base;
            }
            base = base.square();
            e >>= 1;
        }
        acc
    }

    /// The multiplicative inverse, or `None` for zero.
    #[inline]
    pub fn try_inverse(self) -> Option<Self> {
        if self.0 == 0 {
            None
        } else {
            Some(self.exp_u64(P as u64 - 2))
        }
    }

    /// The multiplicative inverse, with zero mapped to zero.
    #[inline]
    pub fn inverse_or_zero(self) -> Self {
        self.exp_u64(P as u64 - 2)
    }

    /// A generator of the multiplicative subgroup of order `2^bits`.
    ///
    /// # Panics
    /// If `bits > 24` (no such subgroup exists).
    pub fn two_adic_generator(bits: usize) -> Self {
        assert!(
            bits <= Self::TWO_ADICITY,
            "KoalaBear has no subgroup of order 2^{bits}"
        );
        let mut g = Self::TWO_ADIC_ROOT;
        for _ in bits..Self::TWO_ADICITY {
            g = g.square();
        }
        g
    }

    /// `[1, x, x^2, ..., x^(n-1)]`.
    pub fn powers(self, n: usize) -> Vec<Self> {
        let mut out = Vec::with_capacity(n);
        let mut cur = Self::ONE;
        for _ in 0..n {
            out.push(cur);
            cur *= self;
        }
        out
    }
}

impl fmt::Debug for KoalaBear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_canonical_u32())
    }
}

impl fmt::Display for KoalaBear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_canonical_u32())
    }
}

impl From<u32> for KoalaBear {
    fn from(x: u32) -> Self {
        Self::new(x)
    }
}

impl Add for KoalaBear {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        let s = self.0 + rhs.0; // both < 2^31, no overflow
        Self(s.min(s.wrapping_sub(P)))
    }
}

impl Sub for KoalaBear {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        let d = self.0.wrapping_sub(rhs.0);
        Self(d.min(d.wrapping_add(P)))
    }
}

impl Neg for KoalaBear {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Self::ZERO - self
    }
}

impl Mul for KoalaBear {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        Self(monty_reduce(self.0 as u64 * rhs.0 as u64))
    }
}

macro_rules! assign_ops {
    ($($tr:ident $m:ident $op:tt),*) => {$(
        impl $tr for KoalaBear {
            #[inline(always)]
            fn $m(&mut self, rhs: Self) { *self = *self $op rhs; }
        }
    )*};
}
assign_ops!(AddAssign add_assign +, SubAssign sub_assign -, MulAssign mul_assign *);

impl Sum for KoalaBear {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

impl Product for KoalaBear {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ONE, |a, b| a * b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_consistent() {
        assert_eq!((P as u64 * super::super::monty::MONTY_MU as u64) as u32, 1);
        assert_eq!(KoalaBear::ONE.as_canonical_u32(), 1);
        assert_eq!((KoalaBear::NEG_ONE + KoalaBear::ONE), KoalaBear::ZERO);
        let g = KoalaBear::two_adic_generator(24);
        assert_eq!(g.exp_u64(1 << 23), KoalaBear::NEG_ONE);
        assert_eq!(g.exp_u64(1 << 24), KoalaBear::ONE);
        assert_eq!(KoalaBear::two_adic_generator(1), KoalaBear::NEG_ONE);
    }

    #[test]
    fn inverse_works() {
        for x in [1u32, 2, 3, P - 1, 12345678] {
            let a = KoalaBear::new(x);
            assert_eq!(a * a.try_inverse().unwrap(), KoalaBear::ONE);
        }
        assert_eq!(KoalaBear::ZERO.try_inverse(), None);
        assert_eq!(KoalaBear::ZERO.inverse_or_zero(), KoalaBear::ZERO);
    }

    #[test]
    fn reduces_non_canonical_input() {
        assert_eq!(KoalaBear::new(P), KoalaBear::ZERO);
        assert_eq!(KoalaBear::new(u32::MAX).as_canonical_u32(), u32::MAX % P);
        assert_eq!(KoalaBear::from_canonical_checked(P), None);
        assert_eq!(
            KoalaBear::from_u64(u64::MAX).as_canonical_u32(),
            (u64::MAX % P as u64) as u32
        );
    }
}
