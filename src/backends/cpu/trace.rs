//! What a [`CpuMonitor`](super::CpuMonitor) saw: the readings it took, and the
//! [`CpuTrace`] made of them.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::ticks::{busy_between, process_cpu_seconds, read_stat, Ticks};
use crate::Result;

/// Every core's counters, at `at` seconds since the monitor started, and this process's CPU
/// seconds so far.
#[derive(Clone, Debug)]
pub(super) struct Reading {
    pub(super) at: f64,
    pub(super) cores: Vec<Ticks>,
    pub(super) process: f64,
}

impl Reading {
    pub(super) fn now(origin: Instant) -> Result<Reading> {
        let cores = read_stat()?;
        Ok(Reading {
            at: origin.elapsed().as_secs_f64(),
            cores,
            process: process_cpu_seconds(),
        })
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

/// What a [`CpuMonitor`](super::CpuMonitor) saw: per-core busy fractions over time and on average.
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
    pub(super) fn from_readings(readings: &[Reading], interval: Duration) -> CpuTrace {
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
