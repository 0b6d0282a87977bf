//! What every in-process backend does per task: catch panics, record spans, report progress.
//!
//! [`Runner`] is the one place that runs a task: [`Sequential`](super::Sequential),
//! [`Threads`](super::Threads), [`RayonPool`](super::RayonPool),
//! [`ThreadExecutor`](super::ThreadExecutor), dask's backend and `Client::map`, and the forked
//! children of the process backends all call it. Graph nodes and single submitted jobs, which
//! are not tasks of a map, share its core, [`run_task`] (and [`catch`] beneath it).

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::observe::Report;
use super::{Job, MapOptions, Mapped, Span, Ticker};
use crate::{Error, Result};

/// Runs the tasks of one map: catches panics as [`Error::TaskFailed`] (describing the input
/// only for the task that failed), records spans when tracing and reports progress.
///
/// A runner holds no kernel, so one runner can be shared (behind an `Arc`) by `'static` jobs.
pub(crate) struct Runner {
    backend: &'static str,
    origin: Instant,
    trace: bool,
    /// Whether tasks are timed: when tracing, or when a map feed listens.
    timed: bool,
    /// The map's reports to the open map feed, when one is open.
    report: Option<Report>,
    ticker: Ticker,
    /// The map's deadline and its timeout, when it has one.
    deadline: Option<(Instant, Duration)>,
    /// The tasks running now; kept only when there is a deadline (to name them when it passes).
    running: Mutex<BTreeSet<usize>>,
}

impl Runner {
    /// A runner for one map of `total` tasks, starting the clock now.
    pub fn new(backend: &'static str, options: &MapOptions, total: usize) -> Self {
        Runner::new_on(backend, options, total, 0)
    }

    /// [`new`](Self::new) for a backend of `workers` workers (told to the map feed).
    pub fn new_on(
        backend: &'static str,
        options: &MapOptions,
        total: usize,
        workers: usize,
    ) -> Self {
        let origin = Instant::now();
        let report = Report::start(backend, total, workers, origin);
        Runner {
            backend,
            origin,
            trace: options.trace,
            timed: options.trace || report.is_some(),
            report,
            ticker: Ticker::new(options, total, origin),
            deadline: options.timeout.map(|t| (origin + t, t)),
            running: Mutex::new(BTreeSet::new()),
        }
    }

    /// A runner without progress reports whose spans count from `origin`.
    pub fn at(backend: &'static str, trace: bool, origin: Instant) -> Self {
        Runner {
            backend,
            origin,
            trace,
            timed: trace,
            report: None,
            ticker: Ticker::new(&MapOptions::default(), 0, origin),
            deadline: None,
            running: Mutex::new(BTreeSet::new()),
        }
    }

    /// This runner without its progress reports: what a forked child runs its tasks with (the
    /// parent reports progress and spans as replies arrive; a child calling the callback would
    /// call a copy; the parent also keeps the deadline, and kills the children when it passes).
    /// It times tasks when this one does.
    pub fn quiet(&self) -> Self {
        Runner::at(self.backend, self.timed, self.origin)
    }

    /// Runs task `task` (input `input`) on `worker`; returns its output and, when timed, its
    /// span. Reports the task to the progress callback and the map feed once it is done.
    pub fn run_one<J: Job>(
        &self,
        job: &J,
        task: usize,
        worker: usize,
        input: &J::In,
    ) -> Result<(J::Out, Option<Span>)> {
        let clock = self.timed.then_some(self.origin);
        if let Some((deadline, _)) = self.deadline {
            if Instant::now() >= deadline {
                return Err(self.timed_out());
            }
            self.lock_running().insert(task);
        }
        let done = run_task(
            self.backend,
            task,
            worker,
            clock,
            || job.apply(input),
            || job.describe(input),
        );
        if self.deadline.is_some() {
            self.lock_running().remove(&task);
        }
        let done = done?;
        self.ticker.add(1);
        if let (Some(report), Some(span)) = (&self.report, done.1) {
            report.spans(worker, [span]);
        }
        Ok(done)
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, BTreeSet<usize>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The map's deadline, when it has one.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.map(|(d, _)| d)
    }

    /// [`Error::TimedOut`] naming the tasks running now.
    pub fn timed_out(&self) -> Error {
        let running = self.lock_running().iter().copied().collect();
        self.timed_out_with(running)
    }

    /// [`Error::TimedOut`] naming `running`.
    pub fn timed_out_with(&self, running: Vec<usize>) -> Error {
        Error::TimedOut {
            backend: self.backend,
            seconds: self.deadline.map_or(0.0, |(_, t)| t.as_secs_f64()),
            running,
        }
    }

