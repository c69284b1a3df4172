//! Merkle trees: roots against a naive re-implementation of the documented construction,
//! every leaf opened and verified, multi-openings (unsorted, duplicates), mixed heights,
//! tampered openings rejected with the right error, identical roots on every ISA and thread
//! count, a `LeafTree` over leaf digests hashed in parts equal to the tree over the whole
//! matrix, and proptest checks that malformed openings never panic. Every multi-opening check
//! also runs the batched verifier on every ISA and requires the reference's exact answer.

mod common;

use backend::merkle::{
    self, Digest, Dimensions, LeafTree, Matrix, MerkleError, MerkleTree, MultiOpening, Opening,
    hash_leaves, verify, verify_multi_with,
};
use backend::poseidon::{self, Permutation, poseidon2_permute_16};
use backend::{Isa, KoalaBear};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn random(n: usize, seed: u64) -> Vec<KoalaBear> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n).map(|_| KoalaBear::new(rng.random())).collect()
}

/// The construction of the module docs, written out naively (one hash at a time).
fn naive_root(mats: &[(Vec<KoalaBear>, usize)]) -> Digest {
    let compress = |l: &Digest, r: &Digest| -> Digest {
        let mut s = [KoalaBear::ZERO; 16];
        s[..8].copy_from_slice(l);
        s[8..].copy_from_slice(r);
        let input = s;
        poseidon2_permute_16(&mut s);
        core::array::from_fn(|i| s[i] + input[i])
    };
    let height = |m: &(Vec<KoalaBear>, usize)| m.0.len() / m.1;
    let row_hash = |h: usize, i: usize| -> Option<Digest> {
        let cat: Vec<KoalaBear> = mats
            .iter()
            .filter(|m| height(m) == h)
            .flat_map(|m| m.0[i * m.1..(i + 1) * m.1].to_vec())
            .collect();
        let any = mats.iter().any(|m| height(m) == h);
        any.then(|| poseidon::sponge(Permutation::Poseidon2W24, &cat))
    };
    let max = mats.iter().map(height).max().unwrap();
    let mut layer: Vec<Digest> = (0..max).map(|i| row_hash(max, i).unwrap()).collect();
    let mut h = max;
    while h > 1 {
        h /= 2;
        layer = (0..h)
            .map(|j| {
                let n = compress(&layer[2 * j], &layer[2 * j + 1]);
                match row_hash(h, j) {
                    Some(r) => compress(&n, &r),
                    None => n,
                }
            })
            .collect();
    }
    layer[0]
}

/// `merkle::verify_multi` (scalar reference), after checking that the batched
/// `verify_multi_with` gives exactly the same result (rows or error) on every ISA.
fn verify_multi<'a>(
    root: &Digest,
    dims: &[Dimensions],
    indices: &[usize],
    opening: &'a MultiOpening,
) -> Result<Vec<&'a [Vec<KoalaBear>]>, MerkleError> {
    let reference = merkle::verify_multi(root, dims, indices, opening);
    for isa in Isa::available() {
        assert_eq!(
            verify_multi_with(isa, root, dims, indices, opening),
            reference,
            "{isa}"
        );
    }
    reference
}

fn tree(isa: Isa, mats: &[(Vec<KoalaBear>, usize)]) -> MerkleTree<&[KoalaBear]> {
    let ms = mats
        .iter()
        .map(|(v, w)| Matrix::new(v.as_slice(), *w))
        .collect();
    MerkleTree::new(isa, ms).unwrap()
}

/// Mixed-height layouts: (height, width) per matrix, in commitment order.
const MIXED: &[&[(usize, usize)]] = &[
    &[(8, 3)],
    &[(32, 5), (8, 2), (32, 1), (1, 4), (4, 17), (8, 9)],
    &[(2, 1), (64, 24), (16, 16)],
    &[(1, 1), (1, 30)],
    &[(256, 2), (128, 40), (1, 1)],
];

