//! Worker processes: `multiprocess.Pool.map` in Rust.
//!
//! # Why fork, and not a worker binary
//!
//! In an evcxr notebook the calling process is the Jupyter kernel: `std::env::current_exe()` is
//! evcxr, and the closure to map was compiled into that cell's library, which no other binary
//! has. Forking the calling process gives each worker a copy of everything — the closure, the
//! inputs, earlier cells' values — so only *results* need to travel, serialized with serde.
//! That is what Python's `multiprocess` does on Linux (the `fork` start method), and why it
//! works in notebooks where `spawn`-based `multiprocessing` does not.
//!
//! # How a map runs
//!
//! A [`ProcessPool`] is a value holding the worker count; each `map` forks its workers (about a
//! millisecond each with a small heap, more when the parent holds hundreds of MB) and reaps them
//! before returning, so no process outlives the call and the kernel can be anything the caller
//! has at hand. Persistent workers would have to know the kernel when the pool is created.
//!
//! Inputs are split into chunks of `chunksize` consecutive tasks — by default Python's rule,
//! `ceil(len / (4 * workers))` — and workers *pull* chunks: each worker has a Unix socket to the
//! parent, the parent sends it a chunk number, and the worker (which already holds the inputs
//! in its copy of memory) answers with one [postcard](https://docs.rs/postcard) frame holding the
//! chunk's results and, when tracing, each task's start and end. Postcard is compact (a `u32`
//! square below 128 is one byte), has a stable documented wire format and needs no schema.
//!
//! Task times are taken in the child with the parent's [`Instant`](std::time::Instant): it
//! reads `CLOCK_MONOTONIC`, which is system-wide on Linux, so a child's spans are relative to
//! the parent's map start like every other backend's.
//!
//! # Failures
//!
//! A panic in a task is caught in the worker and comes back as [`Error::TaskFailed`] naming the
//! worker, the task and its input. A worker that dies (a signal, `abort`, out of memory) closes
//! its socket; the parent learns which task it was running from a slot in shared memory and
//! returns the same error with how the process ended. Either way the other workers are killed,
//! and every child is reaped with `waitpid` before `map` returns.
//!
//! A worker that stops making progress is never waited on forever: a worker stuck on a lock (see
//! below) is killed by a watchdog within about 2 s and reported as `TaskFailed` saying "stuck",
//! and [`MapOptions::with_timeout`] bounds any map: at the deadline the workers are killed and
//! reaped, and the map fails with [`Error::TimedOut`] naming the tasks that were running.
//!
//! # What a kernel may do in a forked worker
//!
//! A forked worker is a copy of the caller with **only the calling thread** in it (Unix only).
//! In a notebook the caller is a multi-threaded kernel, so:
//!
//! | in the kernel | in a forked worker |
//! |---|---|
//! | compute on its input and on data the parent had before the map (read-only copies) | yes |
//! | allocate, format strings, return any serde value | yes (glibc's malloc is fork-aware) |
//! | panic | yes: it comes back as `TaskFailed` with the message |
//! | start its own threads or its own rayon pool (`ThreadPoolBuilder::new().build()`) | yes |
//! | sleep, read and write files, open sockets | yes |
//! | print (`println!`, `eprintln!`) | yes: the parent flushes and holds stdout's and stderr's locks across the fork, so no other thread can hold them there |
//! | rayon's *global* pool, `par_iter` outside a pool of its own | **no**: its threads are not in the child; the job waits forever |
//! | a `Mutex`/`RwLock`/channel shared with the parent's other threads | **no**: a lock held at the fork stays held (the watchdog kills the worker); a message sent goes to the child's copy |
//! | change the parent's variables | no effect: the child has a copy; return values instead |
//! | `std::process::exit`, or exec | no: return from the kernel (the worker ends with `_exit`) |

use super::fork_map::fork_map;
use serde::{de::DeserializeOwned, Serialize};

use super::{Backend, Job, MapOptions, Mapped};
use crate::Result;

/// A pool of worker processes, like `multiprocess.Pool(processes=workers)`.
///
/// `map` forks the workers, hands them chunks of inputs and returns the results in input order.
/// Python's `starmap(f, [(a, b), ...])` is [`starmap`](ProcessPool::starmap). Only the results
/// travel between processes, so only they need `serde`; the function and the inputs are in the
/// forked workers' copy of memory.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// use parlab::numpy::random::{randint, seed};
///
/// fn random_square(myseed: u32) -> u32 {
///     seed(myseed);
///     let random_num = randint(0, 10);
///     (random_num * random_num) as u32
/// }
/// let pool = ProcessPool::new(2)?;
/// assert_eq!(pool.map(random_square, 0..5)?, [25, 25, 64, 64, 49]);
/// assert_eq!(pool.starmap(|a: u64, b: u64| a + b, [(1, 2), (3, 4)])?, [3, 7]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ProcessPool {
    workers: usize,
    chunksize: Option<usize>,
}

impl ProcessPool {
    /// A pool of `workers` processes (forked at each map).
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`](crate::Error::ZeroWorkers) when `workers == 0`.
    pub fn new(workers: usize) -> Result<Self> {
        crate::limits::check_workers(workers)?;
        Ok(ProcessPool {
            workers,
            chunksize: None,
        })
    }

    /// This pool with a fixed number of tasks per chunk instead of Python's
    /// `ceil(len / (4 * workers))` (0 restores the default).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let pool = ProcessPool::new(2)?.chunksize(1);
    /// assert_eq!(pool.chunksize_for(100), 1);
    /// assert_eq!(ProcessPool::new(2)?.chunksize_for(100), 13);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn chunksize(mut self, chunksize: usize) -> Self {
        self.chunksize = (chunksize > 0).then_some(chunksize);
        self
    }

    /// Tasks per chunk for a map of `len` inputs.
    pub fn chunksize_for(&self, len: usize) -> usize {
        self.chunksize
            .unwrap_or_else(|| len.div_ceil(4 * self.workers))
            .max(1)
    }
}

backend_impl!(ProcessPool, "process-pool", |s| s.workers);

plain_maps!(ProcessPool, "ProcessPool::new(2)?", processes);

impl ProcessPool {
    pub(crate) fn exec<J>(
        &self,
        job: &J,
        inputs: &[J::In],
        options: &MapOptions,
    ) -> Result<Mapped<J::Out>>
    where
        J: Job,
        J::Out: Serialize + DeserializeOwned,
    {
        let chunksize = self.chunksize_for(inputs.len());
        fork_map(self.name(), self.workers, chunksize, job, inputs, options)
    }
}
