//! Watching the cores: per-core busy time (Linux: `/proc/stat`; macOS: the kernel's
//! `host_processor_info`) while work runs — the Resource Monitor (Windows) or Activity Monitor
//! (macOS) the module points to, as a value.
//!
//! A [`CpuMonitor`] is a value the caller holds (no global state, so it works the same in a
//! notebook cell): [`CpuMonitor::start`] takes a first reading and starts a sampling thread,
//! [`CpuMonitor::stop`] takes the last reading and returns the [`CpuTrace`]: busy fraction per
//! core in every sampling interval, and on average over the whole run. `parlab::plot` draws it.
//!
//! The counters count what **every** process on the machine did, in ticks of 10 ms: other
//! programs' work shows up too, and runs shorter than a few ticks read coarsely. The trace also
//! holds this process's own CPU time (its threads, plus forked workers it has waited for), which
//! other programs cannot inflate.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::{Error, Result};

/// The sampling interval of [`CpuMonitor::start`].
pub const CPU_SAMPLE_INTERVAL: Duration = Duration::from_millis(100);

/// One core's counters: ticks busy, ticks in all.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Ticks {
    pub(super) busy: u64,
    pub(super) total: u64,
}

/// Every core's counters, at `at` seconds since the monitor started, and this process's CPU
/// seconds so far.
#[derive(Clone, Debug)]
struct Reading {
    at: f64,
    cores: Vec<Ticks>,
    process: f64,
}

impl Reading {
    fn now(origin: Instant) -> Result<Reading> {
        let cores = read_stat()?;
        Ok(Reading {
            at: origin.elapsed().as_secs_f64(),
            cores,
            process: process_cpu_seconds(),
        })
    }
}

/// Reads every core's counters: on Linux one [`Ticks`] per `cpuN` line of `/proc/stat`.
#[cfg(target_os = "linux")]
pub(super) fn read_stat() -> Result<Vec<Ticks>> {
    let text = std::fs::read_to_string("/proc/stat").map_err(|e| cannot_read("/proc/stat", e))?;
    Ok(parse_stat(&text))
}

/// Reads every core's counters: on macOS from `host_processor_info` (see [`macos`]).
#[cfg(target_os = "macos")]
pub(super) fn read_stat() -> Result<Vec<Ticks>> {
    macos::read_cores().map_err(|e| cannot_read("host_processor_info", e))
}

/// Other Unixes: no reader (an error that says so, never a panic).
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub(super) fn read_stat() -> Result<Vec<Ticks>> {
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

#[cfg(target_os = "macos")]
pub(super) mod macos;

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

/// Samples per-core busy time while work runs; see the [module docs](self).
///
/// # Examples
///
/// ```
/// use parlab::backends::CpuMonitor;
/// use parlab::prelude::*;
///
/// let monitor = CpuMonitor::start()?;
/// let run = squares(&RayonPool::new(2)?, 0..200_000)?;
/// let cpu = monitor.stop()?;
/// assert_eq!(cpu.cores, cpu_count());
/// assert_eq!(cpu.busy.len(), cpu.cores);
/// assert!(cpu.busy.iter().all(|b| (0.0..=1.0).contains(b)));
/// assert!(cpu.seconds >= run.seconds);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct CpuMonitor {
    origin: Instant,
    first: Reading,
    interval: Duration,
    stop: Option<Sender<()>>,
    sampler: Option<JoinHandle<Vec<Reading>>>,
}

impl CpuMonitor {
    /// Starts monitoring, sampling every [`CPU_SAMPLE_INTERVAL`] (100 ms).
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the cores' counters cannot be read (neither Linux nor macOS),
    /// [`Error::System`] when the sampling thread cannot start.
    pub fn start() -> Result<CpuMonitor> {
        CpuMonitor::every(CPU_SAMPLE_INTERVAL)
    }

    /// Starts monitoring, sampling every `interval` (at least 10 ms, one tick of the counters).
    ///
    /// # Errors
    ///
    /// As [`start`](CpuMonitor::start); [`Error::InvalidInput`] for an interval under 10 ms.
    pub fn every(interval: Duration) -> Result<CpuMonitor> {
        if interval < Duration::from_millis(10) {
            return Err(Error::invalid(
                "CPU sampling interval",
                format!(
                    "{interval:?} is shorter than the CPU counters' tick of 10 ms; use 10 ms or more"
                ),
            ));
        }
        let origin = Instant::now();
        let first = Reading::now(origin)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let sampler = std::thread::Builder::new()
            .name("parlab-cpu-monitor".into())
            .spawn(move || {
                let mut readings = Vec::new();
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    readings.extend(Reading::now(origin).ok());
                }
                readings
            })
            .map_err(|source| Error::System {
                what: "start the CPU monitor's sampling thread",
                source,
            })?;
        Ok(CpuMonitor {
            origin,
            first,
            interval,
            stop: Some(stop),
            sampler: Some(sampler),
        })
    }

    /// Runs `work` between [`start`](CpuMonitor::start) and [`stop`](CpuMonitor::stop).
    ///
    /// # Errors
    ///
    /// As [`start`](CpuMonitor::start) and [`stop`](CpuMonitor::stop).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::backends::CpuMonitor;
    ///
    /// let (sum, cpu) = CpuMonitor::watch(|| (0..1_000_000u64).sum::<u64>())?;
    /// assert_eq!(sum, 499_999_500_000);
    /// assert!(cpu.total_busy() <= cpu.cores as f64);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn watch<T>(work: impl FnOnce() -> T) -> Result<(T, CpuTrace)> {
        let monitor = CpuMonitor::start()?;
        let out = work();
        Ok((out, monitor.stop()?))
    }

    /// Stops monitoring and returns what was seen.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the counters cannot be read any more or the sampling thread died.
    pub fn stop(mut self) -> Result<CpuTrace> {
        let readings = self.finish_sampler()?;
        let last = Reading::now(self.origin)?;
        let mut all = Vec::with_capacity(readings.len() + 2);
        all.push(self.first.clone());
        all.extend(readings);
        all.push(last);
        Ok(CpuTrace::from_readings(&all, self.interval))
    }

    fn finish_sampler(&mut self) -> Result<Vec<Reading>> {
        drop(self.stop.take());
        match self.sampler.take() {
            Some(handle) => handle.join().map_err(|_| Error::Backend {
                backend: "cpu monitor",
                message: "the sampling thread panicked".into(),
            }),
            None => Ok(Vec::new()),
        }
    }
}

