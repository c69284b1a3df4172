//! Run-time instruction-set detection and selection.
//!
//! An [`Isa`] is a token: holding one proves that the CPU running this process supports the
//! instruction set it names. Only this module can create one (by detection), so code outside
//! the crate cannot conjure an `Avx512` token on a machine without AVX-512. Every dispatched
//! kernel takes an `Isa` and picks its implementation with one `match`.
//!
//! The process-wide choice honours the `MULTISIG_ISA` environment variable
//! (`auto`, `scalar`, `avx2`, `avx512`); asking for an instruction set the CPU lacks is an
//! error, never undefined behaviour.

use std::fmt;
use std::sync::OnceLock;

/// Name of the environment variable that forces an instruction set.
pub const ISA_ENV_VAR: &str = "MULTISIG_ISA";

/// The instruction sets the kernels are written for, as plain names.
///
/// A name carries no permission to run anything; use [`Isa::from_name`] to turn it into an
/// [`Isa`] token, which checks the CPU.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IsaName {
    /// Portable code, no SIMD beyond what the baseline target allows.
    Scalar,
    /// x86-64 AVX2: 8 lanes of 32 bits.
    Avx2,
    /// x86-64 AVX-512F: 16 lanes of 32 bits.
    Avx512,
}

impl IsaName {
    /// All names, from least to most capable.
    pub const ALL: [IsaName; 3] = [IsaName::Scalar, IsaName::Avx2, IsaName::Avx512];

    /// The lower-case name used by `MULTISIG_ISA` and the command-line tool.
    pub const fn as_str(self) -> &'static str {
        match self {
            IsaName::Scalar => "scalar",
            IsaName::Avx2 => "avx2",
            IsaName::Avx512 => "avx512",
        }
    }

    /// Number of 32-bit lanes one packed value holds on this instruction set.
    pub const fn lanes(self) -> usize {
        match self {
            IsaName::Scalar => 1,
            IsaName::Avx2 => 8,
            IsaName::Avx512 => 16,
        }
    }
}

impl fmt::Display for IsaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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

/// Why an instruction set could not be selected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IsaError {
    /// The name is not one of `auto`, `scalar`, `avx2`, `avx512`.
    #[error("unknown instruction set {0:?}: expected one of auto, scalar, avx2, avx512")]
    UnknownName(String),
    /// The CPU (or the operating system) does not support the requested instruction set.
    #[error(
        "instruction set {requested} was requested but this CPU does not support it (available: {available})"
    )]
    Unavailable {
        /// What was asked for.
        requested: IsaName,
        /// What this CPU offers, comma-separated.
        available: String,
    },
}

/// A proof that the running CPU supports an instruction set.
///
/// Obtain one from [`Isa::current`], [`Isa::best`], [`Isa::available`] or [`Isa::from_name`].
/// The field is private, so no other crate can build an `Isa` for an instruction set that was
/// not detected.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Isa(IsaName);

#[cfg(target_arch = "x86_64")]
cpufeatures::new!(cpuid_avx2, "avx2");
#[cfg(target_arch = "x86_64")]
cpufeatures::new!(cpuid_avx512, "avx512f", "avx2");

/// Detection results, computed once per process.
fn detected() -> &'static [Isa] {
    static DETECTED: OnceLock<Vec<Isa>> = OnceLock::new();
    DETECTED.get_or_init(|| {
        #[allow(unused_mut)]
        let mut isas = vec![Isa(IsaName::Scalar)];
        #[cfg(target_arch = "x86_64")]
        {
            if cpuid_avx2::get() {
                isas.push(Isa(IsaName::Avx2));
            }
            if cpuid_avx512::get() {
                isas.push(Isa(IsaName::Avx512));
            }
        }
        isas
    })
}

impl Isa {
    /// The portable path; always available.
    pub const fn scalar() -> Isa {
        Isa(IsaName::Scalar)
    }

    /// Every instruction set this CPU supports, from least to most capable (always starts
    /// with `Scalar`). Tests iterate over this to compare each SIMD path with the scalar one.
    pub fn available() -> Vec<Isa> {
        detected().to_vec()
    }

    /// The most capable instruction set this CPU supports.
    pub fn best() -> Isa {
        *detected().last().expect("scalar is always detected")
    }

    /// Turns a name into a token if the CPU supports it.
    pub fn from_name(name: IsaName) -> Result<Isa, IsaError> {
        detected()
            .iter()
            .copied()
            .find(|isa| isa.0 == name)
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
        detected()
            .iter()
            .map(|i| i.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// CPU features relevant to the kernels, as detected at run time (for `multisig info`).
/// Returns `(feature name, present)` pairs.
pub fn cpu_features() -> Vec<(&'static str, bool)> {
    #[cfg(target_arch = "x86_64")]
    {
        vec![
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
        ]
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Vec::new()
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

    #[test]
    fn detection_agrees_with_std() {
        #[cfg(target_arch = "x86_64")]
        {
            let has = |n| Isa::available().iter().any(|i| i.name() == n);
            assert_eq!(
                has(IsaName::Avx2),
                std::arch::is_x86_feature_detected!("avx2")
            );
            assert_eq!(
                has(IsaName::Avx512),
                std::arch::is_x86_feature_detected!("avx512f")
            );
        }
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
