//! The two ways to give tasks to engines, as in ipyparallel.

use std::collections::VecDeque;

use std::fmt::Debug;

use serde::{de::DeserializeOwned, Serialize};

use super::code::{self, Shipped};
use super::fork::fail;
use super::protocol::{read_frame, write_frame, Code, KernelInfo, Reply, Request};
use super::schedule::{self, Inputs, Plan, Tasks};
use super::{Cluster, Engine, Pool, Remote};
use crate::backends::{chunk_lengths, MapOptions, Mapped};
use crate::{Error, Result};

/// What an input must be to travel to an engine: serde, and printable for error messages.
pub trait RemoteInput: Serialize + Debug + Sync {}
impl<T: Serialize + Debug + Sync> RemoteInput for T {}

/// What an output must be to travel back from an engine.
pub trait RemoteOutput: DeserializeOwned + Send {}
impl<T: DeserializeOwned + Send> RemoteOutput for T {}

/// Tasks go to whichever engine is free (ipyparallel's `load_balanced_view`); its plain-function
/// methods (`map_sync`, `map`, `apply`) are documented with [`AsyncResult`](super::AsyncResult).
///
/// Each engine has a few tasks waiting in its pipe, so that it never idles during a round trip:
/// by default as many as it runs in about a millisecond (2 for long tasks, up to 256 for tiny
/// ones, measured as the map goes), which leaves at most about a millisecond of imbalance at the
/// end; [`prefetch`](Self::prefetch) fixes the number instead. When an engine dies mid-map, its
/// unanswered tasks run again on the others, and every result still comes back exactly once.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let cluster = parlab::cluster::Cluster::start(2)?;
/// let echo = parlab::cluster::Remote::<u64, u64>::named("noop");
/// let inputs: Vec<u64> = (0..1000).collect();
/// let mapped = cluster.load_balanced().run(&echo, &inputs)?;
/// assert_eq!(mapped.results, inputs);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LoadBalancedView<'a> {
    cluster: &'a Cluster,
    prefetch: Option<usize>,
}

/// Each engine gets one contiguous share of the inputs (ipyparallel's direct view, `rc[:]`).
///
/// # Examples
///
/// ```
/// use parlab::backends::MapOptions;
/// use parlab::prelude::*;
///
/// let cluster = parlab::cluster::Cluster::start(2)?;
/// let seeds: Vec<u32> = (0..10).collect();
/// let square = parlab::cluster::Remote::<u32, u32>::named("random-square");
/// let mapped = cluster.direct().run_with(&square, &seeds, &MapOptions::traced(true))?;
/// assert_eq!(mapped.results, [25, 25, 64, 64, 49, 9, 81, 16, 9, 25]);
/// let engines: Vec<usize> = mapped.trace.unwrap().spans.iter().map(|s| s.worker).collect();
/// assert_eq!(engines, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DirectView<'a> {
    cluster: &'a Cluster,
}

/// What a map runs: one of the engines' kernels, by name and types, or a plain function.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Job<'a> {
    Named(&'a KernelInfo),
    Plain(Shipped),
}

/// How a map spreads its tasks over the running engines.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Spread {
    /// One shared queue, with this many tasks in flight per engine (adaptive when `None`).
    Balanced(Option<usize>),
    /// One contiguous share per engine.
    Direct,
    /// Everything on the engine with this id.
    One(usize),
}

/// The load-balanced spread with the adaptive window (what `Backend::map` uses).
pub(crate) fn balanced() -> Spread {
    Spread::Balanced(None)
}

fn plan(spread: Spread, engines: &[&mut Engine], tasks: usize) -> Result<Plan> {
    Ok(match spread {
        Spread::Balanced(window) => Plan::Balanced { window },
        Spread::Direct => {
            let mut next = 0;
            let queues = chunk_lengths(tasks, engines.len())
                .map(|len| {
                    next += len;
                    (next - len..next).collect::<VecDeque<usize>>()
                })
                .collect();
            Plan::Direct { queues }
        }
        Spread::One(engine) => {
            let Some(at) = engines.iter().position(|e| e.id == engine) else {
                return Err(Error::invalid(
                    "engine",
                    format!(
                        "no running engine {engine}; running: {:?}",
                        engines.iter().map(|e| e.id).collect::<Vec<_>>()
                    ),
                ));
            };
            let mut queues = vec![VecDeque::new(); engines.len()];
            queues[at].extend(0..tasks);
            Plan::Direct { queues }
        }
    })
}

