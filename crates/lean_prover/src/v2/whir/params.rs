//! The concrete parameters of one WHIR opening, derived from the calculator's schedule
//! ([`crate::security::whir::WhirSchedule`]) and checked against what the prover can run
//! (transform heights, query-index bits, grinding bits).

use super::error::WhirError;
use crate::security::whir::{WhirConfig, WhirSchedule};
use crate::v2::arith::ObserveKnown;
use backend::KoalaBear;
use backend::challenger::MAX_BITS;
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
    /// The blocks `a` of the first round's `2^k_0` (increasing) whose values the first
    /// oracle's leaves hold: every other block of the committed table is zero by the
    /// statement's shape, so it is neither encoded nor sent, and the verifier reads it as
    /// zero ([`WhirParams::with_first_active`]). All `2^k_0` blocks unless restricted.
    pub first_active: Vec<usize>,
}

impl WhirParams {
    /// Observes the parameters that fix the shape (the variables and the first rate, both
    /// far below `p`): the first transcript step of a commitment, on both sides.
    pub(crate) fn observe(&self, ch: &mut impl ObserveKnown) {
        ch.observe(KoalaBear::new(self.num_variables() as u32));
        ch.observe(KoalaBear::new(self.rounds[0].log_inv_rate as u32));
        // The first oracle's active blocks (at most 2^k_0 <= 2^30 indices below 2^30).
        ch.observe(KoalaBear::new(self.first_active.len() as u32));
        for &a in &self.first_active {
            ch.observe(KoalaBear::new(a as u32));
        }
    }

    /// These parameters with the first oracle restricted to the blocks `active` of the first
    /// round (`a < 2^k_0`, increasing, at least one): the committed table must be zero on
    /// every other block `f[a 2^(v - k_0) .. (a + 1) 2^(v - k_0)]`. Its leaves then hold
    /// `active.len()` values instead of `2^k_0` (less to encode, hash and send); the verifier
    /// folds an opened leaf with zeros in the other blocks' places. Soundness is unchanged:
    /// the oracle the verifier reads is still a word of the same interleaved code, one whose
    /// other blocks are zero by construction, and every check is the same.
    ///
    /// # Errors
    /// [`WhirError::Params`] if `active` is empty, not increasing, or names a block beyond
    /// `2^k_0`.
    pub fn with_first_active(mut self, active: Vec<usize>) -> Result<WhirParams, WhirError> {
        let blocks = 1usize << self.rounds[0].folding_factor;
        if active.is_empty() {
            return Err(WhirError::Params {
                what: "first_active.len()",
                value: 0,
            });
        }
        if let Some(w) = active.windows(2).find(|w| w[0] >= w[1]) {
            return Err(WhirError::Params {
                what: "first_active (not increasing)",
                value: w[1],
            });
        }
        if let Some(&a) = active.iter().find(|&&a| a >= blocks) {
            return Err(WhirError::Params {
                what: "first_active[j]",
                value: a,
            });
        }
        self.first_active = active;
        Ok(self)
    }

    /// Base elements in a leaf of oracle `round`: the first oracle's active blocks, or the
    /// `2^k_i` extension values (5 elements each) of a later one.
    pub fn leaf_width(&self, round: usize) -> usize {
        if round == 0 {
            self.first_active.len()
        } else {
            5 << self.rounds[round].folding_factor
        }
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
        let first_active = (0..1usize << rounds[0].folding_factor).collect();
        Ok(WhirParams {
            final_variables: schedule.final_variables,
            rounds,
            schedule,
            first_active,
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
