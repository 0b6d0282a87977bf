//! The baseline: a plain loop on the calling thread.

use super::{Backend, Kernel, MapOptions, Mapped, Runner};
use crate::Result;

/// Runs every task in order on the calling thread: the module's "non-parallelized" row.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let mapped = Sequential.map(&kernel("square", |s: &u32| random_square(*s)), &[0, 1, 2])?;
/// assert_eq!(mapped.results, [25, 25, 64]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Sequential;

impl Backend for Sequential {
    fn name(&self) -> &'static str {
        "sequential"
    }

    fn workers(&self) -> usize {
        1
    }

    fn map_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        let runner = Runner::new_on(self.name(), options, inputs.len(), 1);
        let mut spans = Vec::new();
        let results = inputs
            .iter()
            .enumerate()
            .map(|(i, x)| runner.run(kernel, i, 0, x, &mut spans))
            .collect::<Result<Vec<_>>>()?;
        Ok(runner.finish(results, spans, 1))
    }
}
