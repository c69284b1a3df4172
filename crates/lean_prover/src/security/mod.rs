//! The soundness calculator: conjectured and provable (Johnson-bound) security of a parameter
//! set for a statement's shape, every term with the theorem it comes from, and the verifier's
//! [`SecurityPolicy`].
//!
//! The formulas and their references are listed in the crate documentation ("Security"); the
//! per-term functions in [`terms`] are public so that tests can check them against figures
//! published by others (the Ethereum Foundation's soundcalc reports).

pub mod whir;

use crate::air::Air;
use crate::lookup::PublicLookup;
use crate::params::{DEFAULT_LOG_INV_RATE, MAX_QUERIES, ParamsError, StarkParams};

/// `log2 p` for KoalaBear, `p = 2^31 - 2^24 + 1`.
pub fn log2_base_field_size() -> f64 {
    (backend::KoalaBear::ORDER as f64).log2()
}

/// `log2 |K|` for the challenge field `K = F_p^5`.
pub fn log2_ext_field_size() -> f64 {
    5.0 * log2_base_field_size()
}

/// Field elements per Merkle digest (Poseidon2 over KoalaBear).
pub const DIGEST_ELEMENTS: usize = 8;

/// Collision resistance of an 8-element digest, `8 log2(p) / 2` (about 123.9 bits, the
/// birthday bound): a cap on the security of the whole argument, whatever the protocol terms
/// say.
pub fn digest_collision_bits() -> f64 {
    DIGEST_ELEMENTS as f64 * log2_base_field_size() / 2.0
}

/// Which proximity-gap theorem the Johnson-regime (provable) figure rests on.
///
/// Both bound the probability that a random combination of words that are not jointly close
/// to Reed-Solomon codewords lands close to the code, for proximity `1 - sqrt(rho) - eta`
/// with `eta = sqrt(rho) / (2m)`:
///
/// * [`JohnsonBound::Bchks25`] (the default): Ben-Sasson, Carmon, Haböck, Kopparty, Saraf,
///   "On Proximity Gaps for Reed-Solomon Codes", ePrint 2025/2055, Theorem 1.5 / Theorem 4.2
///   (with `m = max(ceil(sqrt(rho) / (2 eta)), 3)`: the factor 2 is missing in Thm 4.2 as
///   published, a typo confirmed by the authors, as soundcalc notes): an error **linear** in
///   the domain size `n`, `((2 (m+1/2)^5 + 3 (m+1/2) gamma rho) n / (3 rho^(3/2)) +
///   (m+1/2) / sqrt(rho)) / |K|` per line, `gamma = 1 - sqrt(rho) - eta`. **Assumption**:
///   we, like soundcalc and whir-p3, apply it to FRI's batching and folding in the form
///   BCIKS20 Section 8 uses the older bound (correlated agreement for affine spaces and for
///   the curves of a fold); that the 2025 theorem covers every variant FRI's analysis needs
///   (the weighted agreement of BCIKS20 Section 7) is taken from those calculators, not
///   re-proven here.
/// * [`JohnsonBound::Bciks20`]: Ben-Sasson, Carmon, Ishai, Kopparty, Saraf, "Proximity gaps
///   for Reed-Solomon codes" (FOCS 2020, ePrint 2020/654), Theorem 1.5 (lines) and 1.6
///   (affine spaces), with the FRI soundness analysis of its Section 8 as summarised by
///   Haböck, ePrint 2022/1216: an error **quadratic** in `n`, `(m+1/2)^7 n^2 / (3
///   rho^(3/2) |K|)`, plus `(2m + 1)(n + 1) / (sqrt(rho) |K|)` per folding function
///   (weighted correlated agreement). A proven theorem with no extra assumption; it needs
///   more queries.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum JohnsonBound {
    /// The 2020 bound, quadratic in the domain size.
    Bciks20,
    /// The 2025 bound, linear in the domain size (the default).
    #[default]
    Bchks25,
}

