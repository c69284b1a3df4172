//! The canonical, bounded byte encoding of a v2 proof.
//!
//! # Encoding (version 2)
//! The primitives (`crate::codec`): little-endian `u32`s, canonical field elements, extension
//! elements as 5 coefficients, digests as 8 field elements, Merkle multi-openings as
//! `leaves u32` (1 to the round's queries), the rows, `siblings u32` (at most queries times
//! depth) and the sibling digests.
//!
//! ```text
//! magic "LMV2" | version u32 = 2
//! commitment: root | out-of-domain answers [first round's samples, ext]
//! bus nonce
//! GKR: root [2 ext] | per layer j < G: j rounds of [2 ext] | 4 child values [ext]
//! AIR sumcheck: K rounds of [D ext] | per table: main columns [width ext] |
//!               next-row columns [their count, ext]
//! per table with next-row columns: k_t rounds of [2 ext] | its next-row columns [ext]
//! WHIR: per round i: k_i sumcheck messages [2 ext] | k_i fold nonces |
//!       (all rounds but the last) the next root and its out-of-domain answers [ext] |
//!       query nonce | multi-opening (leaves of 2^k_i values, 1 or 5 elements each)
//!       final polynomial [2^v_final ext] | final sumcheck [v_final rounds of 2 ext]
//! ```
//! Every count comes from the statement and the parameters (the verifier derives the shape),
//! every variable length (openings) is bounded before anything is read, and trailing bytes
//! are an error.

use super::gkr::{GkrLayerProof, GkrProof};
use super::proof::{ProofV2, ShiftProof};
use super::sumcheck::SumcheckProof;
use super::whir::{OracleCommitment, RoundProof, WhirCommitment, WhirParams, WhirProof};
use super::zerocheck::{TableEvals, ZerocheckProof};
use crate::codec::{DecodeError, Reader, Writer};
use backend::field::Ext5;
use backend::merkle::Dimensions;

/// Magic bytes at the start of every v2 proof.
pub const MAGIC_V2: [u8; 4] = *b"LMV2";
/// Encoding version of v2 proofs (2: the committed table rotated by `k_0` and the first
/// oracle's leaves holding only its active blocks; version 1 is refused).
pub const VERSION_V2: u32 = 2;

/// Every count a v2 proof of one statement has, fixed by the statement and the parameters.
#[derive(Clone, Debug)]
pub(crate) struct ShapeV2 {
    /// GKR's variables `G`.
    pub(crate) gkr_variables: usize,
    /// The AIR sumcheck's rounds `K` and degree `D`.
    pub(crate) zerocheck_rounds: usize,
    pub(crate) zerocheck_degree: usize,
    /// Per table, its width and its number of next-row columns.
    pub(crate) tables: Vec<(usize, usize)>,
    /// Per table with next-row columns, its `log2` height and that number.
    pub(crate) shifts: Vec<(usize, usize)>,
    /// The WHIR parameters.
    pub(crate) whir: WhirParams,
}

fn pairs(w: &mut Writer, xs: &[[Ext5; 2]]) {
    for p in xs {
        w.exts(p);
    }
}

fn read_pairs(r: &mut Reader<'_>, n: usize) -> Result<Vec<[Ext5; 2]>, DecodeError> {
    r.remaining_at_least(n.saturating_mul(40))?;
    (0..n).map(|_| Ok([r.ext()?, r.ext()?])).collect()
}

