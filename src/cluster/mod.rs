//! An engine cluster: the `ipyparallel` counterpart (15.4).
//!
//! [`Cluster::start`] starts long-lived engine processes (the `parlab-engine` program); the
//! [`Cluster`] value owns them, so in a notebook they stay up from cell to cell until the value
//! is dropped or [`shutdown`](Cluster::shutdown). Like ipyparallel there are two views:
//!
//! - [`LoadBalancedView`] ([`Cluster::load_balanced`]): tasks go to whichever engine is free; if
//!   an engine dies mid-map, its unfinished tasks run again on the others.
//! - [`DirectView`] ([`Cluster::direct`]): one contiguous share of the inputs per engine, and
//!   [`apply`](DirectView::apply) on the engine you name.
//!
//! ## Why named kernels, not `map_sync(f, xs)`
//!
//! ipyparallel pickles the function `f` and sends it to the engines. Rust compiles code ahead of
//! time, and the engines are separate programs started before the cell that writes `f`: there is
//! no way to ship a closure's body to them. So a task **names** a kernel that is compiled into
//! the engine program ([`KernelRegistry`]), through a typed handle, [`Remote`]; only its serde
//! input and output travel (over pipes, in postcard). A closure is never silently replaced by a
//! kernel of the same name: the [`Backend`] impl maps only kernels whose
//! [`remote_name`](Kernel::remote_name) says they are the engines' own code (such as
//! `workloads::kernels::RandomSquare`), and refuses closures with an
//! error that lists what the engines have.
//!
//! To add a kernel: register it in an engine program of your own (`main` is
//! [`engine_main`]`(engine_kernels().register("cube", cube))`, see
//! `examples/custom_engine.rs`), start the cluster with
//! [`ClusterBuilder::engine`], and map `Remote::<u64, u64>::named("cube")`.
//!
//! [`list`] shows the running clusters, like `ipcluster list`.
//!
//! ```
//! use parlab::prelude::*;
//! use parlab::cluster::{Cluster, Remote};
//!
//! let cluster = Cluster::start(2)?;
//! let run = squares(&cluster, 0..100_000)?;
//! assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
//! let view = cluster.direct();
//! assert_eq!(view.apply(1, &Remote::<u32, u32>::named("random-square"), &3)?, 64);
//! // A closure is refused, never swapped for the engines' kernel of the same name.
//! let err = cluster.run(&kernel("random-square", |s: &u32| s * 2), &[1]).unwrap_err();
//! assert!(err.to_string().contains("engines run only kernels compiled into them"));
//! cluster.shutdown()?;
//! # Ok::<(), parlab::Error>(())
//! ```

use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::backends::{Backend, Kernel, MapOptions, Mapped};
use crate::{Error, Result};

mod engine;
mod kernels;
mod locate;
mod protocol;
mod registry;
mod remote;
mod schedule;
mod views;

pub use engine::{engine_main, is_engine, ENGINE_ID_VAR};
pub use kernels::KernelRegistry;
pub use locate::ENGINE_VAR;
pub use protocol::KernelInfo;
pub use registry::{list, runtime_dir, ClusterEntry, EngineEntry, RUNTIME_DIR_VAR};
pub use remote::Remote;
pub use views::{DirectView, LoadBalancedView, RemoteInput, RemoteOutput};

/// One engine process and its pipes.
pub(crate) struct Engine {
    pub id: usize,
    pub pid: u32,
    pub child: Child,
    pub stdin: BufWriter<ChildStdin>,
    pub stdout: BufReader<ChildStdout>,
    pub kernels: Vec<KernelInfo>,
    pub alive: bool,
}

/// How long engines get to exit on their own after their stdin closes, before `SIGKILL`.
const GRACE: Duration = Duration::from_millis(500);

