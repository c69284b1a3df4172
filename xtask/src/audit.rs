//! `cargo xtask isa-audit`: proves from the machine code that AVX is only used where the
//! run-time dispatcher leads.
//!
//! For each requested profile the audit
//! 1. builds a release artifact with that profile (`CARGO_PROFILE_RELEASE_*` environment
//!    overrides, optional `RUSTFLAGS`) in its own target directory
//!    `target/isa-audit/<profile-name>`, so normal builds are never invalidated;
//! 2. disassembles it with `objdump -d -C -r --no-show-raw-insn` (AT&T syntax, demangled);
//! 3. classifies every function that uses AVX (ymm/zmm, mask registers, VEX/EVEX on xmm) and
//!    checks aligned vector moves and calls of out-of-line intrinsics — the rules are in
//!    [`crate::classify`];
//! 4. fails if anything breaks the rules, or if no AVX function was found inside the ISA
//!    modules of a test build (the audit would then be vacuous: the kernels were not linked).
//!
//! Artifacts: by default every test executable of the `backend` package (its unit-test binary
//! and its integration tests; the kernels are linked by `tests/kernels.rs`), or with
//! `--artifact staticlib` the static library `libmultisig_glue.a` of package `multisig-glue`.
//!
//! The self-test builds with `RUSTFLAGS=-Ctarget-cpu=x86-64-v3`, which lets the compiler use
//! AVX2 anywhere (the upstream failure mode), and succeeds only if the audit reports violations,
//! including at least one in a workspace crate.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::classify::{self, ALLOW_LIST, Policy, Summary, Violation};
use serde_json::Value;

/// Which artifact to build and disassemble.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Artifact {
    /// All test executables of package `backend`.
    BackendTests,
    /// `libmultisig_glue.a` of package `multisig-glue`.
    Staticlib,
}

/// One build configuration.
#[derive(Clone, Debug)]
pub struct Profile {
    /// `opt-level`: `0`..`3`, `s` or `z`.
    pub opt_level: String,
    /// `codegen-units`.
    pub codegen_units: u32,
    /// `lto` (`false`, `thin`, `fat`, ...), if overridden.
    pub lto: Option<String>,
    /// `panic` (`unwind`/`abort`), if overridden.
    pub panic: Option<String>,
    /// `RUSTFLAGS` for this build, if overridden.
    pub rustflags: Option<String>,
}

impl Profile {
    /// The default codegen-units for an opt-level: 1 for size-optimised builds (the
    /// upstream crash profile), 16 (cargo's release default) otherwise.
    pub fn default_cgu(opt_level: &str) -> u32 {
        if matches!(opt_level, "z" | "s") {
            1
        } else {
            16
        }
    }

    /// Directory name under `target/isa-audit/`, unique per configuration.
    pub fn dir_name(&self) -> String {
        let mut name = format!("opt-{}-cgu{}", self.opt_level, self.codegen_units);
        if let Some(lto) = &self.lto {
            name.push_str(&format!("-lto-{lto}"));
        }
        if let Some(panic) = &self.panic {
            name.push_str(&format!("-panic-{panic}"));
        }
        if let Some(flags) = &self.rustflags {
            name.push_str(&format!(
                "-rustflags-{:08x}",
                fnv1a(flags.as_bytes()) as u32
            ));
        }
        name
    }
}

/// FNV-1a, to give each set of `RUSTFLAGS` its own short target-directory suffix.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Everything the audit needs to know.
#[derive(Clone, Debug)]
pub struct Options {
    /// What to build.
    pub artifact: Artifact,
    /// Build configurations, audited in order.
    pub profiles: Vec<Profile>,
    /// Succeed only if violations are found (for planted violations).
    pub expect_violations: bool,
    /// Require a violation in a workspace crate too (the self-test).
    pub expect_own_violation: bool,
    /// `cargo --jobs`, if given.
    pub jobs: Option<u32>,
    /// Parent of the per-profile target directories (default `target/isa-audit`); relative
    /// paths are relative to the workspace root. Lets `scripts/glue-matrix.sh` audit the very
    /// builds it tests (same directory and profile variables, so cargo rebuilds nothing).
    pub target_root: Option<PathBuf>,
}

/// The outcome of one profile.
struct ProfileResult {
    name: String,
    build: Duration,
    disasm: Duration,
    ok: bool,
}

