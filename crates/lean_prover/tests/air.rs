//! The AIR builder's symbolic analysis (no proof is made): the description's shape, constraint
//! degrees, shared subexpressions, the columns read at the next row, and the errors for
//! malformed descriptions.

mod common;
use backend::KoalaBear;
use common::*;
use lean_prover::{AirBuilder, AirError, BusId};

#[test]
fn shape_and_degrees() {
    let air = fibonacci_air();
    assert_eq!(air.name(), "fibonacci");
    assert_eq!(air.width(), 2);
    assert_eq!(air.column_names(), ["a", "b"]);
    assert_eq!(air.num_public_values(), 3);
    assert_eq!(air.num_constraints(), 5);
    assert_eq!(air.constraint_degree(), 2);
    assert_eq!(air.num_interactions(), 0);
    assert_eq!(air.max_tuple_len(), 0);

    let perm = permutation_air();
    assert_eq!(perm.num_constraints(), 1);
    assert_eq!(perm.num_interactions(), 2);
    assert_eq!(perm.num_public_interactions(), 0);
    // c = a^3.
    assert_eq!(perm.constraint_degree(), 3);

    let user = user_air();
    assert_eq!(user.num_interactions(), 1);
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
    assert_eq!(b.build(3).unwrap().constraint_degree(), 3);
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
    // Fibonacci reads both columns at the next row.
    let fib = fibonacci_air();
    assert_eq!(fib.main_next_columns(), [0, 1]);
    // Range: only `value` at the next row (its bus interaction reads no next row).
    let range = range_air();
    assert_eq!(range.main_next_columns(), [0]);
    // No transition constraint: nothing of the main trace at the next row.
    let perm = permutation_air();
    assert!(perm.main_next_columns().is_empty());

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

#[test]
fn interactions_add_no_constraint_and_no_degree() {
    // A degree-2 table may send a quadratic tuple with a quadratic multiplicity: v2 proves
    // the buses by GKR over the fractions, so an interaction is not a constraint.
    let b = AirBuilder::new("quadratic_send");
    let x = b.column("x");
    let y = b.column("y");
    b.assert_zero(b.main(x) * b.main(y));
    b.send(BusId(3), &[b.main(x) * b.main(x)], b.main(y) * b.main(y));
    b.receive(BusId(3), &[b.main(y)], b.main(x));
    let air = b.build(2).expect("interactions are not degree-checked");
    assert_eq!(air.num_constraints(), 1);
    assert_eq!(air.constraint_degree(), 2);
    assert_eq!(air.num_interactions(), 2);
    assert_eq!(air.max_tuple_len(), 1);
}
