//! Run-time CPU detection: the only place the crate asks the CPU what it supports.
//!
//! Everything goes through `cpufeatures`, which also checks that the operating system saves
//! the AVX / AVX-512 register state. Under Miri (an interpreter without target features)
//! detection reports no SIMD, so only the scalar path can be selected.

use std::sync::OnceLock;

use super::name::IsaName;

// One `cpufeatures` detector per instruction set and per reported feature.
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_avx2, "avx2");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_avx512, "avx512f", "avx2");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_sse2, "sse2");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_sse41, "sse4.1");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_avx, "avx");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_fma, "fma");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_bmi2, "bmi2");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_avx512f, "avx512f");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_avx512bw, "avx512bw");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_avx512dq, "avx512dq");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_avx512vl, "avx512vl");
#[cfg(all(target_arch = "x86_64", not(miri)))]
cpufeatures::new!(cpuid_avx512ifma, "avx512ifma");

/// The instruction sets this CPU supports, from least to most capable (always starts with
/// `Scalar`). Computed once per process.
pub(super) fn detected() -> &'static [IsaName] {
    static DETECTED: OnceLock<Vec<IsaName>> = OnceLock::new();
    DETECTED.get_or_init(|| {
        #[allow(unused_mut)]
        let mut names = vec![IsaName::Scalar];
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        {
            if cpuid_avx2::get() {
                names.push(IsaName::Avx2);
            }
            if cpuid_avx512::get() {
                names.push(IsaName::Avx512);
            }
        }
        names
    })
}

/// The features [`cpu_features`] reports, in order.
#[cfg(target_arch = "x86_64")]
const REPORTED: [&str; 11] = [
    "sse2",
    "sse4.1",
    "avx",
    "avx2",
    "fma",
    "bmi2",
    "avx512f",
    "avx512bw",
    "avx512dq",
    "avx512vl",
    "avx512ifma",
];

/// CPU features relevant to the kernels, as detected at run time (for `multisig info`).
/// Returns `(feature name, present)` pairs; under Miri every feature is reported absent.
pub fn cpu_features() -> Vec<(&'static str, bool)> {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        let present = [
            cpuid_sse2::get(),
            cpuid_sse41::get(),
            cpuid_avx::get(),
            cpuid_avx2::get(),
            cpuid_fma::get(),
            cpuid_bmi2::get(),
            cpuid_avx512f::get(),
            cpuid_avx512bw::get(),
            cpuid_avx512dq::get(),
            cpuid_avx512vl::get(),
            cpuid_avx512ifma::get(),
        ];
        REPORTED.into_iter().zip(present).collect()
    }
    #[cfg(all(target_arch = "x86_64", miri))]
    {
        REPORTED.into_iter().map(|name| (name, false)).collect()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Vec::new()
    }
}
