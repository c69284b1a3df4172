//! The size limits of one AIR description and [`AirError`], why
//! [`AirBuilder::build`](super::AirBuilder::build) rejects a description.

/// Largest number of main columns of one table.
pub const MAX_COLUMNS: usize = 4096;
/// Largest number of public values of one table.
pub const MAX_PUBLIC_VALUES: usize = 1024;
/// Largest number of bus interactions (private ones) of one table.
pub const MAX_INTERACTIONS: usize = 256;
/// Largest tuple length of one interaction.
pub const MAX_TUPLE_LEN: usize = 64;
/// Largest number of arena nodes of one AIR.
pub const MAX_NODES: usize = 1 << 20;
/// Largest supported constraint degree.
pub const MAX_CONSTRAINT_DEGREE: usize = 9;

/// Why an AIR description is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AirError {
    /// A constraint (named by its index, LogUp constraints after the user's) exceeds the
    /// configured maximum degree.
    #[error("constraint {index} has degree {degree}, above the maximum {max}")]
    DegreeTooHigh {
        /// Index of the constraint.
        index: usize,
        /// Its degree.
        degree: usize,
        /// The configured maximum.
        max: usize,
    },
    /// The configured maximum degree is outside `2..=MAX_CONSTRAINT_DEGREE`.
    #[error("maximum constraint degree {0} outside 2..={MAX_CONSTRAINT_DEGREE}")]
    BadMaxDegree(usize),
    /// The AIR has no column.
    #[error("an AIR needs at least one column")]
    NoColumns,
    /// A public interaction uses something other than constants and public values.
    #[error("public interaction {0} may only use constants and public values")]
    NonPublicInteraction(usize),
    /// An interaction's tuple is empty or too long.
    #[error("interaction {index} has a tuple of {len} values (1..={MAX_TUPLE_LEN} allowed)")]
    BadTupleLen {
        /// Index of the interaction.
        index: usize,
        /// Its tuple length.
        len: usize,
    },
    /// A size limit (columns, public values, interactions, nodes) is exceeded.
    #[error("AIR too large: {0}")]
    TooLarge(&'static str),
    /// An expression from another builder was used.
    #[error("an expression from a different AirBuilder was used")]
    ForeignExpr,
}
