//! The sending end: one map's [`Report`] to the open feed.

use std::os::unix::net::UnixDatagram;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::path::feed;
use super::{MapEvent, FLUSH_INTERVAL, SPANS_PER_DATAGRAM};
use crate::backends::Span;

/// One map's reports to the open feed; made by [`Report::start`], which returns `None` when no
/// feed is open. Dropping it flushes the last spans and reports the end.
///
/// Each worker reports into a slot of its own (worker index modulo the slots), so workers
/// finishing tiny tasks side by side do not contend for one lock.
#[derive(Debug)]
pub(crate) struct Report {
    socket: UnixDatagram,
    pub(super) map: u64,
    origin: Instant,
    ok: AtomicBool,
    slots: Vec<Slot>,
}

/// One worker's unsent spans, on a cache line of its own.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Slot(Mutex<Pending>);

#[derive(Debug, Default)]
struct Pending {
    spans: Vec<Span>,
    /// Tasks this slot has reported in all.
    done: usize,
    /// When it last sent, seconds since the map began.
    flushed: f64,
}

/// Slots of one map at most.
const MAX_SLOTS: usize = 64;

impl Report {
    /// Reports a map of `total` tasks on `workers` of `backend` starting now, if a feed is open.
    pub(crate) fn start(
        backend: &str,
        total: usize,
        workers: usize,
        origin: Instant,
    ) -> Option<Report> {
        let path = feed()?;
        let socket = UnixDatagram::unbound().ok()?;
        // Refused when no one listens any more (a feed whose process died with this pid).
        socket.connect(path).ok()?;
        socket.set_nonblocking(true).ok()?;
        let slots = if workers == 0 {
            8
        } else {
            workers.min(MAX_SLOTS)
        };
        let report = Report {
            socket,
            map: rand::random(),
            origin,
            ok: AtomicBool::new(false),
            slots: std::iter::repeat_with(Slot::default).take(slots).collect(),
        };
        report.send(&MapEvent::Started {
            map: report.map,
            backend: backend.to_string(),
            total,
            workers,
        });
        Some(report)
    }

    /// Reports tasks `worker` finished; sends its slot when [`FLUSH_INTERVAL`] has passed since
    /// the slot last sent (by the spans' own clock: no clock is read here).
    pub(crate) fn spans(&self, worker: usize, spans: impl IntoIterator<Item = Span>) {
        let slot = worker % self.slots.len();
        let mut pending = self.lock(slot);
        let before = pending.spans.len();
        pending.spans.extend(spans);
        let added = &pending.spans[before..];
        let now = added.iter().map(|s| s.end).fold(0.0, f64::max);
        pending.done += added.len();
        if now - pending.flushed >= FLUSH_INTERVAL.as_secs_f64() {
            pending.flushed = now;
            self.flush(slot, pending);
        }
    }

    /// Marks the map as returned with its results.
    pub(crate) fn succeeded(&self) {
        self.ok.store(true, Ordering::Relaxed);
    }

    fn lock(&self, slot: usize) -> std::sync::MutexGuard<'_, Pending> {
        self.slots[slot]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn flush(&self, slot: usize, mut pending: std::sync::MutexGuard<'_, Pending>) {
        let spans = std::mem::take(&mut pending.spans);
        let done = pending.done;
        drop(pending);
        let mut sent = done - spans.len();
        for chunk in spans.chunks(SPANS_PER_DATAGRAM) {
            sent += chunk.len();
            self.send(&MapEvent::Spans {
                map: self.map,
                slot,
                done: sent,
                spans: chunk.to_vec(),
            });
        }
    }

    fn send(&self, event: &MapEvent) {
        if let Ok(bytes) = postcard::to_allocvec(event) {
            // Full (the listener is behind) or gone: the dashboard is never worth a stall.
            let _ = self.socket.send(&bytes);
        }
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        let mut done = 0;
        for slot in 0..self.slots.len() {
            let pending = self.lock(slot);
            done += pending.done;
            self.flush(slot, pending);
        }
        self.send(&MapEvent::Ended {
            map: self.map,
            done,
            seconds: self.origin.elapsed().as_secs_f64(),
            ok: self.ok.load(Ordering::Relaxed),
        });
    }
}
