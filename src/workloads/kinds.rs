//! The list of backends: [`BackendKind`] names them, [`AnyBackend`] holds any one of them.
//!
//! This is the one place that knows every backend, the cluster, dask and the GPU included; the
//! executors below it know only the [`Backend`] trait.

use crate::backends::{
    Backend, Kernel, MapOptions, Mapped, Parallel, ProcessExecutor, ProcessPool, RayonPool,
    Sequential, ThreadExecutor, Threads,
};
use crate::cluster::Cluster;
use crate::dask::Dask;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

crate::display::named_enum! {
    /// Every backend parlab has, by name.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum BackendKind {
        /// A plain loop on the calling thread.
        Sequential => "sequential",
        /// std scoped threads, one contiguous chunk of inputs per worker.
        Threads => "threads",
        /// A rayon work-stealing pool.
        Rayon => "rayon",
        /// A fixed thread pool with submit/handle, like `concurrent.futures.ThreadPoolExecutor`.
        ThreadExecutor => "thread-executor",
        /// Forked worker processes pulling chunks of inputs, like `multiprocess.Pool.map`.
        ProcessPool => "process-pool",
        /// Forked processes with submit/handle, like `concurrent.futures.ProcessPoolExecutor`.
        ProcessExecutor => "process-executor",
        /// `joblib.Parallel`: the process pool (or thread pool) with joblib's progress lines.
        Joblib => "joblib",
        /// Long-lived engine processes, load-balanced, like `ipyparallel` (see [`crate::cluster`]).
        Cluster => "cluster",
        /// A task graph on a worker pool, one partition per worker, like `dask.bag` (see
        /// [`crate::dask`]).
        Dask => "dask",
        /// The GPU (cargo feature `gpu`): parlab's WGSL shaders through wgpu, the workloads'
        /// [`Target`](super::Target) and no mapper of kernels (see `parlab::gpu`). Without the
        /// feature it is still named here; [`build`](BackendKind::build) says how to turn it on.
        Gpu => "gpu",
    }
    /// Every backend, in the order of the summary table, then the GPU: every name that
    /// [`FromStr`](std::str::FromStr) parses.
    const ALL;
    /// The name used on the command line and in JSON.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(parlab::workloads::BackendKind::ThreadExecutor.name(), "thread-executor");
    /// ```
    fn name;
    /// Parses a backend's [`name`](BackendKind::name), as the command line spells it.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::workloads::BackendKind;
    ///
    /// assert_eq!("process-pool".parse::<BackendKind>()?, BackendKind::ProcessPool);
    /// assert_eq!("gpu".parse::<BackendKind>()?, BackendKind::Gpu); // with or without the feature
    /// let err = "tpu".parse::<BackendKind>().unwrap_err();
    /// assert!(err.to_string().contains("sequential, threads, rayon"));
    /// assert!(err.to_string().contains("dask, gpu"));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    impl FromStr<Err = Error> for "backend";
}

impl BackendKind {
    /// The nine CPU backends, every kind but the GPU, in order: the rows of the summary table
    /// (`table::measure`) and the backends `parlab bench` times.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::workloads::BackendKind;
    ///
    /// assert_eq!(BackendKind::CPU, BackendKind::ALL[..9]);
    /// assert_eq!(BackendKind::ALL.last(), Some(&BackendKind::Gpu));
    /// ```
    pub const CPU: [BackendKind; 9] = [
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
            BackendKind::Gpu => "(CUDA/numba in 15.6) wgpu",
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
            BackendKind::Gpu => "WGSL compute shaders via wgpu; runs parlab's shaders, not closures",
        }
    }

    /// Can this backend run any [`Kernel`], closures included? False for the
    /// [`Cluster`](BackendKind::Cluster), whose engines run only kernels compiled into them,
    /// found by [`Kernel::remote_name`], and for the [`Gpu`](BackendKind::Gpu), which runs only
    /// the workloads' shaders; they refuse the others with an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::workloads::BackendKind;
    ///
    /// assert!(BackendKind::Rayon.runs_closures());
    /// assert!(!BackendKind::Cluster.runs_closures());
    /// assert!(!BackendKind::Gpu.runs_closures());
    /// ```
    pub fn runs_closures(self) -> bool {
        !matches!(self, BackendKind::Cluster | BackendKind::Gpu)
    }

    /// Starts this backend with `workers` workers (the sequential backend always has one; the
    /// GPU ignores the count: it opens the adapter `Gpu::new` prefers).
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] for `workers == 0`; [`Error::Backend`] when the pool cannot start,
    /// or for the GPU in a parlab built without the cargo feature `gpu`; the GPU's own errors
    /// (no adapter, a device that fails).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// for kind in BackendKind::CPU {
    ///     assert_eq!(squares(&kind.build(2)?, 0..3)?.results, [25, 25, 64]);
    /// }
    /// // The GPU is named with or without the cargo feature `gpu`; without it, it says so.
    /// if cfg!(not(feature = "gpu")) {
    ///     let err = BackendKind::Gpu.build(1).unwrap_err().to_string();
    ///     assert!(err.contains("cargo feature `gpu`"), "{err}");
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn build(self, workers: usize) -> Result<AnyBackend> {
        crate::limits::check_workers(workers)?;
        AnyBackend::start(self, workers)
    }
}

