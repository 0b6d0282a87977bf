//! The fork machinery shared by the process backends: forking workers that run a closure and
//! talk over a Unix socket pair (in the frames of [`frame`](super::frame)), and reaping. (The
//! per-worker "current task" slot that survives a worker's death is in `shared_slots`.)
//!
//! # What is and is not safe after `fork`
//!
//! The caller is usually multi-threaded (an evcxr kernel, a test harness, a thread pool the user
//! started). `fork` copies the whole address space but only the calling thread: every other
//! thread simply does not exist in the child, in whatever state it was. POSIX therefore
//! guarantees only *async-signal-safe* functions (`read`, `write`, `close`, `_exit`, ...) in the
//! child of a multi-threaded process until it calls `exec`, and parlab never execs: the child
//! runs the user's kernel, arbitrary Rust that allocates, formats and may lock. So:
//!
//! - A lock that another thread held at the instant of the fork is copied *locked* and is never
//!   released in the child, because its owner is gone. Taking it deadlocks the child. This
//!   covers the allocator's locks (glibc's malloc takes and resets its arena locks around
//!   `fork`, other allocators may not), Rust's stdout/stderr locks (a parent thread printing at
//!   that instant), the panic-hook lock (a parent thread panicking; seen once in a test run),
//!   any `Mutex` or `RwLock` the kernel shares with parent threads, and rayon's *global* pool,
//!   whose worker threads are gone: a job sent to it waits forever.
//! - Data another thread was halfway through changing without a lock (lock-free structures,
//!   lazily initialized statics) is copied half-changed.
//! - What cannot happen is damage to the parent: the child has its own copy of memory.
//!
//! What parlab does to make the usual cases work: flush stdout and stderr right before forking
//! (or the child re-emits the buffered text) and hold their locks across the forks (so that no
//! other thread holds them at a fork, and in the child they belong to its own thread); in the child, close every parent-side socket, ask
//! to die with the forking thread, install a quiet panic hook (a task's panic message travels
//! back in the error instead of being printed), send a *ready* byte, then run the closure under
//! `catch_unwind`, flush, and end with `libc::_exit` (never `process::exit`, which would run the
//! parent's atexit handlers and destructors); in the parent, read to EOF and `waitpid` every
//! child. The ready handshake catches a child stuck before it got going (the panic-hook lock
//! above): when a child is not ready within [`READY_TIMEOUT_MS`] the children are killed and
//! forked again (the other thread is past its lock by then), and only after [`FORK_ATTEMPTS`]
//! tries is it an error. A child that deadlocks *inside the kernel*, after it was ready, is
//! caught by the watchdog (`watchdog::wait_for`): while the parent waits for a reply it looks at the
//! child every 100 ms, and a child that has a single thread and has sat in a `futex` wait (a
//! lock) for `STUCK_AFTER` (2 s) can never be woken, so it is killed and the map fails with
//! `TaskFailed` naming the task and saying "stuck". A child that computes, sleeps, does I/O or
//! waits on threads it started itself is never taken for stuck; bound those with a timeout
//! (`MapOptions::with_timeout`). The child gets the default action back for SIGINT, SIGTERM and
//! SIGHUP, so a Ctrl-C that reaches the process group ends it.
//!
//! What a kernel run by a process backend must avoid: rayon's global pool and anything else that
//! hands work to threads the parent started (build a pool inside the kernel instead), locks
//! shared with the parent's other threads, and relying on state other threads were changing.
//! Allocating and printing work (glibc's malloc is fork-aware; the parent flushes stdout and
//! stderr and holds their locks across the forks), though POSIX guarantees neither. The table
//! in [`ProcessPool`](super::ProcessPool)'s docs says what a kernel may do.

use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

use super::runner::catch;
pub(crate) use super::watchdog::{wait_for, Wait};

/// How long a forked child may take to report ready.
pub(crate) const READY_TIMEOUT_MS: i32 = 2_000;

/// How many times the workers are forked before a start that never reports ready is an error.
pub(crate) const FORK_ATTEMPTS: usize = 4;

/// The byte a child sends once it is set up.
const READY: u8 = b'R';

/// A forked child and the parent's end of its socket.
#[derive(Debug)]
pub(crate) struct Child {
    pub pid: libc::pid_t,
    pub stream: UnixStream,
}

/// Flushes Rust's stdout and stderr so that a child does not inherit (and re-print) buffered text.
pub(crate) fn flush_stdio() {
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
}

