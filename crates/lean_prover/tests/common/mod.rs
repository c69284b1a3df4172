//! Example AIRs and witnesses shared by the integration tests, and small, quick v2 parameters.
#![allow(dead_code)]

use backend::KoalaBear;
use lean_prover::v2::{ParamsV2, PolicyV2};
use lean_prover::{Air, AirBuilder, BusId, TableInstance, TableWitness};

/// `x` as a field element.
pub fn f(x: u32) -> KoalaBear {
    KoalaBear::new(x)
}

/// Small, quick v2 parameters at rate `2^-log_inv_rate`: 80-bit WHIR rounds, 4 grinding
/// bits.
pub fn params_at(log_inv_rate: usize) -> ParamsV2 {
    ParamsV2 {
        log_inv_rate,
        security_bits: 80.0,
        pow_bits: 4,
        bus_pow_bits: 4,
        first_folding_factor: 4,
        folding_factor: 3,
        first_domain_shrink: 1,
        max_final_variables: 4,
        min_variables: 8,
    }
}

/// The small v2 parameters at rate 1/4.
pub fn params() -> ParamsV2 {
    params_at(2)
}

/// The policy the small test parameters meet (80 bits).
pub fn policy() -> PolicyV2 {
    PolicyV2 {
        min_provable_bits: 80.0,
    }
}

/// An owned table: AIR, trace, public values.
pub struct Table {
    pub air: Air,
    pub trace: Vec<KoalaBear>,
    pub publics: Vec<KoalaBear>,
}

impl Table {
    pub fn witness(&self) -> TableWitness<'_> {
        TableWitness {
            air: &self.air,
            trace: &self.trace,
            public_values: &self.publics,
        }
    }
    pub fn instance(&self) -> TableInstance<'_> {
        self.witness().instance().expect("valid trace shape")
    }
}

pub fn witnesses(tables: &[Table]) -> Vec<TableWitness<'_>> {
    tables.iter().map(Table::witness).collect()
}

pub fn instances(tables: &[Table]) -> Vec<TableInstance<'_>> {
    tables.iter().map(Table::instance).collect()
}

/// Fibonacci: columns `a, b`; public `a0, b0, result`; `a' = b`, `b' = a + b`,
/// first row `(a, b) = (a0, b0)`, last row `b = result`.
pub fn fibonacci_air() -> Air {
    let b = AirBuilder::new("fibonacci");
    let ca = b.column("a");
    let cb = b.column("b");
    let a0 = b.public_value();
    let b0 = b.public_value();
    let res = b.public_value();
    b.when_first_row(b.main(ca) - a0);
    b.when_first_row(b.main(cb) - b0);
    b.when_transition(b.next(ca) - b.main(cb));
    b.when_transition(b.next(cb) - (b.main(ca) + b.main(cb)));
    b.when_last_row(b.main(cb) - res);
    b.build(3).expect("fibonacci AIR")
}

pub fn fibonacci(log_n: usize) -> Table {
    let n = 1 << log_n;
    let (mut a, mut bb) = (f(1), f(1));
    let mut trace = Vec::with_capacity(2 * n);
    for _ in 0..n {
        trace.push(a);
        trace.push(bb);
        let next = a + bb;
        a = bb;
        bb = next;
    }
    let result = trace[2 * n - 1];
    Table {
        air: fibonacci_air(),
        trace,
        publics: vec![f(1), f(1), result],
    }
}

pub const RANGE_BUS: BusId = BusId(7);
pub const PERM_BUS: BusId = BusId(3);

/// A range table of `2^bits` rows: `value` runs 0, 1, 2, ...; it receives `value` with
/// multiplicity `mult` on [`RANGE_BUS`].
pub fn range_air() -> Air {
    let b = AirBuilder::new("range");
    let v = b.column("value");
    let m = b.column("mult");
    b.when_first_row(b.main(v));
    b.when_transition(b.next(v) - b.main(v) - b.constant(f(1)));
    b.receive(RANGE_BUS, &[b.main(v)], b.main(m));
    b.build(3).expect("range AIR")
}

/// A table whose column `x` is range-checked through [`RANGE_BUS`] (sent with multiplicity
/// 1), with `y = x * x + 3` and one public value that the verifier itself sends on the bus.
pub fn user_air() -> Air {
    let b = AirBuilder::new("user");
    let x = b.column("x");
    let y = b.column("y");
    let p = b.public_value();
    b.assert_zero(b.main(y) - b.main(x) * b.main(x) - b.constant(f(3)));
    b.send(RANGE_BUS, &[b.main(x)], b.constant(f(1)));
    b.send_public(RANGE_BUS, &[p], b.constant(f(1)));
    b.build(3).expect("user AIR")
}

/// The range table (`2^range_bits` rows) and the user table (`2^log_user` rows) with values
/// from `xs` (cycled), plus the public value `extra` (must be in range for a valid proof).
pub fn range_pair(range_bits: usize, log_user: usize, xs: &[u32], extra: u32) -> [Table; 2] {
    let n_user = 1 << log_user;
    let n_range = 1usize << range_bits;
    let mut mult = vec![0u32; n_range];
    let mut user = Vec::with_capacity(2 * n_user);
    for i in 0..n_user {
        let x = xs[i % xs.len()];
        if (x as usize) < n_range {
            mult[x as usize] += 1;
        }
        user.push(f(x));
        user.push(f(x) * f(x) + f(3));
    }
    if (extra as usize) < n_range {
        mult[extra as usize] += 1;
    }
    let range: Vec<KoalaBear> = (0..n_range)
        .flat_map(|v| [f(v as u32), f(mult[v])])
        .collect();
    [
        Table {
            air: range_air(),
            trace: range,
            publics: vec![],
        },
        Table {
            air: user_air(),
            trace: user,
            publics: vec![f(extra)],
        },
    ]
}

/// Permutation: column `b` is a permutation of column `a` (bus [`PERM_BUS`] inside one
/// table), and `c = a^3` (degree 3).
pub fn permutation_air() -> Air {
    let b = AirBuilder::new("permutation");
    let a = b.column("a");
    let p = b.column("b");
    let c = b.column("c");
    b.assert_zero(b.main(c) - b.main(a) * b.main(a) * b.main(a));
    b.send(PERM_BUS, &[b.main(a)], b.constant(f(1)));
    b.receive(PERM_BUS, &[b.main(p)], b.constant(f(1)));
    b.build(3).expect("permutation AIR")
}

pub fn permutation(log_n: usize, seed: u64) -> Table {
    let n = 1usize << log_n;
    let a: Vec<u32> = (0..n as u32).map(|i| i * 7 + 11).collect();
    // A deterministic shuffle (LCG-driven Fisher-Yates).
    let mut perm = a.clone();
    let mut s = seed;
    for i in (1..n).rev() {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (s >> 33) as usize % (i + 1);
        perm.swap(i, j);
    }
    let trace = (0..n)
        .flat_map(|i| [f(a[i]), f(perm[i]), f(a[i]) * f(a[i]) * f(a[i])])
        .collect();
    Table {
        air: permutation_air(),
        trace,
        publics: vec![],
    }
}

/// Every example together: four tables of different heights.
pub fn all_examples() -> Vec<Table> {
    let [range, user] = range_pair(5, 4, &[0, 5, 31, 7, 7, 19], 12);
    vec![fibonacci(3), range, user, permutation(4, 1)]
}
