//! `joblib.Parallel` in Rust: the process pool (joblib's default, like its `loky` backend) or a
//! thread pool (`prefer="threads"`), printing joblib's progress lines. joblib writes them to
//! stderr; parlab prints them on stdout, because a notebook shows stderr in pink, like an error.

use serde::{de::DeserializeOwned, Serialize};

use super::{
    Job, MapOptions, Mapped, ProcessPool, Progress, ProgressUpdate, StarFn, ThreadExecutor,
};
use crate::{Error, Result};

/// One call of a function, not made yet: joblib's `delayed(f)(x)`, made by [`delayed`] or
/// [`delayed_star`] and run by [`Parallel::call`].
#[derive(Clone, Debug)]
pub struct Delayed<F, T> {
    f: F,
    args: T,
}

/// joblib's `delayed(f)(x)`: the call `f(x)`, for [`Parallel::call`].
///
/// # Examples
///
/// ```
/// use parlab::backends::{delayed, Parallel};
///
/// fn cube(x: u64) -> u64 {
///     x * x * x
/// }
/// // Parallel(n_jobs=2)(delayed(cube)(x) for x in range(4))
/// let cubes = Parallel::new(2)?.call((0..4).map(|x| delayed(cube, x)))?;
/// assert_eq!(cubes, [0, 1, 8, 27]);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn delayed<F, I, O>(f: F, x: I) -> Delayed<F, (I,)>
where
    F: Fn(I) -> O + Clone + Send + Sync + 'static,
{
    Delayed { f, args: (x,) }
}

/// joblib's `delayed(f)(*args)`: the call `f(a, b, ...)` with a tuple's items as arguments
/// (2 to 4 of them, see [`StarFn`]), for [`Parallel::call`].
///
/// # Examples
///
/// ```
/// use parlab::backends::{delayed_star, Parallel};
///
/// #[allow(non_snake_case)]
/// fn is_primeP(n: u64, a: u64, b: u64) -> bool {
///     (a..b).all(|x| n % x != 0)
/// }
/// let limits = vec![(91, 2, 5), (91, 5, 10)];
/// // Parallel(n_jobs=2)(delayed(is_primeP)(*limits[i]) for i in range(2))
/// let parts = Parallel::new(2)?.call(limits.iter().map(|&l| delayed_star(is_primeP, l)))?;
/// assert_eq!(parts, [true, false]);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn delayed_star<S, T>(f: S, args: T) -> Delayed<S, T>
where
    S: StarFn<T>,
{
    Delayed { f, args }
}

/// Where [`Parallel`] runs its tasks, as joblib's `prefer=` argument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prefer {
    /// Forked worker processes ([`ProcessPool`]): joblib's default.
    #[default]
    Processes,
    /// A thread pool ([`ThreadExecutor`], one job per task): joblib's `prefer="threads"`.
    Threads,
}

/// `Parallel(n_jobs=n, verbose=v, prefer=...)`: runs a kernel over inputs and, when `verbose > 0`,
/// prints joblib's progress lines (on stdout, where a notebook shows them plainly) at joblib's
/// schedule, e.g.
/// `[Parallel(n_jobs=2)]: Done   3 out of  16 | elapsed:    3.5s remaining:   15.4s`.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// use parlab::backends::delayed;
///
/// let parallel = Parallel::new(2)?.verbose(0).prefer(Prefer::Threads);
/// let squares = parallel.call((0..3).map(|s| delayed(random_square, s)))?;
/// assert_eq!(squares, [25, 25, 64]);
/// assert_eq!(parallel.map(random_square, 0..3)?, squares);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Parallel {
    n_jobs: usize,
    verbose: u32,
    prefer: Prefer,
}

impl Parallel {
    /// `Parallel(n_jobs)`, silent, on processes.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] when `n_jobs == 0`.
    pub fn new(n_jobs: usize) -> Result<Self> {
        crate::limits::check_workers(n_jobs)?;
        Ok(Parallel {
            n_jobs,
            verbose: 0,
            prefer: Prefer::Processes,
        })
    }

