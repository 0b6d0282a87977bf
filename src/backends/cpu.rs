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

use crate::{Error, Result};

#[cfg(target_os = "macos")]
pub(super) mod macos;
mod ticks;
mod trace;

pub use ticks::process_cpu_seconds;
pub(super) use ticks::{busy_between, read_stat, Ticks};
use trace::Reading;
pub use trace::{CpuSample, CpuTrace};

/// The sampling interval of [`CpuMonitor::start`].
pub const CPU_SAMPLE_INTERVAL: Duration = Duration::from_millis(100);

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
