//! The AIR sumcheck of proof system v2: every table's constraints (a zerocheck) and the
//! binding of LogUp's GKR input claims to the committed columns, all tables batched in one
//! sumcheck against one eq point.
//!
//! # Statement
//! Each table `t` has `2^(k_t)` rows (`k_t >= 1`), main columns `c`, their rotations
//! `c'(y) = c(y + 1 mod 2^(k_t))` for the columns some constraint reads at the next row
//! ([`Air::main_next_columns`]), and the normalised selectors as multilinears:
//! `is_first(y) = eq(y, 0)`, `is_last(y) = eq(y, 1...1)`, `is_transition = 1 - is_last`
//! (so `selector * e = 0` keeps its meaning from the AIR builder). With the caller's
//! coefficients, the table's summand is
//!
//! `G_t(y) = sum_j a_(t,j) C_(t,j)(y) + sum_i (u_(t,i) m_(t,i)(y) + w_(t,i) d_(t,i)(y))`,
//!
//! `C_(t,j)` the user constraints, `m_(t,i)` the multiplicity and `d_(t,i) = beta - c_(t,i)`
//! the LogUp denominator of interaction `i` (the expressions of [`Air`], with the bus
//! challenges `alpha_bus, beta_bus`). The v2 prover uses `a_(t,j)` = consecutive powers of one
//! challenge over all constraints of all tables, `u = ±e`, `w = lambda e` with `e` the
//! interaction block's GKR selector weight (see
//! [`super::stack::Block::committed_selector_weight`]).
//!
//! With `K = max_t k_t` and an eq point `tau` of `K` coordinates (table `t` reads its first
//! `k_t`, `r_t = tau[..k_t]`), the claim is
//!
//! `sum_(x in {0,1}^K) eq(tau, x) sum_t G_t(x[..k_t]) = sum_t S_t = claim`,
//! `S_t = sum_y eq(r_t, y) G_t(y)`
//!
//! (the last `K - k_t` variables of table `t`'s term only carry `eq`, which sums to one:
//! every table starts in round 0, so every table's first round runs on base-field values).
//!
//! # Protocol (transcript order)
//! 1. Both sides observe `K` and the round degree `D` (the largest degree of any constraint,
//!    multiplicity or denominator; at least 1).
//! 2. `K` rounds with the eq factor split off ([`super::eq_round`]): round `i` sends
//!    `q_i(0), q_i(2), ..., q_i(D)`, both observe them and sample `s_i`. Once round
//!    `k_t - 1` has bound table `t`'s variables, its part of every later `q_i` is the
//!    constant `G_t(s_t)`.
//! 3. The prover sends, per table, every main column and then every rotated column at
//!    `s_t = s[..k_t]`; both observe them. The verifier evaluates every `G_t` at those
//!    values (the selectors at `s_t` it computes itself: `prod (1 - s)`, `prod s`) and checks
//!    that the reduced claim equals `sum_t G_t(s_t)`.
//!
//! The column values become claims on the committed polynomial and the rotated ones claims
//! on the shift relation ([`super::mle::shift_eval`]); that is the caller's.
//!
//! # Soundness
//! Each round errs with probability at most `(D + 1) / |K|` (Schwartz-Zippel on
//! `g_i = eq(tau_i, X) q_i`), so `K (D + 1) / |K|` in all. Why the checked identity implies the
//! statement: if some row violates a constraint, the multilinear extension of the batched
//! constraint values is non-zero except with probability `C / |K|` over the batching
//! challenge (`C` constraints in all, a non-zero polynomial of degree `< C` in it), and then
//! vanishes at the random `tau` with probability at most `K / |K|` (Schwartz-Zippel; `tau`
//! is drawn after the columns are committed). These terms are the caller's to account.
//! A zero coordinate of `tau` makes the verifier reject ([`ZerocheckError::Degenerate`]),
//! a completeness error of `1 / |K|` per round.
//!
//! # Prover cost
//! A table's first round is computed before the sumcheck starts (it does not depend on the
//! earlier challenges), over base-field values, together with `S_t`. Each later round
//! evaluates the arena node by node over chunks of rows at `X = 0, 2, ..., D` (column values
//! `lo + X (hi - lo)`), combines the roots with the coefficients and takes one dot product
//! with the eq table of `tau[i + 1..]`; then every column folds.

