//! The module's own prime-splitting code, reproduced faithfully so that its flaw can be shown.
//!
//! `subint_limits(num, num_cores)` steps from 3 in strides of `ceil(sqrt(num) / num_cores)` and
//! `is_primeP(n, a, b)` widens even limits to odd ones. For small `n` the strides run past
//! `sqrt(n)` up to `n` itself, so `n` is "found" to divide itself: with 16 workers the stride
//! is 1 for every `n` up to 256, the widened subintervals test every odd divisor from 3 to 17,
//! and the module reports 3, 5, 7, 11, 13 and 17 as not prime (every odd prime up to 17). Use
//! [`subinterval_limits`](super::subinterval_limits) instead; these functions exist for the
//! notebooks and the tests.

/// The module's `subint_limits`: `(a, b)` pairs, as the Python code builds them.
///
/// # Examples
///
/// ```
/// use parlab::tasks::module_code::module_subint_limits;
///
/// assert_eq!(module_subint_limits(7, 16)[..2], [(3, 4), (4, 5)]);
/// ```
pub fn module_subint_limits(num: u64, num_cores: u64) -> Vec<(u64, u64)> {
    let range = ((num as f64).sqrt() / num_cores as f64).ceil() as u64;
    let range = range.max(1);
    (3..range * num_cores)
        .step_by(range as usize)
        .map(|i| (i, i + range))
        .collect()
}

/// The module's `is_primeP(n, a, b)`: `false` when an odd `x` in the widened `a..=b` divides `n`.
///
/// # Examples
///
/// ```
/// use parlab::tasks::module_code::module_is_prime_p;
///
/// assert!(!module_is_prime_p(7, 7, 8)); // 7 "divides" 7
/// ```
pub fn module_is_prime_p(n: u64, a: u64, b: u64) -> bool {
    if n == 1 {
        return false;
    }
    if n == 2 {
        return true;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let a = if a.is_multiple_of(2) { a - 1 } else { a };
    let b = if b.is_multiple_of(2) { b + 1 } else { b };
    !(a..=b).step_by(2).any(|x| n.is_multiple_of(x))
}

/// The module's verdict: `all(is_primeP(*lim) for lim in subint_limits(num, cores))`.
///
/// # Examples
///
/// ```
/// use parlab::tasks::module_code::module_verdict;
///
/// assert!(!module_verdict(7, 16)); // wrong: 7 is prime
/// assert!(module_verdict(97, 4)); // larger n come out right
/// ```
pub fn module_verdict(num: u64, num_cores: u64) -> bool {
    module_subint_limits(num, num_cores)
        .into_iter()
        .all(|(a, b)| module_is_prime_p(num, a, b))
}
