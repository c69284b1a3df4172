//! The Merkle-path table: paths of real `backend::merkle` trees (the WHIR oracles' tree) give
//! their roots, prove and verify with lean_prover v2 beside the Poseidon2-16 compression table
//! with the leaves and roots put on the buses by the verifier (public lookup lists); a wrong
//! root, index, depth or leaf, a wrong sibling, a forged parent, a flipped or non-boolean
//! index bit and two paths merged into one are refused by the prover and, proved anyway,
//! rejected by the verifier.

mod common;

use backend::merkle::{MerkleTree, hash_row};
use backend::{Isa, KoalaBear as F};
use common::{Rng, Table, prove_and_verify_with, prover_verdict_with};
use lean_prover::v2::ErrorV2;
use lean_prover::{Direction, PublicLookup};
use rec_aggregation::merkle_path_table::{
    MERKLE_LEAF_BUS, MERKLE_ROOT_BUS, MerklePath, MerklePathTable,
};
use rec_aggregation::poseidon2_16_compress_table;

/// A tree of `2^log_rows` random rows of `width` values and the paths of `indices`.
fn tree_paths(
    seed: u64,
    log_rows: usize,
    width: usize,
    indices: &[usize],
) -> (F8, Vec<MerklePath>) {
    let mut rng = Rng(seed);
    let values: Vec<F> = (0..width << log_rows)
        .map(|_| F::from_u64(rng.next()))
        .collect();
    let tree = MerkleTree::from_rows(Isa::current(), values.clone(), width).expect("tree");
    let paths = indices
        .iter()
        .enumerate()
        .map(|(id, &i)| {
            let opening = tree.open(i).expect("opening");
            MerklePath {
                id: id as u32 + 1,
                leaf: hash_row(&values[i * width..(i + 1) * width]),
                index: i as u64,
                siblings: opening.siblings,
            }
        })
        .collect();
    (tree.root(), paths)
}

type F8 = [F; 8];

/// The public lookup lists of `paths`: their leaves and their roots, sent by the verifier.
struct Lists {
    leaves: Vec<F>,
    roots: Vec<F>,
    leaf_mults: Vec<F>,
    root_mults: Vec<F>,
}

impl Lists {
    fn of(paths: &[MerklePath]) -> Lists {
        Lists {
            leaves: paths.iter().flat_map(MerklePath::leaf_tuple).collect(),
            roots: paths.iter().flat_map(MerklePath::root_tuple).collect(),
            leaf_mults: vec![F::ONE; paths.len()],
            root_mults: vec![F::ONE; paths.len()],
        }
    }

    fn lookups(&self) -> Vec<PublicLookup<'_>> {
        vec![
            PublicLookup {
                bus: MERKLE_LEAF_BUS,
                direction: Direction::Send,
                tuple_len: 9,
                values: &self.leaves,
                multiplicities: &self.leaf_mults,
            },
            PublicLookup {
                bus: MERKLE_ROOT_BUS,
                direction: Direction::Send,
                tuple_len: 11,
                values: &self.roots,
                multiplicities: &self.root_mults,
            },
        ]
    }
}

/// The path table of `paths` (with `tamper` applied to its trace) and the compression table
/// of the requests of the untampered trace.
fn tables(paths: &[MerklePath], tamper: impl Fn(&MerklePathTable, &mut Vec<F>)) -> Vec<Table> {
    let table = MerklePathTable::new().expect("path AIR");
    let (mut trace, requests) = table.trace(paths);
    tamper(&table, &mut trace);
    let compress = poseidon2_16_compress_table();
    let compress_trace = compress.trace_for_inputs(Isa::current(), &requests);
    vec![
        Table {
            air: table.air().clone(),
            trace,
            publics: vec![],
        },
        Table {
            air: compress.air().clone(),
            trace: compress_trace,
            publics: vec![],
        },
    ]
}

/// The honest prover's verdict under the lists.
fn prover_verdict(t: &[Table], lists: &Lists) -> Result<(), ErrorV2> {
    prover_verdict_with(t, &lists.lookups())
}

/// Proved with the prover's checks skipped under `proved`, verified against `checked` (the
/// lists the verifier holds).
fn forged_verdict(t: &[Table], proved: &Lists, checked: &Lists) -> Result<(), ErrorV2> {
    prove_and_verify_with(t, false, &proved.lookups(), &checked.lookups())
}

