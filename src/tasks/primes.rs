//! Primality: trial division split into subintervals (15.1.2), done right, and a deterministic
//! Miller–Rabin test for every `u64`.
//!
//! The module's `subint_limits` splits `3..sqrt(n)` into ranges that, for small `n`, run past
//! `sqrt(n)` and even reach `n` itself, so with 16 workers it reports 3, 5, 7, 11, 13 and 17 "not prime".
//! [`subinterval_limits`] covers exactly the odd candidates `3..=isqrt(n)` and never `x >= n`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::tasks::Flavor;
use crate::{Error, Result};

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod miller_rabin;
mod wheel;

pub use miller_rabin::is_prime_miller_rabin;

/// The error for `n == 0`.
pub(crate) fn zero_n() -> Error {
    Error::invalid(
        "number",
        "0 is neither prime nor composite; give a positive integer",
    )
}

/// An inclusive range of odd trial divisors `lo, lo + 2, ..., hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subinterval {
    /// The number under test.
    pub n: u64,
    /// First (odd) candidate.
    pub lo: u64,
    /// Last (odd) candidate, `>= lo`.
    pub hi: u64,
}

impl Subinterval {
    /// Number of candidates in the subinterval.
    pub fn len(&self) -> u64 {
        (self.hi - self.lo) / 2 + 1
    }

