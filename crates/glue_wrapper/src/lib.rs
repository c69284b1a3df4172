//! A test fixture, not a library: the staticlib the Zig client links today (`libzeam_glue.a`,
//! `../shared/abi/README.md`, "How the client links today"), a small wrapper crate that
//! depends on our glue as an rlib and installs jemalloc as the global allocator. The glue
//! matrix (`scripts/glue-matrix.sh`) builds it with the client's profile and runs the C and
//! Zig tests against it, so that every `xmss_*` and `hashsig_*` function is exercised with
//! the allocator and the linking the client uses.
//!
//! Not a default workspace member: jemalloc is C code built from source by its build script,
//! which only the glue matrix needs.

#![forbid(unsafe_code)]

// The glue's `#[no_mangle]` functions come with the rlib into this staticlib.
pub use multisig_glue;

/// The client's global allocator.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
