//! `multisig aggregate` and `multisig verify` end to end on the built binary, in the test
//! configuration: a round trip (exit 0), proofs checked against another slot, message, key
//! order, key list or configuration and tampered proofs (exit 1), an invalid signature named
//! by index and line (exit 1), malformed inputs (exit 2), and children folded in with
//! `--child` (verified against the flat key list; a child that does not verify exits 1).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use xmss::{Config, PublicKey, Signature};

fn multisig(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_multisig"))
        .args(args)
        .output()
        .expect("run multisig")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const SLOT: u32 = 9;
const MESSAGE: [u8; 32] = [0x5c; 32];

/// A scratch directory removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("multisig-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let p = self.path(name);
        std::fs::write(&p, contents).unwrap();
        p.display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Two signers in the test configuration: a real key pair (key generation from a seed, then
/// signing) and a benchmark fixture.
fn signers() -> (Vec<PublicKey>, Vec<Signature>) {
    let isa = backend::Isa::scalar();
    let (pk, sk) = xmss::keypair_generate(Config::Test, b"aggregate cli", 0, 64).unwrap();
    let sig = sk.sign(isa, SLOT, &MESSAGE).unwrap();
    let (pk2, sig2) = xmss::fixtures::generate(isa, Config::Test, 11, 1, &MESSAGE, SLOT)
        .unwrap()
        .pop()
        .unwrap();
    (vec![pk, pk2], vec![sig, sig2])
}

/// One `0x`-prefixed hex value per line, with a blank line after the first.
fn lines(values: &[Vec<u8>]) -> String {
    let mut s = String::new();
    for (i, v) in values.iter().enumerate() {
        s.push_str(&format!("0x{}\n", hex(v)));
        if i == 0 {
            s.push('\n');
        }
    }
    s
}

fn key_lines(keys: &[PublicKey]) -> String {
    lines(&keys.iter().map(|k| k.to_ssz().to_vec()).collect::<Vec<_>>())
}

fn sig_lines(sigs: &[Signature]) -> String {
    lines(&sigs.iter().map(|s| s.to_ssz()).collect::<Vec<_>>())
}

fn aggregate(config: &str, msg: &str, slot: u32, keys: &str, sigs: &str, out: &str) -> Output {
    aggregate_with(config, msg, slot, keys, sigs, out, &[])
}

/// `multisig aggregate` with `extra` arguments after the usual ones.
fn aggregate_with(
    config: &str,
    msg: &str,
    slot: u32,
    keys: &str,
    sigs: &str,
    out: &str,
    extra: &[&str],
) -> Output {
    let slot = slot.to_string();
    let mut args = vec![
        "aggregate",
        "--config",
        config,
        "--message",
        msg,
        "--slot",
        &slot,
        "--public-keys",
        keys,
        "--signatures",
        sigs,
        "--log-inv-rate",
        "2",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    multisig(&args)
}

fn verify(config: &str, msg: &str, slot: u32, keys: &str, proof: &str) -> Output {
    multisig(&[
        "verify",
        "--config",
        config,
        "--message",
        msg,
        "--slot",
        &slot.to_string(),
        "--public-keys",
        keys,
        "--proof",
        proof,
    ])
}

/// A v2 proof header (magic, version, configuration, rate, the standard parameters 0, N)
/// followed by `stark`.
fn header(config: u8, rate: u8, n: u32, stark: &[u8]) -> Vec<u8> {
    let mut v = b"XAGG".to_vec();
    v.extend_from_slice(&rec_aggregation::api::PROOF_VERSION.to_le_bytes());
    v.push(config);
    v.push(rate);
    v.push(0);
    v.extend_from_slice(&n.to_le_bytes());
    v.extend_from_slice(stark);
    v
}

fn msg_hex() -> String {
    format!("0x{}", hex(&MESSAGE))
}

#[test]
fn round_trip_and_rejections() {
    let d = Dir::new("agg-round-trip");
    let (keys, sigs) = signers();
    let keys_file = d.write("keys.hex", key_lines(&keys));
    let sigs_file = d.write("sigs.hex", sig_lines(&sigs));
    let proof = d.path("proof.bin").display().to_string();
    let msg = msg_hex();

    let o = aggregate("test", &msg, SLOT, &keys_file, &sigs_file, &proof);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let bytes = std::fs::read(&proof).unwrap();
    assert!(stdout.contains("aggregated 2 signatures"), "{stdout}");
    assert!(
        stdout.contains(&format!("proof: {} bytes", bytes.len())),
        "{stdout}"
    );
    assert!(stdout.contains("prove: "), "{stdout}");
    assert_eq!(&bytes[..4], b"XAGG");

    // Valid: exactly this statement, with or without the 0x prefix.
    let o = verify("test", &msg, SLOT, &keys_file, &proof);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("valid"));
    assert_eq!(
        code(&verify("test", &hex(&MESSAGE), SLOT, &keys_file, &proof)),
        0
    );

    // Invalid (exit 1): another slot, another message, keys reordered, one key dropped, the
    // other configuration, a tampered proof.
    let o = verify("test", &msg, SLOT + 1, &keys_file, &proof);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid proof"), "{}", stderr(&o));
    let other_msg = format!("0x{}", hex(&[0x5d; 32]));
    assert_eq!(
        code(&verify("test", &other_msg, SLOT, &keys_file, &proof)),
        1
    );
    let reordered = d.write("reordered.hex", key_lines(&[keys[1], keys[0]]));
    assert_eq!(code(&verify("test", &msg, SLOT, &reordered, &proof)), 1);
    let one = d.write("one.hex", key_lines(&keys[..1]));
    let o = verify("test", &msg, SLOT, &one, &proof);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("covers 2 signatures"), "{}", stderr(&o));
    let o = verify("prod", &msg, SLOT, &keys_file, &proof);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("test configuration"), "{}", stderr(&o));
    for at in [bytes.len() / 2, bytes.len() - 1] {
        let mut t = bytes.clone();
        t[at] ^= 1;
        let tampered = d.write("tampered.bin", &t);
        let o = verify("test", &msg, SLOT, &keys_file, &tampered);
        assert_eq!(code(&o), 1, "byte {at}: {}", stderr(&o));
    }
    // A truncated proof body still has a valid header: rejected, not malformed.
    let cut = d.write("cut.bin", &bytes[..bytes.len() - 100]);
    assert_eq!(code(&verify("test", &msg, SLOT, &keys_file, &cut)), 1);
}

