//! Helpers shared by the subcommands: hex arguments and hex list files, the instruction set
//! (with an optional command-line override of `MULTISIG_ISA`), and the process's peak memory.

use backend::{Isa, IsaError};
use std::path::Path;
use xmss::{Config, PublicKey, Signature};

/// Decodes hex text: surrounding whitespace ignored, `0x`/`0X` prefix optional.
pub fn decode_hex(what: &str, text: &str) -> Result<Vec<u8>, String> {
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    if !t.len().is_multiple_of(2) {
        return Err(format!("{what}: odd number of hex digits ({})", t.len()));
    }
    t.as_bytes()
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .ok_or_else(|| format!("{what}: invalid hex digit pair at byte {i}"))
        })
        .collect()
}

/// Decodes a HEX argument (`0x` optional, surrounding whitespace ignored; `@PATH` reads the
/// hex from a file).
pub fn read_hex(what: &str, arg: &str) -> Result<Vec<u8>, String> {
    match arg.strip_prefix('@') {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{what}: cannot read {path}: {e}"))?;
            decode_hex(what, &text)
        }
        None => decode_hex(what, arg),
    }
}

/// `0x`-prefixed lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A 32-byte message given as HEX or `@PATH`.
pub fn read_message(arg: &str) -> Result<[u8; 32], String> {
    let m = read_hex("message", arg)?;
    let len = m.len();
    m.try_into()
        .map_err(|_| format!("message: expected 32 bytes, got {len}"))
}

/// Reads a file of one hex string per line (`0x` optional; blank lines ignored) and returns
/// each decoded entry with its 1-based line number, in file order.
pub fn read_hex_lines(what: &str, path: &Path) -> Result<Vec<(usize, Vec<u8>)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{what}: cannot read {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let label = format!("{what} ({}, line {})", path.display(), i + 1);
            decode_hex(&label, line).map(|b| (i + 1, b))
        })
        .collect()
}

/// Reads and decodes a public-key file (one 52-byte SSZ key in hex per line). Returns the keys
/// and their line numbers.
pub fn read_public_keys(path: &Path) -> Result<(Vec<PublicKey>, Vec<usize>), String> {
    let mut keys = Vec::new();
    let mut lines = Vec::new();
    for (line, bytes) in read_hex_lines("public keys", path)? {
        let pk = PublicKey::from_ssz(&bytes).map_err(|e| {
            format!(
                "public keys ({}, line {line}): malformed key: {e}",
                path.display()
            )
        })?;
        keys.push(pk);
        lines.push(line);
    }
    if keys.is_empty() {
        return Err(format!("public keys: {} holds no key", path.display()));
    }
    Ok((keys, lines))
}

/// Reads and decodes a signature file (one SSZ signature of `config` in hex per line).
/// Returns the signatures and their line numbers.
pub fn read_signatures(
    config: Config,
    path: &Path,
) -> Result<(Vec<Signature>, Vec<usize>), String> {
    let mut sigs = Vec::new();
    let mut lines = Vec::new();
    for (line, bytes) in read_hex_lines("signatures", path)? {
        let sig = Signature::from_ssz(config, &bytes).map_err(|e| {
            format!(
                "signatures ({}, line {line}): malformed {config} signature: {e}",
                path.display()
            )
        })?;
        sigs.push(sig);
        lines.push(line);
    }
    if sigs.is_empty() {
        return Err(format!("signatures: {} holds no signature", path.display()));
    }
    Ok((sigs, lines))
}

/// The instruction set to run on: `choice` (`auto`, `scalar`, `avx2`, `avx512`) if given,
/// otherwise the process-wide `MULTISIG_ISA` choice. Unknown or unavailable names are errors.
pub fn select_isa(choice: Option<&str>) -> Result<Isa, IsaError> {
    match choice {
        Some(c) => Isa::parse_choice(c),
        None => Isa::selected(),
    }
}

/// Formats a byte count with a binary unit (`12.3 MiB`).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_with_and_without_prefix() {
        assert_eq!(decode_hex("x", " 0xA0ff \n").unwrap(), vec![0xa0, 0xff]);
        assert_eq!(decode_hex("x", "0Xa0").unwrap(), vec![0xa0]);
        assert_eq!(decode_hex("x", "").unwrap(), Vec::<u8>::new());
        assert!(decode_hex("x", "abc").unwrap_err().contains("odd"));
        assert!(decode_hex("x", "zz").unwrap_err().contains("byte 0"));
        assert_eq!(to_hex(&[1, 0xab]), "0x01ab");
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
    }

    #[test]
    fn hex_lines_skip_blank_lines_and_report_line_numbers() {
        let dir = std::env::temp_dir().join(format!("multisig-inputs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("lines.hex");
        std::fs::write(&p, "0x01\n\n  \nab02\n0xzz\n").unwrap();
        let err = read_hex_lines("keys", &p).unwrap_err();
        assert!(err.contains("line 5"), "{err}");
        std::fs::write(&p, "0x01\n\n  \nab02\n").unwrap();
        assert_eq!(
            read_hex_lines("keys", &p).unwrap(),
            vec![(1, vec![1]), (4, vec![0xab, 2])]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
