//! The degree-5 extension `F[X] / (X^5 + X^2 - 1)` of KoalaBear, the challenge field.
//!
//! Same polynomial and coefficient order as Plonky3's `QuinticTrinomialExtensionField` over
//! KoalaBear, so an `Ext5` has the same bits as Plonky3's element for the same value. The
//! challenge space has about `2^155` elements.

use super::koala_bear::KoalaBear;
use core::fmt;
use core::iter::{Product, Sum};
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// An element `c0 + c1 X + c2 X^2 + c3 X^3 + c4 X^4` of the quintic extension.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Ext5(pub [KoalaBear; 5]);

impl Ext5 {
    /// Zero.
    pub const ZERO: Self = Self([KoalaBear::ZERO; 5]);
    /// One.
    pub const ONE: Self = Self([
        KoalaBear::ONE,
        KoalaBear::ZERO,
        KoalaBear::ZERO,
        KoalaBear::ZERO,
        KoalaBear::ZERO,
    ]);

    /// The element with the given coefficients (constant term first).
    #[inline(always)]
    pub const fn new(coeffs: [KoalaBear; 5]) -> Self {
        Self(coeffs)
    }

    /// Embeds a base-field element.
    #[inline(always)]
    pub const fn from_base(x: KoalaBear) -> Self {
        Self([
            x,
            KoalaBear::ZERO,
            KoalaBear::ZERO,
            KoalaBear::ZERO,
            KoalaBear::ZERO,
        ])
    }

    /// The coefficients, constant term first.
    #[inline(always)]
    pub const fn coeffs(&self) -> &[KoalaBear; 5] {
        &self.0
    }

    /// `Some(c0)` if this element lies in the base field.
    pub fn as_base(&self) -> Option<KoalaBear> {
        self.0[1..]
            .iter()
            .all(|c| *c == KoalaBear::ZERO)
            .then_some(self.0[0])
    }

    /// `self^2`.
    #[inline(always)]
    pub fn square(self) -> Self {
        self * self
    }

    /// `self^e` for a 64-bit exponent.
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
    ///
    /// Uses `a^-1 = a^(r-1) / N(a)` with `r = 1 + p + p^2 + p^3 + p^4`, where the Frobenius
    /// images `a^(p^i)` come from [`Ext5::frobenius`] and the norm `N(a) = a^r` lies in the
    /// base field.
    pub fn try_inverse(self) -> Option<Self> {
        if self == Self::ZERO {
            return None;
        }
        let f1 = self.frobenius();
        let f2 = f1.frobenius();
        let f3 = f2.frobenius();
        let f4 = f3.frobenius();
        let rest = f1 * f2 * f3 * f4;
        let norm = (self * rest).0[0];
        Some(rest * norm.try_inverse()?)
    }

    /// `self^p`, the Frobenius map: linear over the base field, `sum_i c_i (X^p)^i` with the
    /// images `X^(p i)` computed once (by exponentiation, the definition).
    pub fn frobenius(self) -> Self {
        static IMAGES: std::sync::OnceLock<[Ext5; 5]> = std::sync::OnceLock::new();
        let images = IMAGES.get_or_init(|| {
            let xp = Ext5::new([
                KoalaBear::ZERO,
                KoalaBear::ONE,
                KoalaBear::ZERO,
                KoalaBear::ZERO,
                KoalaBear::ZERO,
            ])
            .exp_u64(KoalaBear::ORDER as u64);
            let mut images = [Ext5::ONE; 5];
            for i in 1..5 {
                images[i] = images[i - 1] * xp;
            }
            images
        });
        let mut out = [KoalaBear::ZERO; 5];
        for (c, image) in self.0.iter().zip(images) {
            for (o, &m) in out.iter_mut().zip(&image.0) {
                *o += *c * m;
            }
        }
        Self(out)
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

impl fmt::Debug for Ext5 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Display for Ext5 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.0;
        write!(
            f,
            "{} + {}X + {}X^2 + {}X^3 + {}X^4",
            c[0], c[1], c[2], c[3], c[4]
        )
    }
}

impl From<KoalaBear> for Ext5 {
    fn from(x: KoalaBear) -> Self {
        Self::from_base(x)
    }
}

impl Add for Ext5 {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Self(core::array::from_fn(|i| self.0[i] + rhs.0[i]))
    }
}

impl Sub for Ext5 {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        Self(core::array::from_fn(|i| self.0[i] - rhs.0[i]))
    }
}

impl Neg for Ext5 {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Self(core::array::from_fn(|i| -self.0[i]))
    }
}

/// Product of coefficient vectors modulo `X^5 + X^2 - 1`.
///
/// With `c = a * b` as a degree-8 polynomial, the reduction uses `X^5 = 1 - X^2`,
/// `X^6 = X - X^3`, `X^7 = X^2 - X^4` and `X^8 = X^3 + X^2 - 1`.
#[inline(always)]
pub(crate) fn mul_coeffs(a: &[KoalaBear; 5], b: &[KoalaBear; 5]) -> [KoalaBear; 5] {
    let mut c = [KoalaBear::ZERO; 9];
    for i in 0..5 {
        for j in 0..5 {
            c[i + j] += a[i] * b[j];
        }
    }
    [
        c[0] + c[5] - c[8],
        c[1] + c[6],
        c[2] - c[5] + c[7] + c[8],
        c[3] - c[6] + c[8],
        c[4] - c[7],
    ]
}

impl Mul for Ext5 {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        Self(mul_coeffs(&self.0, &rhs.0))
    }
}

impl Mul<KoalaBear> for Ext5 {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: KoalaBear) -> Self {
        Self(core::array::from_fn(|i| self.0[i] * rhs))
    }
}

impl Add<KoalaBear> for Ext5 {
    type Output = Self;
    #[inline(always)]
    fn add(mut self, rhs: KoalaBear) -> Self {
        self.0[0] += rhs;
        self
    }
}

macro_rules! assign_ops {
    ($($tr:ident $m:ident $op:tt $rhs:ty),*) => {$(
        impl $tr<$rhs> for Ext5 {
            #[inline(always)]
            fn $m(&mut self, rhs: $rhs) { *self = *self $op rhs; }
        }
    )*};
}
assign_ops!(
    AddAssign add_assign + Ext5,
    SubAssign sub_assign - Ext5,
    MulAssign mul_assign * Ext5,
    MulAssign mul_assign * KoalaBear
);

impl Sum for Ext5 {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

impl Product for Ext5 {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ONE, |a, b| a * b)
    }
}
