//! Arithmetic on raw Montgomery words: the modulus, the Montgomery constant, the reduction,
//! and the one-word `add`, `sub` and `mul` that the scalar kernel set and every slice tail use.
//!
//! A Montgomery word is `x * 2^32 mod p`, always fully reduced below `p`. These functions are
//! the lowest layer of the crate: [`super::KoalaBear`] is built on them, and the packed kernels
//! (generic bodies and the one-lane kernel set) call them for lanes that do not fill a vector.

/// The modulus `p = 2^31 - 2^24 + 1 = 0x7f000001`.
pub const P: u32 = 0x7f00_0001;

/// `p^-1 mod 2^32`: the Montgomery constant (Plonky3 calls it `MONTY_MU`).
pub const MONTY_MU: u32 = 0x8100_0001;

/// Montgomery reduction: for `x < p * 2^32`, returns `x * 2^-32 mod p`, fully reduced.
#[inline(always)]
pub const fn monty_reduce(x: u64) -> u32 {
    let t = x.wrapping_mul(MONTY_MU as u64) & 0xffff_ffff;
    let u = t * P as u64;
    let (x_sub_u, borrow) = x.overflowing_sub(u);
    let hi = (x_sub_u >> 32) as u32;
    if borrow { hi.wrapping_add(P) } else { hi }
}

/// `a + b mod p` on Montgomery words.
#[inline(always)]
pub(crate) fn add(a: u32, b: u32) -> u32 {
    let s = a + b;
    s.min(s.wrapping_sub(P))
}

/// `a - b mod p` on Montgomery words.
#[inline(always)]
pub(crate) fn sub(a: u32, b: u32) -> u32 {
    let d = a.wrapping_sub(b);
    d.min(d.wrapping_add(P))
}

/// Montgomery product of two Montgomery words.
#[inline(always)]
pub(crate) fn mul(a: u32, b: u32) -> u32 {
    monty_reduce(a as u64 * b as u64)
}
