//! `multisig security`: the parameters give at least 124 provable bits up to the signature
//! limit (prod, rates 1/2 and 1/4); the text names every term, its theorem, the binding one and
//! the digests' cap; bad input (including the options of the removed FRI proof system) is
//! exit 2.

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
        // The names the removed FRI report used, for scripts: the level, the first WHIR
        // round's queries, and no conjectured figure above the proven one.
        assert_eq!(v["security_level"], "provable", "{v}");
        assert_eq!(v["num_queries"], v["whir_queries"][0], "{v}");
        assert_eq!(v["pow_bits"], v["whir_query_pow_bits"], "{v}");
        assert_eq!(num(&v, "conjectured_security_bits"), total, "{v}");
    }
    // One signature beyond the v2 limit at rate 1/4 is a usage error, not a figure.
    let out = multisig(&["security", "--config", "prod", "--signatures", "9040"]);
    assert_eq!(out.status.code(), Some(2));
    // The removed FRI system's options are usage errors.
    for args in [
        &["security", "--queries", "50"][..],
        &["security", "--proof-system", "fri"],
        &["security", "--security", "conjectured"],
    ] {
        assert_eq!(multisig(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn text_names_every_term_its_theorem_and_the_cap() {
    let out = multisig(&["security", "--config", "prod", "--signatures", "16"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "provable security:",
        "binding: WHIR",
        "LogUp",
        "GKR",
        "BCHKS25",
        "claimed:",
        "collision resistance",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
    }
}

#[test]
fn bad_input_is_a_usage_error() {
    for args in [
        &["security", "--log-inv-rate", "5"][..],
        &["security", "--log-inv-rate", "100"],
        &["security", "--signatures", "100000000"],
        &["security", "--signatures", "0"],
    ] {
        let out = multisig(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}