    /// Always false: a subinterval holds at least one candidate.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Splits the odd candidates `3..=isqrt(n)` (and `< n`) into at most `workers` subintervals of
/// near-equal size, in increasing order. Fewer subintervals come back when there are fewer
/// candidates than workers; none when `n < 9`.
///
/// # Errors
///
/// `n == 0` or `workers == 0`.
///
/// # Examples
///
/// ```
/// use parlab::tasks::subinterval_limits;
///
/// // isqrt(99) = 9: candidates 3, 5, 7, 9.
/// let subs = subinterval_limits(99, 2)?;
/// assert_eq!((subs[0].lo, subs[0].hi, subs[1].lo, subs[1].hi), (3, 5, 7, 9));
/// // The module's split tests 7 against itself with 16 workers; this one tests nothing.
/// assert!(subinterval_limits(7, 16)?.is_empty());
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn subinterval_limits(n: u64, workers: usize) -> Result<Vec<Subinterval>> {
    if n == 0 {
        return Err(zero_n());
    }
    if workers == 0 {
        return Err(Error::ZeroWorkers);
    }
    let root = n.isqrt().min(n - 1);
    if root < 3 {
        return Ok(Vec::new());
    }
    let last = if root % 2 == 1 { root } else { root - 1 };
    let count = (last - 3) / 2 + 1;
    let parts = (workers as u64).min(count);
    let (base, extra) = (count / parts, count % parts);
    let mut subs = Vec::with_capacity(parts as usize);
    let mut lo = 3;
    for i in 0..parts {
        let len = base + u64::from(i < extra);
        let hi = lo + 2 * (len - 1);
        subs.push(Subinterval { n, lo, hi });
        lo = hi + 2;
    }
    Ok(subs)
}

/// The smallest divisor of `sub.n` among the subinterval's candidates, if any: the module's
/// `is_primeP` for one subinterval, returning the factor instead of a bare `False`.
///
/// Runs the fastest [`Flavor`] this CPU has (a 2·3·5·7 wheel and exact f64 remainder tests in
/// AVX-512 or AVX2 lanes); the answer is always that of plain trial division by `lo, lo + 2, ...,
/// hi`.
///
/// # Examples
///
/// ```
/// use parlab::tasks::{smallest_factor_in, Subinterval};
///
/// assert_eq!(smallest_factor_in(&Subinterval { n: 91, lo: 3, hi: 9 }), Some(7));
/// assert_eq!(smallest_factor_in(&Subinterval { n: 97, lo: 3, hi: 9 }), None);
/// ```
pub fn smallest_factor_in(sub: &Subinterval) -> Option<u64> {
    scan_flavor(Flavor::best(), sub.n, sub.lo, sub.hi)
}

/// [`smallest_factor_in`] with a chosen [`Flavor`]: [`Flavor::Scalar`] is plain trial division,
/// [`Flavor::Portable`] a 2·3·5·7 wheel with integer `%`, [`Flavor::Avx2`] a 2·3·5 wheel with f64 +
/// FMA remainder tests in 4 lanes, [`Flavor::Avx512`] a 2·3·5·7 wheel with them in 8 lanes
/// (AVX2's when 3, 5 or 7 divides `n`); every hit is confirmed by `%`.
///
/// # Errors
///
/// [`Error::InvalidInput`] when the CPU cannot run `flavor`.
///
/// # Examples
///
/// ```
/// use parlab::tasks::{primes::smallest_factor_flavor, Flavor, Subinterval};
///
/// let sub = Subinterval { n: 1_000_003 * 999_983, lo: 3, hi: 1_000_001 };
/// for flavor in Flavor::available() {
///     assert_eq!(smallest_factor_flavor(flavor, &sub)?, Some(999_983));
/// }
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn smallest_factor_flavor(flavor: Flavor, sub: &Subinterval) -> Result<Option<u64>> {
    Ok(scan_flavor(flavor.check()?, sub.n, sub.lo, sub.hi))
}

fn scan_flavor(flavor: Flavor, n: u64, lo: u64, hi: u64) -> Option<u64> {
    if flavor == Flavor::Scalar || lo < 3 || lo.is_multiple_of(2) || n == 0 || hi < lo {
        return smallest_factor_reference(n, lo, hi);
    }
    wheel::scan(n, lo, hi, flavor)
}

/// Plain trial division by `lo, lo + 2, ..., hi`: the reference every flavor must match.
///
/// A divisor of zero panics, as the module's `n % 0` raises `ZeroDivisionError`: a subinterval
/// that starts at 0 is a caller's bug (`is_multiple_of(0)` would silently answer "no factor").
#[allow(clippy::manual_is_multiple_of)]
pub(crate) fn smallest_factor_reference(n: u64, lo: u64, hi: u64) -> Option<u64> {
    (lo..=hi).step_by(2).find(|x| n % x == 0)
}

/// Candidates tested between two looks at the shared best factor in [`TrialKernel`].
const STRIDE: u64 = 1 << 16;

/// Every task first tries the odd candidates below this bound: a small factor then ends every
/// task in microseconds, even on backends whose workers cannot see each other's progress.
const SMALL: u64 = 1 << 12;

/// Trial division of one subinterval, with early exit: all copies of a kernel share the smallest
/// factor found so far, and a subinterval stops once its candidates pass it. The smallest factor
/// is still found, because subintervals below the best keep going. A factor below 4096 is found
/// by every task at once (each tries those candidates first), so tasks above it return `None`.
#[derive(Clone, Debug)]
pub struct TrialKernel {
    best: Arc<AtomicU64>,
    flavor: Flavor,
}

impl Default for TrialKernel {
    fn default() -> Self {
        TrialKernel::new()
    }
}

impl TrialKernel {
    /// A kernel with no factor found yet, running the fastest [`Flavor`] this CPU has.
    pub fn new() -> Self {
        TrialKernel {
            best: Arc::new(AtomicU64::new(u64::MAX)),
            flavor: Flavor::best(),
        }
    }

    /// The [`Flavor`] this kernel runs.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// The smallest factor any copy of this kernel has found so far (or been told about).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::tasks::primes::TrialKernel;
    ///
    /// let k = TrialKernel::new();
    /// assert_eq!(k.best_so_far(), None);
    /// k.offer(7);
    /// k.offer(11);
    /// assert_eq!(k.best_so_far(), Some(7));
    /// ```
    pub fn best_so_far(&self) -> Option<u64> {
        Some(self.best.load(Ordering::Relaxed)).filter(|&x| x != u64::MAX)
    }

