//! A fixed thread pool with futures: `concurrent.futures.ThreadPoolExecutor` in Rust.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use super::{panic_message, Backend, Kernel, MapOptions, Mapped, Span, Ticker};
use crate::{Error, Result};

type Job = Box<dyn FnOnce(usize) + Send>;

/// A fixed pool of threads fed from one queue. [`submit`](ThreadExecutor::submit) returns a
/// [`JobHandle`] whose [`result`](JobHandle::result) waits for the value; `map` submits one job
/// per input and reads the handles in order. One job per input makes the per-task overhead
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
/// let handle = pool.submit(|| random_square(4));
/// assert_eq!(handle.result()?, 49);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct ThreadExecutor {
    queue: Option<Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

/// The future of one submitted job.
#[derive(Debug)]
pub struct JobHandle<R> {
    rx: Receiver<std::result::Result<R, String>>,
}

impl<R> JobHandle<R> {
    /// Waits for the job and returns its value.
    ///
    /// # Errors
    ///
    /// [`Error::TaskFailed`] when the job panicked.
    pub fn result(self) -> Result<R> {
        self.wait()
            .map_err(|message| failed(0, String::new(), message))
    }

    fn wait(self) -> std::result::Result<R, String> {
        self.rx
            .recv()
            .unwrap_or_else(|_| Err("the job was dropped".into()))
    }
}

fn failed(task: usize, input: String, message: String) -> Error {
    Error::TaskFailed {
        backend: "thread-executor",
        worker: 0,
        task,
        input,
        message,
    }
}

impl ThreadExecutor {
    /// Starts `workers` threads.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] when `workers == 0`, [`Error::Backend`] when a thread cannot start.
    pub fn new(workers: usize) -> Result<Self> {
        crate::error::check_workers(workers)?;
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let threads = (0..workers)
            .map(|w| {
                let rx = Arc::clone(&rx);
                std::thread::Builder::new()
                    .name(format!("parlab-executor-{w}"))
                    .spawn(move || loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(w),
                            Err(_) => return,
                        }
                    })
                    .map_err(|e| Error::Backend {
                        backend: "thread-executor",
                        message: format!("could not start thread {w}: {e}"),
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ThreadExecutor {
            queue: Some(tx),
            threads,
        })
    }

    /// Queues `job` and returns its handle at once.
    pub fn submit<R, F>(&self, job: F) -> JobHandle<R>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        self.submit_on_worker(move |_| job())
    }

    fn submit_on_worker<R, F>(&self, job: F) -> JobHandle<R>
    where
        R: Send + 'static,
        F: FnOnce(usize) -> R + Send + 'static,
    {
        let (tx, rx) = channel();
        let job: Job = Box::new(move |worker| {
            let out = catch_unwind(AssertUnwindSafe(|| job(worker)))
                .map_err(|p| panic_message(p.as_ref()));
            let _ = tx.send(out);
        });
        if let Some(queue) = &self.queue {
            // The receiver lives in the worker threads, which only stop when the queue closes.
            let _ = queue.send(job);
        }
        JobHandle { rx }
    }
}

impl Drop for ThreadExecutor {
    fn drop(&mut self) {
        self.queue.take();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Backend for ThreadExecutor {
    fn name(&self) -> &'static str {
        "thread-executor"
    }

    fn workers(&self) -> usize {
        self.threads.len()
    }

    fn map_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        let origin = Instant::now();
        let ticker = Ticker::new(options, inputs.len(), origin);
        let kernel = Arc::new(kernel.clone());
        let handles: Vec<_> = inputs
            .iter()
            .enumerate()
            .map(|(task, input)| {
                let (kernel, input) = (Arc::clone(&kernel), input.clone());
                let trace = options.trace;
                self.submit_on_worker(move |worker| {
                    let start = origin.elapsed().as_secs_f64();
                    let out = kernel.call(&input);
                    let span = trace.then(|| Span {
                        task,
                        worker,
                        start,
                        end: origin.elapsed().as_secs_f64(),
                    });
                    (out, span)
                })
            })
            .collect();
        let mut results = Vec::with_capacity(inputs.len());
        let mut spans = Vec::new();
        for (task, handle) in handles.into_iter().enumerate() {
            let (out, span) = handle
                .wait()
                .map_err(|message| failed(task, format!("{:?}", inputs[task]), message))?;
            results.push(out);
            spans.extend(span);
            ticker.add(1);
        }
        Ok(Mapped::finish(
            results,
            spans,
            self.name(),
            self.workers(),
            options.trace,
            origin,
        ))
    }
}
