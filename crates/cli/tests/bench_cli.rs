//! `multisig bench` end to end in the test configuration: the JSON object of either proof
//! system has every documented field with sane values (and those of `--children` and
//! `--merge --split`), the table form runs, `--proof-out` writes the proof (the same bytes
//! on every instruction set), and an invalid instruction set is exit 2.

use std::process::Command;

fn multisig(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_multisig"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("the multisig binary runs")
}

/// Runs `multisig` with `args`, asserts that it succeeds and returns its stdout.
fn multisig_ok(args: &[&str]) -> String {
    let out = multisig(args, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `multisig COMMAND --config test --signatures 2 --log-inv-rate 2 --json` with `extra`
/// arguments (`bench` or `security`): its one JSON object.
fn json_of(command: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        command,
        "--config",
        "test",
        "--signatures",
        "2",
        "--log-inv-rate",
        "2",
        "--json",
    ];
    args.extend_from_slice(extra);
    let stdout = multisig_ok(&args);
    assert_eq!(
        stdout.trim().lines().count(),
        1,
        "one JSON object: {stdout}"
    );
    serde_json::from_str(stdout.trim()).expect("valid JSON")
}

/// [`json_of`] for `bench`.
fn bench_json(extra: &[&str]) -> serde_json::Value {
    json_of("bench", extra)
}

/// [`json_of`] for `security` (the same statement as [`bench_json`]'s).
fn security_json(extra: &[&str]) -> serde_json::Value {
    json_of("security", extra)
}

/// The number `v[k]`, or a failure naming the field.
fn number(v: &serde_json::Value, k: &str) -> f64 {
    v[k].as_f64()
        .unwrap_or_else(|| panic!("{k} missing or not a number in {v}"))
}

#[test]
fn bench_json_has_every_field() {
    let v = bench_json(&["--warmup", "1"]);
    let num = |k: &str| number(&v, k);
    assert_eq!(v["proof_system"], "v2");
    assert_eq!(v["config"], "test");
    assert_eq!(v["whir_schedule"], "standard");
    assert_eq!(num("signatures"), 2.0);
    assert_eq!(num("log_inv_rate"), 2.0);
    assert_eq!(num("warmup"), 1.0);
    assert!(num("threads") >= 1.0);
    assert!(num("fixture_ms") >= 0.0);
    let prove_ms = num("prove_ms");
    assert!(prove_ms > 0.0 && num("verify_ms") > 0.0, "{v}");
    let parts = num("whir_bytes") + num("gkr_bytes") + num("zerocheck_bytes");
    assert!(
        parts > 0.0 && parts < num("proof_bytes"),
        "the parts are inside the proof: {v}"
    );
    let sps = num("signatures_per_second");
    assert!(
        (sps - 2.0 / (prove_ms / 1e3)).abs() <= 1e-6 * sps.max(1.0),
        "{v}"
    );
    assert!(num("peak_rss_bytes") >= 1024.0 * 1024.0, "{v}");
    // The default: at least 124 provable bits, the figure `multisig security` derives.
    assert!(num("provable_security_bits") >= 124.0, "{v}");
    assert!(
        num("claimed_security_bits") <= num("provable_security_bits"),
        "{v}"
    );
    let sec = security_json(&[]);
    assert_eq!(
        v["provable_security_bits"], sec["provable_security_bits"],
        "{v} {sec}"
    );
    assert_eq!(v["binding_term"], sec["binding"], "{v} {sec}");
    // The summary fields, with the same values as `multisig security`.
    for k in [
        "security_level",
        "num_queries",
        "pow_bits",
        "log_max_height",
        "conjectured_security_bits",
        "claimed_security_bits",
    ] {
        assert_eq!(v[k], sec[k], "{k}: bench {v} security {sec}");
    }
    assert_eq!(v["security_level"], "provable");
    assert!(num("num_queries") >= 1.0, "{v}");
}

#[test]
fn bench_table_and_isa_override() {
    let stdout = multisig_ok(&[
        "bench",
        "--config",
        "test",
        "--signatures",
        "1",
        "--isa",
        "scalar",
    ]);
    for row in [
        "isa            scalar",
        "prove",
        "verify",
        "proof size",
        "peak memory",
        "security",
    ] {
        assert!(stdout.contains(row), "{row:?} missing in {stdout}");
    }
    // The removed FRI system's options are usage errors.
    for args in [["--proof-system", "fri"], ["--security", "conjectured"]] {
        let mut all = vec!["bench", "--config", "test", "--signatures", "1"];
        all.extend(args);
        assert_eq!(multisig(&all, &[]).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn bench_rejects_an_invalid_isa() {
    let out = multisig(
        &["bench", "--config", "test", "--signatures", "1"],
        &[("MULTISIG_ISA", "bogus")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown instruction set"));
    let out = multisig(&["bench", "--config", "test", "--signatures", "0"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bench_proof_out_is_the_same_on_every_isa() {
    let dir = std::env::temp_dir().join(format!("multisig-bench-proof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut proofs = Vec::new();
    for isa in backend::Isa::available() {
        let path = dir.join(format!("{isa}.proof"));
        let stdout = multisig_ok(&[
            "bench",
            "--config",
            "test",
            "--signatures",
            "2",
            "--json",
            "--isa",
            &isa.to_string(),
            "--proof-out",
            path.to_str().expect("utf-8 temp path"),
        ]);
        let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON");
        let bytes = std::fs::read(&path).expect("the proof file was written");
        assert_eq!(Some(bytes.len() as u64), v["proof_bytes"].as_u64(), "{v}");
        proofs.push((isa, bytes));
    }
    for (isa, bytes) in &proofs[1..] {
        assert!(bytes == &proofs[0].1, "{isa} and {} differ", proofs[0].0);
    }
    let bad = multisig(
        &[
            "bench",
            "--config",
            "test",
            "--signatures",
            "1",
            "--proof-out",
            dir.join("missing-dir/x.proof").to_str().expect("utf-8"),
        ],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bench_children_and_merge_json_have_their_fields() {
    let v = bench_json(&["--children", "1"]);
    let num = |k: &str| number(&v, k);
    assert_eq!((num("signatures"), num("children")), (2.0, 1.0), "{v}");
    for k in ["children_ms", "aggregate_ms", "proof_bytes", "verify_ms"] {
        assert!(num(k) > 0.0, "{k}: {v}");
    }
    let v = bench_json(&["--merge", "1", "--split"]);
    let num = |k: &str| number(&v, k);
    assert_eq!((num("signatures"), num("merge")), (2.0, 1.0), "{v}");
    for k in [
        "record_ms",
        "merge_ms",
        "merge_proof_bytes",
        "merge_verify_ms",
        "operations",
        "split_ms",
        "split_proof_bytes",
        "split_verify_ms",
    ] {
        assert!(num(k) > 0.0, "{k}: {v}");
    }
    // One recursive benchmark at a time.
    let out = multisig(
        &[
            "bench",
            "--config",
            "test",
            "--merge",
            "1",
            "--children",
            "1",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}
