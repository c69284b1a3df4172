//! Tests of the symbol classification and the audit policy.
use super::*;

fn policy() -> Policy {
    Policy {
        workspace_crates: ["backend", "kernels", "multisig_glue"]
            .map(String::from)
            .into(),
    }
}

/// A linked executable: one kernel entry point, one dispatcher, one leak, one std function.
const EXE: &str = "
target/release/deps/kernels-0123:     file format elf64-x86-64


Disassembly of section .text:

00000000000aec62 <backend::simd::avx2::base::mul>:
   aec62:\tpush   %rbp
   aec63:\tvmovdqu (%rsi,%rax,4),%ymm0
   aec68:\tvmovdqa -0x9e543(%rip),%ymm2        # 180e0 <anon.1+0x1dd>
   aec70:\tvmovdqa %ymm0,0x20(%rsp)
   aec76:\tvpmuludq %ymm1,%ymm0,%ymm0
   aec7a:\tvzeroupper
   aec7d:\tret

00000000000aed00 <backend::kernels::mul>:
   aed00:\tcall   aec62 <backend::simd::avx2::base::mul>
   aed05:\tjmp    aed00 <backend::kernels::mul>
   aed07:\tret

00000000000aee00 <backend::kernels::base::binary>:
   aee00:\tvpaddd %ymm1,%ymm0,%ymm0
   aee04:\tvmovdqa %ymm0,(%rdi)
   aee08:\tret

00000000000aef00 <<backend::field::KoalaBear as core::ops::arith::Add>::add>:
   aef00:\tvpaddd %xmm1,%xmm0,%xmm0
   aef04:\tret

00000000000af000 <core::fmt::write>:
   af000:\tmovaps %xmm0,(%rdi)
   af003:\tret
";

#[test]
fn parses_functions_and_instructions() {
    let f = parse_objdump(EXE);
    assert_eq!(f.len(), 5);
    assert_eq!(f[0].name, "backend::simd::avx2::base::mul");
    assert_eq!(f[0].insns, 7);
    assert_eq!(f[0].simd_insns, 5);
    assert_eq!(
        f[0].simd_sample,
        Some(Sample {
            addr: "aec63".into(),
            text: "vmovdqu (%rsi,%rax,4),%ymm0".into()
        })
    );
    // rip- and rsp-based aligned moves are compiler-controlled.
    assert!(f[0].aligned_moves.is_empty());
    assert_eq!(
        f[1].calls,
        BTreeSet::from(["backend::simd::avx2::base::mul".to_string()])
    );
    assert_eq!(f[4].simd_insns, 0, "SSE movaps is not AVX");
}

#[test]
fn allowed_function_and_violations() {
    let s = audit(&policy(), &parse_objdump(EXE));
    assert_eq!(s.functions, 5);
    assert_eq!(
        s.isa_simd,
        BTreeSet::from(["backend::simd::avx2::base::mul".to_string()])
    );
    assert_eq!(
        s.violations,
        vec![
            Violation::SimdOutside {
                func: "backend::kernels::base::binary".into(),
                member: None,
                count: 2,
                sample: Sample {
                    addr: "aee00".into(),
                    text: "vpaddd %ymm1,%ymm0,%ymm0".into()
                },
            },
            Violation::AlignedMove {
                func: "backend::kernels::base::binary".into(),
                member: None,
                count: 1,
                sample: Sample {
                    addr: "aee04".into(),
                    text: "vmovdqa %ymm0,(%rdi)".into()
                },
            },
            Violation::SimdOutside {
                func: "<backend::field::KoalaBear as core::ops::arith::Add>::add".into(),
                member: None,
                count: 1,
                sample: Sample {
                    addr: "aef00".into(),
                    text: "vpaddd %xmm1,%xmm0,%xmm0".into()
                },
            },
        ]
    );
}

#[test]
fn mask_registers_count_as_avx512() {
    let (m, o) = split_instruction("kmovw  %k1,%eax");
    assert!(is_avx(m, o));
    let (m, o) = split_instruction("vpblendmd %zmm1,%zmm0,%zmm2{%k1}");
    assert!(is_avx(m, o));
    assert!(!has_mask_register("%kx,%k8"));
    let (m, o) = split_instruction("lock cmpxchg %rcx,(%rdx)");
    assert_eq!((m, o), ("cmpxchg", "%rcx,(%rdx)"));
    assert!(!is_avx(m, o));
    let src = "0000000000001000 <backend::field::reduce>:\n    1000:\tkmovw  %k1,%eax\n";
    let s = audit(&policy(), &parse_objdump(src));
    assert!(matches!(
        &s.violations[..],
        [Violation::SimdOutside { count: 1, .. }]
    ));
}

#[test]
fn aligned_move_on_stack_vs_general_register() {
    let src = "
0000000000001000 <backend::simd::avx512::base::dot>:
1000:\tvmovdqa64 %zmm0,0x40(%rsp)
1008:\tvmovaps -0x40(%rbp),%ymm1
100c:\tpush   %rbp
100d:\tmov    %rsp,%rbp
1010:\tvmovaps -0x40(%rbp),%ymm1
1014:\tvmovdqa32 (%rdx,%rax,4),%zmm1{%k1}
101a:\tvmovdqa %ymm1,%ymm2
";
    let f = parse_objdump(src);
    let texts = |v: &[Sample]| v.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
    // `%rdx` still holds the caller's third argument: a violation.
    assert_eq!(
        texts(&f[0].aligned_moves),
        ["vmovdqa32 (%rdx,%rax,4),%zmm1{%k1}"]
    );
    // rbp before `mov %rsp,%rbp` is an ordinary (untraced) register; after it, the frame
    // pointer.
    assert_eq!(texts(&f[0].unproven_moves), ["vmovaps -0x40(%rbp),%ymm1"]);
    let s = audit(&policy(), &f);
    assert_eq!(s.isa_simd.len(), 1);
    assert_eq!(s.unproven.len(), 1);
    assert!(matches!(
        &s.violations[..],
        [Violation::AlignedMove { count: 1, .. }]
    ));
}

