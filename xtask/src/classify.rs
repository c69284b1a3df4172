//! Parsing `objdump -d -C -r --no-show-raw-insn` output (AT&T syntax) into per-function
//! facts, and classifying functions against the dispatch rules.
//!
//! Everything here is pure text processing, so it is unit-tested on handcrafted snippets.
//!
//! # What counts as SIMD ("AVX") code
//! An instruction is AVX code if it names a `ymm` or `zmm` register or an AVX-512 mask
//! register `k0`-`k7`, or if it is a VEX/EVEX instruction on `xmm` registers (mnemonic starting
//! with `v`, e.g. `vpaddd %xmm1,%xmm2,%xmm3`), or `vzeroupper`/`vzeroall`. All of these fault
//! (`#UD`) on a CPU without AVX, so all of them must be reached only through the dispatcher.
//!
//! # What counts as inside
//! A function's *primary path* is its demangled name with generic arguments removed and, for
//! `<Type as Trait>::item`, the self type's path followed by `item`. Then, in this order:
//! 1. If the first path segment is a crate of this workspace (library, binary, test, bench
//!    and example targets, as `cargo metadata` reports them), the function is *ours*: it is
//!    inside only if a module segment (not the function name itself) is exactly `avx2` or
//!    `avx512`, e.g. `backend::simd::avx2::base::mul`. The allow-list is never consulted for
//!    our crates, so it cannot hide our code.
//! 2. Otherwise, `core::core_arch::x86::*` / `core::core_arch::x86_64::*`: intrinsic wrappers
//!    that the compiler emitted out of line (they carry their own `#[target_feature]`).
//! 3. Otherwise, an entry of [`ALLOW_LIST`]: a narrow prefix of a foreign function name
//!    (the standard library's own run-time dispatched code, or a dependency's), with a reason.
//! 4. Anything else using AVX is a violation.
//!
//! Rust's legacy symbol mangling (the default for our crates) drops generic arguments, so a
//! generic kernel `backend::generic::base::binary::<Avx2, AddOp>` that was *not* inlined into
//! its ISA entry point is named `backend::generic::base::binary` and classified as ours, outside
//! any ISA module. Compiled without the entry point's target features it usually contains no
//! AVX instruction itself but *calls* the out-of-line intrinsic wrappers; such calls from
//! outside an ISA module are reported too ([`Violation::IntrinsicCall`]).
//!
//! # Aligned vector moves
//! In our functions (and in out-of-line `core_arch` wrappers, which only exist when someone
//! calls them) every VEX/EVEX aligned move with a memory operand (`vmovdqa`, `vmovdqa32`,
//! `vmovdqa64`, `vmovaps`, `vmovapd`, and the non-temporal `vmovntdq`, `vmovntdqa`,
//! `vmovntps`, `vmovntpd`, which also require alignment) is a violation, except when the
//! address is compiler-controlled:
//! * base register `%rsp`: stack slots; the compiler realigns the frame itself
//!   (`and $-32,%rsp`) before using 32/64-byte aligned slots;
//! * base register `%rip`: the compiler's own constant pool, emitted with the alignment the
//!   instruction needs;
//! * base register `%rbp`, only in a function that made it its frame pointer
//!   (`mov %rsp,%rbp` earlier in the function). Without frame pointers `%rbp` is an ordinary
//!   register that may hold a caller's (possibly unaligned) pointer, so it is not exempt then;
//! * a general register that holds a compiler-owned address: set by `lea disp(%rsp...),%reg`
//!   or `lea disp(%rip),%reg` (a constant table the compiler laid out and aligned),
//!   `mov %rsp,%reg` (or the same from the frame pointer, or from another such register), kept
//!   through `add`/`sub` pointer arithmetic, and forgotten when anything else writes it or a
//!   call clobbers it. This is how the compiler addresses its own arrays of vectors (a
//!   Poseidon state `[__m256i; 24]` indexed in a loop) in a realigned frame. The tracking is a
//!   linear scan in address order, not a control-flow analysis: a register that is a stack
//!   pointer on one path and a caller's pointer on another could be missed, which is why it
//!   only ever *exempts* moves whose base was provably derived from the stack just before.
//!
//! An aligned move through a register that still holds an incoming pointer argument (or an
//! address derived from one by moves, `lea` and additions) is a violation: that is caller
//! memory, the upstream crash. A move whose base the linear scan can trace neither way (for
//! example a pointer returned by an out-of-line slice helper, which opt-level `z` produces
//! for arrays of vectors) is listed as a warning: no reference to a vector type ever points
//! into caller memory in our source (rule 6 of `docs/dispatch.md`), so such addresses are the
//! compiler's own, and the audit backs that with a run-time check: it executes the test
//! binaries it disassembled, whose kernel tests use slices at unaligned offsets on every ISA.
//!
//! Out-of-line `core_arch` wrappers are not checked for aligned moves: the Rust ABI passes
//! their vector arguments by reference to temporaries the caller created with the vector
//! type's alignment, so their `vmovdqa (%rdi)` reads compiler-aligned memory. Calling such a
//! wrapper from our code is reported anyway (see above).
//!
//! Register-to-register forms (`vmovdqa %ymm1,%ymm2`) never fault and are ignored.

