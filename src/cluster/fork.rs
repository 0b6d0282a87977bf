//! Engine processes: forked from this process, or programs it started; pipes and lifelines.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::process::Child;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::code::Shipped;
use super::kernels::KernelRegistry;
use super::protocol::{read_frame, KernelInfo, Reply, PROTOCOL};
use crate::{Error, Result};

/// One engine process and its pipes.
pub(crate) struct Engine {
    pub id: usize,
    pub pid: u32,
    pub process: Process,
    pub stdin: BufWriter<Box<dyn Write + Send>>,
    pub stdout: BufReader<Box<dyn Read + Send>>,
    pub kernels: Vec<KernelInfo>,
    pub alive: bool,
    /// The write end of the engine's lifeline: never read, dropping it ends the engine.
    pub _lifeline: OwnedFd,
    /// Plain functions defined in this engine: their slot, by the addresses shipped.
    pub functions: HashMap<Shipped, u32>,
}

impl Engine {
    /// Whether this engine is a fork of this process (so it can run its plain functions).
    pub(crate) fn forked(&self) -> bool {
        matches!(self.process, Process::Forked { .. })
    }
}

/// How the engines are started.
pub(crate) enum Launch {
    /// A program, exec'd; it serves the kernels compiled into it.
    Exec(PathBuf),
    /// Forks of this process, serving these kernels and this process's plain functions.
    Fork(Arc<KernelRegistry>),
}

impl Launch {
    pub(crate) fn spawn(&self, id: usize) -> Result<Engine> {
        match self {
            Launch::Exec(program) => super::locate::spawn(program, id),
            Launch::Fork(registry) => spawn_forked(id, registry),
        }
    }
}

/// The engines, shared with maps running in the background ([`AsyncResult`]).
pub(crate) struct Pool {
    pub engines: Mutex<Vec<Engine>>,
    pub launch: Launch,
}