fn mats_for(layout: &[(usize, usize)], seed: u64) -> Vec<(Vec<KoalaBear>, usize)> {
    layout
        .iter()
        .enumerate()
        .map(|(k, &(h, w))| (random(h * w, seed + k as u64), w))
        .collect()
}

#[test]
fn hash_row_and_compress_match_their_definitions() {
    let row = random(37, 1);
    assert_eq!(
        merkle::hash_row(&row),
        poseidon::sponge(Permutation::Poseidon2W24, &row)
    );
    let (l, r): (Digest, Digest) = (
        random(8, 2).try_into().unwrap(),
        random(8, 3).try_into().unwrap(),
    );
    let mut s: [KoalaBear; 16] = [l, r].concat().try_into().unwrap();
    poseidon2_permute_16(&mut s);
    let want: Digest = core::array::from_fn(|i| s[i] + [l, r].concat()[i]);
    assert_eq!(merkle::compress(&l, &r), want);
    assert_ne!(merkle::compress(&l, &r), merkle::compress(&r, &l));
}

#[test]
fn roots_match_the_naive_construction() {
    for isa in Isa::available() {
        for (log_h, w) in [(0, 1), (1, 1), (3, 7), (6, 16), (9, 17), (10, 64)] {
            let mats = vec![(random(w << log_h, 10 + log_h as u64), w)];
            assert_eq!(
                tree(isa, &mats).root(),
                naive_root(&mats),
                "{isa} 2^{log_h} x {w}"
            );
        }
        for (n, layout) in MIXED.iter().enumerate() {
            let mats = mats_for(layout, 100 * n as u64);
            assert_eq!(
                tree(isa, &mats).root(),
                naive_root(&mats),
                "{isa} layout {layout:?}"
            );
        }
    }
}

#[test]
fn every_leaf_opens_and_verifies() {
    let isa = Isa::current();
    for log_h in [0, 1, 2, 5, 8] {
        for w in [1, 2, 8, 15, 16, 17, 33] {
            let mats = vec![(random(w << log_h, 7 * w as u64 + log_h as u64), w)];
            let t = tree(isa, &mats);
            let dims = t.dimensions();
            assert_eq!(t.depth(), log_h);
            for i in 0..1 << log_h {
                let o = t.open(i).unwrap();
                assert_eq!(o.siblings.len(), log_h);
                assert_eq!(o.rows, vec![mats[0].0[i * w..(i + 1) * w].to_vec()]);
                assert_eq!(
                    verify(&t.root(), &dims, i, &o),
                    Ok(()),
                    "2^{log_h} x {w} @ {i}"
                );
            }
        }
    }
}

#[test]
fn mixed_heights_open_the_right_rows_and_verify() {
    let isa = Isa::current();
    for (n, layout) in MIXED.iter().enumerate() {
        let mats = mats_for(layout, 500 + n as u64);
        let t = tree(isa, &mats);
        let dims = t.dimensions();
        let max = layout.iter().map(|l| l.0).max().unwrap();
        for i in 0..max {
            let o = t.open(i).unwrap();
            for (k, &(h, w)) in layout.iter().enumerate() {
                let r = i / (max / h);
                assert_eq!(
                    o.rows[k],
                    mats[k].0[r * w..(r + 1) * w],
                    "matrix {k} leaf {i}"
                );
            }
            assert_eq!(verify(&t.root(), &dims, i, &o), Ok(()));
        }
        // Changing a row of any matrix, including the shortest, breaks the opening.
        for k in 0..layout.len() {
            let mut o = t.open(max - 1).unwrap();
            o.rows[k][0] += KoalaBear::ONE;
            assert_eq!(
                verify(&t.root(), &dims, max - 1, &o),
                Err(MerkleError::RootMismatch)
            );
        }
    }
}

