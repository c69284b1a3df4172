//! Poseidon2 permutation tables (widths 16 and 24) as `lean_prover` AIRs: the first building
//! block of recursion, whose verifier re-hashes Merkle openings (the 2-to-1 compression on
//! Poseidon2-16, the row hash sponge on Poseidon2-24) and replays the Fiat-Shamir challenger
//! (Poseidon2-16).
//!
//! The permutation is exactly `backend::poseidon::poseidon2_permute_{16,24}` (Plonky3's
//! default KoalaBear instances): the external linear layer `M_E` on the input, 4 external
//! rounds (add a constant to every cell, cube every cell, `M_E`), `R_P` = 20 / 23 internal
//! rounds (add a constant to cell 0, cube cell 0, the internal layer `M_I = 1 + Diag(V)`),
//! 4 external rounds. The tables are the Poseidon2 counterparts of the Poseidon1 tables of
//! [`crate::poseidon_table`] and follow the same design (one row per permutation, every
//! constraint of degree 3; see that module for why not one row per round).
//!
//! # Layout: one row per permutation
//! A row holds the input state, the S-box input of every round whose S-box input is not an
//! affine function of the input, the output cells and a multiplicity `mult`:
//!
//! | columns | count (`t = 16` / `24`) |
//! |---|---|
//! | `in[0..t]` | 16 / 24 |
//! | `ext{r}_[0..t]`: the S-box inputs of the initial external rounds `r = 1, 2, 3` and of the four final external rounds | 7 t = 112 / 168 |
//! | `int{r}`: the S-box input (cell 0) of every internal round | 20 / 23 |
//! | `out[0..t]` | 16 / 24 |
//! | `mult` | 1 |
//! | **total** | **165 / 240** |
//!
//! That is the full-permutation mode ([`Poseidon2Output::Permutation`]). In compression mode
//! ([`Poseidon2Output::Compress`]) the output columns are the first `len` cells of
//! `Poseidon2_t(in) + in`: the Merkle tree's 2-to-1 compression
//! (`backend::merkle::compress`, `(P(l || r) + (l || r))[0..8]`) is the width-16 table with
//! `len = 8`, **157 columns** ([`poseidon2_16_compress_table`]).
//!
//! The first round's S-box input `M_E in + RC[0]` is affine in the input and is not stored.
//! Every later S-box input has degree at least 3 in the input, so storing it is what keeps the
//! constraints at degree 3.
//!
//! # Constraints (all of degree 3)
//! As in the Poseidon1 tables, the AIR tracks the state symbolically as an affine combination
//! of *terms*: the input columns at first, then the cubes `x^3` of the stored S-box inputs.
//! The initial `M_E` is applied to the coefficient vectors; an external round replaces the
//! whole basis by the `t` new cubes and applies `M_E`; an internal round adds one cube (cell
//! 0), keeps the other cells' combinations and applies `M_I`. Round constants are folded into
//! the affine constant, so every constraint is `stored column - (sum_k c_k term_k + c) = 0`
//! with terms of degree 1 (the input) or 3 (the cube of a stored column):
//!
//! * for each stored external round `r` and cell `i`: `ext{r}_i` equals cell `i` of the state
//!   after round `r - 1` plus `RC[r][i]`;
//! * for each internal round `r`: `int{r}` equals cell 0 of the state after round `r - 1`
//!   plus `RC[r]`;
//! * `out[i]` equals cell `i` of the state after the last round (plus `in[i]` in compression
//!   mode).
//!
//! Together they force `out = Poseidon2_t(in)` (or its compression) on every row, padding
//! rows included. Measured (`tests/poseidon2_table.rs`, `layout_and_degree`):
//!
//! | table | width | constraints (`7 t + R_P + out`) | degree |
//! |---|---|---|---|
//! | Poseidon2-16 | 165 | 148 | 3 |
//! | Poseidon2-16 compression (8 cells) | 157 | 140 | 3 |
//! | Poseidon2-24 | 240 | 215 | 3 |
//!
//! # Buses
//! Every row *receives* the tuple `(in[0..t], out[0..t])` with multiplicity `mult` on
//! [`POSEIDON2_16_BUS`] (0x30) / [`POSEIDON2_24_BUS`] (0x38); the compression table receives
//! `(in[0..16], compress[0..8])` on [`POSEIDON2_16_COMPRESS_BUS`] (0x31). The ids are new: the
//! Poseidon1 tables use 0x10, 0x11 and 0x18 to 0x1a ([`crate::poseidon_table`]) and the
//! aggregation statement 0x20 to 0x27 (`statement/buses.rs`); 0x30 to 0x3f is kept for the
//! Poseidon2 tables. Any other table obtains a permutation by *sending* the same tuple with
//! multiplicity 1 (or a boolean flag); LogUp balance then means that every requested pair is
//! a row of the table. `mult` is not constrained: whatever its value, only rows that satisfy
//! the permutation constraints can absorb requests. (The usual LogUp caveat applies:
//! multiplicities are field elements, so the argument assumes fewer than `p` requests in
//! total.)
//!
//! # Witness
//! [`Poseidon2Table::trace`] fills one row per input with [`Poseidon2Table::fill_row`], the
//! round-by-round reference (the layers in their structured form, `layers.rs`), rows in
//! parallel with rayon; debug builds check every row's output against
//! `backend::poseidon::poseidon2_permute_{16,24}`. The cells depend neither on the
//! instruction set nor on the number of threads. The constants are the backend's
//! (`backend::poseidon::constants` and the internal diagonals
//! `backend::poseidon::POSEIDON2_DIAG_{16,24}`), and the tests check the tables bit for bit
//! against the backend's permutations.

