//! The soundness target of an aggregate proof: the grinding bits ([`POW_BITS`],
//! [`BUS_POW_BITS`]), the two [`SecurityLevel`]s and the STARK parameters they give
//! ([`stark_params`]); the proof system v2 parameters ([`params_v2`]).

use lean_prover::{SecurityShape, SecurityTarget, StarkParams};

/// Proof-of-work bits of an aggregate proof, ground before the FRI queries: each bit of
/// grinding is worth about one query at rate 1/4 (a row of every committed column and its
/// Merkle paths, about 4 KB of proof) and doubles the grinding time (2^18 batched Poseidon2
/// permutations take about 14 ms on two AVX-512 cores, extrapolated from the 16-bit grinding
/// benchmark in `BENCHMARKS.md`).
pub const POW_BITS: usize = 18;

/// Proof-of-work bits ground before the bus challenges: the LogUp term (tens of millions of
/// fractions of up to 17 values at the largest N) is what binds the conjectured figure of
/// large aggregates (123.5 bits at N = 32,768 without grinding); 8 bits cost 2^8
/// permutations (well under a millisecond) and add 8 bits to that term.
pub const BUS_POW_BITS: usize = 8;

/// Which soundness figure the number of FRI queries is chosen for. Either level is met or the
/// parameters are refused with an error ([`stark_params`]); a proof never carries a label
/// its parameters do not give.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SecurityLevel {
    /// The default: at least 100 provable bits in the Johnson-bound regime under
    /// [`JohnsonBound::Bchks25`](lean_prover::JohnsonBound) and at least 124 conjectured bits.
    #[default]
    Provable,
    /// At least 124 conjectured bits only (ethSTARK-style conjecture): about 60% of the
    /// queries of `Provable` and about 70 provable bits. The conjectures of that family were
    /// refuted near capacity in 2025 (Crites and Stewart, ePrint 2025/2046), so verifiers
    /// refuse it under their default policy; an explicitly lowered choice only.
    Conjectured,
}

impl SecurityLevel {
    /// Wire tag.
    pub fn tag(self) -> u8 {
        match self {
            SecurityLevel::Conjectured => 0,
            SecurityLevel::Provable => 1,
        }
    }

    /// From a wire tag.
    pub fn from_tag(t: u8) -> Option<SecurityLevel> {
        match t {
            0 => Some(SecurityLevel::Conjectured),
            1 => Some(SecurityLevel::Provable),
            _ => None,
        }
    }

    /// Lower-case name (`"provable"`, `"conjectured"`).
    pub fn name(self) -> &'static str {
        match self {
            SecurityLevel::Conjectured => "conjectured",
            SecurityLevel::Provable => "provable",
        }
    }

    /// The target the number of queries is derived for, with [`POW_BITS`] of grinding.
    pub fn target(self) -> SecurityTarget {
        let provable_bits = match self {
            SecurityLevel::Provable => 100.0,
            SecurityLevel::Conjectured => 0.0,
        };
        SecurityTarget {
            conjectured_bits: 124.0,
            provable_bits,
            pow_bits: POW_BITS,
            bus_pow_bits: BUS_POW_BITS,
            assumption: lean_prover::JohnsonBound::Bchks25,
        }
    }
}

/// The STARK parameters for a statement of `shape` at `log_inv_rate`: the fewest FRI queries
/// meeting [`SecurityLevel::target`].
///
/// # Errors
/// [`ParamsError::Unreachable`](lean_prover::params::ParamsError) with the best figures
/// reachable, when no number of queries meets the level (never a weaker fallback), or
/// `OutOfRange` for a bad rate.
pub fn stark_params(
    log_inv_rate: usize,
    level: SecurityLevel,
    shape: &SecurityShape,
) -> Result<StarkParams, lean_prover::params::ParamsError> {
    StarkParams::for_security(log_inv_rate, level.target(), shape)
}

/// The proof system v2 parameters of an aggregate at rate `2^-log_inv_rate`:
/// [`ParamsV2::standard`](lean_prover::v2::ParamsV2::standard), 124 provable bits, the WHIR
/// schedule chosen by measurement (`BENCHMARKS.md`, "v2: the WHIR schedule"). Prover and
/// verifier both derive them from the rate.
pub fn params_v2(log_inv_rate: usize) -> lean_prover::v2::ParamsV2 {
    lean_prover::v2::ParamsV2::standard(log_inv_rate)
}

/// The largest number of signatures one proof-system-v2 proof covers at `log_inv_rate` in
/// `config`: the largest `n` whose statement the v2 plan accepts with [`params_v2`] (every
/// table at most `2^24` rows and the first WHIR oracle at most `2^24` leaves; at rate 1/4 in
/// the prod configuration 9,039). 0 if no statement fits (a rate outside the range).
/// Computed once per configuration and rate.
pub fn max_signatures_v2(config: xmss::Config, log_inv_rate: usize) -> usize {
    use std::sync::OnceLock;
    const RATES: usize = 8;
    static CACHE: [[OnceLock<usize>; RATES]; 2] = [const { [const { OnceLock::new() }; RATES] }; 2];
    let Some(slot) = CACHE[usize::from(config == xmss::Config::Test)].get(log_inv_rate) else {
        return 0;
    };
    *slot.get_or_init(|| {
        let params = params_v2(log_inv_rate);
        let fits = |n: usize| {
            super::Statement::placeholder(config, n)
                .security_v2(&params)
                .is_ok()
        };
        if !fits(1) {
            return 0;
        }
        // Doubling, then bisection: fits(lo) holds and fits(hi) fails. No statement of 2^24
        // signatures fits (its tallest table alone has more than 2^24 rows).
        let (mut lo, mut hi) = (1usize, 2usize);
        while hi < 1 << 24 && fits(hi) {
            lo = hi;
            hi *= 2;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(mid) { lo = mid } else { hi = mid }
        }
        lo
    })
}
