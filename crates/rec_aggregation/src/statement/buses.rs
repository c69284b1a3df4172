//! The statement's own LogUp buses (`docs/air.md`, section 1) and the tuple lengths of the
//! verifier's public lookup lists on them. The permutation tables' buses are in
//! [`crate::poseidon_table`].

use super::dims::STEPS;
use lean_prover::BusId;
use xmss::params::{HASH_LEN, PARAMETER_LEN, TWEAK_LEN};

/// Bus binding a signature row's parameter to its leaf sponge: `(j, parameter[5])`, sent by
/// the signature row, received by the sponge's chunk 0.
pub const PARAMETER_BUS: BusId = BusId(0x20);
/// Bus of the digit groups: `(j, a, D_a, S_a, parameter[5])`, where `D_a = sum_t 8^t x_{8a+t}`
/// and `S_a = sum_t x_{8a+t}` over the chains `8a + t` of group `a` (sent by the signature row,
/// received by the group's last chain row).
pub const DIGITS_BUS: BusId = BusId(0x21);
/// Merkle walk links: `(j, l, node[8], parameter[5])`, the node at level `l` of signature
/// `j` (sent at `l = 0` by the sponge; at `l = h` received by the verifier's key list,
/// `(j, h, root_j, parameter_j)` once per key).
pub const NODE_BUS: BusId = BusId(0x24);
/// Level data of the Merkle walk: `(l, bit_l, tw0, tw1)`, sent by the verifier (public
/// lookup, multiplicity `N` per level).
pub const TREE_BUS: BusId = BusId(0x25);
/// Cells of the leaf sponge's input: `(j, g, value)`, cell `g` of signature `j`'s leaf input
/// (sent by the chain rows for the chain ends, received by the sponge rows).
pub const CELL_BUS: BusId = BusId(0x26);
/// Chain tweaks: `(i, tw1_{i,1..=7})`, the high tweak element of every step of chain `i`
/// (sent by the verifier, multiplicity `N` per chain).
pub const CHAIN_TWEAK_BUS: BusId = BusId(0x27);
/// Range check `0..127` (message-hash remainders).
pub const RANGE127_BUS: BusId = BusId(0x22);

/// Values per key tuple `(j, h, root[8], parameter[5])` (public lookup on [`NODE_BUS`]).
pub(super) const KEY_TUPLE_LEN: usize = 2 + HASH_LEN + PARAMETER_LEN;
/// Values per level tuple `(l, bit_l, tweak[2])` (public lookup on [`TREE_BUS`]).
pub(super) const TREE_TUPLE_LEN: usize = 2 + TWEAK_LEN;
/// Values per chain tweak tuple `(i, tw1_{i,1..=7})` (public lookup on [`CHAIN_TWEAK_BUS`]).
pub(super) const CHAIN_TWEAK_TUPLE_LEN: usize = 1 + STEPS;