pub(crate) mod affine;
mod prover;
mod verifier;

pub use prover::prove;
pub use verifier::verify;

use crate::air::{Air, Challenges, Direction, Node};
use crate::eval::{PointValues, eval_point};
use backend::KoalaBear;
use backend::field::Ext5;

/// One table of the AIR sumcheck and its coefficients (see the module docs).
#[derive(Clone, Debug)]
pub struct ZerocheckTable<'a> {
    /// The table's AIR.
    pub air: &'a Air,
    /// `k_t`: `log2` of its rows (at least 1).
    pub log_height: usize,
    /// Its public values.
    pub public_values: &'a [KoalaBear],
    /// `a_(t,j)`, one per user constraint.
    pub constraint_coeffs: Vec<Ext5>,
    /// `u_(t,i)`, one per private interaction (multiplying its multiplicity).
    pub multiplicity_coeffs: Vec<Ext5>,
    /// `w_(t,i)`, one per private interaction (multiplying its denominator).
    pub denominator_coeffs: Vec<Ext5>,
}

/// The values the prover sends for one table at its point `s_t`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TableEvals {
    /// Every main column, in order.
    pub main: Vec<Ext5>,
    /// Every rotated column, in the order of [`Air::main_next_columns`].
    pub next: Vec<Ext5>,
}

/// An AIR sumcheck proof.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ZerocheckProof {
    /// Per round, `q_i(0), q_i(2), ..., q_i(D)`.
    pub rounds: Vec<Vec<Ext5>>,
    /// Per table, the column values at its point.
    pub evals: Vec<TableEvals>,
}

impl ZerocheckProof {
    /// Extension elements in the proof.
    pub fn num_elements(&self) -> usize {
        self.rounds.iter().map(Vec::len).sum::<usize>()
            + self
                .evals
                .iter()
                .map(|e| e.main.len() + e.next.len())
                .sum::<usize>()
    }
}

/// Why an AIR sumcheck could not be made or was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ZerocheckError {
    /// A table's inputs do not fit its AIR or the point.
    #[error("zerocheck table {table}: {what}")]
    Input {
        /// The table.
        table: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// The proof does not have the shape the statement fixes.
    #[error("malformed zerocheck proof: {what}: expected {expected}, got {got}")]
    Shape {
        /// What is malformed.
        what: &'static str,
        /// Expected count.
        expected: usize,
        /// Count received.
        got: usize,
    },
    /// An eq coordinate is zero (probability `1 / |K|`).
    #[error("zerocheck round {round}: zero eq coordinate")]
    Degenerate {
        /// The round.
        round: usize,
    },
    /// The reduced claim differs from the tables' summands at the sent values.
    #[error("zerocheck: the column values do not satisfy the final claim")]
    FinalClaim,
}

/// The arena roots of a table's summand and their coefficients: the user constraints, then
/// per interaction its multiplicity and its denominator.
fn roots_and_coeffs(t: &ZerocheckTable<'_>) -> (Vec<u32>, Vec<Ext5>) {
    let air = t.air;
    let mut roots: Vec<u32> = air.constraints.clone();
    let mut coeffs = t.constraint_coeffs.clone();
    for (i, it) in air.interactions.iter().enumerate() {
        roots.push(it.multiplicity);
        coeffs.push(t.multiplicity_coeffs[i]);
        roots.push(it.denominator);
        coeffs.push(t.denominator_coeffs[i]);
    }
    (roots, coeffs)
}

/// Checks a table's coefficient counts and height against its AIR and `K`.
fn check_table(index: usize, t: &ZerocheckTable<'_>, k: usize) -> Result<(), ZerocheckError> {
    let err = |what| Err(ZerocheckError::Input { table: index, what });
    if t.log_height == 0 || t.log_height > k {
        return err("log height must be 1..=K");
    }
    if t.constraint_coeffs.len() != t.air.num_constraints() {
        return err("one coefficient per user constraint needed");
    }
    if t.multiplicity_coeffs.len() != t.air.num_interactions()
        || t.denominator_coeffs.len() != t.air.num_interactions()
    {
        return err("two coefficients per private interaction needed");
    }
    if t.public_values.len() != t.air.num_public_values() {
        return err("public values do not match the AIR");
    }
    Ok(())
}

