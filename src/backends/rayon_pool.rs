//! A rayon work-stealing pool of a chosen size.

use std::time::Instant;

use rayon::prelude::*;

use super::{Backend, BackendKind, Kernel, MapOptions, Mapped, Runner};
use crate::{Error, Result};

/// A rayon [`ThreadPool`](rayon::ThreadPool) owned by this value (never rayon's global pool, which
/// evcxr would recreate in every notebook cell). Idle workers steal work, so uneven tasks balance.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let pool = RayonPool::new(2)?;
/// let mapped = pool.map(&kernel("square", |s: &u32| random_square(*s)), &[0, 1, 2, 3, 4])?;
/// assert_eq!(mapped.results, [25, 25, 64, 64, 49]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct RayonPool {
    pool: rayon::ThreadPool,
    workers: usize,
}

impl RayonPool {
    /// Starts a pool of `workers` threads.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] when `workers == 0`, [`Error::Backend`] when the threads cannot start.
    pub fn new(workers: usize) -> Result<Self> {
        if workers == 0 {
            return Err(Error::ZeroWorkers {
                cores: super::cpu_count(),
            });
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(|i| format!("parlab-rayon-{i}"))
            .build()
            .map_err(|e| Error::Backend {
                backend: "rayon",
                message: format!("could not start {workers} threads: {e}"),
            })?;
        Ok(RayonPool { pool, workers })
    }

    /// The pool, to run your own rayon code on exactly these threads with `install`.
    pub fn pool(&self) -> &rayon::ThreadPool {
        &self.pool
    }
}

impl Backend for RayonPool {
    fn kind(&self) -> BackendKind {
        BackendKind::Rayon
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn map_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        let runner = Runner {
            kernel,
            backend: self.kind(),
            origin: Instant::now(),
            trace: options.trace,
        };
        let pairs = self.pool.install(|| {
            inputs
                .par_iter()
                .enumerate()
                .map(|(i, x)| {
                    let worker = rayon::current_thread_index().unwrap_or(0);
                    let mut span = Vec::new();
                    runner.run(i, worker, x, &mut span).map(|r| (r, span.pop()))
                })
                .collect::<Result<Vec<_>>>()
        })?;
        let (results, spans): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        Ok(runner.finish(results, spans.into_iter().flatten().collect(), self.workers))
    }
}