impl Drop for CpuMonitor {
    fn drop(&mut self) {
        let _ = self.finish_sampler();
    }
}

/// One sampling interval of a [`CpuTrace`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CpuSample {
    /// Start, seconds since the monitor started.
    pub start: f64,
    /// End, seconds since the monitor started.
    pub end: f64,
    /// Busy fraction of each core in the interval, 0 to 1.
    pub busy: Vec<f64>,
    /// This process's CPU seconds per wall second in the interval: how many cores' worth it
    /// used itself (its threads; forked workers count once they have been waited for).
    pub process: f64,
}

/// What a [`CpuMonitor`] saw: per-core busy fractions over time and on average.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CpuTrace {
    /// Number of cores (the `cpuN` lines of `/proc/stat` on Linux).
    pub cores: usize,
    /// Seconds from start to stop.
    pub seconds: f64,
    /// The sampling interval asked for, seconds.
    pub interval: f64,
    /// Average busy fraction of each core from start to stop (from the first and last reading,
    /// so exact up to a tick whatever the interval).
    pub busy: Vec<f64>,
    /// The intervals, in order.
    pub samples: Vec<CpuSample>,
    /// CPU seconds this process (and the workers it forked and waited for) used meanwhile.
    pub process_cpu_seconds: f64,
}

impl CpuTrace {
    fn from_readings(readings: &[Reading], interval: Duration) -> CpuTrace {
        let fractions = |a: &Reading, b: &Reading| busy_between(&a.cores, &b.cores);
        let (first, last) = (&readings[0], &readings[readings.len() - 1]);
        CpuTrace {
            cores: first.cores.len(),
            seconds: last.at,
            interval: interval.as_secs_f64(),
            busy: fractions(first, last),
            samples: readings
                .windows(2)
                .map(|w| CpuSample {
                    start: w[0].at,
                    end: w[1].at,
                    busy: fractions(&w[0], &w[1]),
                    process: per_second(w[1].process - w[0].process, w[1].at - w[0].at),
                })
                .collect(),
            process_cpu_seconds: last.process - first.process,
        }
    }

    /// The sum of the cores' average busy fractions: about how many cores were busy.
    pub fn total_busy(&self) -> f64 {
        self.busy.iter().sum()
    }

    /// This process's CPU seconds per wall second: how many cores' worth of work it did itself.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::backends::CpuMonitor;
    ///
    /// let (_, cpu) = CpuMonitor::watch(|| std::thread::sleep(std::time::Duration::from_millis(50)))?;
    /// assert!(cpu.process_cores() < 0.5); // sleeping is not work
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn process_cores(&self) -> f64 {
        per_second(self.process_cpu_seconds, self.seconds)
    }
}

/// One line: each core's average busy share and parlab's own, e.g.
/// `cores busy over 1.02 s: core 0 97%, core 1 95% (parlab itself: 1.89 cores)`.
///
/// # Examples
///
/// ```
/// use parlab::backends::CpuMonitor;
///
/// let (_, cpu) = CpuMonitor::watch(|| (0..100_000u64).sum::<u64>())?;
/// assert!(cpu.to_string().starts_with("cores busy over "));
/// assert!(cpu.to_string().contains("core 0 "));
/// # Ok::<(), parlab::Error>(())
/// ```
impl std::fmt::Display for CpuTrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cores busy over {:.2} s:", self.seconds)?;
        for (i, b) in self.busy.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            write!(f, "{sep} core {i} {:.0}%", 100.0 * b)?;
        }
        write!(f, " (parlab itself: {:.2} cores)", self.process_cores())
    }
}

/// Each core's busy fraction between two readings of its counters.
pub(super) fn busy_between(a: &[Ticks], b: &[Ticks]) -> Vec<f64> {
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

fn per_second(cpu: f64, wall: f64) -> f64 {
    if wall > 0.0 {
        cpu / wall
    } else {
        0.0
    }
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

    #[test]
    fn fractions_come_from_differences_of_readings() {
        let r = |at, busy: [u64; 2], total: [u64; 2]| Reading {
            at,
            process: 3.0 * at,
            cores: (0..2)
                .map(|i| Ticks {
                    busy: busy[i],
                    total: total[i],
                })
                .collect(),
        };
        let readings = [
            r(0.0, [0, 0], [0, 0]),
            r(0.1, [10, 0], [10, 10]),
            r(0.2, [15, 10], [20, 20]),
        ];
        let trace = CpuTrace::from_readings(&readings, Duration::from_millis(100));
        assert_eq!(trace.busy, [0.75, 0.5]);
        assert_eq!(trace.samples[0].busy, [1.0, 0.0]);
        assert_eq!(trace.samples[1].busy, [0.5, 1.0]);
        assert!((trace.process_cores() - 3.0).abs() < 1e-12);
        assert!((trace.samples[1].process - 3.0).abs() < 1e-12);
    }
}
