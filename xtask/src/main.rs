//! Repository automation, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! Commands:
//! * `isa-audit`: builds release artifacts with given profiles, disassembles them and checks
//!   that AVX code appears only in the ISA modules reached through the run-time dispatcher
//!   (see [`audit`] for the procedure and [`classify`] for the exact rules).
//!
//! Its only dependency is `serde_json` (to read `cargo metadata` and cargo's JSON messages),
//! so that `cargo xtask` compiles in seconds.

#![forbid(unsafe_code)]

mod audit;
mod classify;

use audit::{Artifact, Options, Profile};

const HELP: &str = "\
cargo xtask isa-audit [OPTIONS]

Builds release artifacts, disassembles them with objdump and fails if AVX code (ymm/zmm
registers, AVX-512 mask registers k0-k7, VEX/EVEX instructions on xmm) appears outside the
ISA-specific modules, or if aligned vector moves touch non-stack memory in our code.

Inside (allowed to use AVX):
  * functions of workspace crates with a module segment named exactly `avx2` or `avx512`
    (backend::simd::avx2::..., backend::simd::avx512::..., and future ISA modules of other
    workspace crates); generic arguments are ignored, so a generic kernel that failed to
    inline shows up under its own path (e.g. backend::generic::base::binary) and is reported;
  * out-of-line intrinsic wrappers core::core_arch::x86{,_64}::* (they carry their own
    #[target_feature]); calling one from outside an ISA module is a violation (a generic
    kernel was not inlined into its entry point);
  * a short allow-list of foreign functions with their own run-time CPU detection (std's
    memchr and compiler_builtins' fma in the staticlib; rand_chacha/chacha20, test-only
    dependencies); it never applies to workspace crates and is printed with every run.
Aligned moves (vmovdqa/vmovdqa32/vmovdqa64/vmovaps/vmovapd and the non-temporal vmovnt*)
with a memory operand are violations in workspace crates unless the base register is %rsp
(stack slot), %rip (constant pool) or %rbp in a function that set it up as frame pointer.

OPTIONS:
  --artifact <tests|staticlib>  tests (default): every test executable of package backend;
                                staticlib: libmultisig_glue.a of package multisig-glue
  --opt-level <0|1|2|3|s|z>     profile opt-level; may be repeated (default: z, then 3)
  --codegen-units <N>           codegen-units (default: 1 for z/s, 16 otherwise)
  --lto <false|thin|fat|off>    override the release profile's lto
  --panic <unwind|abort>        override the release profile's panic strategy
  --rustflags <FLAGS>           RUSTFLAGS for the audited build (default: inherited)
  --expect-violations           invert the verdict: succeed only if violations are found
  --self-test                   planted violation: build with RUSTFLAGS=-Ctarget-cpu=x86-64-v3
                                (opt-level z unless given) and succeed only if violations are
                                found, including in a workspace crate
  -j, --jobs <N>                cargo --jobs for the audited builds
  --target-root <DIR>           build in DIR/<configuration> instead of
                                target/isa-audit/<configuration> (relative to the workspace
                                root); scripts/glue-matrix.sh audits its own builds this way
  -h, --help                    this text

Each configuration builds in target/isa-audit/<opt-LEVEL-cguN[-lto-..][-panic-..]
[-rustflags-HASH]>, so normal builds are untouched. OBJDUMP overrides the objdump binary.
Exit status: 0 pass, 1 audit failed, 2 usage or tool error.
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("isa-audit") => match parse_isa_audit(&args[1..]) {
            Ok(None) => {
                print!("{HELP}");
                0
            }
            Ok(Some(opts)) => match audit::run(&opts) {
                Ok(true) => 0,
                Ok(false) => 1,
                Err(e) => {
                    eprintln!("isa-audit: error: {e}");
                    2
                }
            },
            Err(e) => {
                eprintln!("isa-audit: {e}\n\n{HELP}");
                2
            }
        },
        Some("-h" | "--help" | "help") | None => {
            print!("cargo xtask <COMMAND>\n\nCOMMANDS:\n  isa-audit   see below\n\n{HELP}");
            0
        }
        Some(other) => {
            eprintln!("xtask: unknown command {other:?}; try `cargo xtask --help`");
            2
        }
    };
    std::process::exit(code);
}

