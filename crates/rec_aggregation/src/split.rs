//! Splitting one component out of a Type-2 proof: a Type-1 proof
//! ([`SplitProof`], `"XAGS"`) that verifies with that
//! component's message, slot and keys alone.
//!
//! The split proof is a recursive proof that the Type-2's outer proof verifies. Its verifier
//! must derive the Type-2's statement without the other components' keys: a component's
//! keys enter that statement only through its public lists' digests (observed by its
//! transcript) and its deferred balance (`crate::circuit`'s deferred balances), which the
//! split's shape carries for every other component (`GivenChild`). The verifier computes the
//! split component's own digests and balance from the caller's keys, so the proof attests
//! that component exactly as the Type-2 did; the values given for the others only concern
//! their own verifications inside the Type-2, which the split does not claim.
//!
//! [`split`] needs every component's keys (the Type-2's statement) and proves at the parts'
//! rate; the verification is [`crate::verify_type_1`]'s (the statement derived from the
//! shape: [`Type1Statement::derive`]). A split can itself be a child or a Type-2 part (its
//! shape goes whole into the parent's header). The bytes are `crate::children`'s.

use crate::children::{SplitShape, TYPE2_OUTER_LOG_INV_RATE, Type1Statement};
use crate::circuit::GivenChild;
use crate::recursion::{ChildStatement, RecursionError, record_verifications, verification_lists};
use crate::statement::params_v2;
use crate::type2::{Type2Error, Type2Proof, component_statements};
use backend::Isa;
use backend::field::Ext5;
use lean_prover::lookup::list_digest;
use lean_prover::v2::{ErrorV2, VerifierField, decode_proof, prove_v2};
use xmss::{Config, PublicKey};

pub use crate::children::{SPLIT_MAGIC, SPLIT_VERSION, SplitProof};

