//! The one error type of parlab.

use std::path::PathBuf;

/// Everything that can go wrong in parlab, with a message that says what was wrong and what to do.
///
/// # Examples
///
/// ```
/// use parlab::backends::BackendKind;
///
/// let err = BackendKind::Rayon.build(0).unwrap_err();
/// assert!(err.to_string().contains("at least 1 worker"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A worker count of zero was asked for.
    #[error("a backend needs at least 1 worker, got 0; omit --workers to use all {cores} cores")]
    ZeroWorkers {
        /// The machine's core count, the default.
        cores: usize,
    },
    /// An argument was out of its valid range.
    #[error("invalid {what}: {why}")]
    InvalidInput {
        /// Which argument.
        what: &'static str,
        /// What was wrong with it and what to do.
        why: String,
    },
    /// A task panicked or its worker died.
    #[error("{backend} worker {worker} failed on task {task} (input {input}): {message}")]
    TaskFailed {
        /// Backend name.
        backend: &'static str,
        /// Index of the worker (thread, process or engine) that ran the task.
        worker: usize,
        /// Index of the task in the input order.
        task: usize,
        /// The input, as `Debug` prints it.
        input: String,
        /// The panic message or how the worker died.
        message: String,
    },
    /// A backend could not be started or has broken down.
    #[error("{backend}: {message}")]
    Backend {
        /// Backend name.
        backend: &'static str,
        /// What happened.
        message: String,
    },
    /// Drawing a figure failed.
    #[error("could not draw the figure: {0}")]
    Plot(String),
    /// Reading or writing a file failed.
    #[error("could not write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// `Result` with parlab's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::InvalidInput`].
    pub(crate) fn invalid(what: &'static str, why: impl Into<String>) -> Self {
        Error::InvalidInput {
            what,
            why: why.into(),
        }
    }
}
