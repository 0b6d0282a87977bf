//! Performance figures: the two task kernels on 1 core and on all cores, the per-task overhead of
//! every backend, and (optionally) the module's Python cells and the C reference kernels run side
//! by side.
//!
//! Every figure is the median of `repeat` runs with its spread (min and max); every run's answer
//! is checked (squares equal the 1-core run element by element, the verdict equals
//! Miller–Rabin's) before its time counts.

use std::time::Instant;

use serde::Serialize;

use crate::backends::{kernel, Backend, Sequential};
use crate::tasks::primes::{small_verdict, TrialKernel};
use crate::tasks::squares::{blocks, squares_into_flavor, Block};
use crate::tasks::{is_prime_miller_rabin, subinterval_limits, Flavor};
use crate::workloads::kernels::{Noop, SquareBlocks};
use crate::workloads::BackendKind;
use crate::{Error, Result};

pub mod c_reference;
pub mod python;
mod report;

pub use report::{Machine, PythonSide, Ratio, Report};

/// Median, min and max of repeated timings, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Stats {
    /// The median run.
    pub median: f64,
    /// The fastest run.
    pub min: f64,
    /// The slowest run.
    pub max: f64,
    /// Number of runs.
    pub runs: usize,
}

impl Stats {
    /// Statistics of `samples` (at least one).
    ///
    /// # Examples
    ///
    /// ```
    /// let s = parlab::bench::Stats::of(&[3.0, 1.0, 2.0, 10.0]);
    /// assert_eq!((s.median, s.min, s.max, s.runs), (2.5, 1.0, 10.0, 4));
    /// ```
    pub fn of(samples: &[f64]) -> Stats {
        let mut v = samples.to_vec();
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        let median = if v.len() % 2 == 1 {
            v[mid]
        } else {
            (v[mid - 1] + v[mid]) / 2.0
        };
        Stats {
            median,
            min: v[0],
            max: v[v.len() - 1],
            runs: v.len(),
        }
    }
}

/// Runs `f` `repeat` times (at least once) and returns the statistics of its timings.
fn repeat_timed(repeat: usize, mut f: impl FnMut() -> Result<f64>) -> Result<Stats> {
    let samples = (0..repeat.max(1))
        .map(|_| f())
        .collect::<Result<Vec<_>>>()?;
    Ok(Stats::of(&samples))
}

/// One task measured on 1 core and on `workers` cores, with the same kernel.
#[derive(Clone, Debug, Serialize)]
pub struct Scaling {
    /// What was measured.
    pub task: String,
    /// The sequential backend (1 core).
    pub one_core: Stats,
    /// The parallel backend with `workers` workers.
    pub all_cores: Stats,
    /// Workers of the parallel run.
    pub workers: usize,
    /// Median 1-core time over median parallel time.
    pub speedup: f64,
}

impl Scaling {
    fn new(task: String, one_core: Stats, all_cores: Stats, workers: usize) -> Scaling {
        Scaling {
            task,
            one_core,
            all_cores,
            workers,
            speedup: one_core.median / all_cores.median,
        }
    }
}

/// Squares seeds `0..count` with `flavor` on `backend`; returns the results and the seconds.
fn squares_run<B: Backend + ?Sized>(
    backend: &B,
    flavor: Flavor,
    count: u64,
) -> Result<(Vec<u32>, f64)> {
    let flavor = flavor.check()?;
    let t0 = Instant::now();
    let blocks = blocks(0, count)?;
    let results = if flavor == Flavor::best() {
        // The workloads' kernel: the cluster's engines run the same code.
        backend.run(&SquareBlocks, &blocks)?.results.concat()
    } else {
        // Another flavor exists only in this process; the cluster refuses it, saying so.
        let k = kernel("squares", move |b: &Block| {
            let mut out = vec![0; b.len as usize];
            squares_into_flavor(flavor, b.start, &mut out)
                .map(|()| out)
                .map_err(|e| e.to_string())
        });
        let mut results = Vec::with_capacity(count as usize);
        for block in backend.run(&k, &blocks)?.results {
            results.extend(block.map_err(|why| Error::invalid("flavor", why))?);
        }
        results
    };
    Ok((results, t0.elapsed().as_secs_f64()))
}

/// Trial division of `n` with `flavor` on `backend`; returns the smallest factor and the seconds.
fn prime_run<B: Backend + ?Sized>(
    backend: &B,
    flavor: Flavor,
    n: u64,
) -> Result<(Option<u64>, f64)> {
    let t0 = Instant::now();
    let factor = if let Some(verdict) = small_verdict(n) {
        verdict.factor
    } else {
        let subs = subinterval_limits(n, backend.workers())?;
        let mapped = backend.run(&TrialKernel::with_flavor(flavor)?, &subs)?;
        mapped.results.into_iter().flatten().min()
    };
    Ok((factor, t0.elapsed().as_secs_f64()))
}

fn wrong(what: String) -> Error {
    Error::WrongResults {
        backend: "bench",
        what,
    }
}

