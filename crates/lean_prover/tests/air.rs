//! The AIR builder's symbolic analysis: degrees, quotient chunks, LogUp columns, errors.

mod common;
use backend::KoalaBear;
use common::*;
use lean_prover::{AirBuilder, AirError, BusId};

#[test]
fn degrees_and_chunks() {
    let air = fibonacci_air();
    assert_eq!(air.width(), 2);
    assert_eq!(air.column_names(), ["a", "b"]);
    assert_eq!(air.num_public_values(), 3);
    assert_eq!(air.num_user_constraints(), 5);
    assert_eq!(air.constraint_degree(), 2);
    assert_eq!(air.quotient_chunks(), 1);
    assert_eq!(air.num_aux_columns(), 0);

    let perm = permutation_air();
    assert_eq!(perm.num_interactions(), 2);
    // Both interactions (linear tuples, constant multiplicities) in the running sum's
    // constraint: (s' - s + c / n) d_1 d_2 - (d_2 - d_1), degree 3.
    assert_eq!(perm.interaction_groups(), [vec![0, 1]]);
    assert_eq!(perm.num_aux_columns(), 1);
    assert_eq!(perm.num_constraints(), 2);
    assert_eq!(perm.constraint_degree(), 3);
    assert_eq!(perm.quotient_chunks(), 2);

    let user = user_air();
    assert_eq!(user.num_public_interactions(), 1);
    assert_eq!(user.max_tuple_len(), 1);
}

#[test]
fn degree_above_maximum_is_rejected() {
    let b = AirBuilder::new("deg4");
    let x = b.column("x");
    let e = b.main(x) * b.main(x) * b.main(x) * b.main(x);
    b.assert_zero(e);
    assert_eq!(
        b.build(3).unwrap_err(),
        AirError::DegreeTooHigh {
            index: 0,
            degree: 4,
            max: 3
        }
    );
    // Selectors count as degree 1: is_transition * x^2 has degree 3.
    let b = AirBuilder::new("sel");
    let x = b.column("x");
    b.when_transition(b.main(x) * b.main(x));
    assert!(b.build(2).is_err());
    let b = AirBuilder::new("sel");
    let x = b.column("x");
    b.when_transition(b.main(x) * b.main(x));
    assert_eq!(b.build(3).unwrap().quotient_chunks(), 2);
}

#[test]
fn logup_constraints_are_degree_checked() {
    // Multiplicity of degree 2 and tuple of degree 2: h * d has degree 3.
    let b = AirBuilder::new("bus");
    let x = b.column("x");
    b.send(BusId(1), &[b.main(x) * b.main(x)], b.main(x) * b.main(x));
    assert!(matches!(
        b.build(2),
        Err(AirError::DegreeTooHigh { degree: 3, .. })
    ));
}

#[test]
fn malformed_descriptions_are_rejected() {
    assert_eq!(
        AirBuilder::new("empty").build(3).unwrap_err(),
        AirError::NoColumns
    );
    let b = AirBuilder::new("d");
    b.column("x");
    assert_eq!(b.build(1).unwrap_err(), AirError::BadMaxDegree(1));

    let b = AirBuilder::new("pub");
    let x = b.column("x");
    b.send_public(BusId(1), &[b.main(x)], b.constant(KoalaBear::ONE));
    assert_eq!(b.build(3).unwrap_err(), AirError::NonPublicInteraction(0));

    let b = AirBuilder::new("tuple");
    b.column("x");
    b.send(BusId(1), &[], b.constant(KoalaBear::ONE));
    assert!(matches!(
        b.build(3),
        Err(AirError::BadTupleLen { len: 0, .. })
    ));

    let b1 = AirBuilder::new("one");
    let b2 = AirBuilder::new("two");
    let x1 = b1.column("x");
    b2.column("y");
    b2.assert_zero(b1.main(x1));
    assert_eq!(b2.build(3).unwrap_err(), AirError::ForeignExpr);
}

#[test]
fn shared_subexpressions_are_one_node() {
    let b = AirBuilder::new("dag");
    let x = b.column("x");
    let sq = b.main(x) * b.main(x);
    b.assert_zero(sq - b.main(x) * b.main(x));
    let air = b.build(3).unwrap();
    // x, x*x, x*x - x*x, plus the two LogUp challenge nodes build() always adds.
    assert_eq!(air.num_nodes(), 5);
}