impl JohnsonBound {
    /// Short name (`"BCHKS25"` or `"BCIKS20"`).
    pub fn name(self) -> &'static str {
        match self {
            JohnsonBound::Bciks20 => "BCIKS20",
            JohnsonBound::Bchks25 => "BCHKS25",
        }
    }
}

/// Per-term soundness errors, each a function of explicit parameters (no statement, no
/// protocol state), so that they can be checked against published calculators.
///
/// All errors are probabilities (not bits); `log_field` is `log2` of the challenge field's
/// size.
pub mod terms {
    /// Johnson-regime parameters: `sqrt(rho)`, the gap `eta` below the Johnson radius, the
    /// multiplicity `m` and the proximity parameter `gamma = 1 - sqrt(rho) - eta`.
    #[derive(Copy, Clone, Debug, PartialEq)]
    pub struct Johnson {
        /// The code rate `rho`.
        pub rho: f64,
        /// The gap to the Johnson radius.
        pub eta: f64,
        /// The multiplicity parameter.
        pub m: usize,
    }

    impl Johnson {
        /// From the multiplicity: `eta = sqrt(rho) / (2m)`.
        pub fn from_m(rho: f64, m: usize) -> Johnson {
            Johnson {
                rho,
                eta: rho.sqrt() / (2.0 * m as f64),
                m,
            }
        }

        /// From the gap: `m = max(ceil(sqrt(rho) / (2 eta)), 3)` (BCHKS25 Thm 4.2 as
        /// corrected; soundcalc's convention).
        pub fn from_eta(rho: f64, eta: f64) -> Johnson {
            let m = ((rho.sqrt() / (2.0 * eta)).ceil() as usize).max(3);
            Johnson { rho, eta, m }
        }

        /// `gamma = 1 - sqrt(rho) - eta`, the proximity parameter.
        pub fn gamma(&self) -> f64 {
            1.0 - self.rho.sqrt() - self.eta
        }

        /// List size at that proximity: `1 / (2 eta sqrt(rho))` (the Johnson bound: Reed-Solomon
        /// codes are `(1 - sqrt(rho) - eta, 1/(2 eta sqrt(rho)))`-list-decodable; `m / rho`
        /// when `eta = sqrt(rho)/(2m)`).
        pub fn list_size(&self) -> f64 {
            1.0 / (2.0 * self.eta * self.rho.sqrt())
        }

        /// The BCIKS20 list size `(m + 1/2) / sqrt(rho)` (Thm 1.5's statement).
        pub fn list_size_bciks20(&self) -> f64 {
            (self.m as f64 + 0.5) / self.rho.sqrt()
        }
    }

    fn field(log_field: f64) -> f64 {
        2f64.powf(log_field)
    }

    /// BCHKS25 Thm 1.5 / 4.2: the error of one random line (or of an affine combination with
    /// independent coefficients) on a domain of `domain` points:
    /// `((2 (m+1/2)^5 + 3 (m+1/2) gamma rho) n / (3 rho^(3/2)) + (m+1/2)/sqrt(rho)) / |K|`.
    pub fn bchks25_linear(j: &Johnson, domain: f64, log_field: f64) -> f64 {
        let mh = j.m as f64 + 0.5;
        let rho = j.rho;
        let first =
            (2.0 * mh.powi(5) + 3.0 * mh * j.gamma() * rho) * domain / (3.0 * rho * rho.sqrt());
        let second = mh / rho.sqrt();
        (first + second) / field(log_field)
    }

    /// BCIKS20 Thm 1.5 / 1.6: `(m+1/2)^7 n^2 / (3 rho^(3/2) |K|)` for a line or an affine space.
    pub fn bciks20_linear(j: &Johnson, domain: f64, log_field: f64) -> f64 {
        let mh = j.m as f64 + 0.5;
        mh.powi(7) * domain * domain / (3.0 * j.rho * j.rho.sqrt()) / field(log_field)
    }