/// The index of the named kernel `want` in `engine`'s table, checking name and types.
fn resolve(engine: &Engine, want: &KernelInfo) -> Result<u32> {
    let Some(i) = engine.kernels.iter().position(|k| k.name == want.name) else {
        let known: Vec<&str> = engine.kernels.iter().map(|k| k.name.as_str()).collect();
        return Err(fail(format!(
            "the engines have no kernel named {:?} (they have: {}); map a plain function \
             instead (view.map_sync(f, inputs)), or register yours in a KernelRegistry and start \
             the cluster with Cluster::builder().kernels(registry)",
            want.name,
            known.join(", ")
        )));
    };
    let have = &engine.kernels[i];
    if (&have.input, &have.output) != (&want.input, &want.output) {
        return Err(fail(format!(
            "the engines' kernel {:?} maps {} -> {}, but this map has {} -> {}",
            want.name, have.input, have.output, want.input, want.output
        )));
    }
    Ok(i as u32)
}

/// Where a plain function's code is, found once per map.
type Located = (Code, Option<Code>);

/// The slot of plain function `shipped` in `engine`'s table, defining it there first if needed;
/// `Ok(None)` when the engine turns out to be dead.
fn define(
    engine: &mut Engine,
    shipped: Shipped,
    located: &mut Option<Located>,
) -> Result<Option<u32>> {
    if let Some(&slot) = engine.functions.get(&shipped) {
        return Ok(Some(slot));
    }
    if !engine.forked() {
        return Err(fail(format!(
            "engine {} is a program of its own (started with ClusterBuilder::engine or \
             $PARLAB_ENGINE), not a copy of this process: it runs kernels by name only, never \
             this process's functions. Start the cluster with Cluster::start(n) to map plain \
             functions",
            engine.id
        )));
    }
    if located.is_none() {
        let function = (shipped.function != 0)
            .then(|| code::locate(shipped.function))
            .transpose();
        *located = Some((
            code::locate(shipped.trampoline).map_err(fail)?,
            function.map_err(fail)?,
        ));
    }
    let Some((trampoline, function)) = located.clone() else {
        return Err(fail("no code located"));
    };
    let sent = write_frame(
        &mut engine.stdin,
        &Request::Define {
            trampoline,
            function,
        },
    )
    .and_then(|()| Ok(std::io::Write::flush(&mut engine.stdin)?));
    match sent.and_then(|()| read_frame::<Reply>(&mut engine.stdout)) {
        Ok(Some(Reply::Defined { slot })) => {
            engine.functions.insert(shipped, slot);
            Ok(Some(slot))
        }
        Ok(Some(Reply::Refused { message })) => Err(fail(format!(
            "engine {} cannot run this function: {message}",
            engine.id
        ))),
        _ => {
            engine.alive = false;
            Ok(None)
        }
    }
}

/// Runs `job` over `tasks` on the running engines of `pool`, spread as `spread`.
pub(crate) fn run_job<O: RemoteOutput>(
    pool: &Pool,
    job: Job<'_>,
    tasks: &dyn Tasks,
    options: &MapOptions,
    spread: Spread,
) -> Result<Mapped<O>> {
    let mut guard = pool.lock();
    let workers = guard.len();
    let mut index = Vec::new();
    let mut located = None;
    let mut engines: Vec<&mut Engine> = Vec::new();
    for engine in guard.iter_mut().filter(|e| e.alive) {
        let slot = match job {
            Job::Named(want) => Some(resolve(engine, want)?),
            Job::Plain(shipped) => define(engine, shipped, &mut located)?,
        };
        if let Some(slot) = slot {
            index.push(slot);
            engines.push(engine);
        }
    }
    if engines.is_empty() {
        return Err(fail("no engine is running; start a new cluster"));
    }
    let plan = plan(spread, &engines, tasks.len())?;
    let mapped = schedule::run(&mut engines, &index, tasks, plan, options, workers);
    if matches!(mapped, Err(Error::TimedOut { .. })) {
        // The engines the timeout killed are reaped and replaced, so the cluster goes on.
        for engine in guard.iter_mut().filter(|e| !e.alive) {
            engine.process.kill();
            engine.process.wait();
            if let Ok(fresh) = pool.launch.spawn(engine.id) {
                *engine = fresh;
            }
        }
    }
    mapped
}

