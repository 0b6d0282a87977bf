//! What every in-process backend does per task: catch panics, record spans, report progress.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use super::{Kernel, MapOptions, Mapped, Span, Ticker};
use crate::{Error, Result};

/// Runs tasks on one worker, catching panics and recording spans when tracing.
pub(crate) struct Runner<'a, K: Kernel> {
    pub kernel: &'a K,
    pub backend: &'static str,
    pub origin: Instant,
    pub trace: bool,
    pub ticker: Ticker,
}

impl<'a, K: Kernel> Runner<'a, K> {
    /// A runner for one map of `total` tasks, starting the clock now.
    pub fn new(kernel: &'a K, backend: &'static str, options: &MapOptions, total: usize) -> Self {
        let origin = Instant::now();
        Runner {
            kernel,
            backend,
            origin,
            trace: options.trace,
            ticker: Ticker::new(options, total, origin),
        }
    }

    /// A runner without progress reports whose spans count from `origin` (for backends that
    /// start several runners per map, like the dask graph).
    pub fn at(kernel: &'a K, backend: &'static str, trace: bool, origin: Instant) -> Self {
        Runner {
            kernel,
            backend,
            origin,
            trace,
            ticker: Ticker::new(&MapOptions::default(), 0, origin),
        }
    }

    /// Runs task `task` (input `input`) on `worker`, pushing its span to `spans` when tracing.
    pub fn run(
        &self,
        task: usize,
        worker: usize,
        input: &K::Input,
        spans: &mut Vec<Span>,
    ) -> Result<K::Output> {
        let start = self.trace.then(|| self.origin.elapsed().as_secs_f64());
        let out =
            catch_unwind(AssertUnwindSafe(|| self.kernel.call(input))).map_err(|payload| {
                Error::TaskFailed {
                    backend: self.backend,
                    worker,
                    task,
                    input: format!("{input:?}"),
                    message: panic_message(payload.as_ref()),
                }
            })?;
        if let Some(start) = start {
            let end = self.origin.elapsed().as_secs_f64();
            spans.push(Span {
                task,
                worker,
                start,
                end,
            });
        }
        self.ticker.add(1);
        Ok(out)
    }

    /// Packs results and spans into a [`Mapped`].
    pub fn finish(
        &self,
        results: Vec<K::Output>,
        spans: Vec<Span>,
        workers: usize,
    ) -> Mapped<K::Output> {
        Mapped::finish(
            results,
            spans,
            self.backend,
            workers,
            self.trace,
            self.origin,
        )
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".to_string()
    }
}

/// Splits `len` items into `parts` contiguous chunk lengths that differ by at most one.
pub(crate) fn chunk_lengths(len: usize, parts: usize) -> impl Iterator<Item = usize> {
    let (base, extra) = (len / parts, len % parts);
    (0..parts).map(move |i| base + usize::from(i < extra))
}