mod columns;
mod layers;
mod spec;

pub use columns::Poseidon2Columns;
pub use spec::Poseidon2Spec;

use crate::affine_state::{Affine, apply};
use crate::poseidon_table::{MIN_HEIGHT, POSEIDON_TABLE_DEGREE};
use backend::poseidon::constants::{
    POSEIDON2_RC_16_EXTERNAL_FINAL, POSEIDON2_RC_16_EXTERNAL_INITIAL, POSEIDON2_RC_16_INTERNAL,
    POSEIDON2_RC_24_EXTERNAL_FINAL, POSEIDON2_RC_24_EXTERNAL_INITIAL, POSEIDON2_RC_24_INTERNAL,
};
use backend::poseidon::{
    POSEIDON2_DIAG_16, POSEIDON2_DIAG_24, poseidon2_permute_16, poseidon2_permute_24,
};
use backend::{Isa, KoalaBear};
use layers::{Round, Schedule};
use lean_prover::{Air, AirBuilder, AirError, BusId, Col, Expr};
use rayon::prelude::*;

/// Bus on which the width-16 table receives `(input[16], output[16])` tuples.
pub const POSEIDON2_16_BUS: BusId = BusId(0x30);
/// Bus on which the width-16 compression table receives `(input[16], compress[8])` tuples,
/// `compress[m] = Poseidon2_16(input)[m] + input[m]` (the Merkle tree's 2-to-1 compression).
pub const POSEIDON2_16_COMPRESS_BUS: BusId = BusId(0x31);
/// Bus on which the width-24 table receives `(input[24], output[24])` tuples.
pub const POSEIDON2_24_BUS: BusId = BusId(0x38);

/// Output cells of the width-16 compression (a Merkle digest).
pub const POSEIDON2_16_COMPRESS_LEN: usize = 8;

/// What a Poseidon2 table outputs on its bus.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Poseidon2Output {
    /// The whole output state `Poseidon2_t(input)`, on the spec's bus.
    Permutation,
    /// The first `len` cells of `Poseidon2_t(input) + input` (feed-forward compression),
    /// received on the given bus.
    Compress {
        /// Number of output cells.
        len: usize,
        /// The bus the table receives on.
        bus: BusId,
    },
}

/// Poseidon2 width 16 (4 + 20 + 4 rounds), as `backend::poseidon::poseidon2_permute_16`.
pub const POSEIDON2_16: Poseidon2Spec<16> = Poseidon2Spec {
    name: "poseidon2_16",
    external_initial: &POSEIDON2_RC_16_EXTERNAL_INITIAL,
    internal: &POSEIDON2_RC_16_INTERNAL,
    external_final: &POSEIDON2_RC_16_EXTERNAL_FINAL,
    diag: &POSEIDON2_DIAG_16,
    bus: POSEIDON2_16_BUS,
    permute: poseidon2_permute_16,
};

/// Poseidon2 width 24 (4 + 23 + 4 rounds), as `backend::poseidon::poseidon2_permute_24`.
pub const POSEIDON2_24: Poseidon2Spec<24> = Poseidon2Spec {
    name: "poseidon2_24",
    external_initial: &POSEIDON2_RC_24_EXTERNAL_INITIAL,
    internal: &POSEIDON2_RC_24_INTERNAL,
    external_final: &POSEIDON2_RC_24_EXTERNAL_FINAL,
    diag: &POSEIDON2_DIAG_24,
    bus: POSEIDON2_24_BUS,
    permute: poseidon2_permute_24,
};

/// A Poseidon2 permutation table: its AIR and column layout.
pub struct Poseidon2Table<const T: usize> {
    spec: Poseidon2Spec<T>,
    mode: Poseidon2Output,
    schedule: Schedule<T>,
    air: Air,
    cols: Poseidon2Columns<T>,
}

