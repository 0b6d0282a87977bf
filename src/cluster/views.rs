//! The two ways to give tasks to engines, as in ipyparallel.

use std::collections::VecDeque;

use std::fmt::Debug;

use serde::{de::DeserializeOwned, Serialize};

use super::protocol::KernelInfo;
use super::schedule::{self, Plan};
use super::{Cluster, Engine, Remote};
use crate::backends::{chunk_lengths, MapOptions, Mapped};
use crate::{Error, Result};

/// What an input must be to travel to an engine: serde, and printable for error messages.
pub trait RemoteInput: Serialize + Debug + Sync {}
impl<T: Serialize + Debug + Sync> RemoteInput for T {}

/// What an output must be to travel back from an engine.
pub trait RemoteOutput: DeserializeOwned + Send {}
impl<T: DeserializeOwned + Send> RemoteOutput for T {}

/// Tasks go to whichever engine is free (ipyparallel's `load_balanced_view`).
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
/// let mapped = cluster.load_balanced().map(&echo, &inputs)?;
/// assert_eq!(mapped.results, inputs);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LoadBalancedView<'a> {
    cluster: &'a Cluster,
    prefetch: Option<usize>,
}

/// Each engine gets one contiguous share of the inputs (ipyparallel's direct view, `rc[:]`),
/// and [`apply`](DirectView::apply) runs one task on the engine you name.
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
/// let mapped = cluster.direct().map_with(&square, &seeds, &MapOptions::traced(true))?;
/// assert_eq!(mapped.results, [25, 25, 64, 64, 49, 9, 81, 16, 9, 25]);
/// let engines: Vec<usize> = mapped.trace.unwrap().spans.iter().map(|s| s.worker).collect();
/// assert_eq!(engines, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DirectView<'a> {
    cluster: &'a Cluster,
}

/// The index of `kernel` in each engine's table, checking name and types.
fn resolve<I, O>(engines: &[&mut Engine], kernel: &Remote<I, O>) -> Result<Vec<u32>> {
    let want = KernelInfo::of::<I, O>(kernel.name());
    engines
        .iter()
        .map(|e| {
            let Some(i) = e.kernels.iter().position(|k| k.name == want.name) else {
                let known: Vec<&str> = e.kernels.iter().map(|k| k.name.as_str()).collect();
                return Err(Error::Backend {
                    backend: "cluster",
                    message: format!(
                        "the engines have no kernel named {:?} (they have: {}); engines run only \
                         kernels compiled into them: register yours in a KernelRegistry, serve it \
                         with parlab::cluster::engine_main from a program of your own, and start \
                         the cluster with Cluster::builder().engine(that program)",
                        want.name,
                        known.join(", ")
                    ),
                });
            };
            let have = &e.kernels[i];
            if (&have.input, &have.output) != (&want.input, &want.output) {
                return Err(Error::Backend {
                    backend: "cluster",
                    message: format!(
                        "the engines' kernel {:?} maps {} -> {}, but this map has {} -> {}",
                        want.name, have.input, have.output, want.input, want.output
                    ),
                });
            }
            Ok(i as u32)
        })
        .collect()
}

/// Runs a map on the running engines of `cluster`; `plan` gets their positions.
fn run_on<I: RemoteInput, O: RemoteOutput>(
    cluster: &Cluster,
    kernel: &Remote<I, O>,
    inputs: &[I],
    options: &MapOptions,
    plan: impl FnOnce(&[&mut Engine]) -> Result<Plan>,
) -> Result<Mapped<O>> {
    let mut guard = cluster.lock();
    let workers = guard.len();
    let mut engines: Vec<&mut Engine> = guard.iter_mut().filter(|e| e.alive).collect();
    if engines.is_empty() {
        return Err(Error::Backend {
            backend: "cluster",
            message: "no engine is running; start a new cluster".into(),
        });
    }
    let index = resolve(&engines, kernel)?;
    let plan = plan(&engines)?;
    let mapped = schedule::run(&mut engines, &index, inputs, plan, options, workers);
    if matches!(mapped, Err(Error::TimedOut { .. })) {
        // The engines the timeout killed are reaped and replaced, so the cluster goes on.
        for engine in guard.iter_mut().filter(|e| !e.alive) {
            let _ = engine.child.kill();
            let _ = engine.child.wait();
            if let Ok(fresh) = super::locate::spawn(cluster.program(), engine.id) {
                *engine = fresh;
            }
        }
    }
    mapped
}

impl<'a> LoadBalancedView<'a> {
    pub(crate) fn new(cluster: &'a Cluster) -> Self {
        LoadBalancedView {
            cluster,
            prefetch: None,
        }
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

    /// Applies `kernel` (by name) to every input; results in input order.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the engines lack the kernel, or all engines died;
    /// [`Error::TaskFailed`] when a task panicked.
    pub fn map<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        inputs: &[I],
    ) -> Result<Mapped<O>> {
        self.map_with(kernel, inputs, &MapOptions::default())
    }

    /// [`map`](Self::map) with options (a task stream per engine when `trace`).
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map).
    pub fn map_with<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        inputs: &[I],
        options: &MapOptions,
    ) -> Result<Mapped<O>> {
        let window = self.prefetch;
        run_on(self.cluster, kernel, inputs, options, |_| {
            Ok(Plan::Balanced { window })
        })
    }

    /// Runs one task on whichever engine is free.
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map).
    pub fn apply<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        input: &I,
    ) -> Result<O> {
        let mapped = self.map(kernel, std::slice::from_ref(input))?;
        single(mapped)
    }
}

fn single<O>(mapped: Mapped<O>) -> Result<O> {
    mapped.results.into_iter().next().ok_or(Error::Backend {
        backend: "cluster",
        message: "no result came back".into(),
    })
}

impl<'a> DirectView<'a> {
    pub(crate) fn new(cluster: &'a Cluster) -> Self {
        DirectView { cluster }
    }

    /// Splits the inputs into one contiguous share per running engine (in engine order) and
    /// maps `kernel` (by name); results in input order.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the engines lack the kernel; [`Error::TaskFailed`] when a task
    /// panicked or its engine died.
    pub fn map<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        inputs: &[I],
    ) -> Result<Mapped<O>> {
        self.map_with(kernel, inputs, &MapOptions::default())
    }

    /// [`map`](Self::map) with options.
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map).
    pub fn map_with<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        inputs: &[I],
        options: &MapOptions,
    ) -> Result<Mapped<O>> {
        run_on(self.cluster, kernel, inputs, options, |engines| {
            let mut next = 0;
            let queues = chunk_lengths(inputs.len(), engines.len())
                .map(|len| {
                    next += len;
                    (next - len..next).collect::<VecDeque<usize>>()
                })
                .collect();
            Ok(Plan::Direct { queues })
        })
    }

    /// Runs `kernel` on `input` on engine number `engine` (`rc[engine].apply_sync`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when there is no running engine with that number; otherwise as
    /// [`map`](Self::map).
    pub fn apply<I: RemoteInput, O: RemoteOutput>(
        &self,
        engine: usize,
        kernel: &Remote<I, O>,
        input: &I,
    ) -> Result<O> {
        let inputs = std::slice::from_ref(input);
        let mapped = run_on(
            self.cluster,
            kernel,
            inputs,
            &MapOptions::default(),
            |engines| {
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
                queues[at].push_back(0);
                Ok(Plan::Direct { queues })
            },
        )?;
        single(mapped)
    }
}
