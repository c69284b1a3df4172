//! The LogUp part of [`AirBuilder::build`](super::AirBuilder::build): every interaction's
//! denominator `beta - c`, `c = bus + sum_j alpha^(j+1) v_j` the compression of the bus id and
//! the tuple, as arena nodes (see the module docs of [`air`](super), "Buses").

use super::bus::{Interaction, PendingInteraction};
use super::node::{Arena, Challenge, Node};
use backend::KoalaBear;

/// The interactions with their denominators, private and public, in declaration order.
pub(super) fn with_denominators(
    arena: &mut Arena,
    pending: &[PendingInteraction],
    pending_public: &[PendingInteraction],
) -> (Vec<Interaction>, Vec<Interaction>) {
    let alpha = arena.push(Node::Challenge(Challenge::BusAlpha));
    let beta = arena.push(Node::Challenge(Challenge::BusBeta));
    let mut build = |p: &PendingInteraction| -> Interaction {
        let mut acc = arena.push(Node::Const(KoalaBear::new(p.bus.0)));
        let mut pow = alpha;
        for (j, &v) in p.values.iter().enumerate() {
            if j > 0 {
                pow = arena.push(Node::Mul(pow, alpha));
            }
            let t = arena.push(Node::Mul(pow, v));
            acc = arena.push(Node::Add(acc, t));
        }
        Interaction {
            bus: p.bus,
            values: p.values.clone(),
            multiplicity: p.multiplicity,
            direction: p.direction,
            denominator: arena.push(Node::Sub(beta, acc)),
        }
    };
    let private = pending.iter().map(&mut build).collect();
    let public = pending_public.iter().map(&mut build).collect();
    (private, public)
}
