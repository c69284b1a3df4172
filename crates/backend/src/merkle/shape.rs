//! What the tree commits to and what it opens: matrix shapes ([`Dimensions`], [`Matrix`]),
//! openings ([`Opening`], [`MultiOpening`]), and the layer layout of mixed-height matrices.

use super::error::MerkleError;
use super::hash::Digest;
use crate::field::KoalaBear;

/// Width and height of a committed matrix (what a verifier knows about it).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dimensions {
    /// Row length.
    pub width: usize,
    /// Number of rows (a power of two).
    pub height: usize,
}

/// A row-major matrix: `values` holds the rows one after the other, `width` elements each.
///
/// `V` is the storage: `Vec<KoalaBear>` for an owned matrix, `&[KoalaBear]` for a borrowed one.
/// The shape is validated by [`MerkleTree::new`](super::MerkleTree::new).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix<V = Vec<KoalaBear>> {
    pub(super) values: V,
    pub(super) width: usize,
}

impl<V: AsRef<[KoalaBear]>> Matrix<V> {
    /// A matrix of rows of `width` elements stored in `values`.
    pub fn new(values: V, width: usize) -> Self {
        Self { values, width }
    }

    /// Row length.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows (0 if the width is 0).
    pub fn height(&self) -> usize {
        self.values
            .as_ref()
            .len()
            .checked_div(self.width)
            .unwrap_or(0)
    }

    /// All values, row-major.
    pub fn values(&self) -> &[KoalaBear] {
        self.values.as_ref()
    }

    /// Row `i`.
    ///
    /// # Panics
    /// If `i >= self.height()`.
    pub fn row(&self, i: usize) -> &[KoalaBear] {
        &self.values.as_ref()[i * self.width..(i + 1) * self.width]
    }

    /// Width and height.
    pub fn dimensions(&self) -> Dimensions {
        Dimensions {
            width: self.width,
            height: self.height(),
        }
    }
}

/// An opening of one leaf index: the opened row of every matrix (in commitment order) and the
/// `depth` sibling digests from the leaves up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    /// `rows[k]` is the opened row of matrix `k`.
    pub rows: Vec<Vec<KoalaBear>>,
    /// Sibling digests, leaf layer first.
    pub siblings: Vec<Digest>,
}

/// An opening of several leaf indices at once, each needed sibling sent once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiOpening {
    /// For each distinct index in increasing order, the opened row of every matrix.
    pub rows: Vec<Vec<Vec<KoalaBear>>>,
    /// Sibling digests in verification order: layer by layer from the leaves up, within a
    /// layer by increasing node index; a sibling that the verifier can compute is not sent.
    pub siblings: Vec<Digest>,
}

/// Checks the shapes of a commitment; returns `log2` of the largest height and, for each layer
/// `l` in `0..=depth`, the indices of the matrices of height `H >> l`.
pub(crate) fn layout(dims: &[Dimensions]) -> Result<(usize, Vec<Vec<usize>>), MerkleError> {
    if dims.is_empty() {
        return Err(MerkleError::NoMatrices);
    }
    for (k, d) in dims.iter().enumerate() {
        if d.width == 0 {
            return Err(MerkleError::ZeroWidth { matrix: k });
        }
        if !d.height.is_power_of_two() {
            return Err(MerkleError::HeightNotPowerOfTwo {
                matrix: k,
                height: d.height,
            });
        }
    }
    let max = dims.iter().map(|d| d.height).max().unwrap_or(1);
    let depth = max.trailing_zeros() as usize;
    let mut groups = vec![Vec::new(); depth + 1];
    for (k, d) in dims.iter().enumerate() {
        groups[depth - d.height.trailing_zeros() as usize].push(k);
    }
    for (l, g) in groups.iter().enumerate() {
        let len = g
            .iter()
            .fold(0usize, |acc, &k| acc.saturating_add(dims[k].width));
        if len >= KoalaBear::ORDER as usize {
            return Err(MerkleError::RowTooLong {
                height: max >> l,
                len,
            });
        }
    }
    Ok((depth, groups))
}