/// `AnyBackend`, its constructor and its [`Backend`] implementation, from one list of
/// `Kind(Type) = constructor` (the kind's [`BackendKind`] variant has the same name), plus the
/// GPU, which is no [`Backend`]: it runs the workloads ([`Target`](super::Target)) and refuses
/// kernels.
macro_rules! any_backend {
    ($($(#[$doc:meta])* $kind:ident($ty:ty) = $new:expr,)*) => {
        /// Any backend, chosen at run time: what [`BackendKind::build`] returns. It implements
        /// [`Backend`] (maps kernels) and, through it, [`Target`](super::Target) (runs the
        /// workloads), by delegation to the backend inside.
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum AnyBackend {
            $($(#[$doc])* $kind($ty),)*
            /// The GPU (cargo feature `gpu`): [`squares`](super::squares),
            /// [`check_prime`](super::check_prime) and [`simulate`](super::simulate) run its
            /// shaders; a [`Kernel`] (a closure, a map) is refused with [`Error::Backend`].
            #[cfg(feature = "gpu")]
            Gpu(Box<crate::gpu::Gpu>),
        }

        impl AnyBackend {
            fn start(kind: BackendKind, workers: usize) -> Result<AnyBackend> {
                Ok(match kind {
                    $(BackendKind::$kind => AnyBackend::$kind($new(workers)?),)*
                    BackendKind::Gpu => open_gpu()?,
                })
            }
        }

        impl Backend for AnyBackend {
            fn name(&self) -> &'static str {
                match self {
                    $(AnyBackend::$kind(b) => b.name(),)*
                    #[cfg(feature = "gpu")]
                    AnyBackend::Gpu(_) => super::gpu::GPU,
                }
            }

            fn workers(&self) -> usize {
                match self {
                    $(AnyBackend::$kind(b) => b.workers(),)*
                    #[cfg(feature = "gpu")]
                    AnyBackend::Gpu(_) => 1,
                }
            }

            fn device(&self) -> Option<&dyn std::any::Any> {
                #[cfg(feature = "gpu")]
                if let AnyBackend::Gpu(gpu) = self {
                    return Some(gpu.as_ref());
                }
                None
            }

            fn run_with<K: Kernel>(
                &self,
                kernel: &K,
                inputs: &[K::Input],
                options: &MapOptions,
            ) -> Result<Mapped<K::Output>> {
                match self {
                    $(AnyBackend::$kind(b) => b.run_with(kernel, inputs, options),)*
                    #[cfg(feature = "gpu")]
                    AnyBackend::Gpu(_) => Err(Error::Backend {
                        backend: super::gpu::GPU,
                        message: format!(
                            "the GPU runs only parlab's shaders (squares, check_prime, simulate), \
                             not the kernel {:?} ({} inputs); map it on a CPU backend \
                             (BackendKind::CPU)",
                            kernel.name(),
                            inputs.len()
                        ),
                    }),
                }
            }
        }
    };
}

any_backend! {
    /// See [`Sequential`].
    Sequential(Sequential) = |_| Ok::<_, Error>(Sequential),
    /// See [`Threads`].
    Threads(Threads) = Threads::new,
    /// See [`RayonPool`].
    Rayon(RayonPool) = RayonPool::new,
    /// See [`ThreadExecutor`].
    ThreadExecutor(ThreadExecutor) = ThreadExecutor::new,
    /// See [`ProcessPool`].
    ProcessPool(ProcessPool) = ProcessPool::new,
    /// See [`ProcessExecutor`].
    ProcessExecutor(ProcessExecutor) = ProcessExecutor::new,
    /// See [`Parallel`].
    Joblib(Parallel) = Parallel::new,
    /// See [`Cluster`]; the engines live as long as this value.
    Cluster(Cluster) = Cluster::start,
    /// See [`Dask`].
    Dask(Dask) = Dask::new,
}

/// The GPU as an [`AnyBackend`]: the adapter wgpu prefers, its shaders compiled.
#[cfg(feature = "gpu")]
fn open_gpu() -> Result<AnyBackend> {
    Ok(AnyBackend::Gpu(Box::new(crate::gpu::Gpu::new()?)))
}

/// Without the cargo feature `gpu`: what to turn on.
#[cfg(not(feature = "gpu"))]
fn open_gpu() -> Result<AnyBackend> {
    Err(Error::Backend {
        backend: "gpu",
        message: "this parlab was built without the GPU backend; turn on its cargo feature `gpu` \
                  (`features = [\"gpu\"]` in the `:dep` line or in Cargo.toml); it needs a Vulkan, Metal, DX12 or GL driver"
            .into(),
    })
}