use std::collections::BTreeSet;

/// One allow-list entry: functions outside our crates whose AVX use is known to be guarded
/// by their own run-time detection.
#[derive(Debug)]
pub struct Allow {
    /// Prefix of the demangled function name (as printed by `objdump -C`).
    pub prefix: &'static str,
    /// Why this is safe.
    pub reason: &'static str,
}

/// Foreign functions that are allowed to use AVX. Keep every entry as narrow as possible
/// and explain it; entries never apply to functions of workspace crates.
pub const ALLOW_LIST: &[Allow] = &[
    Allow {
        // v0-mangled (`<Type>::method`): only the standard library's copy matches.
        prefix: "<memchr::arch::x86_64::avx2::",
        reason: "std's private copy of memchr (a backtrace-symbolization dependency of std): \
                 AVX2 substring search selected at run time with is_x86_feature_detected; \
                 present in the staticlib, which bundles all of std",
    },
    Allow {
        prefix: "memchr::arch::x86_64::",
        reason: "memchr 2 from crates.io (test-only, via serde_json in the vector-reading \
                 tests): selects its AVX2 routines at run time with is_x86_feature_detected",
    },
    Allow {
        prefix: "memchr::vector::",
        reason: "memchr 2 from crates.io (test-only): the generic vector helpers of its \
                 run-time-selected AVX2 routines",
    },
    Allow {
        prefix: "compiler_builtins::math::libm_math::arch::x86::fma::",
        reason: "compiler_builtins (shipped with std): fma/fmaf use FMA or FMA4 only after \
                 a run-time CPUID check; present in the staticlib",
    },
    Allow {
        prefix: "rand_chacha::guts::refill_wide::impl_avx",
        reason: "rand_chacha 0.9 (test-only dependency via proptest/rand 0.9): ppv-lite86 \
                 dispatch generates #[target_feature] impl_avx/impl_avx2 variants selected \
                 at run time",
    },
    Allow {
        prefix: "rand_chacha::guts::init_chacha::impl_avx",
        reason: "rand_chacha 0.9 (test-only dependency): run-time dispatched like refill_wide",
    },
    Allow {
        prefix: "chacha20::backends::avx2::",
        reason: "chacha20 0.10 (test-only dependency via rand 0.10): AVX2 backend selected \
                 at run time with cpufeatures",
    },
];

/// An instruction quoted in a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Address as printed by objdump (hex, no `0x`).
    pub addr: String,
    /// Mnemonic and operands.
    pub text: String,
}