/// Closes every engine's stdin, waits up to [`GRACE`], kills the rest, and reaps them all.
fn stop(engines: Vec<Engine>) {
    let deadline = Instant::now() + GRACE;
    let mut children: Vec<Child> = engines
        .into_iter()
        .map(|e| {
            drop(e.stdin);
            e.child
        })
        .collect();
    while Instant::now() < deadline {
        children.retain_mut(|c| !matches!(c.try_wait(), Ok(Some(_))));
        if children.is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    for mut c in children {
        let _ = c.kill();
        let _ = c.wait();
    }
}

/// Options for starting a [`Cluster`]; made by [`Cluster::builder`].
#[derive(Clone, Debug)]
pub struct ClusterBuilder {
    engines: usize,
    program: Option<PathBuf>,
}

impl ClusterBuilder {
    /// Number of engines (default: [`cpu_count`](crate::backends::cpu_count)).
    pub fn engines(mut self, engines: usize) -> Self {
        self.engines = engines;
        self
    }

    /// The engine program: a program of yours whose `main` calls [`engine_main`] with more
    /// kernels (default: `$PARLAB_ENGINE`, else the stock `parlab-engine`).
    pub fn engine(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = Some(program.into());
        self
    }

    /// Starts the engines from the calling thread and waits until each has said hello.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] for zero engines; [`Error::Backend`] when the engine program cannot
    /// be found, built or started.
    ///
    /// # Examples
    ///
    /// ```
    /// let cluster = parlab::cluster::Cluster::builder().engines(1).start()?;
    /// assert_eq!(cluster.pids().len(), 1);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn start(self) -> Result<Cluster> {
        crate::limits::check_workers(self.engines)?;
        let program = locate::engine_path(self.program.as_deref())?;
        let mut engines = Vec::with_capacity(self.engines);
        for id in 0..self.engines {
            match locate::spawn(&program, id) {
                Ok(engine) => engines.push(engine),
                Err(e) => {
                    stop(engines);
                    return Err(e);
                }
            }
        }
        let pid = std::process::id();
        let entry = ClusterEntry {
            id: format!("{pid}-{:x}", protocol::monotonic_ns()),
            owner: pid,
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            program: program.clone(),
            engines: engines
                .iter()
                .map(|e| EngineEntry {
                    id: e.id,
                    pid: e.pid,
                    start_ticks: registry::process_start_ticks(e.pid).unwrap_or_default(),
                })
                .collect(),
        };
        // A cluster that cannot be listed still works.
        let file = registry::register(&entry).ok();
        Ok(Cluster {
            entry,
            file,
            engines: Mutex::new(engines),
        })
    }
}

/// Long-lived engine processes, owned by this value; see the [module docs](self).
///
/// Dropping the cluster shuts it down (the engines exit and are reaped).
pub struct Cluster {
    entry: ClusterEntry,
    file: Option<PathBuf>,
    engines: Mutex<Vec<Engine>>,
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
    /// Starts `engines` engines of the stock `parlab-engine` (`ipcluster start -n`).
    ///
    /// # Errors
    ///
    /// As [`ClusterBuilder::start`].
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::cluster::Cluster;
    ///
    /// let cluster = Cluster::start(2)?;
    /// let pids = cluster.pids();
    /// assert!(parlab::cluster::list()?.iter().any(|c| c.id == cluster.id()));
    /// drop(cluster);
    /// assert!(pids.iter().all(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn start(engines: usize) -> Result<Cluster> {
        Self::builder().engines(engines).start()
    }

    /// A [`ClusterBuilder`] with the defaults.
    pub fn builder() -> ClusterBuilder {
        ClusterBuilder {
            engines: crate::backends::cpu_count(),
            program: None,
        }
    }

    /// The cluster's id, as [`list`] shows it.
    pub fn id(&self) -> &str {
        &self.entry.id
    }

    /// The engine program.
    pub fn program(&self) -> &Path {
        &self.entry.program
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
        self.lock()
            .iter_mut()
            .filter_map(|e| (e.alive && matches!(e.child.try_wait(), Ok(None))).then_some(()))
            .count()
    }

    /// The kernels the engines serve.
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

    /// Stops the engines (stdin closed, then `SIGKILL` after half a second) and reaps them, and
    /// removes the cluster from [`list`]. Dropping the cluster does the same.
    ///
    /// # Errors
    ///
    /// None today; the `Result` leaves room for remote clusters.
    pub fn shutdown(mut self) -> Result<()> {
        self.stop_all();
        Ok(())
    }

    fn stop_all(&mut self) {
        let engines = std::mem::take(self.engines.get_mut().unwrap_or_else(|p| p.into_inner()));
        stop(engines);
        if let Some(file) = self.file.take() {
            let _ = std::fs::remove_file(file);
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Vec<Engine>> {
        self.engines.lock().unwrap_or_else(|p| p.into_inner())
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

    /// Maps on the [load-balanced view](Cluster::load_balanced) the engines' copy of `kernel`,
    /// found by its [`remote_name`](Kernel::remote_name).
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] naming the engines' kernels when `kernel` has no remote name (a closure:
    /// its code exists only in this process); otherwise as [`LoadBalancedView::map`].
    fn run_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        let Some(remote) = Remote::of(kernel) else {
            let known: Vec<String> = self.kernels().into_iter().map(|k| k.name).collect();
            return Err(Error::Backend {
                backend: "cluster",
                message: format!(
                    "kernel {:?} has no remote name: its code exists only in this process (a \
                     closure made with kernel(), say), and engines run only kernels compiled \
                     into them; map Remote::named(NAME) with one of theirs ({}), or register \
                     yours in an engine program of your own (see parlab::cluster)",
                    kernel.name(),
                    known.join(", ")
                ),
            });
        };
        self.load_balanced().map_with(&remote, inputs, options)
    }
}
