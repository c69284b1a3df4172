//! [`IsaName`]: the instruction sets the kernels are written for, as plain names that carry no
//! permission to run anything.

use std::fmt;

/// The instruction sets the kernels are written for, as plain names.
///
/// A name carries no permission to run anything; use [`Isa::from_name`](crate::Isa::from_name) to turn it into an
/// [`Isa`](crate::Isa) token, which checks the CPU.
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
