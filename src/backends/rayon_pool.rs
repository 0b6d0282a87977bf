//! A rayon work-stealing pool of a chosen size.

use rayon::prelude::*;

use super::{Backend, Job, MapOptions, Mapped, Runner};
use crate::{Error, Result};

/// A rayon [`ThreadPool`](rayon::ThreadPool) of a chosen size (never rayon's global pool). Idle
/// workers steal work, so uneven tasks balance.
///
/// The threads are started for each map (a fraction of a millisecond) rather than kept in the
/// value: in an evcxr notebook every cell carries its own copy of rayon, and a pool started by one
/// cell cannot run jobs sent from another (rayon's thread-locals differ; rayon panics). A
/// `RayonPool` kept in a notebook variable therefore works in every later cell.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let pool = RayonPool::new(2)?;
/// let mapped = pool.run(&kernel("square", |s: &u32| random_square(*s)), &[0, 1, 2, 3, 4])?;
/// assert_eq!(mapped.results, [25, 25, 64, 64, 49]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct RayonPool {
    workers: usize,
}

impl RayonPool {
    /// A pool of `workers` threads.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] when `workers == 0`.
    pub fn new(workers: usize) -> Result<Self> {
        crate::limits::check_workers(workers)?;
        Ok(RayonPool { workers })
    }

    /// Runs `op` inside a pool of exactly these many threads, so that rayon's parallel iterators
    /// in `op` use them.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the threads cannot start.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let threads = RayonPool::new(2)?.install(|| rayon::current_num_threads())?;
    /// assert_eq!(threads, 2);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn install<R: Send>(&self, op: impl FnOnce() -> R + Send) -> Result<R> {
        let workers = self.workers;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(|i| format!("parlab-rayon-{i}"))
            .build()
            .map_err(|e| Error::Backend {
                backend: "rayon",
                message: format!("could not start {workers} threads: {e}"),
            })?;
        Ok(pool.install(op))
    }
}

backend_impl!(RayonPool, "rayon", |s| s.workers);

plain_maps!(RayonPool, "RayonPool::new(2)?", in_process);

impl RayonPool {
    pub(crate) fn exec<J: Job>(
        &self,
        job: &J,
        inputs: &[J::In],
        options: &MapOptions,
    ) -> Result<Mapped<J::Out>> {
        let runner = Runner::new_on(self.name(), options, inputs.len(), self.workers());
        let pairs = self.install(|| {
            inputs
                .par_iter()
                .enumerate()
                .map(|(i, x)| {
                    let worker = rayon::current_thread_index().unwrap_or(0);
                    runner.run_one(job, i, worker, x)
                })
                .collect::<Result<Vec<_>>>()
        })??;
        let (results, spans): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        Ok(runner.finish(results, spans.into_iter().flatten().collect(), self.workers))
    }
}
