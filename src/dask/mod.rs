//! The `dask` counterpart (15.5): delayed task graphs, futures, bags.
//!
//! - [`Graph`] / [`Delayed`]: `dask.delayed` — build a graph of typed nodes, then
//!   [`compute`](Delayed::compute) runs it in parallel from a ready queue.
//! - [`Client::map`] / [`Client::gather`]: `client.map(f, inputs)` then `client.gather(futures)`,
//!   one task per input: the per-task overhead the module measured.
//! - [`Bag`]: `dask.bag.from_sequence(inputs, npartitions=...).map(f).compute()`, one task per
//!   partition: how partitioning removes that overhead.
//! - [`Dask`]: the [`Backend`] for the summary table, a bag with `npartitions = workers`.
//!
//! All run on the [`Client`]'s own worker threads (a value you hold, never a global pool; plain
//! std threads, not rayon, so that a client made in one notebook cell works in the next).

use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};

use crate::backends::{
    backend_impl, chunk_lengths, plain_maps, Backend, Job, MapOptions, Mapped, Plain, Runner, Span,
};
use crate::{Error, Result};

mod bag;
mod compute;
mod delayed;
mod summary;

use crate::backends::fifo::{FifoPool, Submitter};

pub use bag::Bag;
pub use delayed::{Delayed, Graph};
pub use summary::Summary;

/// The scheduler's workers (dask's `Client(n_workers=...)`): a thread pool owned by this value.
///
/// # Examples
///
/// ```
/// use parlab::dask::Client;
/// use parlab::prelude::*;
///
/// let client = Client::new(2)?;
/// let futures = client.map(random_square, 0..3);
/// assert_eq!(client.gather(futures)?, [25, 25, 64]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct Client {
    pool: FifoPool,
    workers: usize,
    dashboard: Option<String>,
}

/// The pending results of [`Client::map`], one per input; [`Client::gather`] waits for them.
///
/// # Examples
///
/// ```
/// use parlab::dask::{Client, Futures};
/// use parlab::prelude::*;
///
/// let client = Client::new(2)?;
/// let futures: Futures<u64> = client.map(|x: u64| x * x * x, [1, 2, 3]);
/// assert_eq!(futures.len(), 3);
/// assert_eq!(client.gather(futures)?, [1, 8, 27]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct Futures<O> {
    rx: Receiver<(usize, Result<O>)>,
    len: usize,
}

impl<O> Futures<O> {
    /// Number of futures (the inputs given to [`Client::map`]).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when [`Client::map`] was given no inputs.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::Client;
    /// use parlab::prelude::*;
    ///
    /// let client = Client::new(1)?;
    /// let futures = client.map(|x: u8| x, []);
    /// assert!(futures.is_empty());
    /// assert!(client.gather(futures)?.is_empty());
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Client {
    /// Starts `workers` worker threads.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] for zero workers, [`Error::Backend`] when threads cannot start.
    pub fn new(workers: usize) -> Result<Self> {
        crate::limits::check_workers(workers)?;
        let pool = FifoPool::new(workers, "dask", "parlab-dask-")?;
        Ok(Client {
            pool,
            workers,
            dashboard: None,
        })
    }

    /// Stops the workers (`client.close()`): queued tasks finish, then the threads end. The
    /// client is moved in, so using it afterwards is a compile error, not a runtime one.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::Client;
    ///
    /// let threads = || {
    ///     let status = std::fs::read_to_string("/proc/self/status").unwrap();
    ///     let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap().to_owned();
    ///     line[8..].trim().parse::<usize>().unwrap()
    /// };
    /// let before = threads();
    /// let client = Client::new(2)?;
    /// assert_eq!(threads(), before + 2);
    /// client.close();
    /// assert_eq!(threads(), before);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn close(self) {
        drop(self.pool); // joins the worker threads
    }

    /// Number of workers.
    pub fn workers(&self) -> usize {
        self.workers
    }

    pub(crate) fn submitter(&self) -> &Arc<Submitter> {
        self.pool.submitter()
    }

