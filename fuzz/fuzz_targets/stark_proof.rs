//! cargo-fuzz target `stark_proof`.
//!
//! A thin wrapper around `fuzz_harness::stark_proof`, which documents the input and the
//! invariants it checks (a failed assertion there is a finding, as a crash is).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_harness::stark_proof(data);
});
