//! Poseidon1 permutation tables (widths 16 and 24) as `lean_prover` AIRs.
//!
//! # Layout: one row per permutation
//! A row holds the input state, the S-box input of every round whose S-box input is not an
//! affine function of the input, the output state and a multiplicity `mult`:
//!
//! | columns | count (`t = 16` / `24`) |
//! |---|---|
//! | `in[0..t]` | 16 / 24 |
//! | `full[r][0..t]` for the full rounds `r = 1, 2, 3` and the last four full rounds | 7 t = 112 / 168 |
//! | `partial[r]` (S-box input of cell 0) for every partial round | 20 / 23 |
//! | `out[0..t]` | 16 / 24 |
//! | `mult` | 1 |
//! | **total** | **165 / 240** |
//!
//! That is the full-permutation mode ([`OutputMode::Permutation`]). The output columns can
//! also be the first `len` cells of the compression `Poseidon1_t(in) + in`
//! ([`OutputMode::Compress`]: the chain steps, 157 columns) or of the permutation
//! ([`OutputMode::Prefix`]: the aggregation statement's width-24 table, 17 cells, plus a
//! second multiplicity `short_mult` for an 8-cell prefix on another bus: 234 columns).
//!
//! The first round's S-box input `in + RC[0]` is affine in the input and is not stored.
//!
//! # Constraints (all of degree 3)
//! The AIR tracks the state symbolically as an affine combination of *terms*: the input
//! columns at first, then the cubes `x^3` of the stored S-box inputs. A full round with stored
//! S-box inputs replaces the whole basis by the `t` new cubes; a partial round adds one cube
//! (cell 0) and keeps the other cells' combinations. Round constants are folded into the
//! affine constant and the dense circulant MDS is applied to the coefficient vectors, so
//! every constraint is `stored column - (sum_k c_k term_k + c) = 0` with terms of degree 1
//! (the input) or 3 (a cube of a stored column):
//!
//! * for each stored full round `r` and cell `i`: `full[r][i]` equals the state after round
//!   `r - 1` plus `RC[r][i]`;
//! * for each partial round `r`: `partial[r]` equals cell 0 of the state after round `r - 1`
//!   plus `RC[r][0]`;
//! * `out[i]` equals cell `i` of the state after the last round.
//!
//! Together they force `out = Poseidon1_t(in)` on every row (padding rows included), with
//! `7 t + R_P + t` constraints (148 / 215).
//!
//! # Bus
//! Every row *receives* the tuple `(in[0..t], out[0..t])` with multiplicity `mult` on
//! [`POSEIDON1_16_BUS`] / [`POSEIDON1_24_BUS`] (in the other modes `(in, out[0..len])` on
//! the mode's bus, and with a shorter prefix also `(in, out[0..short])` with `short_mult`). Any other table obtains a permutation by
//! *sending* the same tuple with multiplicity 1 (or a boolean flag); LogUp balance then means
//! that every requested pair is a row of the table. `mult` is not constrained: whatever its
//! value, only rows that satisfy the permutation constraints can absorb requests. (The usual
//! LogUp caveat applies: multiplicities are field elements, so the argument assumes fewer than
//! `p` requests in total.)
//!
//! # Witness
//! [`Poseidon1Table::trace`] and its variants compute the rows in batches of 256, in
//! parallel, on the dispatched slice kernels of the given [`Isa`] (`rows.rs`: cell-major
//! batches, the circulant split of the MDS in the full rounds, the partial rounds collapsed
//! into affine maps). [`Poseidon1Table::fill_row`] is the round-by-round reference; the cells
//! are the same (`tests/poseidon_rows.rs`), on every instruction set and thread count.
//!
//! # Why not one row per round
//! One row per round would need 28 (31) rows per permutation with the round constants and the
//! full/partial flags as per-row values. `lean_prover` has no preprocessed (fixed) columns, so
//! those would have to be committed and themselves constrained (periodic-column machinery we
//! do not have), and linking rounds needs transition constraints plus row-type selectors that
//! raise the degree of `x^3` to at least 4. One row per permutation keeps every constraint at
//! degree 3, puts the constants in the constraints as constants, and
//! costs 165 cells per permutation against `28 x (16 + flags + constants) > 500` per
//! permutation for the per-round layout.

