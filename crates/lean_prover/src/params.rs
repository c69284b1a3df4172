//! Protocol parameters and the security calculator (conjectured and provable regimes).
//!
//! See the crate documentation for the formulas and their references. Everything here is
//! computed from the parameters and a [`SecurityShape`] (the sizes the bound depends on);
//! nothing is hard-coded.

use crate::air::Air;
use crate::lookup::PublicLookup;

/// Smallest and largest `log2` of the inverse code rate.
pub const LOG_INV_RATE_RANGE: std::ops::RangeInclusive<usize> = 1..=4;
/// Largest number of FRI queries.
pub const MAX_QUERIES: usize = 1024;
/// Largest proof-of-work difficulty (the challenger's limit).
pub const MAX_POW_BITS: usize = backend::challenger::MAX_BITS;
/// Allowed `log2` of the FRI folding arity (arity 4 or 8).
pub const LOG_ARITY_RANGE: std::ops::RangeInclusive<usize> = 2..=3;
/// Largest `log2` of the final polynomial's length.
pub const MAX_LOG_FINAL_POLY_LEN: usize = 6;

/// `log2 |K|` for the challenge field `K = F_p^5`, `p = 2^31 - 2^24 + 1`.
pub fn log2_ext_field_size() -> f64 {
    5.0 * (backend::KoalaBear::ORDER as f64).log2()
}

/// The STARK parameters shared by prover and verifier.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct StarkParams {
    /// `log2(1 / rate)`: the low-degree extension blowup, 1 to 4.
    pub log_inv_rate: usize,
    /// Number of FRI queries, 1 to [`MAX_QUERIES`].
    pub num_queries: usize,
    /// Proof-of-work bits ground before the queries are drawn, 0 to [`MAX_POW_BITS`].
    pub pow_bits: usize,
    /// `log2` of the FRI folding arity (2: arity 4, 3: arity 8).
    pub log_folding_arity: usize,
    /// `log2` of the number of coefficients of the final FRI polynomial (sent in the clear).
    pub log_final_poly_len: usize,
}

/// Why parameters are rejected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ParamsError {
    /// A field is out of its documented range.
    #[error("parameter {name} = {value} is out of range")]
    OutOfRange {
        /// The field.
        name: &'static str,
        /// Its value.
        value: usize,
    },
    /// No number of queries up to [`MAX_QUERIES`] reaches the target.
    #[error(
        "security target unreachable: best is {conjectured:.1} conjectured / {provable:.1} provable bits"
    )]
    Unreachable {
        /// Conjectured bits at [`MAX_QUERIES`] queries.
        conjectured: f64,
        /// Provable bits at [`MAX_QUERIES`] queries.
        provable: f64,
    },
}

/// The targets [`StarkParams::for_security`] derives the number of queries from.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct SecurityTarget {
    /// Wanted conjectured bits.
    pub conjectured_bits: f64,
    /// Wanted provable bits.
    pub provable_bits: f64,
    /// Proof-of-work bits to use.
    pub pow_bits: usize,
}

impl Default for SecurityTarget {
    /// 124 conjectured, 100 provable bits, 16 bits of grinding.
    fn default() -> Self {
        Self {
            conjectured_bits: 124.0,
            provable_bits: 100.0,
            pow_bits: 16,
        }
    }
}

/// The statement sizes the soundness bounds depend on.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SecurityShape {
    /// `log2` of the tallest table.
    pub log_max_height: usize,
    /// Largest constraint degree.
    pub max_constraint_degree: usize,
    /// Largest number of constraints of one table (folded with powers of one challenge).
    pub max_constraints: usize,
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
    /// The design point of a 16-signature aggregate: tables up to `2^16` rows, degree up to 5,
    /// up to 1024 constraints per table, `2^22` interaction rows, tuples up to 16 values.
    pub const AGGREGATE_16: SecurityShape = SecurityShape {
        log_max_height: 16,
        max_constraint_degree: 5,
        max_constraints: 1024,
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
            max_constraint_degree: 2,
            max_constraints: 1,
            interaction_rows: 0,
            max_tuple_len: 0,
        };
        for &(air, log_h) in tables {
            // The degree and constraint count include the LogUp constraints of the grouped
            // interactions; the LogUp term counts interactions, not auxiliary columns.
            s.log_max_height = s.log_max_height.max(log_h);
            s.max_constraint_degree = s.max_constraint_degree.max(air.constraint_degree());
            s.max_constraints = s.max_constraints.max(air.num_constraints());
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
}

/// Bits of security of one parameter set for one shape, with the per-term breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityReport {
    /// Conjectured bits (ethSTARK-style), the minimum of the terms below.
    pub conjectured_bits: f64,
    /// Conjectured FRI term: `num_queries * log_inv_rate + pow_bits`.
    pub conjectured_fri_bits: f64,
    /// Conjectured field-size terms (ALI, DEEP, batching/folding, LogUp), minimum.
    pub conjectured_field_bits: f64,
    /// Provable bits (Johnson-bound regime), `-log2` of the sum of all error terms.
    pub provable_bits: f64,
    /// The Johnson proximity parameter `m >= 3` that maximises the provable bits.
    pub johnson_m: usize,
    /// Provable query-phase bits: `-num_queries * log2(sqrt(rho) (1 + 1/2m)) + pow_bits`.
    pub provable_query_bits: f64,
    /// Provable commit-phase (batching and folding) bits.
    pub provable_commit_bits: f64,
    /// Provable DEEP-ALI and LogUp bits.
    pub provable_ali_deep_logup_bits: f64,
}

