//! Test helpers shared by the integration tests: deterministic pseudo-random field states.

use backend::KoalaBear;

/// splitmix64: deterministic pseudo-random states.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 pseudo-random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Random cells.
    #[allow(dead_code)] // not every test binary uses every helper
    pub fn state<const T: usize>(&mut self) -> [KoalaBear; T] {
        core::array::from_fn(|_| KoalaBear::from_u64(self.next()))
    }

    /// Random cells, with edge values (0, 1, p - 1) mixed in.
    #[allow(dead_code)] // not every test binary uses every helper
    pub fn state_with_edges<const T: usize>(&mut self) -> [KoalaBear; T] {
        core::array::from_fn(|_| match self.next() % 8 {
            0 => KoalaBear::ZERO,
            1 => KoalaBear::ONE,
            2 => KoalaBear::NEG_ONE,
            _ => KoalaBear::from_u64(self.next()),
        })
    }
}