mod columns;
mod rows;

pub use columns::Poseidon1Columns;

use crate::affine_state::Affine;
use backend::poseidon::constants::{
    POSEIDON1_MDS_16_ROW, POSEIDON1_MDS_24_ROW, POSEIDON1_RC_16, POSEIDON1_RC_24,
};
use backend::poseidon::{poseidon1_permute_16, poseidon1_permute_24};
use backend::{Isa, KoalaBear};
use lean_prover::{Air, AirBuilder, AirError, BusId, Col, Expr};
use rayon::prelude::*;

/// Bus on which the width-16 table receives `(input[16], output[16])` tuples.
pub const POSEIDON1_16_BUS: BusId = BusId(0x10);
/// Bus on which the width-24 table receives `(input[24], output[24])` tuples.
pub const POSEIDON1_24_BUS: BusId = BusId(0x18);
/// Bus on which the width-16 compression table receives `(input[16], compress[8])` tuples,
/// `compress[m] = Poseidon1_16(input)[m] + input[m]` (the devnet4 chain step).
pub const POSEIDON1_16_COMPRESS_BUS: BusId = BusId(0x11);

/// What a permutation table outputs on its bus.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OutputMode {
    /// The whole output state `Poseidon1_t(input)`.
    Permutation,
    /// The first `len` cells of `Poseidon1_t(input) + input` (feed-forward compression),
    /// received on the given bus.
    Compress {
        /// Number of output cells.
        len: usize,
        /// The bus the table receives on.
        bus: BusId,
    },
    /// The first `len` cells of `Poseidon1_t(input)` (no feed-forward), received on the
    /// given bus: for users that read only part of the output state. With `short`, every
    /// row also receives `(input, output[0..short.0])` on `short.1`, with its own
    /// multiplicity column, for users that read even fewer cells (each row serves one of
    /// the two).
    Prefix {
        /// Number of output cells.
        len: usize,
        /// The bus the table receives on.
        bus: BusId,
        /// The shorter prefix `(length, bus)`, if any.
        short: Option<(usize, BusId)>,
    },
}

/// Maximum constraint degree of the permutation tables.
pub const POSEIDON_TABLE_DEGREE: usize = 3;

/// Smallest height of every table of the statement: 4 rows (the FRI STARK's minimum, kept so
/// that the tables' heights, and so the proofs, of small statements did not change when it
/// was removed; v2 itself accepts 2 rows).
pub(crate) const MIN_HEIGHT: usize = 4;

/// The parameters of one Poseidon1 instance (spec section 1.2).
#[derive(Copy, Clone, Debug)]
pub struct Poseidon1Spec<const T: usize> {
    /// Table name (used in the AIR's structural digest).
    pub name: &'static str,
    /// One round-constant vector per round, in round order.
    pub round_constants: &'static [[u32; T]],
    /// First row of the circulant MDS: `out_i = sum_j row[(j - i) mod T] x_j`.
    pub mds_row: &'static [u32; T],
    /// Number of partial rounds (the full rounds are split evenly around them).
    pub partial_rounds: usize,
    /// Bus the table receives on.
    pub bus: BusId,
    /// The reference permutation (used by the witness generator for the output columns).
    pub permute: fn(&mut [KoalaBear; T]),
}

/// Poseidon1 width 16 (4 + 20 + 4 rounds).
pub const POSEIDON1_16: Poseidon1Spec<16> = Poseidon1Spec {
    name: "poseidon1_16",
    round_constants: &POSEIDON1_RC_16,
    mds_row: &POSEIDON1_MDS_16_ROW,
    partial_rounds: 20,
    bus: POSEIDON1_16_BUS,
    permute: poseidon1_permute_16,
};

/// Poseidon1 width 24 (4 + 23 + 4 rounds).
pub const POSEIDON1_24: Poseidon1Spec<24> = Poseidon1Spec {
    name: "poseidon1_24",
    round_constants: &POSEIDON1_RC_24,
    mds_row: &POSEIDON1_MDS_24_ROW,
    partial_rounds: 23,
    bus: POSEIDON1_24_BUS,
    permute: poseidon1_permute_24,
};