    /// Sets joblib's `verbose`: 0 prints nothing; the higher, the more progress lines (above 10,
    /// every report).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// // Prints "[Parallel(n_jobs=2)]: Done   4 out of   4 | elapsed:    0.0s finished".
    /// let parallel = Parallel::new(2)?.verbose(5);
    /// assert_eq!(parallel.map(|x: i8| -x, [1, 2, 3, 4])?, [-1, -2, -3, -4]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn verbose(mut self, level: u32) -> Self {
        self.verbose = level;
        self
    }

    /// Sets joblib's `prefer`.
    pub fn prefer(mut self, prefer: Prefer) -> Self {
        self.prefer = prefer;
        self
    }

    /// Runs the delayed calls and returns their results in order: joblib's
    /// `Parallel(...)(delayed(f)(x) for x in inputs)`. With `verbose > 0`, prints joblib's
    /// progress lines.
    ///
    /// # Errors
    ///
    /// As [`Backend::run_with`].
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    /// use parlab::backends::delayed;
    ///
    /// let offset = 100;
    /// let calls = (0..3u32).map(|x| delayed(move |x: u32| x + offset, x));
    /// assert_eq!(Parallel::new(2)?.call(calls)?, [100, 101, 102]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn call<F, T, O>(&self, calls: impl IntoIterator<Item = Delayed<F, T>>) -> Result<Vec<O>>
    where
        F: StarFn<T, Output = O>,
        T: Clone + Send + Sync + 'static,
        O: Send + Serialize + DeserializeOwned + 'static,
    {
        self.map(|d: Delayed<F, T>| d.f.call_star(d.args), calls)
    }

    fn label(&self) -> String {
        format!("Parallel(n_jobs={})", self.n_jobs)
    }
}

backend_impl!(Parallel, "joblib", |s| s.n_jobs);

plain_maps!(Parallel, "Parallel::new(2)?", processes);

impl Parallel {
    pub(crate) fn exec<J>(
        &self,
        job: &J,
        inputs: &[J::In],
        options: &MapOptions,
    ) -> Result<Mapped<J::Out>>
    where
        J: Job,
        J::Out: Serialize + DeserializeOwned,
    {
        let mut options = options.clone();
        if self.verbose > 0 {
            let what = match self.prefer {
                Prefer::Processes => "ProcessPool (fork)",
                Prefer::Threads => "ThreadExecutor",
            };
            println!(
                "[{}]: Using backend {what} with {} concurrent workers.",
                self.label(),
                self.n_jobs
            );
            let lines = ProgressLines {
                label: self.label(),
                verbose: self.verbose,
                pre_dispatch: 2 * self.n_jobs,
            };
            let user = options.progress.take();
            options.progress = Some(Progress::new(move |u| {
                if let Some(line) = lines.line(u) {
                    println!("{line}");
                }
                if let Some(user) = &user {
                    user.report(u);
                }
            }));
        }
        let mapped = match self.prefer {
            Prefer::Processes => ProcessPool::new(self.n_jobs)?.exec(job, inputs, &options),
            Prefer::Threads => ThreadExecutor::new(self.n_jobs)?.exec(job, inputs, &options),
        };
        let name = "joblib";
        let mut mapped = mapped.map_err(|e| match e {
            Error::TaskFailed {
                worker,
                task,
                input,
                message,
                ..
            } => Error::TaskFailed {
                backend: name,
                worker,
                task,
                input,
                message,
            },
            Error::Backend { message, .. } => Error::Backend {
                backend: name,
                message,
            },
            other => other,
        })?;
        if let Some(trace) = &mut mapped.trace {
            trace.backend = name.to_string();
        }
        Ok(mapped)
    }
}

