//! The soundness calculator's shared parts: field and digest sizes, the Johnson-regime
//! parameters and the per-term error functions ([`terms`], each with the theorem it comes
//! from), the statement sizes the LogUp term depends on ([`SecurityShape`]), and WHIR's
//! round-by-round terms ([`whir`]). The v2 proof's figure is assembled from them in
//! [`crate::v2::security`].
//!
//! The per-term functions are public so that tests can check them against figures published
//! by others (the Ethereum Foundation's soundcalc reports).

pub mod whir;

use crate::air::Air;
use crate::lookup::PublicLookup;

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
    }

    fn field(log_field: f64) -> f64 {
        2f64.powf(log_field)
    }

    /// Ben-Sasson, Carmon, Haböck, Kopparty, Saraf, "On Proximity Gaps for Reed-Solomon
    /// Codes", ePrint 2025/2055, Theorem 1.5 / Theorem 4.2: the error of one random line (or
    /// of an affine combination with independent coefficients) on a domain of `domain` points,
    /// at proximity `gamma = 1 - sqrt(rho) - eta`, **linear** in the domain size:
    /// `((2 (m+1/2)^5 + 3 (m+1/2) gamma rho) n / (3 rho^(3/2)) + (m+1/2)/sqrt(rho)) / |K|`,
    /// with `m = max(ceil(sqrt(rho) / (2 eta)), 3)` (the factor 2 is missing in Thm 4.2 as
    /// published, a typo confirmed by the authors, as soundcalc notes).
    pub fn bchks25_linear(j: &Johnson, domain: f64, log_field: f64) -> f64 {
        let mh = j.m as f64 + 0.5;
        let rho = j.rho;
        let first =
            (2.0 * mh.powi(5) + 3.0 * mh * j.gamma() * rho) * domain / (3.0 * rho * rho.sqrt());
        let second = mh / rho.sqrt();
        (first + second) / field(log_field)
    }

    /// Query phase: every query of a word `gamma`-far from the code passes with probability at
    /// most `1 - gamma = sqrt(rho) + eta`; `queries` queries after `pow_bits` of grinding:
    /// `(sqrt(rho) + eta)^queries 2^-pow_bits` (BCIKS20 Section 8; Haböck 2022/1216).
    pub fn query(j: &Johnson, queries: usize, pow_bits: usize) -> f64 {
        (1.0 - j.gamma()).powi(queries as i32) * 2f64.powi(-(pow_bits as i32))
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

/// The statement sizes the LogUp term depends on, summed or maximised over its tables.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SecurityShape {
    /// Total bus interaction rows (sum over tables of height times interactions, plus the
    /// public ones and the tuples of the public lookup lists): the number of fractions in
    /// the LogUp identity.
    pub interaction_rows: u64,
    /// Longest interaction tuple.
    pub max_tuple_len: usize,
}

impl SecurityShape {
    /// The shape of a concrete statement (tables given as AIR and `log2` height) with its
    /// public lookup lists: every tuple of a list counts as one interaction row (one more
    /// term of the LogUp identity), and the lists' tuple lengths count towards the longest
    /// tuple.
    pub fn of_statement_with_lookups(
        tables: &[(&Air, usize)],
        lookups: &[PublicLookup<'_>],
    ) -> SecurityShape {
        let mut s = SecurityShape {
            interaction_rows: 0,
            max_tuple_len: 0,
        };
        for &(air, log_h) in tables {
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