impl<const T: usize> Poseidon1Spec<T> {
    /// Total number of rounds.
    pub fn rounds(&self) -> usize {
        self.round_constants.len()
    }

    /// Number of full rounds before (and after) the partial rounds.
    pub fn half_full_rounds(&self) -> usize {
        (self.rounds() - self.partial_rounds) / 2
    }

    /// Whether round `r` is a full round.
    pub fn is_full(&self, r: usize) -> bool {
        let h = self.half_full_rounds();
        r < h || r >= h + self.partial_rounds
    }

    /// The MDS coefficient `M[i][j] = row[(j - i) mod T]`.
    fn mds(&self, i: usize, j: usize) -> KoalaBear {
        KoalaBear::new(self.mds_row[(j + T - i) % T])
    }
}

/// A Poseidon1 permutation table: its AIR and column layout.
pub struct Poseidon1Table<const T: usize> {
    spec: Poseidon1Spec<T>,
    mode: OutputMode,
    /// The round constants as field elements (the witness generator's per-row work).
    round_constants: Vec<[KoalaBear; T]>,
    /// The MDS matrix as field elements, row by row.
    mds: Vec<[KoalaBear; T]>,
    /// The batched trace generator's constants.
    plan: rows::RowPlan<T>,
    air: Air,
    cols: Poseidon1Columns<T>,
}

impl<const T: usize> Poseidon1Table<T> {
    /// Builds the AIR of `spec` (see the module docs for columns and constraints).
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not for the two
    /// devnet4 instances).
    pub fn new(spec: Poseidon1Spec<T>) -> Result<Self, AirError> {
        Self::with_output(spec, OutputMode::Permutation)
    }

    /// Builds the AIR of `spec` with the given output mode: in compression mode the output
    /// columns hold `Poseidon1_t(input)[m] + input[m]` for `m < len`, in prefix mode
    /// `Poseidon1_t(input)[m]` for `m < len`; the other cells are neither stored nor
    /// constrained.
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description.
    ///
    /// # Panics
    /// If a compression length is 0 or above `T`.
    pub fn with_output(spec: Poseidon1Spec<T>, mode: OutputMode) -> Result<Self, AirError> {
        let (name, out_len, bus) = match mode {
            OutputMode::Permutation => (spec.name.to_string(), T, spec.bus),
            OutputMode::Compress { len, bus } => {
                assert!((1..=T).contains(&len), "compression length {len}");
                (format!("{}_compress{len}", spec.name), len, bus)
            }
            OutputMode::Prefix { len, bus, short } => {
                assert!((1..=T).contains(&len), "prefix length {len}");
                let name = match short {
                    Some((s, _)) => {
                        assert!((1..=len).contains(&s), "short prefix length {s}");
                        format!("{}_prefix{len}_{s}", spec.name)
                    }
                    None => format!("{}_prefix{len}", spec.name),
                };
                (name, len, bus)
            }
        };
        let feed_forward = matches!(mode, OutputMode::Compress { .. });
        let b = AirBuilder::new(&name);
        let input: [Col; T] = core::array::from_fn(|i| b.column(&format!("in{i}")));
        let sbox: Vec<Vec<Col>> = (0..spec.rounds())
            .map(|r| {
                if r == 0 {
                    vec![]
                } else if spec.is_full(r) {
                    b.columns(&format!("full{r}_"), T)
                } else {
                    vec![b.column(&format!("partial{r}"))]
                }
            })
            .collect();
        let output: Vec<Col> = (0..out_len).map(|i| b.column(&format!("out{i}"))).collect();
        let mult = b.column("mult");
        let short = match mode {
            OutputMode::Prefix {
                short: Some((len, bus)),
                ..
            } => Some((len, bus, b.column("short_mult"))),
            _ => None,
        };

        // State: affine combinations of `terms`.
        let mut terms: Vec<Expr<'_>> = input.iter().map(|&c| b.main(c)).collect();
        let mut state: Vec<Affine> = (0..T).map(|i| Affine::unit(i, T)).collect();
        for (r, rc) in spec.round_constants.iter().enumerate() {
            for (s, &c) in state.iter_mut().zip(rc) {
                s.constant += KoalaBear::new(c);
            }
            if spec.is_full(r) {
                let sbox_in: Vec<Expr<'_>> = if r == 0 {
                    state.iter().map(|s| s.to_expr(&b, &terms)).collect()
                } else {
                    sbox[r]
                        .iter()
                        .zip(&state)
                        .map(|(&c, s)| {
                            b.assert_zero(b.main(c) - s.to_expr(&b, &terms));
                            b.main(c)
                        })
                        .collect()
                };
                terms = sbox_in.iter().map(|&x| x * x * x).collect();
                state = (0..T).map(|i| Affine::unit(i, T)).collect();
            } else {
                let c = sbox[r][0];
                b.assert_zero(b.main(c) - state[0].to_expr(&b, &terms));
                let x = b.main(c);
                terms.push(x * x * x);
                let len = terms.len();
                for s in state.iter_mut() {
                    s.coeffs.resize(len, KoalaBear::ZERO);
                }
                state[0] = Affine::unit(len - 1, len);
            }
            // MDS on the coefficient vectors and constants.
            let len = terms.len();
            state = (0..T)
                .map(|i| Affine {
                    coeffs: (0..len)
                        .map(|k| (0..T).map(|j| spec.mds(i, j) * state[j].coeffs[k]).sum())
                        .collect(),
                    constant: (0..T).map(|j| spec.mds(i, j) * state[j].constant).sum(),
                })
                .collect();
        }
        for ((&o, s), &i) in output.iter().zip(&state).zip(&input) {
            let value = s.to_expr(&b, &terms);
            let value = if feed_forward {
                value + b.main(i)
            } else {
                value
            };
            b.assert_zero(b.main(o) - value);
        }
        let tuple: Vec<Expr<'_>> = input.iter().chain(&output).map(|&c| b.main(c)).collect();
        b.receive(bus, &tuple, b.main(mult));
        if let Some((len, bus, m)) = short {
            b.receive(bus, &tuple[..T + len], b.main(m));
        }