#[test]
fn registers_derived_from_the_stack_are_exempt_until_overwritten() {
    let src = "
0000000000001000 <backend::simd::avx2::poseidon::poseidon1_16>:
1000:\tpush   %rbp
1001:\tmov    %rsp,%rbp
1002:\tmov    %rdi,%r14
1004:\tand    $0xffffffffffffffe0,%rsp
1008:\tlea    0x3a0(%rsp),%r12
1010:\tvmovdqa (%r12,%rcx,1),%ymm2
1011:\tmov    %rax,%r11
1012:\tshl    $0x6,%r11
1013:\tadd    %rsp,%r11
1014:\tvmovdqa (%r11),%ymm1
1016:\tmov    %r12,%rdx
1019:\tadd    $0x20,%rdx
101d:\tvmovdqa %ymm2,(%rdx)
1021:\tcall   2000 <foo>
1026:\tvmovdqa (%rdx),%ymm3
102a:\tmov    %r14,%r12
102d:\tvmovdqa (%r12),%ymm4
1033:\tlea    0x40(%rbx),%r13
1037:\tvmovdqa (%r13),%ymm5
";
    let f = parse_objdump(src);
    let texts = |v: &[Sample]| v.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
    // Stack-derived r11/r12/rdx are exempt; r12 after taking the caller's first argument
    // (kept in callee-saved r14 across the call) is a violation; rdx after a call and r13 derived from an untraced register are
    // unproven.
    assert_eq!(texts(&f[0].aligned_moves), ["vmovdqa (%r12),%ymm4"]);
    assert_eq!(
        texts(&f[0].unproven_moves),
        ["vmovdqa (%rdx),%ymm3", "vmovdqa (%r13),%ymm5"]
    );
}

#[test]
fn out_of_line_intrinsic_called_from_a_generic_kernel() {
    // Archive members: calls are relocations, on the instruction's line (`-w`) or on the
    // next line.
    let src = "
In archive libmultisig_glue.a:

multisig_glue-1.o:     file format elf64-x86-64

0000000000000000 <core::core_arch::x86::avx2::_mm256_add_epi32>:
   0:\tvpaddd %ymm1,%ymm0,%ymm0
   4:\tret

0000000000000010 <backend::kernels::base::binary>:
  10:\tcall   15 <backend::kernels::base::binary+0x5>\t11: R_X86_64_PLT32\tcore::core_arch::x86::avx2::_mm256_add_epi32-0x4
  15:\tret

0000000000000020 <backend::simd::avx2::base::add>:
  20:\tjmp    25 <backend::simd::avx2::base::add+0x5>
\t\t\t21: R_X86_64_PLT32\tcore::core_arch::x86::avx2::_mm256_add_epi32-0x4
";
    let f = parse_objdump(src);
    assert_eq!(f[1].member.as_deref(), Some("multisig_glue-1.o"));
    assert!(
        f[2].calls
            .contains("core::core_arch::x86::avx2::_mm256_add_epi32")
    );
    let s = audit(&policy(), &f);
    assert_eq!(s.core_arch_simd.len(), 1);
    assert_eq!(
        s.violations,
        vec![Violation::IntrinsicCall {
            func: "backend::kernels::base::binary".into(),
            member: Some("multisig_glue-1.o".into()),
            callees: vec!["core::core_arch::x86::avx2::_mm256_add_epi32".into()],
        }]
    );
}

#[test]
fn classification_of_names() {
    let p = policy();
    let c = |n| p.classify(n);
    assert_eq!(c("backend::simd::avx2::base::mul"), Class::IsaModule);
    assert_eq!(
        c("backend::simd::avx512::base::dot::{{closure}}"),
        Class::IsaModule
    );
    assert_eq!(
        c("<backend::simd::avx2::Avx2 as backend::simd::Packed>::mul"),
        Class::IsaModule
    );
    // A function merely *named* avx2, or a module whose name only contains it, is not.
    assert_eq!(c("backend::simd::avx2"), Class::OurOther);
    assert_eq!(c("backend::isa::cpuid_avx2::init_get"), Class::OurOther);
    assert_eq!(c("backend::kernels::base::binary"), Class::OurOther);
    // Generic arguments never make a function inside.
    assert_eq!(
        c("<backend::kernels::Wrap<backend::simd::avx2::Avx2> as core::ops::Fn>::call"),
        Class::OurOther
    );
    assert_eq!(c("kernels::axpy_matches_scalar"), Class::OurOther);
    assert_eq!(
        c("core::core_arch::x86::avx2::_mm256_srli_epi64"),
        Class::CoreArch
    );
    assert!(matches!(
        c("chacha20::backends::avx2::rng_inner"),
        Class::Allowed(_)
    ));
    assert_eq!(
        c("<memchr::arch::x86_64::avx2::packedpair::Finder>::find_impl"),
        Class::Allowed(0)
    );
    // Legacy-mangled memchr (the crates.io copy) has its own, explained entry.
    assert!(matches!(
        c("memchr::arch::x86_64::avx2::packedpair::Finder::find_impl"),
        Class::Allowed(_)
    ));
    assert_eq!(c("p3_monty_31::add"), Class::Foreign);
    assert_eq!(
        primary_path("<&str as core::fmt::Display>::fmt"),
        ["&str", "fmt"]
    );
}