    /// [`run_one`](Self::run_one), pushing the span to `spans`.
    pub fn run<J: Job>(
        &self,
        job: &J,
        task: usize,
        worker: usize,
        input: &J::In,
        spans: &mut Vec<Span>,
    ) -> Result<J::Out> {
        let (out, span) = self.run_one(job, task, worker, input)?;
        spans.extend(span);
        Ok(out)
    }

    /// Reports `n` tasks done elsewhere (a chunk that came back from a child process).
    pub fn tick(&self, n: usize) {
        self.ticker.add(n);
    }

    /// Reports a chunk of `n` tasks that came back from a child process: its tasks from `first`
    /// on, run by `worker`, with their `(start, end)` times (empty when not timed).
    pub fn chunk_done(&self, first: usize, n: usize, worker: usize, times: &[(f64, f64)]) {
        self.tick(n);
        if let Some(report) = &self.report {
            report.spans(
                worker,
                times.iter().enumerate().map(|(i, &(start, end))| Span {
                    task: first + i,
                    worker,
                    start,
                    end,
                }),
            );
        }
    }

    /// Packs results and spans into a [`Mapped`].
    pub fn finish<R>(&self, results: Vec<R>, spans: Vec<Span>, workers: usize) -> Mapped<R> {
        if let Some(report) = &self.report {
            report.succeeded();
        }
        Mapped::finish(
            results,
            spans,
            self.backend,
            workers,
            self.trace,
            self.origin,
        )
    }
}

/// Runs `f` as task `task` on `worker` of `backend`: a panic becomes [`Error::TaskFailed`] with
/// `input()` (called only then) as its input; with a `clock`, the task's span from it comes back.
pub(crate) fn run_task<O>(
    backend: &'static str,
    task: usize,
    worker: usize,
    clock: Option<Instant>,
    f: impl FnOnce() -> O,
    input: impl FnOnce() -> String,
) -> Result<(O, Option<Span>)> {
    let start = clock.map(|origin| origin.elapsed().as_secs_f64());
    let out = catch(f).map_err(|message| Error::TaskFailed {
        backend,
        worker,
        task,
        input: input(),
        message,
    })?;
    let span = clock.zip(start).map(|(origin, start)| Span {
        task,
        worker,
        start,
        end: origin.elapsed().as_secs_f64(),
    });
    Ok((out, span))
}

/// Calls `f`; a panic comes back as its message, `"panicked: ..."`.
pub(crate) fn catch<O>(f: impl FnOnce() -> O) -> std::result::Result<O, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".to_string()
    }
}

/// Splits `len` items into `parts` contiguous chunk lengths that differ by at most one.
pub(crate) fn chunk_lengths(len: usize, parts: usize) -> impl Iterator<Item = usize> {
    let (base, extra) = (len / parts, len % parts);
    (0..parts).map(move |i| base + usize::from(i < extra))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::kernel;

    #[test]
    fn a_failing_task_names_its_worker_and_input_and_others_are_timed() {
        let runner = Runner::new("demo", &MapOptions::traced(true), 2);
        let k = kernel("half", |x: &u32| {
            assert!(x.is_multiple_of(2), "odd {x}");
            x / 2
        });
        let mut spans = Vec::new();
        assert_eq!(runner.run(&k, 0, 3, &4, &mut spans).ok(), Some(2));
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].task, spans[0].worker), (0, 3));
        match runner.run(&k, 1, 5, &7, &mut spans) {
            Err(Error::TaskFailed {
                backend,
                worker,
                task,
                input,
                message,
            }) => {
                assert_eq!((backend, worker, task), ("demo", 5, 1));
                assert_eq!(input, "7");
                assert_eq!(message, "panicked: odd 7");
            }
            other => panic!("unexpected {:?}", other.map(|_| ())),
        }
        assert_eq!(spans.len(), 1);
    }

    #[test]
    fn the_input_is_described_only_when_the_task_fails() {
        let described = std::cell::Cell::new(0);
        let describe = || {
            described.set(described.get() + 1);
            String::from("x")
        };
        assert!(run_task("demo", 0, 0, None, || 1, describe).is_ok());
        assert_eq!(described.get(), 0);
        let (out, span) =
            run_task("demo", 0, 0, Some(Instant::now()), || 1, String::new).unwrap_or((0, None));
        assert_eq!(out, 1);
        assert!(span.is_some_and(|s| s.start <= s.end));
        assert!(run_task("demo", 0, 0, None, || panic!("no"), describe).is_err());
        assert_eq!(described.get(), 1);
    }
}
