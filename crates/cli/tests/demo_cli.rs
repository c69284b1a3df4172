//! `multisig demo` end to end: it must finish, reject exactly the signature it spoils, and
//! report that every instruction set agreed; a bad slot is a usage error (exit 2).

use std::process::Command;

fn multisig(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_multisig"))
        .args(args)
        .output()
        .expect("the multisig binary runs")
}

#[test]
fn demo_verifies_a_batch_and_rejects_the_spoiled_signature() {
    let out = multisig(&[
        "demo",
        "--config",
        "test",
        "--signatures",
        "24",
        "--slot",
        "5",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("signature 23 (spoiled on purpose) was rejected"),
        "{stdout}"
    );
    assert!(
        stdout.contains("all instruction sets returned identical verdicts"),
        "{stdout}"
    );
    // One row per available ISA, each with 23 valid and 1 invalid.
    let rows = stdout
        .lines()
        .filter(|l| l.trim_end().ends_with("23         1"))
        .count();
    assert_eq!(rows, backend::Isa::available().len(), "{stdout}");
}

#[test]
fn demo_rejects_a_slot_outside_the_lifetime() {
    let out = multisig(&["demo", "--config", "test", "--slot", "256"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("out of range"));
}
