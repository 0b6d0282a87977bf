//! Execution backends: one [`Backend`] trait, one file per backend.
//!
//! A backend maps a [`Kernel`] over a slice of inputs and returns the results **in input order**
//! with the wall time ([`Mapped`]). The CLI, the summary table and the notebooks iterate over
//! [`BackendKind::ALL`] and never need to know which backend they hold.
//!
//! | backend | stands for (Python) | what it is |
//! |---|---|---|
//! | [`Sequential`] | non-parallelized | a plain loop on the calling thread |
//! | [`Threads`] | `threading` | std scoped threads, one contiguous chunk per worker |
//! | [`RayonPool`] | (none: Rust's own) | a rayon work-stealing pool of a chosen size |
//! | [`ThreadExecutor`] | `concurrent.futures.ThreadPoolExecutor` | a fixed pool; `submit` returns a handle |
//! | [`ProcessPool`] | `multiprocess.Pool.map` | forked worker processes pulling chunks of inputs |
//! | [`ProcessExecutor`] | `concurrent.futures.ProcessPoolExecutor` | forked processes; `submit` returns a handle |
//! | [`Parallel`] | `joblib.Parallel` | the thread or process pool, with joblib's progress lines |
//! | [`Cluster`](crate::cluster::Cluster) | `ipyparallel` | engine processes, kernels by name |
//! | [`Dask`](crate::dask::Dask) | `dask` | a task graph, one task per partition |
//!
//! Kernels carry `serde` inputs and outputs so that process-based backends can ship them.

use std::fmt::Debug;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{Error, Result};

mod fork;
mod joblib;
mod process_executor;
mod process_pool;
mod progress;
mod rayon_pool;
mod sequential;
mod thread_executor;
mod threads;

pub use joblib::{Parallel, Prefer};
pub use process_executor::{ProcessExecutor, ProcessHandle};
pub use process_pool::ProcessPool;
pub(crate) use progress::Ticker;
pub use progress::{Progress, ProgressUpdate};
pub use rayon_pool::RayonPool;
pub use sequential::Sequential;
pub use thread_executor::{JobHandle, ThreadExecutor};
pub use threads::Threads;

/// A function that a backend maps over inputs.
///
/// Inputs and outputs are `serde` types so that process backends can send them over pipes;
/// closures become kernels with [`kernel`].
pub trait Kernel: Clone + Send + Sync + 'static {
    /// One task's input.
    type Input: Clone + Debug + Send + Sync + Serialize + DeserializeOwned + 'static;
    /// One task's output.
    type Output: Send + Serialize + DeserializeOwned + 'static;

    /// Runs one task.
    fn call(&self, input: &Self::Input) -> Self::Output;

    /// A short name for traces and error messages.
    fn name(&self) -> &str {
        std::any::type_name::<Self>()
    }
}

/// A closure wrapped as a [`Kernel`]; made by [`kernel`].
pub struct FnKernel<I, O, F> {
    name: &'static str,
    f: F,
    _types: PhantomData<fn(&I) -> O>,
}

impl<I, O, F: Clone> Clone for FnKernel<I, O, F> {
    fn clone(&self) -> Self {
        FnKernel {
            name: self.name,
            f: self.f.clone(),
            _types: PhantomData,
        }
    }
}

/// Wraps a closure as a named [`Kernel`].
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let double = kernel("double", |x: &u64| 2 * x);
/// let mapped = Sequential.map(&double, &[1, 2, 3])?;
/// assert_eq!(mapped.results, [2, 4, 6]);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn kernel<I, O, F>(name: &'static str, f: F) -> FnKernel<I, O, F>
where
    F: Fn(&I) -> O,
{
    FnKernel {
        name,
        f,
        _types: PhantomData,
    }
}

