//! The cluster's constructors, [`Cluster::start`] and [`Cluster::builder`]: defined here, one
//! layer above the executors, because they give forked engines the library's kernels
//! ([`engine_kernels`]), which the `cluster` module does not know (executors run any kernel and
//! name none).

use super::engine_kernels;
use crate::cluster::{Cluster, ClusterBuilder};
use crate::Result;

impl Cluster {
    /// Forks `engines` engines from this process (`ipcluster start -n`): they serve the
    /// library's kernels ([`engine_kernels`]) by name and this process's plain functions.
    /// With `$PARLAB_ENGINE` set, that program is started instead (as
    /// [`ClusterBuilder::engine`]).
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
    /// fn double(x: u64) -> u64 {
    ///     2 * x
    /// }
    ///
    /// let cluster = Cluster::start(2)?;
    /// assert_eq!(cluster.load_balanced().map_sync(double, 0..4)?, [0, 2, 4, 6]);
    /// let pids = cluster.pids();
    /// assert!(parlab::cluster::list()?.iter().any(|c| c.id == cluster.id()));
    /// drop(cluster);
    /// assert!(pids.iter().all(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn start(engines: usize) -> Result<Cluster> {
        Self::builder().engines(engines).start()
    }

    /// A [`ClusterBuilder`] with the defaults: an engine per core, forked, serving the library's
    /// kernels ([`engine_kernels`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::cluster::{Cluster, Remote};
    ///
    /// let cluster = Cluster::builder().engines(1).start()?;
    /// let noop = Remote::<u64, u64>::named("noop");
    /// assert_eq!(cluster.load_balanced().run(&noop, &[7])?.results, [7]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn builder() -> ClusterBuilder {
        ClusterBuilder::new(engine_kernels())
    }
}
