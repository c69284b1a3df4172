//! Step 3 of the protocol (crate docs): the LogUp auxiliary traces. Grinds `bus_pow_bits` (when bus
//! challenges are drawn), samples `alpha_bus, beta_bus`, builds every table's auxiliary trace (one
//! extension column per interaction group, the last one the running sum), commits them in one tree
//! and observes the root and the claimed sums.

use super::domain::trace_selectors;
use super::options::ProveError;
use crate::air::{Air, Challenges, Direction};
use crate::balance::inv_height;
use crate::eval::{self, Domain, Val};
use crate::layout::Layout;
use crate::params::StarkParams;
use crate::statement::TableWitness;
use backend::challenger::Challenger;
use backend::field::Ext5;
use backend::kernels::ext;
use backend::merkle::{Matrix, MerkleTree};
use backend::ntt::{self, Order};
use backend::{Isa, KoalaBear};

/// One table's LogUp auxiliary trace and the sum of its fractions.
pub(super) struct AuxTrace {
    /// `n x 5 num_aux` row-major.
    pub(super) trace: Vec<KoalaBear>,
    /// The sum of all the table's fractions (its claimed sum).
    pub(super) total: Ext5,
}

/// What step 3 leaves for the later steps.
pub(super) struct BusPhase {
    /// The proof-of-work nonce ground before the bus challenges (zero when none is drawn).
    pub(super) bus_pow_nonce: KoalaBear,
    /// `alpha_bus, beta_bus` (zero when not drawn); `claimed_sum_per_row` is left at zero.
    pub(super) challenges: Challenges,
    /// Per table, its auxiliary trace (`None` without private interactions).
    pub(super) aux_traces: Vec<Option<AuxTrace>>,
    /// The commitment to the auxiliary traces' LDEs, if any table has one.
    pub(super) aux_tree: Option<MerkleTree>,
    /// The claimed sum of every table with an auxiliary trace, in table order.
    pub(super) claimed_sums: Vec<Ext5>,
}