/// Parses the options of `isa-audit`; `Ok(None)` means `--help`.
fn parse_isa_audit(args: &[String]) -> Result<Option<Options>, String> {
    let mut artifact = Artifact::BackendTests;
    let mut opt_levels: Vec<String> = Vec::new();
    let mut cgu: Option<u32> = None;
    let mut lto = None;
    let mut panic = None;
    let mut rustflags = None;
    let mut expect_violations = false;
    let mut self_test = false;
    let mut jobs = None;
    let mut target_root = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        // Accept both `--opt value` and `--opt=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--artifact" => {
                artifact = match value()?.as_str() {
                    "tests" | "test" => Artifact::BackendTests,
                    "staticlib" => Artifact::Staticlib,
                    other => return Err(format!("unknown artifact {other:?}")),
                }
            }
            "--opt-level" => {
                let v = value()?;
                if !matches!(v.as_str(), "0" | "1" | "2" | "3" | "s" | "z") {
                    return Err(format!("invalid opt-level {v:?}"));
                }
                opt_levels.push(v);
            }
            "--codegen-units" => cgu = Some(parse_positive(flag, &value()?)?),
            "--lto" => lto = Some(value()?),
            "--panic" => panic = Some(value()?),
            "--rustflags" => rustflags = Some(value()?),
            "--expect-violations" => expect_violations = true,
            "--self-test" => self_test = true,
            "-j" | "--jobs" => jobs = Some(parse_positive(flag, &value()?)?),
            "--target-root" => target_root = Some(std::path::PathBuf::from(value()?)),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if self_test {
        if rustflags.is_some() {
            return Err("--self-test sets its own --rustflags".to_string());
        }
        rustflags = Some("-Ctarget-cpu=x86-64-v3".to_string());
        expect_violations = true;
    }
    if opt_levels.is_empty() {
        opt_levels = if self_test {
            vec!["z".to_string()]
        } else {
            vec!["z".to_string(), "3".to_string()]
        };
    }
    let profiles = opt_levels
        .into_iter()
        .map(|opt_level| Profile {
            codegen_units: cgu.unwrap_or_else(|| Profile::default_cgu(&opt_level)),
            opt_level,
            lto: lto.clone(),
            panic: panic.clone(),
            rustflags: rustflags.clone(),
        })
        .collect();
    Ok(Some(Options {
        artifact,
        profiles,
        expect_violations,
        expect_own_violation: self_test,
        jobs,
        target_root,
    }))
}

fn parse_positive(flag: &str, v: &str) -> Result<u32, String> {
    match v.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag} needs a positive integer, got {v:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_isa_audit(&args).unwrap().unwrap()
    }

    #[test]
    fn defaults_are_z_and_3() {
        let o = parse(&[]);
        let p: Vec<(&str, u32)> = o
            .profiles
            .iter()
            .map(|p| (p.opt_level.as_str(), p.codegen_units))
            .collect();
        assert_eq!(p, [("z", 1), ("3", 16)]);
        assert!(!o.expect_violations);
        assert_eq!(o.profiles[0].dir_name(), "opt-z-cgu1");
    }

    #[test]
    fn self_test_plants_target_cpu() {
        let o = parse(&["--self-test", "--jobs=1"]);
        assert!(o.expect_violations && o.expect_own_violation);
        assert_eq!(o.jobs, Some(1));
        assert_eq!(o.profiles.len(), 1);
        assert_eq!(
            o.profiles[0].rustflags.as_deref(),
            Some("-Ctarget-cpu=x86-64-v3")
        );
        assert!(
            o.profiles[0]
                .dir_name()
                .starts_with("opt-z-cgu1-rustflags-")
        );
    }

    #[test]
    fn explicit_options() {
        let o = parse(&[
            "--artifact",
            "staticlib",
            "--opt-level",
            "s",
            "--codegen-units",
            "4",
            "--lto=fat",
            "--target-root",
            "target/glue-matrix",
        ]);
        assert_eq!(o.artifact, Artifact::Staticlib);
        assert_eq!(
            o.target_root.as_deref(),
            Some(std::path::Path::new("target/glue-matrix"))
        );
        assert_eq!(o.profiles[0].dir_name(), "opt-s-cgu4-lto-fat");
        let bad: Vec<String> = vec!["--opt-level".into(), "4".into()];
        assert!(parse_isa_audit(&bad).is_err());
    }
}