/// Refused by the prover with an error `expected` accepts, and rejected by the verifier.
fn refused_and_rejected(
    what: &str,
    t: &[Table],
    proved: &Lists,
    checked: &Lists,
    expected: impl Fn(&ErrorV2) -> bool,
) {
    match prover_verdict(t, proved) {
        Err(e) if expected(&e) => {}
        other => panic!("{what}: prover said {other:?}"),
    }
    assert!(
        forged_verdict(t, proved, checked).is_err(),
        "{what}: verifier accepted"
    );
}

fn unbalanced(e: &ErrorV2) -> bool {
    *e == ErrorV2::Unbalanced
}

fn constraint_failed(e: &ErrorV2) -> bool {
    matches!(e, ErrorV2::ConstraintFailed { table: 0, .. })
}

#[test]
fn paths_lead_to_the_tree_root() {
    let (root, paths) = tree_paths(1, 6, 7, &[0, 1, 37, 63]);
    for p in &paths {
        assert_eq!(p.root(), root, "path {}", p.id);
        assert_eq!(p.siblings.len(), 6);
    }
    let table = MerklePathTable::new().unwrap();
    assert_eq!(table.width(), 31);
    assert_eq!(table.air().constraint_degree(), 3);
    let (trace, requests) = table.trace(&paths);
    // 24 active rows, padded to 32; one compression per active row.
    assert_eq!(trace.len(), 32 * 31);
    assert_eq!(requests.len(), 24);
    // Each path's last row holds the root in its parent columns.
    let c = table.columns();
    for k in 0..4 {
        let row = &trace[(6 * k + 5) * 31..(6 * k + 6) * 31];
        let parent: Vec<F> = c.parent.iter().map(|p| row[p.0]).collect();
        assert_eq!(parent, root.to_vec());
        assert_eq!(row[c.index.0], F::new(paths[k].index as u32));
    }
}

#[test]
fn honest_paths_prove_and_verify() {
    for (seed, log_rows, indices) in [
        (2, 6, vec![0, 5, 5, 63]),
        (3, 1, vec![0, 1]),
        (4, 9, vec![511, 256, 3]),
    ] {
        let (_, paths) = tree_paths(seed, log_rows, 5, &indices);
        let lists = Lists::of(&paths);
        let t = tables(&paths, |_, _| {});
        prover_verdict(&t, &lists).unwrap_or_else(|e| panic!("depth {log_rows}: {e}"));
        forged_verdict(&t, &lists, &lists).unwrap_or_else(|e| panic!("depth {log_rows}: {e}"));
    }
    // No paths: the padding alone.
    let t = tables(&[], |_, _| {});
    prover_verdict(&t, &Lists::of(&[])).unwrap();
}

#[test]
fn wrong_root_index_depth_or_leaf_requests_are_refused_and_rejected() {
    let (_, paths) = tree_paths(5, 6, 5, &[9, 40]);
    let honest = Lists::of(&paths);
    let t = tables(&paths, |_, _| {});
    let (other_root, _) = tree_paths(6, 6, 5, &[9]);
    // Each change to the second path's root tuple (id, index, 2^(depth-1), root[8]).
    for (what, at, value) in [
        ("another root", 3, other_root[0]),
        ("another index", 1, F::new(41)),
        ("another depth", 2, F::new(1 << 4)),
        ("another path id", 0, F::new(7)),
    ] {
        let mut bad = Lists::of(&paths);
        bad.roots[11 + at] = value;
        refused_and_rejected(what, &t, &bad, &bad, unbalanced);
        // The honest proof does not verify against the changed list either.
        assert!(forged_verdict(&t, &honest, &bad).is_err(), "{what}");
    }
    let mut bad = Lists::of(&paths);
    bad.leaves[1] += F::ONE;
    refused_and_rejected("another leaf", &t, &bad, &bad, unbalanced);
    // A path proved but not requested, or requested twice, unbalances the buses.
    let first_only = Lists::of(&paths[..1]);
    refused_and_rejected("unrequested path", &t, &first_only, &first_only, unbalanced);
    let mut twice = Lists::of(&paths);
    twice.root_mults[1] = F::new(2);
    twice.leaf_mults[1] = F::new(2);
    refused_and_rejected("path requested twice", &t, &twice, &twice, unbalanced);
}

#[test]
fn a_path_with_a_wrong_sibling_is_refused_and_rejected() {
    let (_, paths) = tree_paths(7, 6, 5, &[12, 50]);
    let lists = Lists::of(&paths);
    for level in [0, 3, 5] {
        // The prover walks a consistent path from a wrong sibling: its root is not the tree's.
        let mut forged = paths.clone();
        forged[1].siblings[level][2] += F::ONE;
        let t = tables(&forged, |_, _| {});
        refused_and_rejected(
            &format!("sibling at level {level}"),
            &t,
            &lists,
            &lists,
            unbalanced,
        );
    }
}

