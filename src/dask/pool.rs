//! The client's worker threads: plain std threads fed from one queue.
//!
//! Not rayon: evcxr gives every notebook cell its own copy of a dependency's statics and
//! thread-locals, so a rayon pool made in one cell asserts when a later cell's code runs
//! `scope` or `install` on it (the worker's thread-local belongs to the first cell's copy). These
//! workers keep no thread-local state: each job gets its worker index as an argument.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use crate::backends::catch;
use crate::{Error, Result};

/// One unit of work; the argument is the index of the worker that runs it.
pub(crate) type Job = Box<dyn FnOnce(usize) + Send + 'static>;

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

/// The shared end of the pool: what jobs need to submit more jobs.
#[derive(Default)]
pub(crate) struct Submitter {
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl Submitter {
    /// Queues `job`; it runs on the first free worker.
    pub(crate) fn submit(&self, job: Job) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        q.jobs.push_back(job);
        drop(q);
        self.ready.notify_one();
    }

    fn next(&self) -> Option<Job> {
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
}

/// A fixed set of worker threads; dropping it lets queued jobs finish, then joins the threads.
pub(crate) struct Pool {
    submitter: Arc<Submitter>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `workers` threads.
    pub(crate) fn new(workers: usize) -> Result<Self> {
        let submitter = Arc::new(Submitter::default());
        let mut pool = Pool {
            submitter,
            threads: Vec::with_capacity(workers),
        };
        for w in 0..workers {
            let submitter = Arc::clone(&pool.submitter);
            let thread = std::thread::Builder::new()
                .name(format!("parlab-dask-{w}"))
                .spawn(move || {
                    while let Some(job) = submitter.next() {
                        // Jobs catch their own panics; a stray one must not kill the worker.
                        let _ = catch(|| job(w));
                    }
                })
                .map_err(|e| Error::Backend {
                    backend: "dask",
                    message: format!("could not start worker {w}: {e}"),
                })?;
            pool.threads.push(thread);
        }
        Ok(pool)
    }

    /// The submitting end, for jobs that submit more jobs.
    pub(crate) fn submitter(&self) -> &Arc<Submitter> {
        &self.submitter
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.submitter
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .closed = true;
        self.submitter.ready.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("workers", &self.threads.len())
            .finish()
    }
}
