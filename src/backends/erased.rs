//! A plain function's map with its types erased, so that a notebook cell compiles only a thin
//! shell.
//!
//! evcxr compiles every cell as a crate of its own, and a generic function of parlab's called
//! there is compiled again, in that cell, for the cell's types: `pool.map(random_square, xs)`
//! would instantiate the backend's whole machinery (its scheduler, the runner, the forked
//! workers' pipes) for `random_square`'s type, about a second of compiling per cell.
//!
//! So the backends' inherent `map` (see `plain_maps!`) wraps the function and its inputs in an
//! [`Erased`] job, whose type is the same for every function, and hands it to a backend method
//! that is not generic (`map_erased`), compiled once inside parlab. Task `i` runs
//! `f(inputs[i].clone())` and leaves its output where the shell collects it:
//!
//! - in-process backends: in the map's [`Outputs`], one slot per task;
//! - process backends: as bytes (postcard, the pipes' own format), which the forked worker
//!   sends back like any output and the shell decodes.

use std::sync::{Arc, Mutex, PoisonError};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Backend, Job, MapOptions, Mapped};
use crate::{Error, Result};

/// A backend's one compiled map of erased jobs (`O`: `()` in process, `Vec<u8>` across
/// processes), written by `plain_maps!`; not generic, so compiled once, inside parlab.
pub(crate) trait MapErased<O> {
    /// Runs tasks `0..n` of `job`.
    fn map_erased(&self, job: &Erased<O>, n: usize, options: &MapOptions) -> Result<Mapped<O>>;
}

/// The in-process backends' `map_with`: `f` over `inputs`, the outputs through their slots.
pub(crate) fn in_process<B, F, I, O>(
    backend: &B,
    f: F,
    inputs: Vec<I>,
    options: &MapOptions,
) -> Result<Mapped<O>>
where
    B: Backend + MapErased<()>,
    F: Fn(I) -> O + Send + Sync + 'static,
    I: Clone + Send + Sync + 'static,
    O: Send + 'static,
{
    let n = inputs.len();
    let (job, outputs) = into_slots(f, inputs);
    let mapped = backend.map_erased(&job, n, options)?;
    Ok(Mapped {
        results: outputs.take(backend.name())?,
        seconds: mapped.seconds,
        trace: mapped.trace,
    })
}

/// The process backends' `map_with`: `f` over `inputs`, each output encoded in its worker.
pub(crate) fn processes<B, F, I, O>(
    backend: &B,
    f: F,
    inputs: Vec<I>,
    options: &MapOptions,
) -> Result<Mapped<O>>
where
    B: Backend + MapErased<Vec<u8>>,
    F: Fn(I) -> O + Send + Sync + 'static,
    I: Clone + Send + Sync + 'static,
    O: Serialize + DeserializeOwned + 'static,
{
    let n = inputs.len();
    let job = into_bytes(f, inputs);
    let mapped = backend.map_erased(&job, n, options)?;
    Ok(Mapped {
        results: decode_all(backend.name(), mapped.results)?,
        seconds: mapped.seconds,
        trace: mapped.trace,
    })
}

/// A task of an erased map: its index in, `O` out; `O` is `()` (the output went to its slot)
/// or `Vec<u8>` (the encoded output), never the mapped function's own type.
pub(crate) struct Erased<O> {
    run: Arc<dyn Fn(usize) -> O + Send + Sync>,
}

impl<O> Clone for Erased<O> {
    fn clone(&self) -> Self {
        Erased {
            run: Arc::clone(&self.run),
        }
    }
}

impl<O: Send + 'static> Job for Erased<O> {
    type In = usize;
    type Out = O;

    fn apply(&self, task: &usize) -> O {
        (self.run)(*task)
    }

    fn describe(&self, _: &usize) -> String {
        super::job::NOT_SHOWN.to_string()
    }
}

/// The tasks `0..n` of an erased map: what the backends' machinery maps.
pub(crate) fn tasks(n: usize) -> Vec<usize> {
    (0..n).collect()
}

/// One slot per task of an in-process map, filled by the tasks and emptied by the shell.
pub(crate) struct Outputs<O> {
    slots: Vec<Mutex<Option<O>>>,
}

impl<O> Outputs<O> {
    /// Takes every output in task order; `backend` names the map in the error for a slot left
    /// empty (which the backends report as a failed task first, so it means a bug).
    pub(crate) fn take(&self, backend: &'static str) -> Result<Vec<O>> {
        self.slots
            .iter()
            .enumerate()
            .map(|(task, slot)| {
                slot.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take()
                    .ok_or_else(|| Error::Backend {
                        backend,
                        message: format!(
                            "task {task} finished without an output (a bug in parlab)"
                        ),
                    })
            })
            .collect()
    }
}

/// `f` over `inputs` for an in-process backend: the job and the slots its tasks fill.
fn into_slots<F, I, O>(f: F, inputs: Vec<I>) -> (Erased<()>, Arc<Outputs<O>>)
where
    F: Fn(I) -> O + Send + Sync + 'static,
    I: Clone + Send + Sync + 'static,
    O: Send + 'static,
{
    let outputs = Arc::new(Outputs {
        slots: inputs.iter().map(|_| Mutex::new(None)).collect(),
    });
    let filled = Arc::clone(&outputs);
    let run = move |task: usize| {
        let out = f(inputs[task].clone());
        *filled.slots[task]
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(out);
    };
    (Erased { run: Arc::new(run) }, outputs)
}

/// `f` over `inputs` for a process backend: each output encoded in the worker.
fn into_bytes<F, I, O>(f: F, inputs: Vec<I>) -> Erased<Vec<u8>>
where
    F: Fn(I) -> O + Send + Sync + 'static,
    I: Clone + Send + Sync + 'static,
    O: Serialize + 'static,
{
    let run = move |task: usize| {
        let out = f(inputs[task].clone());
        // A failure here is the task's: it panics in the worker, which reports it as such.
        postcard::to_allocvec(&out)
            .unwrap_or_else(|e| panic!("its output could not be encoded to send back: {e}"))
    };
    Erased { run: Arc::new(run) }
}

/// Decodes the outputs of [`into_bytes`]' tasks.
fn decode_all<O: DeserializeOwned>(backend: &'static str, encoded: Vec<Vec<u8>>) -> Result<Vec<O>> {
    encoded
        .iter()
        .enumerate()
        .map(|(task, bytes)| {
            postcard::from_bytes(bytes).map_err(|e| Error::Backend {
                backend,
                message: format!("the output of task {task} could not be decoded: {e}"),
            })
        })
        .collect()
}
