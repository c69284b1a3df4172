//! Run-time instruction-set detection and selection.
//!
//! An [`Isa`] is a token: holding one proves that the CPU running this process supports the
//! instruction set it names. Only this file can create one, and only for a name that the
//! detection module (`detect`, the one place the CPU is queried) reported, so code outside
//! the crate cannot conjure an `Avx512` token on a machine without AVX-512. Every dispatched
//! kernel takes an `Isa` and picks its implementation with one `match`.
//!
//! The process-wide choice honours the `MULTISIG_ISA` environment variable
//! (`auto`, `scalar`, `avx2`, `avx512`); asking for an instruction set the CPU lacks is an
//! error, never undefined behaviour.

mod detect;
mod error;
mod name;

pub use detect::cpu_features;
pub use error::IsaError;
pub use name::IsaName;

use std::fmt;
use std::sync::OnceLock;

/// Name of the environment variable that forces an instruction set.
pub const ISA_ENV_VAR: &str = "MULTISIG_ISA";

/// A proof that the running CPU supports an instruction set.
///
/// Obtain one from [`Isa::current`], [`Isa::best`], [`Isa::available`] or [`Isa::from_name`].
/// The field is private, so no other crate can build an `Isa` for an instruction set that was
/// not detected.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Isa(IsaName);

impl Isa {
    /// The portable path; always available.
    pub const fn scalar() -> Isa {
        Isa(IsaName::Scalar)
    }

    /// Every instruction set this CPU supports, from least to most capable (always starts
    /// with `Scalar`). Tests iterate over this to compare each SIMD path with the scalar one.
    pub fn available() -> Vec<Isa> {
        detect::detected().iter().map(|&name| Isa(name)).collect()
    }

    /// The most capable instruction set this CPU supports.
    pub fn best() -> Isa {
        Isa(*detect::detected()
            .last()
            .expect("scalar is always detected"))
    }

    /// Turns a name into a token if the CPU supports it.
    pub fn from_name(name: IsaName) -> Result<Isa, IsaError> {
        detect::detected()
            .iter()
            .copied()
            .find(|&detected| detected == name)
            .map(Isa)
            .ok_or_else(|| IsaError::Unavailable {
                requested: name,
                available: Self::available_names(),
            })
    }

    /// Parses a `MULTISIG_ISA`-style choice: `auto` (or empty) means [`Isa::best`].
    pub fn parse_choice(choice: &str) -> Result<Isa, IsaError> {
        let trimmed = choice.trim();
        if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("auto") {
            return Ok(Isa::best());
        }
        Isa::from_name(trimmed.parse()?)
    }

    /// The process-wide choice: `MULTISIG_ISA` if set, otherwise the best available.
    /// Read once and cached; an invalid or unavailable choice is returned as an error.
    pub fn selected() -> Result<Isa, IsaError> {
        static SELECTED: OnceLock<Result<Isa, IsaError>> = OnceLock::new();
        SELECTED
            .get_or_init(|| match std::env::var(ISA_ENV_VAR) {
                Ok(v) => Isa::parse_choice(&v),
                Err(_) => Ok(Isa::best()),
            })
            .clone()
    }

    /// The process-wide choice, for callers that cannot report an error.
    ///
    /// # Panics
    /// Panics with the [`IsaError`] message if `MULTISIG_ISA` names an unknown or unavailable
    /// instruction set. Entry points that must not panic (the C ABI) call [`Isa::selected`]
    /// first and report the error instead.
    pub fn current() -> Isa {
        match Isa::selected() {
            Ok(isa) => isa,
            Err(e) => panic!("{ISA_ENV_VAR}: {e}"),
        }
    }

    /// The name of this instruction set.
    pub const fn name(self) -> IsaName {
        self.0
    }

    /// Number of 32-bit lanes per packed value.
    pub const fn lanes(self) -> usize {
        self.0.lanes()
    }