impl<I, O, F> Kernel for FnKernel<I, O, F>
where
    I: Clone + Debug + Send + Sync + Serialize + DeserializeOwned + 'static,
    O: Send + Serialize + DeserializeOwned + 'static,
    F: Fn(&I) -> O + Clone + Send + Sync + 'static,
{
    type Input = I;
    type Output = O;

    fn call(&self, input: &I) -> O {
        (self.f)(input)
    }

    fn name(&self) -> &str {
        self.name
    }
}

/// Options of one map.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct MapOptions {
    /// Record a [`TaskStream`] (which worker ran each task, and when).
    pub trace: bool,
    /// Called as tasks complete (per task on thread backends, per chunk on process backends).
    pub progress: Option<Progress>,
}

impl MapOptions {
    /// Options that record a task stream when `trace` is true.
    pub fn traced(trace: bool) -> Self {
        MapOptions {
            trace,
            progress: None,
        }
    }

    /// These options with tracing set to `trace`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let mapped = Sequential.map_with(&kernel("id", |x: &u8| *x), &[7], &MapOptions::default().with_trace(true))?;
    /// assert_eq!(mapped.trace.map(|t| t.spans.len()), Some(1));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn with_trace(mut self, trace: bool) -> Self {
        self.trace = trace;
        self
    }

    /// These options reporting to `progress`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use parlab::prelude::*;
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// let options = MapOptions::default()
    ///     .with_progress(Progress::new(move |u| log.lock().unwrap().push(u.done)));
    /// Sequential.map_with(&kernel("id", |x: &u8| *x), &[1, 2, 3], &options)?;
    /// assert_eq!(*seen.lock().unwrap(), [1, 2, 3]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }
}

/// The outcome of a map: results in input order, wall time, and the task stream if recorded.
#[derive(Clone, Debug)]
pub struct Mapped<R> {
    /// `results[i]` is the kernel applied to `inputs[i]`.
    pub results: Vec<R>,
    /// Wall time of the whole map, in seconds.
    pub seconds: f64,
    /// Per-task record, when [`MapOptions::trace`] was set.
    pub trace: Option<TaskStream>,
}

/// One task in a [`TaskStream`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// Index of the task in the input order.
    pub task: usize,
    /// Worker (thread, process or engine) that ran it.
    pub worker: usize,
    /// Start, seconds since the map began.
    pub start: f64,
    /// End, seconds since the map began.
    pub end: f64,
}

/// Which worker ran each task, and when: the data behind dask's "Task Stream" panel.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskStream {
    /// Backend name.
    pub backend: String,
    /// Number of workers.
    pub workers: usize,
    /// One span per task, sorted by task index.
    pub spans: Vec<Span>,
}

/// The interface every backend implements.
///
/// `map` is generic, so the trait is not object-safe; code that iterates over backends holds an
/// [`AnyBackend`], which implements this trait by delegation.
pub trait Backend {
    /// Which backend this is.
    fn kind(&self) -> BackendKind;

    /// Number of workers.
    fn workers(&self) -> usize;

    /// Applies `kernel` to every input; results come back in input order.
    ///
    /// # Errors
    ///
    /// [`Error::TaskFailed`] naming the worker and the input when a task panics (or its worker
    /// dies), or [`Error::Backend`] when the backend itself breaks.
    fn map_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>>;

    /// [`map_with`](Backend::map_with) with default options.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// for kind in BackendKind::ALL {
    ///     let backend = kind.build(2)?;
    ///     // A name the cluster's engines know; they run their own compiled copy.
    ///     let squares = backend.map(&kernel("random-square", |s: &u32| random_square(*s)), &[0, 1, 2])?;
    ///     assert_eq!(squares.results, [25, 25, 64], "{}", kind.name());
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    fn map<K: Kernel>(&self, kernel: &K, inputs: &[K::Input]) -> Result<Mapped<K::Output>> {
        self.map_with(kernel, inputs, &MapOptions::default())
    }
}

