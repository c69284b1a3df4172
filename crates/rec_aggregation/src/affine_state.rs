//! The symbolic state the permutation tables build their constraints with
//! ([`crate::poseidon_table`], [`crate::poseidon2_table`]): every cell an affine combination of
//! a basis of terms (the input columns, then the cubes of stored S-box inputs), so that every
//! constraint is `stored column - affine(terms) = 0`.

use backend::KoalaBear as F;
use lean_prover::{AirBuilder, Expr};

/// An affine combination `sum_k coeffs[k] terms[k] + constant` over a basis of terms.
#[derive(Clone, Debug)]
pub(crate) struct Affine {
    /// One coefficient per term of the basis.
    pub(crate) coeffs: Vec<F>,
    /// The constant.
    pub(crate) constant: F,
}

impl Affine {
    /// The term `k` of a basis of `len` terms.
    pub(crate) fn unit(k: usize, len: usize) -> Self {
        let mut coeffs = vec![F::ZERO; len];
        coeffs[k] = F::ONE;
        Affine {
            coeffs,
            constant: F::ZERO,
        }
    }

    /// The basis state: cell `i` is term `i` (of `T` terms).
    pub(crate) fn units<const T: usize>() -> Vec<Self> {
        (0..T).map(|i| Affine::unit(i, T)).collect()
    }

    /// The expression `sum_k coeffs[k] terms[k] + constant` (zero coefficients skipped, unit
    /// ones added without a product).
    pub(crate) fn to_expr<'a>(&self, b: &'a AirBuilder, terms: &[Expr<'a>]) -> Expr<'a> {
        let mut acc = b.constant(self.constant);
        for (&c, &t) in self.coeffs.iter().zip(terms) {
            if c == F::ZERO {
                continue;
            }
            acc = if c == F::ONE { acc + t } else { acc + t * c };
        }
        acc
    }
}

/// `M state` on the coefficient vectors and constants of a symbolic state.
pub(crate) fn apply<const T: usize>(m: &[[F; T]; T], state: &[Affine]) -> Vec<Affine> {
    let len = state[0].coeffs.len();
    m.iter()
        .map(|row| Affine {
            coeffs: (0..len)
                .map(|k| row.iter().zip(state).map(|(&a, s)| a * s.coeffs[k]).sum())
                .collect(),
            constant: row.iter().zip(state).map(|(&a, s)| a * s.constant).sum(),
        })
        .collect()
}
