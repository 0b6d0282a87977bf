//! A map's inputs as the scheduler sees them.

use std::fmt::Debug;

use serde::Serialize;

use super::protocol::encode;

/// The inputs of one map, as the scheduler sees them: bytes to send and text for errors. Behind
/// a `dyn`, so the scheduler is compiled once in parlab, not again for every input type in every
/// notebook cell that maps on the cluster.
pub(crate) trait Tasks: Sync {
    fn len(&self) -> usize;
    fn encode(&self, task: usize) -> std::io::Result<Vec<u8>>;
    fn describe(&self, task: usize) -> String;
}

/// Inputs described with `Debug` in error messages.
pub(crate) struct Inputs<'a, I>(pub &'a [I]);

impl<I: Serialize + Debug + Sync> Tasks for Inputs<'_, I> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn encode(&self, task: usize) -> std::io::Result<Vec<u8>> {
        encode(&self.0[task])
    }

    fn describe(&self, task: usize) -> String {
        self.0
            .get(task)
            .map_or_else(String::new, |x| format!("{x:?}"))
    }
}

/// Inputs described as JSON in error messages (a plain function's input need not be `Debug`).
pub(crate) struct JsonInputs<'a, I>(pub &'a [I]);

impl<I: Serialize + Sync> Tasks for JsonInputs<'_, I> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn encode(&self, task: usize) -> std::io::Result<Vec<u8>> {
        encode(&self.0[task])
    }

    fn describe(&self, task: usize) -> String {
        self.0
            .get(task)
            .and_then(|x| serde_json::to_string(x).ok())
            .unwrap_or_else(|| format!("input {task}"))
    }
}
