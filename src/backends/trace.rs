//! The task stream: which worker ran each task, and when.

use serde::{Deserialize, Serialize};

/// One task in a [`TaskStream`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// Index of the task in the input order.
    pub task: usize,
    /// Worker (thread, process or engine) that ran it.
    pub worker: usize,
    /// Start, seconds since the map began.
    pub start: f64,
    /// End, seconds since the map began.
    pub end: f64,
}

/// Which worker ran each task, and when: the data behind dask's "Task Stream" panel.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskStream {
    /// Backend name.
    pub backend: String,
    /// Number of workers.
    pub workers: usize,
    /// One span per task, sorted by task index.
    pub spans: Vec<Span>,
}

impl TaskStream {
    /// The end of the last task, in seconds since the map began.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// let run = squares_with(&ProcessPool::new(2)?, 0..50_000, &MapOptions::traced(true))?;
    /// let stream = run.trace.expect("traced");
    /// assert!(stream.span_seconds() > 0.0 && stream.span_seconds() <= run.seconds);
    /// assert!(parlab::plot::svg(&stream)?.as_str().contains("4 tasks on 2 workers"));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn span_seconds(&self) -> f64 {
        self.spans.iter().map(|s| s.end).fold(0.0, f64::max)
    }

    /// Fraction of [`span_seconds`](TaskStream::span_seconds) each worker spent running tasks.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::backends::{Span, TaskStream};
    ///
    /// let stream = TaskStream {
    ///     backend: "demo".into(),
    ///     workers: 2,
    ///     spans: vec![
    ///         Span { task: 0, worker: 0, start: 0.0, end: 1.0 },
    ///         Span { task: 1, worker: 1, start: 0.0, end: 0.5 },
    ///     ],
    /// };
    /// assert_eq!(stream.busy(), [1.0, 0.5]);
    /// ```
    pub fn busy(&self) -> Vec<f64> {
        let wall = self.span_seconds();
        let rows = self.rows();
        let mut busy = vec![0.0; rows];
        for s in &self.spans {
            busy[s.worker.min(rows - 1)] += (s.end - s.start).max(0.0);
        }
        busy.iter()
            .map(|b| if wall > 0.0 { b / wall } else { 0.0 })
            .collect()
    }

    /// Rows of the chart: the workers, and any worker index a span names beyond them.
    pub(crate) fn rows(&self) -> usize {
        let seen = self.spans.iter().map(|s| s.worker + 1).max().unwrap_or(0);
        self.workers.max(seen).max(1)
    }
}
