//! Execution backends: one [`Backend`] trait, one file per backend.
//!
//! A backend maps a [`Kernel`] over a slice of inputs and returns the results **in input order**
//! with the wall time ([`Mapped`]). Executors run *any* kernel and know none: the kernels live in
//! [`tasks`](crate::tasks) and [`gas`](crate::gas), and the list of every backend (with the
//! cluster and dask) is `workloads::BackendKind`, one layer up.
//!
//! | backend | stands for (Python) | what it is |
//! |---|---|---|
//! | [`Sequential`] | non-parallelized | a plain loop on the calling thread |
//! | [`Threads`] | `threading` | std scoped threads, one contiguous chunk per worker |
//! | [`RayonPool`] | (none: Rust's own) | a rayon work-stealing pool of a chosen size |
//! | [`ThreadExecutor`] | `concurrent.futures.ThreadPoolExecutor` | a fixed pool; `submit` returns a [`Future`] |
//! | [`ProcessPool`] | `multiprocess.Pool.map` | forked worker processes pulling chunks of inputs |
//! | [`ProcessExecutor`] | `concurrent.futures.ProcessPoolExecutor` | forked processes; `submit` returns a [`Future`] |
//! | [`Parallel`] | `joblib.Parallel` | the thread or process pool, with joblib's progress lines |
//! | `cluster::Cluster` | `ipyparallel` | engine processes, kernels by name |
//! | `dask::Dask` | `dask` | a task graph, one task per partition |
//!
//! [`CpuMonitor`] watches the machine's cores while any of them runs (per-core busy time from
//! `/proc/stat`), the Resource Monitor of the module as a value; [`Meter`] reads the same
//! counters live, with this process's and its workers' CPU and memory. Every map reports to
//! an open [`MapFeed`] (started, tasks finished, ended): the hook a live dashboard listens on.
//!
//! Kernels carry `serde` inputs and outputs so that process-based backends can ship them.

use std::fmt::Debug;
use std::marker::PhantomData;

use serde::{de::DeserializeOwned, Serialize};

use crate::Result;

#[macro_use]
mod plain;
mod cpu;
mod fork;
mod fork_map;
mod future;
mod job;
mod joblib;
mod meter;
mod observe;
mod process_executor;
mod process_pool;
mod progress;
mod rayon_pool;
mod runner;
mod sequential;
mod shared_slots;
mod thread_executor;
mod threads;
mod trace;
mod watchdog;

pub use cpu::{process_cpu_seconds, CpuMonitor, CpuSample, CpuTrace, CPU_SAMPLE_INTERVAL};
pub use future::Future;
pub use job::StarFn;
pub(crate) use job::{Job, Plain};
pub use joblib::{delayed, delayed_star, Delayed, Parallel, Prefer};
pub use meter::{Meter, MeterReading};
pub(crate) use observe::Report;
pub use observe::{watched_at, MapEvent, MapFeed, FEED_VAR, FLUSH_INTERVAL};
pub(crate) use plain::plain_maps;
pub use process_executor::ProcessExecutor;
pub use process_pool::ProcessPool;
pub(crate) use progress::Ticker;
pub use progress::{Progress, ProgressUpdate};
pub use rayon_pool::RayonPool;
pub(crate) use runner::{catch, chunk_lengths, panic_message, run_task, Runner};
pub use sequential::Sequential;
pub use thread_executor::ThreadExecutor;
pub use threads::Threads;
pub use trace::{Span, TaskStream};

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

    /// The name under which engine programs serve **this very code**, when it is compiled into
    /// them (see `cluster::KernelRegistry`); `None`, the
    /// default, for code that exists only in this process, such as a closure made with
    /// [`kernel`]. Only in-process backends can run a kernel without a remote name: the
    /// `cluster::Cluster` refuses it instead of running something else.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// assert_eq!(kernel("double", |x: &u64| 2 * x).remote_name(), None);
    /// ```
    fn remote_name(&self) -> Option<&'static str> {
        None
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
/// let mapped = Sequential.run(&double, &[1, 2, 3])?;
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
    /// The longest the map may take; `None` (the default) waits as long as the tasks take.
    /// See [`with_timeout`](MapOptions::with_timeout).
    pub timeout: Option<std::time::Duration>,
}

