//! The proof-system parameters of an aggregate ([`params_v2`]) and the largest number of
//! signatures one proof covers with them ([`max_signatures_v2`]).

/// The proof system v2 parameters of an aggregate at rate `2^-log_inv_rate`:
/// [`ParamsV2::standard`](lean_prover::v2::ParamsV2::standard), 124 provable bits, the WHIR
/// schedule chosen by measurement (`BENCHMARKS.md`, "v2: the WHIR schedule"). Prover and
/// verifier both derive them from the rate.
pub fn params_v2(log_inv_rate: usize) -> lean_prover::v2::ParamsV2 {
    lean_prover::v2::ParamsV2::standard(log_inv_rate)
}

/// The largest number of signatures one proof-system-v2 proof covers at `log_inv_rate` in
/// `config`: the largest `n` whose statement the v2 plan accepts with [`params_v2`] (every
/// table at most `2^24` rows and the first WHIR oracle at most `2^24` leaves; at rate 1/4 in
/// the prod configuration 9,039). 0 if no statement fits (a rate outside the range).
/// Computed once per configuration and rate.
pub fn max_signatures_v2(config: xmss::Config, log_inv_rate: usize) -> usize {
    use std::sync::OnceLock;
    const RATES: usize = 8;
    static CACHE: [[OnceLock<usize>; RATES]; 2] = [const { [const { OnceLock::new() }; RATES] }; 2];
    let Some(slot) = CACHE[usize::from(config == xmss::Config::Test)].get(log_inv_rate) else {
        return 0;
    };
    *slot.get_or_init(|| {
        let params = params_v2(log_inv_rate);
        let fits = |n: usize| {
            super::public::Statement::placeholder(config, n)
                .security_v2(&params)
                .is_ok()
        };
        if !fits(1) {
            return 0;
        }
        // Doubling, then bisection: fits(lo) holds and fits(hi) fails. No statement of 2^24
        // signatures fits (its tallest table alone has more than 2^24 rows).
        let (mut lo, mut hi) = (1usize, 2usize);
        while hi < 1 << 24 && fits(hi) {
            lo = hi;
            hi *= 2;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(mid) { lo = mid } else { hi = mid }
        }
        lo
    })
}
