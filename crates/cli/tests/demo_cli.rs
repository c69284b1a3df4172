//! `multisig demo` end to end in the test configuration: it must generate, aggregate and verify
//! (fixtures and real keys), show that the proof is rejected for another slot, build a block
//! (merged, verified, rejected swapped, one component split out and verified alone), and report its
//! measurements; a slot outside the lifetime and too many real prod keys are usage errors
//! (exit 2).

use std::process::Command;

fn multisig(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_multisig"))
        .args(args)
        .output()
        .expect("the multisig binary runs")
}

fn assert_demo_ran(args: &[&str], n: usize) -> String {
    let out = multisig(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "demo failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("aggregating {n} devnet4 XMSS signatures")),
        "{stdout}"
    );
    for needle in [
        "ISA: ",
        "prove:  ",
        "signatures/s",
        "proof:  ",
        "verify: ",
        "(valid)",
        "rejected",
        "peak memory: ",
    ] {
        assert!(stdout.contains(needle), "{needle:?} missing in {stdout}");
    }
    // Not a terminal: no spinner output on stderr.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn demo_aggregates_fixtures() {
    let stdout = assert_demo_ran(
        &[
            "demo",
            "--config",
            "test",
            "--signatures",
            "3",
            "--slot",
            "5",
        ],
        3,
    );
    assert!(stdout.contains("benchmark fixtures"), "{stdout}");
    assert!(
        stdout.contains("the same proof for slot 4: rejected"),
        "{stdout}"
    );
    // The block: two committee aggregates merged, verified, rejected swapped, and split.
    assert!(
        stdout.contains("verify: ") && stdout.contains("valid for the 2 messages"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the same block with two components swapped: rejected"),
        "{stdout}"
    );
    // One component split back out, verified alone, rejected with two keys swapped.
    assert!(
        stdout.contains("split:  component 1 out")
            && stdout.contains("verified with its 4 keys alone"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the split proof with two keys swapped: rejected"),
        "{stdout}"
    );
}

#[test]
fn demo_aggregates_real_keys() {
    let stdout = assert_demo_ran(
        &[
            "demo",
            "--config",
            "test",
            "--signatures",
            "2",
            "--slot",
            "0",
            "--real-keys",
            "--block",
            "0",
        ],
        2,
    );
    assert!(stdout.contains("real key pairs"), "{stdout}");
    assert!(
        stdout.contains("the same proof for slot 1: rejected"),
        "{stdout}"
    );
}

#[test]
fn demo_usage_errors() {
    let out = multisig(&["demo", "--config", "test", "--slot", "256"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("out of range"));
    let out = multisig(&[
        "demo",
        "--config",
        "prod",
        "--signatures",
        "5",
        "--real-keys",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 4 signatures"));
    let out = multisig(&["demo", "--config", "test", "--isa", "sse9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown instruction set"));
}
