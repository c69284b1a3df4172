//! `multisig security`: the reported levels meet the defaults' targets at rate 1/4, explicit
//! parameters below target are reported as such, and an unreachable target is exit 2.

use std::process::Command;

fn multisig(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_multisig"))
        .args(args)
        .output()
        .expect("the multisig binary runs")
}

fn field(json: &str, name: &str) -> f64 {
    let key = format!("\"{name}\":");
    let rest = &json[json
        .find(&key)
        .unwrap_or_else(|| panic!("{name} missing in {json}"))
        + key.len()..];
    let end = rest.find([',', '}']).expect("value ends");
    rest[..end].parse().expect("a number")
}

#[test]
fn default_rate_meets_both_targets() {
    let out = multisig(&["security", "--json"]);
    assert!(out.status.success());
    let json = String::from_utf8_lossy(&out.stdout);
    assert_eq!(field(&json, "log_inv_rate"), 2.0);
    assert!(field(&json, "conjectured_security_bits") >= 124.0, "{json}");
    assert!(field(&json, "provable_security_bits") >= 100.0, "{json}");
}

#[test]
fn fewer_queries_give_fewer_bits() {
    let out = multisig(&["security", "--json", "--queries", "50"]);
    assert!(out.status.success());
    let json = String::from_utf8_lossy(&out.stdout);
    assert_eq!(field(&json, "conjectured_fri_bits"), 50.0 * 2.0 + 16.0);
    assert!(field(&json, "provable_security_bits") < 100.0, "{json}");
}

#[test]
fn unreachable_target_is_a_usage_error() {
    let out = multisig(&["security", "--log-inv-rate", "4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unreachable"));
}