#[test]
fn the_verifier_policy_is_enforced_and_fri_options_are_gone() {
    let d = Dir::new("agg-policy");
    let (keys, sigs) = signers();
    let keys_file = d.write("keys.hex", key_lines(&keys));
    let sigs_file = d.write("sigs.hex", sig_lines(&sigs));
    let proof = d.path("proof.bin").display().to_string();
    let msg = msg_hex();
    // The removed FRI proof system's options are usage errors, and write nothing.
    for extra in [
        &["--proof-system", "fri"][..],
        &["--security", "conjectured"],
    ] {
        let o = aggregate_with("test", &msg, SLOT, &keys_file, &sigs_file, &proof, extra);
        assert_eq!(code(&o), 2, "{extra:?}: {}", stderr(&o));
        assert!(!Path::new(&proof).exists());
    }
    let o = aggregate("test", &msg, SLOT, &keys_file, &sigs_file, &proof);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let verify_with = |slot: u32, flag: &str, min: &str| {
        multisig(&[
            "verify",
            "--config",
            "test",
            "--message",
            &msg,
            "--slot",
            &slot.to_string(),
            "--public-keys",
            &keys_file,
            "--proof",
            &proof,
            flag,
            min,
        ])
    };
    let with_min = |slot: u32, min: &str| verify_with(slot, "--min-provable-bits", min);
    // The proof's parameters give 124 provable bits: a policy asking for more refuses it
    // (exit 1, the message names the policy), a lower one accepts it, still bound to its slot.
    let o = with_min(SLOT, "125");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("invalid proof") && e.contains("policy minimum 125"),
        "{e}"
    );
    assert_eq!(code(&with_min(SLOT, "124")), 0);
    assert_eq!(code(&with_min(SLOT, "100")), 0);
    assert_eq!(code(&with_min(SLOT + 1, "100")), 1);
    // The removed conjectured minimum is a usage error.
    let o = verify_with(SLOT, "--min-conjectured-bits", "100");
    assert_eq!(code(&o), 2);
}

#[test]
fn an_invalid_signature_is_named_by_index_and_line() {
    let d = Dir::new("agg-invalid");
    let (keys, mut sigs) = signers();
    // Signature 1 signs another message: well-formed, invalid.
    sigs[1] = xmss::fixtures::generate(
        backend::Isa::scalar(),
        Config::Test,
        11,
        1,
        &[0u8; 32],
        SLOT,
    )
    .unwrap()
    .pop()
    .unwrap()
    .1;
    let keys_file = d.write("keys.hex", key_lines(&keys));
    // The blank line after the first signature puts signature 1 on line 3.
    let sigs_file = d.write("sigs.hex", sig_lines(&sigs));
    let proof = d.path("proof.bin").display().to_string();
    let o = aggregate("test", &msg_hex(), SLOT, &keys_file, &sigs_file, &proof);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("signature 1 (line 3 of"),
        "{}",
        stderr(&o)
    );
    assert!(!Path::new(&proof).exists());
}

