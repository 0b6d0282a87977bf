//! Engine programs: starting an engine by exec'ing a program of its own
//! ([`ClusterBuilder::engine`](super::ClusterBuilder::engine) or `$PARLAB_ENGINE`).

use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::engine::{ENGINE_ID_VAR, LIFELINE_VAR};
use super::fork::{fail, Process};
use super::Engine;
use crate::Result;

/// Environment variable naming an engine program to exec instead of forking engines from the
/// calling process (as [`ClusterBuilder::engine`](super::ClusterBuilder::engine) does).
pub const ENGINE_VAR: &str = "PARLAB_ENGINE";

/// Starts engine `id` from `program` and waits for its hello.
///
/// The engine gets the read end of a lifeline pipe (see `engine::watch_parent`) and exits when
/// the cluster closes the other end or dies; on Linux it also gets `PR_SET_PDEATHSIG` =
/// `SIGKILL` (set between fork and exec), which fires when the thread that started it exits. It
/// stays in our process group, so a Jupyter kernel restart kills it too.
pub(crate) fn spawn(program: &Path, id: usize) -> Result<Engine> {
    let (lifeline_r, lifeline_w) = super::fork::pipe()?;
    let fd = lifeline_r.as_raw_fd();
    let mut command = Command::new(program);
    command
        .env(ENGINE_ID_VAR, id.to_string())
        .env(LIFELINE_VAR, fd.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // SAFETY: fcntl and prctl are async-signal-safe and touch no memory of the parent.
    unsafe {
        command.pre_exec(move || {
            // Keep the lifeline's read end across exec (the write end stays close-on-exec).
            if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            #[cfg(target_os = "linux")]
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .map_err(|e| fail(format!("could not start engine {}: {e}", program.display())))?;
    drop(lifeline_r);
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(fail("engine pipes missing"));
    };
    let pid = child.id();
    super::fork::hello(
        id,
        Process::Spawned(child),
        pid,
        Box::new(stdin),
        Box::new(stdout),
        lifeline_w,
        &program.display().to_string(),
    )
}