/// Runs the plain function `shipped` over `tasks` (see [`run_job`]).
pub(crate) fn run_plain<O: RemoteOutput>(
    pool: &Pool,
    shipped: Shipped,
    tasks: &dyn Tasks,
    options: &MapOptions,
    spread: Spread,
) -> Result<Mapped<O>> {
    run_job(pool, Job::Plain(shipped), tasks, options, spread)
}

/// Runs the engines' kernel `kernel` over `inputs`.
fn run_named<I: RemoteInput, O: RemoteOutput>(
    cluster: &Cluster,
    kernel: &Remote<I, O>,
    inputs: &[I],
    options: &MapOptions,
    spread: Spread,
) -> Result<Mapped<O>> {
    let want = KernelInfo::of::<I, O>(kernel.name());
    run_job(
        cluster.pool(),
        Job::Named(&want),
        &Inputs::debug(inputs),
        options,
        spread,
    )
}

impl<'a> LoadBalancedView<'a> {
    pub(crate) fn new(cluster: &'a Cluster) -> Self {
        LoadBalancedView {
            cluster,
            prefetch: None,
        }
    }

    pub(crate) fn cluster(&self) -> &'a Cluster {
        self.cluster
    }

    pub(crate) fn spread(&self) -> Spread {
        Spread::Balanced(self.prefetch)
    }

    /// Exactly `prefetch` tasks in flight per engine (at least 1) instead of the adaptive
    /// number: more hides more of the pipe's latency for tiny tasks, fewer balances long tasks
    /// better; 1 is one synchronous round trip per task.
    pub fn prefetch(self, prefetch: usize) -> Self {
        LoadBalancedView {
            prefetch: Some(prefetch.max(1)),
            ..self
        }
    }

    /// Applies the engines' kernel `kernel` (by name) to every input; results in input order.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the engines lack the kernel, or all engines died;
    /// [`Error::TaskFailed`] when a task panicked.
    pub fn run<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        inputs: &[I],
    ) -> Result<Mapped<O>> {
        self.run_with(kernel, inputs, &MapOptions::default())
    }

    /// [`run`](Self::run) with options (a task stream per engine when `trace`).
    ///
    /// # Errors
    ///
    /// As [`run`](Self::run).
    pub fn run_with<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        inputs: &[I],
        options: &MapOptions,
    ) -> Result<Mapped<O>> {
        run_named(self.cluster, kernel, inputs, options, self.spread())
    }
}

pub(crate) fn single<O>(mapped: Mapped<O>) -> Result<O> {
    mapped
        .results
        .into_iter()
        .next()
        .ok_or_else(|| fail("no result came back"))
}

impl<'a> DirectView<'a> {
    pub(crate) fn new(cluster: &'a Cluster) -> Self {
        DirectView { cluster }
    }

    pub(crate) fn cluster(&self) -> &'a Cluster {
        self.cluster
    }

    /// Splits the inputs into one contiguous share per running engine (in engine order) and
    /// runs the engines' kernel `kernel` (by name); results in input order.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the engines lack the kernel; [`Error::TaskFailed`] when a task
    /// panicked or its engine died.
    pub fn run<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        inputs: &[I],
    ) -> Result<Mapped<O>> {
        self.run_with(kernel, inputs, &MapOptions::default())
    }

    /// [`run`](Self::run) with options.
    ///
    /// # Errors
    ///
    /// As [`run`](Self::run).
    pub fn run_with<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        inputs: &[I],
        options: &MapOptions,
    ) -> Result<Mapped<O>> {
        run_named(self.cluster, kernel, inputs, options, Spread::Direct)
    }
}

/// Runs the engines' kernel `kernel` on `input` on engine `engine`.
pub(crate) fn run_one<I: RemoteInput, O: RemoteOutput>(
    cluster: &Cluster,
    engine: usize,
    kernel: &Remote<I, O>,
    input: &I,
) -> Result<O> {
    let inputs = std::slice::from_ref(input);
    single(run_named(
        cluster,
        kernel,
        inputs,
        &MapOptions::default(),
        Spread::One(engine),
    )?)
}