    /// BCIKS20's weighted-agreement term of a FRI fold, `(2m + 1)(n + 1) / (sqrt(rho) |K|)` per
    /// function folded (Haböck 2022/1216, the commit-phase error of its Johnson-regime FRI
    /// theorem).
    pub fn bciks20_weighted(j: &Johnson, domain: f64, log_field: f64) -> f64 {
        (2.0 * j.m as f64 + 1.0) * (domain + 1.0) / j.rho.sqrt() / field(log_field)
    }

    /// A combination with powers of one challenge of `functions` words (a curve of degree
    /// `functions - 1`): the line error times `functions - 1` (BCIKS20 Thm 6.2 / BCHKS25 as
    /// used by soundcalc's `get_error_powers`).
    pub fn powers(linear: f64, functions: usize) -> f64 {
        linear * functions.saturating_sub(1) as f64
    }

    /// Query phase: every query of a word `gamma`-far from the code passes with probability at
    /// most `1 - gamma = sqrt(rho) + eta`; `queries` queries after `pow_bits` of grinding:
    /// `(sqrt(rho) + eta)^queries 2^-pow_bits` (BCIKS20 Section 8; Haböck 2022/1216).
    pub fn query(j: &Johnson, queries: usize, pow_bits: usize) -> f64 {
        (1.0 - j.gamma()).powi(queries as i32) * 2f64.powi(-(pow_bits as i32))
    }

    /// ALI (Haböck 2022/1216, Theorem 8): the constraints of a table folded with powers of
    /// one challenge, for each of the `list` codewords: `L C / |K|`.
    pub fn ali(list: f64, constraints: f64, log_field: f64) -> f64 {
        list * constraints / field(log_field)
    }

    /// DEEP (Haböck 2022/1216, Theorem 8): the out-of-domain check of a table of `trace`
    /// rows, constraint degree `degree`, `max_combo` points per column (2: this and the next
    /// row), on an LDE of `domain` points:
    /// `L (degree (trace + max_combo - 1) + trace - 1) / (|K| - trace - domain)`.
    pub fn deep(
        list: f64,
        degree: f64,
        trace: f64,
        max_combo: f64,
        domain: f64,
        log_field: f64,
    ) -> f64 {
        list * deep_numerator(degree, trace, max_combo) / (field(log_field) - trace - domain)
    }

    /// The numerator of [`deep`] without the list size.
    pub fn deep_numerator(degree: f64, trace: f64, max_combo: f64) -> f64 {
        degree * (trace + max_combo - 1.0) + trace - 1.0
    }

    /// LogUp (Haböck 2022, "Multivariate lookups based on logarithmic derivatives", ePrint
    /// 2022/1530, with the univariate fingerprint `c = b + sum_j alpha^(j+1) v_j`): clearing
    /// the denominators of `sum_i m_i / (beta - c_i)` over `fractions` fractions with tuples
    /// of at most `tuple_len` values gives a polynomial in `(alpha, beta)` of total degree at
    /// most `fractions (tuple_len + 1)`, non-zero unless the multisets match; by
    /// Schwartz-Zippel it vanishes at the random point with probability at most
    /// `fractions (tuple_len + 1) / |K|`, times the list size `L` in the list-decoding
    /// regime.
    pub fn logup(list: f64, fractions: f64, tuple_len: f64, log_field: f64) -> f64 {
        list * fractions * (tuple_len + 1.0) / field(log_field)
    }

    /// Bits of security of an error: `-log2(err)` (infinite for 0).
    pub fn bits(err: f64) -> f64 {
        if err <= 0.0 {
            f64::INFINITY
        } else {
            -err.log2()
        }
    }
}

/// The targets [`StarkParams::for_security`] derives the number of queries from.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct SecurityTarget {
    /// Wanted conjectured bits.
    pub conjectured_bits: f64,
    /// Wanted provable bits (0: no provable target).
    pub provable_bits: f64,
    /// Proof-of-work bits to grind before the queries.
    pub pow_bits: usize,
    /// Proof-of-work bits to grind before the bus challenges.
    pub bus_pow_bits: usize,
    /// The bound the provable figure rests on.
    pub assumption: JohnsonBound,
}

