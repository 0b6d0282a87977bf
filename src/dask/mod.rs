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
use std::time::Instant;

use crate::backends::{
    chunk_lengths, panic_message, Backend, Kernel, MapOptions, Mapped, Runner, Span,
};
use crate::{Error, Result};

mod bag;
mod compute;
mod delayed;
mod pool;

use pool::{Pool, Submitter};

pub use bag::Bag;
pub use delayed::{Delayed, Graph};

/// The scheduler's workers (dask's `Client(n_workers=...)`): a thread pool owned by this value.
///
/// # Examples
///
/// ```
/// use parlab::dask::Client;
/// use parlab::prelude::*;
///
/// let client = Client::new(2)?;
/// let futures = client.map(&kernel("square", |s: &u32| random_square(*s)), &[0, 1, 2]);
/// assert_eq!(client.gather(futures)?, [25, 25, 64]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct Client {
    pool: Pool,
    workers: usize,
}

/// The pending results of [`Client::map`], one per input; [`Client::gather`] waits for them.
#[derive(Debug)]
pub struct Futures<O> {
    rx: Receiver<(usize, std::result::Result<O, String>, Span)>,
    inputs: Vec<String>,
}

impl Client {
    /// Starts `workers` worker threads.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`] for zero workers, [`Error::Backend`] when threads cannot start.
    pub fn new(workers: usize) -> Result<Self> {
        crate::error::check_workers(workers)?;
        let pool = Pool::new(workers)?;
        Ok(Client { pool, workers })
    }

    /// Number of workers.
    pub fn workers(&self) -> usize {
        self.workers
    }

    pub(crate) fn submitter(&self) -> &Arc<Submitter> {
        self.pool.submitter()
    }

    /// Submits one task per input at once and returns their futures (`client.map`).
    pub fn map<K: Kernel>(&self, kernel: &K, inputs: &[K::Input]) -> Futures<K::Output> {
        let (tx, rx) = channel();
        let origin = Instant::now();
        for (task, input) in inputs.iter().enumerate() {
            let (tx, kernel, input) = (tx.clone(), kernel.clone(), input.clone());
            self.pool.submitter().submit(Box::new(move |worker| {
                let start = origin.elapsed().as_secs_f64();
                let out =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| kernel.call(&input)))
                        .map_err(|p| panic_message(p.as_ref()));
                let end = origin.elapsed().as_secs_f64();
                let _ = tx.send((
                    task,
                    out,
                    Span {
                        task,
                        worker,
                        start,
                        end,
                    },
                ));
            }));
        }
        Futures {
            rx,
            inputs: inputs.iter().map(|x| format!("{x:?}")).collect(),
        }
    }

    /// Waits for every future and returns the results in input order (`client.gather`).
    ///
    /// # Errors
    ///
    /// [`Error::TaskFailed`] for the first task that panicked (in input order).
    pub fn gather<O>(&self, futures: Futures<O>) -> Result<Vec<O>> {
        let n = futures.inputs.len();
        let mut slots: Vec<Option<std::result::Result<O, String>>> =
            std::iter::repeat_with(|| None).take(n).collect();
        let mut spans = Vec::with_capacity(n);
        for _ in 0..n {
            let Ok((task, out, span)) = futures.rx.recv() else {
                break;
            };
            slots[task] = Some(out);
            spans.push(span);
        }
        let mut results = Vec::with_capacity(n);
        for (task, slot) in slots.into_iter().enumerate() {
            let failed = |message| Error::TaskFailed {
                backend: "dask",
                worker: spans
                    .iter()
                    .find(|s| s.task == task)
                    .map_or(0, |s| s.worker),
                task,
                input: futures.inputs[task].clone(),
                message,
            };
            match slot {
                Some(Ok(out)) => results.push(out),
                Some(Err(message)) => return Err(failed(message)),
                None => return Err(failed("the task was lost".into())),
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
/// let run = squares(&dask, 0, 100_000, true)?;
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

impl Backend for Dask {
    fn name(&self) -> &'static str {
        "dask"
    }

    fn workers(&self) -> usize {
        self.client.workers
    }

    fn map_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        let origin = Instant::now();
        let n = inputs.len();
        let ticker = Arc::new(crate::backends::Ticker::new(options, n, origin));
        // Outputs need not be `Sync` or `Clone`, so partitions write into shared slots (and the
        // first error into `failure`) instead of returning them as graph values.
        let slots: Arc<Mutex<Vec<Option<K::Output>>>> = Arc::new(Mutex::new(
            std::iter::repeat_with(|| None).take(n).collect(),
        ));
        let failure: Arc<Mutex<Option<Error>>> = Arc::default();
        let graph = Graph::new();
        let mut first = 0;
        let mut parts = Vec::new();
        for len in chunk_lengths(n, self.workers().min(n.max(1))) {
            let chunk: Vec<K::Input> = inputs[first..first + len].to_vec();
            let (kernel, trace) = (kernel.clone(), options.trace);
            let (slots, failure) = (Arc::clone(&slots), Arc::clone(&failure));
            let ticker = Arc::clone(&ticker);
            let part = graph.delayed_on_worker(
                move |&offset: &usize, worker: usize| {
                    let runner = Runner::at(&kernel, "dask", trace, origin);
                    let mut spans = Vec::new();
                    let outs: Result<Vec<_>> = chunk
                        .iter()
                        .enumerate()
                        .map(|(i, x)| runner.run(offset + i, worker, x, &mut spans))
                        .collect();
                    match outs {
                        Ok(outs) => {
                            let done = outs.len();
                            let mut slots = slots.lock().unwrap_or_else(|p| p.into_inner());
                            for (i, out) in outs.into_iter().enumerate() {
                                slots[offset + i] = Some(out);
                            }
                            drop(slots);
                            ticker.add(done);
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
        Ok(Mapped::finish(
            results.into_iter().flatten().collect(),
            spans,
            "dask",
            self.workers(),
            options.trace,
            origin,
        ))
    }
}
