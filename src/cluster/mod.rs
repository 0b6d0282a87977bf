//! An engine cluster: the `ipyparallel` counterpart (15.4).
//!
//! [`Cluster::start`] forks long-lived engine processes from the calling process (a notebook's
//! kernel, a test, any Rust program); the [`Cluster`] value owns them, so in a notebook they
//! stay up from cell to cell until the value is dropped or [`shutdown`](Cluster::shutdown).
//! Like ipyparallel there are views:
//!
//! - [`LoadBalancedView`] ([`Cluster::load_balanced`]): tasks go to whichever engine is free; if
//!   an engine dies mid-map, its unfinished tasks run again on the others.
//! - [`DirectView`] ([`Cluster::direct`]): one contiguous share of the inputs per engine.
//! - [`EngineView`] ([`Cluster::engine`]): one engine, for [`apply`](EngineView::apply).
//!
//! ## Your own function on the engines
//!
//! `view.map_sync(f, inputs)`, `view.map(f, inputs)` (an [`AsyncResult`]) and
//! `cluster.engine(i).apply(f, x)` take a plain function `f: fn(I) -> O`: a `fn` item, or a
//! closure that captures nothing (one that captures does not compile: the engines are other
//! processes that cannot see its variables). Inputs and outputs travel with serde (postcard,
//! over pipes). ipyparallel pickles `f`; Rust cannot send code, but a forked engine is a copy
//! of this process, so `f`'s code is already in it, or in a file it can load:
//!
//! - `f` travels as *where its code is*: the object holding it (the program, or a shared
//!   library) and its offset from that object's load address, found with `dl_iterate_phdr`
//!   (`dladdr` on macOS). With it goes a **trampoline**, monomorphized for `I` and `O`, that
//!   decodes an input, calls `f` and encodes the output.
//! - The engine adds its own load address of that object. An object loaded after the engine was
//!   forked (in a notebook, evcxr compiles every cell into a shared library of its own,
//!   `libcode_N.so`, and keeps it loaded and on disk) is opened in the engine first with
//!   `dlopen(path, RTLD_NOW)`. So a function from a later cell runs on engines started before.
//! - The code's first bytes travel too and must match in the engine: a file that changed on
//!   disk since it was loaded is refused, never run as a different function.
//!
//! Where it stops, with an [`Error::Backend`] that says why: engines exec'd from a program of
//! their own ([`ClusterBuilder::engine`]) are not copies of this process and run kernels by
//! name only; an object an engine cannot open (deleted since) fails the map. The [`Backend`]
//! impl maps kernel types with no data (such as the workloads' `RandomSquare`) the same way,
//! and refuses a closure that holds data instead of running anything else. A forked engine
//! holds no thread of the caller's: a function that relies on a pool the caller started (the
//! global rayon pool, say) must build its own.
//!
//! ## Kernels by name
//!
//! The engines also serve named kernels ([`KernelRegistry`]; forked engines by default the
//! library's, `workloads::engine_kernels`), called through a typed handle, [`Remote`], with
//! [`run`](LoadBalancedView::run). An engine program of your own (`main` is
//! [`engine_main`]`(engine_kernels().register("cube", cube))`, see `examples/custom_engine.rs`),
//! started with [`ClusterBuilder::engine`], serves such kernels only.
//!
//! ## Engines die with their cluster
//!
//! Each engine holds the read end of a *lifeline* pipe whose write end only the cluster holds:
//! when the cluster is dropped, or its process dies in any way (`SIGKILL` too), the pipe
//! closes and a thread in the engine ends it at once, even mid-task. This works on every Unix;
//! engine programs on Linux also get `PR_SET_PDEATHSIG`.
//!
//! [`list`] shows the running clusters, like `ipcluster list`.
//!
//! A closure that captures a variable is not a `fn`, so it does not compile:
//!
//! ```compile_fail
//! let cluster = parlab::cluster::Cluster::start(1)?;
//! let base = 10u64;
//! let _ = cluster.load_balanced().map_sync(|x: u64| x + base, 0..3);
//! # Ok::<(), parlab::Error>(())
//! ```
//!
//! ```
//! use parlab::prelude::*;
//! use parlab::cluster::{Cluster, Remote};
//!
//! fn random_square(seed: u32) -> u32 {
//!     parlab::tasks::random_square(seed)
//! }
//!
//! let cluster = Cluster::start(2)?;
//! assert_eq!(cluster.load_balanced().map_sync(random_square, 0..5)?, [25, 25, 64, 64, 49]);
//! let pending = cluster.direct().map(|x: u64| x * x, vec![1, 2, 3])?;
//! assert_eq!(pending.result()?, [1, 4, 9]);
//! assert_eq!(cluster.engine(1).apply(random_square, 3)?.result()?, 64);
//! // The stock kernels, by name, and the workloads on top of them.
//! assert_eq!(cluster.engine(0).run(&Remote::<u32, u32>::named("random-square"), &3)?, 64);
//! assert_eq!(squares(&cluster, 0..100_000)?.first5(), [25, 25, 64, 64, 49]);
//! // A closure that holds data is refused, never swapped for something else.
//! let err = cluster.run(&kernel("random-square", |s: &u32| s * 2), &[1]).unwrap_err();
//! assert!(err.to_string().contains("engines run only code they have"));
//! cluster.shutdown()?;
//! # Ok::<(), parlab::Error>(())
//! ```