impl Default for SecurityTarget {
    /// 124 conjectured, 100 provable bits (BCHKS25), 16 bits of grinding before the queries,
    /// none before the bus challenges.
    fn default() -> Self {
        Self {
            conjectured_bits: 124.0,
            provable_bits: 100.0,
            pow_bits: 16,
            bus_pow_bits: 0,
            assumption: JohnsonBound::default(),
        }
    }
}

/// The statement sizes the soundness bounds depend on, summed or maximised over its tables.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SecurityShape {
    /// `log2` of the tallest table.
    pub log_max_height: usize,
    /// Bit `h` is set when some table has `2^h` rows (the FRI inputs' heights, before the
    /// blowup).
    pub log_heights_mask: u64,
    /// Largest constraint degree.
    pub max_constraint_degree: usize,
    /// Sum over tables of their number of constraints (LogUp constraints included): the ALI
    /// term counts every table.
    pub total_constraints: u64,
    /// Sum over tables of `D_t (n_t + 1) + n_t - 1` (degree `D_t`, height `n_t`): the DEEP
    /// term counts every table ([`terms::deep_numerator`] with two points per column).
    pub deep_numerator: u64,
    /// Total bus interaction rows (sum over tables of height times interactions, plus the
    /// public ones and the tuples of the public lookup lists): the number of fractions in
    /// the LogUp identity. Interactions that share an auxiliary column
    /// ([`Air::interaction_groups`]) still count one each: the grouped constraints fix each
    /// column to the sum of its fractions, so the identity and its degree are unchanged.
    pub interaction_rows: u64,
    /// Longest interaction tuple.
    pub max_tuple_len: usize,
}

impl SecurityShape {
    /// A design point used by [`StarkParams::default`]: seven tables of `2^16` rows, degree 5,
    /// 1024 constraints each, `2^22` interaction rows, tuples up to 16 values.
    pub const AGGREGATE_16: SecurityShape = SecurityShape {
        log_max_height: 16,
        log_heights_mask: 1 << 16,
        max_constraint_degree: 5,
        total_constraints: 7 * 1024,
        deep_numerator: 7 * (5 * ((1 << 16) + 1) + (1 << 16) - 1),
        interaction_rows: 1 << 22,
        max_tuple_len: 16,
    };

    /// The shape of a concrete statement (tables given as AIR and `log2` height).
    pub fn of_statement(tables: &[(&Air, usize)]) -> SecurityShape {
        Self::of_statement_with_lookups(tables, &[])
    }

    /// The shape of a concrete statement with public lookup lists: every tuple of a list
    /// counts as one interaction row (one more term of the LogUp identity), and the lists'
    /// tuple lengths count towards the longest tuple.
    pub fn of_statement_with_lookups(
        tables: &[(&Air, usize)],
        lookups: &[PublicLookup<'_>],
    ) -> SecurityShape {
        let mut s = SecurityShape {
            log_max_height: 0,
            log_heights_mask: 0,
            max_constraint_degree: 2,
            total_constraints: 0,
            deep_numerator: 0,
            interaction_rows: 0,
            max_tuple_len: 0,
        };
        for &(air, log_h) in tables {
            // The degree and constraint count include the LogUp constraints of the grouped
            // interactions; the LogUp term counts interactions, not auxiliary columns.
            let n = 1u64 << log_h;
            let d = air.constraint_degree().max(1) as u64;
            s.log_max_height = s.log_max_height.max(log_h);
            s.log_heights_mask |= 1u64 << log_h;
            s.max_constraint_degree = s.max_constraint_degree.max(air.constraint_degree());
            s.total_constraints += air.num_constraints().max(1) as u64;
            s.deep_numerator += d * (n + 1) + n - 1;
            s.interaction_rows +=
                ((air.num_interactions() as u64) << log_h) + air.num_public_interactions() as u64;
            s.max_tuple_len = s.max_tuple_len.max(air.max_tuple_len());
        }
        for l in lookups {
            s.interaction_rows += l.count() as u64;
            s.max_tuple_len = s.max_tuple_len.max(l.tuple_len);
        }
        s
    }

    /// The tables' `log2` heights, tallest first.
    pub fn log_heights_desc(&self) -> Vec<usize> {
        (0..64)
            .rev()
            .filter(|&h| self.log_heights_mask >> h & 1 == 1)
            .collect()
    }
}

/// One term of a security figure: a name, the bits it gives, and where its formula comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// Short name (`"query"`, `"fold 3"`, `"LogUp"`, ...).
    pub name: String,
    /// `-log2` of the term's error.
    pub bits: f64,
    /// The theorem the formula comes from.
    pub source: &'static str,
}

