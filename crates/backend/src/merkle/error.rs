//! [`MerkleError`]: why a commitment, an opening or a verification failed.

/// Errors of tree construction, opening and verification. Each names the offending input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// A commitment needs at least one matrix.
    #[error("no matrices to commit to")]
    NoMatrices,
    /// Matrix `matrix` has width 0.
    #[error("matrix {matrix} has width 0")]
    ZeroWidth {
        /// Index of the matrix.
        matrix: usize,
    },
    /// Matrix `matrix` has `len` values, not a multiple of its width.
    #[error("matrix {matrix}: {len} values is not a whole number of rows of width {width}")]
    RaggedMatrix {
        /// Index of the matrix.
        matrix: usize,
        /// Number of values.
        len: usize,
        /// Row width.
        width: usize,
    },
    /// Matrix `matrix` has a height that is zero or not a power of two.
    #[error("matrix {matrix} has height {height}, not a power of two")]
    HeightNotPowerOfTwo {
        /// Index of the matrix.
        matrix: usize,
        /// Its height.
        height: usize,
    },
    /// The rows hashed together at one height are too long for the sponge (`>= p` elements).
    #[error("rows of the matrices of height {height} have {len} elements in total, too many")]
    RowTooLong {
        /// The height of the matrices concerned.
        height: usize,
        /// Total row length.
        len: usize,
    },
    /// A multi-opening was asked for, or checked against, no index at all.
    #[error("no indices to open")]
    NoIndices,
    /// A leaf index is not below the number of leaves.
    #[error("index {index} out of range for a tree of {leaves} leaves")]
    IndexOutOfRange {
        /// The index.
        index: usize,
        /// Number of leaves (the largest matrix height).
        leaves: usize,
    },
    /// A single-path opening has the wrong number of siblings.
    #[error("path of {got} siblings, expected {expected}")]
    WrongPathLength {
        /// The tree depth.
        expected: usize,
        /// Siblings in the opening.
        got: usize,
    },
    /// A multi-opening has the wrong number of opened leaves (one per distinct index).
    #[error("{got} opened leaves, expected {expected} (one per distinct index)")]
    WrongOpeningCount {
        /// Number of distinct indices.
        expected: usize,
        /// Opened leaves in the opening.
        got: usize,
    },
    /// An opened leaf has the wrong number of rows (one per matrix).
    #[error("opened leaf {leaf} has {got} rows, expected {expected} (one per matrix)")]
    WrongRowCount {
        /// Index of the leaf.
        leaf: usize,
        /// Number of matrices.
        expected: usize,
        /// Rows in the opening.
        got: usize,
    },
    /// An opened row has the wrong width.
    #[error("opened leaf {leaf}, matrix {matrix}: row of {got} elements, expected {expected}")]
    WrongRowWidth {
        /// Index of the leaf.
        leaf: usize,
        /// Index of the matrix.
        matrix: usize,
        /// The matrix width.
        expected: usize,
        /// Elements in the opened row.
        got: usize,
    },
    /// Two opened leaves share a row of a shorter matrix but disagree on its values.
    #[error("matrix {matrix}, row {row}: opened twice with different values")]
    InconsistentRows {
        /// Index of the matrix.
        matrix: usize,
        /// Row index in that matrix.
        row: usize,
    },
    /// A multi-opening ran out of sibling digests.
    #[error("too few sibling digests: ran out at layer {layer}")]
    TooFewSiblings {
        /// The layer (0 = leaves) whose sibling was missing.
        layer: usize,
    },
    /// A multi-opening has sibling digests left over.
    #[error("{extra} sibling digests left over")]
    TooManySiblings {
        /// Number of unused siblings.
        extra: usize,
    },
    /// The recomputed root differs from the commitment.
    #[error("recomputed root does not match the commitment")]
    RootMismatch,
}
