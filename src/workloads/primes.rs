//! Primality on a backend: the module's 15.1.2 task, trial division split into subintervals.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::Target;
use crate::backends::{Backend, MapOptions, TaskStream};
use crate::tasks::primes::{small_verdict, TrialKernel};
use crate::tasks::{is_prime_miller_rabin, subinterval_limits};
use crate::{Error, Result};

crate::display::named_enum! {
    /// Which primality algorithm to use.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Method {
        /// Trial division by odd candidates, split into subintervals across the workers.
        Trial => "trial",
        /// Deterministic Miller–Rabin (exact for every `u64`, no factor reported).
        MillerRabin => "miller-rabin",
    }
    /// Both methods.
    const ALL;
    /// The name used on the command line and in JSON.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(parlab::workloads::Method::MillerRabin.name(), "miller-rabin");
    /// ```
    fn name;
    /// Parses a method's [`name`](Method::name).
    impl FromStr<Err = Error> for "method";
}

/// A primality verdict, with the smallest factor when trial division finds one.
#[derive(Clone, Debug, Serialize)]
pub struct PrimeAnswer {
    /// The number tested.
    pub n: u64,
    /// The verdict.
    pub is_prime: bool,
    /// Smallest factor > 1 and < n, when the method finds one.
    pub factor: Option<u64>,
    /// The algorithm used.
    pub method: Method,
    /// Backend name.
    pub backend: &'static str,
    /// Workers the backend used.
    pub workers: usize,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Per-task record, when asked for.
    #[serde(skip)]
    pub trace: Option<TaskStream>,
}

impl std::fmt::Display for PrimeAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.is_prime, self.factor) {
            (true, _) => writeln!(f, "Number is prime.")?,
            (false, Some(x)) => writeln!(f, "Number is not prime: {x} is a factor.")?,
            (false, None) if self.n == 1 => {
                writeln!(f, "Number is not prime: 1 has no prime factor.")?
            }
            (false, None) => writeln!(f, "Number is not prime.")?,
        }
        write!(f, "Execution time = {:.2} sec.", self.seconds)
    }
}

impl PrimeAnswer {
    /// The verdict in the words of the module's `is_prime(n)` (15.1.2, In\[20\]):
    /// `489133282872437279 is prime.`, `Not prime: 3 is a factor.`, `1 is not prime.`, then the
    /// time; `Display` of the answer itself prints the parallel cells' `Number is prime.`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let prime = check_prime(&Sequential, 1_000_003)?;
    /// assert!(prime.as_is_prime().to_string().starts_with("1000003 is prime.\nExecution time = "));
    /// let composite = check_prime(&Sequential, 3 * 1_000_003)?;
    /// assert!(composite.as_is_prime().to_string().starts_with("Not prime: 3 is a factor."));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn as_is_prime(&self) -> IsPrimeWords<'_> {
        IsPrimeWords(self)
    }
}

/// A [`PrimeAnswer`] in the words of the module's `is_prime(n)`; made by
/// [`PrimeAnswer::as_is_prime`].
#[derive(Clone, Copy, Debug)]
pub struct IsPrimeWords<'a>(&'a PrimeAnswer);

impl std::fmt::Display for IsPrimeWords<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0;
        match (a.is_prime, a.factor) {
            (true, _) => writeln!(f, "{} is prime.", a.n)?,
            (false, Some(x)) => writeln!(f, "Not prime: {x} is a factor.")?,
            (false, None) if a.n == 1 => writeln!(f, "1 is not prime.")?,
            (false, None) => writeln!(f, "Not prime.")?,
        }
        write!(f, "Execution time = {:.2} sec.", a.seconds)
    }
}

