//! The KoalaBear prime field `p = 2^31 - 2^24 + 1` and its degree-5 extension.
//!
//! Elements are stored in Montgomery form (`x * 2^32 mod p`, always reduced below `p`), exactly
//! as Plonky3's `KoalaBear` stores them, so the two types have the same bits for the same value
//! and slices of either can be handed to the packed kernels in [`crate::kernels`].

mod ext5;
mod koala_bear;
pub(crate) mod monty;

pub use ext5::Ext5;
pub use koala_bear::KoalaBear;
pub use monty::{MONTY_MU, P, monty_reduce};

impl KoalaBear {
    /// `vec![KoalaBear::ZERO; n]`, allocated zeroed (`calloc`).
    ///
    /// The standard library turns `vec![0u32; n]` into a zeroed allocation, but not
    /// `vec![x; n]` for a type of ours: that writes the elements one by one, a loop the
    /// optimiser turns into `memset` at opt-level 3 but not at `"z"`, where it costs more than
    /// the kernel that then overwrites the vector.
    pub fn zero_vec(n: usize) -> Vec<KoalaBear> {
        let words = vec![0u32; n];
        let mut words = core::mem::ManuallyDrop::new(words);
        let (ptr, len, cap) = (words.as_mut_ptr(), words.len(), words.capacity());
        // SAFETY: `KoalaBear` is `#[repr(transparent)]` over `u32` (same size and alignment),
        // so the allocation of `cap` words has exactly the layout of `cap` elements, and the
        // word 0 is the Montgomery form of zero, a valid element. Ownership of the allocation
        // moves to the new vector (`words` is never dropped).
        unsafe { Vec::from_raw_parts(ptr.cast::<KoalaBear>(), len, cap) }
    }
}

impl Ext5 {
    /// `vec![Ext5::ZERO; n]`, allocated zeroed (`calloc`); see [`KoalaBear::zero_vec`].
    pub fn zero_vec(n: usize) -> Vec<Ext5> {
        let words = vec![0u32; n.checked_mul(5).expect("Ext5::zero_vec: length overflow")];
        if words.capacity() != 5 * n {
            // Not expected (the allocation is exact), but the layout must match exactly.
            return vec![Ext5::ZERO; n];
        }
        let mut words = core::mem::ManuallyDrop::new(words);
        let ptr = words.as_mut_ptr();
        // SAFETY: `Ext5` is `#[repr(transparent)]` over `[KoalaBear; 5]`, five `u32`s with no
        // padding and the alignment of `u32`, so `5 n` words (the exact capacity, checked
        // above) have exactly the layout of `n` elements; all-zero words are `Ext5::ZERO`.
        // Ownership of the allocation moves to the new vector (`words` is never dropped).
        unsafe { Vec::from_raw_parts(ptr.cast::<Ext5>(), n, n) }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_vecs_equal_the_generic_ones() {
        for n in [0usize, 1, 5, 2048, 4099] {
            let mut a = KoalaBear::zero_vec(n);
            assert_eq!(a, vec![KoalaBear::ZERO; n]);
            // Usable as an ordinary vector: grows, and frees with the right layout.
            a.push(KoalaBear::ONE);
            assert_eq!(a.len(), n + 1);
            let mut e = Ext5::zero_vec(n);
            assert_eq!(e, vec![Ext5::ZERO; n]);
            assert_eq!(e.capacity(), n);
            e.push(Ext5::ONE);
            assert_eq!(e[n], Ext5::ONE);
        }
    }
}