#[test]
fn malformed_inputs_exit_2() {
    let d = Dir::new("agg-malformed");
    let (keys, sigs) = signers();
    let keys_file = d.write("keys.hex", key_lines(&keys));
    let sigs_file = d.write("sigs.hex", sig_lines(&sigs));
    let proof = d.path("proof.bin").display().to_string();
    let msg = msg_hex();
    let missing = d.path("missing.hex").display().to_string();

    // aggregate: bad hex, missing files, malformed key, wrong signature length for the
    // configuration, count mismatch, short message, slot outside the lifetime, bad rate.
    let bad_hex = d.write("bad.hex", format!("0x{}zz\n", hex(&keys[0].to_ssz())));
    let o = aggregate("test", &msg, SLOT, &bad_hex, &sigs_file, &proof);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("line 1"), "{}", stderr(&o));
    assert_eq!(
        code(&aggregate("test", &msg, SLOT, &missing, &sigs_file, &proof)),
        2
    );
    assert_eq!(
        code(&aggregate("test", &msg, SLOT, &keys_file, &missing, &proof)),
        2
    );
    let mut bad_key = keys[1].to_ssz().to_vec();
    bad_key[..4].copy_from_slice(&[0xff; 4]);
    let bad_keys = d.write("bad_keys.hex", lines(&[keys[0].to_ssz().to_vec(), bad_key]));
    let o = aggregate("test", &msg, SLOT, &bad_keys, &sigs_file, &proof);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("line 3"), "{}", stderr(&o));
    let o = aggregate("prod", &msg, SLOT, &keys_file, &sigs_file, &proof);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("malformed prod signature"),
        "{}",
        stderr(&o)
    );
    let one = d.write("one.hex", key_lines(&keys[..1]));
    let o = aggregate("test", &msg, SLOT, &one, &sigs_file, &proof);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("1 public keys but 2 signatures"));
    assert_eq!(
        code(&aggregate(
            "test",
            &msg[..20],
            SLOT,
            &keys_file,
            &sigs_file,
            &proof
        )),
        2
    );
    let o = aggregate("test", &msg, 256, &keys_file, &sigs_file, &proof);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("lifetime"), "{}", stderr(&o));
    let empty = d.write("empty.hex", "\n\n");
    assert_eq!(
        code(&aggregate("test", &msg, SLOT, &empty, &empty, &proof)),
        2
    );
    let o = multisig(&[
        "aggregate",
        "--config",
        "test",
        "--message",
        &msg,
        "--slot",
        "9",
        "--public-keys",
        &keys_file,
        "--signatures",
        &sigs_file,
        "--log-inv-rate",
        "5",
        "--out",
        &proof,
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("log_inv_rate 5"), "{}", stderr(&o));
    assert!(!Path::new(&proof).exists());
    // Usage: a missing argument, an unknown configuration.
    assert_eq!(code(&multisig(&["aggregate", "--config", "test"])), 2);
    assert_eq!(
        code(&aggregate(
            "medium", &msg, SLOT, &keys_file, &sigs_file, &proof
        )),
        2
    );

    // verify: missing proof or key file, undecodable headers, bad message, slot outside the
    // lifetime.
    assert_eq!(code(&verify("test", &msg, SLOT, &keys_file, &missing)), 2);
    let good_header = header(1, 2, 2, &[0u8; 64]);
    let p = d.write("good_header.bin", &good_header);
    assert_eq!(code(&verify("test", &msg, SLOT, &missing, &p)), 2);
    assert_eq!(code(&verify("test", &msg, SLOT, &bad_hex, &p)), 2);
    assert_eq!(code(&verify("test", "0x1234", SLOT, &keys_file, &p)), 2);
    let o = verify("test", &msg, 300, &keys_file, &p);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("lifetime"), "{}", stderr(&o));
    for (name, bad) in [
        ("truncated", good_header[..7].to_vec()),
        ("empty", Vec::new()),
        ("magic", [b"XAGH".as_slice(), &good_header[4..]].concat()),
        ("version", {
            let mut h = good_header.clone();
            h[4] = 99;
            h
        }),
        ("config", header(7, 2, 2, &[0u8; 64])),
        ("rate", header(1, 9, 2, &[0u8; 64])),
        ("zero", header(1, 2, 0, &[0u8; 64])),
        ("parameters", {
            let mut h = good_header.clone();
            h[8] = 1;
            h
        }),
    ] {
        let p = d.write(&format!("{name}.bin"), &bad);
        let o = verify("test", &msg, SLOT, &keys_file, &p);
        assert_eq!(code(&o), 2, "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("malformed input"), "{name}");
    }
}

