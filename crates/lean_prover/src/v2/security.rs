//! The security of a v2 proof: every soundness term of the protocol with the theorem it comes
//! from, the figure they give, and the verifier's policy on it.
//!
//! # The figure
//! The protocol is analysed round by round: each step (a WHIR fold, a WHIR query phase, the
//! LogUp identity, the AIR sumcheck, ...) is one [`Term`] whose error bounds that step's
//! round-by-round error (a step of several rounds counts the SUM of its rounds' errors, an
//! upper bound on each), and [`SecurityReportV2::provable_bits`] is the weakest term. Under
//! Fiat-Shamir an attacker making `Q` hash queries wins with probability at most `Q` times
//! that error (round-by-round soundness, Canetti et al. STOC 2019; Chiesa, Ojha, Spooner for
//! IOPs). Grinding before a challenge divides its step's error by `2^bits`.
//!
//! The WHIR terms are the calculator's ([`crate::security::whir`]). The statement's terms are
//! multiplied by `L`, WHIR's list size for the committed oracle: in the Johnson regime the
//! committed word can be close to up to `L` codewords, and the statement must be sound for
//! each of them (as the Johnson-regime analyses of FRI-based STARKs do with FRI's list).
//!
//! | term | error |
//! |---|---|
//! | LogUp identity | `L F (T + 1) / |K| * 2^-bus_pow_bits`: `F` fractions (private interaction rows, public ones, lookup tuples), tuples of at most `T` values (Haböck, ePrint 2022/1530, Schwartz-Zippel on the cleared identity; [`crate::security`]'s `logup`) |
//! | GKR | `L (3 G (G - 1) / 2 + 2 G) / |K|` for `2^G` stacked fractions ([`super::gkr`]: per layer `j`, `1/|K|` for the batching, `3/|K|` per round, `1/|K|` for the line) |
//! | AIR batching | `L (C + 1) / |K|`: `C` constraints combined with powers of `alpha` (degree `C - 1`), GKR's claims with `lambda` (degree 1) |
//! | AIR eq point | `L K / |K|`: a non-zero multilinear in `K` variables vanishes at the random `tau` |
//! | AIR sumcheck | `L K (D + 2) / |K|`: `K` rounds of degree `D + 1` (`eq` times the summand of degree `D`), Schwartz-Zippel (Lund, Fortnow, Karloff, Nisan 1992) |
//! | next-row sumchecks | `L sum_t (2 k_t + c_t - 1) / |K|`: `k_t` rounds of degree 2 and `c_t` rotated columns combined with powers of `beta` |
//! | WHIR claims batching | `L (claims + ood_0 - 1) / |K|`: the column claims and the initial out-of-domain claims combined with powers of one challenge |
//! | WHIR round `i` | fold, out-of-domain, query and combination terms of [`crate::security::whir::WhirRound`] (BCHKS25 linear proximity gaps, STIR Lemma 4.5, the Johnson list-decoding query bound) |
//!
//! with `|K| = p^5 ~ 2^154.9`, `K` the tallest table's `log2` height and `D` the AIR sumcheck
//! summand's degree ([`super::zerocheck::degree`]).
//!
//! **Assumption, named:** the WHIR terms use BCHKS25's proximity-gap bound up to the Johnson
//! radius in the mutual correlated-agreement form WHIR needs; like every codebase that uses
//! this regime we assume it holds in that form (`PROOF-V2.md`, section 3).
//!
//! **The hash:** Merkle digests are 8 KoalaBear elements (`8 log2 p ~ 247.9` bits), so
//! finding a collision takes about `2^123.9` hashes ([`crate::security::digest_collision_bits`]).
//! The figure we claim for a proof is [`SecurityReportV2::claimed_bits`], the smaller of the
//! protocol's bits and that cap: at the default parameters, **124 provable protocol bits,
//! 123.9 bits claimed** for the argument as a whole.