#[test]
fn next_row_columns_are_the_ones_constraints_read() {
    // Fibonacci reads both columns at the next row; no aux columns.
    let fib = fibonacci_air();
    assert_eq!(fib.main_next_columns(), [0, 1]);
    assert!(fib.aux_next_columns().is_empty());
    // Range: only `value` at the next row; one interaction, so the only aux column is the
    // running sum.
    let range = range_air();
    assert_eq!(range.main_next_columns(), [0]);
    assert_eq!(range.num_aux_columns(), 1);
    assert_eq!(range.aux_next_columns(), [0]);
    // No transition constraint: nothing of the main trace at the next row.
    let perm = permutation_air();
    assert!(perm.main_next_columns().is_empty());
    assert_eq!(perm.aux_next_columns(), [perm.num_aux_columns() - 1]);

    // A next-row expression that no constraint uses is not opened.
    let b = AirBuilder::new("unused");
    let x = b.column("x");
    let y = b.column("y");
    let z = b.column("z");
    let _unused = b.next(x);
    b.when_transition(b.next(z) - b.main(y));
    b.assert_zero(b.main(x) - b.main(y));
    let air = b.build(3).unwrap();
    assert_eq!(air.main_next_columns(), [2]);
}

/// A table with `k` sends of linear tuples with a degree-1 multiplicity and one receive.
fn bus_table(k: usize, tuple_degree: usize, max_degree: usize) -> lean_prover::Air {
    let b = AirBuilder::new("bus");
    let xs = b.columns("x", k + 1);
    let m = b.column("m");
    for &x in &xs[..k] {
        let mut v = b.main(x);
        for _ in 1..tuple_degree {
            v = v * b.main(x);
        }
        b.send(BusId(1), &[v], b.main(m));
    }
    b.receive(BusId(2), &[b.main(xs[k])], b.main(m));
    b.build(max_degree).unwrap()
}

#[test]
fn interactions_share_columns_within_the_degree_bound() {
    // Degree 3 allowed: pairs (h d_1 d_2 - (m d_2 + m d_1) has degree 3).
    let air = bus_table(5, 1, 3);
    assert_eq!(
        air.interaction_groups(),
        [vec![0, 1], vec![2, 3], vec![4, 5]]
    );
    assert_eq!(air.num_aux_columns(), 3);
    assert_eq!(air.constraint_degree(), 3);
    assert_eq!(air.quotient_chunks(), 2);
    // Degree 2 allowed: one interaction per column, as without batching.
    let air = bus_table(5, 1, 2);
    assert_eq!(air.num_aux_columns(), 6);
    assert_eq!(air.constraint_degree(), 2);
    assert_eq!(air.quotient_chunks(), 1);
    // Degree 5 allowed: groups of four (degree 5, 4 quotient chunks) open 2 + 4 columns,
    // pairs 3 + 2: pairs are cheaper, so the bound is not used to the full.
    let air = bus_table(5, 1, 5);
    assert_eq!(air.num_aux_columns(), 3);
    assert_eq!(air.quotient_chunks(), 2);
    // Degree 9 allowed, 32 interactions: groups of four (8 + 4 columns) and of eight
    // (4 + 8) tie, the lower degree wins; with 64, groups of eight (8 + 8) beat fours (16 + 4).
    let air = bus_table(31, 1, 9);
    assert_eq!(air.num_aux_columns(), 8);
    assert_eq!(air.constraint_degree(), 5);
    assert_eq!(air.quotient_chunks(), 4);
    let air = bus_table(63, 1, 9);
    assert_eq!(air.num_aux_columns(), 8);
    assert_eq!(air.constraint_degree(), 9);
    assert_eq!(air.quotient_chunks(), 8);
    // Quadratic tuples: a pair would have degree 5, above 3; one per column.
    let air = bus_table(3, 2, 3);
    assert_eq!(air.num_aux_columns(), 4);
    assert_eq!(air.constraint_degree(), 3);
    // Mixed: the quadratic tuples alone, the two linear ones paired (first fit).
    let b = AirBuilder::new("mixed");
    let x = b.column("x");
    let y = b.column("y");
    b.send(BusId(1), &[b.main(x) * b.main(x)], b.main(y));
    b.send(BusId(1), &[b.main(y)], b.main(x));
    b.send(BusId(1), &[b.main(x) * b.main(y)], b.main(y));
    b.receive(BusId(1), &[b.main(x)], b.main(y));
    let air = b.build(3).unwrap();
    assert_eq!(air.interaction_groups(), [vec![0], vec![1, 3], vec![2]]);
}
