//! SSZ encodings of public keys and signatures (spec section 6.5) with leanSpec's strict
//! decoding rules: canonical field elements only, exact lengths, exact offsets. Decoders never
//! panic; every error names the field and the byte position.

use crate::params::{
    Config, Digest, HASH_LEN, PARAMETER_LEN, PUBLIC_KEY_BYTES, Parameter, RAND_LEN, Rho,
    SIGNATURE_FIXED_PART,
};
use backend::KoalaBear as F;

/// Why a byte string is not a valid SSZ encoding.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The byte string (or a part of it) does not have the required length.
    #[error("{what}: expected {expected} bytes, got {actual}")]
    Length {
        /// What was being decoded.
        what: String,
        /// Required length.
        expected: usize,
        /// Actual length.
        actual: usize,
    },
    /// The byte string ends before a field.
    #[error("{what}: truncated, needs {needed} bytes from byte {at}, only {available} left")]
    Truncated {
        /// The field.
        what: String,
        /// Its byte position.
        at: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// An SSZ offset does not have its only allowed value.
    #[error("{what}: offset at byte {at} is {found}, expected {expected}")]
    Offset {
        /// The offset's field.
        what: String,
        /// Byte position of the offset.
        at: usize,
        /// The allowed value.
        expected: usize,
        /// The value found.
        found: u32,
    },
    /// An SSZ offset points outside its container or goes backwards.
    #[error("{what}: offset at byte {at} is {found}, outside the allowed range {min}..={max}")]
    OffsetRange {
        /// The offset's field.
        what: String,
        /// Byte position of the offset.
        at: usize,
        /// The value found.
        found: u32,
        /// Smallest allowed value.
        min: usize,
        /// Largest allowed value.
        max: usize,
    },
    /// A list's byte length is not a multiple of its item size.
    #[error("{what}: {len} bytes is not a multiple of the {unit}-byte item size")]
    NotMultiple {
        /// The list.
        what: String,
        /// Its byte length.
        len: usize,
        /// Item size.
        unit: usize,
    },
    /// A field element is not below `p`.
    #[error("{what}: non-canonical field element {value} (>= p = 2130706433) at byte {at}")]
    NonCanonical {
        /// The field.
        what: String,
        /// Byte position of the element.
        at: usize,
        /// The encoded value.
        value: u32,
    },
    /// A value is well-formed SSZ but not allowed here.
    #[error("{what}: invalid value at byte {at}: {reason}")]
    Invalid {
        /// The field.
        what: String,
        /// Byte position.
        at: usize,
        /// What is wrong.
        reason: String,
    },
}

/// A bounds-checked little-endian reader over a byte slice with absolute positions.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    /// Absolute position of `bytes[0]` in the outermost encoding (for error messages).
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, which starts at absolute byte `base`.
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> Self {
        Reader { bytes, base }
    }

    /// Length of the slice.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Absolute position of relative position `rel`.
    pub(crate) fn abs(&self, rel: usize) -> usize {
        self.base + rel
    }

    /// The sub-reader over `start..end` (relative), checked.
    pub(crate) fn sub(
        &self,
        what: &str,
        start: usize,
        end: usize,
    ) -> Result<Reader<'a>, DecodeError> {
        if start > end || end > self.bytes.len() {
            return Err(DecodeError::Truncated {
                what: what.to_string(),
                at: self.abs(start),
                needed: end.saturating_sub(start),
                available: self.bytes.len().saturating_sub(start),
            });
        }
        Ok(Reader::new(&self.bytes[start..end], self.abs(start)))
    }

    fn take<const N: usize>(&self, what: &str, at: usize) -> Result<[u8; N], DecodeError> {
        self.bytes
            .get(at..at.wrapping_add(N))
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| DecodeError::Truncated {
                what: what.to_string(),
                at: self.abs(at),
                needed: N,
                available: self.bytes.len().saturating_sub(at),
            })
    }

    /// A little-endian `u32` at relative position `at`.
    pub(crate) fn u32(&self, what: &str, at: usize) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.take::<4>(what, at)?))
    }

    /// A little-endian `u64` at relative position `at`.
    pub(crate) fn u64(&self, what: &str, at: usize) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.take::<8>(what, at)?))
    }

    /// `N` raw bytes at relative position `at`.
    pub(crate) fn bytes<const N: usize>(
        &self,
        what: &str,
        at: usize,
    ) -> Result<[u8; N], DecodeError> {
        self.take::<N>(what, at)
    }

    /// An offset at `at` that must equal `expected`.
    pub(crate) fn exact_offset(
        &self,
        what: &str,
        at: usize,
        expected: usize,
    ) -> Result<(), DecodeError> {
        let found = self.u32(what, at)?;
        if found as usize != expected {
            return Err(DecodeError::Offset {
                what: what.to_string(),
                at: self.abs(at),
                expected,
                found,
            });
        }
        Ok(())
    }

    /// An offset at `at` that must lie in `min..=max`.
    pub(crate) fn ranged_offset(
        &self,
        what: &str,
        at: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, DecodeError> {
        let found = self.u32(what, at)?;
        if (found as usize) < min || found as usize > max {
            return Err(DecodeError::OffsetRange {
                what: what.to_string(),
                at: self.abs(at),
                found,
                min,
                max,
            });
        }
        Ok(found as usize)
    }

    /// `N` canonical field elements starting at `at`.
    pub(crate) fn fes<const N: usize>(&self, what: &str, at: usize) -> Result<[F; N], DecodeError> {
        let mut out = [F::ZERO; N];
        for (i, o) in out.iter_mut().enumerate() {
            let pos = at + 4 * i;
            let value = self.u32(what, pos)?;
            *o = F::from_canonical_checked(value).ok_or_else(|| DecodeError::NonCanonical {
                what: what.to_string(),
                at: self.abs(pos),
                value,
            })?;
        }
        Ok(out)
    }

    /// The whole slice as a list of digests (32 bytes each).
    pub(crate) fn digest_list(&self, what: &str) -> Result<Vec<Digest>, DecodeError> {
        if !self.bytes.len().is_multiple_of(32) {
            return Err(DecodeError::NotMultiple {
                what: what.to_string(),
                len: self.bytes.len(),
                unit: 32,
            });
        }
        (0..self.bytes.len() / 32)
            .map(|i| self.fes::<HASH_LEN>(&format!("{what}[{i}]"), 32 * i))
            .collect()
    }
}

