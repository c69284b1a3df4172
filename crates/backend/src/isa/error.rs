//! [`IsaError`]: why an instruction set could not be selected.

use super::name::IsaName;

/// Why an instruction set could not be selected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IsaError {
    /// The name is not one of `auto`, `scalar`, `avx2`, `avx512`.
    #[error("unknown instruction set {0:?}: expected one of auto, scalar, avx2, avx512")]
    UnknownName(String),
    /// The CPU (or the operating system) does not support the requested instruction set.
    #[error(
        "instruction set {requested} was requested but this CPU does not support it (available: {available})"
    )]
    Unavailable {
        /// What was asked for.
        requested: IsaName,
        /// What this CPU offers, comma-separated.
        available: String,
    },
}
