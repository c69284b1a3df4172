//! Harnesses for the proof decoders: the aggregate proof header and verification
//! (`rec_aggregation`), and the `lean_prover` STARK proof encoding.
//!
//! `lean_prover::Proof::from_bytes` needs the [`ProofShape`] the statement implies; the
//! verifier derives it inside `lean_prover` (`layout::Layout::shape`, crate-private), and no
//! public function returns it. So the STARK proof of the fixed statement is fuzzed through
//! `rec_aggregation::verify` behind a fixed valid header ([`stark_proof`]: decoding with the
//! real shape, then every verifier check), and the decoder itself, with its canonical
//! re-encoding, on small shapes that the input chooses ([`stark_proof_any_shape`]).

use crate::Outcome;
use crate::statement::{TEST_STATEMENT, test_statement_header};
use backend::KoalaBear;
use backend::field::Ext5;
use backend::merkle::{Dimensions, MultiOpening};
use lean_prover::{Proof, ProofShape, TableOpenings};
use rec_aggregation::AggregateProof;

/// `rec_aggregation::AggregateProof::from_bytes` and `rec_aggregation::verify` against the
/// fixed test statement ([`TEST_STATEMENT`]): a decodable header re-encodes to the input
/// and has its fields in range; a proof that verifies has a decodable header for the test
/// configuration and one signature. `Accepted` means the proof verified.
pub fn aggregate_proof(data: &[u8]) -> Outcome {
    let header = AggregateProof::from_bytes(data);
    if let Ok(p) = &header {
        assert_eq!(
            p.to_bytes(),
            data,
            "aggregate proof encoding is not canonical"
        );
        assert!(p.num_signatures() >= 1);
        assert!(lean_prover::params::LOG_INV_RATE_RANGE.contains(&p.log_inv_rate()));
    }
    let verdict = TEST_STATEMENT.verify(data);
    if let Err(e) = &verdict {
        let _ = e.to_string();
    } else {
        let p = header
            .as_ref()
            .expect("a verified proof has a valid header");
        assert_eq!(p.config(), TEST_STATEMENT.config);
        assert_eq!(p.num_signatures(), TEST_STATEMENT.keys.len());
    }
    Outcome::from_bool(verdict.is_ok())
}

/// The `lean_prover` proof (v2, the default proof system) of the fixed test statement: `data`
/// is the proof part, put behind
/// the header of the valid proof ([`test_statement_header`]) and verified with
/// `rec_aggregation::verify`, which decodes it with the statement's real shape (bounded
/// lengths, canonical elements, no trailing bytes) and runs every verifier check.
/// `Accepted` means it verified.
pub fn stark_proof(data: &[u8]) -> Outcome {
    let mut bytes = test_statement_header().to_vec();
    bytes.extend_from_slice(data);
    match TEST_STATEMENT.verify(&bytes) {
        Ok(()) => Outcome::Accepted,
        Err(e) => {
            let _ = e.to_string();
            Outcome::Rejected
        }
    }
}

/// Number of leading input bytes [`shape_from_bytes`] reads.
pub const SHAPE_BYTES: usize = 8;

/// A small, well-formed [`ProofShape`] chosen by the first [`SHAPE_BYTES`] bytes of `data`
/// (missing bytes count as zero), and the rest of `data`.
///
/// 1 to 3 tables of width 1 to 8 with 0 to 2 auxiliary columns, 1 or 2 quotient chunks and
/// LDE heights `2^2` to `2^5`; 0 to 2 FRI layers of arity 2 or 4; a final polynomial of 1 to 8
/// coefficients; 1 to 8 queries. Shapes come from the verifier, never from the proof bytes, so
/// only shapes the verifier could build are made (for example every FRI layer is at least as
/// high as its arity).
pub fn shape_from_bytes(data: &[u8]) -> (ProofShape, &[u8]) {
    let mut b = [0u8; SHAPE_BYTES];
    let n = data.len().min(SHAPE_BYTES);
    b[..n].copy_from_slice(&data[..n]);
    let rest = &data[n..];

    let num_tables = 1 + usize::from(b[0] % 3);
    let mut tables = Vec::with_capacity(num_tables);
    let mut next_counts = Vec::with_capacity(num_tables);
    let mut main_dims = Vec::with_capacity(num_tables);
    let mut aux_dims = Vec::new();
    let mut quotient_dims = Vec::with_capacity(num_tables);
    for (i, &x) in b[1..=num_tables].iter().enumerate() {
        let width = 1 + usize::from(x & 7);
        let aux = usize::from((x >> 3) & 3) % 3;
        let chunks = 1 + usize::from((x >> 5) & 1);
        let main_next = usize::from(x >> 6).min(width);
        let aux_next = aux.min(1);
        let height = 1usize << (2 + ((b[4] >> (2 * i)) & 3));
        tables.push((width, aux, chunks));
        next_counts.push((main_next, aux_next));
        main_dims.push(Dimensions { width, height });
        if aux > 0 {
            aux_dims.push(Dimensions {
                width: 5 * aux,
                height,
            });
        }
        quotient_dims.push(Dimensions {
            width: 5 * chunks,
            height,
        });
    }
    let fri_layers = (0..usize::from(b[5] % 3))
        .map(|i| {
            let log_a = 1 + usize::from((b[5] >> (2 + i)) & 1);
            let log_h = log_a + usize::from((b[6] >> (3 * i)) & 7) % 5;
            (log_h, log_a)
        })
        .collect();
    let shape = ProofShape {
        tables,
        next_counts,
        main_dims,
        aux_dims,
        quotient_dims,
        fri_layers,
        final_log_height: 0,
        final_len: 1 + usize::from(b[7] & 7),
        num_queries: 1 + usize::from((b[7] >> 3) & 7),
    };
    (shape, rest)
}

