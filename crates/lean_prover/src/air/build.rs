//! [`AirBuilder::build`]: checks a description against the size limits, adds the
//! interactions' LogUp denominators ([`denominators`](super::denominators)), computes every
//! degree ([`analysis`](super::analysis)) and returns the finished [`Air`].

use super::analysis::{air_digest, next_row_columns, symbolic};
use super::builder::AirBuilder;
use super::denominators::with_denominators;
use super::limits::{
    AirError, MAX_COLUMNS, MAX_CONSTRAINT_DEGREE, MAX_INTERACTIONS, MAX_NODES, MAX_PUBLIC_VALUES,
    MAX_TUPLE_LEN,
};
use super::table::Air;

impl AirBuilder {
    /// Finishes the description: adds the interactions' denominators, computes every
    /// constraint's degree and checks it against `max_constraint_degree` (2 to
    /// [`MAX_CONSTRAINT_DEGREE`]).
    ///
    /// # Errors
    /// An [`AirError`] naming the problem.
    pub fn build(self, max_constraint_degree: usize) -> Result<Air, AirError> {
        if !(2..=MAX_CONSTRAINT_DEGREE).contains(&max_constraint_degree) {
            return Err(AirError::BadMaxDegree(max_constraint_degree));
        }
        let columns = self.columns.take();
        if columns.is_empty() {
            return Err(AirError::NoColumns);
        }
        if columns.len() > MAX_COLUMNS {
            return Err(AirError::TooLarge("columns"));
        }
        let num_public = *self.num_public.borrow();
        if num_public > MAX_PUBLIC_VALUES {
            return Err(AirError::TooLarge("public values"));
        }
        let constraints = self.constraints.take();
        let pending = self.interactions.take();
        let pending_public = self.public_interactions.take();
        if pending.len() > MAX_INTERACTIONS || pending_public.len() > MAX_INTERACTIONS {
            return Err(AirError::TooLarge("interactions"));
        }
        let all_ids = constraints.iter().copied().chain(
            pending
                .iter()
                .chain(&pending_public)
                .flat_map(|p| p.values.iter().copied().chain([p.multiplicity])),
        );
        for id in all_ids {
            if id == u32::MAX {
                return Err(AirError::ForeignExpr);
            }
        }
        for (index, p) in pending.iter().chain(&pending_public).enumerate() {
            if p.values.is_empty() || p.values.len() > MAX_TUPLE_LEN {
                return Err(AirError::BadTupleLen {
                    index,
                    len: p.values.len(),
                });
            }
        }

        let mut arena = self.arena.take();
        let (interactions, public_interactions) =
            with_denominators(&mut arena, &pending, &pending_public);
        if arena.nodes.len() > MAX_NODES {
            return Err(AirError::TooLarge("nodes"));
        }

        // Symbolic analysis: degrees and "uses only constants and public values".
        let (degrees, public_only) = symbolic(&arena.nodes);
        for (i, p) in pending_public.iter().enumerate() {
            let ok = p
                .values
                .iter()
                .chain([&p.multiplicity])
                .all(|&v| public_only[v as usize]);
            if !ok {
                return Err(AirError::NonPublicInteraction(i));
            }
        }
        let mut constraint_degree: usize = 0;
        for (index, &c) in constraints.iter().enumerate() {
            let degree = degrees[c as usize];
            if degree > max_constraint_degree {
                return Err(AirError::DegreeTooHigh {
                    index,
                    degree,
                    max: max_constraint_degree,
                });
            }
            constraint_degree = constraint_degree.max(degree);
        }
        let max_tuple_len = interactions
            .iter()
            .chain(&public_interactions)
            .map(|i| i.values.len())
            .max()
            .unwrap_or(0);
        let main_next = next_row_columns(&arena.nodes, &constraints);
        let digest = air_digest(&arena.nodes, &constraints, columns.len(), num_public);
        Ok(Air {
            name: self.name,
            columns,
            num_public,
            nodes: arena.nodes,
            constraints,
            interactions,
            public_interactions,
            max_constraint_degree,
            constraint_degree,
            max_tuple_len,
            main_next,
            digest,
        })
    }
}
