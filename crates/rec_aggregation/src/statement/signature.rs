//! The signature table (`docs/air.md`, section 3): one row per signature, with the message
//! hash, the abort rule, the digit groups and the target sum. Its witness: the message
//! hashes on the batched width-24 permutation, their remainders and digits, and the trace.

use super::buses::{DIGITS_BUS, PARAMETER_BUS, RANGE127_BUS};
use super::dims::{DEGREE, Dims, cols, fe, par_poseidon1_24, set};
#[cfg(feature = "forgery")]
use super::forgery::Forgery;
use super::inputs::WitnessInputs;
use crate::poseidon_table::{POSEIDON1_24_SHORT_BUS, POSEIDON1_24_SHORT_LEN};
use backend::KoalaBear as F;
use lean_prover::{Air, AirBuilder, Col, Expr};
use xmss::Config;
use xmss::encoding::message_hash_input;
use xmss::params::{BASE, DIGITS_PER_FE, PARAMETER_LEN, Q, RAND_LEN, TWEAK_LEN};

/// Largest pair of unused digits, `7 + 8 * 7`: a pair `u` is in range when `u` and `63 - u`
/// are both in `0..127` (with `u > 63`, `63 - u` wraps to `p - (u - 63)`).
const MAX_DIGIT_PAIR: u32 = 63;

/// Column layout of the signature table.
#[derive(Clone, Debug)]
pub struct SignatureColumns {
    /// 1 on the rows `0..N`, 0 on padding.
    pub active: Col,
    /// Signature index (row index).
    pub j: Col,
    /// The key's public parameter.
    pub parameter: [Col; PARAMETER_LEN],
    /// The signature's randomness.
    pub rho: [Col; RAND_LEN],
    /// The first 8 cells of the message-hash permutation's output (the first `n_A` are used).
    pub msg_out: [Col; POSEIDON1_24_SHORT_LEN],
    /// Remainders `A_a mod 127`.
    pub rem: Vec<Col>,
    /// The unused digits of the last element, in pairs `x_c + 8 x_{c+1}`.
    pub unused: Vec<Col>,
    /// Digit sum of each group, `S_a`.
    pub group_sum: Vec<Col>,
}

/// Public values of the signature table: the message (9) and the message tweak (2).
const SIG_PUBLICS: usize = 9 + TWEAK_LEN;

/// The signature table: one row per signature (see `docs/air.md`, section 3).
pub struct SignatureTable {
    air: Air,
    cols: SignatureColumns,
}