        let width = T
            + out_len
            + 1
            + usize::from(short.is_some())
            + sbox.iter().map(Vec::len).sum::<usize>();
        let air = b.build(POSEIDON_TABLE_DEGREE)?;
        debug_assert_eq!(air.width(), width);
        let round_constants: Vec<[KoalaBear; T]> = spec
            .round_constants
            .iter()
            .map(|rc| rc.map(KoalaBear::new))
            .collect();
        let mds: Vec<[KoalaBear; T]> = (0..T)
            .map(|i| core::array::from_fn(|j| spec.mds(i, j)))
            .collect();
        Ok(Poseidon1Table {
            plan: rows::RowPlan::new(round_constants.clone(), mds.clone(), spec.partial_rounds),
            round_constants,
            mds,
            spec,
            mode,
            air,
            cols: Poseidon1Columns {
                input,
                sbox,
                output,
                mult,
                short_mult: short.map(|s| s.2),
                width,
            },
        })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &Poseidon1Columns<T> {
        &self.cols
    }

    /// The permutation parameters.
    pub fn spec(&self) -> &Poseidon1Spec<T> {
        &self.spec
    }

    /// Number of columns per row.
    pub fn width(&self) -> usize {
        self.cols.width
    }

    /// Fills one row for `input` with multiplicity `mult` (and 0 for a shorter prefix), round
    /// by round: the readable reference of the batched generator behind [`Self::trace`].
    pub fn fill_row(&self, input: &[KoalaBear; T], mult: KoalaBear, row: &mut [KoalaBear]) {
        assert_eq!(row.len(), self.cols.width, "row length");
        let mut state = *input;
        for (col, &x) in self.cols.input.iter().zip(input) {
            row[col.0] = x;
        }
        for (r, rc) in self.round_constants.iter().enumerate() {
            for (s, &c) in state.iter_mut().zip(rc) {
                *s += c;
            }
            if self.spec.is_full(r) {
                for (col, &x) in self.cols.sbox[r].iter().zip(&state) {
                    row[col.0] = x;
                }
                state.iter_mut().for_each(|s| *s = *s * *s * *s);
            } else {
                row[self.cols.sbox[r][0].0] = state[0];
                state[0] = state[0] * state[0] * state[0];
            }
            state = core::array::from_fn(|i| {
                let m = &self.mds[i];
                (0..T).map(|j| m[j] * state[j]).sum()
            });
        }
        if cfg!(debug_assertions) {
            let mut reference = *input;
            (self.spec.permute)(&mut reference);
            assert_eq!(
                state, reference,
                "round-by-round trace disagrees with the reference"
            );
        }
        for ((col, &x), &i) in self.cols.output.iter().zip(&state).zip(input) {
            row[col.0] = if self.feed_forward() { x + i } else { x };
        }
        row[self.cols.mult.0] = mult;
    }