#[test]
fn roots_identical_on_every_isa_and_thread_count() {
    let (one, two) = common::one_and_two_thread_pools();
    let cases: Vec<Vec<(Vec<KoalaBear>, usize)>> = vec![
        vec![(random(9 << 12, 41), 9)],
        vec![(random(64 << 11, 42), 64)],
        mats_for(&[(1 << 12, 3), (1 << 9, 20), (1 << 12, 1), (1 << 3, 2)], 43),
    ];
    for mats in &cases {
        let reference = one.install(|| tree(Isa::scalar(), mats));
        let want = reference.root();
        for isa in Isa::available() {
            for pool in [&one, &two] {
                let t = pool.install(|| tree(isa, mats));
                assert_eq!(
                    t.root(),
                    want,
                    "{isa}, {} threads",
                    pool.current_num_threads()
                );
                // Every layer, not just the root.
                for l in 0..=t.depth() {
                    assert_eq!(t.layer(l), reference.layer(l), "{isa} layer {l}");
                }
            }
        }
    }
}

#[test]
fn multi_openings_with_duplicates_and_unsorted_indices() {
    let isa = Isa::current();
    let mut rng = StdRng::seed_from_u64(9);
    for (n, layout) in MIXED.iter().enumerate() {
        let mats = mats_for(layout, 900 + n as u64);
        let t = tree(isa, &mats);
        let dims = t.dimensions();
        let leaves = t.leaves();
        for count in [1, 2, 3, 10, 40, 300] {
            let indices: Vec<usize> = (0..count).map(|_| rng.random_range(0..leaves)).collect();
            let m = t.open_multi(&indices).unwrap();
            let rows = verify_multi(&t.root(), &dims, &indices, &m).unwrap();
            assert_eq!(rows.len(), indices.len());
            for (&i, r) in indices.iter().zip(&rows) {
                assert_eq!(*r, t.open(i).unwrap().rows.as_slice(), "index {i}");
            }
            // Shared nodes are sent once: never more than the separate paths of the
            // distinct indices.
            let mut distinct = indices.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(m.rows.len(), distinct.len());
            assert!(m.siblings.len() <= distinct.len() * t.depth());
        }
    }
    // Exact sibling counts on a 16-leaf tree.
    let mats = vec![(random(16 * 3, 77), 3)];
    let t = tree(isa, &mats);
    let count = |idx: &[usize]| t.open_multi(idx).unwrap().siblings.len();
    assert_eq!(count(&[5]), 4);
    assert_eq!(count(&[4, 5]), 3);
    assert_eq!(count(&[5, 4, 5, 4]), 3);
    assert_eq!(count(&[0, 1, 2, 3]), 2);
    assert_eq!(count(&(0..16).rev().collect::<Vec<_>>()), 0);
    assert_eq!(count(&[0, 15]), 6);
}

/// A `LeafTree` over leaf digests hashed in parts (`hash_leaves`) is the tree over the whole
/// matrix: same root, depth and multi-opening, and the opening verifies.
#[test]
fn leaf_tree_matches_the_tree_over_the_whole_matrix() {
    let isa = Isa::current();
    for (log_h, width) in [(0usize, 3usize), (1, 16), (6, 40), (11, 128)] {
        let h = 1usize << log_h;
        let rows: Vec<KoalaBear> = (0..h * width)
            .map(|i| KoalaBear::from_u64((i * i + 11) as u64))
            .collect();
        let full = MerkleTree::from_rows(isa, rows.clone(), width).unwrap();
        // Hash in four parts, as a caller that cannot keep the matrix would.
        let mut leaves = vec![[KoalaBear::ZERO; 8]; h];
        let part = h.div_ceil(4);
        for (p, out) in leaves.chunks_mut(part).enumerate() {
            let start = p * part * width;
            hash_leaves(isa, &rows[start..start + out.len() * width], width, out);
        }
        let tree = LeafTree::new(isa, leaves).unwrap();
        assert_eq!(tree.root(), full.root(), "h {h}");
        assert_eq!(tree.depth(), full.depth());
        let picks = [h - 1, 0, h / 2, h - 1, h / 3];
        let (nodes, siblings) = tree.multi_siblings(&picks).unwrap();
        let opening = MultiOpening {
            rows: nodes
                .iter()
                .map(|&i| vec![rows[i * width..(i + 1) * width].to_vec()])
                .collect(),
            siblings,
        };
        assert_eq!(opening, full.open_multi(&picks).unwrap());
        verify_multi(&tree.root(), &full.dimensions(), &picks, &opening).unwrap();
    }
}