/// Bits of security of one parameter set for one shape, with the per-term breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityReport {
    /// The bound the provable figure rests on.
    pub assumption: JohnsonBound,
    /// Conjectured bits (ethSTARK-style), the minimum of [`SecurityReport::conjectured_terms`].
    pub conjectured_bits: f64,
    /// The conjectured terms.
    pub conjectured_terms: Vec<Term>,
    /// Provable bits (Johnson-bound regime): `-log2` of the SUM of the errors of
    /// [`SecurityReport::provable_terms`] (a union bound over every bad event).
    pub provable_bits: f64,
    /// The provable terms, each on its own.
    pub provable_terms: Vec<Term>,
    /// The multiplicity `m` (`eta = sqrt(rho)/(2m)`) that maximises the provable bits.
    pub johnson_m: usize,
    /// The list size the ALI, DEEP and LogUp terms are multiplied by.
    pub list_size: f64,
    /// The digests' collision resistance ([`digest_collision_bits`]): the argument as a whole
    /// gives at most this many bits, whatever the protocol terms say.
    pub digest_collision_bits: f64,
}

impl SecurityReport {
    /// The provable term with the fewest bits (the one that binds).
    pub fn binding_provable(&self) -> Option<&Term> {
        weakest(&self.provable_terms)
    }

    /// The conjectured term with the fewest bits.
    pub fn binding_conjectured(&self) -> Option<&Term> {
        weakest(&self.conjectured_terms)
    }

    /// The bits of the provable term named `name` (infinite if there is none).
    pub fn provable_term(&self, name: &str) -> f64 {
        self.provable_terms
            .iter()
            .find(|t| t.name == name)
            .map_or(f64::INFINITY, |t| t.bits)
    }

    /// The bits of the conjectured term named `name` (infinite if there is none).
    pub fn conjectured_term(&self, name: &str) -> f64 {
        self.conjectured_terms
            .iter()
            .find(|t| t.name == name)
            .map_or(f64::INFINITY, |t| t.bits)
    }
}

fn weakest(terms: &[Term]) -> Option<&Term> {
    terms.iter().min_by(|a, b| {
        a.bits
            .partial_cmp(&b.bits)
            .unwrap_or(std::cmp::Ordering::Equal)
    })
}

/// Range of the multiplicity `m` searched for the best provable figure.
pub const JOHNSON_M_RANGE: std::ops::RangeInclusive<usize> = 3..=256;

const SRC_ETHSTARK: &str = "ethSTARK documentation (StarkWare 2021), Conjecture 2.3";
const SRC_QUERY: &str = "BCIKS20 Sect. 8 / Haböck 2022/1216: (sqrt(rho) + eta)^q 2^-pow";
const SRC_BATCH_25: &str = "BCHKS25 Thm 1.5/4.2 (affine batching, independent coefficients)";
const SRC_FOLD_25: &str = "BCHKS25 Thm 1.5/4.2, powers: (functions - 1) x line error";
const SRC_BATCH_20: &str = "BCIKS20 Thm 1.6 (affine spaces)";
const SRC_FOLD_20: &str = "BCIKS20 Thm 6.2 (curves) + weighted term, Haböck 2022/1216";
const SRC_ALI: &str = "Haböck 2022/1216 Thm 8 (ALI), x list size, summed over tables";
const SRC_DEEP: &str = "Haböck 2022/1216 Thm 8 (DEEP), x list size, summed over tables";
const SRC_LOGUP: &str = "Haböck 2022/1530 + Schwartz-Zippel, x list size, / 2^bus_pow_bits";

