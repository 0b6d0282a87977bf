//! What this machine allows: how many workers a backend may start and how much memory a run may
//! take, checked *before* anything is started or allocated, so that a mistyped number is an
//! error that says the bound (and how to change it) instead of a hang or an abort.

#[cfg(not(unix))]
compile_error!(
    "parlab runs on Linux and macOS (it forks worker processes and reads the system's CPU \
     counters). On Windows, use WSL (Windows Subsystem for Linux: `wsl --install`, then build \
     parlab inside the Linux shell)."
);

pub use crate::display::human_bytes;
use crate::{Error, Result};

/// Environment variable that sets the most workers (threads, processes or engines) one backend
/// may have, instead of [`max_workers`]' default.
pub const MAX_WORKERS_VAR: &str = "PARLAB_MAX_WORKERS";

/// Environment variable that sets the most particle-steps (particles × steps) one gas run may
/// take, instead of [`max_particle_steps`]' default.
pub const MAX_PARTICLE_STEPS_VAR: &str = "PARLAB_MAX_PARTICLE_STEPS";

/// The most particle-steps one gas run may take by default: about two minutes on two cores of a
/// 2020s machine (≈10⁹ particle-steps per second); the exercise takes 10⁵.
const DEFAULT_PARTICLE_STEPS: u64 = 100_000_000_000;

/// The most particle-steps (particles × steps) one gas run may take:
/// `$PARLAB_MAX_PARTICLE_STEPS` when set, else 10¹¹. A run past it is refused up front, since
/// it would hold the machine for longer than anyone means by mistake.
///
/// # Errors
///
/// [`Error::InvalidInput`] when `$PARLAB_MAX_PARTICLE_STEPS` is set but is not a whole number ≥ 1.
///
/// # Examples
///
/// ```
/// assert!(parlab::limits::max_particle_steps()? >= 1);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn max_particle_steps() -> Result<u64> {
    match std::env::var_os(MAX_PARTICLE_STEPS_VAR) {
        None => Ok(DEFAULT_PARTICLE_STEPS),
        Some(text) => {
            let text = text.to_string_lossy();
            match text.trim().parse::<u64>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(Error::invalid(
                    "particle-step bound",
                    format!("{MAX_PARTICLE_STEPS_VAR}={text:?} is not a whole number >= 1; unset it or set e.g. {MAX_PARTICLE_STEPS_VAR}=1000000000000"),
                )),
            }
        }
    }
}

/// The machine's logical core count (Python's `cpu_count()`), public as
/// `parlab::backends::cpu_count`.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Workers per core allowed by default (I/O-bound maps want more workers than cores).
const PER_CORE: usize = 32;

/// The default bound never goes below this, even on one core.
const FLOOR: usize = 64;

/// The most workers one backend may have on this machine: `$PARLAB_MAX_WORKERS` when set, else
/// 32 per core and at least 64, and never more than the process limit (`RLIMIT_NPROC`) and the
/// kernel's thread limit allow.
///
/// # Errors
///
/// [`Error::InvalidInput`] when `$PARLAB_MAX_WORKERS` is set but is not a whole number ≥ 1.
///
/// # Examples
///
/// ```
/// let max = parlab::limits::max_workers()?;
/// assert!(max >= 1);
/// // Asking for more is an error that says the bound and how to raise it.
/// let err = parlab::backends::Threads::new(max + 1).unwrap_err();
/// assert!(err.to_string().contains("PARLAB_MAX_WORKERS"), "{err}");
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn max_workers() -> Result<usize> {
    if let Some(text) = std::env::var_os(MAX_WORKERS_VAR) {
        let text = text.to_string_lossy();
        return match text.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(Error::invalid(
                "worker bound",
                format!("{MAX_WORKERS_VAR}={text:?} is not a whole number >= 1; unset it or set e.g. {MAX_WORKERS_VAR}=256"),
            )),
        };
    }
    Ok(default_max_workers())
}

/// 32 per core, at least 64, within the machine's process and thread limits.
fn default_max_workers() -> usize {
    let mut max = (PER_CORE * cores()).max(FLOOR);
    if let Some(nproc) = process_limit() {
        max = max.min((nproc / 2).max(1));
    }
    if let Some(threads) = read_number("/proc/sys/kernel/threads-max") {
        max = max.min((threads / 4).max(1) as usize);
    }
    max
}

/// `RLIMIT_NPROC`, when it is finite.
fn process_limit() -> Option<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid out-pointer for getrlimit.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NPROC, &mut limit) } == 0;
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur as usize)
}