/// Appends canonical little-endian field elements.
pub(crate) fn put_fes(out: &mut Vec<u8>, fes: &[F]) {
    for f in fes {
        out.extend_from_slice(&f.as_canonical_u32().to_le_bytes());
    }
}

/// Appends a `u32` offset.
pub(crate) fn put_offset(out: &mut Vec<u8>, offset: usize) {
    out.extend_from_slice(&(offset as u32).to_le_bytes());
}

/// An XMSS public key: the Merkle root and the public parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PublicKey {
    /// Root of the key's Merkle tree.
    pub root: Digest,
    /// Public parameter mixed into every hash.
    pub parameter: Parameter,
}

impl PublicKey {
    /// SSZ encoding: root (32 bytes) ‖ parameter (20 bytes).
    pub fn to_ssz(&self) -> [u8; PUBLIC_KEY_BYTES] {
        let mut v = Vec::with_capacity(PUBLIC_KEY_BYTES);
        put_fes(&mut v, &self.root);
        put_fes(&mut v, &self.parameter);
        v.try_into().expect("52 bytes")
    }

    /// Strict SSZ decoding: exactly 52 bytes, canonical field elements.
    pub fn from_ssz(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != PUBLIC_KEY_BYTES {
            return Err(DecodeError::Length {
                what: "public key".into(),
                expected: PUBLIC_KEY_BYTES,
                actual: bytes.len(),
            });
        }
        let r = Reader::new(bytes, 0);
        Ok(PublicKey {
            root: r.fes("public key root", 0)?,
            parameter: r.fes("public key parameter", 32)?,
        })
    }
}

/// An XMSS signature: the Merkle co-path (leaf to root), the randomness and the `V` chain
/// values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    /// Sibling digests from the leaf level up to the level below the root (`h` entries).
    pub path: Vec<Digest>,
    /// The encoding randomness `rho`.
    pub rho: Rho,
    /// The revealed chain values `y_0..y_{V-1}`.
    pub hashes: Vec<Digest>,
}

impl Signature {
    /// SSZ encoding (spec 6.5): `offset(path)=36 ‖ rho ‖ offset(hashes) ‖ 4 ‖ siblings ‖ hashes`.
    pub fn to_ssz(&self) -> Vec<u8> {
        let hashes_offset = SIGNATURE_FIXED_PART + 4 + 32 * self.path.len();
        let mut v = Vec::with_capacity(hashes_offset + 32 * self.hashes.len());
        put_offset(&mut v, SIGNATURE_FIXED_PART);
        put_fes(&mut v, &self.rho);
        put_offset(&mut v, hashes_offset);
        put_offset(&mut v, 4);
        for d in &self.path {
            put_fes(&mut v, d);
        }
        for d in &self.hashes {
            put_fes(&mut v, d);
        }
        v
    }

    /// Strict SSZ decoding for `config`: exactly [`Config::signature_bytes`] bytes, offsets
    /// with their only valid values (36, `40 + 32h`, 4), `h` siblings, `V` hashes, canonical
    /// field elements.
    pub fn from_ssz(config: Config, bytes: &[u8]) -> Result<Self, DecodeError> {
        let expected = config.signature_bytes();
        if bytes.len() != expected {
            return Err(DecodeError::Length {
                what: format!(
                    "signature ({config}: {} siblings, {} hashes)",
                    config.log_lifetime(),
                    config.num_chains()
                ),
                expected,
                actual: bytes.len(),
            });
        }
        let r = Reader::new(bytes, 0);
        r.exact_offset("signature offset of path", 0, SIGNATURE_FIXED_PART)?;
        let rho = r.fes::<RAND_LEN>("signature rho", 4)?;
        let hashes_offset = config.signature_hashes_offset();
        r.exact_offset("signature offset of hashes", 32, hashes_offset)?;
        r.exact_offset("signature path: offset of siblings", 36, 4)?;
        let path = r
            .sub("signature path siblings", 40, hashes_offset)?
            .digest_list("signature path sibling")?;
        let hashes = r
            .sub("signature hashes", hashes_offset, bytes.len())?
            .digest_list("signature hash")?;
        Ok(Signature { path, rho, hashes })
    }
}

/// Reads a fixed number of parameter elements (used by the secret-key decoder).
pub(crate) fn read_parameter(
    r: &Reader<'_>,
    what: &str,
    at: usize,
) -> Result<Parameter, DecodeError> {
    r.fes::<PARAMETER_LEN>(what, at)
}
