//! cargo-fuzz target `recursive_headers`.
//!
//! A thin wrapper around `fuzz_harness::recursive_headers`, which documents the input and
//! the invariants it checks (a failed assertion there is a finding, as a crash is).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fuzz_harness::recursive_headers(data);
});