fn read_number(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// `workers` when it is at least 1 and at most [`max_workers`]: the one check every constructor
/// of a pool, cluster or split makes.
pub(crate) fn check_workers(workers: usize) -> Result<usize> {
    if workers == 0 {
        return Err(Error::ZeroWorkers);
    }
    let max = max_workers()?;
    if workers > max {
        return Err(Error::TooManyWorkers {
            asked: workers,
            max,
        });
    }
    Ok(workers)
}

/// The memory the kernel says is available to new allocations, in bytes: `MemAvailable` in
/// `/proc/meminfo` on Linux, free + inactive pages (`host_statistics64`) on macOS; `None` where
/// the system does not say.
///
/// # Examples
///
/// ```
/// if let Some(bytes) = parlab::limits::available_memory() {
///     assert!(bytes > 0);
/// }
/// ```
pub fn available_memory() -> Option<u64> {
    #[cfg(target_os = "macos")]
    return macos::available_memory();
    #[cfg(not(target_os = "macos"))]
    meminfo("MemAvailable:")
}

/// The machine's memory, in bytes: `MemTotal` in `/proc/meminfo` on Linux, `hw.memsize` on
/// macOS; `None` where the system does not say. dask's `Client` summary shows it as "Total
/// memory".
///
/// # Examples
///
/// ```
/// if let Some(total) = parlab::limits::total_memory() {
///     assert!(total >= parlab::limits::available_memory().unwrap_or(0));
/// }
/// ```
pub fn total_memory() -> Option<u64> {
    #[cfg(target_os = "macos")]
    return macos::total_memory();
    #[cfg(not(target_os = "macos"))]
    meminfo("MemTotal:")
}

/// One `/proc/meminfo` field (given in KiB there), in bytes.
#[cfg(not(target_os = "macos"))]
fn meminfo(field: &str) -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// macOS: the machine's memory from `sysctl`, what is free from the VM statistics. Type-checked
/// in CI for both Apple targets; not yet run on a Mac.
#[cfg(target_os = "macos")]
mod macos {
    pub(super) fn total_memory() -> Option<u64> {
        let mut bytes: u64 = 0;
        let mut size = std::mem::size_of::<u64>();
        // SAFETY: the name is NUL-terminated; sysctl writes at most `size` bytes into `bytes`.
        let status = unsafe {
            libc::sysctlbyname(
                c"hw.memsize".as_ptr(),
                (&mut bytes as *mut u64).cast(),
                &mut size,
                std::ptr::null_mut(),
                0,
            )
        };
        (status == 0 && bytes > 0).then_some(bytes)
    }

    pub(super) fn available_memory() -> Option<u64> {
        // SAFETY: vm_statistics64 is plain data, filled by host_statistics64 up to `count` words.
        let mut stats: libc::vm_statistics64 = unsafe { std::mem::zeroed() };
        let mut count = libc::HOST_VM_INFO64_COUNT;
        #[allow(deprecated)] // libc points to the mach2 crate; one call is not worth a dependency
        let status = unsafe {
            libc::host_statistics64(
                libc::mach_host_self(),
                libc::HOST_VM_INFO64,
                (&mut stats as *mut libc::vm_statistics64).cast(),
                &mut count,
            )
        };
        // SAFETY: sysconf has no memory preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if status != libc::KERN_SUCCESS || page <= 0 {
            return None;
        }
        let pages = u64::from(stats.free_count) + u64::from(stats.inactive_count);
        Some(pages.saturating_mul(page as u64))
    }
}

/// Fails with [`Error::TooLarge`] when `bytes` (what `what` would need) is more than the memory
/// available now; `hint` says what to ask for instead.
pub(crate) fn check_memory(what: &'static str, bytes: u64, hint: impl Into<String>) -> Result<()> {
    match available_memory() {
        Some(available) if bytes > available => Err(Error::TooLarge {
            what,
            needed: bytes,
            available,
            hint: hint.into(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_sane_and_memory_checks_say_the_figures() {
        let max = default_max_workers();
        assert!(max >= 1);
        assert!(matches!(check_workers(0), Err(Error::ZeroWorkers)));
        assert!(check_workers(1).is_ok());
        match check_memory("a test", u64::MAX, "ask for less") {
            Err(e @ Error::TooLarge { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("16.0 EiB") && text.contains("ask for less"),
                    "{text}"
                );
            }
            other => assert!(available_memory().is_none(), "{other:?}"),
        }
        assert!(check_memory("a test", 1, "").is_ok());
    }
}
