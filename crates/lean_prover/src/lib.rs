//! `lean_prover`: a generic multi-table AIR STARK over KoalaBear.
//!
//! Not implemented yet (tracked by the "lean_prover" issue). It will hold the AIR interface,
//! LogUp buses, trace and quotient commitments, DEEP openings, batched FRI, the security
//! calculator and a canonical proof encoding, built on `backend`'s kernels, NTT and Merkle trees.
