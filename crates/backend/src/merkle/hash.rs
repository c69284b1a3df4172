//! The two hashes of the tree: the row hash (leaves) and the 2-to-1 compression (inner
//! nodes), one at a time with the scalar permutations and batched on the dispatched kernels.

use crate::field::KoalaBear;
use crate::isa::Isa;
use crate::poseidon::{self, Permutation, poseidon2_16_batch, poseidon2_permute_16};

/// A Merkle digest: eight field elements (about 248 bits).
pub type Digest = [KoalaBear; DIGEST_LEN];

/// Number of field elements in a [`Digest`].
pub const DIGEST_LEN: usize = 8;

/// The permutation of the row hash (Poseidon2 width 24, sponge rate 16).
pub const ROW_HASH_PERMUTATION: Permutation = Permutation::Poseidon2W24;

/// The permutation of the 2-to-1 compression (Poseidon2 width 16).
pub const COMPRESS_PERMUTATION: Permutation = Permutation::Poseidon2W16;

/// States per batched permutation call (stays in L1).
pub(crate) const BLOCK: usize = 128;

/// The row hash: [`crate::poseidon::sponge`] with Poseidon2 width 24 (scalar reference).
pub fn hash_row(row: &[KoalaBear]) -> Digest {
    poseidon::sponge(ROW_HASH_PERMUTATION, row)
}

/// The 2-to-1 compression: `(P(l || r) + (l || r))[0..8]` with `P` Poseidon2 width 16
/// (scalar reference).
pub fn compress(left: &Digest, right: &Digest) -> Digest {
    let mut input = [KoalaBear::ZERO; 16];
    input[..DIGEST_LEN].copy_from_slice(left);
    input[DIGEST_LEN..].copy_from_slice(right);
    let mut s = input;
    poseidon2_permute_16(&mut s);
    core::array::from_fn(|i| s[i] + input[i])
}

/// Batched [`compress`]: `out[i] = compress(left(i), right(i))`, `BLOCK` states per dispatched
/// call.
pub(crate) fn compress_batch(
    isa: Isa,
    pair: impl Fn(usize) -> (Digest, Digest),
    out: &mut [Digest],
) {
    let mut inputs = [[KoalaBear::ZERO; 16]; BLOCK];
    let mut buf = [[KoalaBear::ZERO; 16]; BLOCK];
    for (b, outs) in out.chunks_mut(BLOCK).enumerate() {
        let inputs = &mut inputs[..outs.len()];
        for (i, s) in inputs.iter_mut().enumerate() {
            let (l, r) = pair(b * BLOCK + i);
            s[..DIGEST_LEN].copy_from_slice(&l);
            s[DIGEST_LEN..].copy_from_slice(&r);
        }
        let buf = &mut buf[..outs.len()];
        buf.copy_from_slice(inputs);
        poseidon2_16_batch(isa, buf);
        for ((o, s), x) in outs.iter_mut().zip(buf.iter()).zip(inputs.iter()) {
            *o = core::array::from_fn(|i| s[i] + x[i]);
        }
    }
}