#[test]
fn well_formed_headers_for_another_statement_exit_1() {
    let d = Dir::new("agg-headers");
    let (keys, _) = signers();
    let keys_file = d.write("keys.hex", key_lines(&keys));
    let msg = msg_hex();
    // A header for the prod configuration checked as test, and one for three signatures
    // checked against two keys: decodable, so "invalid", not "malformed".
    let p = d.write("prod.bin", header(0, 2, 2, &[0u8; 64]));
    let o = verify("test", &msg, SLOT, &keys_file, &p);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("prod configuration"), "{}", stderr(&o));
    let p = d.write("three.bin", header(1, 2, 3, &[0u8; 64]));
    let o = verify("test", &msg, SLOT, &keys_file, &p);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("covers 3 signatures"), "{}", stderr(&o));
    // The right header with garbage in place of the STARK proof.
    let p = d.write("garbage.bin", header(1, 2, 2, &[0xa5u8; 4096]));
    let o = verify("test", &msg, SLOT, &keys_file, &p);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

#[test]
fn children_fold_in_and_verify_against_the_flat_key_list() {
    let d = Dir::new("children");
    let (keys, sigs) = signers();
    let msg = msg_hex();
    // The child: signer 1; the parent: signer 0 raw, then the child.
    let child_keys = d.write("child_keys.txt", key_lines(&keys[1..]));
    let child_sigs = d.write("child_sigs.txt", sig_lines(&sigs[1..]));
    let child = d.path("child.bin").display().to_string();
    let o = aggregate("test", &msg, SLOT, &child_keys, &child_sigs, &child);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let raw_keys = d.write("raw_keys.txt", key_lines(&keys[..1]));
    let raw_sigs = d.write("raw_sigs.txt", sig_lines(&sigs[..1]));
    let spec = format!("{child}:{child_keys}");
    let out = d.path("nested.bin").display().to_string();
    let o = aggregate_with(
        "test",
        &msg,
        SLOT,
        &raw_keys,
        &raw_sigs,
        &out,
        &["--child", &spec],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 children (2 keys in all"));
    assert_eq!(&std::fs::read(&out).unwrap()[..4], b"XAGC");
    let all = d.write("all_keys.txt", key_lines(&keys));
    assert_eq!(code(&verify("test", &msg, SLOT, &all, &out)), 0);
    // The keys in another order, or only the raw part's: invalid (1).
    let reversed = d.write("reversed.txt", key_lines(&[keys[1], keys[0]]));
    assert_eq!(code(&verify("test", &msg, SLOT, &reversed, &out)), 1);
    assert_eq!(code(&verify("test", &msg, SLOT, &raw_keys, &out)), 1);

    // Children only: no raw key or signature files.
    let only = d.path("only.bin").display().to_string();
    let slot = SLOT.to_string();
    let children_only = |spec: &str, out: &str| {
        multisig(&[
            "aggregate",
            "--config",
            "test",
            "--message",
            &msg,
            "--slot",
            &slot,
            "--child",
            spec,
            "--out",
            out,
        ])
    };
    let o = children_only(&spec, &only);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(code(&verify("test", &msg, SLOT, &child_keys, &only)), 0);

    // A child whose keys are not its own does not verify (1); a missing file or a spec
    // without ':' is refused (2).
    let wrong = format!("{child}:{raw_keys}");
    let o = children_only(&wrong, &d.path("x.bin").display().to_string());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("child 0"), "{}", stderr(&o));
    // A child with children of its own folds in too (three levels).
    let nested_child = format!("{out}:{all}");
    let deeper = d.path("deeper.bin").display().to_string();
    let o = children_only(&nested_child, &deeper);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(code(&verify("test", &msg, SLOT, &all, &deeper)), 0);
    assert_eq!(code(&verify("test", &msg, SLOT, &reversed, &deeper)), 1);
    for bad in [child.clone(), format!("{child}.missing:{child_keys}")] {
        let o = children_only(&bad, &d.path("x.bin").display().to_string());
        assert_eq!(code(&o), 2, "{bad}: {}", stderr(&o));
    }
    // Raw keys without signatures is a usage error.
    let o = multisig(&[
        "aggregate",
        "--config",
        "test",
        "--message",
        &msg,
        "--slot",
        &slot,
        "--public-keys",
        &raw_keys,
        "--child",
        &spec,
        "--out",
        &only,
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}
