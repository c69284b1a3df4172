//! [`Air`], a finished AIR description: the arena of expressions, the constraints (the
//! user's, then the LogUp ones), the interactions, the auxiliary columns and the facts the
//! prover and verifier derive from them (degrees, quotient chunks, next-row openings).

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
    pub(super) num_user_constraints: usize,
    pub(crate) interactions: Vec<Interaction>,
    pub(crate) public_interactions: Vec<Interaction>,
    pub(super) num_aux: usize,
    pub(super) max_constraint_degree: usize,
    pub(super) constraint_degree: usize,
    pub(super) quotient_chunks: usize,
    pub(super) max_tuple_len: usize,
    /// Interaction indices per auxiliary column (the last one is the running sum's).
    pub(super) groups: Vec<Vec<usize>>,
    pub(super) main_next: Vec<usize>,
    pub(super) aux_next: Vec<usize>,
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
    /// Number of constraints written by the caller.
    pub fn num_user_constraints(&self) -> usize {
        self.num_user_constraints
    }
    /// Number of constraints, LogUp constraints included.
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
    /// Number of auxiliary extension columns: 0 without private interactions, otherwise one
    /// per group of [`Air::interaction_groups`] (the last one is the LogUp running sum).
    pub fn num_aux_columns(&self) -> usize {
        self.num_aux
    }
    /// How the private interactions (indices in declaration order) share the auxiliary
    /// columns: group `j` is the column `j`, the last group is the running sum's (see the
    /// module docs, "Buses").
    pub fn interaction_groups(&self) -> &[Vec<usize>] {
        &self.groups
    }
    /// The configured maximum constraint degree.
    pub fn max_constraint_degree(&self) -> usize {
        self.max_constraint_degree
    }
    /// The largest degree of any constraint.
    pub fn constraint_degree(&self) -> usize {
        self.constraint_degree
    }
    /// Number of quotient chunks (`max(degree - 1, 1)`), each of degree below the trace
    /// height.
    pub fn quotient_chunks(&self) -> usize {
        self.quotient_chunks
    }
    /// `log2` of the quotient domain's size over the trace height: the quotient is computed
    /// on `next_power_of_two(chunks)` times the trace height (its chunks beyond
    /// [`Air::quotient_chunks`] vanish for a satisfied AIR and are not committed).
    pub fn log_quotient_domain(&self) -> usize {
        self.quotient_chunks.next_power_of_two().trailing_zeros() as usize
    }
    /// The longest interaction tuple (0 without interactions).
    pub fn max_tuple_len(&self) -> usize {
        self.max_tuple_len
    }
    /// Number of arena nodes.
    pub fn num_nodes(&self) -> usize {
        self.nodes.len()
    }
    /// The main columns some constraint reads at the next row, in increasing order: exactly
    /// the main columns opened at `z w` (see the crate docs, step 5).
    pub fn main_next_columns(&self) -> &[usize] {
        &self.main_next
    }
    /// The auxiliary (extension) columns some constraint reads at the next row, in
    /// increasing order (the LogUp running sum, when the table has interactions).
    pub fn aux_next_columns(&self) -> &[usize] {
        &self.aux_next
    }

    /// The degree of every arena node (columns and selectors 1, constants 0).
    pub(crate) fn node_degrees(&self) -> Vec<usize> {
        super::analysis::symbolic(&self.nodes).0
    }
}