/// What one disassembled function does that matters to the audit.
#[derive(Clone, Debug, Default)]
pub struct Function {
    /// Demangled name.
    pub name: String,
    /// Archive member (object file) the function came from, for static libraries.
    pub member: Option<String>,
    /// Number of instructions.
    pub insns: usize,
    /// Number of AVX instructions (see the module docs).
    pub simd_insns: usize,
    /// The first AVX instruction.
    pub simd_sample: Option<Sample>,
    /// Aligned vector moves through a register that still holds (something derived from) an
    /// incoming pointer argument: caller memory, whose alignment nobody promised.
    pub aligned_moves: Vec<Sample>,
    /// Aligned vector moves whose base the linear scan can neither trace to the stack or the
    /// constant pool nor to an argument (e.g. a pointer returned by an out-of-line helper at
    /// opt-level `z`). Reported as warnings; see the module docs.
    pub unproven_moves: Vec<Sample>,
    /// Names of the functions this one calls or tail-calls (other than itself).
    pub calls: BTreeSet<String>,
    /// Whether `mov %rsp,%rbp` has been seen (the function uses `%rbp` as frame pointer).
    frame_pointer: bool,
    /// General registers currently known to hold a stack address (64-bit names).
    stack_regs: BTreeSet<String>,
    /// General registers currently known to hold an incoming pointer argument or a value
    /// derived from one by moves and additions (64-bit names).
    arg_regs: BTreeSet<String>,
    /// Whether the last instruction was a call/jmp waiting for its relocation line.
    pending_branch: bool,
}

/// Parses objdump output into functions. Lines that are neither function headers,
/// instructions nor relocations (file headers, section titles, blank lines) are skipped.
pub fn parse_objdump(text: &str) -> Vec<Function> {
    let mut funcs: Vec<Function> = Vec::new();
    let mut in_archive = false;
    let mut member: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("In archive ") {
            in_archive = true;
        } else if let Some((file, _)) = line.split_once(":     file format ") {
            member = in_archive.then(|| file.to_string());
        } else if let Some(name) = function_header(line) {
            funcs.push(Function {
                name: name.to_string(),
                member: member.clone(),
                arg_regs: ARGUMENT_REGS.iter().map(|r| r.to_string()).collect(),
                ..Function::default()
            });
        } else if let Some(f) = funcs.last_mut() {
            if let Some(target) = relocation_target(line) {
                // Without `-w`, a relocation gets its own line after the instruction.
                if f.pending_branch {
                    f.add_call(target);
                }
                f.pending_branch = false;
            } else if let Some((addr, insn)) = instruction(line) {
                // With `-w`, relocations follow the instruction on the same line, tab-separated.
                let (code, relocs) = insn.split_once('\t').unwrap_or((insn, ""));
                f.add_instruction(addr, code);
                let parts: Vec<&str> = relocs.split('\t').collect();
                for pair in parts.chunks(2) {
                    if let Some(target) = relocation_target(&pair.join("\t"))
                        && f.pending_branch
                    {
                        f.add_call(target);
                    }
                }
            }
        }
    }
    funcs
}

/// `0000000000032df0 <name>:` -> `name`.
fn function_header(line: &str) -> Option<&str> {
    let (addr, rest) = line.split_once(' ')?;
    if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    rest.strip_prefix('<')?.strip_suffix(">:")
}

/// `   32df0:\txor    %ebp,%ebp` -> (`32df0`, `xor    %ebp,%ebp`).
fn instruction(line: &str) -> Option<(&str, &str)> {
    let (addr, insn) = line.trim_start().split_once(":\t")?;
    (!addr.is_empty() && addr.bytes().all(|b| b.is_ascii_hexdigit())).then_some((addr, insn))
}

/// `\t\t\t5: R_X86_64_PLT32\tfoo::bar-0x4` -> `foo::bar`.
fn relocation_target(line: &str) -> Option<&str> {
    let (addr, rest) = line.trim_start().split_once(": R_X86_64_")?;
    if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let (_, sym) = rest.split_once(char::is_whitespace)?;
    let sym = sym.trim_start();
    Some(strip_offset(
        sym.split('\t').next().unwrap_or(sym).trim_end(),
    ))
}

/// Removes a trailing `+0x1f`/`-0x4` offset and an `@plt` suffix from a symbol reference.
fn strip_offset(sym: &str) -> &str {
    let sym = match sym.rfind(['+', '-']) {
        Some(i) if sym[i + 1..].starts_with("0x") => &sym[..i],
        _ => sym,
    };
    sym.strip_suffix("@plt").unwrap_or(sym)
}

