//! The claimed challenges a recursive proof's envelope carries (`circuit::deferred`): the
//! bus challenges `(alpha, beta)` of every child verification whose public-lookup balance the
//! verifier computes itself, each an element of `K = F_p^5` as five canonical base-field
//! values (u32 little-endian).

use backend::KoalaBear as F;
use backend::field::Ext5;

/// Bytes of one claimed value.
pub const CLAIM_BYTES: usize = 20;

/// Appends `claims` to `out`.
pub fn encode(claims: &[Ext5], out: &mut Vec<u8>) {
    for c in claims {
        for x in c.coeffs() {
            out.extend_from_slice(&x.as_canonical_u32().to_le_bytes());
        }
    }
}

/// The `n` claims at the start of `bytes`; `None` if `bytes` is shorter than
/// `n * `[`CLAIM_BYTES`] or a value is not canonical (at least `p`).
pub fn decode(bytes: &[u8], n: usize) -> Option<Vec<Ext5>> {
    let bytes = bytes.get(..n.checked_mul(CLAIM_BYTES)?)?;
    bytes
        .chunks_exact(CLAIM_BYTES)
        .map(|c| {
            let mut coeffs = [F::ZERO; 5];
            for (x, b) in coeffs.iter_mut().zip(c.chunks_exact(4)) {
                *x = F::from_canonical_checked(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))?;
            }
            Some(Ext5::new(coeffs))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_round_trip_and_non_canonical_values_are_refused() {
        let claims: Vec<Ext5> = (0..3u32)
            .map(|i| Ext5::new([1, 2, 3, 4, 5].map(|j| F::new(i * 1000 + j))))
            .collect();
        let mut bytes = Vec::new();
        encode(&claims, &mut bytes);
        assert_eq!(bytes.len(), 3 * CLAIM_BYTES);
        assert_eq!(decode(&bytes, 3).unwrap(), claims);
        assert_eq!(decode(&bytes, 2).unwrap(), claims[..2]);
        assert!(decode(&bytes, 4).is_none());
        assert!(decode(&bytes, usize::MAX).is_none());
        let mut high = bytes.clone();
        high[24..28].copy_from_slice(&F::ORDER.to_le_bytes());
        assert!(decode(&high, 3).is_none());
    }
}
