//! Keeps `include/multisig_glue.h` in sync with the code: parses the header's function
//! declarations and the `#[unsafe(no_mangle)] pub [unsafe] extern "C" fn` items of `src/`,
//! maps the Rust types to C, and fails on any difference in names, argument types or return
//! types. Also checks that every function of the client's ABI
//! (`../shared/abi/zeam_xmss_abi.h` relative to the repository root) is declared by our header
//! with the identical signature.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Function name -> (return type, argument types), each type as canonical C tokens.
type Signatures = BTreeMap<String, (String, Vec<String>)>;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Splits C text into identifiers and the punctuation that matters (`*`, `(`, `)`, `,`,
/// `;`), after removing comments, preprocessor lines, string literals and braces.
fn c_tokens(text: &str) -> Vec<String> {
    let mut no_comments = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("/*") {
        no_comments.push_str(&rest[..i]);
        let end = rest[i..].find("*/").expect("unterminated comment") + i + 2;
        no_comments.push(' ');
        rest = &rest[end..];
    }
    no_comments.push_str(rest);
    let mut tokens = Vec::new();
    for line in no_comments.lines() {
        let line = line.split("//").next().unwrap_or("");
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_alphanumeric() || c == '_' {
                let mut id = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_alphanumeric() || n == '_' {
                        id.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(id);
            } else if c == '"' {
                for n in chars.by_ref() {
                    if n == '"' {
                        break;
                    }
                }
            } else if "*(),;".contains(c) {
                tokens.push(c.to_string());
            }
        }
    }
    tokens
}

/// The function declarations of a C header.
fn parse_header(path: &Path) -> Signatures {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = Signatures::new();
    for stmt in c_tokens(&text).split(|t| t == ";") {
        let stmt: Vec<&str> = stmt
            .iter()
            .map(String::as_str)
            .filter(|t| *t != "extern")
            .collect();
        if stmt.is_empty() || stmt[0] == "typedef" {
            continue;
        }
        let open = stmt
            .iter()
            .position(|t| *t == "(")
            .unwrap_or_else(|| panic!("not a function declaration: {stmt:?}"));
        assert_eq!(stmt.last(), Some(&")"), "{stmt:?}");
        let name = stmt[open - 1].to_string();
        let ret = stmt[..open - 1].join(" ");
        let inner = &stmt[open + 1..stmt.len() - 1];
        let mut args = Vec::new();
        if inner != ["void"] {
            for arg in inner.split(|t| *t == ",") {
                // Drop the parameter name (the last identifier).
                let (last, ty) = arg.split_last().expect("empty parameter");
                assert!(*last != "*", "unnamed parameter in {name}: {arg:?}");
                args.push(ty.join(" "));
            }
        }
        assert!(
            out.insert(name.clone(), (ret, args)).is_none(),
            "{name} declared twice in {}",
            path.display()
        );
    }
    out
}

/// A Rust FFI type as canonical C tokens: `*const T` is `const T *`, `*mut T` is `T *`, and a
/// const pointer to a pointer qualifies the inner pointer (`*const *const T` is
/// `const T * const *`).
fn rust_to_c(ty: &str) -> String {
    fn base(ty: &str) -> &str {
        match ty.rsplit("::").next().unwrap_or(ty) {
            "u8" => "uint8_t",
            "u32" => "uint32_t",
            "i32" => "int32_t",
            "usize" => "size_t",
            "c_int" => "int",
            "c_char" => "char",
            "bool" => "bool",
            other => {
                assert!(
                    other.starts_with("HashSig") || other == "AggregatedXMSS",
                    "unmapped Rust type {other:?}"
                );
                other
            }
        }
    }
    fn c(ty: &str, is_const: bool) -> Vec<String> {
        let ty = ty.trim();
        let (inner, inner_const) = if let Some(inner) = ty.strip_prefix("*const ") {
            (inner, true)
        } else if let Some(inner) = ty.strip_prefix("*mut ") {
            (inner, false)
        } else {
            let mut v = Vec::new();
            if is_const {
                v.push("const".to_string());
            }
            v.push(base(ty).to_string());
            return v;
        };
        let mut v = c(inner, inner_const);
        v.push("*".to_string());
        if is_const {
            v.push("const".to_string());
        }
        v
    }
    c(ty, false).join(" ")
}

/// The exported functions of the crate's sources.
fn parse_rust_sources() -> Signatures {
    let mut out = Signatures::new();
    let dir = crate_dir().join("src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("#[unsafe(no_mangle)]") {
            rest = &rest[i + "#[unsafe(no_mangle)]".len()..];
            let item = rest.trim_start();
            let item = item
                .strip_prefix("pub unsafe extern \"C\" fn ")
                .or_else(|| item.strip_prefix("pub extern \"C\" fn "))
                .unwrap_or_else(|| {
                    panic!(
                        "{}: #[unsafe(no_mangle)] on something other than `pub [unsafe] extern \"C\" fn`",
                        file.display()
                    )
                });
            let open = item.find('(').unwrap();
            let name = item[..open].trim().to_string();
            let close = item.find(')').unwrap();
            let params = &item[open + 1..close];
            let body = item[close + 1..].find('{').unwrap() + close + 1;
            let ret = item[close + 1..body].trim();
            let ret = match ret.strip_prefix("->") {
                Some(r) => rust_to_c(r),
                None => "void".to_string(),
            };
            let args = params
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (_, ty) = p.split_once(':').expect("parameter without type");
                    rust_to_c(ty)
                })
                .collect();
            assert!(
                out.insert(name.clone(), (ret, args)).is_none(),
                "{name} exported twice"
            );
        }
    }
    out
}

