//! The baseline: a plain loop on the calling thread.

use super::{Backend, Job, MapOptions, Mapped, Runner};
use crate::Result;

/// Runs every task in order on the calling thread: the module's "non-parallelized" row.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// use parlab::numpy::random::{randint, seed};
///
/// fn random_square(myseed: u32) -> u32 {
///     seed(myseed);
///     let random_num = randint(0, 10);
///     (random_num * random_num) as u32
/// }
/// // The module's list comprehension, [random_square(s) for s in range(5)] ...
/// let squares: Vec<u32> = (0..5).map(random_square).collect();
/// // ... and the same as a map on the baseline backend.
/// assert_eq!(Sequential.map(random_square, 0..5)?, squares);
/// assert_eq!(squares, [25, 25, 64, 64, 49]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Sequential;

backend_impl!(Sequential, "sequential", |_s| 1);

plain_maps!(Sequential, "Sequential", in_process);

impl Sequential {
    pub(crate) fn exec<J: Job>(
        &self,
        job: &J,
        inputs: &[J::In],
        options: &MapOptions,
    ) -> Result<Mapped<J::Out>> {
        let runner = Runner::new_on(self.name(), options, inputs.len(), 1);
        let mut spans = Vec::new();
        let results = inputs
            .iter()
            .enumerate()
            .map(|(i, x)| runner.run(job, i, 0, x, &mut spans))
            .collect::<Result<Vec<_>>>()?;
        Ok(runner.finish(results, spans, 1))
    }
}