    /// Whether the output cells are the compression `Poseidon1_t(in) + in`.
    fn feed_forward(&self) -> bool {
        matches!(self.mode, OutputMode::Compress { .. })
    }

    /// The row-major trace of `n` permutations, row `k` for `input(k)` with the
    /// multiplicities `mults(k)` (`mult`, `short_mult`), padded to a power of two (at least 4
    /// rows) with permutations of the zero state of multiplicity 0. Batches of rows run in
    /// parallel on the dispatched kernels of `isa`; the cells do not depend on `isa` or on
    /// the number of threads.
    fn trace_with(
        &self,
        isa: Isa,
        n: usize,
        input: impl Fn(usize) -> [KoalaBear; T] + Sync,
        mults: impl Fn(usize) -> (KoalaBear, KoalaBear) + Sync,
    ) -> Vec<KoalaBear> {
        let height = n.next_power_of_two().max(MIN_HEIGHT);
        let w = self.cols.width;
        let mut trace = KoalaBear::zero_vec(height * w);
        let mut pad = KoalaBear::zero_vec(w);
        self.fill_row(&[KoalaBear::ZERO; T], KoalaBear::ZERO, &mut pad);
        let partial = self.spec.partial_rounds;
        trace
            .par_chunks_mut(rows::BATCH * w)
            .enumerate()
            .for_each_init(
                || {
                    (
                        rows::Scratch::new(T, partial),
                        Vec::with_capacity(rows::BATCH),
                    )
                },
                |(scratch, inputs), (c, chunk)| {
                    let start = c * rows::BATCH;
                    let real = n.saturating_sub(start).min(chunk.len() / w);
                    inputs.clear();
                    inputs.extend((start..start + real).map(&input));
                    let (filled, padding) = chunk.split_at_mut(real * w);
                    self.plan.fill_rows(
                        isa,
                        &self.cols,
                        self.feed_forward(),
                        inputs,
                        filled,
                        scratch,
                    );
                    for (k, row) in filled.chunks_exact_mut(w).enumerate() {
                        let (mult, short) = mults(start + k);
                        row[self.cols.mult.0] = mult;
                        if let Some(col) = self.cols.short_mult {
                            row[col.0] = short;
                        }
                    }
                    for row in padding.chunks_exact_mut(w) {
                        row.copy_from_slice(&pad);
                    }
                },
            );
        trace
    }

    /// The row-major trace for `requests` (input state, multiplicity), one row each in order,
    /// padded to a power of two (at least 4 rows) with permutations of the zero state of
    /// multiplicity 0; computed on `isa` (the cells are the same on every instruction set).
    pub fn trace(&self, isa: Isa, requests: &[([KoalaBear; T], u32)]) -> Vec<KoalaBear> {
        self.trace_with(
            isa,
            requests.len(),
            |k| requests[k].0,
            |k| (KoalaBear::new(requests[k].1), KoalaBear::ZERO),
        )
    }

    /// The trace for `inputs`, each with multiplicity 1.
    pub fn trace_for_inputs(&self, isa: Isa, inputs: &[[KoalaBear; T]]) -> Vec<KoalaBear> {
        self.trace_with(
            isa,
            inputs.len(),
            |k| inputs[k],
            |_| (KoalaBear::ONE, KoalaBear::ZERO),
        )
    }

