//! [`MapOptions`], the one options pattern of every map, and [`Mapped`], what a map returns.

#[cfg(doc)]
use super::{
    Parallel, ProcessExecutor, ProcessPool, RayonPool, Sequential, ThreadExecutor, Threads,
};
use super::{Progress, Span, TaskStream};

/// Options of one map.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct MapOptions {
    /// Record a [`TaskStream`] (which worker ran each task, and when).
    pub trace: bool,
    /// Called as tasks complete (per task on thread backends, per chunk on process backends).
    pub progress: Option<Progress>,
    /// The longest the map may take; `None` (the default) waits as long as the tasks take.
    /// See [`with_timeout`](MapOptions::with_timeout).
    pub timeout: Option<std::time::Duration>,
}

impl MapOptions {
    /// Options that record a task stream when `trace` is true.
    pub fn traced(trace: bool) -> Self {
        MapOptions {
            trace,
            progress: None,
            timeout: None,
        }
    }

    /// These options with tracing set to `trace`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let mapped = Sequential.map_with(|x: u8| x, [7], &MapOptions::default().with_trace(true))?;
    /// assert_eq!(mapped.trace.map(|t| t.spans.len()), Some(1));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn with_trace(mut self, trace: bool) -> Self {
        self.trace = trace;
        self
    }

    /// These options with a timeout: Python's `pool.map(f, xs, timeout=1)`. When it passes, the
    /// map fails with [`Error::TimedOut`](crate::Error::TimedOut) naming the tasks still
    /// running, and the backend can be used again at once.
    ///
    /// - Process backends ([`ProcessPool`], [`ProcessExecutor`], [`Parallel`]) and the
    ///   `cluster::Cluster` return at the deadline: the worker processes (or
    ///   the busy engines) are killed and reaped; the cluster starts fresh engines in their place.
    /// - The [`ThreadExecutor`] returns at the deadline, starts no queued task after it, and
    ///   leaves a running task to finish on its thread (a thread cannot be stopped from outside).
    /// - The other in-process backends ([`Sequential`], [`Threads`], [`RayonPool`],
    ///   `dask::Dask`) start no task after the deadline and return once the
    ///   running ones end; to bound a task that may never end, use a process backend.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use parlab::prelude::*;
    ///
    /// let nap = kernel("nap", |ms: &u64| std::thread::sleep(Duration::from_millis(*ms)));
    /// let pool = ProcessPool::new(2)?;
    /// let options = MapOptions::default().with_timeout(Duration::from_millis(300));
    /// let err = pool.run_with(&nap, &[10, 60_000], &options).unwrap_err();
    /// assert!(matches!(&err, Error::TimedOut { running, .. } if running == &[1]), "{err}");
    /// // The pool goes on.
    /// assert_eq!(pool.run_with(&nap, &[1, 2], &options)?.results.len(), 2);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// These options reporting to `progress`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use parlab::prelude::*;
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// let options = MapOptions::default()
    ///     .with_progress(Progress::new(move |u| log.lock().unwrap().push(u.done)));
    /// Sequential.map_with(|x: u8| x, [1, 2, 3], &options)?;
    /// assert_eq!(*seen.lock().unwrap(), [1, 2, 3]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }
}

/// The outcome of a map: results in input order, wall time, and the task stream if recorded.
#[derive(Clone, Debug)]
pub struct Mapped<R> {
    /// `results[i]` is the kernel applied to `inputs[i]`.
    pub results: Vec<R>,
    /// Wall time of the whole map, in seconds.
    pub seconds: f64,
    /// Per-task record, when [`MapOptions::trace`] was set.
    pub trace: Option<TaskStream>,
}

impl<R> Mapped<R> {
    /// Packs a finished map: the results in input order, the wall time since `origin` and, when
    /// `trace` is set, the spans sorted by task as `backend`'s [`TaskStream`]. Every backend ends
    /// its map here.
    pub(crate) fn finish(
        results: Vec<R>,
        mut spans: Vec<Span>,
        backend: &'static str,
        workers: usize,
        trace: bool,
        origin: std::time::Instant,
    ) -> Self {
        let trace = trace.then(|| {
            spans.sort_by_key(|s| s.task);
            TaskStream {
                backend: backend.to_string(),
                workers,
                spans,
            }
        });
        Mapped {
            results,
            seconds: origin.elapsed().as_secs_f64(),
            trace,
        }
    }
}
