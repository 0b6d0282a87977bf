//! std scoped threads, one contiguous chunk of inputs per worker.

use super::{chunk_lengths, Backend, Job, MapOptions, Mapped, Runner};
use crate::Result;

/// Splits the inputs into one contiguous chunk per worker and runs each chunk on its own
/// [`std::thread::scope`] thread: the simplest parallel map, with no balancing between chunks.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let threads = Threads::new(3)?;
/// assert_eq!(threads.map(|x: i32| x + 1, [1, 2, 3, 4, 5])?, [2, 3, 4, 5, 6]);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Threads {
    workers: usize,
}

impl Threads {
    /// A backend of `workers` threads per map.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroWorkers`](crate::Error::ZeroWorkers) when `workers == 0`.
    pub fn new(workers: usize) -> Result<Self> {
        crate::limits::check_workers(workers)?;
        Ok(Threads { workers })
    }
}

backend_impl!(Threads, "threads", |s| s.workers);

plain_maps!(Threads, "Threads::new(2)?", in_process);

impl Threads {
    pub(crate) fn exec<J: Job>(
        &self,
        job: &J,
        inputs: &[J::In],
        options: &MapOptions,
    ) -> Result<Mapped<J::Out>> {
        let runner = Runner::new_on(self.name(), options, inputs.len(), self.workers());
        let runner = &runner;
        let chunks = std::thread::scope(|scope| {
            let mut offset = 0;
            let handles: Vec<_> = chunk_lengths(inputs.len(), self.workers)
                .enumerate()
                .map(|(worker, len)| {
                    let first = offset;
                    offset += len;
                    let chunk = &inputs[first..first + len];
                    scope.spawn(move || {
                        let mut spans = Vec::new();
                        let out = chunk
                            .iter()
                            .enumerate()
                            .map(|(i, x)| runner.run(job, first + i, worker, x, &mut spans))
                            .collect::<Result<Vec<_>>>();
                        out.map(|r| (r, spans))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("task panics are caught inside the worker"))
                .collect::<Vec<_>>()
        });
        let mut results = Vec::with_capacity(inputs.len());
        let mut spans = Vec::new();
        for chunk in chunks {
            let (r, s) = chunk?;
            results.extend(r);
            spans.extend(s);
        }
        Ok(runner.finish(results, spans, self.workers))
    }
}