use super::error::ErrorV2;
use super::params::ParamsV2;
use super::plan::{Plan, plan};
use super::zerocheck;
use crate::lookup::PublicLookup;
use crate::security::terms::{self, Johnson, bits};
use crate::security::whir::WhirSchedule;
use crate::security::{SecurityShape, Term, digest_collision_bits, log2_ext_field_size};
use crate::statement::TableInstance;

const SRC_LOGUP: &str = "Haböck, ePrint 2022/1530 (LogUp), Schwartz-Zippel on the cleared identity";
const SRC_GKR: &str = "Papini, Haböck, ePrint 2023/1284 (GKR for LogUp), Schwartz-Zippel per round";
const SRC_SZ: &str = "Schwartz-Zippel lemma";
const SRC_SUMCHECK: &str =
    "Lund, Fortnow, Karloff, Nisan, JACM 1992 (sumcheck), Schwartz-Zippel per round";
const SRC_WHIR_FOLD: &str =
    "WHIR (ePrint 2024/1586) fold: BCHKS25 (ePrint 2025/2055) Thm 1.5 / 4.2 linear proximity gap";
const SRC_WHIR_OOD: &str = "STIR (ePrint 2024/390) Lemma 4.5, out-of-domain samples";
const SRC_WHIR_QUERY: &str = "WHIR queries: Johnson-radius list decoding, (sqrt(rho) + eta)^t";
const SRC_WHIR_COMBINE: &str = "WHIR combination with powers of one challenge, Schwartz-Zippel";

/// The security of one v2 parameter set for one statement.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityReportV2 {
    /// The protocol's provable bits: the weakest of [`SecurityReportV2::terms`]
    /// (round-by-round, Johnson regime; the assumption is named in the module docs).
    pub provable_bits: f64,
    /// Every term, the statement's first, then WHIR's round by round.
    pub terms: Vec<Term>,
    /// WHIR's list size `L` for the committed oracle (the statement terms' factor).
    pub list_size: f64,
    /// WHIR's schedule (rounds, queries, grinding).
    pub whir: WhirSchedule,
    /// The digests' collision resistance, in bits.
    pub digest_collision_bits: f64,
}

impl SecurityReportV2 {
    /// The figure claimed for the argument as a whole: the protocol's bits capped by the
    /// digests' collision resistance.
    pub fn claimed_bits(&self) -> f64 {
        self.provable_bits.min(self.digest_collision_bits)
    }

    /// The term with the fewest bits (the one that binds).
    pub fn binding(&self) -> Option<&Term> {
        self.terms.iter().min_by(|a, b| a.bits.total_cmp(&b.bits))
    }

    /// The bits of the term named `name` (infinite if there is none).
    pub fn term(&self, name: &str) -> f64 {
        self.terms
            .iter()
            .find(|t| t.name == name)
            .map_or(f64::INFINITY, |t| t.bits)
    }
}

/// The minimum a v2 verifier accepts: it computes the security of the parameters it was
/// given for the statement itself (nothing is read from the proof) and rejects below it.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct PolicyV2 {
    /// Minimum provable protocol bits ([`SecurityReportV2::provable_bits`]).
    pub min_provable_bits: f64,
}

impl PolicyV2 {
    /// The default: at least 124 provable protocol bits (the network's level; the
    /// digests then cap the argument at 123.9 bits, see the module docs).
    pub const DEFAULT: PolicyV2 = PolicyV2 {
        min_provable_bits: 124.0,
    };

    /// Checks a report against the policy.
    ///
    /// # Errors
    /// [`ErrorV2::Policy`] with the report's figure, its binding term and the minimum.
    pub fn check(&self, report: &SecurityReportV2) -> Result<(), ErrorV2> {
        // Compare in millibits so a figure printed as 124.0 is not refused for rounding.
        if (report.provable_bits * 1000.0).round() >= (self.min_provable_bits * 1000.0).round() {
            Ok(())
        } else {
            Err(ErrorV2::Policy {
                provable_bits: report.provable_bits,
                binding: report
                    .binding()
                    .map_or_else(String::new, |t| t.name.clone()),
                min_provable_bits: self.min_provable_bits,
            })
        }
    }
}

