//! A table of the AIR sumcheck ([`ZerocheckTable`]) and its summand `G_t`: the arena roots
//! and coefficients it sums, the round degree, the checks of a table against the point, and
//! `G_t` at a point from the sent column values (the verifier's final check; the module docs
//! of [`zerocheck`](super) define it).

use super::proof::ZerocheckError;
use crate::air::{Air, Challenges, Direction, Node};
use crate::eval::{PointValues, eval_point};
use crate::v2::arith::VerifierField;
use backend::KoalaBear;
use backend::field::Ext5;

/// One table of the AIR sumcheck and its coefficients (see the module docs).
#[derive(Clone, Debug)]
pub struct ZerocheckTable<'a, E = Ext5> {
    /// The table's AIR.
    pub air: &'a Air,
    /// `k_t`: `log2` of its rows (at least 1).
    pub log_height: usize,
    /// Its public values.
    pub public_values: &'a [KoalaBear],
    /// `a_(t,j)`, one per user constraint.
    pub constraint_coeffs: Vec<E>,
    /// `u_(t,i)`, one per private interaction (multiplying its multiplicity).
    pub multiplicity_coeffs: Vec<E>,
    /// `w_(t,i)`, one per private interaction (multiplying its denominator).
    pub denominator_coeffs: Vec<E>,
}

/// The arena roots of a table's summand and their coefficients: the user constraints, then
/// per interaction its multiplicity and its denominator.
pub(super) fn roots_and_coeffs<E: Clone>(t: &ZerocheckTable<'_, E>) -> (Vec<u32>, Vec<E>) {
    let air = t.air;
    let mut roots: Vec<u32> = air.constraints.clone();
    let mut coeffs = t.constraint_coeffs.clone();
    for (i, it) in air.interactions.iter().enumerate() {
        roots.push(it.multiplicity);
        coeffs.push(t.multiplicity_coeffs[i].clone());
        roots.push(it.denominator);
        coeffs.push(t.denominator_coeffs[i].clone());
    }
    (roots, coeffs)
}

/// Checks a table's coefficient counts and height against its AIR and `K`.
pub(super) fn check_table<E>(
    index: usize,
    t: &ZerocheckTable<'_, E>,
    k: usize,
) -> Result<(), ZerocheckError> {
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
pub(super) fn round_degree<E>(tables: &[ZerocheckTable<'_, E>]) -> usize {
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
pub(crate) fn challenges<E: Copy>(bus: [E; 2]) -> Challenges<E> {
    Challenges {
        bus_alpha: bus[0],
        bus_beta: bus[1],
    }
}

/// `G_t(s_t)` from the sent values (the verifier's evaluation, natively or in a circuit; the
/// prover checks itself with it in debug builds). The lengths are checked by the caller.
pub(super) fn summand_at<E: VerifierField>(
    t: &ZerocheckTable<'_, E>,
    main: &[E],
    next: &[E],
    point: &[E],
    bus: [E; 2],
) -> E {
    let air = t.air;
    let mut main_next = vec![E::zero(); air.width()];
    for (&c, &v) in air.main_next_columns().iter().zip(next) {
        main_next[c] = v;
    }
    let is_first = point.iter().fold(E::one(), |acc, &s| acc * (E::one() - s));
    let is_last = point.iter().fold(E::one(), |acc, &s| acc * s);
    let vals = eval_point(
        air,
        &PointValues {
            main,
            main_next: &main_next,
            publics: t.public_values,
            challenges: challenges(bus),
            is_first,
            is_last,
            is_transition: E::one() - is_last,
        },
    );
    let (roots, coeffs) = roots_and_coeffs(t);
    roots
        .iter()
        .zip(&coeffs)
        .fold(E::zero(), |acc, (&r, &c)| c.mul_add(vals[r as usize], acc))
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
pub(super) fn leaf_factor(air: &Air, node: Node) -> Option<usize> {
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
