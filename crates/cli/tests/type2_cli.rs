//! `multisig merge` and `multisig verify-type-2` end to end on the built binary, in the test
//! configuration: two aggregates merged (exit 0) and the Type-2 proof verified (exit 0),
//! rejected for keys in another order or the components swapped (exit 1); a part whose entry
//! names another slot than its proof, bad JSON and missing files (exit 2); a component split
//! out (exit 0) and verified by `multisig verify` with its own keys (0; 1 in another order),
//! a split for a message not in the Type-2 or for components that are not its (1).

use std::path::PathBuf;
use std::process::{Command, Output};
use xmss::Config;

fn multisig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_multisig"))
        .args(args)
        .output()
        .expect("run multisig")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A scratch directory removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("multisig-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, contents).unwrap();
        p.display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes the key and signature files of `n` fixture signers on `message` and `slot`, and
/// aggregates them with the CLI; returns the key file, the keys in reverse order and the
/// proof path.
fn part(d: &Dir, name: &str, n: usize, message: &[u8; 32], slot: u32) -> (String, String, String) {
    let pairs = xmss::fixtures::generate(
        backend::Isa::scalar(),
        Config::Test,
        slot.into(),
        n,
        message,
        slot,
    )
    .unwrap();
    let keys: String = pairs
        .iter()
        .map(|(k, _)| format!("{}\n", hex(&k.to_ssz())))
        .collect();
    let reversed: String = pairs
        .iter()
        .rev()
        .map(|(k, _)| format!("{}\n", hex(&k.to_ssz())))
        .collect();
    let sigs: String = pairs
        .iter()
        .map(|(_, s)| format!("{}\n", hex(&s.to_ssz())))
        .collect();
    let kf = d.write(&format!("{name}.keys"), keys);
    let rf = d.write(&format!("{name}.reversed"), reversed);
    let sf = d.write(&format!("{name}.sigs"), sigs);
    let proof = d.0.join(format!("{name}.proof")).display().to_string();
    let o = multisig(&[
        "aggregate",
        "--config",
        "test",
        "--message",
        &hex(message),
        "--slot",
        &slot.to_string(),
        "--public-keys",
        &kf,
        "--signatures",
        &sf,
        "--out",
        &proof,
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    (kf, rf, proof)
}

fn entry(proof: &str, message: &[u8; 32], slot: u32, keys: &str) -> String {
    format!(
        "{{\"proof\": \"{proof}\", \"message\": \"{}\", \"slot\": {slot}, \"public_keys\": \"{keys}\"}}",
        hex(message)
    )
}

#[test]
fn merge_and_verify_type_2() {
    let d = Dir::new("type2-cli");
    let (ma, mb) = ([0x71; 32], [0x72; 32]);
    let (ka, _, pa) = part(&d, "a", 1, &ma, 31);
    let (kb, rb, pb) = part(&d, "b", 2, &mb, 32);
    let parts = d.write(
        "parts.json",
        format!(
            "[{}, {}]",
            entry(&pa, &ma, 31, &ka),
            entry(&pb, &mb, 32, &kb)
        ),
    );
    let out = d.0.join("block.proof").display().to_string();
    let o = multisig(&[
        "merge", "--config", "test", "--parts", &parts, "--out", &out,
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let verify = |parts: &str| {
        code(&multisig(&[
            "verify-type-2",
            "--config",
            "test",
            "--parts",
            parts,
            "--proof",
            &out,
        ]))
    };
    assert_eq!(verify(&parts), 0);
    // The second component's keys in another order; the components swapped.
    let reordered = d.write(
        "reordered.json",
        format!(
            "[{}, {}]",
            entry(&pa, &ma, 31, &ka),
            entry(&pb, &mb, 32, &rb)
        ),
    );
    assert_eq!(verify(&reordered), 1);
    let swapped = d.write(
        "swapped.json",
        format!(
            "[{}, {}]",
            entry(&pb, &mb, 32, &kb),
            entry(&pa, &ma, 31, &ka)
        ),
    );
    assert_eq!(verify(&swapped), 1);
    // Malformed: an entry naming another slot than its proof, bad JSON, a missing proof.
    let other_slot = d.write(
        "other_slot.json",
        format!(
            "[{}, {}]",
            entry(&pa, &ma, 33, &ka),
            entry(&pb, &mb, 32, &kb)
        ),
    );
    let merge = |parts: &str| {
        code(&multisig(&[
            "merge", "--config", "test", "--parts", parts, "--out", &out,
        ]))
    };
    assert_eq!(merge(&other_slot), 2);
    assert_eq!(merge(&d.write("bad.json", "[{")), 2);
    let missing = d.write(
        "missing.json",
        format!("[{}]", entry("/nonexistent/proof", &ma, 31, &ka)),
    );
    assert_eq!(merge(&missing), 2);
    assert_eq!(verify(&d.write("empty.json", "[]")), 2);

    // Split the second component out: `multisig verify` accepts it with its keys, message
    // and slot alone, and not with its keys in another order.
    let split_out = d.0.join("b.split").display().to_string();
    let split = |message: &[u8; 32]| {
        multisig(&[
            "split",
            "--config",
            "test",
            "--parts",
            &parts,
            "--proof",
            &out,
            "--message",
            &format!("0x{}", hex(message)),
            "--out",
            &split_out,
        ])
    };
    let o = split(&mb);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let verify_1 = |keys: &str| {
        code(&multisig(&[
            "verify",
            "--config",
            "test",
            "--message",
            &format!("0x{}", hex(&mb)),
            "--slot",
            "32",
            "--public-keys",
            keys,
            "--proof",
            &split_out,
        ]))
    };
    assert_eq!(verify_1(&kb), 0);
    assert_eq!(verify_1(&rb), 1);
    // A message not in the Type-2 (1); a parts file that is not the Type-2's (1).
    assert_eq!(code(&split(&[0x73; 32])), 1);
    let o = multisig(&[
        "split",
        "--config",
        "test",
        "--parts",
        &swapped,
        "--proof",
        &out,
        "--message",
        &format!("0x{}", hex(&mb)),
        "--out",
        &split_out,
    ]);
    assert_eq!(code(&o), 1);
}