impl Pool {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Vec<Engine>> {
        self.engines.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// How long engines get to exit on their own after their pipes close, before `SIGKILL`.
const GRACE: Duration = Duration::from_millis(500);

/// Closes every engine's pipes and lifeline, waits up to [`GRACE`], kills the rest, and reaps
/// them all.
pub(crate) fn stop(engines: Vec<Engine>) {
    let deadline = Instant::now() + GRACE;
    let mut processes: Vec<Process> = engines.into_iter().map(|e| e.process).collect();
    while Instant::now() < deadline {
        processes.retain_mut(|p| !p.exited());
        if processes.is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    for mut p in processes {
        p.kill();
        p.wait();
    }
}

pub(crate) fn fail(message: impl Into<String>) -> Error {
    Error::Backend {
        backend: "cluster",
        message: message.into(),
    }
}

/// An engine's process.
pub(crate) enum Process {
    /// A program started with `Command` (`ClusterBuilder::engine`).
    Spawned(Child),
    /// A fork of this process; `reaped` once `waitpid` has collected it.
    Forked { pid: libc::pid_t, reaped: bool },
}

impl Process {
    /// Whether the process has ended (and is reaped).
    pub(crate) fn exited(&mut self) -> bool {
        match self {
            Process::Spawned(child) => !matches!(child.try_wait(), Ok(None)),
            Process::Forked { pid, reaped } => {
                if !*reaped {
                    let mut status = 0;
                    // SAFETY: `status` is a valid out-pointer; `pid` is our unreaped child.
                    let r = unsafe { libc::waitpid(*pid, &mut status, libc::WNOHANG) };
                    // -1: someone else reaped it (a `waitpid(-1)` elsewhere); it is gone too.
                    *reaped = r == *pid || r == -1;
                }
                *reaped
            }
        }
    }

    /// `SIGKILL`, unless already reaped.
    pub(crate) fn kill(&mut self) {
        match self {
            Process::Spawned(child) => drop(child.kill()),
            // SAFETY: kill has no memory preconditions; the pid is still our unreaped child.
            Process::Forked { pid, reaped: false } => unsafe {
                libc::kill(*pid, libc::SIGKILL);
            },
            Process::Forked { .. } => {}
        }
    }

    /// Waits for the process to end and reaps it.
    pub(crate) fn wait(&mut self) {
        match self {
            Process::Spawned(child) => drop(child.wait()),
            Process::Forked { pid, reaped } => {
                while !*reaped {
                    let mut status = 0;
                    // SAFETY: as in `exited`.
                    let r = unsafe { libc::waitpid(*pid, &mut status, 0) };
                    let again =
                        r == -1 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted;
                    *reaped = !again;
                }
            }
        }
    }
}

/// A pipe whose ends are closed on exec: `(read, write)`.
pub(crate) fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    #[cfg(target_os = "linux")]
    // SAFETY: `fds` is a valid two-element out-array.
    let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    #[cfg(not(target_os = "linux"))]
    // SAFETY: as above; then FD_CLOEXEC on both fresh descriptors.
    let r = unsafe {
        let r = libc::pipe(fds.as_mut_ptr());
        if r == 0 {
            libc::fcntl(fds[0], libc::F_SETFD, libc::FD_CLOEXEC);
            libc::fcntl(fds[1], libc::F_SETFD, libc::FD_CLOEXEC);
        }
        r
    };
    if r != 0 {
        return Err(fail(format!(
            "could not make a pipe for an engine: {}",
            io::Error::last_os_error()
        )));
    }
    // SAFETY: pipe returned two fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Reads an engine's hello; kills and reaps it when the hello is missing or of another protocol.
pub(crate) fn hello(
    id: usize,
    mut process: Process,
    pid: u32,
    requests: Box<dyn Write + Send>,
    replies: Box<dyn Read + Send>,
    lifeline: OwnedFd,
    what: &str,
) -> Result<Engine> {
    let mut replies = BufReader::with_capacity(1 << 16, replies);
    let kernels = match read_frame::<Reply>(&mut replies) {
        Ok(Some(Reply::Hello {
            protocol: PROTOCOL,
            kernels,
            ..
        })) => kernels,
        other => {
            process.kill();
            process.wait();
            let why = match other {
                Ok(Some(Reply::Hello { protocol, .. })) => {
                    format!("speaks protocol {protocol}, this parlab speaks {PROTOCOL}; rebuild it")
                }
                Ok(_) => "exited or said something other than hello".to_string(),
                Err(e) => e.to_string(),
            };
            return Err(fail(format!(
                "{what} is not a working parlab engine: {why}"
            )));
        }
    };
    Ok(Engine {
        id,
        pid,
        process,
        stdin: BufWriter::with_capacity(1 << 16, requests),
        stdout: replies,
        kernels,
        alive: true,
        _lifeline: lifeline,
        functions: Default::default(),
    })
}

/// Forks engine `id`, serving `registry` and the caller's plain functions, and waits for its
/// hello. Call from any thread: the engine watches its lifeline, not the thread.
pub(crate) fn spawn_forked(id: usize, registry: &KernelRegistry) -> Result<Engine> {
    let (requests_r, requests_w) = pipe()?;
    let (replies_r, replies_w) = pipe()?;
    let (lifeline_r, lifeline_w) = pipe()?;
    // Whatever sits in this process's stdout buffer would otherwise be written twice.
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    // SAFETY: fork has no memory preconditions; the child only runs `forked_main`, which
    // never returns into this function.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let (r, w, l) = (
            requests_r.as_raw_fd(),
            replies_w.as_raw_fd(),
            lifeline_r.as_raw_fd(),
        );
        // SAFETY: this is the child of the fork, and the three descriptors are its own.
        unsafe { super::engine::forked_main(registry, r, w, l) }
    }
    if pid < 0 {
        return Err(fail(format!(
            "could not fork engine {id}: {}",
            io::Error::last_os_error()
        )));
    }
    drop((requests_r, replies_w, lifeline_r));
    hello(
        id,
        Process::Forked { pid, reaped: false },
        pid as u32,
        Box::new(File::from(requests_w)),
        Box::new(File::from(replies_r)),
        lifeline_w,
        &format!("forked engine {id}"),
    )
}

/// In a forked engine, first thing: every inherited descriptor but `keep` and stderr/stdout
/// closed (the caller's sockets and other engines' pipes are not the engine's to hold), stdin
/// from `/dev/null`, and the default action for SIGINT, SIGTERM and SIGHUP back, so that a
/// Ctrl-C that reaches the process group ends the engine even when the caller catches it.
pub(crate) fn child_setup(keep: &[RawFd]) {
    let open: Vec<RawFd> = match std::fs::read_dir("/dev/fd") {
        Ok(dir) => dir
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect(),
        Err(_) => (0..1024).collect(),
    };
    for fd in open.into_iter().filter(|fd| *fd > 2 && !keep.contains(fd)) {
        // SAFETY: closing a descriptor this child inherited and does not use.
        unsafe { libc::close(fd) };
    }
    if let Ok(null) = File::open("/dev/null") {
        // SAFETY: dup2 onto stdin; `null` is a valid open descriptor.
        unsafe { libc::dup2(null.as_raw_fd(), 0) };
    }
    crate::backends::default_signals();
}
