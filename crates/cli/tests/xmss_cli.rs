//! `multisig xmss` end to end on the built binary: exit codes of `verify` on the real
//! leanMultisig vectors (valid 0, invalid 1, malformed 2), `@PATH` inputs, and a
//! keygen / sign / verify round trip in the test configuration.

use std::process::{Command, Output};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/vectors");

fn multisig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_multisig"))
        .args(args)
        .output()
        .expect("run multisig")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

struct Vector {
    config: &'static str,
    pk: String,
    sig: String,
    msg: String,
    slot: String,
}

fn vector(config: &'static str) -> Vector {
    let name = if config == "prod" {
        "xmss_prod_test_vector.json"
    } else {
        "xmss_test_vector.json"
    };
    let text = std::fs::read_to_string(format!("{VECTORS}/{name}")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    Vector {
        config,
        pk: v["public_key"].as_str().unwrap().to_string(),
        sig: v["signature_ssz"].as_str().unwrap().to_string(),
        msg: v["message"].as_str().unwrap().to_string(),
        slot: v["slot"].as_u64().unwrap().to_string(),
    }
}

fn verify(config: &str, pk: &str, sig: &str, msg: &str, slot: &str) -> Output {
    multisig(&[
        "xmss",
        "verify",
        "--config",
        config,
        "--public-key",
        pk,
        "--signature",
        sig,
        "--message",
        msg,
        "--slot",
        slot,
    ])
}

/// Flips the last hex digit of a hex string.
fn flip_last(hex: &str) -> String {
    let mut s = hex.to_string();
    let last = s.pop().unwrap();
    s.push(if last == '0' { '1' } else { '0' });
    s
}

#[test]
fn verify_exit_codes_on_the_real_vectors() {
    for config in ["prod", "test"] {
        let v = vector(config);
        let ok = verify(v.config, &v.pk, &v.sig, &v.msg, &v.slot);
        assert_eq!(code(&ok), 0, "{}", String::from_utf8_lossy(&ok.stderr));
        // Without the 0x prefix too.
        let ok = verify(
            v.config,
            v.pk.trim_start_matches("0x"),
            v.sig.trim_start_matches("0x"),
            v.msg.trim_start_matches("0x"),
            &v.slot,
        );
        assert_eq!(code(&ok), 0);

        // Invalid: another slot, another message, a tampered chain value.
        let slot1 = (v.slot.parse::<u32>().unwrap() + 1).to_string();
        let o = verify(v.config, &v.pk, &v.sig, &v.msg, &slot1);
        assert_eq!(code(&o), 1);
        assert!(String::from_utf8_lossy(&o.stderr).contains("invalid signature"));
        let o = verify(v.config, &v.pk, &v.sig, &flip_last(&v.msg), &v.slot);
        assert_eq!(code(&o), 1);
        let o = verify(v.config, &v.pk, &flip_last(&v.sig), &v.msg, &v.slot);
        assert_eq!(code(&o), 1);
        assert!(String::from_utf8_lossy(&o.stderr).contains("root"));

        // Malformed: bad hex, truncated signature, short message, non-canonical key, wrong config.
        let o = verify(v.config, "0xzz", &v.sig, &v.msg, &v.slot);
        assert_eq!(code(&o), 2);
        let o = verify(v.config, &v.pk, &v.sig[..v.sig.len() - 2], &v.msg, &v.slot);
        assert_eq!(code(&o), 2);
        assert!(String::from_utf8_lossy(&o.stderr).contains("expected"));
        let o = verify(v.config, &v.pk, &v.sig, &v.msg[..v.msg.len() - 2], &v.slot);
        assert_eq!(code(&o), 2);
        let bad_pk = format!("0xffffffff{}", &v.pk[10..]);
        let o = verify(v.config, &bad_pk, &v.sig, &v.msg, &v.slot);
        assert_eq!(code(&o), 2);
        assert!(String::from_utf8_lossy(&o.stderr).contains("non-canonical"));
        let other = if config == "prod" { "test" } else { "prod" };
        let o = verify(other, &v.pk, &v.sig, &v.msg, &v.slot);
        assert_eq!(code(&o), 2);
    }
}

#[test]
fn usage_errors_exit_2_and_files_are_read_with_at() {
    let v = vector("test");
    let o = multisig(&["xmss", "verify", "--config", "test", "--public-key", &v.pk]);
    assert_eq!(code(&o), 2);
    let o = verify("medium", &v.pk, &v.sig, &v.msg, &v.slot);
    assert_eq!(code(&o), 2);
    let o = verify("test", &v.pk, &v.sig, &v.msg, "-1");
    assert_eq!(code(&o), 2);

    let dir = std::env::temp_dir().join(format!("multisig-xmss-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sig_path = dir.join("sig.hex");
    std::fs::write(&sig_path, format!("{}\n", v.sig)).unwrap();
    let at = format!("@{}", sig_path.display());
    let o = verify("test", &v.pk, &at, &v.msg, &v.slot);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let o = verify("test", &v.pk, "@/nonexistent/sig.hex", &v.msg, &v.slot);
    assert_eq!(code(&o), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keygen_sign_verify_round_trip_test_config() {
    let kg = |seed: &str| {
        let o = multisig(&[
            "xmss",
            "keygen",
            "--config",
            "test",
            "--seed",
            seed,
            "--activation-epoch",
            "0",
            "--num-active-epochs",
            "100",
        ]);
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8(o.stdout).unwrap();
        let field = |name: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(name))
                .unwrap()
                .trim()
                .to_string()
        };
        (field("public_key:"), field("secret_key:"))
    };
    let (pk, sk) = kg("cli seed");
    assert_eq!(kg("cli seed"), (pk.clone(), sk.clone()));
    assert_ne!(kg("other seed").0, pk);
    let msg = format!("0x{}", "c3".repeat(32));
    // Slot 70 is beyond the initial prepared window (0..32): sign advances it.
    for slot in ["0", "31", "70", "111"] {
        let o = multisig(&[
            "xmss",
            "sign",
            "--config",
            "test",
            "--secret-key",
            &sk,
            "--message",
            &msg,
            "--slot",
            slot,
        ]);
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
        let sig = String::from_utf8(o.stdout).unwrap().trim().to_string();
        assert_eq!(
            code(&verify("test", &pk, &sig, &msg, slot)),
            0,
            "slot {slot}"
        );
        assert_eq!(code(&verify("test", &pk, &sig, &msg, "5")), 1);
    }
    // Outside the activation range (0..112): an error, exit 2.
    let o = multisig(&[
        "xmss",
        "sign",
        "--config",
        "test",
        "--secret-key",
        &sk,
        "--message",
        &msg,
        "--slot",
        "200",
    ]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("activation"));
}
