//! The parameters of a v2 proof: the WHIR schedule's inputs (everything but the number of
//! variables, which the statement fixes) and the grinding before the bus challenges.

use crate::security::whir::WhirConfig;
use crate::v2::arith::ObserveKnown;
use backend::KoalaBear;

/// Parameters of a v2 proof.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct ParamsV2 {
    /// `log2(1 / rate)` of the committed codeword.
    pub log_inv_rate: usize,
    /// The WHIR target of every round, in bits.
    pub security_bits: f64,
    /// WHIR grinding bits (before each round's queries, at most per fold).
    pub pow_bits: usize,
    /// Grinding bits before the bus challenges.
    pub bus_pow_bits: usize,
    /// Variables folded in WHIR's first round.
    pub first_folding_factor: usize,
    /// Variables folded in every later round.
    pub folding_factor: usize,
    /// `log2` of how much WHIR's first round shrinks the domain.
    pub first_domain_shrink: usize,
    /// The polynomial is sent in the clear once it has at most this many variables.
    pub max_final_variables: usize,
    /// The stacked polynomial has at least this many variables (padding small statements up
    /// to a size the schedule handles).
    pub min_variables: usize,
}

impl ParamsV2 {
    /// Upstream's WHIR schedule ([`WhirConfig::upstream`]: 124 bits, 16 grinding bits, folding
    /// factors 7 then 5) at rate `2^-log_inv_rate`, 16 bits before the bus challenges.
    pub fn upstream(log_inv_rate: usize) -> ParamsV2 {
        let w = WhirConfig::upstream(0, log_inv_rate);
        ParamsV2 {
            log_inv_rate,
            security_bits: w.security_bits,
            pow_bits: w.pow_bits,
            bus_pow_bits: 16,
            first_folding_factor: w.first_folding_factor,
            folding_factor: w.folding_factor,
            first_domain_shrink: w.first_domain_shrink,
            max_final_variables: w.max_final_variables,
            min_variables: w.first_folding_factor + w.max_final_variables,
        }
    }

    /// Our default schedule: upstream's target (124 bits, 16 grinding bits) and first round
    /// (folding 7 variables, shrinking the domain by `2^5`), then folding 4 variables per
    /// round instead of 5, and 8 grinding bits before the bus challenges instead of 16 (the
    /// LogUp term is then still above 131 bits at 1000 signatures, WHIR's rounds bind).
    /// Measured on the prod aggregation statement (`BENCHMARKS.md`, "v2: the WHIR
    /// schedule"): proofs 2-10% smaller than [`ParamsV2::upstream`]'s (below upstream
    /// leanMultisig's at every N measured); prover CPU time at N = 1000 15.7 s against
    /// 15.2-16.7 s, single runs at N = 8 to 64 differing by up to 20 ms either way, which is
    /// the spread of the grinding nonces, so no time difference is established.
    pub fn standard(log_inv_rate: usize) -> ParamsV2 {
        ParamsV2 {
            folding_factor: 4,
            bus_pow_bits: 8,
            ..ParamsV2::upstream(log_inv_rate)
        }
    }

    /// The compact schedule: upstream's targets (124 bits, 16 grinding bits, 16 bits before
    /// the bus challenges) with WHIR folding 6 variables in the first round and 4 in every
    /// later one, the first round shrinking the domain by `2^4`. Measured on the prod
    /// aggregation statement (`BENCHMARKS.md`, "v2: the WHIR schedule"): proofs 15-21% smaller
    /// than [`ParamsV2::upstream`]'s for 5-20% more prover CPU time (the second oracle's
    /// codeword is twice as large).
    pub fn compact(log_inv_rate: usize) -> ParamsV2 {
        ParamsV2 {
            first_folding_factor: 6,
            folding_factor: 4,
            first_domain_shrink: 4,
            min_variables: 6 + 8,
            ..ParamsV2::upstream(log_inv_rate)
        }
    }

    /// The WHIR configuration for a stacked polynomial of `num_variables` variables.
    pub fn whir(&self, num_variables: usize) -> WhirConfig {
        WhirConfig {
            num_variables,
            log_inv_rate: self.log_inv_rate,
            security_bits: self.security_bits,
            pow_bits: self.pow_bits,
            first_folding_factor: self.first_folding_factor,
            folding_factor: self.folding_factor,
            first_domain_shrink: self.first_domain_shrink,
            max_final_variables: self.max_final_variables,
        }
    }

    /// Observes every parameter (the security target as its bits times 1000, rounded).
    pub(crate) fn observe(&self, ch: &mut impl ObserveKnown) {
        for x in [
            self.log_inv_rate,
            (self.security_bits * 1000.0).round().clamp(0.0, 1e9) as usize,
            self.pow_bits,
            self.bus_pow_bits,
            self.first_folding_factor,
            self.folding_factor,
            self.first_domain_shrink,
            self.max_final_variables,
            self.min_variables,
        ] {
            ch.observe(KoalaBear::new(x.min(1 << 30) as u32));
        }
    }
}
