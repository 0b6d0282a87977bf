//! Progress reports of a map: [`Progress`] callbacks in [`MapOptions`](super::MapOptions).

use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::MapOptions;

/// A progress callback for [`MapOptions::progress`]; calls are serialized and `done` only grows.
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(&ProgressUpdate) + Send + Sync>);

impl Progress {
    /// Wraps `f`, called with every [`ProgressUpdate`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    /// use parlab::prelude::*;
    ///
    /// let last = Arc::new(AtomicUsize::new(0));
    /// let seen = Arc::clone(&last);
    /// let progress = Progress::new(move |u| seen.store(u.done, Ordering::Relaxed));
    /// let pool = ProcessPool::new(2)?;
    /// let inputs: Vec<u32> = (0..100).collect();
    /// pool.run_with(&kernel("id", |x: &u32| *x), &inputs, &MapOptions::default().with_progress(progress))?;
    /// assert_eq!(last.load(Ordering::Relaxed), 100);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn new(f: impl Fn(&ProgressUpdate) + Send + Sync + 'static) -> Self {
        Progress(Arc::new(f))
    }

    /// Calls the callback.
    pub fn report(&self, update: &ProgressUpdate) {
        (self.0)(update)
    }
}

impl Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// What a [`Progress`] callback is told.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProgressUpdate {
    /// Tasks completed so far.
    pub done: usize,
    /// Tasks in the map.
    pub total: usize,
    /// Number of reports so far, this one included (a chunk of tasks is one report).
    pub reports: usize,
    /// Seconds since the map began.
    pub elapsed: f64,
}

/// Counts completed tasks of one map and reports them to the options' [`Progress`].
pub(crate) struct Ticker {
    progress: Option<Progress>,
    total: usize,
    origin: Instant,
    counts: Mutex<(usize, usize)>,
}

impl Ticker {
    pub fn new(options: &MapOptions, total: usize, origin: Instant) -> Self {
        Ticker {
            progress: options.progress.clone(),
            total,
            origin,
            counts: Mutex::new((0, 0)),
        }
    }

    /// Records `n` more completed tasks.
    pub fn add(&self, n: usize) {
        if let Some(progress) = &self.progress {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            counts.0 += n;
            counts.1 += 1;
            progress.report(&ProgressUpdate {
                done: counts.0,
                total: self.total,
                reports: counts.1,
                elapsed: self.origin.elapsed().as_secs_f64(),
            });
        }
    }
}
