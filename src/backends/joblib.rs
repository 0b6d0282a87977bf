//! `joblib.Parallel` in Rust: the process pool (joblib's default, like its `loky` backend) or a
//! thread pool (`prefer="threads"`), printing joblib's progress lines. joblib writes them to
//! stderr; parlab prints them on stdout, because a notebook shows stderr in pink, like an error.

use super::{
    Backend, Kernel, MapOptions, Mapped, ProcessPool, Progress, ProgressUpdate, ThreadExecutor,
};
use crate::{Error, Result};

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
/// let parallel = Parallel::new(2)?.verbose(0).prefer(Prefer::Threads);
/// let squares = parallel.run(&kernel("square", |s: &u32| random_square(*s)), &[0, 1, 2])?;
/// assert_eq!(squares, [25, 25, 64]);
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
    /// assert_eq!(parallel.run(&kernel("neg", |x: &i8| -x), &[1, 2, 3, 4])?, [-1, -2, -3, -4]);
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

    /// Runs `kernel` on every input and returns the results in order: joblib's
    /// `Parallel(...)(delayed(f)(x) for x in inputs)`.
    ///
    /// # Errors
    ///
    /// As [`Backend::map_with`].
    pub fn run<K: Kernel>(&self, kernel: &K, inputs: &[K::Input]) -> Result<Vec<K::Output>> {
        Ok(self.map(kernel, inputs)?.results)
    }

    fn label(&self) -> String {
        format!("Parallel(n_jobs={})", self.n_jobs)
    }
}

impl Backend for Parallel {
    fn name(&self) -> &'static str {
        "joblib"
    }

    fn workers(&self) -> usize {
        self.n_jobs
    }

    fn map_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
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
            Prefer::Processes => ProcessPool::new(self.n_jobs)?.map_with(kernel, inputs, &options),
            Prefer::Threads => ThreadExecutor::new(self.n_jobs)?.map_with(kernel, inputs, &options),
        };
        let name = self.name();
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
