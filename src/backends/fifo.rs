//! The internal FIFO thread pool under [`ThreadExecutor`](super::ThreadExecutor) and dask's
//! client: a fixed set of plain std threads that take jobs from one queue in the order they were
//! submitted.
//!
//! Not rayon: evcxr gives every notebook cell its own copy of a dependency's statics and
//! thread-locals, so a rayon pool made in one cell asserts when a later cell's code runs
//! `scope` or `install` on it (the worker's thread-local belongs to the first cell's copy). These
//! workers keep no thread-local state: each job gets its worker index as an argument.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use super::runner::catch;
use crate::{Error, Result};

/// One unit of work; the argument is the index of the worker that runs it.
pub(crate) type Work = Box<dyn FnOnce(usize) + Send + 'static>;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Work>,
    closed: bool,
}

/// The shared end of a [`FifoPool`]: what jobs need to submit more jobs.
#[derive(Default)]
pub(crate) struct Submitter {
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl Submitter {
    /// Queues `job`; it runs on the first free worker, after every job queued before it has
    /// started. A job may submit more jobs, even while the pool is being dropped: the workers
    /// stop only when the queue is empty.
    pub(crate) fn submit(&self, job: Work) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        q.jobs.push_back(job);
        drop(q);
        self.ready.notify_one();
    }

    /// The next job, waiting for one; `None` once the queue is closed and empty.
    fn next(&self) -> Option<Work> {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(job) = q.jobs.pop_front() {
                return Some(job);
            }
            if q.closed {
                return None;
            }
            q = self.ready.wait(q).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Lets the workers finish the queued jobs, then stop.
    fn close(&self) {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).closed = true;
        self.ready.notify_all();
    }
}

/// A fixed set of worker threads fed from one FIFO queue. Jobs catch their own panics; one that
/// escapes (a progress callback's) is caught and dropped, so the worker lives on and the job's
/// result channel, dropped unsent, tells its waiter. Dropping the pool lets the queued jobs
/// finish, then joins the threads.
pub(crate) struct FifoPool {
    submitter: Arc<Submitter>,
    threads: Vec<JoinHandle<()>>,
}

impl FifoPool {
    /// Starts `workers` threads named `{thread_prefix}{w}`; `backend` names the pool in the
    /// error when a thread cannot start.
    pub(crate) fn new(workers: usize, backend: &'static str, thread_prefix: &str) -> Result<Self> {
        let mut pool = FifoPool {
            submitter: Arc::new(Submitter::default()),
            threads: Vec::with_capacity(workers),
        };
        for w in 0..workers {
            let submitter = Arc::clone(&pool.submitter);
            let thread = std::thread::Builder::new()
                .name(format!("{thread_prefix}{w}"))
                .spawn(move || {
                    while let Some(job) = submitter.next() {
                        let _ = catch(|| job(w));
                    }
                })
                .map_err(|e| Error::Backend {
                    backend,
                    message: format!("could not start worker thread {w}: {e}"),
                })?;
            pool.threads.push(thread);
        }
        Ok(pool)
    }

    /// Queues `job` (see [`Submitter::submit`]).
    pub(crate) fn submit(&self, job: Work) {
        self.submitter.submit(job);
    }

    /// The submitting end, for jobs that submit more jobs.
    pub(crate) fn submitter(&self) -> &Arc<Submitter> {
        &self.submitter
    }

    /// How many worker threads the pool has.
    pub(crate) fn workers(&self) -> usize {
        self.threads.len()
    }
}

impl Drop for FifoPool {
    fn drop(&mut self) {
        self.submitter.close();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl std::fmt::Debug for FifoPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FifoPool")
            .field("workers", &self.workers())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::channel;

    use super::*;

    #[test]
    fn one_worker_runs_jobs_in_submission_order_and_drop_finishes_the_queue() {
        let (tx, rx) = channel();
        let pool = FifoPool::new(1, "test", "parlab-fifo-test-").unwrap_or_else(|e| panic!("{e}"));
        for i in 0..20 {
            let tx = tx.clone();
            pool.submit(Box::new(move |w| {
                let _ = tx.send((i, w, std::thread::current().name().map(String::from)));
            }));
        }
        drop(pool);
        drop(tx);
        let ran: Vec<_> = rx.iter().collect();
        let order: Vec<_> = ran.iter().map(|r| r.0).collect();
        assert_eq!(order, (0..20).collect::<Vec<_>>());
        assert!(ran
            .iter()
            .all(|r| r.1 == 0 && r.2.as_deref() == Some("parlab-fifo-test-0")));
    }

    #[test]
    fn a_panicking_job_spares_its_worker_and_jobs_may_submit_jobs() {
        let (tx, rx) = channel();
        let pool = FifoPool::new(2, "test", "parlab-fifo-test-").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pool.workers(), 2);
        for _ in 0..4 {
            pool.submit(Box::new(|_| panic!("a stray panic")));
        }
        let submitter = Arc::clone(pool.submitter());
        pool.submit(Box::new(move |_| {
            submitter.submit(Box::new(move |_| {
                let _ = tx.send("inner");
            }))
        }));
        drop(pool);
        assert_eq!(rx.iter().collect::<Vec<_>>(), ["inner"]);
    }
}
