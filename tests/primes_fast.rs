//! The wheel and SIMD trial-division kernels against plain trial division, and early exit.

use parlab::prelude::*;
use parlab::tasks::primes::{smallest_factor_flavor, TrialKernel};
use parlab::tasks::{is_prime_miller_rabin, smallest_factor_in, Flavor, Subinterval};
use rand::{rngs::StdRng, RngExt, SeedableRng};

/// Plain trial division by `lo, lo + 2, ..., hi`.
fn plain(n: u64, lo: u64, hi: u64) -> Option<u64> {
    (lo..=hi).step_by(2).find(|x| n.is_multiple_of(*x))
}

fn next_prime(mut p: u64) -> u64 {
    while !is_prime_miller_rabin(p) {
        p += 1;
    }
    p
}

fn check(n: u64, lo: u64, hi: u64) {
    let sub = Subinterval { n, lo, hi };
    let want = plain(n, lo, hi);
    for flavor in Flavor::available() {
        let got = smallest_factor_flavor(flavor, &sub).unwrap();
        assert_eq!(got, want, "{flavor}: n = {n}, {lo}..={hi}");
    }
    assert_eq!(smallest_factor_in(&sub), want);
}

/// An odd window of up to `width` candidates around `center` (clamped to >= 3).
fn window(rng: &mut StdRng, center: u64, width: u64) -> (u64, u64) {
    let lo = center.saturating_sub(rng.random_range(0..width)).max(3) | 1;
    let hi = (center + rng.random_range(0..width)).max(lo) | 1;
    (lo, hi)
}

#[test]
fn kernels_match_plain_trial_division_on_random_n() {
    let mut rng = StdRng::seed_from_u64(11);
    for case in 0..600 {
        let n = match case % 6 {
            // Small n, whole candidate range.
            0 => rng.random_range(1..5_000_000u64),
            // Squares of primes.
            1 => {
                let p = next_prime(rng.random_range(3..4_000_000_000u64));
                p * p
            }
            // Products of two close primes.
            2 => {
                let p = next_prime(rng.random_range(3..3_000_000_000u64));
                let q = next_prime(p + 1 + rng.random_range(0..1000));
                p * q
            }
            // Near u64::MAX.
            3 => u64::MAX - rng.random_range(0..1_000_000),
            // Multiples of 3 or 5 (other wheels), with a large cofactor.
            4 => [3, 5, 15, 9, 25][rng.random_range(0..5usize)] * rng.random_range(1..1u64 << 58),
            _ => rng.random(),
        };
        let root = n.isqrt();
        // Around the smallest factor when it is found quickly, around sqrt(n), and from 3.
        let f = plain(n, 3, root.min(3_000_001));
        let centers = [f.unwrap_or(root), root, rng.random_range(3..=root.max(3))];
        for center in centers {
            let (lo, hi) = window(&mut rng, center, 40_000);
            check(n, lo, hi);
        }
        check(n, 3, root.clamp(3, 200_001) | 1);
    }
}

#[test]
fn edge_subintervals_match_plain_trial_division() {
    for n in [
        1,
        2,
        3,
        9,
        15,
        25,
        49,
        91,
        97,
        1 << 40,
        u64::MAX,
        u64::MAX - 58,
    ] {
        for (lo, hi) in [
            (3, 3),
            (3, 9),
            (5, 99),
            (8191, 8193),
            (8193, 100_001),
            (2, 40),
            (1, 9),
        ] {
            check(n, lo, hi);
        }
    }
    // Candidates that reach n itself, and ranges at the top of u64.
    check(1_000_003, 999_001, 1_000_003);
    check(u64::MAX, u64::MAX - 1_000_000, u64::MAX);
}

#[test]
fn module_prime_has_no_factor_in_a_slice() {
    let n = 489_133_282_872_437_279;
    check(n, 3, 2_000_001);
    check(n, 699_000_001, 699_380_641);
}

#[test]
fn tiny_factor_with_huge_cofactor_stops_every_backend() {
    let big = next_prime(1 << 61);
    for (small, n) in [(3, 3 * big), (5, 5 * next_prime(big / 2))] {
        for kind in BackendKind::CPU {
            let backend = kind.build(2).unwrap();
            let answer = check_prime(&backend, n).unwrap();
            assert_eq!(answer.factor, Some(small), "{}", kind.name());
            assert!(!answer.is_prime);
        }
    }
    // A task above the factor ends without scanning: it reports nothing for its own range.
    let k = TrialKernel::new();
    let top = Subinterval {
        n: 3 * big,
        lo: 1_000_001,
        hi: (3 * big).isqrt() | 1,
    };
    assert_eq!(k.scan(&top), None);
}

#[test]
fn check_prime_agrees_with_miller_rabin() {
    let mut rng = StdRng::seed_from_u64(5);
    let threads = BackendKind::Threads.build(2).unwrap();
    for _ in 0..40 {
        let p = next_prime(rng.random_range(10_000..2_000_000));
        let q = next_prime(p + rng.random_range(1..100_000));
        let answer = check_prime(&threads, p * q).unwrap();
        assert_eq!(answer.factor, Some(p));
        let r = next_prime(rng.random_range(1_000_000_000..4_000_000_000));
        assert!(check_prime(&threads, r).unwrap().is_prime);
    }
}

#[test]
fn wheel_edge_cases_match_plain_trial_division_in_every_flavor() {
    // 999999937^2: the smallest factor is the last candidate, found in every fast flavor.
    let square: u64 = 999_999_874_000_003_969;
    let root = square.isqrt();
    assert_eq!(root, 999_999_937);
    check(square, root - 2_000_000, root);
    let sub = Subinterval {
        n: square,
        lo: 3,
        hi: root,
    };
    for flavor in Flavor::available() {
        if flavor != Flavor::Scalar {
            assert_eq!(smallest_factor_flavor(flavor, &sub).unwrap(), Some(root));
        }
    }
    let prime: u64 = 489_133_282_872_437_279;
    let top = prime.isqrt() | 1;
    check(prime, top - 2_000_000, top);
    // Every n below 1000 against window starts in the wheel's first turn.
    for n in 1..1_000u64 {
        for lo in (3..60).step_by(2) {
            check(n, lo, n.isqrt().max(lo) | 1);
        }
    }
    // A factor at the first candidate of a chunk-aligned block (k·840 + 1) and at the last one.
    let big = next_prime(1 << 40);
    let p = (20..)
        .map(|k| 840 * k + 1)
        .find(|&p| is_prime_miller_rabin(p))
        .unwrap();
    let q = (20..)
        .map(|k| 840 * k - 1)
        .find(|&q| is_prime_miller_rabin(q))
        .unwrap();
    for f in [p, q] {
        check(f * big, f, f + 50_000);
        check(f * big, f - 2 * 840, f);
        check(f * big, (f - 840) | 1, f + 840);
    }
    // Squares of primes (some near the wheel's modulus 210), and small primes times a big one.
    let big = next_prime(1 << 40);
    for p in [
        3u64,
        5,
        7,
        11,
        13,
        199,
        211,
        16_411,
        1_000_003,
        4_294_967_291,
    ] {
        check(p * p, p.saturating_sub(400_000).max(3) | 1, p);
        check(p * p, p, p + 400);
        if let Some(n) = p.checked_mul(big) {
            check(n, 3, p + 10_000);
            check(n, p.max(5) - 2, p + 2);
        }
    }
}
