//! Random squaring on a backend: the module's 15.1.1 task mapped over blocks of seeds.

use std::ops::Range;
use std::time::Duration;

use serde::Serialize;

use super::kernels::{RandomSquareIo, SquareBlocks};
use super::Target;
use crate::backends::{Backend, MapOptions, TaskStream};
use crate::tasks::squares::blocks;
use crate::{Error, Result};

/// The outcome of squaring a range of seeds: the results, the wall time, and the task stream if
/// one was recorded.
#[derive(Clone, Debug, Serialize)]
pub struct SquaresRun {
    /// Backend name.
    pub backend: &'static str,
    /// Workers the backend used.
    pub workers: usize,
    /// First seed.
    pub start: u32,
    /// `results[i]` is the square for seed `start + i`.
    pub results: Vec<u32>,
    /// Wall time of the map, in seconds.
    pub seconds: f64,
    /// Per-task record, when asked for.
    #[serde(skip)]
    pub trace: Option<TaskStream>,
}

impl SquaresRun {
    /// The first five results (fewer if there are fewer).
    pub fn first5(&self) -> &[u32] {
        &self.results[..self.results.len().min(5)]
    }

    /// The last five results (fewer if there are fewer).
    pub fn last5(&self) -> &[u32] {
        &self.results[self.results.len().saturating_sub(5)..]
    }

    /// The run as 15.2–15.5 print it, with ` ... ` between the first and last five
    /// (`print("First five and last five results:", results[0:5], "...", results[-5:])`);
    /// `Display` of the run itself prints 15.1's `, ..., `.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let run = squares(&Sequential, 0..10)?;
    /// let text = run.dots().to_string();
    /// assert!(text.starts_with("First five and last five results: [25, 25, 64, 64, 49] ... [9, 81, 16, 9, 25]\n"));
    /// assert!(text.contains("Execution time = "));
    /// assert!(run.to_string().contains("[25, 25, 64, 64, 49], ..., [9, 81, 16, 9, 25]"));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn dots(&self) -> Dots<'_> {
        Dots(self)
    }
}

/// A [`SquaresRun`] shown with ` ... ` between the first and last five, as 15.2–15.5 print it;
/// made by [`SquaresRun::dots`].
#[derive(Clone, Copy, Debug)]
pub struct Dots<'a>(&'a SquaresRun);

impl std::fmt::Display for Dots<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "First five and last five results: {:?} ... {:?}",
            self.0.first5(),
            self.0.last5()
        )?;
        write!(f, "Execution time = {:.2} sec.", self.0.seconds)
    }
}

impl std::fmt::Display for SquaresRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "First five and last five results: {:?}, ..., {:?}",
            self.first5(),
            self.last5()
        )?;
        write!(f, "Execution time = {:.2} sec.", self.seconds)
    }
}

/// The seeds `range` as numpy's 32-bit seeds: `(start, count)`.
fn seed_range(range: &Range<u64>) -> Result<(u32, u64)> {
    let start = u32::try_from(range.start).map_err(|_| {
        Error::invalid(
            "seed range",
            format!(
                "the first seed {} is past {} (numpy seeds are 32-bit); start lower",
                range.start,
                u32::MAX
            ),
        )
    })?;
    let count = range.end.saturating_sub(range.start);
    blocks(start, count)?; // checks the end
    Ok((start, count))
}

/// Bytes a map over `count` seeds holds per seed: the blocks' results, then their concatenation.
const BYTES_PER_SEED: u64 = 8;

/// Bytes per seed of the one-task-per-seed I/O variant: the task, its result, and the backend's
/// bookkeeping for one task (a thread executor's job, channel and future).
const BYTES_PER_IO_TASK: u64 = 256;

/// Fails with [`Error::TooLarge`] when `count` seeds at `per_seed` bytes would not fit in memory.
fn check_seed_memory(count: u64, per_seed: u64) -> Result<()> {
    crate::limits::check_memory(
        "squaring these seeds",
        count.saturating_mul(per_seed),
        format!("it keeps about {per_seed} B per seed ({count} seeds); ask for fewer seeds"),
    )
}