/// `lean_prover::Proof::from_bytes` on the shape the input's first bytes choose
/// ([`shape_from_bytes`]) and the rest of the input: an accepted proof has the shape's
/// structure and re-encodes to exactly the bytes it came from. `Accepted` means it decoded.
pub fn stark_proof_any_shape(data: &[u8]) -> Outcome {
    let (shape, bytes) = shape_from_bytes(data);
    match Proof::from_bytes(bytes, &shape) {
        Ok(proof) => {
            assert_eq!(
                proof.to_bytes(),
                bytes,
                "lean_prover proof encoding is not canonical"
            );
            assert_eq!(proof.openings.len(), shape.tables.len());
            assert_eq!(proof.aux_root.is_some(), !shape.aux_dims.is_empty());
            assert_eq!(proof.claimed_sums.len(), shape.aux_dims.len());
            assert_eq!(proof.fri_roots.len(), shape.fri_layers.len());
            assert_eq!(proof.fri_openings.len(), shape.fri_layers.len());
            assert_eq!(proof.final_poly.len(), shape.final_len);
            let leaves = proof.main_opening.rows.len();
            assert!((1..=shape.num_queries).contains(&leaves));
            Outcome::Accepted
        }
        Err(e) => {
            let _ = e.to_string();
            Outcome::Rejected
        }
    }
}

/// A proof of `shape` with every value zero, one opened leaf per tree and no siblings: it
/// decodes (it is well-formed, not valid), so it is the `valid_*` seed of
/// [`stark_proof_any_shape`] (written by the generator, checked by the replay tests).
pub fn sample_proof(shape: &ProofShape) -> Proof {
    let zero = Ext5::new([KoalaBear::ZERO; 5]);
    let digest = [KoalaBear::ZERO; 8];
    let opening = |dims: &[Dimensions]| MultiOpening {
        rows: vec![
            dims.iter()
                .map(|d| vec![KoalaBear::ZERO; d.width])
                .collect(),
        ],
        siblings: Vec::new(),
    };
    let has_aux = !shape.aux_dims.is_empty();
    Proof {
        main_root: digest,
        aux_root: has_aux.then_some(digest),
        claimed_sums: vec![zero; shape.aux_dims.len()],
        quotient_root: digest,
        openings: shape
            .tables
            .iter()
            .zip(&shape.next_counts)
            .map(
                |(&(width, aux, chunks), &(main_next, aux_next))| TableOpenings {
                    main: vec![zero; width],
                    main_next: vec![zero; main_next],
                    aux: vec![zero; aux],
                    aux_next: vec![zero; aux_next],
                    quotient: vec![zero; chunks],
                },
            )
            .collect(),
        fri_roots: vec![digest; shape.fri_layers.len()],
        final_poly: vec![zero; shape.final_len],
        pow_nonce: KoalaBear::ZERO,
        bus_pow_nonce: KoalaBear::ZERO,
        main_opening: opening(&shape.main_dims),
        aux_opening: has_aux.then(|| opening(&shape.aux_dims)),
        quotient_opening: opening(&shape.quotient_dims),
        fri_openings: shape
            .fri_layers
            .iter()
            .map(|&(log_h, log_a)| {
                opening(&[Dimensions {
                    width: 5 << log_a,
                    height: 1 << (log_h - log_a),
                }])
            })
            .collect(),
    }
}