/// Runs the audit; returns whether it passed.
pub fn run(opts: &Options) -> Result<bool, String> {
    let root = workspace_root();
    let policy = workspace_policy(&root)?;
    let objdump = std::env::var("OBJDUMP").unwrap_or_else(|_| "objdump".to_string());
    check_tool(&objdump)?;
    eprintln!(
        "isa-audit: workspace crates: {}",
        policy
            .workspace_crates
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut results = Vec::new();
    for profile in &opts.profiles {
        results.push(audit_profile(opts, profile, &root, &policy, &objdump)?);
    }
    eprintln!("\nisa-audit: summary");
    for r in &results {
        eprintln!(
            "  {:<40} build {:>6.1} s   disassemble+scan {:>5.1} s   {}",
            r.name,
            r.build.as_secs_f64(),
            r.disasm.as_secs_f64(),
            if r.ok { "PASS" } else { "FAIL" }
        );
    }
    Ok(results.iter().all(|r| r.ok))
}

fn audit_profile(
    opts: &Options,
    profile: &Profile,
    root: &Path,
    policy: &Policy,
    objdump: &str,
) -> Result<ProfileResult, String> {
    let name = profile.dir_name();
    let target_dir = match &opts.target_root {
        Some(dir) => root.join(dir),
        None => root.join("target").join("isa-audit"),
    }
    .join(&name);
    eprintln!(
        "\n==== isa-audit: {name}: building {} (opt-level={}, codegen-units={}{}{}{}) in {}",
        match opts.artifact {
            Artifact::BackendTests => "the backend test executables",
            Artifact::Staticlib => "libmultisig_glue.a",
        },
        profile.opt_level,
        profile.codegen_units,
        profile
            .lto
            .as_ref()
            .map(|l| format!(", lto={l}"))
            .unwrap_or_default(),
        profile
            .panic
            .as_ref()
            .map(|p| format!(", panic={p}"))
            .unwrap_or_default(),
        match &profile.rustflags {
            Some(f) => format!(", RUSTFLAGS={f:?}"),
            None => match std::env::var("RUSTFLAGS") {
                Ok(f) => format!(", inherited RUSTFLAGS={f:?}"),
                Err(_) => String::new(),
            },
        },
        target_dir.display()
    );
    let start = Instant::now();
    let files = build(opts, profile, root, &target_dir)?;
    let build_time = start.elapsed();
    eprintln!(
        "isa-audit: {name}: build took {:.1} s",
        build_time.as_secs_f64()
    );

    let start = Instant::now();
    let mut total = Summary {
        allowed_simd: vec![BTreeSet::new(); ALLOW_LIST.len()],
        ..Summary::default()
    };
    let mut violations: Vec<(PathBuf, Violation)> = Vec::new();
    let mut unproven: Vec<(String, usize, classify::Sample)> = Vec::new();
    for file in &files {
        let text = disassemble(objdump, file)?;
        let funcs = classify::parse_objdump(&text);
        let s = classify::audit(policy, &funcs);
        eprintln!(
            "isa-audit: {name}: {}: {} functions, {} AVX functions in ISA modules, {} out-of-line \
             intrinsics, {} allow-listed, {} violations",
            relative(file, root),
            s.functions,
            s.isa_simd.len(),
            s.core_arch_simd.len(),
            s.allowed_simd.iter().map(BTreeSet::len).sum::<usize>(),
            s.violations.len()
        );
        total.functions += s.functions;
        total.isa_simd.extend(s.isa_simd);
        total.core_arch_simd.extend(s.core_arch_simd);
        for (all, these) in total.allowed_simd.iter_mut().zip(s.allowed_simd) {
            all.extend(these);
        }
        violations.extend(s.violations.into_iter().map(|v| (file.clone(), v)));
        for u in s.unproven {
            if !unproven.iter().any(|(f, ..)| *f == u.0) {
                unproven.push(u);
            }
        }
    }
    if !unproven.is_empty() {
        eprintln!(
            "isa-audit: {name}: warning: {} function(s) of ours make aligned vector moves through \
             registers the scan could not trace (not caller pointers: those are violations); \
             they address the compiler's own temporaries, and the test run below checks them",
            unproven.len()
        );
        for (func, count, sample) in unproven.iter().take(12) {
            eprintln!(
                "    {func}: {count} move(s), first at {}: {}",
                sample.addr, sample.text
            );
        }
    }
    let disasm_time = start.elapsed();

    // Our crates first: those are the findings that matter (and that the self-test needs).
    let is_ours = |v: &Violation| policy.classify(v.func()) == classify::Class::OurOther;
    violations.sort_by_key(|(_, v)| !is_ours(v));
    let own_violations = violations.iter().filter(|(_, v)| is_ours(v)).count();
    report(&name, &total, &violations, own_violations, root);
    let own_violation = own_violations > 0;
    let ok = if opts.expect_violations {
        let ok = !violations.is_empty() && (own_violation || !opts.expect_own_violation);
        if ok {
            eprintln!(
                "isa-audit: {name}: PASS: violations were expected and {} were found, {} of \
                 them in workspace crates",
                violations.len(),
                own_violations
            );
        } else if violations.is_empty() {
            eprintln!("isa-audit: {name}: FAIL: violations were expected but none were found");
        } else {
            eprintln!(
                "isa-audit: {name}: FAIL: violations were expected in workspace crates, but only \
                 foreign ones were found"
            );
        }
        ok
    } else if !violations.is_empty() {
        eprintln!(
            "isa-audit: {name}: FAIL: {} violation(s) of the dispatch rules",
            violations.len()
        );
        false
    } else if total.isa_simd.is_empty() && opts.artifact == Artifact::BackendTests {
        eprintln!(
            "isa-audit: {name}: FAIL: no AVX function found in any ISA module; the kernels \
             were not linked into the audited binaries, so the audit proves nothing"
        );
        false
    } else {
        if total.isa_simd.is_empty() {
            eprintln!(
                "isa-audit: {name}: note: no AVX kernels in this artifact (nothing exported yet)"
            );
        }
        run_tests(&name, opts, &files)?
    };
    Ok(ProfileResult {
        name,
        build: build_time,
        disasm: disasm_time,
        ok,
    })
}

/// Runs the audited test executables (backend tests only), so the exact machine code that was
/// disassembled is also executed: the kernel tests pass slices at unaligned offsets on every
/// ISA, so an aligned move on caller memory would fault here. Returns the verdict.
fn run_tests(name: &str, opts: &Options, files: &[PathBuf]) -> Result<bool, String> {
    if opts.artifact != Artifact::BackendTests {
        eprintln!("isa-audit: {name}: PASS");
        return Ok(true);
    }
    let start = Instant::now();
    for file in files {
        let status = Command::new(file)
            .arg("--quiet")
            .status()
            .map_err(|e| format!("cannot run {}: {e}", file.display()))?;
        if !status.success() {
            eprintln!(
                "isa-audit: {name}: FAIL: the audited test binary {} failed ({status})",
                file.display()
            );
            return Ok(false);
        }
    }
    eprintln!(
        "isa-audit: {name}: PASS (and the {} audited test binaries passed in {:.1} s)",
        files.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(true)
}

/// Prints the classification totals and the violations of one profile.
fn report(
    name: &str,
    total: &Summary,
    violations: &[(PathBuf, Violation)],
    own_violations: usize,
    root: &Path,
) {
    eprintln!(
        "isa-audit: {name}: scanned {} functions; AVX functions: {} in ISA modules, {} \
         out-of-line core_arch intrinsics, {} allow-listed",
        total.functions,
        total.isa_simd.len(),
        total.core_arch_simd.len(),
        total.allowed_simd.iter().map(BTreeSet::len).sum::<usize>()
    );
    for f in &total.core_arch_simd {
        eprintln!("    out-of-line intrinsic: {f}");
    }
    for (entry, funcs) in ALLOW_LIST.iter().zip(&total.allowed_simd) {
        if !funcs.is_empty() {
            eprintln!(
                "    allow-list `{}` ({} function(s)): {}",
                entry.prefix,
                funcs.len(),
                entry.reason
            );
            for f in funcs {
                eprintln!("        {f}");
            }
        }
    }
    // Every violation in our crates, and a sample of the foreign ones.
    let shown = own_violations + 40;
    for (file, v) in violations.iter().take(shown) {
        let mut file = relative(file, root);
        if let Some(member) = v.member() {
            file = format!("{file}({member})");
        }
        match v {
            Violation::SimdOutside {
                func,
                count,
                sample,
                ..
            } => eprintln!(
                "  VIOLATION: AVX outside the ISA modules: {func}\n      in {file}: {count} AVX \
                 instruction(s), first at {}: {}",
                sample.addr, sample.text
            ),
            Violation::AlignedMove {
                func,
                count,
                sample,
                ..
            } => eprintln!(
                "  VIOLATION: aligned vector move on a caller-provided pointer: {func}\n      in \
                 {file}: {count} such move(s), first at {}: {}",
                sample.addr, sample.text
            ),
            Violation::IntrinsicCall { func, callees, .. } => eprintln!(
                "  VIOLATION: out-of-line AVX intrinsics called outside the ISA modules (a \
                 generic kernel was not inlined into its entry point): {func}\n      in {file}: \
                 calls {} of them, e.g. {}",
                callees.len(),
                callees[..callees.len().min(3)].join(", ")
            ),
        }
    }
    if violations.len() > shown {
        eprintln!("  ... and {} more violation(s)", violations.len() - shown);
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// The `cargo` to run: the one that ran us, if any.
fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
}

/// Reads the workspace's crate (target) names from `cargo metadata`.
fn workspace_policy(root: &Path) -> Result<Policy, String> {
    let out = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err("cargo metadata failed".to_string());
    }
    let meta = serde_json::from_slice::<Value>(&out.stdout)
        .map_err(|e| format!("cargo metadata printed invalid JSON: {e}"))?;
    let mut crates = BTreeSet::new();
    for pkg in meta
        .get("packages")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
    {
        for target in pkg
            .get("targets")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
        {
            if let Some(name) = target.get("name").and_then(Value::as_str) {
                crates.insert(name.replace('-', "_"));
            }
        }
    }
    if crates.is_empty() {
        return Err("cargo metadata listed no workspace targets".to_string());
    }
    Ok(Policy {
        workspace_crates: crates,
    })
}

fn check_tool(objdump: &str) -> Result<(), String> {
    match Command::new(objdump).arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err(format!(
            "`{objdump}` not found: install GNU binutils (or point OBJDUMP at an objdump that \
             prints AT&T syntax and understands -C)"
        )),
    }
}

/// Builds the artifact and returns the files to disassemble.
fn build(
    opts: &Options,
    profile: &Profile,
    root: &Path,
    target_dir: &Path,
) -> Result<Vec<PathBuf>, String> {
    let mut cmd = cargo();
    match opts.artifact {
        Artifact::BackendTests => {
            cmd.args(["test", "--package", "backend", "--release", "--no-run"])
        }
        Artifact::Staticlib => cmd.args(["build", "--package", "multisig-glue", "--release"]),
    };
    cmd.arg("--message-format=json-render-diagnostics")
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(root)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", &profile.opt_level)
        .env(
            "CARGO_PROFILE_RELEASE_CODEGEN_UNITS",
            profile.codegen_units.to_string(),
        )
        // Names only; keeps the artifacts small and objdump's output unambiguous.
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(jobs) = opts.jobs {
        cmd.arg("--jobs").arg(jobs.to_string());
    }
    if let Some(lto) = &profile.lto {
        cmd.env("CARGO_PROFILE_RELEASE_LTO", lto);
    }
    if let Some(panic) = &profile.panic {
        cmd.env("CARGO_PROFILE_RELEASE_PANIC", panic);
    }
    if let Some(flags) = &profile.rustflags {
        cmd.env("RUSTFLAGS", flags)
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS");
    }
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("the audit build failed ({})", out.status));
    }
    let mut files = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if !line.starts_with('{') {
            continue;
        }
        let msg = serde_json::from_str::<Value>(line)
            .map_err(|e| format!("cargo printed invalid JSON: {e}"))?;
        if msg.get("reason").and_then(Value::as_str) != Some("compiler-artifact") {
            continue;
        }
        let target = msg.get("target");
        let name = target.and_then(|t| t.get("name")).and_then(Value::as_str);
        match opts.artifact {
            Artifact::BackendTests => {
                let is_test = msg
                    .get("profile")
                    .and_then(|p| p.get("test"))
                    .and_then(Value::as_bool)
                    == Some(true);
                let manifest = msg.get("manifest_path").and_then(Value::as_str);
                let ours = manifest.is_some_and(|m| {
                    Path::new(m) == root.join("crates").join("backend").join("Cargo.toml")
                });
                if let (true, true, Some(exe)) =
                    (is_test, ours, msg.get("executable").and_then(Value::as_str))
                {
                    files.push(PathBuf::from(exe));
                }
            }
            Artifact::Staticlib => {
                if name == Some("multisig_glue") {
                    let names = msg
                        .get("filenames")
                        .and_then(Value::as_array)
                        .map_or(&[][..], Vec::as_slice);
                    files.extend(
                        names
                            .iter()
                            .filter_map(Value::as_str)
                            .filter(|f| f.ends_with(".a"))
                            .map(PathBuf::from),
                    );
                }
            }
        }
    }
    if files.is_empty() {
        return Err("the build produced no artifact to audit".to_string());
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Disassembles `file` (an executable or a static archive), demangled, with relocations.
fn disassemble(objdump: &str, file: &Path) -> Result<String, String> {
    let out = Command::new(objdump)
        .args(["-d", "-C", "-r", "-w", "--no-show-raw-insn"])
        .arg(file)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {objdump}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{objdump} failed on {}", file.display()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn relative(file: &Path, root: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}
