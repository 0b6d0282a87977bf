//! A "current task" slot per forked worker, in memory the parent and its children share.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

/// One `u64` per worker in memory shared with the forked children (an anonymous `MAP_SHARED`
/// mapping): a child stores the task it is about to run, so the parent can name the input even
/// when the child is killed mid-task.
pub(crate) struct SharedSlots {
    ptr: *mut AtomicU64,
    len: usize,
}

// SAFETY: the slots are atomics; the mapping lives until drop.
unsafe impl Send for SharedSlots {}
// SAFETY: as above: all access goes through `AtomicU64`.
unsafe impl Sync for SharedSlots {}

impl SharedSlots {
    /// `len` slots, all `u64::MAX` ("no task yet").
    pub fn new(len: usize) -> io::Result<Self> {
        let bytes = len.max(1) * std::mem::size_of::<AtomicU64>();
        // SAFETY: an anonymous shared mapping with no address hint.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let slots = SharedSlots {
            ptr: ptr.cast(),
            len,
        };
        for i in 0..len {
            slots.set(i, u64::MAX);
        }
        Ok(slots)
    }

    fn slot(&self, i: usize) -> &AtomicU64 {
        assert!(i < self.len, "slot {i} out of {}", self.len);
        // SAFETY: `i < len`; the mapping is page-aligned, zero-initialized and lives as long as self.
        unsafe { &*self.ptr.add(i) }
    }

    /// Stores `value` in slot `i`.
    pub fn set(&self, i: usize, value: u64) {
        self.slot(i).store(value, Ordering::Relaxed);
    }

    /// Slot `i`, `None` if never set.
    pub fn get(&self, i: usize) -> Option<u64> {
        Some(self.slot(i).load(Ordering::Relaxed)).filter(|&v| v != u64::MAX)
    }
}

impl Drop for SharedSlots {
    fn drop(&mut self) {
        let bytes = self.len.max(1) * std::mem::size_of::<AtomicU64>();
        // SAFETY: unmaps exactly the mapping made in `new`.
        unsafe {
            libc::munmap(self.ptr.cast(), bytes);
        }
    }
}
