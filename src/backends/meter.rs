//! Live readings for a dashboard: the cores' busy fractions since the last reading (the
//! [`CpuMonitor`](super::CpuMonitor)'s counters, read on demand), and the CPU and memory of this
//! process and of its live child processes (forked workers, cluster engines): from `/proc` on
//! Linux, from `proc_pidinfo` and `proc_listchildpids` on macOS.

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
    /// CPU seconds of each process of the tree at the last reading.
    cpu: HashMap<u32, f64>,
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
    /// [`Error::Backend`](crate::Error::Backend) when the cores' counters cannot be read
    /// (neither Linux nor macOS).
    pub fn start() -> Result<Meter> {
        let mut meter = Meter {
            origin: Instant::now(),
            at: Instant::now(),
            cores: read_stat()?,
            cpu: HashMap::new(),
            since_scan: 0,
        };
        meter.cpu = tree(None).into_iter().map(|p| (p.pid, p.cpu)).collect();
        Ok(meter)
    }

    /// The interval since the previous reading (or the start).
    ///
    /// # Errors
    ///
    /// [`Error::Backend`](crate::Error::Backend) when the counters cannot be read any more.
    pub fn read(&mut self) -> Result<MeterReading> {
        let cores = read_stat()?;
        let now = Instant::now();
        let wall = now.duration_since(self.at).as_secs_f64();
        self.since_scan = (self.since_scan + 1) % SCAN_EVERY;
        let known: Vec<u32> = self.cpu.keys().copied().collect();
        let processes = tree((self.since_scan != 0).then_some(&known[..]));
        let mut used = 0.0;
        let mut cpu = HashMap::with_capacity(processes.len());
        for p in &processes {
            // A child born since the last reading started from zero.
            used += (p.cpu - self.cpu.get(&p.pid).copied().unwrap_or(0.0)).max(0.0);
            cpu.insert(p.pid, p.cpu);
        }
        let reading = MeterReading {
            at: now.duration_since(self.origin).as_secs_f64(),
            busy: busy_between(&self.cores, &cores),
            process_cores: if wall > 0.0 { used / wall } else { 0.0 },
            memory_bytes: processes.iter().map(|p| p.rss_bytes).sum(),
            own_memory_bytes: processes.first().map_or(0, |p| p.rss_bytes),
            children: processes.len().saturating_sub(1),
        };
        (self.cores, self.at, self.cpu) = (cores, now, cpu);
        Ok(reading)
    }
}

/// One process of the tree.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Proc {
    pid: u32,
    /// User + system CPU seconds so far.
    cpu: f64,
    rss_bytes: u64,
}

#[cfg(target_os = "linux")]
mod linux {
    use super::Proc;

    /// Clock ticks per second and bytes per page.
    fn units() -> (f64, u64) {
        // SAFETY: sysconf has no memory preconditions.
        let (hz, page) = unsafe {
            (
                libc::sysconf(libc::_SC_CLK_TCK),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        (
            if hz > 0 { hz as f64 } else { 100.0 },
            if page > 0 { page as u64 } else { 4096 },
        )
    }

    /// Parses `/proc/PID/stat` (the command name may hold spaces and parentheses) into the
    /// process and its parent's pid.
    pub(super) fn parse_proc_stat(pid: u32, text: &str) -> Option<(Proc, u32)> {
        let rest = &text[text.rfind(')')? + 1..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok());
        let (hz, page) = units();
        let proc = Proc {
            pid,
            cpu: (num(11)? + num(12)?) as f64 / hz,
            rss_bytes: num(21)?.saturating_mul(page),
        };
        Some((proc, u32::try_from(num(1)?).ok()?))
    }

    fn read_proc(pid: u32) -> Option<(Proc, u32)> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        parse_proc_stat(pid, &text)
    }

    /// This process first, then its live children: found by their parent in `/proc`, or,
    /// given `known` pids, those of them that still are.
    pub(super) fn tree(known: Option<&[u32]>) -> Vec<Proc> {
        let me = std::process::id();
        let mut all: Vec<Proc> = read_proc(me).into_iter().map(|p| p.0).collect();
        let mine = |p: u32| read_proc(p).filter(|&(_, ppid)| ppid == me).map(|p| p.0);
        if let Some(known) = known {
            all.extend(known.iter().filter(|&&p| p != me).filter_map(|&p| mine(p)));
            return all;
        }
        if let Ok(dir) = std::fs::read_dir("/proc") {
            for entry in dir.flatten() {
                let pid = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| n.parse::<u32>().ok());
                all.extend(pid.filter(|&p| p != me).and_then(mine));
            }
        }
        all
    }
}
#[cfg(target_os = "linux")]
use linux::tree;

/// This process first, then its live children (`known` is not needed: listing the children is
/// one call on macOS).
#[cfg(target_os = "macos")]
fn tree(_known: Option<&[u32]>) -> Vec<Proc> {
    use super::cpu::macos::{children, task_usage};
    let me = std::process::id();
    std::iter::once(me)
        .chain(children(me))
        .filter_map(|pid| {
            task_usage(pid).map(|(cpu, rss_bytes)| Proc {
                pid,
                cpu,
                rss_bytes,
            })
        })
        .collect()
}

/// Other Unixes: no process readings (zeros), never a panic.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn tree(_known: Option<&[u32]>) -> Vec<Proc> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_stat_line_with_spaces_in_the_name_parses() {
        use linux::parse_proc_stat;
        let line = "42 (a b) c) S 7 42 42 0 -1 4194304 1 0 0 0 30 12 0 0 20 0 3 0 99 1000 250 0";
        let (proc, ppid) = parse_proc_stat(42, line).expect("parses");
        // SAFETY: sysconf has no memory preconditions.
        let (hz, page) = unsafe {
            (
                libc::sysconf(libc::_SC_CLK_TCK) as f64,
                libc::sysconf(libc::_SC_PAGESIZE) as u64,
            )
        };
        assert_eq!((proc.pid, ppid, proc.rss_bytes), (42, 7, 250 * page));
        assert!((proc.cpu - 42.0 / hz).abs() < 1e-12);
        assert_eq!(parse_proc_stat(1, "garbage"), None);
    }

    #[test]
    fn a_forked_child_is_part_of_the_tree() {
        // The child lives until the parent has looked: it waits for the end of a pipe whose
        // writing end the parent closes.
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let [read_end, write_end] = fds;
        // SAFETY: the child only closes, reads (both async-signal-safe) and exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: descriptors of our own and a one-byte buffer on the stack.
            unsafe {
                libc::close(write_end);
                let mut byte = 0u8;
                libc::read(read_end, (&mut byte as *mut u8).cast(), 1);
                libc::_exit(0);
            }
        }
        // SAFETY: our own descriptor, not used after.
        unsafe { libc::close(read_end) };
        let seen = tree(None).iter().any(|p| p.pid == pid as u32);
        // SAFETY: our own descriptor, not used after; the child's read then returns.
        unsafe { libc::close(write_end) };
        let mut status = 0;
        // SAFETY: pid is our unreaped child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(seen);
    }
}