/// Instruction prefixes objdump prints before the mnemonic.
const PREFIXES: &[&str] = &[
    "lock", "rep", "repz", "repnz", "repe", "repne", "notrack", "bnd", "data16", "addr32", "cs",
    "ds", "es", "ss", "fs", "gs", "xacquire", "xrelease", "{vex}", "{evex}", "{vex3}",
];

/// Splits an instruction into mnemonic and operands (comment after `#` removed).
pub fn split_instruction(insn: &str) -> (&str, &str) {
    let code = insn.split_once('#').map_or(insn, |(c, _)| c).trim();
    let mut rest = code;
    loop {
        let (word, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if PREFIXES.contains(&word) && !tail.is_empty() {
            rest = tail.trim_start();
        } else {
            return (word, tail.trim());
        }
    }
}

/// Whether the instruction is AVX code (see the module docs).
pub fn is_avx(mnemonic: &str, operands: &str) -> bool {
    if mnemonic == "vzeroupper" || mnemonic == "vzeroall" {
        return true;
    }
    if operands.contains("%ymm") || operands.contains("%zmm") || has_mask_register(operands) {
        return true;
    }
    mnemonic.starts_with('v') && operands.contains("%xmm")
}

/// `%k0`..`%k7` as a whole register name.
fn has_mask_register(operands: &str) -> bool {
    operands.match_indices("%k").any(|(i, _)| {
        let tail = &operands.as_bytes()[i + 2..];
        matches!(tail.first(), Some(b'0'..=b'7'))
            && !tail.get(1).is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// Aligned vector moves: they fault on an address that is not a multiple of the vector size.
const ALIGNED_MOVES: &[&str] = &[
    "vmovdqa",
    "vmovdqa32",
    "vmovdqa64",
    "vmovaps",
    "vmovapd",
    "vmovntdq",
    "vmovntdqa",
    "vmovntps",
    "vmovntpd",
];

/// Registers that carry the first six integer/pointer arguments (System V x86-64).
const ARGUMENT_REGS: &[&str] = &["%rdi", "%rsi", "%rdx", "%rcx", "%r8", "%r9"];

/// Registers a call may overwrite (System V x86-64).
const CALLER_SAVED: &[&str] = &[
    "%rax", "%rcx", "%rdx", "%rsi", "%rdi", "%r8", "%r9", "%r10", "%r11",
];

/// The 64-bit name of a general-purpose register operand (`%r12d` -> `%r12`, `%eax` ->
/// `%rax`), or `None` if the operand is not a general-purpose register.
fn gpr64(op: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &[&str])] = &[
        ("%rax", &["%rax", "%eax", "%ax", "%al"]),
        ("%rbx", &["%rbx", "%ebx", "%bx", "%bl"]),
        ("%rcx", &["%rcx", "%ecx", "%cx", "%cl"]),
        ("%rdx", &["%rdx", "%edx", "%dx", "%dl"]),
        ("%rsi", &["%rsi", "%esi", "%si", "%sil"]),
        ("%rdi", &["%rdi", "%edi", "%di", "%dil"]),
        ("%rbp", &["%rbp", "%ebp", "%bp", "%bpl"]),
        ("%r8", &["%r8", "%r8d", "%r8w", "%r8b"]),
        ("%r9", &["%r9", "%r9d", "%r9w", "%r9b"]),
        ("%r10", &["%r10", "%r10d", "%r10w", "%r10b"]),
        ("%r11", &["%r11", "%r11d", "%r11w", "%r11b"]),
        ("%r12", &["%r12", "%r12d", "%r12w", "%r12b"]),
        ("%r13", &["%r13", "%r13d", "%r13w", "%r13b"]),
        ("%r14", &["%r14", "%r14d", "%r14w", "%r14b"]),
        ("%r15", &["%r15", "%r15d", "%r15w", "%r15b"]),
    ];
    NAMES
        .iter()
        .find(|(_, aliases)| aliases.contains(&op))
        .map(|(name, _)| *name)
}

/// The base register of the memory operand (`-0x20(%rsp,%rax,4)` -> `%rsp`), `Some("")` for
/// an absolute or index-only address, `None` when there is no memory operand.
fn memory_base(operands: &str) -> Option<&str> {
    let open = operands.find('(')?;
    let inner = &operands[open + 1..];
    let close = inner.find(')')?;
    Some(inner[..close].split(',').next().unwrap_or("").trim())
}

impl Function {
    fn add_instruction(&mut self, addr: &str, insn: &str) {
        let (mnemonic, operands) = split_instruction(insn);
        self.insns += 1;
        self.pending_branch = false;
        let sample = || Sample {
            addr: addr.to_string(),
            text: format!("{mnemonic} {operands}").trim().to_string(),
        };
        if is_avx(mnemonic, operands) {
            self.simd_insns += 1;
            if self.simd_sample.is_none() {
                self.simd_sample = Some(sample());
            }
        }
        if mnemonic.starts_with("mov") && operands.replace(' ', "") == "%rsp,%rbp" {
            self.frame_pointer = true;
        }
        if ALIGNED_MOVES.contains(&mnemonic)
            && let Some(base) = memory_base(operands)
            && !self.is_stack_address(base)
            && base != "%rip"
        {
            if self.arg_regs.contains(base) {
                self.aligned_moves.push(sample());
            } else {
                self.unproven_moves.push(sample());
            }
        }
        self.track_stack_registers(mnemonic, operands);
        if mnemonic.starts_with("call") || mnemonic.starts_with("jmp") {
            self.pending_branch = true;
            // Linked code: `call 4a3f0 <target>`; unresolved objects get a relocation line.
            if let Some(open) = operands.find('<')
                && let Some(target) = operands[open + 1..].strip_suffix('>')
            {
                self.add_call(strip_offset(target));
            }
        }
    }

    /// Whether `reg` (a base register) is known to point into this function's frame.
    fn is_stack_address(&self, reg: &str) -> bool {
        reg == "%rsp" || (reg == "%rbp" && self.frame_pointer) || self.stack_regs.contains(reg)
    }

    /// Updates [`Function::stack_regs`] after one instruction (see the module docs).
    fn track_stack_registers(&mut self, mnemonic: &str, operands: &str) {
        if mnemonic.starts_with("call") {
            for r in CALLER_SAVED {
                self.stack_regs.remove(*r);
                self.arg_regs.remove(*r);
            }
            return;
        }
        let ops = operands.replace(' ', "");
        let Some((src, dst)) = ops.rsplit_once(',') else {
            return;
        };
        let Some(dst) = gpr64(dst) else {
            return;
        };
        let from_stack = match mnemonic {
            "lea" | "leaq" => {
                memory_base(src).is_some_and(|b| b == "%rip" || self.is_stack_address(b))
            }
            "mov" | "movq" => self.is_stack_address(src),
            // Pointer arithmetic on a stack address stays inside the frame's arrays, and
            // adding the stack pointer to an offset (`add %rsp,%r11`) makes one.
            "add" | "addq" => self.stack_regs.contains(dst) || self.is_stack_address(src),
            "sub" | "subq" => self.stack_regs.contains(dst),
            _ => false,
        };
        if from_stack {
            self.stack_regs.insert(dst.to_string());
        } else {
            self.stack_regs.remove(dst);
        }
        // Argument pointers flow through the same moves and additions.
        let from_arg = match mnemonic {
            "lea" | "leaq" => memory_base(src).is_some_and(|b| self.arg_regs.contains(b)),
            "mov" | "movq" => gpr64(src).is_some_and(|r| self.arg_regs.contains(r)),
            "add" | "addq" => {
                self.arg_regs.contains(dst) || gpr64(src).is_some_and(|r| self.arg_regs.contains(r))
            }
            "sub" | "subq" => self.arg_regs.contains(dst),
            _ => false,
        };
        if from_arg && !from_stack {
            self.arg_regs.insert(dst.to_string());
        } else {
            self.arg_regs.remove(dst);
        }
    }

    /// Records a call or tail call (jumps within the function itself are not calls).
    fn add_call(&mut self, target: &str) {
        if target != self.name {
            self.calls.insert(target.to_string());
        }
    }
}

/// Where a function stands with respect to the dispatch rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// In an `avx2`/`avx512` module of a workspace crate.
    IsaModule,
    /// An out-of-line intrinsic wrapper from `core::core_arch`.
    CoreArch,
    /// Matches an allow-list entry (by index into [`ALLOW_LIST`]).
    Allowed(usize),
    /// Another function of a workspace crate.
    OurOther,
    /// Any other foreign function.
    Foreign,
}

/// The crate names of the workspace, used to tell our functions from foreign ones.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Crate names with `-` replaced by `_`, as they appear in symbols.
    pub workspace_crates: BTreeSet<String>,
}

