//! The canonical, bounded byte codec shared by the proof encodings: little-endian `u32`s,
//! canonical field elements (anything `>= p` is rejected), extension elements as their 5
//! coefficients, digests as 8 field elements, Merkle multi-openings with bounded counts.

use backend::KoalaBear;
use backend::field::Ext5;
use backend::merkle::{DIGEST_LEN, Digest, Dimensions, MultiOpening};

/// Why bytes are not a well-formed proof.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes end early.
    #[error("proof truncated")]
    Truncated,
    /// Wrong magic bytes.
    #[error("bad magic")]
    BadMagic,
    /// Unsupported version.
    #[error("unsupported proof version {0}")]
    BadVersion(u32),
    /// A field element is not canonical.
    #[error("non-canonical field element {0:#x}")]
    NonCanonical(u32),
    /// A length is out of its bound.
    #[error("length {what} = {got} out of range (at most {max})")]
    BadLength {
        /// Which length.
        what: &'static str,
        /// Its value.
        got: u32,
        /// The bound.
        max: usize,
    },
    /// Bytes remain after the proof.
    #[error("{0} trailing bytes")]
    TrailingBytes(usize),
}

/// Appends the canonical encodings of integers, field elements, digests and openings.
#[derive(Default)]
pub(crate) struct Writer(Vec<u8>);

impl Writer {
    pub(crate) fn header(&mut self, magic: &[u8; 4], version: u32) {
        self.0.extend_from_slice(magic);
        self.u32(version);
    }
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }
    pub(crate) fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    pub(crate) fn felt(&mut self, x: KoalaBear) {
        self.u32(x.as_canonical_u32());
    }
    pub(crate) fn felts(&mut self, xs: &[KoalaBear]) {
        xs.iter().for_each(|&x| self.felt(x));
    }
    pub(crate) fn ext(&mut self, x: Ext5) {
        self.felts(x.coeffs());
    }
    pub(crate) fn exts(&mut self, xs: &[Ext5]) {
        xs.iter().for_each(|&x| self.ext(x));
    }
    pub(crate) fn digest(&mut self, d: &Digest) {
        self.felts(d);
    }
    pub(crate) fn opening(&mut self, o: &MultiOpening) {
        self.u32(o.rows.len() as u32);
        for leaf in &o.rows {
            for row in leaf {
                self.felts(row);
            }
        }
        self.u32(o.siblings.len() as u32);
        o.siblings.iter().for_each(|d| self.digest(d));
    }
}

/// Reads what [`Writer`] wrote, checking every value and bounding every length before
/// anything is allocated.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }
    pub(crate) fn header(&mut self, magic: &[u8; 4], version: u32) -> Result<(), DecodeError> {
        let m = self.bytes.get(..4).ok_or(DecodeError::Truncated)?;
        if m != magic {
            return Err(DecodeError::BadMagic);
        }
        self.pos = 4;
        let v = self.u32()?;
        if v != version {
            return Err(DecodeError::BadVersion(v));
        }
        Ok(())
    }
    /// Checks that every byte was read.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes(self.bytes.len() - self.pos))
        }
    }
    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        let end = self.pos.checked_add(4).ok_or(DecodeError::Truncated)?;
        let b = self
            .bytes
            .get(self.pos..end)
            .ok_or(DecodeError::Truncated)?;
        self.pos = end;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(crate) fn felt(&mut self) -> Result<KoalaBear, DecodeError> {
        let x = self.u32()?;
        KoalaBear::from_canonical_checked(x).ok_or(DecodeError::NonCanonical(x))
    }
    pub(crate) fn felts(&mut self, n: usize) -> Result<Vec<KoalaBear>, DecodeError> {
        self.remaining_at_least(n.saturating_mul(4))?;
        (0..n).map(|_| self.felt()).collect()
    }
    pub(crate) fn ext(&mut self) -> Result<Ext5, DecodeError> {
        Ok(Ext5::new([
            self.felt()?,
            self.felt()?,
            self.felt()?,
            self.felt()?,
            self.felt()?,
        ]))
    }
    pub(crate) fn exts(&mut self, n: usize) -> Result<Vec<Ext5>, DecodeError> {
        self.remaining_at_least(n.saturating_mul(20))?;
        (0..n).map(|_| self.ext()).collect()
    }
    pub(crate) fn digest(&mut self) -> Result<Digest, DecodeError> {
        let mut d = [KoalaBear::ZERO; DIGEST_LEN];
        for x in d.iter_mut() {
            *x = self.felt()?;
        }
        Ok(d)
    }
    pub(crate) fn remaining_at_least(&self, n: usize) -> Result<(), DecodeError> {
        if self.bytes.len().saturating_sub(self.pos) >= n {
            Ok(())
        } else {
            Err(DecodeError::Truncated)
        }
    }
    pub(crate) fn bounded(
        &mut self,
        what: &'static str,
        min: usize,
        max: usize,
    ) -> Result<usize, DecodeError> {
        let got = self.u32()?;
        if (got as usize) < min || got as usize > max {
            return Err(DecodeError::BadLength { what, got, max });
        }
        Ok(got as usize)
    }
    pub(crate) fn opening(
        &mut self,
        dims: &[Dimensions],
        num_queries: usize,
    ) -> Result<MultiOpening, DecodeError> {
        let leaves = self.bounded("opened leaves", 1, num_queries)?;
        let mut rows = Vec::new();
        for _ in 0..leaves {
            let mut leaf = Vec::with_capacity(dims.len());
            for d in dims {
                leaf.push(self.felts(d.width)?);
            }
            rows.push(leaf);
        }
        let depth = dims
            .iter()
            .map(|d| d.height.max(1).trailing_zeros() as usize)
            .max()
            .unwrap_or(0);
        let n = self.bounded("siblings", 0, num_queries.saturating_mul(depth))?;
        self.remaining_at_least(n.saturating_mul(4 * DIGEST_LEN))?;
        let siblings = (0..n).map(|_| self.digest()).collect::<Result<_, _>>()?;
        Ok(MultiOpening { rows, siblings })
    }
}
