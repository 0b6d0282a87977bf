//! [`ClusterBuilder`]: how many engines, forked or exec'd, serving which named kernels.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::fork::{stop, Launch};
use super::registry::{self, ClusterEntry, EngineEntry};
use super::{protocol, Cluster, KernelRegistry, Pool, ENGINE_VAR};
use crate::Result;

/// Options for starting a [`Cluster`]; made by [`Cluster::builder`].
#[derive(Clone, Debug)]
pub struct ClusterBuilder {
    pub(super) engines: usize,
    pub(super) program: Option<PathBuf>,
    pub(super) kernels: Arc<KernelRegistry>,
}

impl ClusterBuilder {
    /// The defaults: an engine per core, forked, serving `kernels` by name. `Cluster::builder`
    /// (in the workloads) calls it with the library's kernels.
    pub(crate) fn new(kernels: KernelRegistry) -> Self {
        ClusterBuilder {
            engines: crate::backends::cpu_count(),
            program: None,
            kernels: Arc::new(kernels),
        }
    }

    /// Number of engines (default: [`cpu_count`](crate::backends::cpu_count)).
    pub fn engines(mut self, engines: usize) -> Self {
        self.engines = engines;
        self
    }

    /// The named kernels forked engines serve, instead of the library's
    /// (`parlab::workloads::engine_kernels()`).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::cluster::{Cluster, Remote};
    ///
    /// let kernels = parlab::workloads::engine_kernels().register("cube", |x: &u64| x.pow(3));
    /// let cluster = Cluster::builder().engines(1).kernels(kernels).start()?;
    /// assert_eq!(cluster.load_balanced().run(&Remote::<u64, u64>::named("cube"), &[3])?.results, [27]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn kernels(mut self, kernels: KernelRegistry) -> Self {
        self.kernels = Arc::new(kernels);
        self
    }

    /// Exec's `program` for each engine instead of forking this process: a program of yours
    /// whose `main` calls [`engine_main`](super::engine_main) with more kernels (`$PARLAB_ENGINE`, when set, is used
    /// the same way). Such engines run kernels by name only, not this process's plain functions.
    pub fn engine(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = Some(program.into());
        self
    }

    /// Starts the engines and waits until each has said hello.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`](crate::Error::ZeroWorkers) for zero engines; [`Error::Backend`](crate::Error::Backend) when an engine cannot be
    /// forked, or the engine program cannot be found or started.
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
        let explicit = self.program.or_else(|| {
            std::env::var_os(ENGINE_VAR)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        });
        let (launch, program, forked) = match explicit {
            Some(program) => (Launch::Exec(program.clone()), program, false),
            None => {
                let me = std::env::current_exe().unwrap_or_default();
                (Launch::Fork(self.kernels), me, true)
            }
        };
        let mut engines = Vec::with_capacity(self.engines);
        for id in 0..self.engines {
            match launch.spawn(id) {
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
            program,
            forked,
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
            pool: Arc::new(Pool {
                engines: Mutex::new(engines),
                launch,
            }),
        })
    }
}
