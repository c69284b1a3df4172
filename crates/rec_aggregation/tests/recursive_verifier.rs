//! lean_prover's v2 verifier (steps 1 to 6: transcript start, commitment, bus proof of work
//! and challenges, GKR and the balance, the AIR sumcheck with the child's constraint
//! evaluation, the next-row sumchecks) run on a circuit (`rec_aggregation::circuit::Sym`) for
//! a real aggregation proof: the same claims as the native run, every assertion true, and a
//! tampered proof rejected by both.

use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::{Isa, KoalaBear as F};
use lean_prover::v2::{
    ErrorV2, PolicyV2, ProofV2, StatementClaims, prove_v2, verify_v2_bytes, verify_v2_on,
    verify_v2_statement,
};
use rec_aggregation::circuit::{Circuit, CircuitTranscript, Sym};
use rec_aggregation::statement::{Statement, params_v2};
use std::cell::RefCell;
use xmss::Config;

mod common;

const MESSAGE: [u8; 32] = [0x44; 32];

fn child(config: Config, n: usize, slot: u32) -> (Statement, ProofV2) {
    assert_eq!(config, Config::Test);
    let (st, proof, _) = common::test_child(5, n, MESSAGE, slot);
    (st, proof)
}

fn native(st: &Statement, proof: &ProofV2) -> Result<StatementClaims<Ext5>, ErrorV2> {
    verify_v2_statement(
        Isa::current(),
        &params_v2(2),
        &PolicyV2::DEFAULT,
        &st.instances(),
        &st.lookups(),
        proof,
        &mut Challenger::new(),
    )
}

/// The symbolic run: the circuit and the claims' values.
fn symbolic(st: &Statement, proof: &ProofV2) -> (Circuit, Result<StatementClaims<Ext5>, ErrorV2>) {
    let cell = RefCell::new(Circuit::new());
    let out = {
        let mut t = CircuitTranscript::new(&cell);
        verify_v2_statement(
            Isa::current(),
            &params_v2(2),
            &PolicyV2::DEFAULT,
            &st.instances(),
            &st.lookups(),
            proof,
            &mut t,
        )
        .map(|c| StatementClaims {
            commitment: lean_prover::v2::whir::CommitmentValues {
                root: c.commitment.root.map(|x| x.value()),
                ood: c
                    .commitment
                    .ood
                    .iter()
                    .map(|(z, v)| (z.value(), v.value()))
                    .collect(),
            },
            claims: c
                .claims
                .iter()
                .map(|(p, v)| (p.iter().map(Sym::value).collect(), v.value()))
                .collect(),
        })
    };
    (cell.into_inner(), out)
}

fn same(a: &StatementClaims<Ext5>, b: &StatementClaims<Ext5>) -> bool {
    a.commitment.root == b.commitment.root
        && a.commitment.ood == b.commitment.ood
        && a.claims == b.claims
}

#[test]
fn the_circuit_run_gives_the_native_claims_with_every_assertion_true() {
    let (st, proof) = child(Config::Test, 2, 9);
    let expected = native(&st, &proof).unwrap();
    let (mut c, got) = symbolic(&st, &proof);
    let got = got.unwrap();
    assert!(same(&got, &expected));
    assert_eq!(c.failed_check(), None);
    // The WHIR opening would sample next; one sample absorbs the last observations.
    c.sample_ext();
    eprintln!(
        "steps 1-6 of a {}-table child: {} wires, {} operations, {} links, {} duplex calls",
        st.instances().len(),
        c.num_wires(),
        c.num_ops(),
        c.num_links(),
        c.num_calls()
    );
    // The recorded steps prove and verify (small test parameters for the outer proof).
    let st = c.statement(Isa::current()).unwrap();
    let lists = st.lists.lookups();
    let params = common::test_params();
    let started = std::time::Instant::now();
    let outer = prove_v2(Isa::current(), &params, &st.witnesses(), &lists).unwrap();
    eprintln!(
        "outer proof of steps 1-6: {:?} (test parameters; not a benchmark)",
        started.elapsed()
    );
    verify_v2_bytes(
        Isa::current(),
        &params,
        &common::policy(),
        &st.instances(),
        &lists,
        &outer.to_bytes(),
    )
    .unwrap();
}

#[test]
fn a_tampered_child_is_rejected_by_both_runs() {
    let (st, proof) = child(Config::Test, 2, 9);
    // A column value of the AIR sumcheck: the final claim no longer holds.
    let mut bad = proof.clone();
    bad.zerocheck.evals[0].main[3] += Ext5::ONE;
    assert!(matches!(native(&st, &bad), Err(ErrorV2::Zerocheck(_))));
    let (c, got) = symbolic(&st, &bad);
    assert!(matches!(got, Err(ErrorV2::Zerocheck(_))));
    assert!(c.failed_check().is_some());
    // A bus nonce that fails the proof of work.
    let mut bad = proof.clone();
    bad.bus_nonce += F::ONE;
    let n = native(&st, &bad);
    let (_, s) = symbolic(&st, &bad);
    assert_eq!(n.is_err(), s.is_err());
}

