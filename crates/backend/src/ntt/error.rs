//! [`NttError`]: why a matrix cannot be transformed.

/// Why a matrix cannot be transformed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NttError {
    /// The width is zero.
    #[error("NTT matrix width must be at least 1")]
    ZeroWidth,
    /// The slice length is not a multiple of the width.
    #[error("NTT matrix length {len} is not a multiple of its width {width}")]
    RaggedLength {
        /// Slice length.
        len: usize,
        /// Width.
        width: usize,
    },
    /// The height is not a power of two (zero included).
    #[error("NTT matrix height {height} is not a power of two")]
    HeightNotPowerOfTwo {
        /// Height (`len / width`).
        height: usize,
    },
    /// The height (of the input, or of the LDE output) exceeds `2^24`.
    #[error("NTT height 2^{log_height} exceeds the largest KoalaBear subgroup, 2^{max}")]
    HeightTooLarge {
        /// `log2` of the offending height.
        log_height: usize,
        /// [`super::MAX_LOG_HEIGHT`].
        max: usize,
    },
}