/// Why a split failed.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    /// No component of the Type-2 has this message.
    #[error("no component of the Type-2 proof is for this message")]
    NoSuchMessage,
    /// The Type-2 proof or its components are not the caller's (see [`Type2Error`]).
    #[error("{0}")]
    Type2(#[from] Type2Error),
    /// The Type-2 proof does not verify, or the split's proof failed.
    #[error("{0}")]
    Recursion(#[from] RecursionError),
}

/// Splits the component for `message` (the first, if several slots share it) out of Type-2
/// `bytes`, given the Type-2's components (`parts[i]`: message, slot and ordered keys, in
/// order): a Type-1 proof at the parts' rate that verifies with that component's message,
/// slot and keys alone ([`crate::verify_type_1`]).
///
/// # Errors
/// [`SplitError::NoSuchMessage`]; [`SplitError::Type2`] for malformed bytes or components
/// other than the caller's; [`SplitError::Recursion`] if the Type-2 does not verify
/// ([`RecursionError::Child`]) or the split's proof fails.
pub fn split(
    isa: Isa,
    config: Config,
    parts: &[([u8; 32], u32, &[PublicKey])],
    bytes: &[u8],
    message: &[u8; 32],
) -> Result<SplitProof, SplitError> {
    let t2 = Type2Proof::from_bytes(bytes)?;
    let statements = component_statements(isa, config, parts, &t2)?;
    let index = parts
        .iter()
        .position(|(m, _, _)| m == message)
        .ok_or(SplitError::NoSuchMessage)?;
    let rate = t2.log_inv_rate();
    let refs: Vec<&Type1Statement> = statements.iter().collect();
    let (lists, heights) = verification_lists(isa, rate, &refs, t2.claims())?;
    let outer = Type1Statement::of_circuit(lists, heights);
    let outer_proof = decode_proof(
        &params_v2(TYPE2_OUTER_LOG_INV_RATE),
        &outer.instances(),
        &outer.lookups(),
        t2.proof_bytes(),
    )
    .map_err(|source| RecursionError::Child { index: 0, source })?;
    let circuit = record_verifications(isa, TYPE2_OUTER_LOG_INV_RATE, &[(&outer, &outer_proof)])?;
    let cst = circuit.statement(isa).map_err(RecursionError::from)?;
    let proof = prove_v2(
        isa,
        &params_v2(rate),
        &cst.witnesses(),
        &cst.lists.lookups(),
    )
    .map_err(RecursionError::Outer)?;
    let mut given = Vec::with_capacity(statements.len() - 1);
    for (j, st) in statements.iter().enumerate() {
        if j == index {
            continue;
        }
        let lookups = st.lookups();
        let (alpha, beta) = (t2.claims()[2 * j], t2.claims()[2 * j + 1]);
        let balance = <Ext5 as VerifierField>::lookup_contribution(isa, &lookups, alpha, beta)
            .ok_or(RecursionError::Child {
                index: j,
                source: ErrorV2::PublicDenominator,
            })?;
        given.push(GivenChild {
            digests: lookups.iter().map(|l| list_digest(isa, l)).collect(),
            balance,
        });
    }
    Ok(SplitProof {
        config,
        log_inv_rate: rate,
        shape: SplitShape {
            index,
            components: t2.components().to_vec(),
            type2_claims: t2.claims().to_vec(),
            given,
            claims: circuit.claims(),
        },
        proof: proof.to_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::children::{Component, MAX_DEPTH, NestedShape, Shape};
    use crate::claims;
    use backend::KoalaBear as F;

    fn ext(i: u32) -> Ext5 {
        Ext5::from_base(F::new(i))
    }

    fn component(m: u8, shape: Shape, num_keys: usize) -> Component {
        Component {
            message: [m; 32],
            slot: 5,
            num_keys,
            shape,
        }
    }

    fn sample() -> SplitProof {
        let nested = NestedShape {
            num_raw: 1,
            children: vec![(2, Shape::Plain)],
            claims: vec![ext(1), ext(2)],
        };
        SplitProof {
            config: Config::Test,
            log_inv_rate: 2,
            shape: SplitShape {
                index: 1,
                components: vec![
                    component(1, Shape::Plain, 2),
                    component(2, Shape::Plain, 1),
                    component(3, Shape::Nested(nested), 3),
                ],
                type2_claims: (10..16).map(ext).collect(),
                given: vec![
                    GivenChild {
                        digests: vec![[F::new(7); 8]; 3],
                        balance: ext(20),
                    },
                    GivenChild {
                        digests: vec![[F::new(8); 8]; 12],
                        balance: ext(21),
                    },
                ],
                claims: vec![ext(30), ext(31)],
            },
            proof: vec![9; 40],
        }
    }

    #[test]
    fn header_round_trips_and_malformed_bytes_are_errors() {
        let p = sample();
        let bytes = p.to_bytes();
        assert_eq!(SplitProof::from_bytes(&bytes).unwrap(), p);
        assert_eq!(p.shape().component().message, [2; 32]);
        assert_eq!((p.shape().depth(), p.shape().nodes()), (4, 2 + 1 + 1 + 2));
        let header = bytes.len() - p.proof_bytes().len();
        for len in 0..header {
            assert!(SplitProof::from_bytes(&bytes[..len]).is_err(), "{len}");
        }
        // Every single-byte edit of the header parses or is an error, never a panic.
        for at in 0..header {
            for x in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[at] ^= x;
                let _ = SplitProof::from_bytes(&b);
            }
        }
        let refused = |at: usize, v: u8| {
            let mut b = bytes.clone();
            b[at] = v;
            SplitProof::from_bytes(&b).is_err()
        };
        assert!(refused(9, 3)); // index 3 of 3 components
        assert!(refused(4, 1)); // version 1
        assert!(refused(7, 5)); // rate
        assert!(refused(8, 1)); // parameters
        let given = header
            - 2 * claims::CLAIM_BYTES
            - (2 + 12 * 32 + claims::CLAIM_BYTES)
            - (2 + 3 * 32 + claims::CLAIM_BYTES);
        assert_eq!(u16::from_le_bytes([bytes[given], bytes[given + 1]]), 3);
        assert!(refused(given, 65)); // more lists than a component may have
        assert!(refused(given + 2 + 3, 0xff)); // a digest value not canonical
    }

    /// A nested shape of `depth` levels (a chain, one key at the bottom) and its key count.
    fn chain(depth: usize) -> (Shape, usize) {
        let mut shape = Shape::Plain;
        for _ in 1..depth {
            shape = Shape::Nested(NestedShape {
                num_raw: 1,
                children: vec![(shape_keys(&shape), shape)],
                claims: vec![ext(1), ext(2)],
            });
        }
        let keys = shape_keys(&shape);
        (shape, keys)
    }

    fn shape_keys(shape: &Shape) -> usize {
        match shape {
            Shape::Plain => 1,
            Shape::Nested(n) => n.num_keys(),
            Shape::Split(s) => s.num_keys(),
        }
    }

    #[test]
    fn a_split_deeper_than_the_limit_is_refused() {
        // A split of a Type-2 whose third component is a chain: the split and the Type-2 are
        // two levels, so a chain of MAX_DEPTH - 2 levels parses and one more does not.
        let with_chain = |depth: usize| {
            let mut p = sample();
            let (shape, keys) = chain(depth);
            p.shape.components[2] = component(3, shape, keys);
            p
        };
        let ok = with_chain(MAX_DEPTH - 2);
        assert_eq!(ok.shape().depth(), MAX_DEPTH);
        assert!(SplitProof::from_bytes(&ok.to_bytes()).is_ok());
        let deeper = with_chain(MAX_DEPTH - 1);
        assert_eq!(deeper.shape().depth(), MAX_DEPTH + 1);
        assert!(SplitProof::from_bytes(&deeper.to_bytes()).is_err());
    }
}