/// Per-term errors (probabilities) with their names and sources, before conversion to bits.
type NamedErrors = Vec<(String, f64, &'static str)>;

/// One FRI step the calculator charges for: the LDE height of the words combined (`log2`)
/// and how many words are combined with powers of one challenge.
struct FoldStep {
    log_domain: usize,
    functions: usize,
}

impl StarkParams {
    /// The FRI folds of a statement of `shape` (mirrors the prover's schedule): for each
    /// committed layer, the height of the folded words and the number of words combined
    /// (`2^log_arity`, plus one when a shorter input joins at the folded height).
    fn fold_steps(&self, shape: &SecurityShape) -> Vec<FoldStep> {
        let inputs: Vec<usize> = shape
            .log_heights_desc()
            .into_iter()
            .map(|h| h + self.log_inv_rate)
            .collect();
        let (layers, _) = crate::fri::schedule(
            &inputs,
            self.log_folding_arity,
            self.log_final_poly_len,
            self.log_inv_rate,
        );
        layers
            .into_iter()
            .map(|(h, k)| FoldStep {
                log_domain: h - k,
                functions: (1 << k) + usize::from(inputs.contains(&(h - k))),
            })
            .collect()
    }

    /// Conjectured and provable security of these parameters for `shape`, with the default
    /// assumption ([`JohnsonBound::Bchks25`]).
    ///
    /// The formulas are in the crate documentation ("Security").
    pub fn security(&self, shape: &SecurityShape) -> SecurityReport {
        self.security_with(shape, JohnsonBound::default())
    }

    /// [`StarkParams::security`] under a named assumption.
    pub fn security_with(&self, shape: &SecurityShape, assumption: JohnsonBound) -> SecurityReport {
        use terms::bits;
        let log_k = log2_ext_field_size();
        let k = 2f64.powf(log_k);
        let rho = 2f64.powi(-(self.log_inv_rate as i32));
        let n = 2f64.powi(shape.log_max_height as i32);
        let big_n = 2f64.powi((shape.log_max_height + self.log_inv_rate) as i32);
        let inputs: Vec<f64> = shape
            .log_heights_desc()
            .into_iter()
            .map(|h| 2f64.powi((h + self.log_inv_rate) as i32))
            .collect();
        let folds = self.fold_steps(shape);
        let constraints = shape.total_constraints.max(1) as f64;
        let deep_num = shape.deep_numerator as f64;
        let fractions = shape.interaction_rows as f64;
        let tuple = shape.max_tuple_len as f64;
        let pow = self.pow_bits as f64;
        // Grinding before the bus challenges divides the LogUp error (round-by-round).
        let bus_grind = 2f64.powi(-(self.bus_pow_bits as i32));

        // Conjectured (ethSTARK Conjecture 2.3 style, list size 1).
        let fold_terms: f64 = folds
            .iter()
            .map(|f| (f.functions - 1) as f64 * 2f64.powi(f.log_domain as i32))
            .sum::<f64>()
            + inputs.iter().sum::<f64>();
        let conjectured_terms = vec![
            term(
                "FRI queries",
                self.num_queries as f64 * self.log_inv_rate as f64 + pow,
                SRC_ETHSTARK,
            ),
            term("ALI", bits(constraints / k), SRC_ETHSTARK),
            term("DEEP", bits(deep_num / (k - n - big_n)), SRC_ETHSTARK),
            term(
                "FRI batching and folding",
                bits(fold_terms / k),
                SRC_ETHSTARK,
            ),
            term(
                "LogUp",
                bits(terms::logup(1.0, fractions, tuple, log_k) * bus_grind),
                SRC_LOGUP,
            ),
        ];
        let conjectured_bits = conjectured_terms
            .iter()
            .map(|t| t.bits)
            .fold(f64::INFINITY, f64::min);

        // Provable (Johnson regime): the sum of the errors for multiplicity m, and the list
        // size; the named terms only when asked for (the search over m allocates nothing).
        let eval = |m: usize, mut named: Option<&mut NamedErrors>| -> (f64, f64) {
            let j = terms::Johnson::from_m(rho, m);
            let (list, batch_src, fold_src) = match assumption {
                JohnsonBound::Bchks25 => (j.list_size(), SRC_BATCH_25, SRC_FOLD_25),
                JohnsonBound::Bciks20 => (j.list_size_bciks20(), SRC_BATCH_20, SRC_FOLD_20),
            };
            let linear = |d: f64| match assumption {
                JohnsonBound::Bchks25 => terms::bchks25_linear(&j, d, log_k),
                JohnsonBound::Bciks20 => terms::bciks20_linear(&j, d, log_k),
            };
            let mut total = 0.0;
            let mut push = |name: &dyn Fn() -> String, e: f64, src: &'static str| {
                total += e;
                if let Some(v) = named.as_deref_mut() {
                    v.push((name(), e, src));
                }
            };
            let batching: f64 = inputs.iter().map(|&d| linear(d)).sum();
            push(&|| "FRI batching".into(), batching, batch_src);
            for (i, f) in folds.iter().enumerate() {
                let d = 2f64.powi(f.log_domain as i32);
                let mut e = terms::powers(linear(d), f.functions);
                if assumption == JohnsonBound::Bciks20 {
                    e += f.functions as f64 * terms::bciks20_weighted(&j, d, log_k);
                }
                push(&|| format!("FRI fold {}", i + 1), e, fold_src);
            }
            push(
                &|| "FRI queries".into(),
                terms::query(&j, self.num_queries, self.pow_bits),
                SRC_QUERY,
            );
            push(
                &|| "ALI".into(),
                terms::ali(list, constraints, log_k),
                SRC_ALI,
            );
            push(
                &|| "DEEP".into(),
                list * deep_num / (k - n - big_n),
                SRC_DEEP,
            );
            push(
                &|| "LogUp".into(),
                terms::logup(list, fractions, tuple, log_k) * bus_grind,
                SRC_LOGUP,
            );
            (total, list)
        };
        let mut johnson_m = *JOHNSON_M_RANGE.start();
        let mut best_err = f64::INFINITY;
        for m in JOHNSON_M_RANGE {
            let (e, _) = eval(m, None);
            if e < best_err {
                best_err = e;
                johnson_m = m;
            }
        }
        let mut errs = NamedErrors::new();
        let (total, list_size) = eval(johnson_m, Some(&mut errs));
        let provable_bits = bits(total);
        SecurityReport {
            assumption,
            conjectured_bits,
            conjectured_terms,
            provable_bits,
            provable_terms: errs
                .into_iter()
                .map(|(name, e, source)| Term {
                    name,
                    bits: bits(e),
                    source,
                })
                .collect(),
            johnson_m,
            list_size,
            digest_collision_bits: digest_collision_bits(),
        }
    }
}

