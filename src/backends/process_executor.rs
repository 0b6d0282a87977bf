//! Forked processes with futures: `concurrent.futures.ProcessPoolExecutor` in Rust.
//!
//! The module could not read a `ProcessPoolExecutor`'s results in a notebook (`BrokenProcessPool`,
//! "cannot pickle"). Here [`submit`](ProcessExecutor::submit) forks a process that runs the
//! closure (the child has a copy of it, so it needs no serialization) and sends the serde-encoded
//! value back; the returned [`Future`]'s [`result`](Future::result) reads it.
//! `map` is [`ProcessPool`](super::ProcessPool)'s engine with `chunksize = 1`, as
//! `ProcessPoolExecutor.map` defaults to: each task is one round trip to a worker.
//! See [`ProcessPool`](super::ProcessPool) for why fork, the wire format and the failure rules.

use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{de::DeserializeOwned, Serialize};

use super::fork;
use super::fork_map::fork_map;
use super::frame::{self, FrameError};
use super::future::{AnyFuture, AnyValue, Pending};
use super::runner::catch;
use super::{Future, Job as RunJob, MapOptions, Mapped};
use crate::{Error, Result};

/// A submitted job: its process while it runs, then its encoded outcome.
#[derive(Debug)]
enum Job {
    Running {
        pid: libc::pid_t,
        stream: UnixStream,
    },
    Done(std::result::Result<Vec<u8>, String>),
}

type Slot = Arc<Mutex<Job>>;

fn lock(slot: &Slot) -> MutexGuard<'_, Job> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads a running job's frame, reaps its process and stores the outcome. With a `deadline`,
/// returns false (the job still running) when it passes first; a job the watchdog finds stuck
/// is killed, and its outcome says so.
fn complete_by(job: &mut Job, deadline: Option<std::time::Instant>) -> bool {
    if let Job::Running { pid, stream } = job {
        match fork::wait_for(stream, *pid, deadline) {
            fork::Wait::Ready => {}
            fork::Wait::TimedOut => return false,
            fork::Wait::Stuck(how) => {
                fork::kill(*pid);
                fork::reap(*pid);
                *job = Job::Done(Err(format!("worker process {pid} {how}")));
                return true;
            }
        }
        let mut reader = &*stream;
        let sent = frame::read_frame_bytes(&mut reader);
        let ending = fork::reap(*pid);
        *job = Job::Done(match sent {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(format!("worker process {pid} {ending}")),
            Err(e) => Err(format!("worker process {pid} {ending} ({e})")),
        });
    }
    true
}

/// [`complete_by`] with no deadline.
fn complete(job: &mut Job) {
    complete_by(job, None);
}

/// A pool of at most `workers` processes at a time; each submitted job runs in its own forked
/// process, like a `ProcessPoolExecutor(max_workers=workers)`.
///
/// When `workers` jobs are running, `submit` waits for one of them to finish. Dropping the
/// executor waits for every job (Python's `shutdown(wait=True)`), so no process outlives it.
/// On Linux a job's process is killed if the thread that submitted it ends first (it is tied to
/// that thread with `PR_SET_PDEATHSIG`, so no job outlives a killed kernel): submit from a
/// thread that outlives the job.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let pool = ProcessExecutor::new(2)?;
/// let futures: Vec<_> = (0..5u32)
///     .map(|seed| pool.submit(move || random_square(seed)))
///     .collect::<Result<_>>()?;
/// let squares: Vec<u32> = futures.into_iter().map(|f| f.result()).collect::<Result<_>>()?;
/// assert_eq!(squares, [25, 25, 64, 64, 49]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct ProcessExecutor {
    workers: usize,
    running: Mutex<Vec<Slot>>,
    submitted: Mutex<usize>,
}

/// How a process future turns its result frame back into a value (made where `R: Deserialize`).
type Decode<R> = fn(&[u8]) -> std::result::Result<std::result::Result<R, String>, FrameError>;

/// The process side of a [`Future`]: the job's slot, its index and how to decode its value.
pub(super) struct ProcessJob<R> {
    slot: Slot,
    job: usize,
    decode: Decode<R>,
}

impl<R> ProcessJob<R> {
    /// The job's index in submission order.
    pub(super) fn job(&self) -> usize {
        self.job
    }

    /// Has the job finished? Never blocks.
    pub(super) fn done(&self) -> bool {
        let mut job = lock(&self.slot);
        let ready = match &*job {
            Job::Done(_) => return true,
            Job::Running { stream, .. } => fork::readable(&[stream], 0)[0],
        };
        if ready {
            complete(&mut job);
        }
        ready
    }

    /// Waits for the job and returns its value.
    pub(super) fn result(self) -> Result<R> {
        self.result_by(None)
    }

    /// Waits for the job until `timeout` passes; then kills and reaps its process.
    pub(super) fn result_timeout(self, timeout: std::time::Duration) -> Result<R> {
        self.result_by(Some(timeout))
    }

    fn result_by(self, timeout: Option<std::time::Duration>) -> Result<R> {
        let mut job = lock(&self.slot);
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        if !complete_by(&mut job, deadline) {
            if let Job::Running { pid, .. } = &*job {
                let pid = *pid;
                fork::kill(pid);
                let ending = fork::reap(pid);
                *job = Job::Done(Err(format!(
                    "worker process {pid} {ending} after the timeout"
                )));
            }
            return Err(Error::TimedOut {
                backend: "process-executor",
                seconds: timeout.map_or(0.0, |t| t.as_secs_f64()),
                running: vec![self.job],
            });
        }
        let failed = |message: String| Error::TaskFailed {
            backend: "process-executor",
            worker: self.job,
            task: self.job,
            input: "a submitted job".into(),
            message,
        };
        match &*job {
            Job::Done(Ok(bytes)) => match (self.decode)(bytes) {
                Ok(value) => value.map_err(failed),
                Err(e) => Err(failed(format!("unreadable result: {e}"))),
            },
            Job::Done(Err(message)) => Err(failed(message.clone())),
            Job::Running { .. } => Err(failed("the job is still running".into())),
        }
    }
}

