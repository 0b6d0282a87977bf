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
    /// More workers were asked for than this machine allows (see `parlab::limits::max_workers`).
    #[error(
        "{asked} workers (threads, processes or engines) is more than this machine allows ({max}: 32 per core on {cores} cores, at \
         least 64, within the process limit); ask for fewer, or set PARLAB_MAX_WORKERS to change the bound"
    )]
    TooManyWorkers {
        /// The count asked for.
        asked: usize,
        /// The bound.
        max: usize,
        /// The machine's core count.
        cores: usize,
    },
    /// A run would need more memory than is free, so it was not started.
    #[error(
        "{what} would need about {} of memory, but only {} is available (MemAvailable in \
         /proc/meminfo); {hint}",
        human_bytes(*needed),
        human_bytes(*available)
    )]
    TooLarge {
        /// What would need it.
        what: &'static str,
        /// Bytes it would need.
        needed: u64,
        /// Bytes available.
        available: u64,
        /// What to ask for instead.
        hint: String,
    },
    /// A map ran past its timeout (`MapOptions::with_timeout` in `parlab::backends`), or a future
    /// past `result_timeout`; its workers were stopped.
    #[error(
        "{backend}: the map did not finish within {seconds} s; tasks still running: {}; its \
         workers were stopped (give a longer timeout, or fewer or smaller tasks)",
        list_tasks(running)
    )]
    TimedOut {
        /// Backend name.
        backend: &'static str,
        /// The timeout, seconds.
        seconds: f64,
        /// The tasks that had started and not finished, in input order (at most 20 are named in
        /// the message).
        running: Vec<usize>,
    },
    /// The run was stopped by a signal (Ctrl-C is SIGINT).
    #[error("interrupted by {signal}; stopped {stopped} worker processes")]
    Interrupted {
        /// The signal's name.
        signal: &'static str,
        /// Child processes that were stopped.
        stopped: usize,
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
    /// No GPU adapter was found for the GPU backend (cargo feature `gpu`).
    #[error(
        "no GPU adapter found (wgpu looked for Vulkan, Metal, DX12 and GL devices{detail}); \
         install a GPU driver, or on Debian/Ubuntu without a GPU Mesa's software Vulkan device: \
         `apt-get install mesa-vulkan-drivers` (llvmpipe); `parlab gpu` lists what is found"
    )]
    NoGpu {
        /// What wgpu said, with a leading "; ", or empty.
        detail: String,
    },
    /// The GPU device failed: it could not be opened, a shader or buffer was refused, or it
    /// was lost.
    #[error("gpu ({adapter}): {message}")]
    Gpu {
        /// The adapter's name.
        adapter: String,
        /// What happened and what to do.
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

/// `running` as `"3, 4 and 7"`, or `"none"`; at most 20 named.
fn list_tasks(running: &[usize]) -> String {
    match running {
        [] => "none (the remaining tasks had not started)".into(),
        [one] => format!("task {one}"),
        _ => {
            let shown: Vec<String> = running.iter().take(20).map(usize::to_string).collect();
            let more = running.len().saturating_sub(20);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("tasks {}{tail}", shown.join(", "))
        }
    }
}

/// `Result` with parlab's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The machine's logical core count (Python's `cpu_count()`).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
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

/// `bytes` for people: `"23.6 GiB"`, `"512 B"`.
///
/// # Examples
///
/// ```
/// assert_eq!(parlab::limits::human_bytes(3 << 30), "3.0 GiB");
/// assert_eq!(parlab::limits::human_bytes(512), "512 B");
/// ```
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
