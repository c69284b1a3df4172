//! `multisig_glue`: the C ABI the Zig consensus client links as `libmultisig_glue.a`.
//!
//! Not implemented yet (tracked by the "glue" issue): it will export the functions of
//! `../shared/abi/zeam_xmss_abi.h`. Until then the library exports nothing, so a client that
//! links it fails at link time rather than calling a stub.