impl MapOptions {
    /// Options that record a task stream when `trace` is true.
    pub fn traced(trace: bool) -> Self {
        MapOptions {
            trace,
            progress: None,
            timeout: None,
        }
    }

    /// These options with tracing set to `trace`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let mapped = Sequential.map_with(|x: u8| x, [7], &MapOptions::default().with_trace(true))?;
    /// assert_eq!(mapped.trace.map(|t| t.spans.len()), Some(1));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn with_trace(mut self, trace: bool) -> Self {
        self.trace = trace;
        self
    }

    /// These options with a timeout: Python's `pool.map(f, xs, timeout=1)`. When it passes, the
    /// map fails with [`Error::TimedOut`](crate::Error::TimedOut) naming the tasks still
    /// running, and the backend can be used again at once.
    ///
    /// - Process backends ([`ProcessPool`], [`ProcessExecutor`], [`Parallel`]) and the
    ///   `cluster::Cluster` return at the deadline: the worker processes (or
    ///   the busy engines) are killed and reaped; the cluster starts fresh engines in their place.
    /// - The [`ThreadExecutor`] returns at the deadline, starts no queued task after it, and
    ///   leaves a running task to finish on its thread (a thread cannot be stopped from outside).
    /// - The other in-process backends ([`Sequential`], [`Threads`], [`RayonPool`],
    ///   `dask::Dask`) start no task after the deadline and return once the
    ///   running ones end; to bound a task that may never end, use a process backend.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use parlab::prelude::*;
    ///
    /// let nap = kernel("nap", |ms: &u64| std::thread::sleep(Duration::from_millis(*ms)));
    /// let pool = ProcessPool::new(2)?;
    /// let options = MapOptions::default().with_timeout(Duration::from_millis(300));
    /// let err = pool.run_with(&nap, &[10, 60_000], &options).unwrap_err();
    /// assert!(matches!(&err, Error::TimedOut { running, .. } if running == &[1]), "{err}");
    /// // The pool goes on.
    /// assert_eq!(pool.run_with(&nap, &[1, 2], &options)?.results.len(), 2);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
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
    /// Sequential.map_with(|x: u8| x, [1, 2, 3], &options)?;
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

impl<R> Mapped<R> {
    /// Packs a finished map: the results in input order, the wall time since `origin` and, when
    /// `trace` is set, the spans sorted by task as `backend`'s [`TaskStream`]. Every backend ends
    /// its map here.
    pub(crate) fn finish(
        results: Vec<R>,
        mut spans: Vec<Span>,
        backend: &'static str,
        workers: usize,
        trace: bool,
        origin: std::time::Instant,
    ) -> Self {
        let trace = trace.then(|| {
            spans.sort_by_key(|s| s.task);
            TaskStream {
                backend: backend.to_string(),
                workers,
                spans,
            }
        });
        Mapped {
            results,
            seconds: origin.elapsed().as_secs_f64(),
            trace,
        }
    }
}

/// The interface every backend implements.
///
/// Two levels: [`run`](Backend::run) / [`run_with`](Backend::run_with) map a [`Kernel`] over a
/// slice (what the workloads, the table and the benchmarks use, with the library's fast
/// kernels), and [`map`](Backend::map) / [`map_with`](Backend::map_with) /
/// [`starmap`](Backend::starmap) map a plain function over any iterable, as Python's
/// `pool.map(f, xs)` does. Every backend also has `map`, `map_with` and `starmap` of its own,
/// with only the bounds it needs (no `serde` where it never ships a value, no `Debug`
/// anywhere); these trait methods, for code generic over backends, ask for what the strictest
/// backend needs.
///
/// The methods are generic, so the trait is not object-safe; code that iterates over backends
/// holds an `workloads::AnyBackend`, which implements this trait by delegation.
pub trait Backend {
    /// The backend's name, as the command line and JSON spell it (`"rayon"`, `"process-pool"`).
    fn name(&self) -> &'static str;

    /// Number of workers.
    fn workers(&self) -> usize;

