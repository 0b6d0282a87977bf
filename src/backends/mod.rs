//! Execution backends: one [`Backend`] trait, one file per backend.
//!
//! A backend maps your own function over inputs and returns the results **in input order**, as
//! Python's `pool.map(f, xs)` does: `pool.map(random_square, 0..1_000_000)?` with a `fn` item or
//! a closure, `pool.starmap(is_primeP, limits)?` for tuples (see [`StarFn`]),
//! `pool.map_with(f, xs, &options)?` for a trace, progress or a timeout ([`MapOptions`], the
//! one options pattern), returning the results with the wall time ([`Mapped`]). The library's
//! own fast code maps as a [`Kernel`] over a slice with [`Backend::run`] / [`Backend::run_with`]
//! (what the workloads, the table and the benchmarks use). Executors run *any* function and
//! know none: the kernels live in `tasks` and `gas`, and the list of every backend (with the
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
//! Only what a backend ships needs `serde`: the process backends ([`ProcessPool`],
//! [`ProcessExecutor`], [`Parallel`]) fork workers that already hold the function and the
//! inputs, so only results travel; the in-process backends ship nothing. No map needs `Debug`:
//! a failing task is named by its index (a [`Kernel`]'s input is also printed).

use std::fmt::Debug;
use std::marker::PhantomData;

use serde::{de::DeserializeOwned, Serialize};

use crate::Result;

#[macro_use]
mod plain;
mod cpu;
pub(crate) mod erased;
pub(crate) mod fifo;
mod fork;
mod fork_map;
pub(crate) mod frame;
mod future;
mod job;
mod joblib;
mod meter;
mod observe;
mod options;
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
pub(crate) use fork::default_signals;
pub use future::Future;
pub use job::StarFn;
pub(crate) use job::{Job, Plain};
pub use joblib::{delayed, delayed_star, Delayed, Parallel, Prefer};
pub use meter::{Meter, MeterReading};
pub(crate) use observe::Report;
pub use observe::{feed_path, watched_at, MapEvent, MapFeed, FLUSH_INTERVAL};
pub use options::{MapOptions, Mapped};
pub(crate) use plain::{backend_impl, plain_maps};
pub use process_executor::ProcessExecutor;
pub use process_pool::ProcessPool;
pub(crate) use progress::Ticker;
pub use progress::{Progress, ProgressUpdate};
pub use rayon_pool::RayonPool;
pub(crate) use runner::{chunk_lengths, panic_message, run_task, Runner};
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
/// holds a `workloads::AnyBackend`, which implements this trait by delegation.
pub trait Backend {
    /// The backend's name, as the command line and JSON spell it (`"rayon"`, `"process-pool"`).
    fn name(&self) -> &'static str;

    /// Number of workers.
    fn workers(&self) -> usize;

    /// The device behind this backend when it runs shaders instead of mapping kernels: the GPU
    /// inside a `workloads::AnyBackend`, which the workloads (`squares`, `check_prime`,
    /// `simulate`) run on directly. `None`, the default, for every backend that maps kernels;
    /// a backend of your own leaves it so.
    #[doc(hidden)]
    fn device(&self) -> Option<&dyn std::any::Any> {
        None
    }

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
    /// for kind in BackendKind::CPU {
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
    crate::limits::cores()
}