/// Runs step 3 on the transcript.
///
/// # Errors
/// [`ProveError::ZeroDenominator`] if a LogUp denominator vanishes, [`ProveError::Merkle`]
/// if the commitment fails.
pub(super) fn commit_aux(
    isa: Isa,
    params: &StarkParams,
    layout: &Layout,
    tables: &[TableWitness<'_>],
    ch: &mut Challenger,
) -> Result<BusPhase, ProveError> {
    let log_max = layout.log_max;
    let any_aux = layout.aux_log_max.is_some();
    // Grinding before the bus challenges (nothing when no bus challenge is drawn).
    let bus_pow_nonce = if layout.bus_challenges {
        ch.grind(isa, params.bus_pow_bits)
    } else {
        KoalaBear::ZERO
    };
    let mut challenges = Challenges::default();
    let mut aux_traces: Vec<Option<AuxTrace>> = Vec::with_capacity(tables.len());
    let mut aux_tree = None;
    let mut claimed_sums = Vec::new();
    if any_aux {
        challenges.bus_alpha = ch.sample_ext();
        challenges.bus_beta = ch.sample_ext();
        let mut mats = Vec::new();
        for (t, (tw, tl)) in tables.iter().zip(&layout.tables).enumerate() {
            if tl.num_aux == 0 {
                aux_traces.push(None);
                continue;
            }
            let a = aux_trace(
                isa,
                tw.air,
                t,
                tw.trace,
                tl.log_height,
                tw.public_values,
                challenges,
            )?;
            let lde = ntt::coset_lde(
                isa,
                &a.trace,
                5 * tl.num_aux,
                params.log_inv_rate,
                tl.shift(log_max),
                Order::BitReversed,
            );
            mats.push(Matrix::new(lde, 5 * tl.num_aux));
            claimed_sums.push(a.total);
            aux_traces.push(Some(a));
        }
        let tree = MerkleTree::new(isa, mats)?;
        ch.observe_digest(&tree.root());
        for s in &claimed_sums {
            ch.observe_ext(*s);
        }
        aux_tree = Some(tree);
    } else {
        if layout.bus_challenges {
            // Only public interactions or lists: the challenges, but no auxiliary trace.
            challenges.bus_alpha = ch.sample_ext();
            challenges.bus_beta = ch.sample_ext();
        }
        aux_traces.resize_with(tables.len(), || None);
    }
    Ok(BusPhase {
        bus_pow_nonce,
        challenges,
        aux_traces,
        aux_tree,
        claimed_sums,
    })
}

/// Builds the LogUp auxiliary trace of one table.
fn aux_trace(
    isa: Isa,
    air: &Air,
    table: usize,
    trace: &[KoalaBear],
    log_n: usize,
    publics: &[KoalaBear],
    challenges: Challenges,
) -> Result<AuxTrace, ProveError> {
    let n = 1usize << log_n;
    let [first, last, trans] = trace_selectors(log_n);
    let dom = Domain {
        main: trace,
        width: air.width(),
        aux: &[],
        num_aux: 0,
        height: n,
        next_step: 1,
        is_first: &first,
        is_last: &last,
        is_transition: &trans,
        publics,
        challenges,
    };
    let roots: Vec<u32> = air
        .interactions
        .iter()
        .flat_map(|i| [i.denominator, i.multiplicity])
        .collect();
    let chunks = eval::eval_domain(isa, air, &dom, &roots, |_, len, vals| {
        vals.iter()
            .map(|v| match v {
                Val::BaseC(c) => vec![Ext5::from_base(*c); len],
                Val::ExtC(c) => vec![*c; len],
                Val::Base(b) => b.iter().map(|x| Ext5::from_base(*x)).collect(),
                Val::Ext(e) => e.clone(),
            })
            .collect::<Vec<_>>()
    });
    let groups = air.interaction_groups();
    let num_aux = groups.len();
    let w = 5 * num_aux;
    let mut out = vec![KoalaBear::ZERO; n * w];
    // Column j < num_aux - 1 holds the sum of its group's fractions; `running` the row sum
    // of every fraction.
    let mut columns = vec![vec![Ext5::ZERO; n]; num_aux - 1];
    let mut running = vec![Ext5::ZERO; n];
    for (j, group) in groups.iter().enumerate() {
        for &i in group {
            let den: Vec<Ext5> = chunks
                .iter()
                .flat_map(|c| c[2 * i].iter().copied())
                .collect();
            let mult: Vec<Ext5> = chunks
                .iter()
                .flat_map(|c| c[2 * i + 1].iter().copied())
                .collect();
            if den.contains(&Ext5::ZERO) {
                return Err(ProveError::ZeroDenominator(table));
            }
            let inv = ext::batch_inverse_vec(isa, &den);
            let mut h = vec![Ext5::ZERO; n];
            ext::mul(isa, &mut h, &inv, &mult);
            if air.interactions[i].direction == Direction::Receive {
                h.iter_mut().for_each(|x| *x = -*x);
            }
            if let Some(col) = columns.get_mut(j) {
                col.iter_mut().zip(&h).for_each(|(c, x)| *c += *x);
            }
            running.iter_mut().zip(&h).for_each(|(c, x)| *c += *x);
        }
    }
    for (j, col) in columns.iter().enumerate() {
        for (r, v) in col.iter().enumerate() {
            out[r * w + 5 * j..r * w + 5 * j + 5].copy_from_slice(v.coeffs());
        }
    }
    // s_0 = 0, s_(r+1) = s_r + (row sum)_r - total / n: the cyclic running-sum constraint.
    let total: Ext5 = running.iter().copied().sum();
    let per_row = total * inv_height(log_n);
    let mut s = Ext5::ZERO;
    for (r, d) in running.iter().enumerate() {
        out[r * w + w - 5..r * w + w].copy_from_slice(s.coeffs());
        s += *d - per_row;
    }
    Ok(AuxTrace { trace: out, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::air::{AirBuilder, BusId};

    /// Every constraint (LogUp ones included) on every row of the trace domain: the indices
    /// of the constraints that fail somewhere.
    fn failing(
        air: &Air,
        trace: &[KoalaBear],
        aux: &[KoalaBear],
        log_n: usize,
        c: Challenges,
    ) -> Vec<usize> {
        let [first, last, trans] = trace_selectors(log_n);
        let dom = Domain {
            main: trace,
            width: air.width(),
            aux,
            num_aux: air.num_aux_columns(),
            height: 1 << log_n,
            next_step: 1,
            is_first: &first,
            is_last: &last,
            is_transition: &trans,
            publics: &[],
            challenges: c,
        };
        let per_chunk = eval::eval_domain(Isa::scalar(), air, &dom, &air.constraints, |_, _, v| {
            v.iter().map(|x| !eval::is_zero(x)).collect::<Vec<_>>()
        });
        (0..air.constraints.len())
            .filter(|&i| per_chunk.iter().any(|c| c[i]))
            .collect()
    }

    #[test]
    fn batched_logup_columns_satisfy_and_enforce_their_constraints() {
        // Five sends and one receive of linear tuples: three pairs, the last one in the
        // running sum's constraint.
        let b = AirBuilder::new("bus");
        let xs = b.columns("x", 6);
        let m = b.column("m");
        for &x in &xs[..5] {
            b.send(BusId(1), &[b.main(x), b.main(m)], b.main(m));
        }
        b.receive(
            BusId(2),
            &[b.main(xs[5]), b.main(m)],
            b.main(m) + KoalaBear::ONE,
        );
        let air = b.build(3).unwrap();
        assert_eq!(air.num_aux_columns(), 3);
        let log_n = 4;
        let n = 1usize << log_n;
        let trace: Vec<KoalaBear> = (0..n * 7)
            .map(|i| KoalaBear::new((i * i % 97) as u32))
            .collect();
        let mut c = Challenges {
            bus_alpha: Ext5::new([3, 1, 4, 1, 5].map(KoalaBear::new)),
            bus_beta: Ext5::new([9, 2, 6, 5, 3].map(KoalaBear::new)),
            ..Challenges::default()
        };
        let a = aux_trace(Isa::scalar(), &air, 0, &trace, log_n, &[], c).unwrap();
        c.claimed_sum_per_row = a.total * inv_height(log_n);
        assert!(failing(&air, &trace, &a.trace, log_n, c).is_empty());

        // The total is the sum of every fraction.
        let mut expect = Ext5::ZERO;
        for row in trace.chunks(7) {
            let d = |x: KoalaBear, bus: u32| {
                c.bus_beta
                    - (Ext5::from_base(KoalaBear::new(bus))
                        + c.bus_alpha * x
                        + c.bus_alpha * c.bus_alpha * row[6])
            };
            for &x in &row[..5] {
                expect += Ext5::from_base(row[6]) * d(x, 1).try_inverse().unwrap();
            }
            expect -=
                Ext5::from_base(row[6] + KoalaBear::ONE) * d(row[5], 2).try_inverse().unwrap();
        }
        assert_eq!(a.total, expect);

        let w = 5 * air.num_aux_columns();
        let first_group = air.num_user_constraints();
        // Moving value from column 0 to column 1 keeps the row sum but breaks both pairs.
        let mut moved = a.trace.clone();
        moved[3 * w] += KoalaBear::ONE;
        moved[3 * w + 5] -= KoalaBear::ONE;
        assert_eq!(
            failing(&air, &trace, &moved, log_n, c),
            [first_group, first_group + 1]
        );
        // A running sum that skips a fraction breaks the last constraint.
        let mut skipped = a.trace.clone();
        skipped[7 * w + w - 5] += KoalaBear::ONE;
        assert_eq!(failing(&air, &trace, &skipped, log_n, c), [first_group + 2]);
        // A claimed sum that is not the total breaks it too.
        let mut wrong = c;
        wrong.claimed_sum_per_row += Ext5::ONE;
        assert_eq!(
            failing(&air, &trace, &a.trace, log_n, wrong),
            [first_group + 2]
        );
    }
}