impl ProofV2 {
    /// The canonical encoding (the layout is in the [`encoding`](super::encoding) module's
    /// docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.header(&MAGIC_V2, VERSION_V2);
        w.digest(&self.commitment.root);
        w.exts(&self.commitment.ood_answers);
        w.felt(self.bus_nonce);
        w.exts(&self.gkr.root);
        for l in &self.gkr.layers {
            pairs(&mut w, &l.sumcheck);
            w.exts(&l.children);
        }
        for r in &self.zerocheck.rounds {
            w.exts(r);
        }
        for e in &self.zerocheck.evals {
            w.exts(&e.main);
            w.exts(&e.next);
        }
        for s in &self.shifts {
            for r in &s.sumcheck.round_polys {
                w.exts(r);
            }
            w.exts(&s.columns);
        }
        for r in &self.whir.rounds {
            pairs(&mut w, &r.sumcheck);
            w.felts(&r.fold_nonces);
            if let Some(n) = &r.next {
                w.digest(&n.root);
                w.exts(&n.ood_answers);
            }
            w.felt(r.query_nonce);
            w.opening(&r.queries);
        }
        w.exts(&self.whir.final_polynomial);
        pairs(&mut w, &self.whir.final_sumcheck);
        w.into_bytes()
    }

    /// Decodes a proof of the given shape. Never panics; allocation is bounded by the input.
    ///
    /// # Errors
    /// A [`DecodeError`] naming the first problem.
    pub(crate) fn from_bytes(bytes: &[u8], shape: &ShapeV2) -> Result<ProofV2, DecodeError> {
        let mut r = Reader::new(bytes);
        r.header(&MAGIC_V2, VERSION_V2)?;
        let whir = &shape.whir;
        let commitment = WhirCommitment {
            root: r.digest()?,
            ood_answers: r.exts(whir.rounds[0].ood_samples)?,
        };
        let bus_nonce = r.felt()?;
        let root = [r.ext()?, r.ext()?];
        let mut layers = Vec::new();
        for j in 0..shape.gkr_variables {
            let sumcheck = read_pairs(&mut r, j)?;
            let children = [r.ext()?, r.ext()?, r.ext()?, r.ext()?];
            layers.push(GkrLayerProof { sumcheck, children });
        }
        let mut rounds = Vec::new();
        for _ in 0..shape.zerocheck_rounds {
            rounds.push(r.exts(shape.zerocheck_degree)?);
        }
        let mut evals = Vec::with_capacity(shape.tables.len());
        for &(width, next) in &shape.tables {
            evals.push(TableEvals {
                main: r.exts(width)?,
                next: r.exts(next)?,
            });
        }
        let mut shifts = Vec::with_capacity(shape.shifts.len());
        for &(k, next) in &shape.shifts {
            let mut round_polys = Vec::new();
            for _ in 0..k {
                round_polys.push(r.exts(2)?);
            }
            shifts.push(ShiftProof {
                sumcheck: SumcheckProof { round_polys },
                columns: r.exts(next)?,
            });
        }
        let mut whir_rounds = Vec::with_capacity(whir.rounds.len());
        for (i, round) in whir.rounds.iter().enumerate() {
            let k = round.folding_factor;
            let sumcheck = read_pairs(&mut r, k)?;
            let fold_nonces = r.felts(k)?;
            let next = match whir.rounds.get(i + 1) {
                Some(nr) => Some(OracleCommitment {
                    root: r.digest()?,
                    ood_answers: r.exts(nr.ood_samples)?,
                }),
                None => None,
            };
            let query_nonce = r.felt()?;
            let dims = [Dimensions {
                width: whir.leaf_width(i),
                height: 1 << round.log_leaves(),
            }];
            let queries = r.opening(&dims, round.num_queries)?;
            whir_rounds.push(RoundProof {
                sumcheck,
                fold_nonces,
                next,
                query_nonce,
                queries,
            });
        }
        let final_polynomial = r.exts(1 << whir.final_variables)?;
        let final_sumcheck = read_pairs(&mut r, whir.final_variables)?;
        r.finish()?;
        Ok(ProofV2 {
            commitment,
            bus_nonce,
            gkr: GkrProof { root, layers },
            zerocheck: ZerocheckProof { rounds, evals },
            shifts,
            whir: WhirProof {
                rounds: whir_rounds,
                final_polynomial,
                final_sumcheck,
            },
        })
    }
}

impl ShapeV2 {
    /// A proof of this shape with every value zero and empty Merkle openings: what a
    /// verifier recorded as a circuit for its structure alone runs on (the structure never
    /// depends on the proof's values; `rec_aggregation::circuit`).
    pub(crate) fn placeholder(&self) -> ProofV2 {
        use super::gkr::{GkrLayerProof, GkrProof};
        use super::proof::ShiftProof;
        use super::sumcheck::SumcheckProof;
        use super::whir::{OracleCommitment, RoundProof, WhirCommitment, WhirProof};
        use super::zerocheck::{TableEvals, ZerocheckProof};
        use backend::KoalaBear;
        use backend::merkle::MultiOpening;
        let zero = Ext5::ZERO;
        let rounds = &self.whir.rounds;
        let whir_rounds = rounds
            .iter()
            .enumerate()
            .map(|(i, r)| RoundProof {
                sumcheck: vec![[zero; 2]; r.folding_factor],
                fold_nonces: vec![KoalaBear::ZERO; r.folding_factor],
                next: rounds.get(i + 1).map(|n| OracleCommitment {
                    root: [KoalaBear::ZERO; 8],
                    ood_answers: vec![zero; n.ood_samples],
                }),
                query_nonce: KoalaBear::ZERO,
                queries: MultiOpening {
                    rows: Vec::new(),
                    siblings: Vec::new(),
                },
            })
            .collect();
        ProofV2 {
            commitment: WhirCommitment {
                root: [KoalaBear::ZERO; 8],
                ood_answers: vec![zero; rounds.first().map_or(0, |r| r.ood_samples)],
            },
            bus_nonce: KoalaBear::ZERO,
            gkr: GkrProof {
                root: [zero; 2],
                layers: (0..self.gkr_variables)
                    .map(|j| GkrLayerProof {
                        sumcheck: vec![[zero; 2]; j],
                        children: [zero; 4],
                    })
                    .collect(),
            },
            zerocheck: ZerocheckProof {
                rounds: vec![vec![zero; self.zerocheck_degree]; self.zerocheck_rounds],
                evals: self
                    .tables
                    .iter()
                    .map(|&(width, next)| TableEvals {
                        main: vec![zero; width],
                        next: vec![zero; next],
                    })
                    .collect(),
            },
            shifts: self
                .shifts
                .iter()
                .map(|&(log_height, next)| ShiftProof {
                    sumcheck: SumcheckProof {
                        round_polys: vec![vec![zero; 2]; log_height],
                    },
                    columns: vec![zero; next],
                })
                .collect(),
            whir: WhirProof {
                rounds: whir_rounds,
                final_polynomial: vec![zero; 1 << self.whir.final_variables],
                final_sumcheck: vec![[zero; 2]; self.whir.final_variables],
            },
        }
    }
}
