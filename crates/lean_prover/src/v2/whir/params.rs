//! The concrete parameters of one WHIR opening, derived from the calculator's schedule
//! ([`crate::security::whir::WhirSchedule`]) and checked against what the prover can run
//! (transform heights, query-index bits, grinding bits).

use super::error::WhirError;
use crate::security::whir::{WhirConfig, WhirSchedule};
use backend::KoalaBear;
use backend::challenger::{Challenger, MAX_BITS};
use backend::ntt::MAX_LOG_HEIGHT;

/// Largest number of variables a WHIR opening accepts (the first oracle's leaves must fit
/// an NTT column and a query index: `v - k_0 + r_0 <= 24`).
pub const MAX_VARIABLES: usize = 30;

/// One committed oracle and the round that folds and queries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundParams {
    /// Variables `v_i` of the oracle's polynomial.
    pub num_variables: usize,
    /// `log2(1 / rate)` `r_i` of its codeword.
    pub log_inv_rate: usize,
    /// Variables `k_i` folded by this round (the leaves hold `2^k_i` values).
    pub folding_factor: usize,
    /// Out-of-domain samples of this oracle, taken when it is committed.
    pub ood_samples: usize,
    /// Queries to this oracle.
    pub num_queries: usize,
    /// Grinding bits before each of this round's `k_i` folding challenges.
    pub fold_pow_bits: usize,
    /// Grinding bits before this round's query indices.
    pub query_pow_bits: usize,
}

impl RoundParams {
    /// `log2` of the number of leaves: `v_i - k_i + r_i` (each leaf is one point of the
    /// evaluation domain `D_i` of the `2^k_i` interleaved codewords).
    pub fn log_leaves(&self) -> usize {
        self.num_variables - self.folding_factor + self.log_inv_rate
    }

    /// Variables left after this round's folds.
    pub fn folded_variables(&self) -> usize {
        self.num_variables - self.folding_factor
    }
}

/// The parameters of a WHIR opening: the rounds (one per committed oracle, the initial one
/// first) and the size of the final polynomial, sent in the clear.
#[derive(Clone, Debug, PartialEq)]
pub struct WhirParams {
    /// One entry per committed oracle.
    pub rounds: Vec<RoundParams>,
    /// Variables of the final polynomial.
    pub final_variables: usize,
    /// The schedule the rounds come from (its soundness terms).
    pub schedule: WhirSchedule,
}

impl WhirParams {
    /// Observes the parameters that fix the shape (the variables and the first rate, both
    /// far below `p`): the first transcript step of a commitment, on both sides.
    pub(super) fn observe(&self, ch: &mut Challenger) {
        ch.observe(KoalaBear::new(self.num_variables() as u32));
        ch.observe(KoalaBear::new(self.rounds[0].log_inv_rate as u32));
    }

    /// Derives the parameters of `config` with the calculator
    /// ([`WhirSchedule::derive`]) and checks that they can be run.
    ///
    /// # Errors
    /// [`WhirError::Params`] naming the first parameter out of range: no variables, more than
    /// [`MAX_VARIABLES`], a zero folding factor, a rate of 0 bits, leaves above the NTT's
    /// `2^24`, or grinding above the transcript's 24 bits.
    pub fn new(config: WhirConfig) -> Result<WhirParams, WhirError> {
        let bad = |what: &'static str, value: usize| Err(WhirError::Params { what, value });
        if config.num_variables == 0 || config.num_variables > MAX_VARIABLES {
            return bad("num_variables", config.num_variables);
        }
        if config.first_folding_factor == 0 {
            return bad("first_folding_factor", 0);
        }
        if config.folding_factor == 0 {
            return bad("folding_factor", 0);
        }
        if config.log_inv_rate == 0 || config.log_inv_rate > 8 {
            return bad("log_inv_rate", config.log_inv_rate);
        }
        if config.pow_bits > MAX_BITS {
            return bad("pow_bits", config.pow_bits);
        }
        let schedule = WhirSchedule::derive(config);
        let rounds: Vec<RoundParams> = schedule
            .rounds
            .iter()
            .map(|r| RoundParams {
                num_variables: r.num_variables,
                log_inv_rate: r.log_inv_rate,
                folding_factor: r.folding_factor,
                ood_samples: r.ood_samples,
                num_queries: r.num_queries,
                fold_pow_bits: r.fold_pow_bits,
                query_pow_bits: config.pow_bits,
            })
            .collect();
        for r in &rounds {
            let log_leaves = r.log_leaves();
            if log_leaves > MAX_LOG_HEIGHT.min(MAX_BITS) {
                return bad("log_leaves", log_leaves);
            }
            if r.fold_pow_bits > MAX_BITS {
                return bad("fold_pow_bits", r.fold_pow_bits);
            }
        }
        Ok(WhirParams {
            final_variables: schedule.final_variables,
            rounds,
            schedule,
        })
    }

    /// Variables of the committed polynomial.
    pub fn num_variables(&self) -> usize {
        self.rounds[0].num_variables
    }

    /// The IOP's round-by-round soundness in bits: the weakest term of any round (the
    /// calculator's figure; the final sumcheck's `2 v_final / |K|` is far below it).
    pub fn security_bits(&self) -> f64 {
        self.schedule.weakest_bits
    }
}
