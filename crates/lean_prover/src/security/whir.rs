//! The parameter schedule and round-by-round soundness of a WHIR opening (Arnon, Chiesa,
//! Fenzi, Yogev, ePrint 2024/1586) in the Johnson-bound regime, for the proof system v2 (the
//! stacked multilinear commitment; see `../shared/design/PROOF-V2.md`, section 3).
//!
//! A polynomial of `v_0` variables is committed as a Reed-Solomon codeword of rate
//! `2^-r_0`. Round `i` folds the current oracle's polynomial by `k_i` variables with `k_i`
//! sumcheck rounds (grinding before every folding challenge), commits the folded polynomial
//! on a smaller domain (the first round shrinks it by `2^first_domain_shrink`, later rounds by
//! 2, so the rate improves), samples out-of-domain points of the new oracle, grinds, queries
//! the current oracle `t_i` times and combines the claims. Once at most
//! `max_final_variables` remain, the polynomial is sent in the clear.
//!
//! Per oracle a multiplicity `m` fixes `eta = sqrt(rho) / (2m)`, the proximity
//! `gamma = 1 - sqrt(rho) - eta` and the list size `L = m / rho`; the terms are
//! ([`super::terms`] for the proximity-gap error, [`super::terms::bchks25_linear`]):
//!
//! * each sumcheck fold: `eps(n) + 2 L / |K|` (a line, BCHKS25 Thm 1.5 / 4.2, on the oracle's
//!   `n` points; the round polynomial of degree 2 by Schwartz-Zippel), times `2^-pow_fold`;
//! * out-of-domain samples of an oracle of `v` variables: the least `w` with
//!   `w log|K| + 1 - 2 log2 L - v w >= lambda` (error `L^2 / 2 (2^v / |K|)^w`, STIR, ePrint
//!   2024/390, Lemma 4.5);
//! * queries: `t = ceil((lambda - pow_query) / -log2(sqrt(rho) + eta))` (error
//!   `(sqrt(rho) + eta)^t 2^-pow_query`);
//! * combination ("shift"): `log|K| - log2(w' + t) - log2 L' - 1` bits, `w', L'` of the next
//!   oracle (1 for the final polynomial).
//!
//! The multiplicity of each oracle is the smallest `m` in `3..=100` among those that give the
//! fewest queries while every fold of that oracle reaches `lambda` with `pow_bits` of grinding;
//! if no `m` does, `m = 3`. Either way each fold grinds only the bits it lacks to reach
//! `lambda` (at most `pow_bits` in the first case, at most [`backend::challenger::MAX_BITS`]
//! in the second): grinding costs `2^bits` permutations per folding challenge, and upstream's
//! fixed 16 bits per fold would be most of a small proof's time. These choices reproduce the worked examples of
//! `PROOF-V2.md` (recomputed there from upstream leanMultisig's formulas), which the tests
//! check. Zerocheck, GKR and the LogUp identity are the statement's terms, added by the
//! caller.

use super::terms::{self, Johnson, bits};

/// How a WHIR opening is configured.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct WhirConfig {
    /// Variables of the committed polynomial.
    pub num_variables: usize,
    /// `log2(1 / rate)` of the first codeword.
    pub log_inv_rate: usize,
    /// The target `lambda`, in bits, of every round.
    pub security_bits: f64,
    /// Grinding bits before each round's queries, and the most a fold may grind when a
    /// multiplicity lets it reach the target (folds grind only what they lack).
    pub pow_bits: usize,
    /// Variables folded in the first round.
    pub first_folding_factor: usize,
    /// Variables folded in every later round.
    pub folding_factor: usize,
    /// `log2` of how much the first round shrinks the evaluation domain.
    pub first_domain_shrink: usize,
    /// The polynomial is sent in the clear once it has at most this many variables.
    pub max_final_variables: usize,
}

impl WhirConfig {
    /// Upstream leanMultisig's schedule (main 5cf504a, as `PROOF-V2.md` section 2 reads it):
    /// 124 bits, 16 grinding bits, folding factor 7 then 5, the first round shrinking the domain
    /// by `2^5`, at most 8 final variables.
    pub fn upstream(num_variables: usize, log_inv_rate: usize) -> WhirConfig {
        WhirConfig {
            num_variables,
            log_inv_rate,
            security_bits: 124.0,
            pow_bits: 16,
            first_folding_factor: 7,
            folding_factor: 5,
            first_domain_shrink: 5,
            max_final_variables: 8,
        }
    }
}