fn sample_tree() -> (MerkleTree<Vec<KoalaBear>>, Vec<Dimensions>) {
    let ms = vec![
        Matrix::new(random(32 * 5, 61), 5),
        Matrix::new(random(8 * 3, 62), 3),
    ];
    let t = MerkleTree::new(Isa::current(), ms).unwrap();
    let d = t.dimensions();
    (t, d)
}

#[test]
fn tampered_single_openings_are_rejected() {
    let (t, dims) = sample_tree();
    let root = t.root();
    let good = t.open(13).unwrap();
    assert_eq!(verify(&root, &dims, 13, &good), Ok(()));

    let mut o = good.clone();
    o.rows[0][2] += KoalaBear::ONE;
    assert_eq!(verify(&root, &dims, 13, &o), Err(MerkleError::RootMismatch));
    for s in 0..o.siblings.len() {
        let mut o = good.clone();
        o.siblings[s][7] += KoalaBear::ONE;
        assert_eq!(verify(&root, &dims, 13, &o), Err(MerkleError::RootMismatch));
    }
    for other in [12, 14, 29, 0] {
        assert_eq!(
            verify(&root, &dims, other, &good),
            Err(MerkleError::RootMismatch),
            "index {other}"
        );
    }
    let mut o = good.clone();
    o.siblings.pop();
    assert_eq!(
        verify(&root, &dims, 13, &o),
        Err(MerkleError::WrongPathLength {
            expected: 5,
            got: 4
        })
    );
    let mut o = good.clone();
    o.siblings.push(root);
    assert_eq!(
        verify(&root, &dims, 13, &o),
        Err(MerkleError::WrongPathLength {
            expected: 5,
            got: 6
        })
    );
    let mut o = good.clone();
    o.rows[1].pop();
    assert_eq!(
        verify(&root, &dims, 13, &o),
        Err(MerkleError::WrongRowWidth {
            leaf: 0,
            matrix: 1,
            expected: 3,
            got: 2
        })
    );
    let mut o = good.clone();
    o.rows.pop();
    assert_eq!(
        verify(&root, &dims, 13, &o),
        Err(MerkleError::WrongRowCount {
            leaf: 0,
            expected: 2,
            got: 1
        })
    );
    assert_eq!(
        verify(&root, &dims, 32, &good),
        Err(MerkleError::IndexOutOfRange {
            index: 32,
            leaves: 32
        })
    );
    let mut wrong_dims = dims.clone();
    wrong_dims[1].height = 16;
    assert_eq!(
        verify(&root, &wrong_dims, 13, &good),
        Err(MerkleError::RootMismatch)
    );
    wrong_dims[1].height = 12;
    assert_eq!(
        verify(&root, &wrong_dims, 13, &good),
        Err(MerkleError::HeightNotPowerOfTwo {
            matrix: 1,
            height: 12
        })
    );
    assert_eq!(verify(&root, &[], 13, &good), Err(MerkleError::NoMatrices));
    let mut other_root = root;
    other_root[0] += KoalaBear::ONE;
    assert_eq!(
        verify(&other_root, &dims, 13, &good),
        Err(MerkleError::RootMismatch)
    );
}

