//! One future type for both executors: Python's `concurrent.futures.Future`.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Mutex, PoisonError};

use super::process_executor::ProcessJob;
use crate::{Error, Result};

/// The pending value of one job submitted to a [`ThreadExecutor`](super::ThreadExecutor) or a
/// [`ProcessExecutor`](super::ProcessExecutor), like Python's `concurrent.futures.Future`:
/// [`done`](Future::done) asks without waiting, [`result`](Future::result) waits for the value.
///
/// # Examples
///
/// ```
/// use parlab::backends::Future;
/// use parlab::prelude::*;
///
/// let threads = ThreadExecutor::new(2)?;
/// let processes = ProcessExecutor::new(2)?;
/// // Both executors hand out the same type, so their futures can share a vector.
/// let futures: Vec<Future<u32>> = vec![
///     threads.submit(|| random_square(0)),
///     processes.submit(|| random_square(2))?,
/// ];
/// let values: Vec<u32> = futures.into_iter().map(Future::result).collect::<Result<_>>()?;
/// assert_eq!(values, [25, 64]);
/// # Ok::<(), parlab::Error>(())
/// ```
pub struct Future<T> {
    /// The job's state, its value type erased: what a cell compiles for `Future<u32>` is this
    /// shell, while the waiting (channels, pipes, timeouts) is compiled once inside parlab.
    pending: Box<dyn AnyFuture>,
    _value: PhantomData<fn() -> T>,
}

/// A job's value, its type erased (see [`Future`]).
pub(crate) type AnyValue = Box<dyn Any + Send>;

/// What a [`Future`] asks of its job, whatever the value's type.
pub(crate) trait AnyFuture: Send + Sync {
    fn done(&self) -> bool;
    fn result(self: Box<Self>) -> Result<AnyValue>;
    fn result_timeout(self: Box<Self>, timeout: std::time::Duration) -> Result<AnyValue>;
    fn job(&self) -> (&'static str, usize);
}

impl AnyFuture for Pending<AnyValue> {
    fn done(&self) -> bool {
        Pending::done(self)
    }

    fn result(self: Box<Self>) -> Result<AnyValue> {
        Pending::result(*self)
    }

    fn result_timeout(self: Box<Self>, timeout: std::time::Duration) -> Result<AnyValue> {
        Pending::result_timeout(*self, timeout)
    }

    fn job(&self) -> (&'static str, usize) {
        match &self.inner {
            Inner::Thread { job, .. } => ("thread-executor", *job),
            Inner::Process(p) => ("process-executor", p.job()),
        }
    }
}

/// A submitted job's pending value inside parlab: the executors' maps use it typed, and a
/// [`Future`] holds one with its value boxed.
pub(crate) struct Pending<T> {
    inner: Inner<T>,
}

enum Inner<T> {
    /// A job on an executor thread: the value arrives on a channel.
    Thread { job: usize, state: Mutex<Thread<T>> },
    /// A job in a forked process.
    Process(ProcessJob<T>),
}

enum Thread<T> {
    Pending(Receiver<Result<T>>),
    Ready(Result<T>),
}

impl<T> Pending<T> {
    /// The future of thread-executor job `job`, whose outcome will arrive on `rx`.
    pub(super) fn thread(job: usize, rx: Receiver<Result<T>>) -> Self {
        Pending {
            inner: Inner::Thread {
                job,
                state: Mutex::new(Thread::Pending(rx)),
            },
        }
    }

    /// The future of a job running in a forked process.
    pub(super) fn process(job: ProcessJob<T>) -> Self {
        Pending {
            inner: Inner::Process(job),
        }
    }

    /// Has the job finished? Never blocks.
    pub(crate) fn done(&self) -> bool {
        match &self.inner {
            Inner::Thread { job, state } => {
                let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
                let outcome = match &*state {
                    Thread::Ready(_) => return true,
                    Thread::Pending(rx) => match rx.try_recv() {
                        Ok(outcome) => outcome,
                        Err(TryRecvError::Empty) => return false,
                        Err(TryRecvError::Disconnected) => Err(lost(*job)),
                    },
                };
                *state = Thread::Ready(outcome);
                true
            }
            Inner::Process(job) => job.done(),
        }
    }