impl Policy {
    /// Classifies a demangled function name.
    pub fn classify(&self, name: &str) -> Class {
        let segs = primary_path(name);
        let first = segs.first().map(String::as_str).unwrap_or("");
        if self.workspace_crates.contains(first) {
            let modules = &segs[1..segs.len().saturating_sub(1)];
            if modules.iter().any(|s| s == "avx2" || s == "avx512") {
                Class::IsaModule
            } else {
                Class::OurOther
            }
        } else if segs.len() > 3
            && segs[0] == "core"
            && segs[1] == "core_arch"
            && (segs[2] == "x86" || segs[2] == "x86_64")
        {
            Class::CoreArch
        } else if let Some(i) = ALLOW_LIST.iter().position(|a| name.starts_with(a.prefix)) {
            Class::Allowed(i)
        } else {
            Class::Foreign
        }
    }
}

/// The path segments identifying where a function is defined, generic arguments removed:
/// `<a::B<T> as c::D>::f::{{closure}}` -> `[a, B, f, {{closure}}]`.
pub fn primary_path(name: &str) -> Vec<String> {
    let mut path = String::new();
    let rest = if let Some(inner) = name.strip_prefix('<') {
        // Find the `>` matching the leading `<`.
        let mut depth = 1usize;
        let mut end = inner.len();
        for (i, c) in inner.char_indices() {
            match c {
                '<' => depth += 1,
                '>' if i > 0 && inner.as_bytes()[i - 1] == b'-' => {} // `->` in fn types
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let qualified = &inner[..end];
        path.push_str(split_top_level(qualified, " as ").0);
        &inner[(end + 1).min(inner.len())..]
    } else {
        name
    };
    path.push_str(rest);
    let without_generics = strip_generics(&path);
    without_generics
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits at the first occurrence of `sep` outside angle brackets.
fn split_top_level<'a>(s: &'a str, sep: &str) -> (&'a str, &'a str) {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            _ if depth == 0 && s[i..].starts_with(sep) => return (&s[..i], &s[i + sep.len()..]),
            _ => {}
        }
    }
    (s, "")
}