fn term(name: &str, bits: f64, source: &'static str) -> Term {
    Term {
        name: name.into(),
        bits,
        source,
    }
}

/// The minimum security a verifier accepts. The verifier computes the security of the
/// parameters a proof was made with itself (never reading it from the proof) and rejects a
/// proof below either minimum.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct SecurityPolicy {
    /// Minimum provable (Johnson-bound) bits.
    pub min_provable_bits: f64,
    /// Minimum conjectured bits.
    pub min_conjectured_bits: f64,
    /// The bound the provable figure is computed under.
    pub assumption: JohnsonBound,
}

impl SecurityPolicy {
    /// The default: at least 100 provable bits (BCHKS25) and 124 conjectured bits.
    pub const DEFAULT: SecurityPolicy = SecurityPolicy {
        min_provable_bits: 100.0,
        min_conjectured_bits: 124.0,
        assumption: JohnsonBound::Bchks25,
    };

    /// Checks a report against the policy.
    ///
    /// # Errors
    /// [`PolicyError`] naming both figures and both minimums when either falls short (or a
    /// report made under another assumption).
    pub fn check(&self, report: &SecurityReport) -> Result<(), PolicyError> {
        let ok = report.assumption == self.assumption
            && report.provable_bits >= self.min_provable_bits
            && report.conjectured_bits >= self.min_conjectured_bits;
        if ok {
            Ok(())
        } else {
            Err(PolicyError {
                provable_bits: report.provable_bits,
                conjectured_bits: report.conjectured_bits,
                policy: *self,
            })
        }
    }
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A proof's parameters give less security than the verifier's policy asks for.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "proof security below the verifier's policy: {provable_bits:.1} provable bits (policy minimum {}, {}) and {conjectured_bits:.1} conjectured bits (policy minimum {})",
    policy.min_provable_bits, policy.assumption.name(), policy.min_conjectured_bits
)]
pub struct PolicyError {
    /// Provable bits of the proof's parameters.
    pub provable_bits: f64,
    /// Conjectured bits of the proof's parameters.
    pub conjectured_bits: f64,
    /// The policy that refused it.
    pub policy: SecurityPolicy,
}