/// The machine's logical core count: the default number of workers (Python's `cpu_count()`).
///
/// # Examples
///
/// ```
/// assert!(parlab::backends::cpu_count() >= 1);
/// ```
pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Every backend parlab has, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum BackendKind {
    /// A plain loop on the calling thread.
    Sequential,
    /// std scoped threads, one contiguous chunk of inputs per worker.
    Threads,
    /// A rayon work-stealing pool.
    Rayon,
    /// A fixed thread pool with submit/handle, like `concurrent.futures.ThreadPoolExecutor`.
    ThreadExecutor,
    /// Forked worker processes pulling chunks of inputs, like `multiprocess.Pool.map`.
    ProcessPool,
    /// Forked processes with submit/handle, like `concurrent.futures.ProcessPoolExecutor`.
    ProcessExecutor,
    /// `joblib.Parallel`: the process pool (or thread pool) with joblib's progress lines.
    Joblib,
    /// Long-lived engine processes, load-balanced, like `ipyparallel` (see [`crate::cluster`]).
    Cluster,
    /// A task graph on a worker pool, one partition per worker, like `dask.bag` (see
    /// [`crate::dask`]).
    Dask,
}

impl BackendKind {
    /// Every backend, in the order of the summary table.
    pub const ALL: [BackendKind; 9] = [
        BackendKind::Sequential,
        BackendKind::Threads,
        BackendKind::Rayon,
        BackendKind::ThreadExecutor,
        BackendKind::ProcessPool,
        BackendKind::ProcessExecutor,
        BackendKind::Joblib,
        BackendKind::Cluster,
        BackendKind::Dask,
    ];