/// One committed oracle and the round that folds and queries it.
#[derive(Clone, Debug, PartialEq)]
pub struct WhirRound {
    /// Variables of the oracle's polynomial.
    pub num_variables: usize,
    /// `log2(1 / rate)` of its codeword.
    pub log_inv_rate: usize,
    /// Variables folded by this round.
    pub folding_factor: usize,
    /// The Johnson multiplicity chosen for this oracle.
    pub johnson_m: usize,
    /// Out-of-domain samples of this oracle (taken when it is committed).
    pub ood_samples: usize,
    /// Queries to this oracle.
    pub num_queries: usize,
    /// Grinding bits before each of this round's folding challenges (the bits its folds lack
    /// to reach the target, possibly 0).
    pub fold_pow_bits: usize,
    /// Bits of each fold (grinding included).
    pub fold_bits: f64,
    /// Bits of the out-of-domain samples.
    pub ood_bits: f64,
    /// Bits of the queries (grinding included).
    pub query_bits: f64,
    /// Bits of the combination of the claims.
    pub combination_bits: f64,
}

impl WhirRound {
    /// The weakest of this round's terms.
    pub fn weakest_bits(&self) -> f64 {
        self.fold_bits
            .min(self.ood_bits)
            .min(self.query_bits)
            .min(self.combination_bits)
    }
}

/// The schedule of a WHIR opening: the rounds, the final polynomial and the weakest round.
#[derive(Clone, Debug, PartialEq)]
pub struct WhirSchedule {
    /// The configuration it was derived from.
    pub config: WhirConfig,
    /// One entry per committed oracle, the initial commitment first.
    pub rounds: Vec<WhirRound>,
    /// Variables of the polynomial sent in the clear.
    pub final_variables: usize,
    /// The weakest term of any round, in bits (round-by-round soundness).
    pub weakest_bits: f64,
}

/// The multiplicity range searched per oracle.
pub const WHIR_M_RANGE: std::ops::RangeInclusive<usize> = 3..=100;

/// Errors of one fold of an oracle with `v` variables at rate `2^-r`, without grinding.
fn fold_error(j: &Johnson, v: usize, r: usize, log_k: f64) -> f64 {
    let domain = 2f64.powi((v + r) as i32);
    terms::bchks25_linear(j, domain, log_k) + 2.0 * j.list_size() / 2f64.powf(log_k)
}

/// Queries for `target` bits after `pow` grinding bits.
fn queries_for(j: &Johnson, target: f64, pow: usize) -> usize {
    let per_query = -(1.0 - j.gamma()).log2();
    (((target - pow as f64) / per_query).ceil().max(1.0)) as usize
}

/// The fewest out-of-domain samples for an oracle of `v` variables with list size `list`.
fn ood_samples(v: usize, list: f64, target: f64, log_k: f64) -> (usize, f64) {
    let bits_for = |w: usize| w as f64 * log_k + 1.0 - 2.0 * list.log2() - (v * w) as f64;
    let mut w = 1;
    while bits_for(w) < target && w < 64 {
        w += 1;
    }
    (w, bits_for(w))
}

impl WhirSchedule {
    /// Derives the schedule of `config` under the BCHKS25 bound.
    pub fn derive(config: WhirConfig) -> WhirSchedule {
        let log_k = super::log2_ext_field_size();
        let lambda = config.security_bits;
        // The oracles: (variables, log inverse rate, variables folded by their round).
        let mut oracles = Vec::new();
        let (mut v, mut r) = (config.num_variables, config.log_inv_rate);
        let mut first = true;
        loop {
            let k = if first {
                config.first_folding_factor
            } else {
                config.folding_factor
            }
            .min(v);
            oracles.push((v, r, k));
            let shrink = if first { config.first_domain_shrink } else { 1 };
            let next_v = v - k;
            if next_v <= config.max_final_variables || k == 0 {
                v = next_v;
                break;
            }
            r = (r + k).saturating_sub(shrink);
            v = next_v;
            first = false;
        }
        let final_variables = v;

        // Per oracle: the multiplicity, its fold grinding, list size and queries.
        let picks: Vec<(Johnson, usize, usize)> = oracles
            .iter()
            .map(|&(v, r, _)| {
                let rho = 2f64.powi(-(r as i32));
                let ok = |m: usize| {
                    let j = Johnson::from_m(rho, m);
                    bits(fold_error(&j, v, r, log_k)) + config.pow_bits as f64 >= lambda
                };
                let best = WHIR_M_RANGE
                    .filter(|&m| ok(m))
                    .map(|m| {
                        let j = Johnson::from_m(rho, m);
                        (queries_for(&j, lambda, config.pow_bits), m)
                    })
                    .min();
                // Each fold grinds only the bits it lacks (at most `pow_bits` when an `m`
                // was found, at most `backend::challenger::MAX_BITS` otherwise).
                let lack = |j: &Johnson| {
                    let l = (lambda - bits(fold_error(j, v, r, log_k))).ceil().max(0.0);
                    (l as usize).min(backend::challenger::MAX_BITS)
                };
                match best {
                    Some((t, m)) => {
                        let j = Johnson::from_m(rho, m);
                        (j, lack(&j), t)
                    }
                    None => {
                        let j = Johnson::from_m(rho, *WHIR_M_RANGE.start());
                        (j, lack(&j), queries_for(&j, lambda, config.pow_bits))
                    }
                }
            })
            .collect();

        let mut rounds = Vec::with_capacity(oracles.len());
        for (i, (&(v, r, k), &(j, fold_pow, t))) in oracles.iter().zip(&picks).enumerate() {
            let (w, ood_bits) = ood_samples(v, j.list_size(), lambda, log_k);
            let (next_w, next_list) = match picks.get(i + 1) {
                Some((nj, _, _)) => (
                    ood_samples(oracles[i + 1].0, nj.list_size(), lambda, log_k).0,
                    nj.list_size(),
                ),
                None => (0, 1.0),
            };
            rounds.push(WhirRound {
                num_variables: v,
                log_inv_rate: r,
                folding_factor: k,
                johnson_m: j.m,
                ood_samples: w,
                num_queries: t,
                fold_pow_bits: fold_pow,
                fold_bits: bits(fold_error(&j, v, r, log_k)) + fold_pow as f64,
                ood_bits,
                query_bits: bits(terms::query(&j, t, config.pow_bits)),
                combination_bits: log_k - ((next_w + t) as f64).log2() - next_list.log2() - 1.0,
            });
        }
        let weakest_bits = rounds
            .iter()
            .map(WhirRound::weakest_bits)
            .fold(f64::INFINITY, f64::min);
        WhirSchedule {
            config,
            rounds,
            final_variables,
            weakest_bits,
        }
    }

