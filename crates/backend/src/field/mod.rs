//! The KoalaBear prime field `p = 2^31 - 2^24 + 1` and its degree-5 extension.
//!
//! Elements are stored in Montgomery form (`x * 2^32 mod p`, always reduced below `p`), exactly
//! as Plonky3's `KoalaBear` stores them, so the two types have the same bits for the same value
//! and slices of either can be handed to the packed kernels in [`crate::kernels`].

mod ext5;
mod koala_bear;

pub use ext5::Ext5;
pub use koala_bear::KoalaBear;

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

/// Reinterprets a slice of field elements as their raw Montgomery words.
#[inline(always)]
pub(crate) fn as_raw(s: &[KoalaBear]) -> &[u32] {
    // SAFETY: `KoalaBear` is `#[repr(transparent)]` over `u32`, so the pointer, length and
    // alignment of the slice describe a valid `[u32]` of the same length and lifetime.
    unsafe { core::slice::from_raw_parts(s.as_ptr().cast::<u32>(), s.len()) }
}

/// Mutable version of [`as_raw`]. Callers must only write canonical Montgomery values (`< p`);
/// every kernel output is reduced, so this holds for all writers in this crate.
#[inline(always)]
pub(crate) fn as_raw_mut(s: &mut [KoalaBear]) -> &mut [u32] {
    // SAFETY: as in `as_raw`; the exclusive borrow is handed on, so no aliasing is created.
    unsafe { core::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<u32>(), s.len()) }
}

/// Reinterprets a slice of extension elements as `5 * len` raw Montgomery words.
#[inline(always)]
pub(crate) fn ext_as_raw(s: &[Ext5]) -> &[u32] {
    // SAFETY: `Ext5` is `#[repr(transparent)]` over `[KoalaBear; 5]`, itself five `u32`s with
    // no padding, so the memory is a valid `[u32]` of length `5 * len`.
    unsafe { core::slice::from_raw_parts(s.as_ptr().cast::<u32>(), s.len() * 5) }
}

/// Mutable version of [`ext_as_raw`]; the same canonical-output rule as [`as_raw_mut`].
#[inline(always)]
pub(crate) fn ext_as_raw_mut(s: &mut [Ext5]) -> &mut [u32] {
    // SAFETY: as in `ext_as_raw`; the exclusive borrow is handed on.
    unsafe { core::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<u32>(), s.len() * 5) }
}
