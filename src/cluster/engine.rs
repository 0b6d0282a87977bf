//! The engine side: the loop every engine runs, whether the cluster exec'd a program
//! ([`engine_main`]) or forked itself ([`forked_main`]).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::process::ExitCode;

use super::code::{resolve, Trampoline};
use super::kernels::{Erased, KernelRegistry};
use super::protocol::{monotonic_ns, read_frame, write_frame, Code, Reply, Request, PROTOCOL};

/// Environment variable holding an engine's index in its cluster; set by the cluster for every
/// engine program it starts.
pub const ENGINE_ID_VAR: &str = "PARLAB_ENGINE_ID";

/// Environment variable holding the file descriptor of the engine's lifeline (see
/// [`watch_parent`]) in an engine program.
pub(crate) const LIFELINE_VAR: &str = "PARLAB_ENGINE_LIFELINE";

/// True when this process was started by a [`Cluster`](super::Cluster) as an engine program:
/// lets one program be both a client and, when the cluster starts it, an engine.
///
/// # Examples
///
/// ```
/// // A test or a CLI is not an engine.
/// assert!(!parlab::cluster::is_engine());
/// ```
pub fn is_engine() -> bool {
    std::env::var_os(ENGINE_ID_VAR).is_some()
}

/// Serves `registry` as an engine on stdin/stdout until stdin closes: the whole `main` of an
/// engine program. `parlab-engine` is `engine_main(parlab::workloads::engine_kernels())`; a
/// program of your own can register more kernels and be used with
/// [`ClusterBuilder::engine`](super::ClusterBuilder::engine) (see `examples/custom_engine.rs`).
/// Such an engine runs kernels by name only: it is another program, so the caller's plain
/// functions are not in it.
///
/// The engine dies with its cluster: it watches a pipe whose other end only the cluster holds,
/// and exits when that pipe closes (on Linux, `PR_SET_PDEATHSIG` does the same too).
///
/// # Examples
///
/// ```no_run
/// use parlab::cluster::engine_main;
///
/// fn main() -> std::process::ExitCode {
///     engine_main(parlab::workloads::engine_kernels().register("cube", |x: &u64| x.pow(3)))
/// }
/// ```
pub fn engine_main(registry: KernelRegistry) -> ExitCode {
    if let Some(fd) = std::env::var(LIFELINE_VAR)
        .ok()
        .and_then(|p| p.parse::<RawFd>().ok())
    {
        if let Err(e) = watch_parent(fd) {
            eprintln!("parlab-engine: cannot watch the cluster: {e}");
            return ExitCode::FAILURE;
        }
    }
    // Panics are reported to the cluster as messages; keep stderr quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match serve(&registry, false, input, output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parlab-engine: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Ends this process as soon as `fd`, the read end of a pipe whose write end only the cluster
/// holds, reaches end of file: when the cluster drops the engine, or its process dies in any
/// way (`SIGKILL` included), the kernel closes that end. Works on every Unix, unlike Linux's
/// `PR_SET_PDEATHSIG`, and also while the engine is busy with a task.
pub(crate) fn watch_parent(fd: RawFd) -> io::Result<()> {
    std::thread::Builder::new()
        .name("parlab-lifeline".into())
        .spawn(move || {
            let mut byte = [0u8; 1];
            loop {
                // SAFETY: `byte` is a valid one-byte buffer; `fd` is ours for life.
                let n = unsafe { libc::read(fd, byte.as_mut_ptr().cast(), 1) };
                if n > 0
                    || (n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted)
                {
                    continue;
                }
                // End of file (or a broken descriptor): the cluster is gone. `_exit`, not
                // `exit`: no destructors or atexit handlers that could wait on a busy lock.
                // SAFETY: _exit has no preconditions.
                unsafe { libc::_exit(0) };
            }
        })
        .map(drop)
}

/// The life of a forked engine, in the child just after `fork`: serves `registry` and the
/// caller's plain functions on the pipes `requests` and `replies`, watches `lifeline`, and
/// exits. Never returns into the caller's code.
///
/// # Safety
///
/// Only in the child of a `fork`, with the three descriptors open and owned by it.
pub(crate) unsafe fn forked_main(
    registry: &KernelRegistry,
    requests: RawFd,
    replies: RawFd,
    lifeline: RawFd,
) -> ! {
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        super::fork::child_setup(&[requests, replies, lifeline]);
        // No `panic::set_hook` here: another thread of the caller may have held the hook's
        // lock at the fork (while panicking), and in this copy nobody would ever release it. A
        // task's panic prints through the caller's hook and comes back as the task's error.
        if watch_parent(lifeline).is_err() {
            return 1;
        }
        // SAFETY: the caller hands these descriptors to this child alone.
        let (input, output) = unsafe { (File::from_raw_fd(requests), File::from_raw_fd(replies)) };
        let input = BufReader::with_capacity(1 << 16, input);
        let output = BufWriter::with_capacity(1 << 16, output);
        match serve(registry, true, input, output) {
            Ok(()) => 0,
            Err(_) => 1,
        }
    }));
    // SAFETY: _exit has no preconditions; never run the parent's exit handlers in the child.
    unsafe { libc::_exit(code.unwrap_or(70)) }
}

