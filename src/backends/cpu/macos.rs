//! macOS readers for the CPU monitor and the meter, through the system calls Activity Monitor
//! uses: `host_processor_info` (per-core ticks), `proc_pidinfo` (a process's CPU time and
//! resident memory) and `proc_listchildpids` (its children).
//!
//! CI type-checks this file for `aarch64-apple-darwin` and `x86_64-apple-darwin`
//! (`scripts/test.sh`); it has not run on a Mac yet. Every failure is an error or `None`, never
//! a panic.

// libc marks its Mach items deprecated in favour of the `mach2` crate; four calls are not worth
// a dependency in every notebook's build.
#![allow(deprecated)]

use std::io;

use super::Ticks;

/// Every core's busy and total ticks since boot.
pub(crate) fn read_cores() -> io::Result<Vec<Ticks>> {
    let mut cores: libc::natural_t = 0;
    let mut info: libc::processor_info_array_t = std::ptr::null_mut();
    let mut words: libc::mach_msg_type_number_t = 0;
    // SAFETY: host_processor_info fills the three out-pointers, which we own; on success `info`
    // points to `words` integers the kernel mapped into this process, freed below.
    let status = unsafe {
        libc::host_processor_info(
            libc::mach_host_self(),
            libc::PROCESSOR_CPU_LOAD_INFO,
            &mut cores,
            &mut info,
            &mut words,
        )
    };
    if status != libc::KERN_SUCCESS || info.is_null() {
        return Err(io::Error::other(format!(
            "host_processor_info returned {status}"
        )));
    }
    let stride = libc::CPU_STATE_MAX as usize;
    // SAFETY: the kernel gave `words` integers at `info`.
    let all = unsafe { std::slice::from_raw_parts(info, words as usize) };
    let ticks = all
        .chunks_exact(stride)
        .take(cores as usize)
        .map(|t| {
            let at = |state: libc::c_int| u64::from(t[state as usize] as u32);
            let busy =
                at(libc::CPU_STATE_USER) + at(libc::CPU_STATE_SYSTEM) + at(libc::CPU_STATE_NICE);
            Ticks {
                busy,
                total: busy + at(libc::CPU_STATE_IDLE),
            }
        })
        .collect();
    // SAFETY: returns the pages host_processor_info mapped; `all` is not used after this.
    unsafe {
        libc::vm_deallocate(
            libc::mach_task_self(),
            info as libc::vm_address_t,
            words as libc::vm_size_t * std::mem::size_of::<libc::integer_t>() as libc::vm_size_t,
        );
    }
    Ok(ticks)
}

/// A process's CPU seconds (user + system, its threads alive and dead) and resident bytes.
pub(crate) fn task_usage(pid: u32) -> Option<(f64, u64)> {
    // SAFETY: proc_taskinfo is plain data; proc_pidinfo writes at most `size` bytes into it.
    let mut info: libc::proc_taskinfo = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::proc_taskinfo>() as libc::c_int;
    let written = unsafe {
        libc::proc_pidinfo(
            libc::c_int::try_from(pid).ok()?,
            libc::PROC_PIDTASKINFO,
            0,
            (&mut info as *mut libc::proc_taskinfo).cast(),
            size,
        )
    };
    if written != size {
        return None;
    }
    let cpu = (info.pti_total_user + info.pti_total_system) as f64 * seconds_per_unit();
    Some((cpu, info.pti_resident_size))
}

/// Seconds per unit of `pti_total_user`: Mach absolute time (1 ns on Intel, 125/3 ns on Apple
/// silicon).
fn seconds_per_unit() -> f64 {
    let mut base = libc::mach_timebase_info { numer: 0, denom: 0 };
    // SAFETY: mach_timebase_info fills the struct we own.
    if unsafe { libc::mach_timebase_info(&mut base) } != 0 || base.denom == 0 {
        return 1e-9;
    }
    1e-9 * f64::from(base.numer) / f64::from(base.denom)
}

/// The live children of process `pid`.
pub(crate) fn children(pid: u32) -> Vec<u32> {
    let Ok(parent) = libc::pid_t::try_from(pid) else {
        return Vec::new();
    };
    let mut pids: Vec<libc::pid_t> = vec![0; 4096];
    let bytes = libc::c_int::try_from(pids.len() * std::mem::size_of::<libc::pid_t>())
        .unwrap_or(libc::c_int::MAX);
    // SAFETY: the buffer holds `bytes` bytes; the call writes at most that many.
    let n = unsafe { libc::proc_listchildpids(parent, pids.as_mut_ptr().cast(), bytes) };
    // The count is of pids in recent macOS, of bytes in older ones: the buffer was zeroed, so
    // taking the larger reading and skipping zeros is right for both.
    let n = usize::try_from(n).unwrap_or(0).min(pids.len());
    pids.truncate(n);
    pids.into_iter()
        .filter(|&p| p > 0)
        .filter_map(|p| u32::try_from(p).ok())
        .collect()
}
