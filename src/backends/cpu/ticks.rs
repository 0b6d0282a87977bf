//! The counters the CPU monitor and the meter read: every core's busy and total ticks since
//! boot (Linux: `/proc/stat`; macOS: `host_processor_info`, read in `cpu/macos.rs`), and this
//! process's own CPU time (`getrusage`).

use crate::{Error, Result};

/// One core's counters: ticks busy, ticks in all.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(in crate::backends) struct Ticks {
    pub(in crate::backends) busy: u64,
    pub(in crate::backends) total: u64,
}

/// Reads every core's counters: on Linux one [`Ticks`] per `cpuN` line of `/proc/stat`.
#[cfg(target_os = "linux")]
pub(in crate::backends) fn read_stat() -> Result<Vec<Ticks>> {
    let text = std::fs::read_to_string("/proc/stat").map_err(|e| cannot_read("/proc/stat", e))?;
    Ok(parse_stat(&text))
}

/// Reads every core's counters: on macOS from `host_processor_info` (see `cpu/macos.rs`).
#[cfg(target_os = "macos")]
pub(in crate::backends) fn read_stat() -> Result<Vec<Ticks>> {
    super::macos::read_cores().map_err(|e| cannot_read("host_processor_info", e))
}

/// Other Unixes: no reader (an error that says so, never a panic).
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub(in crate::backends) fn read_stat() -> Result<Vec<Ticks>> {
    Err(cannot_read(
        "/proc/stat",
        std::io::Error::other("no per-core counters on this system"),
    ))
}

fn cannot_read(what: &str, e: std::io::Error) -> Error {
    Error::Backend {
        backend: "cpu monitor",
        message: format!(
            "cannot read {what} ({e}): per-core monitoring needs Linux (or WSL) or macOS; \
             elsewhere watch the cores in your system's monitor"
        ),
    }
}

/// The per-core lines of a `/proc/stat` text: busy = user + nice + system + irq + softirq,
/// total = busy + idle + iowait + steal (guest time is already inside user).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parse_stat(text: &str) -> Vec<Ticks> {
    text.lines()
        .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
        .map(|line| {
            let f: Vec<u64> = line
                .split_whitespace()
                .skip(1)
                .map(|x| x.parse().unwrap_or(0))
                .chain(std::iter::repeat(0))
                .take(8)
                .collect();
            let busy = f[0] + f[1] + f[2] + f[5] + f[6];
            Ticks {
                busy,
                total: busy + f[3] + f[4] + f[7],
            }
        })
        .collect()
}

/// Each core's busy fraction between two readings of its counters.
pub(in crate::backends) fn busy_between(a: &[Ticks], b: &[Ticks]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let total = y.total.saturating_sub(x.total);
            let busy = y.busy.saturating_sub(x.busy);
            if total == 0 {
                0.0
            } else {
                (busy as f64 / total as f64).min(1.0)
            }
        })
        .collect()
}

/// CPU seconds used by this process and its waited-for children so far (`getrusage`, µs
/// resolution): the difference over a run is the CPU time the run cost.
///
/// # Examples
///
/// ```
/// let before = parlab::backends::process_cpu_seconds();
/// let sum: u64 = (0..10_000_000u64).map(std::hint::black_box).sum();
/// assert!(sum > 0 && parlab::backends::process_cpu_seconds() >= before);
/// ```
pub fn process_cpu_seconds() -> f64 {
    let mut total = 0.0;
    for who in [libc::RUSAGE_SELF, libc::RUSAGE_CHILDREN] {
        // SAFETY: getrusage writes one plain struct we own.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut usage) } == 0 {
            for t in [usage.ru_utime, usage.ru_stime] {
                total += t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_become_busy_and_total_ticks() {
        let text =
            "cpu  10 0 5 100 1 0 1 2 0 0\ncpu0 4 1 2 50 1 0 1 1 3 0\ncpu1 6 0 3 50\nintr 1 2\n";
        assert_eq!(
            parse_stat(text),
            [Ticks { busy: 8, total: 60 }, Ticks { busy: 9, total: 59 }]
        );
    }
}