/// Removes `<...>` groups (generic arguments), keeping `->`.
fn strip_generics(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0i32;
    let mut prev = ' ';
    for c in s.chars() {
        match c {
            '<' => depth += 1,
            '>' if prev != '-' => depth = (depth - 1).max(0),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
        prev = c;
    }
    out
}

/// A broken rule, with the offending function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// AVX code in a function outside the allowed places.
    SimdOutside {
        /// Function name.
        func: String,
        /// Archive member holding it (static libraries only).
        member: Option<String>,
        /// How many AVX instructions it has.
        count: usize,
        /// The first one.
        sample: Sample,
    },
    /// An aligned vector move on an address the compiler does not control.
    AlignedMove {
        /// Function name.
        func: String,
        /// Archive member holding it (static libraries only).
        member: Option<String>,
        /// How many such moves it has.
        count: usize,
        /// The first one.
        sample: Sample,
    },
    /// A function outside the ISA modules calls an out-of-line AVX intrinsic wrapper: a generic
    /// kernel was not inlined into its `#[target_feature]` entry point.
    IntrinsicCall {
        /// The caller.
        func: String,
        /// Archive member holding it (static libraries only).
        member: Option<String>,
        /// The `core::core_arch` functions it calls.
        callees: Vec<String>,
    },
}

