//! [`Air`], a finished AIR description: the arena of expressions, the constraints, the
//! interactions with their denominators and the facts the prover and verifier derive from
//! them (degrees, the columns read at the next row, the structural digest).

use super::bus::Interaction;
use super::node::Node;

/// A finished AIR description (see [`AirBuilder`](super::AirBuilder)).
#[derive(Clone, Debug)]
pub struct Air {
    pub(super) name: String,
    pub(super) columns: Vec<String>,
    pub(super) num_public: usize,
    pub(crate) nodes: Vec<Node>,
    pub(crate) constraints: Vec<u32>,
    pub(crate) interactions: Vec<Interaction>,
    pub(crate) public_interactions: Vec<Interaction>,
    pub(super) max_constraint_degree: usize,
    pub(super) constraint_degree: usize,
    pub(super) max_tuple_len: usize,
    pub(super) main_next: Vec<usize>,
    pub(crate) digest: backend::merkle::Digest,
}

impl Air {
    /// The name given to [`AirBuilder::new`](super::AirBuilder::new).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Number of main columns.
    pub fn width(&self) -> usize {
        self.columns.len()
    }
    /// Column names, in order.
    pub fn column_names(&self) -> &[String] {
        &self.columns
    }
    /// Number of public values.
    pub fn num_public_values(&self) -> usize {
        self.num_public
    }
    /// Number of constraints.
    pub fn num_constraints(&self) -> usize {
        self.constraints.len()
    }
    /// Number of private (per-row) bus interactions.
    pub fn num_interactions(&self) -> usize {
        self.interactions.len()
    }
    /// Number of verifier-computed (public) bus interactions.
    pub fn num_public_interactions(&self) -> usize {
        self.public_interactions.len()
    }
    /// The configured maximum constraint degree.
    pub fn max_constraint_degree(&self) -> usize {
        self.max_constraint_degree
    }
    /// The largest degree of any constraint.
    pub fn constraint_degree(&self) -> usize {
        self.constraint_degree
    }
    /// The longest interaction tuple (0 without interactions).
    pub fn max_tuple_len(&self) -> usize {
        self.max_tuple_len
    }
    /// Number of arena nodes.
    pub fn num_nodes(&self) -> usize {
        self.nodes.len()
    }
    /// The main columns some constraint reads at the next row, in increasing order (v2 proves
    /// a next-row claim for exactly these).
    pub fn main_next_columns(&self) -> &[usize] {
        &self.main_next
    }
    /// The degree of every arena node (columns and selectors 1, constants 0).
    pub(crate) fn node_degrees(&self) -> Vec<usize> {
        super::analysis::symbolic(&self.nodes).0
    }
}