/// The whole verification (with the WHIR opening) on a circuit.
fn whole(st: &Statement, proof: &ProofV2) -> (Circuit, Result<(), ErrorV2>) {
    let cell = RefCell::new(Circuit::new());
    let out = verify_v2_on(
        Isa::current(),
        &params_v2(2),
        &PolicyV2::DEFAULT,
        &st.instances(),
        &st.lookups(),
        proof,
        &mut CircuitTranscript::new(&cell),
    );
    (cell.into_inner(), out)
}

#[test]
fn the_whole_verification_runs_on_the_circuit() {
    let (st, proof) = child(Config::Test, 2, 9);
    let (c, out) = whole(&st, &proof);
    out.unwrap();
    assert_eq!(c.failed_check(), None);
    let leaves: usize = c.merkle_claims().iter().map(|m| m.row.len()).sum();
    eprintln!(
        "whole verification of a {}-table child: {} operations, {} links, {} duplex calls, {} Merkle openings ({} leaf values)",
        st.instances().len(),
        c.num_ops(),
        c.num_links(),
        c.num_calls(),
        c.merkle_claims().len(),
        leaves
    );
    // The whole verification proves and verifies (small test parameters for the outer
    // proof).
    let st2 = c.statement(Isa::current()).unwrap();
    let lists = st2.lists.lookups();
    let params = common::test_params();
    let started = std::time::Instant::now();
    let outer = prove_v2(Isa::current(), &params, &st2.witnesses(), &lists).unwrap();
    eprintln!(
        "outer proof of the whole verification: {:?} (test parameters; not a benchmark)",
        started.elapsed()
    );
    verify_v2_bytes(
        Isa::current(),
        &params,
        &common::policy(),
        &st2.instances(),
        &lists,
        &outer.to_bytes(),
    )
    .unwrap();
    // A tampered WHIR message is rejected by both runs.
    let mut bad = proof.clone();
    bad.whir.final_polynomial[0] += Ext5::ONE;
    let (_, out) = whole(&st, &bad);
    assert!(out.is_err());
    assert!(
        lean_prover::v2::verify_v2(
            Isa::current(),
            &params_v2(2),
            &PolicyV2::DEFAULT,
            &st.instances(),
            &st.lookups(),
            &bad
        )
        .is_err()
    );
}

#[test]
fn two_children_on_their_own_transcripts_prove_in_one_circuit() {
    let (a, pa) = child(Config::Test, 1, 4);
    let (b, pb) = child(Config::Test, 2, 5);
    let cell = RefCell::new(Circuit::new());
    for (i, (st, proof)) in [(&a, &pa), (&b, &pb)].into_iter().enumerate() {
        if i > 0 {
            cell.borrow_mut().fresh_transcript();
        }
        verify_v2_on(
            Isa::current(),
            &params_v2(2),
            &PolicyV2::DEFAULT,
            &st.instances(),
            &st.lookups(),
            proof,
            &mut CircuitTranscript::new(&cell),
        )
        .unwrap();
    }
    let c = cell.into_inner();
    assert_eq!(c.failed_check(), None);
    let st = c.statement(Isa::current()).unwrap();
    let lists = st.lists.lookups();
    let params = common::test_params();
    let outer = prove_v2(Isa::current(), &params, &st.witnesses(), &lists).unwrap();
    verify_v2_bytes(
        Isa::current(),
        &params,
        &common::policy(),
        &st.instances(),
        &lists,
        &outer.to_bytes(),
    )
    .unwrap();
    // The lists bind each child's statement: the lists of the same verifications with the
    // second child's message changed (recorded permissively: its proof does not verify for
    // that message) reject the proof.
    let (keys, _): (Vec<_>, Vec<_>) =
        xmss::fixtures::generate(Isa::scalar(), Config::Test, 5, 2, &MESSAGE, 5)
            .unwrap()
            .into_iter()
            .unzip();
    let b_other = Statement::new(Config::Test, &[0x46; 32], 5, &keys);
    let cell = RefCell::new(Circuit::structure_only());
    for (i, (st, proof)) in [(&a, &pa), (&b_other, &pb)].into_iter().enumerate() {
        if i > 0 {
            cell.borrow_mut().fresh_transcript();
        }
        let _ = verify_v2_on(
            Isa::current(),
            &params_v2(2),
            &PolicyV2::DEFAULT,
            &st.instances(),
            &st.lookups(),
            proof,
            &mut CircuitTranscript::new(&cell),
        );
    }
    let other_lists = cell.into_inner().lists().unwrap();
    assert_ne!(other_lists, st.lists);
    assert!(
        verify_v2_bytes(
            Isa::current(),
            &params,
            &common::policy(),
            &st.instances(),
            &other_lists.lookups(),
            &outer.to_bytes(),
        )
        .is_err()
    );
}