impl Violation {
    /// The offending function.
    pub fn func(&self) -> &str {
        match self {
            Violation::SimdOutside { func, .. }
            | Violation::AlignedMove { func, .. }
            | Violation::IntrinsicCall { func, .. } => func,
        }
    }

    /// The archive member holding the offending function, for static libraries.
    pub fn member(&self) -> Option<&str> {
        match self {
            Violation::SimdOutside { member, .. }
            | Violation::AlignedMove { member, .. }
            | Violation::IntrinsicCall { member, .. } => member.as_deref(),
        }
    }
}

/// Per-artifact result of the audit.
#[derive(Debug, Default)]
pub struct Summary {
    /// Functions disassembled.
    pub functions: usize,
    /// AVX-using functions inside ISA modules.
    pub isa_simd: BTreeSet<String>,
    /// AVX-using out-of-line `core_arch` wrappers.
    pub core_arch_simd: BTreeSet<String>,
    /// AVX-using functions matched by each allow-list entry (indexed like [`ALLOW_LIST`]).
    pub allowed_simd: Vec<BTreeSet<String>>,
    /// Functions of ours with aligned moves the scan could not trace: (name, count, sample).
    pub unproven: Vec<(String, usize, Sample)>,
    /// Everything that breaks the rules.
    pub violations: Vec<Violation>,
}

/// Applies the rules to the functions of one artifact.
pub fn audit(policy: &Policy, funcs: &[Function]) -> Summary {
    let mut s = Summary {
        functions: funcs.len(),
        allowed_simd: vec![BTreeSet::new(); ALLOW_LIST.len()],
        ..Summary::default()
    };
    let classes: Vec<Class> = funcs.iter().map(|f| policy.classify(&f.name)).collect();
    let simd_intrinsics: BTreeSet<&str> = funcs
        .iter()
        .zip(&classes)
        .filter(|(f, c)| f.simd_insns > 0 && **c == Class::CoreArch)
        .map(|(f, _)| f.name.as_str())
        .collect();
    let mut reported = BTreeSet::new();
    for (f, &class) in funcs.iter().zip(&classes) {
        if f.simd_insns > 0 {
            match class {
                Class::IsaModule => {
                    s.isa_simd.insert(f.name.clone());
                }
                Class::CoreArch => {
                    s.core_arch_simd.insert(f.name.clone());
                }
                Class::Allowed(i) => {
                    s.allowed_simd[i].insert(f.name.clone());
                }
                Class::OurOther | Class::Foreign => {
                    if reported.insert(("simd", f.name.clone())) {
                        s.violations.push(Violation::SimdOutside {
                            func: f.name.clone(),
                            member: f.member.clone(),
                            count: f.simd_insns,
                            sample: f.simd_sample.clone().expect("counted"),
                        });
                    }
                }
            }
        }
        let checked = matches!(class, Class::IsaModule | Class::OurOther);
        if checked && !f.unproven_moves.is_empty() {
            s.unproven.push((
                f.name.clone(),
                f.unproven_moves.len(),
                f.unproven_moves[0].clone(),
            ));
        }
        if checked && !f.aligned_moves.is_empty() && reported.insert(("aligned", f.name.clone())) {
            s.violations.push(Violation::AlignedMove {
                func: f.name.clone(),
                member: f.member.clone(),
                count: f.aligned_moves.len(),
                sample: f.aligned_moves[0].clone(),
            });
        }
        if matches!(class, Class::OurOther | Class::Foreign) {
            let callees: Vec<String> = f
                .calls
                .iter()
                .filter(|c| simd_intrinsics.contains(c.as_str()))
                .cloned()
                .collect();
            if !callees.is_empty() && reported.insert(("call", f.name.clone())) {
                s.violations.push(Violation::IntrinsicCall {
                    func: f.name.clone(),
                    member: f.member.clone(),
                    callees,
                });
            }
        }
    }
    s
}

#[cfg(test)]
mod tests;