    /// The trace for `long` inputs (multiplicity 1 on the full prefix) followed by `short`
    /// inputs (multiplicity 1 on the shorter prefix), padded as [`Self::trace`].
    ///
    /// # Panics
    /// If the table has no shorter prefix and `short` is not empty.
    pub fn trace_for_split_inputs(
        &self,
        isa: Isa,
        long: &[[KoalaBear; T]],
        short: &[[KoalaBear; T]],
    ) -> Vec<KoalaBear> {
        assert!(
            short.is_empty() || self.cols.short_mult.is_some(),
            "no shorter prefix"
        );
        let split = long.len();
        self.trace_with(
            isa,
            split + short.len(),
            |k| if k < split { long[k] } else { short[k - split] },
            |k| {
                if k < split {
                    (KoalaBear::ONE, KoalaBear::ZERO)
                } else {
                    (KoalaBear::ZERO, KoalaBear::ONE)
                }
            },
        )
    }

    /// The output cells stored in `row` (the state, or the compression output).
    pub fn row_output(&self, row: &[KoalaBear]) -> Vec<KoalaBear> {
        self.cols.output.iter().map(|c| row[c.0]).collect()
    }

    /// The output mode.
    pub fn mode(&self) -> OutputMode {
        self.mode
    }
}

/// The width-16 table.
///
/// # Panics
/// Never for the built-in parameters (the AIR is within `lean_prover`'s limits).
pub fn poseidon1_16_table() -> Poseidon1Table<16> {
    Poseidon1Table::new(POSEIDON1_16).expect("Poseidon1-16 AIR")
}

/// The width-16 compression table of the chain steps: `(input[16], compress[8])` on
/// [`POSEIDON1_16_COMPRESS_BUS`].
///
/// # Panics
/// Never for the built-in parameters.
pub fn poseidon1_16_compress_table() -> Poseidon1Table<16> {
    Poseidon1Table::with_output(
        POSEIDON1_16,
        OutputMode::Compress {
            len: 8,
            bus: POSEIDON1_16_COMPRESS_BUS,
        },
    )
    .expect("Poseidon1-16 compression AIR")
}

/// Bus on which the width-24 prefix table receives `(input[24], output[0..17])` tuples.
pub const POSEIDON1_24_PREFIX_BUS: BusId = BusId(0x19);

/// Output cells of the width-24 permutation the aggregation statement reads: the leaf
/// sponge's capacity (9) and leaf digest (8); the message hash and the Merkle compression
/// read fewer.
pub const POSEIDON1_24_PREFIX_LEN: usize = 17;

/// Bus on which the width-24 prefix table receives `(input[24], output[0..8])` tuples.
pub const POSEIDON1_24_SHORT_BUS: BusId = BusId(0x1a);

/// Output cells the message hash (at most 8 used elements) and the Merkle compression read.
pub const POSEIDON1_24_SHORT_LEN: usize = 8;

/// The width-24 table of the aggregation statement: `(input[24], output[0..17])` on
/// [`POSEIDON1_24_PREFIX_BUS`] (the leaf sponge) and `(input[24], output[0..8])` on
/// [`POSEIDON1_24_SHORT_BUS`] (message hash, Merkle nodes).
///
/// # Panics
/// Never for the built-in parameters.
pub fn poseidon1_24_prefix_table() -> Poseidon1Table<24> {
    Poseidon1Table::with_output(
        POSEIDON1_24,
        OutputMode::Prefix {
            len: POSEIDON1_24_PREFIX_LEN,
            bus: POSEIDON1_24_PREFIX_BUS,
            short: Some((POSEIDON1_24_SHORT_LEN, POSEIDON1_24_SHORT_BUS)),
        },
    )
    .expect("Poseidon1-24 prefix AIR")
}

/// The width-24 table.
///
/// # Panics
/// Never for the built-in parameters (the AIR is within `lean_prover`'s limits).
pub fn poseidon1_24_table() -> Poseidon1Table<24> {
    Poseidon1Table::new(POSEIDON1_24).expect("Poseidon1-24 AIR")
}