use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard};

use serde::{de::DeserializeOwned, Serialize};

use crate::backends::{Backend, Kernel, MapOptions, Mapped};
use crate::{Error, Result};

mod builder;
mod code;
mod engine;
mod fork;
mod inputs;
mod kernels;
mod locate;
mod plain;
mod protocol;
mod registry;
mod remote;
mod schedule;
mod views;

pub use builder::ClusterBuilder;
pub use engine::{engine_main, is_engine, ENGINE_ID_VAR};
pub use kernels::KernelRegistry;
pub use locate::ENGINE_VAR;
pub use plain::{AsyncResult, EngineView};
pub use protocol::KernelInfo;
pub use registry::{list, runtime_dir, ClusterEntry, EngineEntry, RUNTIME_DIR_VAR};
pub use remote::Remote;
pub use views::{DirectView, LoadBalancedView, RemoteInput, RemoteOutput};

use fork::stop;
pub(crate) use fork::{Engine, Pool};

/// Long-lived engine processes, owned by this value; see the [module docs](self).
///
/// Made by [`Cluster::start`] or [`Cluster::builder`], which are defined one layer up, with the
/// workloads: they give forked engines the library's kernels (`workloads::engine_kernels`),
/// which this layer does not know. Dropping the cluster shuts it down (the engines exit and are
/// reaped).
pub struct Cluster {
    entry: ClusterEntry,
    file: Option<PathBuf>,
    pool: Arc<Pool>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("id", &self.entry.id)
            .field("pids", &self.pids())
            .finish()
    }
}

impl Cluster {
    /// The cluster's id, as [`list`] shows it.
    pub fn id(&self) -> &str {
        &self.entry.id
    }

    /// The engine program, or for forked engines the program they are copies of.
    pub fn program(&self) -> &Path {
        &self.entry.program
    }

    /// Whether the engines are forks of this process (and so run its plain functions).
    pub fn forked(&self) -> bool {
        self.entry.forked
    }

    /// Process ids of the engines, by engine index (engines the cluster replaced after a
    /// [timeout](crate::backends::MapOptions::with_timeout) have new ones).
    pub fn pids(&self) -> Vec<u32> {
        let engines = self.lock();
        if engines.is_empty() {
            return self.entry.engines.iter().map(|e| e.pid).collect();
        }
        engines.iter().map(|e| e.pid).collect()
    }

    /// Number of engines still running.
    pub fn running(&self) -> usize {
        let mut engines = self.lock();
        engines
            .iter_mut()
            .filter_map(|e| (e.alive && !e.process.exited()).then_some(()))
            .count()
    }

    /// The named kernels the engines serve.
    pub fn kernels(&self) -> Vec<KernelInfo> {
        self.lock()
            .first()
            .map(|e| e.kernels.clone())
            .unwrap_or_default()
    }

