//! The Fiat-Shamir transcript's start, shared by prover and verifier: the domain separator
//! and the statement (every table's AIR digest, height and public values, then the public
//! lookup lists).

use crate::lookup::{self, PublicLookup};
use crate::statement::TableInstance;
use crate::v2::arith::ObserveKnown;
use backend::{Isa, KoalaBear};

/// Observes a domain separator, packed 3 bytes per element (big-endian within the triple).
pub(crate) fn observe_domain_separator(ch: &mut impl ObserveKnown, separator: &[u8]) {
    for c in separator.chunks(3) {
        let v = c.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32);
        ch.observe(KoalaBear::new(v));
    }
}

/// Observes the statement: per table its AIR digest, `log2` height, number of public values
/// and the values; then the public lookup lists ([`lookup::observe`], their digests hashed
/// with the kernels of `isa`).
pub(crate) fn observe_statement(
    isa: Isa,
    ch: &mut impl ObserveKnown,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) {
    for inst in instances {
        ch.observe_slice(&inst.air.digest);
        ch.observe(KoalaBear::new(inst.log_height as u32));
        ch.observe(KoalaBear::new(inst.public_values.len() as u32));
        ch.observe_slice(inst.public_values);
    }
    lookup::observe(isa, ch, lookups);
}