impl ProcessExecutor {
    /// An executor of at most `workers` processes at a time.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] when `workers == 0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// assert_eq!(ProcessExecutor::new(3)?.workers(), 3);
    /// assert!(matches!(ProcessExecutor::new(0), Err(Error::ZeroWorkers)));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn new(workers: usize) -> Result<Self> {
        crate::limits::check_workers(workers)?;
        Ok(ProcessExecutor {
            workers,
            running: Mutex::new(Vec::new()),
            submitted: Mutex::new(0),
        })
    }

    /// Forks a process that runs `job` and returns its [`Future`] at once (after waiting for a free
    /// worker when `workers` jobs are running). Job `i` (in submission order) is worker and task
    /// `i` in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the process cannot be forked. A panic in `job` is not an error
    /// here: it comes back from the future's [`result`](Future::result).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let pool = ProcessExecutor::new(2)?;
    /// let sum = pool.submit(|| (1..=10u64).sum::<u64>())?;
    /// let bad = pool.submit(|| -> u64 { panic!("no sum") })?;
    /// assert_eq!(sum.result()?, 55);
    /// let err = bad.result().unwrap_err();
    /// assert!(matches!(&err, Error::TaskFailed { task: 1, message, .. } if message == "panicked: no sum"), "{err}");
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn submit<R, F>(&self, job: F) -> Result<Future<R>>
    where
        R: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce() -> R,
    {
        // The worker's side: run the job, send its value (or its panic) back.
        let run = move |stream: &mut UnixStream| {
            let out = catch(job);
            match frame::write_frame(stream, &out) {
                Ok(()) => 0,
                Err(e) => {
                    let message = format!("could not send the result: {e}");
                    let _ = frame::write_frame(stream, &Err::<R, _>(message));
                    2
                }
            }
        };
        // The caller's side: the value back from its frame.
        let decode: Decode<AnyValue> = |bytes| {
            frame::decode::<std::result::Result<R, String>>(bytes)
                .map(|value| value.map(|v| Box::new(v) as AnyValue))
        };
        Ok(Future::new(self.submit_boxed(Box::new(run), decode)?))
    }

    /// [`submit`](Self::submit) with the job's type erased: compiled once, here, whatever a
    /// notebook cell submits.
    #[inline(never)]
    fn submit_boxed(
        &self,
        run: Box<dyn FnOnce(&mut UnixStream) -> i32 + '_>,
        decode: Decode<AnyValue>,
    ) -> Result<Box<dyn AnyFuture>> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.retain(|s| matches!(*lock(s), Job::Running { .. }));
        while running.len() >= self.workers {
            wait_any(&running);
            running.retain(|s| matches!(*lock(s), Job::Running { .. }));
        }
        let mut run = Some(run);
        let mut children = fork::fork_children(1, |_, mut stream| {
            let Some(run) = run.take() else { return 3 };
            run(&mut stream)
        })
        .map_err(|e| Error::Backend {
            backend: "process-executor",
            message: format!("could not fork a worker process: {e}"),
        })?;
        let child = children.pop().ok_or_else(|| Error::Backend {
            backend: "process-executor",
            message: "no worker process was forked".into(),
        })?;
        let slot = Arc::new(Mutex::new(Job::Running {
            pid: child.pid,
            stream: child.stream,
        }));
        running.push(Arc::clone(&slot));
        let mut submitted = self.submitted.lock().unwrap_or_else(|e| e.into_inner());
        *submitted += 1;
        Ok(Box::new(Pending::process(ProcessJob {
            slot,
            job: *submitted - 1,
            decode,
        })))
    }
}

/// Waits until one of the running jobs has something to read (its result or its death), then
/// completes every job that is ready.
fn wait_any(running: &[Slot]) {
    let mut guards: Vec<_> = running.iter().map(lock).collect();
    let streams: Vec<&UnixStream> = guards
        .iter()
        .filter_map(|g| match &**g {
            Job::Running { stream, .. } => Some(stream),
            Job::Done(_) => None,
        })
        .collect();
    if streams.is_empty() {
        return;
    }
    let ready = fork::readable(&streams, -1);
    let mut ready = ready.into_iter();
    for g in guards.iter_mut() {
        if matches!(**g, Job::Running { .. }) && ready.next().unwrap_or(false) {
            complete(g);
        }
    }
}

impl Drop for ProcessExecutor {
    fn drop(&mut self) {
        let running = self.running.get_mut().unwrap_or_else(|e| e.into_inner());
        for slot in running.drain(..) {
            complete(&mut lock(&slot));
        }
    }
}

backend_impl!(ProcessExecutor, "process-executor", |s| s.workers);

plain_maps!(ProcessExecutor, "ProcessExecutor::new(2)?", processes);

impl ProcessExecutor {
    pub(crate) fn exec<J>(
        &self,
        job: &J,
        inputs: &[J::In],
        options: &MapOptions,
    ) -> Result<Mapped<J::Out>>
    where
        J: RunJob,
        J::Out: Serialize + DeserializeOwned,
    {
        fork_map("process-executor", self.workers, 1, job, inputs, options)
    }
}
