//! Bus identifiers and directions, and the bus interactions of an AIR: as declared on the
//! builder ([`PendingInteraction`]) and as built, with their LogUp denominator
//! ([`Interaction`]).

/// A bus identifier. Interactions on different buses never cancel.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BusId(pub u32);

/// Whether an interaction adds (`Send`) or removes (`Receive`) its tuples on the bus.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Adds `+m / (beta - c)` to the bus sum.
    Send,
    /// Adds `-m / (beta - c)` to the bus sum.
    Receive,
}

/// A bus interaction as arena node ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Interaction {
    pub(crate) bus: BusId,
    pub(crate) values: Vec<u32>,
    pub(crate) multiplicity: u32,
    pub(crate) direction: Direction,
    /// The node of the denominator `beta - c`.
    pub(crate) denominator: u32,
}

/// An interaction as declared, before [`AirBuilder::build`](super::AirBuilder::build) adds
/// its denominator.
pub(super) struct PendingInteraction {
    pub(super) bus: BusId,
    pub(super) values: Vec<u32>,
    pub(super) multiplicity: u32,
    pub(super) direction: Direction,
}
