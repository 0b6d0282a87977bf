//! Ctrl-C (SIGINT) and SIGTERM during a CLI run: every process this one started (forked workers,
//! engines, and what they started) is killed and reaped within a second, and `parlab` exits
//! with `128 + signal` and a one-line message.
//!
//! A watcher thread waits for the signal (signal-hook's self-pipe, so nothing unsafe runs in the
//! handler); the library's forked workers put the default action back for these signals, so a
//! Ctrl-C at the terminal, which reaches the whole process group, ends them too.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::{Error, Result};

/// How long the watcher waits for the killed processes to be gone before it exits anyway.
const REAP_WITHIN: Duration = Duration::from_millis(800);

/// Set once a signal has arrived: the run's own errors (its workers were just killed) are then
/// not reported; the watcher reports the interrupt and exits. The CLI's only static: the
/// library, which notebooks load, keeps none.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Waits for the watcher to end the process when a signal has arrived; returns at once
/// otherwise.
pub(crate) fn settle() {
    if INTERRUPTED.load(Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// Starts the watcher thread.
pub(crate) fn install() -> Result<()> {
    let broken = |source| Error::System {
        what: "watch for Ctrl-C",
        source,
    };
    let mut signals = Signals::new([SIGINT, SIGTERM]).map_err(broken)?;
    std::thread::Builder::new()
        .name("parlab-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                INTERRUPTED.store(true, Ordering::SeqCst);
                let stopped = stop_descendants();
                let name = if signal == SIGINT {
                    "SIGINT"
                } else {
                    "SIGTERM"
                };
                eprintln!(
                    "error: {}",
                    Error::Interrupted {
                        signal: name,
                        stopped
                    }
                );
                // SAFETY: ends the process at once; the other threads may hold any lock, so no
                // destructor or atexit handler is run.
                unsafe { libc::_exit(128 + signal) }
            }
        })
        .map_err(broken)?;
    Ok(())
}

/// Kills every descendant of this process with SIGKILL, again until none is left (a thread may
/// fork while we kill), reaps our children, and returns how many processes were killed.
pub(crate) fn stop_descendants() -> usize {
    let me = std::process::id();
    let deadline = Instant::now() + REAP_WITHIN;
    let mut killed = std::collections::HashSet::new();
    loop {
        let found = descendants(me);
        let fresh: Vec<u32> = found
            .iter()
            .copied()
            .filter(|p| !killed.contains(p))
            .collect();
        for &pid in &fresh {
            // SAFETY: kill has no memory preconditions; `pid` was a descendant an instant ago.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL);
            }
            killed.insert(pid);
        }
        reap_children();
        if found.is_empty() || Instant::now() > deadline {
            return killed.len();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reaps every exited child without waiting.
fn reap_children() {
    loop {
        let mut status = 0;
        // SAFETY: `status` is a valid out-pointer.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            return;
        }
    }
}

/// The live (not zombie) processes below `root`, read from `/proc`.
pub(crate) fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of: HashMap<u32, u32> = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    for entry in dir.filter_map(|e| e.ok()) {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some((state, ppid)) = stat(pid) {
            if state != 'Z' && state != 'X' {
                parent_of.insert(pid, ppid);
            }
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for (&child, &parent) in &parent_of {
            if parent == p && !out.contains(&child) {
                out.push(child);
                frontier.push(child);
            }
        }
    }
    out
}

/// State and parent pid of `pid` from `/proc/PID/stat`.
fn stat(pid: u32) -> Option<(char, u32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}
