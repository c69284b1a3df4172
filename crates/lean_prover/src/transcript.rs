//! The Fiat-Shamir transcript steps shared by prover and verifier: its start (step 1 of the
//! protocol in the crate docs: domain separator, parameters, statement, public lookup lists)
//! and the bulk observation of the out-of-domain openings (step 5).

use crate::lookup::{self, PublicLookup};
use crate::params::StarkParams;
use crate::proof::TableOpenings;
use crate::statement::TableInstance;
use backend::KoalaBear;
use backend::challenger::Challenger;

/// Domain separator observed first: "lean_prover/v3" packed 3 bytes per element.
const DOMAIN_SEPARATOR: &[u8] = b"lean_prover/v3";

/// A fresh transcript bound to the parameters and the statement (the public lookup lists
/// last, see [`lookup`]: nothing is observed for them when there are none).
pub(crate) fn start_transcript(
    params: &StarkParams,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) -> Challenger {
    let mut ch = Challenger::new();
    observe_domain_separator(&mut ch, DOMAIN_SEPARATOR);
    for x in [
        params.log_inv_rate,
        params.num_queries,
        params.pow_bits,
        params.bus_pow_bits,
        params.log_folding_arity,
        params.log_final_poly_len,
        instances.len(),
    ] {
        ch.observe(KoalaBear::new(x as u32));
    }
    observe_statement(&mut ch, instances, lookups);
    ch
}

/// Observes a domain separator, packed 3 bytes per element (big-endian within the triple).
pub(crate) fn observe_domain_separator(ch: &mut Challenger, separator: &[u8]) {
    for c in separator.chunks(3) {
        let v = c.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32);
        ch.observe(KoalaBear::new(v));
    }
}

/// Observes the statement: per table its AIR digest, `log2` height, number of public values
/// and the values; then the public lookup lists ([`lookup::observe`]).
pub(crate) fn observe_statement(
    ch: &mut Challenger,
    instances: &[TableInstance<'_>],
    lookups: &[PublicLookup<'_>],
) {
    for inst in instances {
        ch.observe_digest(&inst.air.digest);
        ch.observe(KoalaBear::new(inst.log_height as u32));
        ch.observe(KoalaBear::new(inst.public_values.len() as u32));
        ch.observe_slice(inst.public_values);
    }
    lookup::observe(ch, lookups);
}

/// Observes the out-of-domain openings of every table in one bulk observation
/// ([`Challenger::observe_bulk`]): per table, in order, main at `z`, main at `z w`, aux at
/// `z`, aux at `z w`, quotient chunks at `z`, each extension value as its 5 coefficients.
pub(crate) fn observe_openings(ch: &mut Challenger, isa: backend::Isa, openings: &[TableOpenings]) {
    let values: Vec<KoalaBear> = openings
        .iter()
        .flat_map(|o| {
            o.main
                .iter()
                .chain(&o.main_next)
                .chain(&o.aux)
                .chain(&o.aux_next)
                .chain(&o.quotient)
        })
        .flat_map(|v| *v.coeffs())
        .collect();
    ch.observe_bulk(isa, &values);
}
