//! `multisig security`: the default (v2) parameters give at least 124 provable bits up to the
//! v2 signature limit; with `--proof-system fri`, at the default level the parameters give at
//! least 100 provable and 124 conjectured bits at every N of the security issue's acceptance
//! list (prod, rates 1/2 and 1/4); the text names every term, its theorem and the binding one;
//! explicit parameters below target are reported as such; bad input is exit 2.

use std::process::Command;

fn multisig(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_multisig"))
        .args(args)
        .output()
        .expect("the multisig binary runs")
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["security", "--json"];
    all.extend_from_slice(args);
    let out = multisig(&all);
    assert!(
        out.status.success(),
        "{all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).expect("one JSON object")
}

/// [`json`] with `--proof-system fri`.
fn fri_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--proof-system", "fri"];
    all.extend_from_slice(args);
    json(&all)
}

fn num(v: &serde_json::Value, k: &str) -> f64 {
    v[k].as_f64()
        .unwrap_or_else(|| panic!("{k} missing or not a number in {v}"))
}

#[test]
fn the_default_v2_parameters_give_124_provable_bits_up_to_the_limit() {
    for (n, r) in [
        ("1", "2"),
        ("16", "2"),
        ("1000", "2"),
        ("1000", "1"),
        ("9039", "2"),
    ] {
        let v = json(&["--config", "prod", "--signatures", n, "--log-inv-rate", r]);
        let total = num(&v, "provable_security_bits");
        assert!(total >= 124.0, "N={n} R={r}: {v}");
        // The claimed figure is capped by the digests' collision resistance, never above.
        assert!(num(&v, "claimed_security_bits") <= total.min(124.0), "{v}");
        let terms = v["terms"].as_array().expect("a list of terms");
        assert!(terms.len() >= 10, "{v}");
        for t in terms {
            assert!(t["bits"].as_f64().unwrap() >= total, "{t}");
            assert!(!t["source"].as_str().unwrap().is_empty(), "{t}");
        }
        assert!(v["binding"].as_str().unwrap().starts_with("WHIR"), "{v}");
        // The FRI report's names, for scripts that read either: the level, the first WHIR
        // round's queries, and no conjectured figure above the proven one.
        assert_eq!(v["security_level"], "provable", "{v}");
        assert_eq!(v["num_queries"], v["whir_queries"][0], "{v}");
        assert_eq!(v["pow_bits"], v["whir_query_pow_bits"], "{v}");
        assert_eq!(num(&v, "conjectured_security_bits"), total, "{v}");
    }
    // One signature beyond the v2 limit at rate 1/4 is a usage error, not a figure.
    let out = multisig(&["security", "--config", "prod", "--signatures", "9040"]);
    assert_eq!(out.status.code(), Some(2));
    // FRI-only options are refused with v2.
    let out = multisig(&["security", "--queries", "50"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fri only"));
}

#[test]
fn default_level_meets_100_provable_and_124_conjectured_bits() {
    for n in ["1", "16", "1000", "32768"] {
        for r in ["1", "2"] {
            let v = fri_json(&["--config", "prod", "--signatures", n, "--log-inv-rate", r]);
            assert_eq!(v["security_level"], "provable", "{v}");
            assert_eq!(v["assumption"], "BCHKS25", "{v}");
            assert!(
                num(&v, "provable_security_bits") >= 100.0,
                "N={n} R={r}: {v}"
            );
            assert!(
                num(&v, "conjectured_security_bits") >= 124.0,
                "N={n} R={r}: {v}"
            );
            assert!(
                num(&v, "num_queries") >= 1.0 && num(&v, "pow_bits") >= 0.0,
                "{v}"
            );
            // The total is the sum of the terms' errors, so no term is below it.
            let total = num(&v, "provable_security_bits");
            let terms = v["provable_terms"].as_array().expect("a list of terms");
            assert!(terms.len() >= 6, "{v}");
            for t in terms {
                assert!(t["bits"].as_f64().unwrap() >= total, "{t}");
                assert!(!t["source"].as_str().unwrap().is_empty(), "{t}");
            }
            assert_eq!(v["binding_provable"], "FRI queries", "{v}");
        }
    }
}

#[test]
fn text_names_every_term_its_theorem_and_the_cap() {
    let out = multisig(&[
        "security",
        "--proof-system",
        "fri",
        "--config",
        "prod",
        "--signatures",
        "16",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "provable security:",
        "conjectured security:",
        "binding: FRI queries",
        "FRI batching",
        "FRI fold 1",
        "ALI",
        "DEEP",
        "LogUp",
        "BCHKS25",
        "Haböck 2022/1216 Thm 8",
        "123.95 bits of collision resistance",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
    }
}

#[test]
fn fewer_queries_give_fewer_bits_and_the_level_says_explicit() {
    let v = fri_json(&["--config", "test", "--signatures", "4", "--queries", "50"]);
    assert_eq!(v["security_level"], "explicit");
    assert_eq!(num(&v, "num_queries"), 50.0);
    assert!(num(&v, "provable_security_bits") < 100.0, "{v}");
    let conj_fri = v["conjectured_terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "FRI queries")
        .and_then(|t| t["bits"].as_f64())
        .unwrap();
    assert_eq!(conj_fri, 50.0 * 2.0 + num(&v, "pow_bits"));
}

#[test]
fn the_conjectured_level_is_about_70_provable_bits() {
    let v = fri_json(&[
        "--config",
        "prod",
        "--signatures",
        "16",
        "--security",
        "conjectured",
    ]);
    assert!(num(&v, "conjectured_security_bits") >= 124.0, "{v}");
    let p = num(&v, "provable_security_bits");
    assert!((60.0..100.0).contains(&p), "{v}");
}

#[test]
fn bad_input_is_a_usage_error() {
    for args in [
        &["security", "--log-inv-rate", "5"][..],
        &["security", "--log-inv-rate", "100"],
        &["security", "--signatures", "100000000"],
        &["security", "--signatures", "0"],
        &["security", "--proof-system", "fri", "--queries", "0"],
        &["security", "--proof-system", "fri", "--log-inv-rate", "5"],
    ] {
        let out = multisig(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}