    /// Submits one task per input at once and returns their futures: dask's
    /// `client.map(f, inputs)`. `f` is a `fn` item or a closure taking its input by value;
    /// inputs are any iterable. A panic is caught and comes back from
    /// [`gather`](Client::gather) as an error naming the task (the inputs need no `Debug`).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::Client;
    /// use parlab::prelude::*;
    ///
    /// let client = Client::new(2)?;
    /// let futures = client.map(|x: u32| 10 / x, [1, 0, 2]);
    /// let err = client.gather(futures).unwrap_err();
    /// match err {
    ///     Error::TaskFailed { backend, worker, task, message, .. } => {
    ///         assert_eq!((backend, task), ("dask", 1));
    ///         assert!(worker < 2);
    ///         assert!(message.starts_with("panicked: "), "{message}");
    ///     }
    ///     other => panic!("expected a task failure, got {other}"),
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn map<F, I, O>(&self, f: F, inputs: impl IntoIterator<Item = I>) -> Futures<O>
    where
        F: Fn(I) -> O + Clone + Send + Sync + 'static,
        I: Clone + Send + Sync + 'static,
        O: Send + 'static,
    {
        let inputs: Vec<I> = inputs.into_iter().collect();
        self.submit_all(&Plain::new(f), inputs)
    }

    /// One task per input of `job`, submitted at once.
    fn submit_all<J: Job>(&self, job: &J, inputs: Vec<J::In>) -> Futures<J::Out> {
        let (tx, rx) = channel();
        let len = inputs.len();
        let runner = Arc::new(Runner::new("dask", &MapOptions::default(), len));
        let job = Arc::new(job.clone());
        let shared: Arc<[J::In]> = inputs.into();
        for task in 0..len {
            let (tx, runner, job, inputs) = (
                tx.clone(),
                Arc::clone(&runner),
                Arc::clone(&job),
                Arc::clone(&shared),
            );
            self.pool.submitter().submit(Box::new(move |worker| {
                let out = runner.run_one(&*job, task, worker, &inputs[task]);
                let _ = tx.send((task, out.map(|(out, _)| out)));
            }));
        }
        Futures { rx, len }
    }

    /// Waits for every future and returns the results in input order (`client.gather`).
    ///
    /// # Errors
    ///
    /// [`Error::TaskFailed`] for the first task that panicked (in input order), naming its
    /// worker and input; [`Error::Backend`] when a task was lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::Client;
    /// use parlab::prelude::*;
    ///
    /// let client = Client::new(2)?;
    /// let futures = client.map(random_square, 0..5);
    /// assert_eq!(client.gather(futures)?, [25, 25, 64, 64, 49]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn gather<O>(&self, futures: Futures<O>) -> Result<Vec<O>> {
        let n = futures.len;
        let mut slots: Vec<Option<Result<O>>> = std::iter::repeat_with(|| None).take(n).collect();
        for _ in 0..n {
            let Ok((task, out)) = futures.rx.recv() else {
                break;
            };
            slots[task] = Some(out);
        }
        let mut results = Vec::with_capacity(n);
        for (task, slot) in slots.into_iter().enumerate() {
            match slot {
                Some(out) => results.push(out?),
                None => {
                    return Err(Error::Backend {
                        backend: "dask",
                        message: format!(
                            "task {task} was lost: its worker stopped before it finished"
                        ),
                    })
                }
            }
        }
        Ok(results)
    }
}

/// The dask row of the summary table: a [`Bag`]-style map with one partition per worker,
/// scheduled as a task graph on a [`Client`]. (Per-task submission is [`Client::map`].)
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let dask = parlab::dask::Dask::new(2)?;
/// let run = squares_with(&dask, 0..100_000, &MapOptions::traced(true))?;
/// assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
/// assert_eq!(run.trace.unwrap().spans.len(), 7); // one span per block of seeds
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct Dask {
    client: Client,
}

impl Dask {
    /// A client with `workers` workers; maps use `npartitions = workers`.
    ///
    /// # Errors
    ///
    /// As [`Client::new`].
    pub fn new(workers: usize) -> Result<Self> {
        Ok(Dask {
            client: Client::new(workers)?,
        })
    }

