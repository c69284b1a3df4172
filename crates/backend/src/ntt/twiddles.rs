//! Cached twiddle tables, one per transform size and direction.
//!
//! The table for `2^log_n` rows holds, at indices `h..2h` for every power of two `h < 2^log_n`,
//! the powers `w_{2h}^0, .., w_{2h}^(h-1)` of the root of unity of order `2h`
//! (`KoalaBear::two_adic_generator(log2(2h))`, or its inverse for the inverse transform), as raw
//! Montgomery words. Index 0 is unused. A radix-2 layer with half-size `h` therefore reads the
//! contiguous slice `tw[h..2h]`, so twiddles load as whole vectors.

use std::sync::OnceLock;

use crate::field::KoalaBear;

/// Largest supported `log2` of a transform size (the two-adicity of KoalaBear).
pub(crate) const MAX_LOG: usize = KoalaBear::TWO_ADICITY;

static FORWARD: [OnceLock<Vec<u32>>; MAX_LOG + 1] = [const { OnceLock::new() }; MAX_LOG + 1];
static INVERSE: [OnceLock<Vec<u32>>; MAX_LOG + 1] = [const { OnceLock::new() }; MAX_LOG + 1];

/// The twiddle table for transforms of `2^log_n` rows (length `max(1, 2^log_n)`), computed on
/// first use and cached for the life of the process.
pub(crate) fn table(log_n: usize, inverse: bool) -> &'static [u32] {
    assert!(log_n <= MAX_LOG, "no twiddles for 2^{log_n} rows");
    let cache = if inverse { &INVERSE } else { &FORWARD };
    cache[log_n].get_or_init(|| build(log_n, inverse))
}

fn build(log_n: usize, inverse: bool) -> Vec<u32> {
    let n = 1usize << log_n;
    let mut tw = vec![0u32; n.max(1)];
    for lh in 0..log_n {
        let h = 1usize << lh;
        let mut root = KoalaBear::two_adic_generator(lh + 1);
        if inverse {
            root = root.inverse_or_zero();
        }
        let mut cur = KoalaBear::ONE;
        for t in &mut tw[h..2 * h] {
            *t = cur.to_monty();
            cur *= root;
        }
    }
    tw
}