impl Default for PolicyV2 {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The security of `params` for the statement (`instances` and the public lookup lists).
///
/// # Errors
/// [`ErrorV2::Statement`] for an invalid statement, [`ErrorV2::Whir`] if the WHIR schedule
/// cannot run for its size.
pub fn security_v2(
    params: &ParamsV2,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) -> Result<SecurityReportV2, ErrorV2> {
    let plan = plan(params, instances, lookups)?;
    Ok(report(params, &plan, instances, lookups))
}

/// [`security_v2`] for a validated statement.
pub(crate) fn report(
    params: &ParamsV2,
    plan: &Plan,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) -> SecurityReportV2 {
    let log_k = log2_ext_field_size();
    let inv_k = 2f64.powf(-log_k);
    let whir = plan.whir.schedule.clone();
    let first = &whir.rounds[0];
    let rho = 2f64.powi(-(first.log_inv_rate as i32));
    let list = Johnson::from_m(rho, first.johnson_m).list_size();

    let tables: Vec<_> = instances.iter().map(|i| (i.air, i.log_height)).collect();
    let shape = SecurityShape::of_statement_with_lookups(&tables, lookups);
    let g = plan.fractions.num_variables as f64;
    let k_max = plan.max_log_height as f64;
    let d = zerocheck::degree(instances.iter().map(|i| i.air)) as f64;
    let constraints: f64 = instances
        .iter()
        .map(|i| i.air.num_constraints() as f64)
        .sum();
    let next_rows: f64 = instances
        .iter()
        .filter(|i| !i.air.main_next_columns().is_empty())
        .map(|i| (2 * i.log_height + i.air.main_next_columns().len() - 1) as f64)
        .sum();
    let claims: usize = instances
        .iter()
        .map(|i| i.air.width() + i.air.main_next_columns().len())
        .sum();
    let bus_grind = 2f64.powi(-(params.bus_pow_bits as i32));

    let mut out = vec![
        Term {
            name: "LogUp identity".into(),
            bits: bits(
                terms::logup(
                    list,
                    shape.interaction_rows as f64,
                    shape.max_tuple_len as f64,
                    log_k,
                ) * bus_grind,
            ),
            source: SRC_LOGUP,
        },
        Term {
            name: "GKR".into(),
            bits: bits(list * (1.5 * g * (g - 1.0) + 2.0 * g) * inv_k),
            source: SRC_GKR,
        },
        Term {
            name: "AIR batching".into(),
            bits: bits(list * (constraints + 1.0) * inv_k),
            source: SRC_SZ,
        },
        Term {
            name: "AIR eq point".into(),
            bits: bits(list * k_max * inv_k),
            source: SRC_SZ,
        },
        Term {
            name: "AIR sumcheck".into(),
            bits: bits(list * k_max * (d + 2.0) * inv_k),
            source: SRC_SUMCHECK,
        },
        Term {
            name: "next-row sumchecks".into(),
            bits: bits(list * next_rows * inv_k),
            source: SRC_SUMCHECK,
        },
        Term {
            name: "WHIR claims batching".into(),
            bits: bits(list * ((claims + first.ood_samples) as f64 - 1.0).max(1.0) * inv_k),
            source: SRC_WHIR_COMBINE,
        },
    ];
    for (i, r) in whir.rounds.iter().enumerate() {
        for (what, b, source) in [
            ("fold", r.fold_bits, SRC_WHIR_FOLD),
            ("out-of-domain", r.ood_bits, SRC_WHIR_OOD),
            ("queries", r.query_bits, SRC_WHIR_QUERY),
            ("combination", r.combination_bits, SRC_WHIR_COMBINE),
        ] {
            out.push(Term {
                name: format!("WHIR round {i} {what}"),
                bits: b,
                source,
            });
        }
    }
    let provable_bits = out.iter().map(|t| t.bits).fold(f64::INFINITY, f64::min);
    SecurityReportV2 {
        provable_bits,
        terms: out,
        list_size: list,
        whir,
        digest_collision_bits: digest_collision_bits(),
    }
}
