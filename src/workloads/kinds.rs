//! The list of backends: [`BackendKind`] names them, [`AnyBackend`] holds any one of them.
//!
//! This is the one place that knows every backend, the cluster and dask included; the
//! executors below it know only the [`Backend`] trait.

use crate::backends::{
    Backend, Kernel, MapOptions, Mapped, Parallel, ProcessExecutor, ProcessPool, RayonPool,
    Sequential, ThreadExecutor, Threads,
};
use crate::cluster::Cluster;
use crate::dask::Dask;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// Every backend parlab has, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// assert_eq!(parlab::workloads::BackendKind::ThreadExecutor.name(), "thread-executor");
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
                "process pool (or threads) with joblib's 'Done N out of M' progress lines"
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
    /// found by [`Kernel::remote_name`]; it refuses the others with an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::workloads::BackendKind;
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
        crate::limits::check_workers(workers)?;
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
            BackendKind::Cluster => AnyBackend::Cluster(Cluster::start(workers)?),
            BackendKind::Dask => AnyBackend::Dask(Dask::new(workers)?),
        })
    }
}

/// Parses a backend's [`name`](BackendKind::name), as the command line spells it.
///
/// # Examples
///
/// ```
/// use parlab::workloads::BackendKind;
///
/// assert_eq!("process-pool".parse::<BackendKind>()?, BackendKind::ProcessPool);
/// let err = "gpu".parse::<BackendKind>().unwrap_err();
/// assert!(err.to_string().contains("sequential, threads, rayon"));
/// # Ok::<(), parlab::Error>(())
/// ```
impl std::str::FromStr for BackendKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        crate::names::parse_name("backend", s, &BackendKind::ALL, BackendKind::name)
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
    fn name(&self) -> &'static str {
        match self {
            AnyBackend::Sequential(b) => b.name(),
            AnyBackend::Threads(b) => b.name(),
            AnyBackend::Rayon(b) => b.name(),
            AnyBackend::ThreadExecutor(b) => b.name(),
            AnyBackend::ProcessPool(b) => b.name(),
            AnyBackend::ProcessExecutor(b) => b.name(),
            AnyBackend::Joblib(b) => b.name(),
            AnyBackend::Cluster(b) => b.name(),
            AnyBackend::Dask(b) => b.name(),
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

    fn run_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        match self {
            AnyBackend::Sequential(b) => b.run_with(kernel, inputs, options),
            AnyBackend::Threads(b) => b.run_with(kernel, inputs, options),
            AnyBackend::Rayon(b) => b.run_with(kernel, inputs, options),
            AnyBackend::ThreadExecutor(b) => b.run_with(kernel, inputs, options),
            AnyBackend::ProcessPool(b) => b.run_with(kernel, inputs, options),
            AnyBackend::ProcessExecutor(b) => b.run_with(kernel, inputs, options),
            AnyBackend::Joblib(b) => b.run_with(kernel, inputs, options),
            AnyBackend::Cluster(b) => b.run_with(kernel, inputs, options),
            AnyBackend::Dask(b) => b.run_with(kernel, inputs, options),
        }
    }
}

/// Where a task runs: one of the CPU backends, or the GPU — what `--backend` names on the command
/// line.
///
/// The GPU is not a [`BackendKind`]: a backend maps any Rust closure over its workers, and a GPU
/// runs only shaders, so it has its own functions (`squares_gpu`, `check_prime_gpu`,
/// `simulate_gpu`, cargo feature `gpu`) that run parlab's WGSL ports of the kernels.
///
/// # Examples
///
/// ```
/// use parlab::workloads::{BackendKind, Target};
///
/// assert_eq!("gpu".parse::<Target>()?, Target::Gpu);
/// assert_eq!("rayon".parse::<Target>()?, Target::Cpu(BackendKind::Rayon));
/// assert_eq!(Target::ALL.len(), BackendKind::ALL.len() + 1);
/// assert!("tpu".parse::<Target>().unwrap_err().to_string().contains("dask, gpu"));
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A CPU backend.
    Cpu(BackendKind),
    /// The GPU (cargo feature `gpu`; without it, running on it says how to rebuild).
    Gpu,
}

impl Target {
    /// Every backend, then the GPU.
    pub const ALL: [Target; 10] = [
        Target::Cpu(BackendKind::Sequential),
        Target::Cpu(BackendKind::Threads),
        Target::Cpu(BackendKind::Rayon),
        Target::Cpu(BackendKind::ThreadExecutor),
        Target::Cpu(BackendKind::ProcessPool),
        Target::Cpu(BackendKind::ProcessExecutor),
        Target::Cpu(BackendKind::Joblib),
        Target::Cpu(BackendKind::Cluster),
        Target::Cpu(BackendKind::Dask),
        Target::Gpu,
    ];

    /// The name used on the command line: the backend's, or `"gpu"`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Cpu(kind) => kind.name(),
            Target::Gpu => "gpu",
        }
    }
}

/// Parses a [`Target`]'s [`name`](Target::name).
impl std::str::FromStr for Target {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        crate::names::parse_name("backend", s, &Target::ALL, Target::name)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
