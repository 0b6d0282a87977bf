//! The lane-batched squares kernels against the `rand_mt` reference and against numpy itself.

use parlab::tasks::{random_square, squares::squares_into, squares::squares_into_flavor, Flavor};
use rand::{rngs::StdRng, RngExt, SeedableRng};

fn fast_flavors() -> Vec<Flavor> {
    Flavor::available()
        .into_iter()
        .filter(|&f| f != Flavor::Scalar)
        .collect()
}

#[test]
fn every_seed_below_one_million_matches_the_reference() {
    let reference: Vec<u32> = (0..1_000_000).map(random_square).collect();
    for flavor in fast_flavors() {
        let mut out = vec![0; reference.len()];
        squares_into_flavor(flavor, 0, &mut out).unwrap();
        let bad = out.iter().zip(&reference).position(|(a, b)| a != b);
        assert_eq!(bad, None, "{flavor} differs from rand_mt at seed {bad:?}");
    }
    let mut out = vec![0; reference.len()];
    squares_into(0, &mut out);
    assert!(out == reference);
}

#[test]
fn random_seeds_and_odd_lengths_match_the_reference() {
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..3000 {
        let start: u32 = rng.random();
        let len = rng.random_range(1..200);
        let reference: Vec<u32> = (0..len)
            .map(|i| random_square(start.wrapping_add(i)))
            .collect();
        for flavor in fast_flavors() {
            let mut out = vec![0; len as usize];
            squares_into_flavor(flavor, start, &mut out).unwrap();
            assert_eq!(out, reference, "{flavor} from seed {start}");
        }
    }
}

#[test]
fn seeds_near_u32_max_match_and_wrap() {
    let start = u32::MAX - 300;
    let reference: Vec<u32> = (0..400u32)
        .map(|i| random_square(start.wrapping_add(i)))
        .collect();
    for flavor in fast_flavors() {
        let mut out = vec![0; reference.len()];
        squares_into_flavor(flavor, start, &mut out).unwrap();
        assert_eq!(out, reference, "{flavor}");
    }
}

#[test]
fn numpy_values_match_reference_and_fast_kernels() {
    let data = include_str!("data/numpy_squares.csv");
    let rows: Vec<(u32, u32)> = data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("seed"))
        .map(|l| {
            let (s, v) = l.split_once(',').unwrap();
            (s.parse().unwrap(), v.parse().unwrap())
        })
        .collect();
    assert!(rows.len() > 4000);
    assert!(rows.iter().any(|&(s, _)| s == u32::MAX));
    for &(seed, numpy) in &rows {
        assert_eq!(random_square(seed), numpy, "rand_mt at seed {seed}");
        for flavor in fast_flavors() {
            // The seed alone (tail path), and in the middle of a full batch of lanes.
            let mut one = [0];
            squares_into_flavor(flavor, seed, &mut one).unwrap();
            let mut batch = [0; 64];
            let first = seed.saturating_sub(17);
            squares_into_flavor(flavor, first, &mut batch).unwrap();
            assert_eq!(one[0], numpy, "{flavor} at seed {seed}");
            assert_eq!(
                batch[(seed - first) as usize],
                numpy,
                "{flavor} at seed {seed}"
            );
        }
    }
}