    /// The load-balanced view (`rc.load_balanced_view()`).
    pub fn load_balanced(&self) -> LoadBalancedView<'_> {
        LoadBalancedView::new(self)
    }

    /// The direct view over all engines (`rc[:]`).
    pub fn direct(&self) -> DirectView<'_> {
        DirectView::new(self)
    }

    /// Engine number `engine` alone (`rc[engine]`).
    pub fn engine(&self, engine: usize) -> EngineView<'_> {
        EngineView::new(self, engine)
    }

    /// Stops the engines (pipes closed, then `SIGKILL` after half a second) and reaps them, and
    /// removes the cluster from [`list`]. Dropping the cluster does the same; either waits for
    /// a map still running in the background.
    ///
    /// # Errors
    ///
    /// None today; the `Result` leaves room for remote clusters.
    pub fn shutdown(mut self) -> Result<()> {
        self.stop_all();
        Ok(())
    }

    fn stop_all(&mut self) {
        let engines = std::mem::take(&mut *self.lock());
        stop(engines);
        if let Some(file) = self.file.take() {
            let _ = std::fs::remove_file(file);
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Vec<Engine>> {
        self.pool.lock()
    }

    pub(crate) fn pool(&self) -> &Arc<Pool> {
        &self.pool
    }
}

/// One line, as `parlab cluster list` prints it.
impl std::fmt::Display for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.entry.fmt(f)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop_all();
    }
}

impl Backend for Cluster {
    fn name(&self) -> &'static str {
        "cluster"
    }

    fn workers(&self) -> usize {
        self.entry.engines.len()
    }

    /// Maps `kernel` on the [load-balanced view](Cluster::load_balanced): on forked engines a
    /// kernel type with no data (such as `workloads::RandomSquare`) runs as this very code;
    /// otherwise the engines' copy of it, found by its [`remote_name`](Kernel::remote_name).
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when neither works (a closure made with `kernel()` holds data, and
    /// engines run only code they have); otherwise as [`LoadBalancedView::run`].
    fn run_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        self.run_kernel(kernel, inputs, options)
    }

    /// Maps the plain function `f` on the [load-balanced view](Cluster::load_balanced) of
    /// forked engines: `f` must be zero-sized (a `fn` item, a closure that captures nothing),
    /// whose code the engines have; see the [module docs](self).
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when `f` captures variables (write a `fn` and pass what it needs in
    /// its input) or the engines are programs of their own; otherwise as
    /// [`LoadBalancedView::map_sync`].
    fn map_with<F, I, O>(
        &self,
        f: F,
        inputs: impl IntoIterator<Item = I>,
        options: &MapOptions,
    ) -> Result<Mapped<O>>
    where
        F: Fn(I) -> O + Clone + Send + Sync + 'static,
        I: Clone + std::fmt::Debug + Send + Sync + Serialize + DeserializeOwned + 'static,
        O: Send + Serialize + DeserializeOwned + 'static,
    {
        let inputs: Vec<I> = inputs.into_iter().collect();
        self.map_fn_with(&f, &inputs, options)
    }
}

impl Cluster {
    /// [`Backend::map_with`] for kernels (kept apart for the trait's renamed methods).
    pub(crate) fn run_kernel<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        if self.forked() {
            if let Some(shipped) = code::Shipped::kernel::<K>() {
                let tasks = schedule::Inputs::debug(inputs);
                return views::run_plain(self.pool(), shipped, &tasks, options, views::balanced());
            }
        }
        let Some(remote) = Remote::of(kernel) else {
            let known: Vec<String> = self.kernels().into_iter().map(|k| k.name).collect();
            return Err(Error::Backend {
                backend: "cluster",
                message: format!(
                    "kernel {:?} has no remote name and holds data (a closure made with kernel(), \
                     say): engines run only code they have. Map a plain function instead \
                     (cluster.load_balanced().map_sync(f, inputs), f a fn or a closure that \
                     captures nothing), or one of the engines' kernels by name ({})",
                    kernel.name(),
                    known.join(", ")
                ),
            });
        };
        self.load_balanced().run_with(&remote, inputs, options)
    }
}
