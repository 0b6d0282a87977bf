//! Helpers the test files share: processes seen in `/proc` (for the tests that check nothing
//! is left behind) and waiting for a fact rather than for the clock ([`wait`]).
// Each test file that shares this module uses only some of it.
#![allow(dead_code, unused_imports)]

mod wait;

pub use wait::{poll, wait_until, within};

/// `(pid, state, ppid)` of every process in `/proc`, from `/proc/*/stat`.
fn processes() -> impl Iterator<Item = (u32, char, u32)> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            let (head, rest) = stat.rsplit_once(')')?;
            let pid = head.split_whitespace().next()?.parse().ok()?;
            let mut fields = rest.split_whitespace();
            let state = fields.next()?.chars().next()?;
            let ppid = fields.next()?.parse().ok()?;
            Some((pid, state, ppid))
        })
}

/// Live processes whose parent is `pid` (a zombie, exited and not yet reaped, is not counted).
pub fn children_of(pid: u32) -> Vec<u32> {
    processes()
        .filter(|&(_, state, ppid)| ppid == pid && state != 'Z')
        .map(|(child, ..)| child)
        .collect()
}

/// Live children of this test process.
pub fn children() -> Vec<u32> {
    children_of(std::process::id())
}

/// Children of this test process, zombies included: what a pool that reaps its workers leaves
/// behind is none of either.
pub fn children_and_zombies() -> Vec<u32> {
    let me = std::process::id();
    processes()
        .filter(|&(_, _, ppid)| ppid == me)
        .map(|(child, ..)| child)
        .collect()
}

/// Whether process `pid` no longer runs (gone, or a zombie nobody reaped yet).
pub fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X"),
    }
}

/// Whether process `pid` is gone and reaped: not even a zombie is left in `/proc`.
pub fn reaped(pid: u32) -> bool {
    !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Whether process `pid` has a handler installed for `signal` (its `SigCgt` mask in
/// `/proc/PID/status`).
pub fn catches(pid: u32, signal: i32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

/// CPU time process `pid` has used so far (user and system, its threads included), seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // After the ')': state is field 3 of stat(5), utime field 14, stime field 15.
    let ticks: u64 = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|t| t.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1);
    ticks as f64 / hz as f64
}
