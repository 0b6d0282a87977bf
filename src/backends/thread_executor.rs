//! A fixed thread pool with futures: `concurrent.futures.ThreadPoolExecutor` in Rust.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::channel;
use std::sync::Arc;

use super::fifo::FifoPool;
use super::future::{AnyFuture, AnyValue, Pending};
use super::runner::run_task;
use super::{Backend, Future, Job, MapOptions, Mapped, Runner};
use crate::{Error, Result};

const NAME: &str = "thread-executor";

/// A fixed pool of threads fed from one queue. [`submit`](ThreadExecutor::submit) returns a
/// [`Future`] whose [`result`](Future::result) waits for the value; `map` submits one job per
/// input and reads the futures in order. One job per input makes the per-task overhead
/// visible, and many workers overlap waiting: the right tool for I/O-bound work.
///
/// The threads live as long as the executor; dropping it finishes the queued jobs and joins them.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let pool = ThreadExecutor::new(4)?;
/// let future = pool.submit(|| random_square(4));
/// assert_eq!(future.result()?, 49);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct ThreadExecutor {
    pool: FifoPool,
    submitted: AtomicUsize,
}

impl ThreadExecutor {
    /// Starts `workers` threads.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] when `workers == 0`, [`Error::Backend`] when a thread cannot start.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// assert_eq!(ThreadExecutor::new(3)?.workers(), 3);
    /// assert!(matches!(ThreadExecutor::new(0), Err(Error::ZeroWorkers { .. })));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn new(workers: usize) -> Result<Self> {
        crate::limits::check_workers(workers)?;
        Ok(ThreadExecutor {
            pool: FifoPool::new(workers, NAME, "parlab-executor-")?,
            submitted: AtomicUsize::new(0),
        })
    }

    /// Queues `job` and returns its [`Future`] at once. Job `i` (in submission order) is task
    /// `i` in errors, which name the worker thread that ran it.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let pool = ThreadExecutor::new(2)?;
    /// let futures: Vec<_> = (0..5u32).map(|seed| pool.submit(move || random_square(seed))).collect();
    /// let squares: Vec<u32> = futures.into_iter().map(|f| f.result()).collect::<Result<_>>()?;
    /// assert_eq!(squares, [25, 25, 64, 64, 49]);
    /// let err = pool.submit(|| -> u32 { panic!("no value") }).result().unwrap_err();
    /// assert!(matches!(err, Error::TaskFailed { task: 5, worker, .. } if worker < 2), "{err}");
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn submit<R, F>(&self, job: F) -> Future<R>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        Future::new(self.submit_boxed(Box::new(move || Box::new(job()) as AnyValue)))
    }

    /// [`submit`](Self::submit) with the job's type erased: compiled once, here, whatever a
    /// notebook cell submits.
    #[inline(never)]
    fn submit_boxed(&self, job: Box<dyn FnOnce() -> AnyValue + Send>) -> Box<dyn AnyFuture> {
        let task = self.submitted.fetch_add(1, Ordering::Relaxed);
        Box::new(self.submit_on_worker(task, move |worker| {
            run_task(NAME, task, worker, None, job, String::new).map(|(out, _)| out)
        }))
    }

    /// Queues `job` (told the index of the worker thread that runs it) as job `task`.
    fn submit_on_worker<R, F>(&self, task: usize, job: F) -> Pending<R>
    where
        R: Send + 'static,
        F: FnOnce(usize) -> Result<R> + Send + 'static,
    {
        let (tx, rx) = channel();
        // A job that panics outside its task (a progress callback) drops `tx` unsent, and the
        // future says the job was lost.
        self.pool.submit(Box::new(move |worker| {
            let _ = tx.send(job(worker));
        }));
        Pending::thread(task, rx)
    }
}

backend_impl!(ThreadExecutor, NAME, |s| s.pool.workers());

plain_maps!(ThreadExecutor, "ThreadExecutor::new(2)?", in_process);

