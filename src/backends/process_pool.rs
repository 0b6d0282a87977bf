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

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::fork::{self, SharedSlots};
use super::{Backend, Kernel, MapOptions, Mapped, Runner, Span};
use crate::{Error, Result};

/// A pool of worker processes, like `multiprocess.Pool(processes=workers)`.
///
/// `map` forks the workers, hands them chunks of inputs and returns the results in input order.
/// Python's `starmap(f, [(a, b), ...])` is a map over tuple inputs: write the kernel as a
/// closure taking a tuple, `kernel("add", |&(a, b): &(u64, u64)| a + b)`.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let pool = ProcessPool::new(2)?;
/// let squares = pool.map(&kernel("square", |s: &u32| random_square(*s)), &[0, 1, 2, 3, 4])?;
/// assert_eq!(squares.results, [25, 25, 64, 64, 49]);
/// let sums = pool.map(&kernel("add", |&(a, b): &(u64, u64)| a + b), &[(1, 2), (3, 4)])?;
/// assert_eq!(sums.results, [3, 7]);
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
    /// [`Error::ZeroWorkers`] when `workers == 0`.
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

impl Backend for ProcessPool {
    fn name(&self) -> &'static str {
        "process-pool"
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
        let chunksize = self.chunksize_for(inputs.len());
        fork_map(
            self.name(),
            self.workers,
            chunksize,
            kernel,
            inputs,
            options,
        )
    }
}

/// What a worker sends back for one chunk.
#[derive(Serialize, Deserialize)]
enum Reply<O> {
    /// The chunk's results, and `(start, end)` per task when tracing.
    Done {
        results: Vec<O>,
        times: Vec<(f64, f64)>,
    },
    /// A task panicked (or its output could not be serialized).
    Failed { task: usize, message: String },
}

/// One chunk's results as the parent received them.
struct ChunkDone<O> {
    chunk: usize,
    results: Vec<O>,
    times: Vec<(f64, f64)>,
}

/// How one worker's share of the map went, seen from the parent.
enum Outcome<O> {
    Ok(Vec<ChunkDone<O>>),
    Failed {
        task: usize,
        message: String,
    },
    Died,
    Io(String),
    /// The map's deadline passed while this worker ran a chunk.
    TimedOut,
    /// The watchdog found the worker stuck; how.
    Stuck(String),
}

