//! The watchdog of the process backends: a parent waiting for a forked child's reply also
//! watches the clock (the map's timeout) and the child itself (stuck on a lock forever).

use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use super::fork::readable;

/// How often a parent waiting on a child looks at the clock and at the child.
const TICK_MS: u64 = 100;

/// How long a forked child may sit blocked on a lock with no other thread to release it before
/// the watchdog kills it.
pub(crate) const STUCK_AFTER: Duration = Duration::from_secs(2);

/// What came of waiting for a child's next reply.
#[derive(Debug)]
pub(crate) enum Wait {
    /// Data (or the end of the stream) is waiting.
    Ready,
    /// The deadline passed first.
    TimedOut,
    /// The watchdog found the child stuck; how, in words.
    Stuck(String),
}

/// Waits until `stream` (child `pid`'s socket) is readable, the `deadline` passes, or the
/// watchdog finds the child stuck: blocked for [`STUCK_AFTER`] on a lock (a futex wait) while it
/// has a single thread, so that nothing in it can ever release the lock. That is what a lock
/// held by another thread of the parent at the fork looks like; a child that computes, sleeps or
/// waits on its own threads is never taken for stuck.
pub(crate) fn wait_for(stream: &UnixStream, pid: libc::pid_t, deadline: Option<Instant>) -> Wait {
    let mut blocked_since: Option<Instant> = None;
    loop {
        let now = Instant::now();
        let mut wait = Duration::from_millis(TICK_MS);
        if let Some(deadline) = deadline {
            if now >= deadline {
                return Wait::TimedOut;
            }
            wait = wait.min(deadline - now);
        }
        let ms = i32::try_from(wait.as_millis().max(1)).unwrap_or(i32::MAX);
        if readable(&[stream], ms)[0] {
            return Wait::Ready;
        }
        if blocked_on_a_lock(pid) {
            let since = *blocked_since.get_or_insert(now);
            if since.elapsed() >= STUCK_AFTER {
                return Wait::Stuck(format!(
                    "was stuck: blocked on a lock for {} s with no other thread to release it \
                     (a lock another thread of the parent held at the fork, such as stdout's or \
                     a Mutex it shares with the kernel; see parlab::backends::ProcessPool on \
                     what a forked worker may do); the watchdog killed it",
                    STUCK_AFTER.as_secs()
                ));
            }
        } else {
            blocked_since = None;
        }
    }
}

/// Is process `pid` single-threaded and waiting in `futex` (on a lock)? False when `/proc` does
/// not say.
fn blocked_on_a_lock(pid: libc::pid_t) -> bool {
    #[cfg(target_os = "linux")]
    {
        let threads = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Threads:"))
                    .and_then(|n| n.trim().parse::<u32>().ok())
            });
        if threads != Some(1) {
            return false;
        }
        let syscall = std::fs::read_to_string(format!("/proc/{pid}/syscall")).ok();
        let number = syscall
            .as_deref()
            .and_then(|s| s.split_whitespace().next())
            .and_then(|n| n.parse::<libc::c_long>().ok());
        number == Some(libc::SYS_futex)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        false
    }
}