    /// The client, for delayed graphs, futures and bags on the same workers.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

backend_impl!(Dask, "dask", |s| s.client.workers);

plain_maps!(Dask, "parlab::dask::Dask::new(2)?", in_process);

impl Dask {
    pub(crate) fn exec<J: Job>(
        &self,
        job: &J,
        inputs: &[J::In],
        options: &MapOptions,
    ) -> Result<Mapped<J::Out>> {
        let n = inputs.len();
        let runner = Arc::new(Runner::new("dask", options, n));
        // Outputs need not be `Sync` or `Clone`, so partitions write into shared slots (and the
        // first error into `failure`) instead of returning them as graph values.
        let slots: Arc<Mutex<Vec<Option<J::Out>>>> = Arc::new(Mutex::new(
            std::iter::repeat_with(|| None).take(n).collect(),
        ));
        let failure: Arc<Mutex<Option<Error>>> = Arc::default();
        let graph = Graph::new();
        let mut first = 0;
        let mut parts = Vec::new();
        for len in chunk_lengths(n, self.workers().min(n.max(1))) {
            let chunk: Vec<J::In> = inputs[first..first + len].to_vec();
            let (job, runner) = (job.clone(), Arc::clone(&runner));
            let (slots, failure) = (Arc::clone(&slots), Arc::clone(&failure));
            let part = graph.delayed_on_worker(
                move |&offset: &usize, worker: usize| {
                    let mut spans = Vec::new();
                    let outs: Result<Vec<_>> = chunk
                        .iter()
                        .enumerate()
                        .map(|(i, x)| runner.run(&job, offset + i, worker, x, &mut spans))
                        .collect();
                    match outs {
                        Ok(outs) => {
                            let mut slots = slots.lock().unwrap_or_else(|p| p.into_inner());
                            for (i, out) in outs.into_iter().enumerate() {
                                slots[offset + i] = Some(out);
                            }
                        }
                        Err(e) => {
                            let mut failure = failure.lock().unwrap_or_else(|p| p.into_inner());
                            failure.get_or_insert(e);
                        }
                    }
                    spans
                },
                first,
            );
            parts.push(part);
            first += len;
        }
        let all = graph.reduce(
            |parts: &[&Vec<Span>]| {
                parts
                    .iter()
                    .flat_map(|p| p.iter().copied())
                    .collect::<Vec<_>>()
            },
            &parts,
        );
        let spans = all.compute(&self.client)?;
        if let Some(e) = failure.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(e);
        }
        let results = std::mem::take(&mut *slots.lock().unwrap_or_else(|p| p.into_inner()));
        Ok(runner.finish(
            results.into_iter().flatten().collect(),
            spans,
            self.workers(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::backends::kernel;

    static FORMATTED: AtomicUsize = AtomicUsize::new(0);

    /// An input that counts how often its `Debug` is formatted.
    #[derive(Clone, Serialize, Deserialize)]
    struct Counted(u32);

    impl std::fmt::Debug for Counted {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            FORMATTED.fetch_add(1, Ordering::SeqCst);
            write!(f, "Counted({})", self.0)
        }
    }

    #[test]
    fn client_map_formats_only_the_failing_input() {
        let client = Client::new(2).unwrap_or_else(|e| panic!("{e}"));
        let inputs: Vec<Counted> = (0..100).map(Counted).collect();
        let halve = kernel("halve", |c: &Counted| {
            assert!(c.0 != 37, "no");
            c.0 / 2
        });
        let ok = client.gather(client.submit_all(&halve, inputs[..30].to_vec()));
        assert_eq!(ok.map(|v| v.len()).ok(), Some(30));
        assert_eq!(FORMATTED.load(Ordering::SeqCst), 0);
        match client.gather(client.submit_all(&halve, inputs)) {
            Err(Error::TaskFailed {
                backend,
                worker,
                task,
                input,
                message,
            }) => {
                assert_eq!((backend, task), ("dask", 37));
                assert!(worker < 2);
                assert_eq!(input, "Counted(37)");
                assert_eq!(message, "panicked: no");
            }
            other => panic!("unexpected {:?}", other.map(|_| ())),
        }
        assert_eq!(FORMATTED.load(Ordering::SeqCst), 1);
    }
}