/// One entry of an engine's table.
enum Entry<'a> {
    /// A kernel of the registry, by name.
    Named(&'a Erased),
    /// A plain function of the caller: its trampoline and the function's address (or 0).
    Plain(Trampoline, usize),
}

/// Finds a plain function's trampoline and function in this (forked) process.
fn define(trampoline: &Code, function: Option<&Code>) -> Result<Entry<'static>, String> {
    let t = resolve(trampoline)?;
    let f = function.map(resolve).transpose()?.unwrap_or(0);
    // SAFETY: `t` holds the same code as the caller's trampoline (resolve compared its head),
    // which has this type.
    let t = unsafe { std::mem::transmute::<usize, Trampoline>(t) };
    Ok(Entry::Plain(t, f))
}

/// The request loop: hello, then one reply per request, until the requests end.
fn serve(
    registry: &KernelRegistry,
    forked: bool,
    mut input: impl Read,
    mut output: impl Write,
) -> io::Result<()> {
    write_frame(
        &mut output,
        &Reply::Hello {
            protocol: PROTOCOL,
            pid: std::process::id(),
            kernels: registry.infos(),
        },
    )?;
    output.flush()?;
    let mut table: Vec<Entry<'_>> = registry.callables().map(Entry::Named).collect();
    while let Some(request) = read_frame::<Request>(&mut input)? {
        let reply = match request {
            Request::Define { .. } if !forked => Reply::Refused {
                message: "this engine is a program of its own, not a copy of the caller: it \
                          runs kernels by name only"
                    .into(),
            },
            Request::Define {
                trampoline,
                function,
            } => match define(&trampoline, function.as_ref()) {
                Ok(entry) => {
                    table.push(entry);
                    Reply::Defined {
                        slot: (table.len() - 1) as u32,
                    }
                }
                Err(message) => Reply::Refused { message },
            },
            Request::Task { id, kernel, input } => {
                let start = monotonic_ns();
                let outcome = match table.get(kernel as usize) {
                    Some(Entry::Named(f)) => f(&input),
                    // SAFETY: `f` was resolved for this trampoline by `define`.
                    Some(&Entry::Plain(t, f)) => unsafe { t(f, &input) },
                    None => Err(format!("no kernel number {kernel}")),
                };
                let end = monotonic_ns();
                match outcome {
                    Ok(output) => Reply::Done {
                        id,
                        start,
                        end,
                        output,
                    },
                    Err(message) => Reply::Failed { id, message },
                }
            }
        };
        write_frame(&mut output, &reply)?;
        output.flush()?;
    }
    Ok(())
}