    /// The name used on the command line and in JSON.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(parlab::backends::BackendKind::ThreadExecutor.name(), "thread-executor");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Sequential => "sequential",
            BackendKind::Threads => "threads",
            BackendKind::Rayon => "rayon",
            BackendKind::ThreadExecutor => "thread-executor",
            BackendKind::ProcessPool => "process-pool",
            BackendKind::ProcessExecutor => "process-executor",
            BackendKind::Joblib => "joblib",
            BackendKind::Cluster => "cluster",
            BackendKind::Dask => "dask",
        }
    }

    /// The Python library (and call) of the module this backend stands in for.
    pub fn stands_for(self) -> &'static str {
        match self {
            BackendKind::Sequential => "non-parallelized",
            BackendKind::Threads => "threading (one chunk per thread)",
            BackendKind::Rayon => "(Rust) rayon work stealing",
            BackendKind::ThreadExecutor => "concurrent.futures ThreadPoolExecutor",
            BackendKind::ProcessPool => "multiprocess.Pool",
            BackendKind::ProcessExecutor => "concurrent.futures ProcessPoolExecutor",
            BackendKind::Joblib => "joblib.Parallel",
            BackendKind::Cluster => "ipyparallel load-balanced view",
            BackendKind::Dask => "dask bag (npartitions = workers)",
        }
    }

    /// One line on what the backend is and when to use it.
    pub fn description(self) -> &'static str {
        match self {
            BackendKind::Sequential => "a plain loop on the calling thread; the baseline",
            BackendKind::Threads => {
                "std scoped threads, inputs split into one contiguous chunk per worker"
            }
            BackendKind::Rayon => {
                "rayon work-stealing pool of the chosen size; balances uneven tasks"
            }
            BackendKind::ThreadExecutor => {
                "fixed thread pool, one submitted job per input, handles in order; for I/O-bound work"
            }
            BackendKind::ProcessPool => {
                "forked worker processes pull chunks of ceil(n / 4 workers) inputs; results over sockets"
            }
            BackendKind::ProcessExecutor => {
                "forked worker processes pull one input at a time; submit returns a readable handle"
            }
            BackendKind::Joblib => {
                "process pool (or threads) with joblib's 'Done N out of M' progress lines on stderr"
            }
            BackendKind::Cluster => {
                "engine processes that outlive notebook cells; runs kernels registered by name"
            }
            BackendKind::Dask => {
                "task graph on a worker pool, one task per partition; delayed, futures and bags"
            }
        }
    }

    /// Can this backend run any [`Kernel`], closures included? False for the
    /// [`Cluster`](BackendKind::Cluster), whose engines run only kernels compiled into them,
    /// looked up by [`Kernel::name`].
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::backends::BackendKind;
    ///
    /// assert!(BackendKind::Rayon.runs_closures());
    /// assert!(!BackendKind::Cluster.runs_closures());
    /// ```
    pub fn runs_closures(self) -> bool {
        !matches!(self, BackendKind::Cluster)
    }

    /// Starts this backend with `workers` workers (the sequential backend always has one).
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] for `workers == 0`; [`Error::Backend`] when the pool cannot start.
    pub fn build(self, workers: usize) -> Result<AnyBackend> {
        if workers == 0 {
            return Err(Error::ZeroWorkers { cores: cpu_count() });
        }
        Ok(match self {
            BackendKind::Sequential => AnyBackend::Sequential(Sequential),
            BackendKind::Threads => AnyBackend::Threads(Threads::new(workers)?),
            BackendKind::Rayon => AnyBackend::Rayon(RayonPool::new(workers)?),
            BackendKind::ThreadExecutor => {
                AnyBackend::ThreadExecutor(ThreadExecutor::new(workers)?)
            }
            BackendKind::ProcessPool => AnyBackend::ProcessPool(ProcessPool::new(workers)?),
            BackendKind::ProcessExecutor => {
                AnyBackend::ProcessExecutor(ProcessExecutor::new(workers)?)
            }
            BackendKind::Joblib => AnyBackend::Joblib(Parallel::new(workers)?),
            BackendKind::Cluster => AnyBackend::Cluster(crate::cluster::Cluster::start(workers)?),
            BackendKind::Dask => AnyBackend::Dask(crate::dask::Dask::new(workers)?),
        })
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Any backend, chosen at run time: what [`BackendKind::build`] returns.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnyBackend {
    /// See [`Sequential`].
    Sequential(Sequential),
    /// See [`Threads`].
    Threads(Threads),
    /// See [`RayonPool`].
    Rayon(RayonPool),
    /// See [`ThreadExecutor`].
    ThreadExecutor(ThreadExecutor),
    /// See [`ProcessPool`].
    ProcessPool(ProcessPool),
    /// See [`ProcessExecutor`].
    ProcessExecutor(ProcessExecutor),
    /// See [`Parallel`].
    Joblib(Parallel),
    /// See [`Cluster`](crate::cluster::Cluster); the engines live as long as this value.
    Cluster(crate::cluster::Cluster),
    /// See [`Dask`](crate::dask::Dask).
    Dask(crate::dask::Dask),
}

impl Backend for AnyBackend {
    fn kind(&self) -> BackendKind {
        match self {
            AnyBackend::Sequential(b) => b.kind(),
            AnyBackend::Threads(b) => b.kind(),
            AnyBackend::Rayon(b) => b.kind(),
            AnyBackend::ThreadExecutor(b) => b.kind(),
            AnyBackend::ProcessPool(b) => b.kind(),
            AnyBackend::ProcessExecutor(b) => b.kind(),
            AnyBackend::Joblib(b) => b.kind(),
            AnyBackend::Cluster(b) => b.kind(),
            AnyBackend::Dask(b) => b.kind(),
        }
    }

    fn workers(&self) -> usize {
        match self {
            AnyBackend::Sequential(b) => b.workers(),
            AnyBackend::Threads(b) => b.workers(),
            AnyBackend::Rayon(b) => b.workers(),
            AnyBackend::ThreadExecutor(b) => b.workers(),
            AnyBackend::ProcessPool(b) => b.workers(),
            AnyBackend::ProcessExecutor(b) => b.workers(),
            AnyBackend::Joblib(b) => b.workers(),
            AnyBackend::Cluster(b) => b.workers(),
            AnyBackend::Dask(b) => b.workers(),
        }
    }

    fn map_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        match self {
            AnyBackend::Sequential(b) => b.map_with(kernel, inputs, options),
            AnyBackend::Threads(b) => b.map_with(kernel, inputs, options),
            AnyBackend::Rayon(b) => b.map_with(kernel, inputs, options),
            AnyBackend::ThreadExecutor(b) => b.map_with(kernel, inputs, options),
            AnyBackend::ProcessPool(b) => b.map_with(kernel, inputs, options),
            AnyBackend::ProcessExecutor(b) => b.map_with(kernel, inputs, options),
            AnyBackend::Joblib(b) => b.map_with(kernel, inputs, options),
            AnyBackend::Cluster(b) => b.map_with(kernel, inputs, options),
            AnyBackend::Dask(b) => b.map_with(kernel, inputs, options),
        }
    }
}

