//! The one error type of parlab.
//!
//! Its messages say what was wrong and what to call or pass instead, in the library's words (a
//! notebook cell sees them as they are); the `parlab` command line names its flags instead.

use std::path::PathBuf;

use crate::display::human_bytes;

/// Everything that can go wrong in parlab, with a message that says what was wrong and what to do.
///
/// # Examples
///
/// ```
/// use parlab::workloads::BackendKind;
///
/// let err = BackendKind::Rayon.build(0).unwrap_err();
/// assert!(err.to_string().contains("at least 1 worker"));
/// assert!(!err.to_string().contains("--"), "{err}"); // no command-line flags here
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A worker count of zero was asked for.
    #[error(
        "a backend needs at least 1 worker, got 0; ask for 1 or more, e.g. \
         `parlab::backends::cpu_count()` for one per core"
    )]
    ZeroWorkers,
    /// More workers were asked for than this machine allows (`parlab::limits::max_workers`).
    #[error(
        "{asked} workers (threads, processes or engines) is more than this machine allows ({max}, \
         see `parlab::limits::max_workers()`); ask for fewer, or set PARLAB_MAX_WORKERS to change \
         the bound"
    )]
    TooManyWorkers {
        /// The count asked for.
        asked: usize,
        /// The bound.
        max: usize,
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
         `apt-get install mesa-vulkan-drivers` (llvmpipe); `parlab::gpu::adapters()` lists what is found"
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
    /// Results that must agree did not: a backend's answer differs from the sequential
    /// reference, or a run's from the one before. Always a bug in parlab.
    #[error("{backend}: {what}; this is a bug in parlab, please report it")]
    WrongResults {
        /// The backend (or the part of parlab) whose results differ.
        backend: &'static str,
        /// Which results differ, and how.
        what: String,
    },
    /// Encoding or decoding JSON failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A program parlab runs beside itself (the C compiler, the C reference kernels, the
    /// module's Python script) could not be started.
    #[error("could not run {program} ({source}){}", then(hint))]
    CannotRun {
        /// The program, as the message names it.
        program: String,
        /// What to do about it, or empty.
        hint: String,
        /// Why it could not start.
        source: std::io::Error,
    },
    /// Such a program ran but failed, or printed no answer parlab could read.
    #[error("{program} {why}")]
    ProgramFailed {
        /// The program (and its arguments), as the message names it.
        program: String,
        /// What went wrong: its exit status, what it printed.
        why: String,
    },
    /// Drawing a figure failed.
    #[error("could not draw the figure: {0}")]
    Plot(#[source] Box<dyn std::error::Error + Send + Sync>),
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
    /// The operating system refused something parlab asked of it that is not a file: a thread,
    /// a signal handler.
    #[error("could not {what}: {source}")]
    System {
        /// What was asked, e.g. `"watch for Ctrl-C"`.
        what: &'static str,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The map feed (the socket through which a dashboard sees this process's maps) could not
    /// be opened.
    #[error(
        "map feed: cannot {action} {} ({source}); set TMPDIR to a folder of your own and try again",
        path.display()
    )]
    MapFeed {
        /// What was being done: `"bind"`, `"use the folder of"`.
        action: &'static str,
        /// The socket.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The dashboard could not listen on its port of 127.0.0.1.
    #[error("dashboard: {}", cannot_listen(*port, source))]
    DashboardPort {
        /// The port asked for (0: any free one).
        port: u16,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// `"; hint"`, or nothing for no hint.
fn then(hint: &str) -> String {
    if hint.is_empty() {
        String::new()
    } else {
        format!("; {hint}")
    }
}

/// Why the dashboard cannot listen on `port`, and what to do.
fn cannot_listen(port: u16, source: &std::io::Error) -> String {
    if source.kind() == std::io::ErrorKind::AddrInUse {
        format!(
            "port {port} of 127.0.0.1 is in use (another dashboard or program); choose another \
             port, or 0 for a free one"
        )
    } else {
        format!("cannot listen on 127.0.0.1:{port}: {source}")
    }
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

impl Error {
    /// [`Error::Io`] for `action` (`"read"`, `"write"`, `"create"`) on `path`.
    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub(crate) fn invalid(what: &'static str, why: impl Into<String>) -> Self {
        Error::InvalidInput {
            what,
            why: why.into(),
        }
    }
}