    fn available_names() -> String {
        detect::detected()
            .iter()
            .map(|name| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl std::str::FromStr for IsaName {
    type Err = IsaError;
    fn from_str(s: &str) -> Result<Self, IsaError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "scalar" => Ok(IsaName::Scalar),
            "avx2" => Ok(IsaName::Avx2),
            "avx512" => Ok(IsaName::Avx512),
            _ => Err(IsaError::UnknownName(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_is_always_available_and_first() {
        let all = Isa::available();
        assert_eq!(all[0], Isa::scalar());
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Isa::best(), *all.last().unwrap());
    }

    #[test]
    fn parse_choice_accepts_auto_and_names() {
        assert_eq!(Isa::parse_choice("auto").unwrap(), Isa::best());
        assert_eq!(Isa::parse_choice("").unwrap(), Isa::best());
        assert_eq!(Isa::parse_choice("SCALAR").unwrap(), Isa::scalar());
        assert!(matches!(
            Isa::parse_choice("sse9"),
            Err(IsaError::UnknownName(_))
        ));
    }

    #[test]
    fn unavailable_isa_is_an_error_that_names_it() {
        for name in IsaName::ALL {
            let ok = Isa::available().iter().any(|i| i.name() == name);
            match Isa::from_name(name) {
                Ok(isa) => {
                    assert!(ok);
                    assert_eq!(isa.name(), name);
                }
                Err(e) => {
                    assert!(!ok);
                    assert!(e.to_string().contains(name.as_str()));
                }
            }
        }
    }

    /// Detection uses cpufeatures only; std's detection is an independent cross-check here.
    #[test]
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    fn detection_agrees_with_std() {
        let has = |n| Isa::available().iter().any(|i| i.name() == n);
        assert_eq!(
            has(IsaName::Avx2),
            std::arch::is_x86_feature_detected!("avx2")
        );
        assert_eq!(
            has(IsaName::Avx512),
            std::arch::is_x86_feature_detected!("avx512f")
        );
        let reported: std::collections::BTreeMap<_, _> = cpu_features().into_iter().collect();
        let std_has = [
            ("sse2", std::arch::is_x86_feature_detected!("sse2")),
            ("sse4.1", std::arch::is_x86_feature_detected!("sse4.1")),
            ("avx", std::arch::is_x86_feature_detected!("avx")),
            ("avx2", std::arch::is_x86_feature_detected!("avx2")),
            ("fma", std::arch::is_x86_feature_detected!("fma")),
            ("bmi2", std::arch::is_x86_feature_detected!("bmi2")),
            ("avx512f", std::arch::is_x86_feature_detected!("avx512f")),
            ("avx512bw", std::arch::is_x86_feature_detected!("avx512bw")),
            ("avx512dq", std::arch::is_x86_feature_detected!("avx512dq")),
            ("avx512vl", std::arch::is_x86_feature_detected!("avx512vl")),
            (
                "avx512ifma",
                std::arch::is_x86_feature_detected!("avx512ifma"),
            ),
        ];
        assert_eq!(reported.len(), std_has.len());
        for (name, present) in std_has {
            assert_eq!(reported[name], present, "feature {name}");
        }
    }

    /// Miri has no target features: only the scalar path may be selected.
    #[test]
    #[cfg(miri)]
    fn miri_detects_no_simd() {
        assert_eq!(Isa::available(), vec![Isa::scalar()]);
        assert!(cpu_features().iter().all(|&(_, present)| !present));
    }

    #[test]
    fn selected_honours_env_var() {
        // `scripts/test.sh` runs the suite with MULTISIG_ISA set to each ISA name in turn;
        // the chosen ISA must be exactly the one named (and the best one when unset or auto).
        match std::env::var(ISA_ENV_VAR).as_deref() {
            Ok(name @ ("scalar" | "avx2" | "avx512")) => {
                assert_eq!(Isa::selected().unwrap().name().as_str(), name);
                assert_eq!(Isa::current().to_string(), name);
            }
            Ok("auto") | Ok("") | Err(_) => assert_eq!(Isa::selected(), Ok(Isa::best())),
            Ok(_) => assert!(Isa::selected().is_err()),
        }
    }
}