fn bits(err: f64) -> f64 {
    if err <= 0.0 {
        f64::INFINITY
    } else {
        -err.log2()
    }
}

impl StarkParams {
    /// Checks every field against its range.
    ///
    /// # Errors
    /// [`ParamsError::OutOfRange`] naming the first bad field.
    pub fn validate(&self) -> Result<(), ParamsError> {
        let check = |name, value, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(ParamsError::OutOfRange { name, value })
            }
        };
        check(
            "log_inv_rate",
            self.log_inv_rate,
            LOG_INV_RATE_RANGE.contains(&self.log_inv_rate),
        )?;
        check(
            "num_queries",
            self.num_queries,
            (1..=MAX_QUERIES).contains(&self.num_queries),
        )?;
        check("pow_bits", self.pow_bits, self.pow_bits <= MAX_POW_BITS)?;
        check(
            "log_folding_arity",
            self.log_folding_arity,
            LOG_ARITY_RANGE.contains(&self.log_folding_arity),
        )?;
        check(
            "log_final_poly_len",
            self.log_final_poly_len,
            self.log_final_poly_len <= MAX_LOG_FINAL_POLY_LEN,
        )
    }

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
            log_folding_arity: 2,
            log_final_poly_len: 3,
        };
        p.validate()?;
        let meets = |q: usize| {
            let r = StarkParams {
                num_queries: q,
                ..p
            }
            .security(shape);
            r.conjectured_bits >= target.conjectured_bits && r.provable_bits >= target.provable_bits
        };
        if !meets(MAX_QUERIES) {
            p.num_queries = MAX_QUERIES;
            let r = p.security(shape);
            return Err(ParamsError::Unreachable {
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

    /// The FRI folding rounds for a single height `2^log_lde` (arities, largest layer first).
    fn fold_rounds(&self, log_lde: usize) -> Vec<(usize, usize)> {
        let final_log = (self.log_final_poly_len + self.log_inv_rate).min(log_lde);
        let mut out = Vec::new();
        let mut cur = log_lde;
        while cur > final_log {
            let step = self.log_folding_arity.min(cur - final_log);
            out.push((cur, step));
            cur -= step;
        }
        out
    }

    /// Conjectured and provable security of these parameters for `shape`.
    ///
    /// The formulas are in the crate documentation ("Security").
    pub fn security(&self, shape: &SecurityShape) -> SecurityReport {
        let log_k = log2_ext_field_size();
        let k = 2f64.powf(log_k);
        let r = self.log_inv_rate as f64;
        let rho = 2f64.powf(-r);
        let sqrt_rho = rho.sqrt();
        let n = 2f64.powi(shape.log_max_height as i32);
        let log_lde = shape.log_max_height + self.log_inv_rate;
        let big_n = 2f64.powi(log_lde as i32);
        let d = shape.max_constraint_degree as f64;
        let c = shape.max_constraints.max(1) as f64;
        let rounds = self.fold_rounds(log_lde);
        let logup = shape.interaction_rows as f64 * (shape.max_tuple_len as f64 + 1.0);
        let deep_num = d * (n + 1.0) + n - 1.0;
        let pow = self.pow_bits as f64;

        // Conjectured (ethSTARK Conjecture 2.3 style, list size 1).
        let conjectured_fri_bits = self.num_queries as f64 * r + pow;
        let fold_terms: f64 = rounds
            .iter()
            .map(|&(h, s)| ((1usize << s) - 1) as f64 * 2f64.powi(h as i32))
            .sum();
        let conj_field = [
            bits(c / k),
            bits(deep_num / (k - big_n)),
            bits((big_n + fold_terms) / k),
            bits(logup / k),
        ];
        let conjectured_field_bits = conj_field.iter().copied().fold(f64::INFINITY, f64::min);
        let conjectured_bits = conjectured_fri_bits.min(conjectured_field_bits);

        // Provable, Johnson regime (BCIKS20 Thm 1.5/1.6, Haboeck 2022 Thm 3), best m >= 3.
        let mut best = (f64::NEG_INFINITY, 3usize, 0.0, 0.0, 0.0);
        for m in 3..=64usize {
            let mh = m as f64 + 0.5;
            let list = mh / sqrt_rho;
            let ca = mh.powi(7) / (3.0 * rho * sqrt_rho);
            let second = (2.0 * m as f64 + 1.0) / sqrt_rho;
            let mut commit = ca * big_n * big_n / k;
            for &(h, s) in &rounds {
                let nh = 2f64.powi(h as i32);
                let a = ((1usize << s) - 1) as f64;
                commit += a * ca * nh * nh / k + second * (nh + 1.0) * (a + 1.0) / k;
            }
            let alpha = sqrt_rho * (1.0 + 1.0 / (2.0 * m as f64));
            let query_bits = -(self.num_queries as f64) * alpha.log2() + pow;
            let query = 2f64.powf(-query_bits);
            let other = list * c / k + list * deep_num / (k - big_n) + list * logup / k;
            let total = bits(commit + query + other);
            if total > best.0 {
                best = (total, m, query_bits, bits(commit), bits(other));
            }
        }
        SecurityReport {
            conjectured_bits,
            conjectured_fri_bits,
            conjectured_field_bits,
            provable_bits: best.0,
            johnson_m: best.1,
            provable_query_bits: best.2,
            provable_commit_bits: best.3,
            provable_ali_deep_logup_bits: best.4,
        }
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
            log_folding_arity: 2,
            log_final_poly_len: 3,
        })
    }
}

/// The default rate of [`StarkParams::default`].
pub const DEFAULT_LOG_INV_RATE: usize = 2;