#[test]
fn tampered_multi_openings_are_rejected() {
    let (t, dims) = sample_tree();
    let root = t.root();
    let idx = [17, 3, 16, 3, 30];
    let good = t.open_multi(&idx).unwrap();
    assert!(verify_multi(&root, &dims, &idx, &good).is_ok());

    let mut o = good.clone();
    o.siblings.pop();
    assert!(matches!(
        verify_multi(&root, &dims, &idx, &o),
        Err(MerkleError::TooFewSiblings { .. })
    ));
    let mut o = good.clone();
    o.siblings.push(root);
    assert_eq!(
        verify_multi(&root, &dims, &idx, &o),
        Err(MerkleError::TooManySiblings { extra: 1 })
    );
    for s in 0..good.siblings.len() {
        let mut o = good.clone();
        o.siblings[s][0] += KoalaBear::ONE;
        assert_eq!(
            verify_multi(&root, &dims, &idx, &o),
            Err(MerkleError::RootMismatch)
        );
    }
    for leaf in 0..good.rows.len() {
        let mut o = good.clone();
        o.rows[leaf][0][4] += KoalaBear::ONE;
        assert_eq!(
            verify_multi(&root, &dims, &idx, &o),
            Err(MerkleError::RootMismatch),
            "leaf {leaf}"
        );
    }
    // Leaves 16 and 17 share row 4 of the height-8 matrix: both copies must agree.
    let mut o = good.clone();
    o.rows[2][1][0] += KoalaBear::ONE;
    assert_eq!(
        verify_multi(&root, &dims, &idx, &o),
        Err(MerkleError::InconsistentRows { matrix: 1, row: 4 })
    );
    // Changing both copies consistently is caught by the root.
    o.rows[1][1][0] += KoalaBear::ONE;
    assert_eq!(
        verify_multi(&root, &dims, &idx, &o),
        Err(MerkleError::RootMismatch)
    );
    // A changed index set.
    assert_eq!(
        verify_multi(&root, &dims, &[17, 3, 16, 3, 31], &good),
        Err(MerkleError::RootMismatch)
    );
    assert_eq!(
        verify_multi(&root, &dims, &[17, 2, 16, 30], &good),
        Err(MerkleError::RootMismatch)
    );
    // Dropping a duplicate does not change the distinct set: still valid.
    assert!(verify_multi(&root, &dims, &[30, 17, 3, 16], &good).is_ok());
    assert_eq!(
        verify_multi(&root, &dims, &[17, 3, 16, 31, 30], &good),
        Err(MerkleError::WrongOpeningCount {
            expected: 5,
            got: 4
        })
    );
    assert_eq!(
        verify_multi(&root, &dims, &[17, 3, 30], &good),
        Err(MerkleError::WrongOpeningCount {
            expected: 3,
            got: 4
        })
    );
    assert_eq!(
        verify_multi(&root, &dims, &[], &good),
        Err(MerkleError::NoIndices)
    );
    assert_eq!(
        verify_multi(&root, &dims, &[17, 3, 16, 99], &good),
        Err(MerkleError::IndexOutOfRange {
            index: 99,
            leaves: 32
        })
    );
    let mut o = good.clone();
    o.rows[3].push(vec![]);
    assert_eq!(
        verify_multi(&root, &dims, &idx, &o),
        Err(MerkleError::WrongRowCount {
            leaf: 3,
            expected: 2,
            got: 3
        })
    );
}

#[test]
fn bad_shapes_are_rejected_with_the_matrix_named() {
    let isa = Isa::current();
    let err = |ms: Vec<Matrix>| MerkleTree::new(isa, ms).unwrap_err();
    assert_eq!(err(vec![]), MerkleError::NoMatrices);
    // Width 0 is rejected: a row-major slice of width-0 rows has no defined height.
    assert_eq!(
        err(vec![Matrix::new(random(4, 1), 1), Matrix::new(vec![], 0)]),
        MerkleError::ZeroWidth { matrix: 1 }
    );
    assert_eq!(
        err(vec![Matrix::new(random(10, 1), 4)]),
        MerkleError::RaggedMatrix {
            matrix: 0,
            len: 10,
            width: 4
        }
    );
    assert_eq!(
        err(vec![
            Matrix::new(random(4, 1), 1),
            Matrix::new(random(12, 1), 2)
        ]),
        MerkleError::HeightNotPowerOfTwo {
            matrix: 1,
            height: 6
        }
    );
    assert_eq!(
        err(vec![Matrix::new(vec![], 3)]),
        MerkleError::HeightNotPowerOfTwo {
            matrix: 0,
            height: 0
        }
    );
    let t = MerkleTree::from_rows(isa, random(8, 2), 2).unwrap();
    assert_eq!(
        t.open(4).unwrap_err(),
        MerkleError::IndexOutOfRange {
            index: 4,
            leaves: 4
        }
    );
    assert_eq!(t.open_multi(&[]).unwrap_err(), MerkleError::NoIndices);
    assert_eq!(
        t.open_multi(&[1, 7]).unwrap_err(),
        MerkleError::IndexOutOfRange {
            index: 7,
            leaves: 4
        }
    );
    let big = [Dimensions {
        width: 1 << 31,
        height: 2,
    }];
    assert!(matches!(
        verify(&t.root(), &big, 0, &t.open(0).unwrap()),
        Err(MerkleError::RowTooLong { .. })
    ));
}

