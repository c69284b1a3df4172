//! The leaf-sponge table: its digests are `backend::merkle`'s row hashes; with the Merkle-path
//! table, the Poseidon2-24 and the Poseidon2-16 compression tables it proves, with lean_prover
//! v2, that opened rows (their chunks a public lookup list) are leaves of a tree with the given
//! root at the given indices (the roots another list): a row not in the tree, a changed opened
//! value, a broken capacity carry and a wrong length are refused by the prover and, proved
//! anyway, rejected by the verifier.

mod common;

use backend::merkle::{MerkleTree, hash_row};
use backend::{Isa, KoalaBear as F};
use common::{Rng, Table, prove_and_verify_with, prover_verdict_with};
use lean_prover::v2::ErrorV2;
use lean_prover::{Direction, PublicLookup};
use rec_aggregation::leaf_sponge_table::{LEAF_CHUNK_BUS, LeafSpongeTable, OpenedRow};
use rec_aggregation::merkle_path_table::{MERKLE_ROOT_BUS, MerklePath, MerklePathTable};
use rec_aggregation::{poseidon2_16_compress_table, poseidon2_24_table};

/// A tree of `2^log_rows` random rows of `width` values: the opened rows of `indices` and
/// their paths (ids 1, 2, ...).
fn opened(
    seed: u64,
    log_rows: usize,
    width: usize,
    indices: &[usize],
) -> (Vec<OpenedRow>, Vec<MerklePath>) {
    let mut rng = Rng(seed);
    let values: Vec<F> = (0..width << log_rows)
        .map(|_| F::from_u64(rng.next()))
        .collect();
    let tree = MerkleTree::from_rows(Isa::current(), values.clone(), width).expect("tree");
    let mut rows = Vec::new();
    let mut paths = Vec::new();
    for (k, &i) in indices.iter().enumerate() {
        let id = k as u32 + 1;
        let row = values[i * width..(i + 1) * width].to_vec();
        paths.push(MerklePath {
            id,
            leaf: hash_row(&row),
            index: i as u64,
            siblings: tree.open(i).expect("opening").siblings,
        });
        rows.push(OpenedRow {
            leaf: id,
            values: row,
        });
        assert_eq!(paths[k].root(), tree.root());
    }
    (rows, paths)
}

/// What the verifier puts on the buses: every chunk of the opened rows, every path's root.
struct Lists {
    chunks: Vec<F>,
    chunk_mults: Vec<F>,
    roots: Vec<F>,
    root_mults: Vec<F>,
}

impl Lists {
    fn of(rows: &[OpenedRow], paths: &[MerklePath]) -> Lists {
        let chunks: Vec<F> = rows
            .iter()
            .flat_map(OpenedRow::chunk_tuples)
            .flatten()
            .collect();
        let roots: Vec<F> = paths.iter().flat_map(MerklePath::root_tuple).collect();
        Lists {
            chunk_mults: vec![F::ONE; chunks.len() / 19],
            chunks,
            root_mults: vec![F::ONE; paths.len()],
            roots,
        }
    }