#[test]
fn forged_cells_are_refused_and_rejected() {
    let (_, paths) = tree_paths(8, 6, 5, &[21, 2]);
    let lists = Lists::of(&paths);
    let w = 31;
    type Tamper = Box<dyn Fn(&MerklePathTable, &mut Vec<F>)>;
    type Case = (&'static str, Tamper, fn(&ErrorV2) -> bool);
    let cases: Vec<Case> = vec![
        (
            // A parent that is not the compression of its row (the next row follows it).
            "forged parent",
            Box::new(move |t, tr| {
                let c = t.columns();
                for k in 0..8 {
                    tr[2 * w + c.parent[k].0] = F::new(k as u32 + 1);
                    tr[3 * w + c.node[k].0] = F::new(k as u32 + 1);
                }
            }),
            unbalanced,
        ),
        (
            // The index bit flipped alone: the index no longer adds up, and the compression
            // is requested in the other order (the bus check comes first in the prover).
            "flipped bit",
            Box::new(move |t, tr| {
                let c = t.columns();
                let b = tr[2 * w + c.bit.0];
                tr[2 * w + c.bit.0] = F::ONE - b;
            }),
            unbalanced,
        ),
        (
            // The index bit flipped with the compression order kept by swapping node and
            // sibling: the node is no longer the previous level's parent.
            "bit flipped, compression kept",
            Box::new(move |t, tr| {
                let c = t.columns();
                let (r, b) = (2 * w, tr[2 * w + c.bit.0]);
                tr[r + c.bit.0] = F::ONE - b;
                for k in 0..8 {
                    let (n, s) = (tr[r + c.node[k].0], tr[r + c.sibling[k].0]);
                    tr[r + c.node[k].0] = s;
                    tr[r + c.sibling[k].0] = n;
                }
            }),
            constraint_failed,
        ),
        (
            // (Its compression request changes too: the bus check comes first.)
            "non-boolean bit",
            Box::new(move |t, tr| {
                let c = t.columns();
                tr[w + c.bit.0] = F::new(2);
            }),
            unbalanced,
        ),
        (
            // A non-boolean flag on a padding row, where no bus sees it.
            "non-boolean first flag",
            Box::new(move |t, tr| {
                let c = t.columns();
                tr[13 * w + c.first.0] = F::new(2);
            }),
            constraint_failed,
        ),
        (
            // The first path's last row cleared: two paths merged into one (its root is no
            // longer received, which the bus check finds first; the transition constraints
            // fail too).
            "merged paths",
            Box::new(move |t, tr| {
                let c = t.columns();
                tr[5 * w + c.last.0] = F::ZERO;
            }),
            unbalanced,
        ),
        (
            // A padding row made active.
            "active padding",
            Box::new(move |t, tr| {
                let c = t.columns();
                tr[12 * w + c.active.0] = F::ONE;
            }),
            unbalanced,
        ),
    ];
    for (what, tamper, expected) in cases {
        let t = tables(&paths, tamper);
        refused_and_rejected(what, &t, &lists, &lists, expected);
    }
}

#[test]
#[should_panic(expected = "depth")]
fn an_index_beyond_the_depth_is_refused_by_the_witness_generator() {
    let (_, mut paths) = tree_paths(9, 3, 5, &[1]);
    paths[0].index = 8;
    let _ = MerklePathTable::new().unwrap().trace(&paths);
}

#[test]
fn a_claimed_index_or_depth_the_path_does_not_add_up_to_is_caught_by_its_constraint() {
    // The second path's last row (row 11) and the requester's root tuple claim another index,
    // or another `2^(depth - 1)`: the buses balance, only the index or `pow` step breaks.
    let (_, paths) = tree_paths(10, 6, 5, &[21, 2]);
    for (what, at) in [("index", 1usize), ("pow", 2)] {
        let t = tables(&paths, |t, tr| {
            let c = t.columns();
            let col = if at == 1 { c.index.0 } else { c.pow.0 };
            tr[11 * 31 + col] += F::new(64);
        });
        let mut lists = Lists::of(&paths);
        lists.roots[11 + at] += F::new(64);
        refused_and_rejected(what, &t, &lists, &lists, |e| {
            matches!(
                e,
                ErrorV2::ConstraintFailed {
                    table: 0,
                    row: 10,
                    ..
                }
            )
        });
    }
}