fn arb_fe() -> impl Strategy<Value = KoalaBear> {
    any::<u32>().prop_map(KoalaBear::new)
}

fn arb_digest() -> impl Strategy<Value = Digest> {
    proptest::array::uniform8(arb_fe())
}

fn arb_dims() -> impl Strategy<Value = Vec<Dimensions>> {
    proptest::collection::vec(
        (0usize..4, 0usize..7).prop_map(|(w, lh)| Dimensions {
            width: w,
            height: if lh == 6 { 3 } else { 1 << lh },
        }),
        0..4,
    )
}

fn arb_rows() -> impl Strategy<Value = Vec<Vec<KoalaBear>>> {
    proptest::collection::vec(proptest::collection::vec(arb_fe(), 0..4), 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_single_openings_never_panic(
        root in arb_digest(),
        dims in arb_dims(),
        index in 0usize..80,
        rows in arb_rows(),
        siblings in proptest::collection::vec(arb_digest(), 0..8),
    ) {
        let o = Opening { rows, siblings };
        prop_assert!(verify(&root, &dims, index, &o).is_err());
    }

    #[test]
    fn arbitrary_multi_openings_never_panic(
        root in arb_digest(),
        dims in arb_dims(),
        indices in proptest::collection::vec(0usize..80, 0..6),
        rows in proptest::collection::vec(arb_rows(), 0..6),
        siblings in proptest::collection::vec(arb_digest(), 0..16),
    ) {
        let o = MultiOpening { rows, siblings };
        prop_assert!(verify_multi(&root, &dims, &indices, &o).is_err());
    }

    #[test]
    fn mutated_valid_multi_openings_are_rejected_without_panic(
        indices in proptest::collection::vec(0usize..32, 1..6),
        which in 0usize..6,
        pos in any::<usize>(),
        delta in 1u32..1000,
    ) {
        let (t, dims) = sample_tree();
        let mut o = t.open_multi(&indices).unwrap();
        prop_assert!(verify_multi(&t.root(), &dims, &indices, &o).is_ok());
        let d = KoalaBear::new(delta);
        match which {
            0 if !o.siblings.is_empty() => {
                let n = o.siblings.len();
                o.siblings[pos % n][pos % 8] += d;
            }
            1 if !o.siblings.is_empty() => {
                o.siblings.remove(pos % o.siblings.len());
            }
            2 => o.siblings.push([d; 8]),
            3 => {
                let n = o.rows.len();
                let leaf = &mut o.rows[pos % n];
                let k = pos % 2;
                let w = leaf[k].len();
                leaf[k][pos % w] += d;
            }
            4 => {
                let n = o.rows.len();
                o.rows[pos % n][pos % 2].push(d);
            }
            _ => {
                let n = o.rows.len();
                o.rows.remove(pos % n);
            }
        }
        let mutated_is_noop = o == t.open_multi(&indices).unwrap();
        prop_assert!(mutated_is_noop || verify_multi(&t.root(), &dims, &indices, &o).is_err());
    }
}