impl<const T: usize> Poseidon2Table<T> {
    /// Builds the full-permutation AIR of `spec` (see the module docs for columns and
    /// constraints).
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description (it does not for the two
    /// built-in instances).
    pub fn new(spec: Poseidon2Spec<T>) -> Result<Self, AirError> {
        Self::with_output(spec, Poseidon2Output::Permutation)
    }

    /// Builds the AIR of `spec` with the given output mode: in compression mode the output
    /// columns hold `Poseidon2_t(input)[m] + input[m]` for `m < len`; the other cells are
    /// neither stored nor constrained.
    ///
    /// # Errors
    /// An [`AirError`] if `lean_prover` refuses the description.
    ///
    /// # Panics
    /// If a compression length is 0 or above `T`, if `spec` has no initial external round, or
    /// if `T` is not a multiple of 4 (the external layer works on blocks of four cells).
    pub fn with_output(spec: Poseidon2Spec<T>, mode: Poseidon2Output) -> Result<Self, AirError> {
        let (name, out_len, bus) = match mode {
            Poseidon2Output::Permutation => (spec.name.to_string(), T, spec.bus),
            Poseidon2Output::Compress { len, bus } => {
                assert!((1..=T).contains(&len), "compression length {len}");
                (format!("{}_compress{len}", spec.name), len, bus)
            }
        };
        assert!(
            !spec.external_initial.is_empty(),
            "the first round is an external round"
        );
        let feed_forward = matches!(mode, Poseidon2Output::Compress { .. });
        let schedule = Schedule::new(&spec);
        let b = AirBuilder::new(&name);
        let input: [Col; T] = core::array::from_fn(|i| b.column(&format!("in{i}")));
        let sbox: Vec<Vec<Col>> = (0..spec.rounds())
            .map(|r| {
                if r == 0 {
                    vec![]
                } else if spec.is_external(r) {
                    b.columns(&format!("ext{r}_"), T)
                } else {
                    vec![b.column(&format!("int{r}"))]
                }
            })
            .collect();
        let output: Vec<Col> = (0..out_len).map(|i| b.column(&format!("out{i}"))).collect();
        let mult = b.column("mult");

        // The state: affine combinations of `terms`, starting from the initial external layer
        // applied to the input.
        let mut terms: Vec<Expr<'_>> = input.iter().map(|&c| b.main(c)).collect();
        let mut state = apply(&schedule.external, &Affine::units::<T>());
        for (r, round) in schedule.rounds.iter().enumerate() {
            match round {
                Round::External(rc) => {
                    for (s, &c) in state.iter_mut().zip(rc) {
                        s.constant += c;
                    }
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
                    state = apply(&schedule.external, &Affine::units::<T>());
                }
                Round::Internal(c) => {
                    state[0].constant += *c;
                    let col = sbox[r][0];
                    b.assert_zero(b.main(col) - state[0].to_expr(&b, &terms));
                    let x = b.main(col);
                    terms.push(x * x * x);
                    let len = terms.len();
                    for s in state.iter_mut() {
                        s.coeffs.resize(len, KoalaBear::ZERO);
                    }
                    state[0] = Affine::unit(len - 1, len);
                    state = apply(&schedule.internal, &state);
                }
            }
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

        let width = T + out_len + 1 + sbox.iter().map(Vec::len).sum::<usize>();
        let air = b.build(POSEIDON_TABLE_DEGREE)?;
        debug_assert_eq!(air.width(), width);
        Ok(Poseidon2Table {
            spec,
            mode,
            schedule,
            air,
            cols: Poseidon2Columns {
                input,
                sbox,
                output,
                mult,
                width,
            },
        })
    }

    /// The AIR.
    pub fn air(&self) -> &Air {
        &self.air
    }

    /// The column layout.
    pub fn columns(&self) -> &Poseidon2Columns<T> {
        &self.cols
    }

    /// The permutation parameters.
    pub fn spec(&self) -> &Poseidon2Spec<T> {
        &self.spec
    }

    /// The output mode.
    pub fn mode(&self) -> Poseidon2Output {
        self.mode
    }

    /// Number of columns per row.
    pub fn width(&self) -> usize {
        self.cols.width
    }

    /// The bus the table receives on.
    pub fn bus(&self) -> BusId {
        match self.mode {
            Poseidon2Output::Permutation => self.spec.bus,
            Poseidon2Output::Compress { bus, .. } => bus,
        }
    }

    /// Whether the output cells are the compression `Poseidon2_t(in) + in`.
    fn feed_forward(&self) -> bool {
        matches!(self.mode, Poseidon2Output::Compress { .. })
    }

    /// Fills one row (`width()` cells) for `input` with multiplicity `mult`, round by round.
    ///
    /// # Panics
    /// If `row` does not have `width()` cells; in debug builds, if the rounds disagree with
    /// the spec's reference permutation (they do not for the built-in instances).
    pub fn fill_row(&self, input: &[KoalaBear; T], mult: KoalaBear, row: &mut [KoalaBear]) {
        assert_eq!(row.len(), self.cols.width, "row length");
        for (col, &x) in self.cols.input.iter().zip(input) {
            row[col.0] = x;
        }
        let mut state = *input;
        let sbox = &self.cols.sbox;
        self.schedule.permute(&mut state, |r, i, x| {
            if let Some(col) = sbox[r].get(i) {
                row[col.0] = x;
            }
        });
        if cfg!(debug_assertions) {
            let mut reference = *input;
            (self.spec.permute)(&mut reference);
            assert_eq!(
                state, reference,
                "round-by-round Poseidon2 row disagrees with the reference"
            );
        }
        let feed_forward = self.feed_forward();
        for ((col, &x), &i) in self.cols.output.iter().zip(&state).zip(input) {
            row[col.0] = if feed_forward { x + i } else { x };
        }
        row[self.cols.mult.0] = mult;
    }

    /// The row-major trace: row `k` is the permutation of `inputs[k]` with multiplicity
    /// `mults[k]`, padded to a power of two (at least 4 rows) with permutations of the zero
    /// state of multiplicity 0. Rows are filled in parallel by [`Self::fill_row`]; `isa` is
    /// accepted for symmetry with the Poseidon1 tables (whose batched generator uses it) and
    /// does not change a cell.
    ///
    /// # Panics
    /// If `inputs` and `mults` differ in length.
    pub fn trace(&self, isa: Isa, inputs: &[[KoalaBear; T]], mults: &[u32]) -> Vec<KoalaBear> {
        let _ = isa;
        assert_eq!(inputs.len(), mults.len(), "one multiplicity per input");
        let n = inputs.len();
        let height = n.next_power_of_two().max(MIN_HEIGHT);
        let w = self.cols.width;
        let mut trace = KoalaBear::zero_vec(height * w);
        let mut pad = KoalaBear::zero_vec(w);
        self.fill_row(&[KoalaBear::ZERO; T], KoalaBear::ZERO, &mut pad);
        trace
            .par_chunks_exact_mut(w)
            .enumerate()
            .for_each(|(k, row)| {
                if k < n {
                    self.fill_row(&inputs[k], KoalaBear::new(mults[k]), row);
                } else {
                    row.copy_from_slice(&pad);
                }
            });
        trace
    }

    /// The trace for `inputs`, each with multiplicity 1 (see [`Self::trace`]).
    pub fn trace_for_inputs(&self, isa: Isa, inputs: &[[KoalaBear; T]]) -> Vec<KoalaBear> {
        self.trace(isa, inputs, &vec![1; inputs.len()])
    }

    /// The output cells stored in `row` (the state, or the compression output).
    pub fn row_output(&self, row: &[KoalaBear]) -> Vec<KoalaBear> {
        self.cols.output.iter().map(|c| row[c.0]).collect()
    }
}

/// The width-16 table: `(input[16], output[16])` on [`POSEIDON2_16_BUS`].
///
/// # Panics
/// Never for the built-in parameters (the AIR is within `lean_prover`'s limits).
pub fn poseidon2_16_table() -> Poseidon2Table<16> {
    Poseidon2Table::new(POSEIDON2_16).expect("Poseidon2-16 AIR")
}

/// The width-16 compression table of the Merkle tree: `(input[16], compress[8])` on
/// [`POSEIDON2_16_COMPRESS_BUS`], `compress = (Poseidon2_16(input) + input)[0..8]`.
///
/// # Panics
/// Never for the built-in parameters.
pub fn poseidon2_16_compress_table() -> Poseidon2Table<16> {
    Poseidon2Table::with_output(
        POSEIDON2_16,
        Poseidon2Output::Compress {
            len: POSEIDON2_16_COMPRESS_LEN,
            bus: POSEIDON2_16_COMPRESS_BUS,
        },
    )
    .expect("Poseidon2-16 compression AIR")
}

/// The width-24 table: `(input[24], output[24])` on [`POSEIDON2_24_BUS`].
///
/// # Panics
/// Never for the built-in parameters.
pub fn poseidon2_24_table() -> Poseidon2Table<24> {
    Poseidon2Table::new(POSEIDON2_24).expect("Poseidon2-24 AIR")
}
