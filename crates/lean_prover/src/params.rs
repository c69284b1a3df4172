//! Protocol parameters and their ranges. The security they give, and the fewest queries that
//! meet a target ([`StarkParams::for_security`]), are in [`crate::security`].

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

/// The STARK parameters shared by prover and verifier.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct StarkParams {
    /// `log2(1 / rate)`: the low-degree extension blowup, 1 to 4.
    pub log_inv_rate: usize,
    /// Number of FRI queries, 1 to [`MAX_QUERIES`].
    pub num_queries: usize,
    /// Proof-of-work bits ground before the queries are drawn, 0 to [`MAX_POW_BITS`].
    pub pow_bits: usize,
    /// Proof-of-work bits ground after the main-trace commitment, before the bus challenges
    /// `alpha_bus, beta_bus` are drawn (0 to [`MAX_POW_BITS`]; unused without buses): they
    /// lower the LogUp error, the term that binds the conjectured figure of large statements.
    pub bus_pow_bits: usize,
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
        "security target ({target_conjectured} conjectured / {target_provable} provable bits) unreachable at log_inv_rate {log_inv_rate}: the best is {conjectured:.1} conjectured / {provable:.1} provable bits ({MAX_QUERIES} queries)"
    )]
    Unreachable {
        /// The rate asked for.
        log_inv_rate: usize,
        /// The conjectured target.
        target_conjectured: f64,
        /// The provable target.
        target_provable: f64,
        /// Conjectured bits at [`MAX_QUERIES`] queries.
        conjectured: f64,
        /// Provable bits at [`MAX_QUERIES`] queries.
        provable: f64,
    },
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
            "bus_pow_bits",
            self.bus_pow_bits,
            self.bus_pow_bits <= MAX_POW_BITS,
        )?;
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
}

/// The default rate of [`StarkParams::default`].
pub const DEFAULT_LOG_INV_RATE: usize = 2;
