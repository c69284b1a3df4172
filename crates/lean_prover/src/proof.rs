//! The proof object and its canonical, bounded byte encoding.
//!
//! # Encoding (version 3)
//! All integers are little-endian `u32`; a field element is its canonical value (`< p`,
//! anything else is rejected); an extension element is its 5 coefficients, constant first; a
//! digest is 8 field elements.
//!
//! ```text
//! magic "LNPF" | version u32 = 3
//! main_root | bus pow nonce (0 when no bus challenge is drawn)
//! [aux_root if any table has interactions]
//! claimed_sum (ext) per table with interactions | quotient_root
//! per table: main(z)[width] main(z w)[main_next] aux(z)[aux] aux(z w)[aux_next]
//!            quotient(z)[chunks]
//! fri layer roots [one per layer] | final polynomial [final_len ext] | pow nonce
//! multi-opening of the main tree | [of the aux tree] | of the quotient tree
//! multi-opening of each FRI layer tree
//! ```
//! `main_next` and `aux_next` count the columns some constraint reads at the next row
//! ([`crate::Air::main_next_columns`], [`crate::Air::aux_next_columns`]; for a table with bus
//! interactions `aux_next` is 1, the LogUp running sum); their values come in increasing
//! column order. No other column is opened at `z w` (version 1 opened every column there).
//!
//! A multi-opening is `leaves u32` (1 to the number of queries), then per leaf the row of every
//! matrix (widths known from the statement), then `siblings u32` (at most queries * depth) and
//! the sibling digests. Every fixed length comes from the statement and parameters (the
//! [`ProofShape`]), every variable length is bounded before anything is read, nothing is
//! allocated ahead of the bytes that fill it, and trailing bytes are an error.

pub use crate::codec::DecodeError;
use crate::codec::{Reader, Writer};
use backend::KoalaBear;
use backend::field::Ext5;
use backend::merkle::{Digest, Dimensions, MultiOpening};

/// Magic bytes at the start of every proof.
pub const MAGIC: [u8; 4] = *b"LNPF";
/// Encoding version.
pub const VERSION: u32 = 3;

/// Values opened at the out-of-domain point `z` and at `z w` for one table.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TableOpenings {
    /// Main columns at `z`.
    pub main: Vec<Ext5>,
    /// At `z w`, the main columns listed by [`crate::Air::main_next_columns`], in that order.
    pub main_next: Vec<Ext5>,
    /// Auxiliary (extension) columns at `z`.
    pub aux: Vec<Ext5>,
    /// At `z w`, the auxiliary columns listed by [`crate::Air::aux_next_columns`], in that
    /// order.
    pub aux_next: Vec<Ext5>,
    /// Quotient chunks at `z`.
    pub quotient: Vec<Ext5>,
}

/// A multi-table STARK proof. Build with [`crate::prove`], check with [`crate::verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// Root of the main-trace LDE commitment (all tables, mixed heights).
    pub main_root: Digest,
    /// Root of the auxiliary (LogUp) commitment, if any table has interactions.
    pub aux_root: Option<Digest>,
    /// Claimed LogUp sum of each table with interactions, in table order.
    pub claimed_sums: Vec<Ext5>,
    /// Root of the quotient-chunk commitment.
    pub quotient_root: Digest,
    /// Out-of-domain openings, one per table.
    pub openings: Vec<TableOpenings>,
    /// Roots of the FRI layers.
    pub fri_roots: Vec<Digest>,
    /// Coefficients of the final FRI polynomial.
    pub final_poly: Vec<Ext5>,
    /// Proof-of-work nonce ground before the queries.
    pub pow_nonce: KoalaBear,
    /// Proof-of-work nonce ground before the bus challenges (zero when none is drawn).
    pub bus_pow_nonce: KoalaBear,
    /// Query openings of the main tree.
    pub main_opening: MultiOpening,
    /// Query openings of the aux tree.
    pub aux_opening: Option<MultiOpening>,
    /// Query openings of the quotient tree.
    pub quotient_opening: MultiOpening,
    /// Query openings of each FRI layer tree.
    pub fri_openings: Vec<MultiOpening>,
}

