//! Live readings for a dashboard: the cores' busy fractions since the last reading (the
//! [`CpuMonitor`](super::CpuMonitor)'s `/proc/stat` counters, read on demand), and the CPU and
//! memory of this process and of its live child processes (forked workers, cluster engines).

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;

use super::cpu::{busy_between, read_stat, Ticks};
use crate::Result;

/// What a [`Meter`] read: the interval since the previous reading.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeterReading {
    /// Seconds since the meter started, at the end of the interval.
    pub at: f64,
    /// Busy fraction of each core in the interval, 0 to 1 (every program on the machine).
    pub busy: Vec<f64>,
    /// CPU seconds per wall second of this process and its live children: how many cores'
    /// worth of work they did themselves (other programs cannot inflate it).
    pub process_cores: f64,
    /// Resident memory of this process and its live children, bytes (pages a forked child
    /// still shares with its parent count in both).
    pub memory_bytes: u64,
    /// Resident memory of this process alone, bytes.
    pub own_memory_bytes: u64,
    /// Live child processes of this one.
    pub children: usize,
}

/// Reads the cores, and this process's tree, on demand.
///
/// # Examples
///
/// ```
/// use parlab::backends::Meter;
///
/// let mut meter = Meter::start()?;
/// let _work: u64 = (0..10_000_000u64).map(|x| x ^ (x >> 3)).sum();
/// let reading = meter.read()?;
/// assert_eq!(reading.busy.len(), parlab::backends::cpu_count());
/// assert!(reading.memory_bytes >= reading.own_memory_bytes && reading.own_memory_bytes > 0);
/// assert!(reading.process_cores >= 0.0);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct Meter {
    origin: Instant,
    at: Instant,
    cores: Vec<Ticks>,
    /// CPU ticks of each process of the tree at the last reading.
    ticks: HashMap<u32, u64>,
    tick_seconds: f64,
    page_bytes: u64,
    /// Readings since the last full scan of `/proc` for children.
    since_scan: usize,
}

/// A full scan of `/proc` for new children every this many readings (a few ms with a few
/// hundred processes); in between, the children already known are read again.
const SCAN_EVERY: usize = 4;

impl Meter {
    /// Takes a first reading.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`](crate::Error::Backend) when `/proc/stat` cannot be read (not Linux).
    pub fn start() -> Result<Meter> {
        // SAFETY: sysconf has no memory preconditions.
        let (hz, page) = unsafe {
            (
                libc::sysconf(libc::_SC_CLK_TCK),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        let mut meter = Meter {
            origin: Instant::now(),
            at: Instant::now(),
            cores: read_stat()?,
            ticks: HashMap::new(),
            tick_seconds: 1.0 / if hz > 0 { hz as f64 } else { 100.0 },
            page_bytes: if page > 0 { page as u64 } else { 4096 },
            since_scan: 0,
        };
        meter.ticks = tree(None).into_iter().map(|p| (p.pid, p.ticks)).collect();
        Ok(meter)
    }

    /// The interval since the previous reading (or the start).
    ///
    /// # Errors
    ///
    /// [`Error::Backend`](crate::Error::Backend) when `/proc/stat` cannot be read any more.
    pub fn read(&mut self) -> Result<MeterReading> {
        let cores = read_stat()?;
        let now = Instant::now();
        let wall = now.duration_since(self.at).as_secs_f64();
        self.since_scan = (self.since_scan + 1) % SCAN_EVERY;
        let known: Vec<u32> = self.ticks.keys().copied().collect();
        let processes = tree((self.since_scan != 0).then_some(&known[..]));
        let mut used = 0;
        let mut ticks = HashMap::with_capacity(processes.len());
        for p in &processes {
            // A child born since the last reading started from zero ticks.
            used += p
                .ticks
                .saturating_sub(self.ticks.get(&p.pid).copied().unwrap_or(0));
            ticks.insert(p.pid, p.ticks);
        }
        let reading = MeterReading {
            at: now.duration_since(self.origin).as_secs_f64(),
            busy: busy_between(&self.cores, &cores),
            process_cores: if wall > 0.0 {
                used as f64 * self.tick_seconds / wall
            } else {
                0.0
            },
            memory_bytes: processes.iter().map(|p| p.rss_pages).sum::<u64>() * self.page_bytes,
            own_memory_bytes: processes.first().map_or(0, |p| p.rss_pages) * self.page_bytes,
            children: processes.len().saturating_sub(1),
        };
        (self.cores, self.at, self.ticks) = (cores, now, ticks);
        Ok(reading)
    }
}

/// One process of the tree, from `/proc/PID/stat`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Proc {
    pid: u32,
    ppid: u32,
    /// utime + stime, clock ticks.
    ticks: u64,
    rss_pages: u64,
}

/// Parses `/proc/PID/stat` (the command name may hold spaces and parentheses).
fn parse_proc_stat(pid: u32, text: &str) -> Option<Proc> {
    let rest = &text[text.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let num = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok());
    Some(Proc {
        pid,
        ppid: u32::try_from(num(1)?).ok()?,
        ticks: num(11)? + num(12)?,
        rss_pages: num(21)?,
    })
}

fn read_proc(pid: u32) -> Option<Proc> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_proc_stat(pid, &text)
}

/// This process first, then its live children: found by their parent in `/proc`, or, given
/// `known` pids, those of them that still are.
fn tree(known: Option<&[u32]>) -> Vec<Proc> {
    let me = std::process::id();
    let mut all: Vec<Proc> = read_proc(me).into_iter().collect();
    if let Some(known) = known {
        let alive = known
            .iter()
            .filter(|&&p| p != me)
            .filter_map(|&p| read_proc(p));
        all.extend(alive.filter(|p| p.ppid == me));
        return all;
    }
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let pid = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok());
            if let Some(p) = pid.filter(|&p| p != me).and_then(read_proc) {
                if p.ppid == me {
                    all.push(p);
                }
            }
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_with_spaces_in_the_name_parses() {
        let line = "42 (a b) c) S 7 42 42 0 -1 4194304 1 0 0 0 30 12 0 0 20 0 3 0 99 1000 250 0";
        assert_eq!(
            parse_proc_stat(42, line),
            Some(Proc {
                pid: 42,
                ppid: 7,
                ticks: 42,
                rss_pages: 250
            })
        );
        assert_eq!(parse_proc_stat(1, "garbage"), None);
    }

    #[test]
    fn a_forked_child_is_part_of_the_tree() {
        // SAFETY: the child only sleeps and exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            std::thread::sleep(std::time::Duration::from_millis(500));
            unsafe { libc::_exit(0) };
        }
        let seen = tree(None).iter().any(|p| p.pid == pid as u32);
        let mut status = 0;
        // SAFETY: pid is our unreaped child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(seen);
    }
}
