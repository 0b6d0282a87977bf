//! The one error type of parlab.

use std::path::PathBuf;

/// Everything that can go wrong in parlab, with a message that says what was wrong and what to do.
///
/// # Examples
///
/// ```
/// use parlab::workloads::BackendKind;
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
    /// Encoding or decoding JSON failed.
    #[error("JSON: {0}")]
    Json(String),
    /// The module's Python side (`parlab bench --python`) could not run or gave no answer.
    #[error("Python: {0}")]
    Python(String),
    /// Drawing a figure failed.
    #[error("could not draw the figure: {0}")]
    Plot(String),
    /// Reading, writing or creating a file or folder failed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// What was being done: `"read"`, `"write"`, `"create"`.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// `Result` with parlab's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The machine's logical core count (Python's `cpu_count()`).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `workers` when it is at least 1, else [`Error::ZeroWorkers`]: the one check every
/// constructor of a pool, cluster or split makes.
pub(crate) fn check_workers(workers: usize) -> Result<usize> {
    if workers == 0 {
        Err(Error::zero_workers())
    } else {
        Ok(workers)
    }
}

/// The item of `all` whose `name` is `text`, else [`Error::InvalidInput`] listing the names: the
/// one `FromStr` of parlab's named enums (backends, methods, flavors).
pub(crate) fn parse_name<T: Copy>(
    what: &'static str,
    text: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T> {
    all.iter()
        .copied()
        .find(|&t| name(t) == text)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|&t| name(t)).collect();
            Error::invalid(
                what,
                format!("{text:?} is not one of: {}", names.join(", ")),
            )
        })
}

impl Error {
    /// [`Error::Io`] for `action` (`"read"`, `"write"`, `"create"`) on `path`.
    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }

    /// [`Error::ZeroWorkers`] with this machine's core count.
    pub(crate) fn zero_workers() -> Self {
        Error::ZeroWorkers { cores: cores() }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub(crate) fn invalid(what: &'static str, why: impl Into<String>) -> Self {
        Error::InvalidInput {
            what,
            why: why.into(),
        }
    }
}