/// Everything about a proof's layout that follows from the statement and the parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofShape {
    /// Per table: (main width, aux extension columns, quotient chunks).
    pub tables: Vec<(usize, usize, usize)>,
    /// Per table: (main columns opened at `z w`, aux columns opened at `z w`).
    pub next_counts: Vec<(usize, usize)>,
    /// Dimensions of the main tree's matrices.
    pub main_dims: Vec<Dimensions>,
    /// Dimensions of the aux tree's matrices (empty if no interactions).
    pub aux_dims: Vec<Dimensions>,
    /// Dimensions of the quotient tree's matrices.
    pub quotient_dims: Vec<Dimensions>,
    /// Per FRI layer: `(log_height, log_arity)`.
    pub fri_layers: Vec<(usize, usize)>,
    /// `log2` of the final polynomial's domain height.
    pub final_log_height: usize,
    /// Number of final-polynomial coefficients.
    pub final_len: usize,
    /// Number of queries.
    pub num_queries: usize,
}

impl Proof {
    /// The canonical encoding (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.header(&MAGIC, VERSION);
        w.digest(&self.main_root);
        w.felt(self.bus_pow_nonce);
        if let Some(r) = &self.aux_root {
            w.digest(r);
        }
        w.exts(&self.claimed_sums);
        w.digest(&self.quotient_root);
        for t in &self.openings {
            w.exts(&t.main);
            w.exts(&t.main_next);
            w.exts(&t.aux);
            w.exts(&t.aux_next);
            w.exts(&t.quotient);
        }
        self.fri_roots.iter().for_each(|r| w.digest(r));
        w.exts(&self.final_poly);
        w.felt(self.pow_nonce);
        w.opening(&self.main_opening);
        if let Some(o) = &self.aux_opening {
            w.opening(o);
        }
        w.opening(&self.quotient_opening);
        self.fri_openings.iter().for_each(|o| w.opening(o));
        w.into_bytes()
    }

    /// Decodes a proof of the given shape. Never panics; allocation is bounded by the input.
    ///
    /// # Errors
    /// A [`DecodeError`] naming the first problem.
    pub fn from_bytes(bytes: &[u8], shape: &ProofShape) -> Result<Proof, DecodeError> {
        let mut r = Reader::new(bytes);
        r.header(&MAGIC, VERSION)?;
        let has_aux = !shape.aux_dims.is_empty();
        let main_root = r.digest()?;
        let bus_pow_nonce = r.felt()?;
        let aux_root = if has_aux { Some(r.digest()?) } else { None };
        let claimed_sums = r.exts(shape.aux_dims.len())?;
        let quotient_root = r.digest()?;
        let mut openings = Vec::with_capacity(shape.tables.len());
        if shape.next_counts.len() != shape.tables.len() {
            return Err(DecodeError::BadLength {
                what: "next-row opening counts",
                got: u32::try_from(shape.next_counts.len()).unwrap_or(u32::MAX),
                max: shape.tables.len(),
            });
        }
        for (&(width, aux, chunks), &(main_next, aux_next)) in
            shape.tables.iter().zip(&shape.next_counts)
        {
            openings.push(TableOpenings {
                main: r.exts(width)?,
                main_next: r.exts(main_next)?,
                aux: r.exts(aux)?,
                aux_next: r.exts(aux_next)?,
                quotient: r.exts(chunks)?,
            });
        }
        let fri_roots = shape
            .fri_layers
            .iter()
            .map(|_| r.digest())
            .collect::<Result<Vec<_>, _>>()?;
        let final_poly = r.exts(shape.final_len)?;
        let pow_nonce = r.felt()?;
        let q = shape.num_queries;
        let main_opening = r.opening(&shape.main_dims, q)?;
        let aux_opening = if has_aux {
            Some(r.opening(&shape.aux_dims, q)?)
        } else {
            None
        };
        let quotient_opening = r.opening(&shape.quotient_dims, q)?;
        let mut fri_openings = Vec::with_capacity(shape.fri_layers.len());
        for &(log_h, log_a) in &shape.fri_layers {
            let dims = [Dimensions {
                width: 5 << log_a,
                height: 1 << (log_h - log_a),
            }];
            fri_openings.push(r.opening(&dims, q)?);
        }
        r.finish()?;
        Ok(Proof {
            main_root,
            aux_root,
            claimed_sums,
            quotient_root,
            openings,
            fri_roots,
            final_poly,
            pow_nonce,
            bus_pow_nonce,
            main_opening,
            aux_opening,
            quotient_opening,
            fri_openings,
        })
    }
}