    /// Applies `kernel` to every input; results come back in input order.
    ///
    /// # Errors
    ///
    /// [`Error::TaskFailed`](crate::Error::TaskFailed) naming the worker and the input when a task panics (or its worker
    /// dies), or [`Error::Backend`](crate::Error::Backend) when the backend itself breaks.
    fn run_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>>;

    /// [`run_with`](Backend::run_with) with default options.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// for kind in BackendKind::ALL {
    ///     let backend = kind.build(2)?;
    ///     // A kernel compiled into the cluster's engines too, so every backend runs it.
    ///     let squares = backend.run(&RandomSquare, &[0, 1, 2])?;
    ///     assert_eq!(squares.results, [25, 25, 64], "{}", kind.name());
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    fn run<K: Kernel>(&self, kernel: &K, inputs: &[K::Input]) -> Result<Mapped<K::Output>> {
        self.run_with(kernel, inputs, &MapOptions::default())
    }

    /// Python's `pool.map(f, inputs)`: `f` applied to every input, results in input order.
    /// `f` is a `fn` item or a closure; inputs any iterable.
    ///
    /// # Errors
    ///
    /// As [`run_with`](Backend::run_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// fn squares_on<B: Backend>(pool: &B) -> Result<Vec<u32>> {
    ///     pool.map(random_square, 0..5) // the trait's map, for any backend
    /// }
    /// assert_eq!(squares_on(&BackendKind::ProcessPool.build(2)?)?, [25, 25, 64, 64, 49]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    fn map<F, I, O>(&self, f: F, inputs: impl IntoIterator<Item = I>) -> Result<Vec<O>>
    where
        F: Fn(I) -> O + Clone + Send + Sync + 'static,
        I: Clone + Debug + Send + Sync + Serialize + DeserializeOwned + 'static,
        O: Send + Serialize + DeserializeOwned + 'static,
    {
        Ok(self.map_with(f, inputs, &MapOptions::default())?.results)
    }

    /// [`map`](Backend::map) with options (trace, progress, timeout); returns the results with
    /// the wall time and, when traced, the task stream.
    ///
    /// # Errors
    ///
    /// As [`run_with`](Backend::run_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let pool = BackendKind::Threads.build(2)?;
    /// let mapped = Backend::map_with(&pool, |x: u64| x * x, 1..4, &MapOptions::traced(true))?;
    /// assert_eq!(mapped.results, [1, 4, 9]);
    /// assert_eq!(mapped.trace.map(|t| t.spans.len()), Some(3));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    fn map_with<F, I, O>(
        &self,
        f: F,
        inputs: impl IntoIterator<Item = I>,
        options: &MapOptions,
    ) -> Result<Mapped<O>>
    where
        F: Fn(I) -> O + Clone + Send + Sync + 'static,
        I: Clone + Debug + Send + Sync + Serialize + DeserializeOwned + 'static,
        O: Send + Serialize + DeserializeOwned + 'static,
    {
        let inputs: Vec<I> = inputs.into_iter().collect();
        let k = kernel(std::any::type_name::<F>(), move |x: &I| f(x.clone()));
        self.run_with(&k, &inputs, options)
    }

    /// Python's `pool.starmap(f, tuples)`: each tuple spread into `f`'s arguments (see
    /// [`StarFn`]).
    ///
    /// # Errors
    ///
    /// As [`run_with`](Backend::run_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// fn add(a: u64, b: u64) -> u64 {
    ///     a + b
    /// }
    /// let pool = BackendKind::ProcessPool.build(2)?;
    /// assert_eq!(Backend::starmap(&pool, add, [(1, 2), (3, 4)])?, [3, 7]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    fn starmap<S, T, O>(&self, f: S, tuples: impl IntoIterator<Item = T>) -> Result<Vec<O>>
    where
        S: StarFn<T, Output = O>,
        T: Clone + Debug + Send + Sync + Serialize + DeserializeOwned + 'static,
        O: Send + Serialize + DeserializeOwned + 'static,
    {
        Backend::map(self, move |t: T| f.call_star(t), tuples)
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
    crate::error::cores()
}
