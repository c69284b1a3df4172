//! The [`entry_points`] macro: thin `#[target_feature]` functions that instantiate one generic
//! kernel for one kernel set.
//!
//! The generic kernel families (in [`crate::generic`]) each wrap this macro in their own
//! `entry_points_for!`, and every ISA module (`simd::scalar`, `simd::avx2`, `simd::avx512`)
//! invokes those, so the entry points appear once per ISA.

/// Generates thin entry points for one kernel family on one instruction set.
///
/// ```ignore
/// entry_points! {
///     attr: target_feature(enable = "avx2"),
///     token: Avx2::new_unchecked(),
///     fn mul(out: &mut [u32], a: &[u32], b: &[u32]) => crate::generic::base::mul;
/// }
/// ```
/// expands to `fn mul(..) { crate::generic::base::mul(token, out, a, b) }` carrying the
/// attribute (`inline` for the scalar set). The token expression is evaluated inside the entry point, where the target
/// features are enabled (for SIMD tokens it is an `unsafe` constructor, justified by that).
macro_rules! entry_points {
    (
        attr: $attr:meta,
        token: $tok:expr,
        $( fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) $(-> $ret:ty)? => $generic:path; )*
    ) => {
        $(
            #[$attr]
            pub(crate) fn $name($($arg: $ty),*) $(-> $ret)? {
                #[allow(unused_unsafe)]
                // SAFETY: entry points are generated only inside an ISA module whose attributes
                // enable that ISA's features; callers outside such code must use `unsafe` and
                // justify it with a detected `Isa` (see `dispatch!`).
                let token = unsafe { $tok };
                $generic(token, $($arg),*)
            }
        )*
    };
}
pub(crate) use entry_points;