/// Squares the seeds in `seeds` on `target`, in blocks of
/// [`BLOCK`](crate::tasks::squares::BLOCK) seeds: the module's
/// `pool.map(random_square, range(1_000_000))`. The target is any backend, or the GPU (cargo
/// feature `gpu`), which squares every seed in one shader dispatch, bit-identical.
///
/// # Errors
///
/// A seed range that runs past `u32::MAX`, or a failure of the backend (or the GPU).
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let rayon = BackendKind::Rayon.build(2)?;
/// let run = squares(&rayon, 0..1_000_000)?;
/// assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
/// assert_eq!(run.last5(), [81, 36, 1, 1, 1]);
/// # Ok::<(), parlab::Error>(())
/// ```
///
/// On the GPU (cargo feature `gpu`), the same numbers:
///
/// ```
/// # #[cfg(feature = "gpu")] {
/// use parlab::prelude::*;
///
/// let gpu = Gpu::new()?;
/// let run = squares(&gpu, 0..1_000_000)?;
/// assert_eq!(run.last5(), [81, 36, 1, 1, 1]);
/// assert_eq!((run.backend, run.workers), ("gpu", 1));
/// # }
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn squares<T: Target + ?Sized>(target: &T, seeds: Range<u64>) -> Result<SquaresRun> {
    squares_with(target, seeds, &MapOptions::default())
}

/// [`squares`] with [`MapOptions`] (a task stream, progress reports per block). The GPU runs
/// one dispatch: it records no task stream and reports no progress, and refuses a timeout.
///
/// # Errors
///
/// As [`squares`].
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let pool = ProcessPool::new(2)?;
/// let run = squares_with(&pool, 0..100_000, &MapOptions::traced(true))?;
/// assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
/// assert_eq!(run.trace.map(|t| t.spans.len()), Some(7)); // 100_000 seeds in blocks of 2^14
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn squares_with<T: Target + ?Sized>(
    target: &T,
    seeds: Range<u64>,
    options: &MapOptions,
) -> Result<SquaresRun> {
    let (start, count) = seed_range(&seeds)?;
    check_seed_memory(count, BYTES_PER_SEED)?;
    target.squares_on(start, count, options)
}

/// [`squares_with`] on a backend: the blocks mapped with [`SquareBlocks`].
pub(super) fn on_backend<B: Backend + ?Sized>(
    backend: &B,
    start: u32,
    count: u64,
    options: &MapOptions,
) -> Result<SquaresRun> {
    let blocks = blocks(start, count)?;
    let mapped = backend.run_with(&SquareBlocks, &blocks, options)?;
    Ok(SquaresRun {
        backend: backend.name(),
        workers: backend.workers(),
        start,
        results: mapped.results.concat(),
        seconds: mapped.seconds,
        trace: mapped.trace,
    })
}

/// Squares `seeds` one task per seed, each after sleeping `pause`: the 15.2 I/O-bound variant
/// (`random_squareT`), the right job for [`ThreadExecutor`](crate::backends::ThreadExecutor).
///
/// # Errors
///
/// As [`squares`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use parlab::prelude::*;
///
/// let pool = BackendKind::ThreadExecutor.build(10)?;
/// let run = squares_io(&pool, 0..20, Duration::from_millis(10))?;
/// assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
/// assert_eq!(run.results.len(), 20);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn squares_io<B: Backend + ?Sized>(
    backend: &B,
    seeds: Range<u64>,
    pause: Duration,
) -> Result<SquaresRun> {
    squares_io_with(backend, seeds, pause, &MapOptions::default())
}

/// [`squares_io`] with [`MapOptions`].
///
/// # Errors
///
/// As [`squares`].
pub fn squares_io_with<B: Backend + ?Sized>(
    backend: &B,
    seeds: Range<u64>,
    pause: Duration,
    options: &MapOptions,
) -> Result<SquaresRun> {
    let (start, count) = seed_range(&seeds)?;
    check_seed_memory(count, BYTES_PER_IO_TASK)?;
    let tasks: Vec<(u32, Duration)> = (u64::from(start)..u64::from(start) + count)
        .map(|s| (s as u32, pause))
        .collect();
    let mapped = backend.run_with(&RandomSquareIo, &tasks, options)?;
    Ok(SquaresRun {
        backend: backend.name(),
        workers: backend.workers(),
        start,
        results: mapped.results,
        seconds: mapped.seconds,
        trace: mapped.trace,
    })
}
