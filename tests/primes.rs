//! Primality: parlab's subinterval split against a sieve, the module's split against parlab's,
//! and Miller–Rabin against trial division.

use parlab::prelude::*;
use parlab::tasks::module_code::module_verdict;
use parlab::tasks::{is_prime_miller_rabin, smallest_factor_in, subinterval_limits};
use rayon::prelude::*;

const LIMIT: usize = 1_000_000;

/// Smallest prime factor of every n <= LIMIT (0 for 0 and 1).
fn sieve() -> Vec<u32> {
    let mut spf = vec![0u32; LIMIT + 1];
    for i in 2..=LIMIT {
        if spf[i] == 0 {
            for j in (i..=LIMIT).step_by(i) {
                if spf[j] == 0 {
                    spf[j] = i as u32;
                }
            }
        }
    }
    spf
}

/// The verdict parlab's split gives: smallest factor over the subintervals in order.
fn split_factor(n: u64, workers: usize) -> Option<u64> {
    if n.is_multiple_of(2) && n > 2 {
        return Some(2);
    }
    subinterval_limits(n, workers)
        .unwrap()
        .iter()
        .find_map(smallest_factor_in)
}

#[test]
fn every_worker_count_from_1_to_64_agrees_with_a_sieve_up_to_a_million() {
    let spf = sieve();
    (1..=LIMIT as u64).into_par_iter().for_each(|n| {
        let want = match spf[n as usize] as u64 {
            0 => None,           // n = 1
            p if p == n => None, // prime
            p => Some(p),        // composite: smallest factor
        };
        for workers in 1..=64 {
            assert_eq!(
                split_factor(n, workers),
                want,
                "n = {n}, workers = {workers}"
            );
        }
    });
}

#[test]
fn subintervals_cover_exactly_the_odd_candidates_up_to_isqrt() {
    for n in (1..5_000u64).chain([489_133_282_872_437_279, u64::MAX]) {
        for workers in 1..=64 {
            let subs = subinterval_limits(n, workers).unwrap();
            let root = n.isqrt().min(n - 1);
            let mut next = 3;
            for s in &subs {
                assert_eq!(s.lo, next, "n = {n}, workers = {workers}");
                assert!(s.lo % 2 == 1 && s.hi % 2 == 1 && s.lo <= s.hi && s.hi <= root && s.hi < n);
                next = s.hi + 2;
            }
            assert!(
                next > root,
                "n = {n}: candidates up to {root} left untested"
            );
            assert!(subs.len() <= workers);
        }
    }
}

#[test]
fn the_modules_split_misreports_small_primes_and_parlab_does_not() {
    // Every odd prime up to 17: the widened subintervals reach p itself.
    for p in [3, 5, 7, 11, 13, 17] {
        assert!(
            !module_verdict(p, 16),
            "the module's split calls {p} not prime"
        );
        let answer = check_prime(&Threads::new(16).unwrap(), p).unwrap();
        assert!(answer.is_prime, "{p}");
    }
    // From 19 on, the 16 subintervals of width 1 (3..=18) stop below p: the module is right.
    assert!(module_verdict(19, 16) && module_verdict(23, 16));
}

#[test]
fn special_cases() {
    let b = Sequential;
    assert!(check_prime(&b, 0).is_err());
    assert!(check_prime_with(&b, 0, Method::MillerRabin, &MapOptions::default()).is_err());
    let one = check_prime(&b, 1).unwrap();
    assert!(!one.is_prime && one.factor.is_none());
    assert!(check_prime(&b, 2).unwrap().is_prime);
    assert!(check_prime(&b, 3).unwrap().is_prime);
    assert_eq!(check_prime(&b, 1 << 40).unwrap().factor, Some(2));
    assert_eq!(check_prime(&b, 9).unwrap().factor, Some(3));
}

#[test]
fn the_modules_prime_is_prime_on_every_backend_and_both_methods() {
    let n = 489_133_282_872_437_279;
    for kind in BackendKind::CPU {
        let b = kind.build(2).unwrap();
        for method in [Method::Trial, Method::MillerRabin] {
            let a = check_prime_with(&b, n, method, &MapOptions::default()).unwrap();
            assert!(a.is_prime, "{kind} {method:?}");
            assert_eq!(a.factor, None);
        }
    }
}

#[test]
fn composites_report_their_smallest_factor_on_every_backend() {
    // 999_983 and 1_000_003 are prime; the second case has its factor in the last subinterval.
    let cases = [
        (999_983u64 * 1_000_003, 999_983),
        (3 * 1_000_000_007, 3),
        (1_000_003 * 1_000_003, 1_000_003),
        (99_991 * 99_989, 99_989),
    ];
    for kind in BackendKind::CPU {
        let b = kind.build(3).unwrap();
        for (n, p) in cases {
            let a = check_prime(&b, n).unwrap();
            assert_eq!((a.is_prime, a.factor), (false, Some(p)), "{kind} n = {n}");
        }
    }
}

#[test]
fn miller_rabin_agrees_with_trial_division() {
    let spf = sieve();
    for n in 1..=LIMIT as u64 {
        let prime = n > 1 && spf[n as usize] as u64 == n;
        assert_eq!(is_prime_miller_rabin(n), prime, "n = {n}");
    }
    // Large numbers: composites with known factors, strong pseudoprimes to small bases.
    let b = RayonPool::new(2).unwrap();
    for n in [
        3_215_031_751u64,
        3_825_123_056_546_413_051,
        1_000_000_007 * 998_244_353,
        4_294_967_291 * 4_294_967_291,
        999_999_999_989,
        18_446_744_073_709_551_557, // largest prime below 2^64
    ] {
        let trial = check_prime(&b, n).unwrap();
        assert_eq!(is_prime_miller_rabin(n), trial.is_prime, "n = {n}");
    }
}