    /// Waits for the job and returns its value.
    pub(crate) fn result(self) -> Result<T> {
        match self.inner {
            Inner::Thread { job, state } => {
                match state.into_inner().unwrap_or_else(PoisonError::into_inner) {
                    Thread::Ready(outcome) => outcome,
                    Thread::Pending(rx) => rx.recv().unwrap_or_else(|_| Err(lost(job))),
                }
            }
            Inner::Process(job) => job.result(),
        }
    }
}

impl<T> Pending<T> {
    /// Waits for the job until `timeout` passes.
    pub(crate) fn result_timeout(self, timeout: std::time::Duration) -> Result<T> {
        match self.inner {
            Inner::Thread { job, state } => {
                match state.into_inner().unwrap_or_else(PoisonError::into_inner) {
                    Thread::Ready(outcome) => outcome,
                    Thread::Pending(rx) => match rx.recv_timeout(timeout) {
                        Ok(outcome) => outcome,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(Error::TimedOut {
                            backend: "thread-executor",
                            seconds: timeout.as_secs_f64(),
                            running: vec![job],
                        }),
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(lost(job)),
                    },
                }
            }
            Inner::Process(job) => job.result_timeout(timeout),
        }
    }
}

impl<T: 'static> Future<T> {
    /// The future of a job whose value comes boxed (see [`AnyFuture`]).
    pub(crate) fn new(pending: Box<dyn AnyFuture>) -> Self {
        Future {
            pending,
            _value: PhantomData,
        }
    }

    /// Has the job finished (with a value, a panic, or its worker's death)? Never blocks:
    /// Python's `future.done()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let threads = ThreadExecutor::new(1)?;
    /// let processes = ProcessExecutor::new(1)?;
    /// for future in [threads.submit(|| 6 * 7), processes.submit(|| 6 * 7)?] {
    ///     while !future.done() {
    ///         std::thread::yield_now();
    ///     }
    ///     assert!(future.done()); // still done, and the value is still there
    ///     assert_eq!(future.result()?, 42);
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn done(&self) -> bool {
        self.pending.done()
    }

    /// Waits for the job and returns its value: Python's `future.result()`.
    ///
    /// # Errors
    ///
    /// [`Error::TaskFailed`] when the job panicked (the message is `"panicked: ..."`) or its
    /// process died, naming the worker that ran it and the job's index in submission order as
    /// the task; [`Error::Backend`] when a thread job was lost (its worker thread stopped).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let threads = ThreadExecutor::new(2)?;
    /// let processes = ProcessExecutor::new(2)?;
    /// assert_eq!(threads.submit(|| vec![1u8, 2, 3]).result()?, [1, 2, 3]);
    /// assert_eq!(processes.submit(|| String::from("a-1"))?.result()?, "a-1");
    /// for bad in [threads.submit(|| -> u8 { panic!("no") }), processes.submit(|| -> u8 { panic!("no") })?] {
    ///     match bad.result() {
    ///         Err(Error::TaskFailed { message, .. }) => assert_eq!(message, "panicked: no"),
    ///         other => panic!("expected a task failure, got {other:?}"),
    ///     }
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn result(self) -> Result<T> {
        self.pending.result().and_then(unbox)
    }

    /// Waits at most `timeout` for the job and returns its value: Python's
    /// `future.result(timeout=...)`.
    ///
    /// # Errors
    ///
    /// [`Error::TimedOut`] naming the job when `timeout` passes first. A process job's process
    /// is then killed and reaped; a thread job cannot be stopped and finishes on its thread (its
    /// value is dropped). Otherwise as [`result`](Future::result).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use parlab::prelude::*;
    ///
    /// let processes = ProcessExecutor::new(1)?;
    /// let slow = processes.submit(|| std::thread::sleep(Duration::from_secs(60)))?;
    /// let err = slow.result_timeout(Duration::from_millis(200)).unwrap_err();
    /// assert!(matches!(err, Error::TimedOut { ref running, .. } if running == &[0]), "{err}");
    /// // The worker was killed; the executor goes on.
    /// assert_eq!(processes.submit(|| 6 * 7)?.result_timeout(Duration::from_secs(5))?, 42);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn result_timeout(self, timeout: std::time::Duration) -> Result<T> {
        self.pending.result_timeout(timeout).and_then(unbox)
    }
}

/// The value inside `value`, which its executor boxed as a `T`.
fn unbox<T: 'static>(value: AnyValue) -> Result<T> {
    value
        .downcast::<T>()
        .map(|v| *v)
        .map_err(|_| Error::Backend {
            backend: "executor",
            message: "a job's value came back as another type (a bug in parlab)".into(),
        })
}

/// A thread job whose worker thread stopped before sending its outcome.
fn lost(job: usize) -> Error {
    Error::Backend {
        backend: "thread-executor",
        message: format!("job {job} was lost: its worker thread stopped before it finished"),
    }
}

impl<T> std::fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (executor, job) = self.pending.job();
        f.debug_struct("Future")
            .field("executor", &executor)
            .field("job", &job)
            .finish_non_exhaustive()
    }
}