/// joblib's progress schedule (`Parallel.print_progress` and `_verbosity_filter`).
#[derive(Clone, Debug)]
pub(crate) struct ProgressLines {
    pub label: String,
    pub verbose: u32,
    /// Tasks joblib dispatches ahead (`pre_dispatch = 2 * n_jobs`).
    pub pre_dispatch: usize,
}

impl ProgressLines {
    /// The line to print for `u`, if joblib would print one.
    pub fn line(&self, u: &ProgressUpdate) -> Option<String> {
        if self.verbose == 0 {
            return None;
        }
        let elapsed = short_time(u.elapsed);
        let (done, total) = (u.done, u.total);
        if done >= total {
            return Some(format!(
                "[{}]: Done {done:3} out of {total:3} | elapsed: {elapsed} finished",
                self.label
            ));
        }
        if total - done > self.pre_dispatch {
            // Still dispatching: lines increasingly far apart (the square-root lag).
            if verbosity_filter(u.reports - 1, self.verbose) {
                return None;
            }
            return Some(format!(
                "[{}]: Done {done:3} tasks      | elapsed: {elapsed}",
                self.label
            ));
        }
        let cursor = total as i64 - done as i64 + 1 - self.pre_dispatch as i64;
        let frequency = (total / self.verbose as usize + 1) as i64;
        if done + 1 == total || cursor.rem_euclid(frequency) != 0 {
            return None;
        }
        let remaining = u.elapsed / done.max(1) as f64 * (total - done) as f64;
        Some(format!(
            "[{}]: Done {done:3} out of {total:3} | elapsed: {elapsed} remaining: {}",
            self.label,
            short_time(remaining)
        ))
    }
}

/// joblib's `_verbosity_filter`: true to skip report `index`.
fn verbosity_filter(index: usize, verbose: u32) -> bool {
    if verbose > 10 || index == 0 {
        return false;
    }
    let v = 0.5 * f64::from(11 - verbose).powi(2);
    let scale = (index as f64 / v).sqrt();
    let next = ((index + 1) as f64 / v).sqrt();
    next.floor() == scale.floor()
}

/// joblib's `short_format_time`.
fn short_time(t: f64) -> String {
    if t > 60.0 {
        format!("{:4.1}min", t / 60.0)
    } else {
        format!(" {t:5.1}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(done: usize, total: usize, reports: usize) -> ProgressUpdate {
        ProgressUpdate {
            done,
            total,
            reports,
            elapsed: 3.5,
        }
    }

    #[test]
    fn module_prime_example_prints_at_3_6_9_12_and_16() {
        let lines = ProgressLines {
            label: "Parallel(n_jobs=16)".into(),
            verbose: 7,
            pre_dispatch: 32,
        };
        let printed: Vec<usize> = (1..=16)
            .filter(|&d| lines.line(&update(d, 16, d)).is_some())
            .collect();
        assert_eq!(printed, [3, 6, 9, 12, 16]);
        let line = lines.line(&update(3, 16, 3)).unwrap_or_default();
        assert_eq!(
            line,
            "[Parallel(n_jobs=16)]: Done   3 out of  16 | elapsed:    3.5s remaining:   15.2s"
        );
        assert!(lines
            .line(&update(16, 16, 16))
            .unwrap_or_default()
            .ends_with("finished"));
    }

    #[test]
    fn long_maps_print_task_counts_ever_further_apart() {
        let lines = ProgressLines {
            label: "Parallel(n_jobs=2)".into(),
            verbose: 3,
            pre_dispatch: 4,
        };
        let printed: Vec<usize> = (1..=1000)
            .filter(|&r| lines.line(&update(r * 100, 1_000_000, r)).is_some())
            .collect();
        assert_eq!(printed[0], 1);
        assert!(printed.len() > 2 && printed.len() < 20, "{printed:?}");
        assert!(printed.windows(3).all(|w| w[2] - w[1] >= w[1] - w[0]));
        let silent = ProgressLines {
            verbose: 0,
            ..lines
        };
        assert!(silent.line(&update(1, 1, 1)).is_none());
    }
}