    fn lookups(&self) -> Vec<PublicLookup<'_>> {
        vec![
            PublicLookup {
                bus: LEAF_CHUNK_BUS,
                direction: Direction::Send,
                tuple_len: 19,
                values: &self.chunks,
                multiplicities: &self.chunk_mults,
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

/// The four tables: leaf sponges of `rows` (with `tamper` on their trace), the paths, and the
/// two permutation tables serving the untampered requests.
fn tables(
    rows: &[OpenedRow],
    paths: &[MerklePath],
    tamper: impl Fn(&LeafSpongeTable, &mut Vec<F>),
) -> Vec<Table> {
    let isa = Isa::current();
    let sponge = LeafSpongeTable::new().expect("sponge AIR");
    let (mut sponge_trace, perms) = sponge.trace(rows);
    tamper(&sponge, &mut sponge_trace);
    let path = MerklePathTable::new().expect("path AIR");
    let (path_trace, compressions) = path.trace(paths);
    let p24 = poseidon2_24_table();
    let p16 = poseidon2_16_compress_table();
    vec![
        Table {
            air: sponge.air().clone(),
            trace: sponge_trace,
            publics: vec![],
        },
        Table {
            air: path.air().clone(),
            trace: path_trace,
            publics: vec![],
        },
        Table {
            air: p24.air().clone(),
            trace: p24.trace_for_inputs(isa, &perms),
            publics: vec![],
        },
        Table {
            air: p16.air().clone(),
            trace: p16.trace_for_inputs(isa, &compressions),
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

#[test]
fn digests_are_the_row_hashes() {
    let table = LeafSpongeTable::new().unwrap();
    assert_eq!(table.width(), 54);
    assert_eq!(table.air().constraint_degree(), 2);
    let c = table.columns().clone();
    let mut rng = Rng(11);
    for len in [1usize, 7, 16, 17, 96, 100] {
        let row = OpenedRow {
            leaf: 3,
            values: (0..len).map(|_| F::from_u64(rng.next())).collect(),
        };
        let (trace, perms) = table.trace(std::slice::from_ref(&row));
        let chunks = len.div_ceil(16);
        assert_eq!(perms.len(), chunks);
        let last = &trace[(chunks - 1) * 54..chunks * 54];
        let digest: Vec<F> = c.out[..8].iter().map(|o| last[o.0]).collect();
        assert_eq!(digest, hash_row(&row.values).to_vec(), "len {len}");
        assert_eq!(row.chunk_tuples().len(), chunks);
    }
}

#[test]
fn opened_rows_of_a_tree_prove_and_verify() {
    for (seed, log_rows, width, indices) in [
        (1, 5, 96, vec![0, 17, 31]),
        (2, 3, 7, vec![5, 5]),
        (3, 6, 33, vec![63]),
    ] {
        let (rows, paths) = opened(seed, log_rows, width, &indices);
        let lists = Lists::of(&rows, &paths);
        let t = tables(&rows, &paths, |_, _| {});
        prover_verdict(&t, &lists).unwrap_or_else(|e| panic!("width {width}: {e}"));
        forged_verdict(&t, &lists, &lists).unwrap_or_else(|e| panic!("width {width}: {e}"));
    }
}

#[test]
fn a_row_not_in_the_tree_is_refused_and_rejected() {
    let (rows, paths) = opened(4, 5, 96, &[3, 30]);
    let honest = Lists::of(&rows, &paths);
    // The prover hashes another row (one value changed) and claims it was opened; its path
    // (with the true siblings) then ends at another root.
    let mut forged_rows = rows.clone();
    forged_rows[1].values[40] += F::ONE;
    let mut forged_paths = paths.clone();
    forged_paths[1].leaf = hash_row(&forged_rows[1].values);
    let t = tables(&forged_rows, &forged_paths, |_, _| {});
    let claimed = Lists {
        roots: honest.roots.clone(),
        ..Lists::of(&forged_rows, &paths)
    };
    assert_eq!(prover_verdict(&t, &claimed), Err(ErrorV2::Unbalanced));
    assert!(forged_verdict(&t, &claimed, &claimed).is_err());
    // The honest tables against a changed opened value in the verifier's list.
    let t = tables(&rows, &paths, |_, _| {});
    let mut changed = Lists::of(&rows, &paths);
    changed.chunks[3 + 5] += F::ONE;
    assert_eq!(prover_verdict(&t, &changed), Err(ErrorV2::Unbalanced));
    assert!(forged_verdict(&t, &honest, &changed).is_err());
}

#[test]
fn broken_carries_and_lengths_are_refused_and_rejected() {
    let (rows, paths) = opened(5, 4, 40, &[9]);
    let lists = Lists::of(&rows, &paths);
    type Tamper = Box<dyn Fn(&LeafSpongeTable, &mut Vec<F>)>;
    let cases: Vec<(&str, Tamper)> = vec![
        (
            // The second permutation's capacity is not the first's output.
            "broken carry",
            Box::new(|t, tr| {
                let c = t.columns();
                tr[54 + c.capacity[3].0] += F::ONE;
            }),
        ),
        (
            // The first row claims another length than its capacity holds.
            "wrong length",
            Box::new(|t, tr| {
                let c = t.columns();
                tr[c.len.0] += F::ONE;
            }),
        ),
        (
            // A padding row made a non-boolean first row (no bus sees it).
            "non-boolean flag",
            Box::new(|t, tr| {
                let c = t.columns();
                tr[3 * 54 + c.first.0] = F::new(2);
            }),
        ),
    ];
    for (what, tamper) in cases {
        let t = tables(&rows, &paths, tamper);
        match prover_verdict(&t, &lists) {
            Err(ErrorV2::ConstraintFailed { table: 0, .. } | ErrorV2::Unbalanced) => {}
            other => panic!("{what}: prover said {other:?}"),
        }
        assert!(
            forged_verdict(&t, &lists, &lists).is_err(),
            "{what}: accepted"
        );
    }
}

#[test]
fn a_forged_prefix_under_the_honest_final_capacity_is_caught_by_the_carry_constraint() {
    // The attack the carry constraint stops: hash other leading chunks, then run the last
    // permutation from the honest sponge's capacity. The digest is the honest leaf's, every
    // permutation is a true one and every bus balances; only the carry breaks.
    let (rows, paths) = opened(6, 4, 40, &[2]);
    let sponge = LeafSpongeTable::new().unwrap();
    let c = sponge.columns().clone();
    let (honest, _) = sponge.trace(&rows);
    let mut forged_rows = rows.clone();
    forged_rows[0].values[0] += F::ONE;
    let (mut forged, _) = sponge.trace(&forged_rows);
    let last = 2 * 54;
    for k in 0..8 {
        forged[last + c.capacity[k].0] = honest[last + c.capacity[k].0];
    }
    for k in 0..24 {
        forged[last + c.out[k].0] = honest[last + c.out[k].0];
    }
    // The permutation table serves exactly the forged trace's requests.
    let perms: Vec<[F; 24]> = forged
        .chunks_exact(54)
        .take(3)
        .map(|r| {
            core::array::from_fn(|i| {
                if i < 16 {
                    r[c.rate[i].0]
                } else {
                    r[c.capacity[i - 16].0]
                }
            })
        })
        .collect();
    let mut t = tables(&forged_rows, &paths, |_, _| {});
    t[0].trace = forged;
    let p24 = poseidon2_24_table();
    t[2].trace = p24.trace_for_inputs(Isa::current(), &perms);
    let claimed = Lists::of(&forged_rows, &paths);
    match prover_verdict(&t, &claimed) {
        Err(ErrorV2::ConstraintFailed {
            table: 0, row: 1, ..
        }) => {}
        other => panic!("prover said {other:?}"),
    }
    assert!(forged_verdict(&t, &claimed, &claimed).is_err());
}
