//! Primality across ranks: one subinterval per thread of the job, early exit through a periodic
//! non-blocking all-reduce of the smallest factor found so far.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use super::{mpi_error, Mpi, NAME};
use crate::backends::{Backend, RayonPool};
use crate::tasks::primes::TrialKernel;
use crate::tasks::{subinterval_limits, Subinterval};
use crate::workloads::{Method, PrimeAnswer};
use crate::Result;

/// Tag of the prime task in the argument fingerprint.
const TASK: u64 = 2;

/// Time between two rounds of the (best factor, finished, failed) all-reduce.
const TICK: Duration = Duration::from_millis(5);

impl Mpi {
    /// Tests `n` for primality across all ranks, each rank on its rayon `pool`.
    ///
    /// Collective: every rank must call it with the same arguments, and every rank gets the same
    /// answer. Trial division gives each thread of the job one subinterval of the odd candidates
    /// (rank 0 the smallest); ranks share the smallest factor found so far every few
    /// milliseconds, so the others stop early, and the smallest factor is reported.
    /// Miller–Rabin is computed by every rank on its own (it takes microseconds).
    ///
    /// # Errors
    ///
    /// On every rank: `n == 0`, ranks given different arguments, or a task failure on any rank.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use parlab::mpi::Mpi;
    /// use parlab::workloads::Method;
    ///
    /// let mpi = Mpi::init()?;
    /// let pool = mpi.local_pool(None)?;
    /// let answer = mpi.check_prime(&pool, 489_133_282_872_437_279, Method::Trial)?;
    /// assert!(answer.is_prime);
    /// if mpi.is_root() {
    ///     println!("{answer}");
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn check_prime(&self, pool: &RayonPool, n: u64, method: Method) -> Result<PrimeAnswer> {
        // subinterval_limits rejects n == 0 with the same message as the other backends.
        let local = subinterval_limits(n, 1).map(drop);
        let method_tag = match method {
            Method::Trial => 0,
            Method::MillerRabin => 1,
        };
        let threads = self.start_task(pool, local, &[TASK, n, method_tag])?;
        let workers = threads.iter().sum();
        PrimeAnswer::decide(n, method, NAME, workers, || {
            let subs = subinterval_limits(n, workers)?;
            let first: usize = threads[..self.rank()].iter().sum();
            let end = (first + threads[self.rank()]).min(subs.len());
            let mine = &subs[first.min(end)..end];
            Ok((self.search(pool, mine)?, None))
        })
    }

    /// Trial division of this rank's subintervals on `pool`, while the calling thread runs rounds
    /// of a non-blocking all-reduce (MIN) of (best factor, finished, failed rank) until every rank
    /// has finished. Returns the smallest factor found by any rank.
    fn search(&self, pool: &RayonPool, mine: &[Subinterval]) -> Result<Option<u64>> {
        let kernel = TrialKernel::new();
        let (tx, rx) = mpsc::channel();
        thread::scope(|s| {
            let worker = s.spawn(|| {
                let found = pool
                    .run(&kernel, mine)
                    .map(|m| m.results.into_iter().flatten().min());
                // The receiver outlives this thread; a send error cannot happen.
                let _ = tx.send(found);
            });
            let mut local = None;
            loop {
                if local.is_none() {
                    match rx.recv_timeout(TICK) {
                        Ok(found) => local = Some(found),
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => {
                            local = Some(Err(mpi_error(format!(
                                "rank {}: the trial-division thread died",
                                self.rank()
                            ))))
                        }
                    }
                } else {
                    thread::sleep(TICK);
                }
                let failed = matches!(local, Some(Err(_)));
                let global = self.all_min([
                    kernel.best_so_far().unwrap_or(u64::MAX),
                    u64::from(local.is_some()),
                    if failed { self.rank() as u64 } else { u64::MAX },
                ]);
                kernel.offer(global[0]);
                if global[1] == 1 {
                    // Every rank has finished: the worker thread has sent its result.
                    let _ = worker.join();
                    if global[2] != u64::MAX {
                        return Err(self.compose_failure(local.and_then(Result::err)));
                    }
                    return Ok(kernel.best_so_far());
                }
            }
        })
    }
}