#[test]
fn rust_types_map_to_c() {
    assert_eq!(
        rust_to_c("*const *const HashSigPublicKey"),
        "const HashSigPublicKey * const *"
    );
    assert_eq!(rust_to_c("*mut usize"), "size_t *");
    assert_eq!(rust_to_c("*const u8"), "const uint8_t *");
    assert_eq!(rust_to_c("*const *const u8"), "const uint8_t * const *");
    assert_eq!(rust_to_c("*mut HashSigKeyPair"), "HashSigKeyPair *");
    assert_eq!(rust_to_c("std::ffi::c_int"), "int");
}

#[test]
fn c_declarations_parse() {
    let dir = std::env::temp_dir().join(format!("glue-header-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let h = dir.join("t.h");
    std::fs::write(
        &h,
        "/* c */\n#include <x.h>\ntypedef struct A A;\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\
         const A *const *f(const A *const *a, size_t n); // x\nint g(void);\n#ifdef __cplusplus\n}\n#endif\n",
    )
    .unwrap();
    let s = parse_header(&h);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        s["f"],
        (
            "const A * const *".to_string(),
            vec!["const A * const *".to_string(), "size_t".to_string()]
        )
    );
    assert_eq!(s["g"], ("int".to_string(), vec![]));
}

#[test]
fn header_matches_the_exported_functions() {
    let header = parse_header(&crate_dir().join("include").join("multisig_glue.h"));
    let code = parse_rust_sources();
    assert!(code.len() >= 30, "found only {} exports", code.len());
    let mut problems = Vec::new();
    for (name, sig) in &code {
        match header.get(name) {
            None => problems.push(format!("{name}: exported but not in the header")),
            Some(h) if h != sig => problems.push(format!(
                "{name}: header {h:?} differs from the code {sig:?}"
            )),
            Some(_) => {}
        }
    }
    for name in header.keys() {
        if !code.contains_key(name) {
            problems.push(format!("{name}: in the header but not exported"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn header_declares_the_clients_abi_exactly() {
    let shared = crate_dir().join("../../../shared/abi/zeam_xmss_abi.h");
    let client = parse_header(&shared);
    let ours = parse_header(&crate_dir().join("include").join("multisig_glue.h"));
    assert_eq!(client.len(), 31, "the client's ABI has 31 functions");
    for (name, sig) in &client {
        assert_eq!(ours.get(name), Some(sig), "{name}");
    }
}
