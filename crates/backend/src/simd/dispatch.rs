//! The [`dispatch`] macro: one `match` on an [`crate::Isa`] per call, from the public API to
//! the entry points of the ISA modules.
//!
//! This is the top of the SIMD layering (field, [`super::packed`], generic bodies, ISA entry
//! points, then this): the only place baseline code calls a `#[target_feature]` entry point.

/// Calls the entry point `$family::$name` of the ISA that `$isa` names.
///
/// This is the only place the SIMD entry points are called from baseline code.
macro_rules! dispatch {
    ($isa:expr, $family:ident :: $name:ident ( $($arg:expr),* $(,)? )) => {{
        match $crate::isa::Isa::name($isa) {
            $crate::isa::IsaName::Scalar => $crate::simd::scalar::$family::$name($($arg),*),
            #[cfg(target_arch = "x86_64")]
            $crate::isa::IsaName::Avx2 => {
                // SAFETY: an `Isa` naming AVX2 is only produced by detection that found AVX2.
                unsafe { $crate::simd::avx2::$family::$name($($arg),*) }
            }
            #[cfg(target_arch = "x86_64")]
            $crate::isa::IsaName::Avx512 => {
                // SAFETY: an `Isa` naming AVX-512 is only produced by detection that found
                // AVX-512F and AVX2.
                unsafe { $crate::simd::avx512::$family::$name($($arg),*) }
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => unreachable!("only the scalar ISA is detected on this architecture"),
        }
    }};
}
pub(crate) use dispatch;