/// Forks `n` children; child `w` runs `child_main(w, its end of the socket)` and exits with the
/// returned code. Children are forked from the calling thread, which matters for
/// `PR_SET_PDEATHSIG`: a child is killed when the thread that forked it ends.
///
/// On failure the children already forked are killed and reaped; children stuck before they
/// report ready are forked again, up to [`FORK_ATTEMPTS`] times.
pub(crate) fn fork_children(
    n: usize,
    mut child_main: impl FnMut(usize, UnixStream) -> i32,
) -> io::Result<Vec<Child>> {
    let mut attempt = 1;
    loop {
        match fork_once(n, &mut child_main) {
            Err(e) if e.kind() == io::ErrorKind::TimedOut && attempt < FORK_ATTEMPTS => {
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn fork_once(
    n: usize,
    child_main: &mut impl FnMut(usize, UnixStream) -> i32,
) -> io::Result<Vec<Child>> {
    flush_stdio();
    // Hold stdout's and stderr's locks across the forks: no other thread of the parent can then
    // hold them at a fork, and in a child they belong to its only thread, the one that took them
    // (they are reentrant), so the kernel's prints and the child's last flush cannot deadlock.
    let stdio_locks = (io::stdout().lock(), io::stderr().lock());
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    let mut children: Vec<Child> = Vec::with_capacity(n);
    for w in 0..n {
        let (parent_end, child_end) = match UnixStream::pair() {
            Ok(pair) => pair,
            Err(e) => {
                abandon(children);
                return Err(e);
            }
        };
        // SAFETY: `fork` has no preconditions of its own; the hazard is what the child does
        // next. It is a copy of a possibly multi-threaded process with only this thread in it,
        // so only async-signal-safe functions are guaranteed to work there, and it runs more:
        // it frees `children` (the allocator's lock; glibc's malloc resets its locks at fork),
        // takes the panic-hook lock, then runs `child_main`, i.e. the user's kernel, arbitrary
        // code. A lock another thread held at the fork (stdout, a `Mutex`, the global rayon pool,
        // the panic hook) stays locked forever in the child: that is a deadlock of the child,
        // not memory corruption, and the parent's memory is untouched. The ready handshake
        // retries a child stuck before it is ready; the kernel itself must not use such locks
        // (see the module docs). The child never returns from this arm (`_exit`), so no
        // destructor or atexit handler of the parent's state runs in it.
        match unsafe { libc::fork() } {
            -1 => {
                let e = io::Error::last_os_error();
                abandon(children);
                return Err(e);
            }
            0 => {
                drop(parent_end);
                drop(std::mem::take(&mut children));
                die_with_parent(parent);
                default_signals();
                std::panic::set_hook(Box::new(|_| {}));
                let mut child_end = child_end;
                if child_end.write_all(&[READY]).is_err() {
                    // SAFETY: as below.
                    unsafe { libc::_exit(72) }
                }
                let code = catch(|| child_main(w, child_end)).unwrap_or(70);
                flush_stdio();
                // SAFETY: ends the child without running the parent's destructors or atexit hooks.
                unsafe { libc::_exit(code) }
            }
            pid => {
                drop(child_end);
                children.push(Child {
                    pid,
                    stream: parent_end,
                });
            }
        }
    }
    drop(stdio_locks);
    for (w, c) in children.iter().enumerate() {
        if let Err(e) = await_ready(c) {
            abandon(children);
            return Err(io::Error::new(e.kind(), format!("worker process {w} {e}")));
        }
    }
    Ok(children)
}

/// Waits for a child's ready byte.
fn await_ready(child: &Child) -> io::Result<()> {
    if !readable(&[&child.stream], READY_TIMEOUT_MS)[0] {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "did not start within {} s, {FORK_ATTEMPTS} times (was another thread panicking at the fork?)",
                READY_TIMEOUT_MS / 1000
            ),
        ));
    }
    let mut byte = [0u8];
    match (&child.stream).read(&mut byte)? {
        1 if byte[0] == READY => Ok(()),
        _ => Err(io::Error::other("ended before it started")),
    }
}

/// Kills and reaps children after a failed start.
fn abandon(children: Vec<Child>) {
    for c in &children {
        kill(c.pid);
    }
    for c in children {
        reap(c.pid);
    }
}

/// On Linux, asks for SIGKILL when the forking thread ends, so no worker outlives a killed kernel.
fn die_with_parent(parent: libc::pid_t) {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number; getppid has no preconditions.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != parent {
            libc::_exit(71);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = parent;
}

/// In a forked child: SIGINT, SIGTERM and SIGHUP get their default action back (unless they were
/// ignored) and no signal is blocked, so that a Ctrl-C that reaches the process group ends the
/// worker even when the parent catches it (the `parlab` CLI does, to stop its workers first).
pub(crate) fn default_signals() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: sigaction is async-signal-safe; `old` is a valid out-pointer, and passing a
        // null new action only reads the current one.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, std::ptr::null(), &mut old) == 0
                && old.sa_sigaction != libc::SIG_IGN
            {
                libc::signal(sig, libc::SIG_DFL);
            }
        }
    }
    // SAFETY: as above; `set` is initialized by sigemptyset before use.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::pthread_sigmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
    }
}

/// Sends SIGKILL to one of our children (not yet reaped, so the pid is still ours).
pub(crate) fn kill(pid: libc::pid_t) {
    // SAFETY: kill has no memory preconditions; `pid` is an unreaped child of this process.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

/// Waits for child `pid` and says how it ended, e.g. "exited with status 0" or
/// "was killed by signal 9 (SIGKILL)".
pub(crate) fn reap(pid: libc::pid_t) -> String {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid out-pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return format!("could not be waited for ({e})");
        }
    }
    if libc::WIFEXITED(status) {
        format!("exited with status {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        let sig = libc::WTERMSIG(status);
        format!("was killed by signal {sig} ({})", signal_name(sig))
    } else {
        format!("ended with wait status {status}")
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGKILL => "SIGKILL",
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        libc::SIGILL => "SIGILL",
        _ => "signal",
    }
}

/// Is data (or EOF) waiting on `stream`? Waits up to `timeout_ms` (-1: forever).
pub(crate) fn readable(streams: &[&UnixStream], timeout_ms: i32) -> Vec<bool> {
    let mut fds: Vec<libc::pollfd> = streams
        .iter()
        .map(|s| libc::pollfd {
            fd: s.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let r = loop {
        // SAFETY: `fds` is a valid array of `fds.len()` pollfd structs.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
        if r >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            break r;
        }
    };
    if r <= 0 {
        return vec![false; streams.len()];
    }
    fds.iter().map(|p| p.revents != 0).collect()
}