impl SignatureTable {
    pub(super) fn new(config: Config) -> SignatureTable {
        let d = Dims::of(config);
        let b = AirBuilder::new(&format!("signature_{}", config.name()));
        let active = b.column("active");
        let j = b.column("j");
        let parameter: [Col; PARAMETER_LEN] = cols(&b, "parameter");
        let rho: [Col; RAND_LEN] = cols(&b, "rho");
        assert!(
            d.n_a <= POSEIDON1_24_SHORT_LEN,
            "message-hash elements within the prefix"
        );
        let msg_out: [Col; POSEIDON1_24_SHORT_LEN] = cols(&b, "msg_out");
        let rem = b.columns("rem", d.n_a);
        let unused = b.columns("unused", d.unused_pairs());
        let group_sum = b.columns("group_sum", d.n_a);

        let pv: Vec<Expr<'_>> = (0..SIG_PUBLICS).map(|_| b.public_value()).collect();
        let m = |c: Col| b.main(c);
        let act = m(active);
        let zero = b.constant(F::ZERO);
        let p: Vec<Expr<'_>> = parameter.iter().map(|&c| m(c)).collect();

        // Row bookkeeping: active is a boolean prefix, j counts rows from 0.
        b.assert_zero(act * (act - F::ONE));
        b.when_first_row(m(j));
        b.when_transition(b.next(j) - m(j) - F::ONE);
        b.when_transition(b.next(active) * (act - F::ONE));

        // Message hash: P24 on [M | P | TW_msg | rho | 0].
        let mut msg_in: Vec<Expr<'_>> = pv[..9].to_vec();
        msg_in.extend(&p);
        msg_in.extend(&pv[9..SIG_PUBLICS]);
        msg_in.extend(rho.iter().map(|&c| m(c)));
        msg_in.push(zero);
        let mut tuple = msg_in.clone();
        tuple.extend(msg_out.iter().map(|&c| m(c)));
        b.send(POSEIDON1_24_SHORT_BUS, &tuple, act);

        // Abort rule and digits: A_a = y_a + in_a = r_a + 127 D'_a with r_a < 127, and the
        // group's chains hold the base-8 digits of D'_a (the last element's unused digits
        // are here, range-checked in pairs).
        let inv_q = F::new(Q).inverse_or_zero();
        let r = d.last_group_len();
        let mut sum = zero;
        for a in 0..d.n_a {
            let a_value = m(msg_out[a]) + msg_in[a];
            let mut digits = (a_value - m(rem[a])) * inv_q;
            if a + 1 == d.n_a {
                for (p_idx, &u) in unused.iter().enumerate() {
                    let weight = F::new(BASE as u32).exp_u64((r + 2 * p_idx) as u64);
                    digits = digits - m(u) * weight;
                }
            }
            b.send(RANGE127_BUS, &[m(rem[a])], act);
            let mut t = vec![m(j), b.constant(fe(a)), digits, m(group_sum[a])];
            t.extend(&p);
            b.send(DIGITS_BUS, &t, act);
            sum = sum + m(group_sum[a]);
        }
        for &u in &unused {
            b.send(RANGE127_BUS, &[m(u)], act);
            b.send(
                RANGE127_BUS,
                &[b.constant(F::new(MAX_DIGIT_PAIR)) - m(u)],
                act,
            );
        }
        // Target sum.
        b.assert_zero(act * (sum - fe(d.target_sum)));

        // The parameter is the one of signature j's sponge, hence of its Merkle walk, which
        // ends at key j's root and parameter.
        let mut t = vec![m(j)];
        t.extend(&p);
        b.send(PARAMETER_BUS, &t, act);

        let air = b
            .build(DEGREE)
            .expect("signature AIR within lean_prover limits");
        SignatureTable {
            air,
            cols: SignatureColumns {
                active,
                j,
                parameter,
                rho,
                msg_out,
                rem,
                unused,
                group_sum,
            },
        }
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &SignatureColumns {
        &self.cols
    }
}

/// The message hashes of every signature, with the remainders and digits read from them.
pub(super) struct MessageHashes {
    /// Per signature: the permutation input `[M | P | TW_msg | rho | 0]` (the first of the
    /// short width-24 requests).
    pub inputs: Vec<[F; 24]>,
    /// Per signature: the permutation output.
    outputs: Vec<[F; 24]>,
    /// Per signature: the remainders `A_a mod 127`, `a < n_A`.
    rem: Vec<Vec<u32>>,
    /// Per signature: the base-8 digits of every used element's quotient (`8 n_A`; the first
    /// `V` are the chains' positions, the rest the unused digits).
    pub digits: Vec<Vec<u32>>,
}

/// Hashes every signature's message (`message_fes`, the message as field elements) on the
/// batched permutation and decomposes the hashes into remainders and digits.
pub(super) fn hash_messages(w: &WitnessInputs<'_>, message_fes: &[F; 9]) -> MessageHashes {
    let d = w.d;
    let inputs: Vec<[F; 24]> = (0..w.n())
        .map(|j| message_hash_input(&w.parameters[j], w.slot, &w.signatures[j].rho, message_fes))
        .collect();
    #[cfg(feature = "forgery")]
    let inputs = {
        let mut inputs = inputs;
        if w.forgery == Forgery::MessageHashInput {
            inputs[0][0] += F::ONE;
        }
        inputs
    };
    let mut outputs = inputs.clone();
    par_poseidon1_24(w.isa, &mut outputs);
    let mut rem = Vec::with_capacity(w.n());
    let mut digits = Vec::with_capacity(w.n());
    for (out, input) in outputs.iter().zip(&inputs) {
        let mut r = Vec::with_capacity(d.n_a);
        let mut x = Vec::with_capacity(DIGITS_PER_FE * d.n_a);
        for a in 0..d.n_a {
            let value = (out[a] + input[a]).as_canonical_u32();
            r.push(value % Q);
            let mut q = value / Q;
            for _ in 0..DIGITS_PER_FE {
                x.push(q % BASE as u32);
                q /= BASE as u32;
            }
        }
        rem.push(r);
        digits.push(x);
    }
    #[cfg(feature = "forgery")]
    if w.forgery == Forgery::RemainderRange {
        // Lower an unused digit and add its weight to the remainder.
        // (Without a non-zero unused digit there is nothing to forge.)
        let (rem, digits) = (&mut rem[0], &mut digits[0]);
        if let Some(c) = (d.v..digits.len()).rev().find(|&c| digits[c] > 0) {
            digits[c] -= 1;
            let a = c / DIGITS_PER_FE;
            rem[a] += Q * (BASE as u32).pow((c % DIGITS_PER_FE) as u32);
        }
    }
    MessageHashes {
        inputs,
        outputs,
        rem,
        digits,
    }
}

impl SignatureTable {
    /// The trace (`height` rows) for the message hashes `h`; adds the range checks of its
    /// rows to `range127` (per-value multiplicities of the range table).
    pub(super) fn trace(
        &self,
        w: &WitnessInputs<'_>,
        h: &MessageHashes,
        height: usize,
        range127: &mut [u32],
    ) -> Vec<F> {
        let d = w.d;
        let sc = &self.cols;
        let width = self.air.width();
        let mut trace = F::zero_vec(height * width);
        let last = range127.len() - 1;
        for (r, row) in trace.chunks_exact_mut(width).enumerate() {
            row[sc.j.0] = fe(r);
            if r >= w.n() {
                continue;
            }
            let (rem, digits) = (&h.rem[r], &h.digits[r]);
            row[sc.active.0] = F::ONE;
            set(row, &sc.parameter, &w.parameters[r]);
            set(row, &sc.rho, &w.signatures[r].rho);
            set(row, &sc.msg_out, &h.outputs[r]);
            // (Out-of-range values only occur in forged witnesses; they count on the last row.)
            for (c, &x) in sc.rem.iter().zip(rem) {
                row[c.0] = F::new(x);
                range127[(x as usize).min(last)] += 1;
            }
            for (p, c) in sc.unused.iter().enumerate() {
                let at = d.v + 2 * p;
                let pair = digits[at] + BASE as u32 * digits[at + 1];
                row[c.0] = F::new(pair);
                range127[(pair as usize).min(last)] += 1;
                let mirror = (MAX_DIGIT_PAIR as usize).checked_sub(pair as usize);
                range127[mirror.unwrap_or(last).min(last)] += 1;
            }
            for (a, c) in sc.group_sum.iter().enumerate() {
                let group = DIGITS_PER_FE * a..(DIGITS_PER_FE * (a + 1)).min(d.v);
                row[c.0] = F::new(digits[group].iter().sum());
            }
        }
        trace
    }
}