    /// Tells every copy of this kernel that `factor` divides `n` (found elsewhere, e.g. by another
    /// MPI rank), so subintervals whose candidates pass it stop early.
    pub fn offer(&self, factor: u64) {
        self.best.fetch_min(factor, Ordering::Relaxed);
    }

    /// A kernel running `flavor`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the CPU cannot run `flavor`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::tasks::{primes::TrialKernel, Flavor, Subinterval};
    ///
    /// let k = TrialKernel::with_flavor(Flavor::Portable)?;
    /// assert_eq!(k.scan(&Subinterval { n: 91, lo: 3, hi: 9 }), Some(7));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn with_flavor(flavor: Flavor) -> Result<Self> {
        Ok(TrialKernel {
            flavor: flavor.check()?,
            ..TrialKernel::new()
        })
    }
}

impl TrialKernel {
    /// The smallest factor of `sub.n` in `sub`, or `None` when there is none or when a smaller
    /// factor is already known to this kernel (its copies then stop early).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::tasks::{primes::TrialKernel, Subinterval};
    ///
    /// let k = TrialKernel::new();
    /// assert_eq!(k.scan(&Subinterval { n: 91, lo: 3, hi: 9 }), Some(7));
    /// assert_eq!(k.scan(&Subinterval { n: 91, lo: 11, hi: 13 }), None);
    /// ```
    pub fn scan(&self, sub: &Subinterval) -> Option<u64> {
        let n = sub.n;
        let odd = sub.lo % 2 == 1;
        if odd && sub.lo > 3 && n > 0 {
            if let Some(x) = scan_flavor(self.flavor, n, 3, (SMALL - 1).min(sub.lo - 2)) {
                self.best.fetch_min(x, Ordering::Relaxed);
                return None;
            }
        }
        let mut lo = sub.lo;
        while lo <= sub.hi {
            if self.best.load(Ordering::Relaxed) < lo {
                return None;
            }
            // Chunk ends aligned to the wheel's SIMD blocks when the candidates are odd.
            let mut hi = lo.saturating_add(2 * (STRIDE - 1));
            if odd {
                hi = (hi / wheel::ALIGN * wheel::ALIGN).saturating_sub(1).max(lo);
            }
            let hi = hi.min(sub.hi);
            if let Some(x) = scan_flavor(self.flavor, n, lo, hi) {
                self.best.fetch_min(x, Ordering::Relaxed);
                return Some(x);
            }
            match hi.checked_add(2) {
                Some(next) => lo = next,
                None => break,
            }
        }
        None
    }
}

/// The answer for a number that needs no trial divisor: `n < 4` or even.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Is `n` prime?
    pub is_prime: bool,
    /// Its smallest factor `> 1` and `< n`, if it has one.
    pub factor: Option<u64>,
}

/// The verdict on `n` without trial division when `n` is 0, 1, 2, 3 or even; `None` when `n`
/// is odd and at least 5, which needs [`subinterval_limits`] and a scan. The one place that
/// answers small and even numbers, for every driver (backends, MPI, the bench).
///
/// # Examples
///
/// ```
/// use parlab::tasks::primes::{small_verdict, Verdict};
///
/// assert_eq!(small_verdict(1), Some(Verdict { is_prime: false, factor: None }));
/// assert_eq!(small_verdict(2), Some(Verdict { is_prime: true, factor: None }));
/// assert_eq!(small_verdict(10), Some(Verdict { is_prime: false, factor: Some(2) }));
/// assert_eq!(small_verdict(91), None);
/// ```
pub fn small_verdict(n: u64) -> Option<Verdict> {
    if n < 4 {
        Some(Verdict {
            is_prime: n > 1,
            factor: None,
        })
    } else if n.is_multiple_of(2) {
        Some(Verdict {
            is_prime: false,
            factor: Some(2),
        })
    } else {
        None
    }
}