/// Maps `kernel` over `inputs` on `workers` forked processes pulling chunks of `chunksize`.
pub(crate) fn fork_map<K: Kernel>(
    backend: &'static str,
    workers: usize,
    chunksize: usize,
    kernel: &K,
    inputs: &[K::Input],
    options: &MapOptions,
) -> Result<Mapped<K::Output>> {
    let runner = Runner::new(backend, options, inputs.len());
    // The children run their tasks through the same runner, minus the progress callback: the
    // parent reports each chunk as its reply arrives.
    let quiet = runner.quiet();
    let n_chunks = inputs.len().div_ceil(chunksize);
    let n_procs = workers.min(n_chunks);
    let broken = |e: std::io::Error| Error::Backend {
        backend,
        message: format!("could not start worker processes: {e}"),
    };
    let slots = SharedSlots::new(n_procs).map_err(broken)?;
    let children = fork::fork_children(n_procs, |w, mut stream| {
        worker_main(w, &mut stream, &quiet, kernel, inputs, chunksize, &slots)
    })
    .map_err(broken)?;
    let pids: Vec<_> = children.iter().map(|c| c.pid).collect();
    let next = AtomicUsize::new(0);
    let stopped = AtomicBool::new(false);
    let stop = |first: bool| {
        // Only the first failure is reported; its siblings are then killed (still unreaped).
        let won = first
            && stopped
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
        stopped.store(true, Ordering::SeqCst);
        pids.iter().for_each(|&pid| fork::kill(pid));
        won
    };
    let outcomes: Vec<(bool, Outcome<K::Output>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = children
            .iter()
            .map(|child| {
                let (next, stopped, runner, stop) = (&next, &stopped, &runner, &stop);
                let mut stream = &child.stream;
                let pid = child.pid;
                scope.spawn(move || {
                    let outcome = drive(&mut stream, pid, next, stopped, n_chunks, runner);
                    let primary = match outcome {
                        Outcome::Ok(_) => false,
                        _ => stop(true),
                    };
                    (primary, outcome)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or((false, Outcome::Io("driver panicked".into())))
            })
            .collect()
    });
    drop(children);
    let endings: Vec<String> = pids.iter().map(|&pid| fork::reap(pid)).collect();
    if outcomes
        .iter()
        .any(|(primary, o)| *primary && matches!(o, Outcome::TimedOut))
    {
        // Every worker that had not finished its share was running a task.
        let mut running: Vec<usize> = (0..n_procs)
            .filter(|&w| !matches!(outcomes[w].1, Outcome::Ok(_)))
            .filter_map(|w| slots.get(w).map(|t| t as usize))
            .collect();
        running.sort_unstable();
        return Err(runner.timed_out_with(running));
    }
    let mut chunks: Vec<Option<(ChunkDone<K::Output>, usize)>> =
        (0..n_chunks).map(|_| None).collect();
    for (w, (primary, outcome)) in outcomes.into_iter().enumerate() {
        let fail = |task: usize, message: String| Error::TaskFailed {
            backend,
            worker: w,
            task,
            input: inputs
                .get(task)
                .map_or_else(String::new, |x| format!("{x:?}")),
            message,
        };
        match outcome {
            Outcome::Ok(done) => {
                for d in done {
                    let c = d.chunk;
                    chunks[c] = Some((d, w));
                }
            }
            _ if !primary => {}
            Outcome::Failed { task, message } => return Err(fail(task, message)),
            Outcome::Died => {
                let task = slots.get(w).map_or(0, |t| t as usize);
                let message = format!("worker process {} {}", pids[w], endings[w]);
                return Err(fail(task, message));
            }
            Outcome::Stuck(how) => {
                let task = slots.get(w).map_or(0, |t| t as usize);
                return Err(fail(task, format!("worker process {} {how}", pids[w])));
            }
            Outcome::TimedOut => return Err(runner.timed_out_with(Vec::new())),
            Outcome::Io(e) => {
                return Err(Error::Backend {
                    backend,
                    message: format!("lost worker {w} (process {}): {e}", pids[w]),
                })
            }
        }
    }
    let mut results = Vec::with_capacity(inputs.len());
    let mut spans = Vec::new();
    for (c, chunk) in chunks.into_iter().enumerate() {
        let (
            ChunkDone {
                results: r, times, ..
            },
            worker,
        ) = chunk.ok_or_else(|| Error::Backend {
            backend,
            message: format!("chunk {c} of {n_chunks} came back from no worker"),
        })?;
        results.extend(r);
        spans.extend(times.into_iter().enumerate().map(|(i, (start, end))| Span {
            task: c * chunksize + i,
            worker,
            start,
            end,
        }));
    }
    Ok(runner.finish(results, spans, workers))
}

/// The parent's side of one worker: hand out chunk numbers until none are left, collect replies.
fn drive<O: serde::de::DeserializeOwned>(
    stream: &mut &UnixStream,
    pid: libc::pid_t,
    next: &AtomicUsize,
    stopped: &AtomicBool,
    n_chunks: usize,
    runner: &Runner,
) -> Outcome<O> {
    let mut done = Vec::new();
    loop {
        if stopped.load(Ordering::SeqCst) {
            return Outcome::Ok(done);
        }
        let c = next.fetch_add(1, Ordering::SeqCst);
        if c >= n_chunks {
            // Closing our side ends the worker's loop; it exits and is reaped by the caller.
            let _ = stream.shutdown(std::net::Shutdown::Write);
            return Outcome::Ok(done);
        }
        if stream.write_all(&(c as u64).to_le_bytes()).is_err() {
            return Outcome::Died;
        }
        match fork::wait_for(stream, pid, runner.deadline()) {
            fork::Wait::Ready => {}
            fork::Wait::TimedOut => return Outcome::TimedOut,
            fork::Wait::Stuck(how) => return Outcome::Stuck(how),
        }
        let bytes = match fork::read_frame_bytes(stream) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Outcome::Died,
            // A killed worker ends its socket with an EOF, or a reset when it had unread data.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
                ) =>
            {
                return Outcome::Died
            }
            Err(e) => return Outcome::Io(e.to_string()),
        };
        match fork::decode::<Reply<O>>(&bytes) {
            Ok(Reply::Done { results, times }) => {
                runner.tick(results.len());
                done.push(ChunkDone {
                    chunk: c,
                    results,
                    times,
                });
            }
            Ok(Reply::Failed { task, message }) => return Outcome::Failed { task, message },
            Err(e) => return Outcome::Io(format!("unreadable reply: {e}")),
        }
    }
}

/// The worker process's loop: read a chunk number, run its tasks through `runner`, send the
/// results (and each task's times when tracing).
fn worker_main<K: Kernel>(
    w: usize,
    stream: &mut UnixStream,
    runner: &Runner,
    kernel: &K,
    inputs: &[K::Input],
    chunksize: usize,
    slots: &SharedSlots,
) -> i32 {
    let mut request = [0u8; 8];
    loop {
        if std::io::Read::read_exact(stream, &mut request).is_err() {
            return 0;
        }
        let first = (u64::from_le_bytes(request) as usize).saturating_mul(chunksize);
        let last = first.saturating_add(chunksize).min(inputs.len());
        let mut results = Vec::with_capacity(last.saturating_sub(first));
        let mut times = Vec::new();
        for (task, input) in inputs.iter().enumerate().take(last).skip(first) {
            slots.set(w, task as u64);
            match runner.run_one(kernel, task, w, input) {
                Ok((out, span)) => {
                    results.push(out);
                    times.extend(span.map(|s| (s.start, s.end)));
                }
                Err(e) => {
                    let message = match e {
                        Error::TaskFailed { message, .. } => message,
                        other => other.to_string(),
                    };
                    let _ =
                        fork::write_frame(stream, &Reply::<K::Output>::Failed { task, message });
                    return 1;
                }
            }
        }
        if let Err(e) = fork::write_frame(stream, &Reply::Done { results, times }) {
            let message = format!("could not send the results: {e}");
            let _ = fork::write_frame(
                stream,
                &Reply::<K::Output>::Failed {
                    task: first,
                    message,
                },
            );
            return 2;
        }
    }
}