/// The round degree `D`: the largest degree of any root of any table, at least 1.
fn round_degree(tables: &[ZerocheckTable<'_>]) -> usize {
    degree(tables.iter().map(|t| t.air))
}

/// The round degree `D` of an AIR sumcheck over tables with these AIRs: the largest degree of
/// any user constraint, multiplicity or denominator, at least 1.
pub fn degree<'a>(airs: impl IntoIterator<Item = &'a Air>) -> usize {
    airs.into_iter()
        .map(|air| {
            let deg = air.node_degrees();
            let constraints = air.constraints.iter();
            let interactions = air
                .interactions
                .iter()
                .flat_map(|it| [&it.multiplicity, &it.denominator]);
            constraints
                .chain(interactions)
                .map(|&r| deg[r as usize])
                .max()
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
        .max(1)
}

/// The values of factor `f` ([`leaf_factor`]'s numbering: main columns, next-row columns,
/// then the `is_first`, `is_last`, `is_transition` selectors) at rows `start .. start + len`
/// of a row-major trace of `n` rows.
pub(crate) fn factor_rows(
    air: &Air,
    trace: &[KoalaBear],
    f: usize,
    start: usize,
    len: usize,
) -> Vec<KoalaBear> {
    let w = air.width();
    let n = trace.len() / w;
    let next = air.main_next_columns();
    let rows = start..start + len;
    let bit = |on: bool| KoalaBear::new(on as u32);
    match f.checked_sub(w) {
        None => rows.map(|y| trace[y * w + f]).collect(),
        Some(j) if j < next.len() => rows.map(|y| trace[((y + 1) % n) * w + next[j]]).collect(),
        Some(j) => match j - next.len() {
            0 => rows.map(|y| bit(y == 0)).collect(),
            1 => rows.map(|y| bit(y == n - 1)).collect(),
            _ => rows.map(|y| bit(y != n - 1)).collect(),
        },
    }
}

/// The bus challenges as the arena reads them.
pub(crate) fn challenges(bus: [Ext5; 2]) -> Challenges {
    Challenges {
        bus_alpha: bus[0],
        bus_beta: bus[1],
    }
}

/// `G_t(s_t)` from the sent values (the verifier's evaluation; the prover checks itself
/// with it in debug builds). The lengths are checked by the caller.
fn summand_at(t: &ZerocheckTable<'_>, evals: &TableEvals, point: &[Ext5], bus: [Ext5; 2]) -> Ext5 {
    let air = t.air;
    let mut main_next = vec![Ext5::ZERO; air.width()];
    for (&c, &v) in air.main_next_columns().iter().zip(&evals.next) {
        main_next[c] = v;
    }
    let is_first: Ext5 = point.iter().map(|&s| Ext5::ONE - s).product();
    let is_last: Ext5 = point.iter().copied().product();
    let vals = eval_point(
        air,
        &PointValues {
            main: &evals.main,
            main_next: &main_next,
            publics: t.public_values,
            challenges: challenges(bus),
            is_first,
            is_last,
            is_transition: Ext5::ONE - is_last,
        },
    );
    let (roots, coeffs) = roots_and_coeffs(t);
    roots
        .iter()
        .zip(&coeffs)
        .map(|(&r, &c)| c * vals[r as usize])
        .sum()
}

/// The sign of an interaction's fraction: `+m` for a send, `-m` for a receive.
pub(crate) fn direction_sign(d: Direction) -> Ext5 {
    match d {
        Direction::Send => Ext5::ONE,
        Direction::Receive => -Ext5::ONE,
    }
}

/// Where a leaf node's values come from among a table's factors: main column `c` is factor
/// `c`, rotated column `j` (of [`Air::main_next_columns`]) is `width + j`, then `is_first`,
/// `is_last`, `is_transition`.
fn leaf_factor(air: &Air, node: Node) -> Option<usize> {
    let w = air.width();
    let nn = air.main_next_columns().len();
    match node {
        Node::Main { col, next: false } => Some(col as usize),
        Node::Main { col, next: true } => air
            .main_next_columns()
            .iter()
            .position(|&c| c == col as usize)
            .map(|j| w + j),
        Node::IsFirst => Some(w + nn),
        Node::IsLast => Some(w + nn + 1),
        Node::IsTransition => Some(w + nn + 2),
        _ => None,
    }
}