impl StarkParams {
    /// The smallest number of queries that meets `target` for `shape` at this rate (arity 4,
    /// final polynomial of 8 coefficients).
    ///
    /// # Errors
    /// [`ParamsError::OutOfRange`] for a bad rate or grinding, [`ParamsError::Unreachable`] if
    /// even [`MAX_QUERIES`] queries fall short.
    pub fn for_security(
        log_inv_rate: usize,
        target: SecurityTarget,
        shape: &SecurityShape,
    ) -> Result<StarkParams, ParamsError> {
        let mut p = StarkParams {
            log_inv_rate,
            num_queries: 1,
            pow_bits: target.pow_bits,
            bus_pow_bits: target.bus_pow_bits,
            log_folding_arity: 2,
            log_final_poly_len: 3,
        };
        p.validate()?;
        let meets = |q: usize| {
            let r = StarkParams {
                num_queries: q,
                ..p
            }
            .security_with(shape, target.assumption);
            r.conjectured_bits >= target.conjectured_bits && r.provable_bits >= target.provable_bits
        };
        if !meets(MAX_QUERIES) {
            p.num_queries = MAX_QUERIES;
            let r = p.security_with(shape, target.assumption);
            return Err(ParamsError::Unreachable {
                log_inv_rate,
                target_conjectured: target.conjectured_bits,
                target_provable: target.provable_bits,
                conjectured: r.conjectured_bits,
                provable: r.provable_bits,
            });
        }
        // Both bounds never decrease with the number of queries (only the query terms
        // depend on it), so the smallest sufficient number is found by bisection.
        let (mut lo, mut hi) = (1, MAX_QUERIES);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if meets(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        p.num_queries = hi;
        Ok(p)
    }
}

impl Default for StarkParams {
    /// `log_inv_rate = 2` with the queries [`StarkParams::for_security`] derives for
    /// [`SecurityTarget::default`] and [`SecurityShape::AGGREGATE_16`].
    fn default() -> Self {
        Self::for_security(
            DEFAULT_LOG_INV_RATE,
            SecurityTarget::default(),
            &SecurityShape::AGGREGATE_16,
        )
        .unwrap_or(StarkParams {
            log_inv_rate: DEFAULT_LOG_INV_RATE,
            num_queries: MAX_QUERIES,
            pow_bits: 16,
            bus_pow_bits: 0,
            log_folding_arity: 2,
            log_final_poly_len: 3,
        })
    }
}