/// Squares seeds `0..count` on 1 core ([`Sequential`]) and on `parallel`, `repeat` times each.
///
/// # Errors
///
/// A failing backend, an unavailable `flavor`, or results that differ between runs.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
/// use parlab::tasks::Flavor;
///
/// let pool = BackendKind::Rayon.build(2)?;
/// let s = parlab::bench::squares_scaling(&pool, Flavor::best(), 10_000, 1)?;
/// assert!(s.one_core.median > 0.0 && s.workers == 2);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn squares_scaling<B: Backend + ?Sized>(
    parallel: &B,
    flavor: Flavor,
    count: u64,
    repeat: usize,
) -> Result<Scaling> {
    let (reference, _) = squares_run(&Sequential, flavor, count)?;
    let check = |(results, seconds): (Vec<u32>, f64)| {
        if results != reference {
            return Err(wrong("squares differ between runs".into()));
        }
        Ok(seconds)
    };
    let one = repeat_timed(repeat, || check(squares_run(&Sequential, flavor, count)?))?;
    let all = repeat_timed(repeat, || check(squares_run(parallel, flavor, count)?))?;
    let task = format!("squares of seeds 0..{count} ({flavor})");
    Ok(Scaling::new(task, one, all, parallel.workers()))
}

/// Trial division of `n` on 1 core and on `parallel`, `repeat` times each.
///
/// # Errors
///
/// A failing backend, an unavailable `flavor`, `n == 0`, or a verdict that differs from
/// Miller–Rabin's.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
/// use parlab::tasks::Flavor;
///
/// let pool = BackendKind::Threads.build(2)?;
/// let s = parlab::bench::prime_scaling(&pool, Flavor::best(), 1_000_003, 3)?;
/// assert_eq!(s.one_core.runs, 3);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn prime_scaling<B: Backend + ?Sized>(
    parallel: &B,
    flavor: Flavor,
    n: u64,
    repeat: usize,
) -> Result<Scaling> {
    let is_prime = is_prime_miller_rabin(n);
    let check = |(factor, seconds): (Option<u64>, f64)| {
        if (factor.is_none() && n > 1) != is_prime {
            return Err(wrong(format!(
                "trial division disagrees with Miller-Rabin on {n}"
            )));
        }
        Ok(seconds)
    };
    let one = repeat_timed(repeat, || check(prime_run(&Sequential, flavor, n)?))?;
    let all = repeat_timed(repeat, || check(prime_run(parallel, flavor, n)?))?;
    let task = format!("trial division of {n} ({flavor})");
    Ok(Scaling::new(task, one, all, parallel.workers()))
}

/// Per-task overhead of one backend: a no-op kernel mapped over `tasks` inputs.
#[derive(Clone, Debug, Serialize)]
pub struct Overhead {
    /// Backend name.
    pub backend: &'static str,
    /// Workers.
    pub workers: usize,
    /// Tasks per map (fewer than asked when the backend is too slow for the time budget).
    pub tasks: usize,
    /// Microseconds per task: median, min and max over the runs.
    pub micros_per_task: Stats,
}

/// Measures the per-task overhead of every backend in `kinds`: µs per no-op task over `tasks`
/// tasks, `repeat` maps each. A backend whose probe shows that `tasks` tasks would take longer
/// than `budget_s` seconds gets fewer tasks (see [`Overhead::tasks`]).
///
/// # Errors
///
/// A backend that fails to start or to run the no-op kernel.
///
/// # Examples
///
/// ```
/// use parlab::workloads::BackendKind;
///
/// let rows = parlab::bench::overheads(&BackendKind::CPU, 2, 1_000, 2, 5.0)?;
/// assert_eq!(rows.len(), BackendKind::CPU.len());
/// assert!(rows.iter().all(|r| r.micros_per_task.median >= 0.0));
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn overheads(
    kinds: &[BackendKind],
    workers: usize,
    tasks: usize,
    repeat: usize,
    budget_s: f64,
) -> Result<Vec<Overhead>> {
    let noop = Noop;
    let mut rows = Vec::new();
    for &kind in kinds {
        let backend = kind.build(workers)?;
        let probe_n = tasks.clamp(1, 1000);
        let probe: Vec<u64> = (0..probe_n as u64).collect();
        let t0 = Instant::now();
        backend.run(&noop, &probe)?;
        let per_task = t0.elapsed().as_secs_f64() / probe_n as f64;
        let n = if per_task * tasks as f64 > budget_s {
            ((budget_s / per_task) as usize).clamp(probe_n, tasks)
        } else {
            tasks
        };
        let inputs: Vec<u64> = (0..n as u64).collect();
        let stats = repeat_timed(repeat, || {
            let mapped = backend.run(&noop, &inputs)?;
            if mapped.results != inputs {
                return Err(wrong(format!(
                    "{} lost or reordered no-op results",
                    kind.name()
                )));
            }
            Ok(mapped.seconds * 1e6 / n as f64)
        })?;
        rows.push(Overhead {
            backend: kind.name(),
            workers: backend.workers(),
            tasks: n,
            micros_per_task: stats,
        });
    }
    Ok(rows)
}

/// The CPU's model name (from `/proc/cpuinfo` on Linux), or `"unknown"`.
///
/// # Examples
///
/// ```
/// assert!(!parlab::bench::cpu_model().is_empty());
/// ```
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}