/// Tests `n` for primality on `target` by trial division, split into one subinterval per
/// worker: the module's `is_prime` on a pool. The target is any backend, or the GPU (cargo
/// feature `gpu`), which tests every candidate up to `sqrt(n)` in one shader dispatch.
///
/// Every task stops early once a smaller factor is known, and the smallest factor is reported.
///
/// # Errors
///
/// `n == 0`, or a failure of the backend (or the GPU).
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let threads = BackendKind::Threads.build(2)?;
/// let answer = check_prime(&threads, 1_000_003 * 999_983)?;
/// assert!(!answer.is_prime);
/// assert_eq!(answer.factor, Some(999_983));
/// assert!(check_prime(&threads, 2)?.is_prime);
/// assert_eq!(check_prime(&threads, 10)?.factor, Some(2));
/// assert!(check_prime(&threads, 0).is_err());
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn check_prime<T: Target + ?Sized>(target: &T, n: u64) -> Result<PrimeAnswer> {
    check_prime_with(target, n, Method::Trial, &MapOptions::default())
}

/// [`check_prime`] with a [`Method`] and [`MapOptions`] (a task stream, progress reports per
/// subinterval). Miller–Rabin runs on the calling thread: one test takes microseconds. The GPU
/// runs one dispatch: it records no task stream and reports no progress, and refuses a timeout.
///
/// # Errors
///
/// `n == 0`, or a failure of the backend (or the GPU).
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let pool = ProcessPool::new(2)?;
/// let answer = check_prime_with(&pool, 999_999_999_989, Method::Trial, &MapOptions::traced(true))?;
/// assert!(answer.is_prime);
/// assert_eq!(answer.trace.map(|t| t.spans.len()), Some(2));
/// let fast = check_prime_with(&pool, 999_999_999_989, Method::MillerRabin, &MapOptions::default())?;
/// assert!(fast.is_prime);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn check_prime_with<T: Target + ?Sized>(
    target: &T,
    n: u64,
    method: Method,
    options: &MapOptions,
) -> Result<PrimeAnswer> {
    if n == 0 {
        return Err(crate::tasks::primes::zero_n());
    }
    target.check_prime_on(n, method, options)
}

/// [`check_prime_with`] on a backend: the subintervals mapped with [`TrialKernel`].
pub(super) fn on_backend<B: Backend + ?Sized>(
    backend: &B,
    n: u64,
    method: Method,
    options: &MapOptions,
) -> Result<PrimeAnswer> {
    PrimeAnswer::decide(n, method, backend.name(), backend.workers(), || {
        let subs = subinterval_limits(n, backend.workers())?;
        let mapped = backend.run_with(&TrialKernel::new(), &subs, options)?;
        Ok((mapped.results.into_iter().flatten().min(), mapped.trace))
    })
}

impl PrimeAnswer {
    /// Answers `n` with `method`, timed: Miller–Rabin and the numbers that need no divisor
    /// ([`small_verdict`]) here, the others by `trial`, which returns the smallest factor found
    /// (and the task stream, if one was recorded). Every driver (backends, MPI) ends here.
    pub(crate) fn decide(
        n: u64,
        method: Method,
        backend: &'static str,
        workers: usize,
        trial: impl FnOnce() -> Result<(Option<u64>, Option<TaskStream>)>,
    ) -> Result<PrimeAnswer> {
        let t0 = Instant::now();
        let mut answer = PrimeAnswer {
            n,
            is_prime: false,
            factor: None,
            method,
            backend,
            workers,
            seconds: 0.0,
            trace: None,
        };
        match (method, small_verdict(n)) {
            (Method::MillerRabin, _) => answer.is_prime = is_prime_miller_rabin(n),
            (Method::Trial, Some(verdict)) => {
                answer.is_prime = verdict.is_prime;
                answer.factor = verdict.factor;
            }
            (Method::Trial, None) => {
                (answer.factor, answer.trace) = trial()?;
                answer.is_prime = answer.factor.is_none();
            }
        }
        answer.seconds = t0.elapsed().as_secs_f64();
        Ok(answer)
    }
}
