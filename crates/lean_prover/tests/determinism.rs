//! Proof bytes are identical under every instruction set and rayon thread count.

mod common;
use backend::Isa;
use common::*;
use lean_prover::{ProverOptions, prove_with, verify_bytes};

#[test]
fn same_bytes_on_every_isa_and_thread_count() {
    let params = test_params(2);
    let t = all_examples();
    let mut reference: Option<Vec<u8>> = None;
    for isa in Isa::available() {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let opts = ProverOptions {
                isa,
                skip_witness_checks: false,
            };
            let bytes = pool
                .install(|| prove_with(&params, &witnesses(&t), &opts))
                .unwrap()
                .to_bytes();
            match &reference {
                None => {
                    verify_bytes(&params, &instances(&t), &bytes).unwrap();
                    reference = Some(bytes);
                }
                Some(r) => assert!(*r == bytes, "{isa:?} with {threads} threads differs"),
            }
        }
    }
}

#[test]
fn larger_table_same_bytes_across_isas() {
    // Several evaluation chunks (2^13 rows on a quotient domain of 2^14) and tasks.
    let params = test_params(1);
    let t = [permutation(13, 4), fibonacci(12)];
    let mut reference: Option<Vec<u8>> = None;
    for isa in Isa::available() {
        let opts = ProverOptions {
            isa,
            skip_witness_checks: false,
        };
        let bytes = prove_with(&params, &witnesses(&t), &opts)
            .unwrap()
            .to_bytes();
        match &reference {
            None => {
                verify_bytes(&params, &instances(&t), &bytes).unwrap();
                reference = Some(bytes);
            }
            Some(r) => assert!(*r == bytes, "{isa:?} differs"),
        }
    }
}