impl ThreadExecutor {
    pub(crate) fn exec<J: Job>(
        &self,
        job: &J,
        inputs: &[J::In],
        options: &MapOptions,
    ) -> Result<Mapped<J::Out>> {
        let runner = Arc::new(Runner::new_on(
            self.name(),
            options,
            inputs.len(),
            self.workers(),
        ));
        let job = Arc::new(job.clone());
        let shared: Arc<[J::In]> = inputs.into();
        let futures: Vec<_> = (0..inputs.len())
            .map(|task| {
                let (runner, job, inputs) =
                    (Arc::clone(&runner), Arc::clone(&job), Arc::clone(&shared));
                self.submit_on_worker(task, move |worker| {
                    runner.run_one(&*job, task, worker, &inputs[task])
                })
            })
            .collect();
        let mut results = Vec::with_capacity(inputs.len());
        let mut spans = Vec::new();
        for future in futures {
            let (out, span) = match runner.deadline() {
                None => future.result()?,
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    match future.result_timeout(left) {
                        // The queued jobs find the deadline passed and start nothing.
                        Err(Error::TimedOut { .. }) => return Err(runner.timed_out()),
                        other => other?,
                    }
                }
            };
            results.push(out);
            spans.extend(span);
        }
        Ok(runner.finish(results, spans, self.workers()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::backends::{kernel, Progress};

    /// The index in this thread's name, `parlab-executor-{w}`.
    fn this_worker() -> usize {
        std::thread::current()
            .name()
            .and_then(|n| n.strip_prefix("parlab-executor-"))
            .and_then(|w| w.parse().ok())
            .unwrap_or(usize::MAX)
    }

    #[test]
    fn spans_and_errors_name_the_thread_that_ran_the_task() {
        let pool = ThreadExecutor::new(3).unwrap_or_else(|e| panic!("{e}"));
        let inputs: Vec<u32> = (0..60).collect();
        let traced = pool
            .run_with(
                &kernel("where", |_: &u32| {
                    std::thread::sleep(std::time::Duration::from_micros(100));
                    this_worker()
                }),
                &inputs,
                &MapOptions::traced(true),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let spans = traced.trace.map(|t| t.spans).unwrap_or_default();
        assert_eq!(spans.len(), 60);
        for (span, ran_on) in spans.iter().zip(&traced.results) {
            assert_eq!(span.worker, *ran_on);
        }
        // Only tasks that land on a worker other than 0 fail, so the bug of naming worker 0 in
        // every error cannot pass; the message says which thread really ran the task.
        let picky = kernel("picky", |x: &u32| -> u32 {
            std::thread::sleep(std::time::Duration::from_millis(1));
            let w = this_worker();
            assert!(w == 0, "{w} ran {x}");
            *x
        });
        match pool.run(&picky, &inputs).map(|_| ()) {
            Err(Error::TaskFailed {
                backend,
                worker,
                task,
                input,
                message,
            }) => {
                assert_eq!(backend, "thread-executor");
                assert_ne!(worker, 0);
                assert_eq!(input, task.to_string());
                assert_eq!(message, format!("panicked: {worker} ran {task}"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn progress_counts_every_task_and_a_panicking_callback_spares_the_pool() {
        let pool = ThreadExecutor::new(2).unwrap_or_else(|e| panic!("{e}"));
        let last = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&last);
        let options = MapOptions::default()
            .with_progress(Progress::new(move |u| seen.store(u.done, Ordering::SeqCst)));
        let inputs: Vec<u8> = (0..50).collect();
        let mapped = pool.run_with(&kernel("id", |x: &u8| *x), &inputs, &options);
        assert_eq!(mapped.map(|m| m.results).ok(), Some(inputs));
        assert_eq!(last.load(Ordering::SeqCst), 50);
        let options = MapOptions::default().with_progress(Progress::new(|_| panic!("callback")));
        let lost = pool.run_with(&kernel("id", |x: &u8| *x), &[1, 2], &options);
        assert!(matches!(lost, Err(Error::Backend { .. })), "{lost:?}");
        let after: Vec<_> = (0..4).map(|i| pool.submit(move || i * 2)).collect();
        let after: Vec<u32> = after.into_iter().filter_map(|f| f.result().ok()).collect();
        assert_eq!(after, [0, 2, 4, 6]);
    }
}
