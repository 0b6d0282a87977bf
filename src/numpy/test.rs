//! The lazy generator against the plain one (`rand_mt`), numpy's own values and the tasks'
//! squares.

use super::random::{randint, seed};
use super::RandomState;
use crate::tasks;

/// `RandomState::new(s).randint(0, 10)` squared, the module's `random_square`.
fn square(s: u32) -> u32 {
    let r = RandomState::new(s).randint(0, 10) as u32;
    r * r
}

#[test]
fn the_first_draw_equals_the_tasks_square_on_a_million_seeds() {
    let mut out = vec![0; 1_000_000];
    tasks::squares::squares_into(0, &mut out);
    for (s, want) in out.into_iter().enumerate() {
        assert_eq!(square(s as u32), want, "seed {s}");
    }
}

#[test]
fn the_first_draw_equals_the_reference_on_random_seeds() {
    for _ in 0..20_000 {
        let s: u32 = rand::random();
        assert_eq!(square(s), tasks::random_square(s), "seed {s}");
    }
    for s in [u32::MAX, u32::MAX - 1, 1 << 31] {
        assert_eq!(square(s), tasks::random_square(s), "seed {s}");
    }
}

#[test]
fn numpys_own_squares_match() {
    let csv = include_str!("../../tests/data/numpy_squares.csv");
    let mut checked = 0;
    for line in csv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("seed"))
    {
        let (s, want) = line.split_once(',').expect("seed,square");
        let (s, want): (u32, u32) = (s.parse().expect("seed"), want.parse().expect("square"));
        assert_eq!(square(s), want, "seed {s}");
        checked += 1;
    }
    assert!(checked > 4000, "only {checked} rows");
}

#[test]
fn every_output_equals_the_plain_mt19937_across_several_twists() {
    for s in [0, 1, 5489, 123_456_789, u32::MAX] {
        let mut plain = rand_mt::Mt::new(s);
        let mut lazy = RandomState::new(s);
        for i in 0..2000 {
            assert_eq!(lazy.next_u32(), plain.next_u32(), "seed {s}, output {i}");
        }
    }
}

#[test]
fn a_draw_computes_only_the_words_it_needs() {
    for s in 0..50 {
        let mut rng = RandomState::new(s);
        rng.randint(0, 10);
        // Output k needs initial words up to k + 397: `pos` outputs need 397 + pos words.
        let pos = rng.pos;
        assert!((1..10).contains(&pos), "seed {s}: {pos} draws");
        assert_eq!((rng.init, rng.twisted), (397 + pos, pos), "seed {s}");
        rng.next_u32();
        assert_eq!(rng.init, 398 + pos, "seed {s}");
    }
}

#[test]
fn many_small_draws_match_numpy() {
    // np.random.RandomState(123456789); 1500 draws of randint(0, 10)
    let mut rng = RandomState::new(123_456_789);
    let draws: Vec<i64> = (0..1500).map(|_| rng.randint(0, 10)).collect();
    assert_eq!(draws[..10], [8, 2, 9, 7, 4, 3, 4, 0, 3, 4]);
    assert_eq!(draws[1495..], [1, 2, 7, 4, 3]);
    assert_eq!(draws.iter().sum::<i64>(), 6797);
}

#[test]
fn wide_ranges_take_numpys_64_bit_path() {
    // np.random.RandomState(7); 400 draws of randint(0, 2**40): 800 outputs, past a twist
    let mut rng = RandomState::new(7);
    let draws: Vec<i64> = (0..400).map(|_| rng.randint(0, 1 << 40)).collect();
    assert_eq!(
        [draws[0], draws[1], draws[311], draws[312], draws[399]],
        [
            752_595_690_692,
            108_744_157_686,
            810_676_406_486,
            374_131_566_044,
            97_909_226
        ]
    );
    // np.random.RandomState(4294967295): negative, full-width and edge ranges
    let mut rng = RandomState::new(u32::MAX);
    let small: Vec<i64> = (0..5).map(|_| rng.randint(-1000, 1000)).collect();
    assert_eq!(small, [-581, -710, 36, 95, 972]);
    assert_eq!(rng.randint(i64::MIN, i64::MAX), 485_542_414_030_622_934);
    assert_eq!(rng.randint(0, 1), 0); // one value: no draw
    assert_eq!(rng.randint(0, 1 << 32), 3_309_765_114);
    assert_eq!(rng.randint(0, (1 << 32) + 1), 2_987_145_323);
}

#[test]
#[should_panic(expected = "low >= high")]
fn an_empty_range_panics_like_numpy() {
    RandomState::new(0).randint(3, 3);
}

#[test]
#[should_panic(expected = "low >= high")]
fn the_shared_randint_checks_its_range_too() {
    randint(10, 0);
}

#[test]
fn the_shared_generator_is_numpys_module_state() {
    // Other tests of this binary may use the shared state: hold a seed-and-draw pair per check.
    fn random_square(myseed: u32) -> u32 {
        seed(myseed);
        let r = randint(0, 10);
        (r * r) as u32
    }
    for s in (0..100_000).step_by(7) {
        assert_eq!(random_square(s), tasks::random_square(s));
    }
}