    /// Queries per round, the initial oracle first.
    pub fn queries(&self) -> Vec<usize> {
        self.rounds.iter().map(|r| r.num_queries).collect()
    }

    /// Out-of-domain samples per oracle, the initial oracle first.
    pub fn ood_samples(&self) -> Vec<usize> {
        self.rounds.iter().map(|r| r.ood_samples).collect()
    }

    /// Variables of each oracle, the initial one first, then the final polynomial's.
    pub fn variables(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.rounds.iter().map(|r| r.num_variables).collect();
        v.push(self.final_variables);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PROOF-V2.md` section 3, worked example (recomputed there from upstream's formulas):
    /// 2^22 coefficients at rate 1/4 fold 22 -> 15 -> 10 -> 5, queries 114 / 55 / 28, OOD
    /// samples 2 / 1 / 1, weakest round 124.04 bits.
    #[test]
    fn reproduces_the_worked_example_of_proof_v2() {
        let s = WhirSchedule::derive(WhirConfig::upstream(22, 2));
        assert_eq!(s.variables(), vec![22, 15, 10, 5]);
        assert_eq!(s.queries(), vec![114, 55, 28]);
        assert_eq!(s.ood_samples(), vec![2, 1, 1]);
        assert_eq!(
            s.rounds.iter().map(|r| r.log_inv_rate).collect::<Vec<_>>(),
            vec![2, 4, 8]
        );
        assert!((s.weakest_bits - 124.04).abs() < 0.01, "{s:?}");
        // Folds grind only what they lack, never more than the 16 bits upstream grinds.
        assert!(
            s.rounds
                .iter()
                .all(|r| r.fold_pow_bits <= 16 && r.fold_bits >= 124.0)
        );
    }

    /// `PROOF-V2.md` section 5: queries 112 / 55 for 20 variables and 118 / 56 / 28 / 19 for
    /// 26 at rate 1/4.
    #[test]
    fn reproduces_the_size_model_query_counts() {
        assert_eq!(
            WhirSchedule::derive(WhirConfig::upstream(20, 2)).queries(),
            vec![112, 55]
        );
        let s = WhirSchedule::derive(WhirConfig::upstream(26, 2));
        assert_eq!(s.queries(), vec![118, 56, 28, 19]);
        assert_eq!(s.final_variables, 4);
        // The last oracle's folds cannot reach 124 bits with 16 grinding bits at any m >= 3:
        // they grind what they lack instead.
        let last = s.rounds.last().unwrap();
        assert_eq!(last.johnson_m, 3);
        assert!(
            last.fold_pow_bits > 16 && last.fold_bits >= 124.0,
            "{last:?}"
        );
    }

    #[test]
    fn every_round_meets_the_target_or_says_so() {
        for nv in 12..=28 {
            for r in 1..=3 {
                let s = WhirSchedule::derive(WhirConfig::upstream(nv, r));
                for round in &s.rounds {
                    assert!(round.query_bits >= 124.0, "{nv} {r}: {round:?}");
                    assert!(round.fold_bits >= 124.0, "{nv} {r}: {round:?}");
                    assert!(round.ood_bits >= 124.0, "{nv} {r}: {round:?}");
                }
                assert!(s.final_variables <= 8);
                // Fewer grinding bits never need fewer queries.
                let less = WhirSchedule::derive(WhirConfig {
                    pow_bits: 10,
                    ..WhirConfig::upstream(nv, r)
                });
                assert!(less.queries().iter().sum::<usize>() >= s.queries().iter().sum::<usize>());
            }
        }
    }
}
