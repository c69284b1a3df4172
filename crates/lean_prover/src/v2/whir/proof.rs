//! What a WHIR prover sends: the commitment (root and out-of-domain answers of the initial
//! oracle) and the opening proof (per round: sumcheck messages, grinding nonces, the next
//! oracle's commitment, the query openings; then the final polynomial and its sumcheck).

use backend::field::{Ext5, KoalaBear};
use backend::merkle::{Digest, MultiOpening};

/// The commitment to the initial oracle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhirCommitment {
    /// Merkle root of the initial oracle's leaves.
    pub root: Digest,
    /// `P(z_j)` for the initial oracle's out-of-domain points `z_j` (drawn after the root).
    pub ood_answers: Vec<Ext5>,
}

/// A committed oracle after the first: its root and out-of-domain answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OracleCommitment {
    /// Merkle root of its leaves.
    pub root: Digest,
    /// Its polynomial at the out-of-domain points drawn after the root.
    pub ood_answers: Vec<Ext5>,
}

/// One WHIR round: fold the current oracle by `k` variables, commit the next one (or, in
/// the last round, nothing: the final polynomial follows), query the current oracle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundProof {
    /// Per folding variable, the sumcheck message `[g(0), g(2)]` (`g(1)` is derived).
    pub sumcheck: Vec<[Ext5; 2]>,
    /// Per folding variable, the grinding nonce ground before its challenge.
    pub fold_nonces: Vec<KoalaBear>,
    /// The next oracle (absent in the last round).
    pub next: Option<OracleCommitment>,
    /// The grinding nonce ground before the query indices.
    pub query_nonce: KoalaBear,
    /// The current oracle's leaves at the distinct query indices, with their Merkle paths.
    pub queries: MultiOpening,
}

/// A WHIR opening proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhirProof {
    /// One per committed oracle.
    pub rounds: Vec<RoundProof>,
    /// The final polynomial's `2^v_final` hypercube values.
    pub final_polynomial: Vec<Ext5>,
    /// The sumcheck over the final polynomial's variables, `[g(0), g(2)]` per variable.
    pub final_sumcheck: Vec<[Ext5; 2]>,
}

impl WhirProof {
    /// The proof's size in bytes when every field element takes 4 bytes (an extension element
    /// 20) and every digest 32: the figure the size measurements report.
    pub fn byte_size(&self) -> usize {
        let ext = 20;
        let digest = 32;
        let mut total = self.final_polynomial.len() * ext + self.final_sumcheck.len() * 2 * ext;
        for r in &self.rounds {
            total += r.sumcheck.len() * 2 * ext + r.fold_nonces.len() * 4 + 4;
            if let Some(n) = &r.next {
                total += digest + n.ood_answers.len() * ext;
            }
            total += r.queries.siblings.len() * digest;
            total += r
                .queries
                .rows
                .iter()
                .flatten()
                .map(|row| row.len() * 4)
                .sum::<usize>();
        }
        total
    }
}