/// Runs tasks on one worker, catching panics and recording spans when tracing.
pub(crate) struct Runner<'a, K: Kernel> {
    pub kernel: &'a K,
    pub backend: BackendKind,
    pub origin: Instant,
    pub trace: bool,
    pub ticker: Ticker,
}

impl<'a, K: Kernel> Runner<'a, K> {
    /// A runner for one map of `total` tasks, starting the clock now.
    pub fn new(kernel: &'a K, backend: BackendKind, options: &MapOptions, total: usize) -> Self {
        let origin = Instant::now();
        Runner {
            kernel,
            backend,
            origin,
            trace: options.trace,
            ticker: Ticker::new(options, total, origin),
        }
    }

    /// A runner without progress reports whose spans count from `origin` (for backends that
    /// start several runners per map, like the dask graph).
    pub fn at(kernel: &'a K, backend: BackendKind, trace: bool, origin: Instant) -> Self {
        Runner {
            kernel,
            backend,
            origin,
            trace,
            ticker: Ticker::new(&MapOptions::default(), 0, origin),
        }
    }

    /// Runs task `task` (input `input`) on `worker`, pushing its span to `spans` when tracing.
    pub fn run(
        &self,
        task: usize,
        worker: usize,
        input: &K::Input,
        spans: &mut Vec<Span>,
    ) -> Result<K::Output> {
        let start = self.trace.then(|| self.origin.elapsed().as_secs_f64());
        let out =
            catch_unwind(AssertUnwindSafe(|| self.kernel.call(input))).map_err(|payload| {
                Error::TaskFailed {
                    backend: self.backend.name(),
                    worker,
                    task,
                    input: format!("{input:?}"),
                    message: panic_message(payload.as_ref()),
                }
            })?;
        if let Some(start) = start {
            let end = self.origin.elapsed().as_secs_f64();
            spans.push(Span {
                task,
                worker,
                start,
                end,
            });
        }
        self.ticker.add(1);
        Ok(out)
    }

    /// Packs results and spans into a [`Mapped`].
    pub fn finish(
        &self,
        results: Vec<K::Output>,
        mut spans: Vec<Span>,
        workers: usize,
    ) -> Mapped<K::Output> {
        let trace = self.trace.then(|| {
            spans.sort_by_key(|s| s.task);
            TaskStream {
                backend: self.backend.name().to_string(),
                workers,
                spans,
            }
        });
        Mapped {
            results,
            seconds: self.origin.elapsed().as_secs_f64(),
            trace,
        }
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".to_string()
    }
}

/// Splits `len` items into `parts` contiguous chunk lengths that differ by at most one.
pub(crate) fn chunk_lengths(len: usize, parts: usize) -> impl Iterator<Item = usize> {
    let (base, extra) = (len / parts, len % parts);
    (0..parts).map(move |i| base + usize::from(i < extra))
}

#[cfg(test)]
mod test;
