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

/// The inputs of one map and how an error message describes one of them.
pub(crate) struct Inputs<'a, I> {
    items: &'a [I],
    describe: fn(&I) -> Option<String>,
}

impl<'a, I: Serialize + Debug> Inputs<'a, I> {
    /// Inputs described with `Debug` in error messages.
    pub(crate) fn debug(items: &'a [I]) -> Self {
        Inputs {
            items,
            describe: |x| Some(format!("{x:?}")),
        }
    }
}

impl<'a, I: Serialize> Inputs<'a, I> {
    /// Inputs described as JSON in error messages (a plain function's input need not be `Debug`).
    pub(crate) fn json(items: &'a [I]) -> Self {
        Inputs {
            items,
            describe: |x| serde_json::to_string(x).ok(),
        }
    }
}

impl<I: Serialize + Sync> Tasks for Inputs<'_, I> {
    fn len(&self) -> usize {
        self.items.len()
    }

    fn encode(&self, task: usize) -> std::io::Result<Vec<u8>> {
        Ok(encode(&self.items[task])?)
    }

    fn describe(&self, task: usize) -> String {
        self.items
            .get(task)
            .and_then(self.describe)
            .unwrap_or_else(|| format!("input {task}"))
    }
}
