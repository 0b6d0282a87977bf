//! Watching maps while they run: every map of this process reports to a [`MapFeed`] when one
//! is open — the hook a live dashboard listens on, without this layer knowing who listens.
//!
//! A [`MapFeed`] binds a Unix datagram socket at a path derived from this process's id,
//! [`feed_path`] (`$TMPDIR/parlab-UID/feed-PID.sock`, in a folder only this user may enter),
//! and writes the page watching it (a dashboard's address) beside it. Every map
//! ([`Runner`](super::Runner) for the in-process backends and the forked process workers, the
//! cluster's scheduler for its engines) looks at that path once when it starts (one `stat`);
//! when the socket is there it sends [`MapEvent`]s: the map started (tasks, workers), batches of
//! finished tasks' [`Span`]s at most every [`FLUSH_INTERVAL`] per worker, the map ended. The
//! path, unlike a `static`, is the same for all the copies of parlab an evcxr kernel loads (one
//! per cell), so a feed opened in one cell hears the maps of later cells; and nothing in the
//! process's environment changes. A forked child has a pid of its own, so it never reports to
//! its parent's feed by mistake (the parent reports for it).
//!
//! Sends never block: when the listener falls behind, a batch of spans is dropped (the counts
//! in the next batch stay right).

use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::Span;
use crate::{Error, Result};

/// How long finished tasks wait before they are sent, at most.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(50);

/// Spans in one datagram, at most (about 20 bytes each).
const SPANS_PER_DATAGRAM: usize = 2000;

/// What a map tells the [`MapFeed`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MapEvent {
    /// A map began.
    Started {
        /// Identifies the map in the events that follow.
        map: u64,
        /// Backend name (`"rayon"`, `"process-pool"`, `"cluster"`).
        backend: String,
        /// Tasks in the map.
        total: usize,
        /// Workers of the backend (0 when the backend did not say).
        workers: usize,
    },
    /// Tasks finished.
    Spans {
        /// The map.
        map: u64,
        /// The reporting slot (workers report into slots of their own).
        slot: usize,
        /// Tasks reported through this slot so far, these included (the map's tasks done are
        /// the sum over its slots).
        done: usize,
        /// The newly finished tasks; times in seconds since the map began.
        spans: Vec<Span>,
    },
    /// The map ended.
    Ended {
        /// The map.
        map: u64,
        /// Tasks finished.
        done: usize,
        /// Wall time of the map, seconds.
        seconds: f64,
        /// Whether it returned its results (false: it failed or timed out).
        ok: bool,
    },
}

/// Listens to every map of this process while it is open; see the [module docs](self).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use parlab::backends::{MapEvent, MapFeed};
/// use parlab::prelude::*;
///
/// let feed = MapFeed::open(None)?;
/// squares(&RayonPool::new(2)?, 0..100_000)?;
/// let mut events = Vec::new();
/// while let Some(event) = feed.recv_timeout(Duration::from_millis(200)) {
///     events.push(event);
/// }
/// assert!(matches!(events.first(), Some(MapEvent::Started { backend, workers: 2, .. }) if backend == "rayon"));
/// assert!(matches!(events.last(), Some(MapEvent::Ended { ok: true, .. })));
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct MapFeed {
    socket: UnixDatagram,
    path: PathBuf,
    /// The socket file's inode: a later feed of this process replaces the file, and this one
    /// then leaves it alone when dropped.
    inode: u64,
    buffer: Mutex<Vec<u8>>,
}

impl MapFeed {
    /// Opens the feed, replacing any other of this process; `page` is the address of whatever
    /// shows it (a dashboard's URL), told to [`watched_at`].
    ///
    /// # Errors
    ///
    /// [`Error::MapFeed`] when the socket cannot be made: the folder of [`feed_path`] cannot be
    /// created, belongs to another user, or the socket cannot be bound there.
    pub fn open(page: Option<&str>) -> Result<MapFeed> {
        let path = feed_path();
        let broken = |action, source| Error::MapFeed {
            action,
            path: path.clone(),
            source,
        };
        let dir = path.parent().unwrap_or(Path::new("/"));
        private_dir(dir).map_err(|e| broken("use the folder of", e))?;
        let page_file = path.with_extension("page");
        let _ = std::fs::remove_file(&page_file);
        // A socket left by an earlier feed of this process (or of a dead process that had this
        // pid) is replaced.
        let _ = std::fs::remove_file(&path);
        let socket = UnixDatagram::bind(&path).map_err(|e| broken("bind", e))?;
        set_receive_buffer(&socket, 4 << 20);
        let inode = std::fs::metadata(&path)
            .map_err(|e| broken("look at", e))?
            .ino();
        if let Some(page) = page {
            // Written whole, then renamed: a reader never sees half an address.
            let partial = path.with_extension("page.partial");
            std::fs::write(&partial, page)
                .and_then(|()| std::fs::rename(&partial, &page_file))
                .map_err(|e| broken("write the page address beside", e))?;
        }
        Ok(MapFeed {
            socket,
            path,
            inode,
            buffer: Mutex::new(vec![0; 1 << 17]),
        })
    }

    /// The next event, waiting at most `timeout` for it.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<MapEvent> {
        let mut buffer = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let _ = self
                .socket
                .set_read_timeout(Some(timeout.max(Duration::from_millis(1))));
            let n = self.socket.recv(&mut buffer).ok()?;
            // A datagram that does not decode (another parlab version) is skipped.
            if let Ok(event) = postcard::from_bytes(&buffer[..n]) {
                return Some(event);
            }
        }
    }
}

impl Drop for MapFeed {
    fn drop(&mut self) {
        if std::fs::metadata(&self.path).is_ok_and(|m| m.ino() == self.inode) {
            let _ = std::fs::remove_file(self.path.with_extension("page"));
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Where this process's [`MapFeed`] socket is while one is open:
/// `$TMPDIR/parlab-UID/feed-PID.sock` (`/tmp` when `$TMPDIR` is unset, or so long that the path
/// would not fit in a socket address).
///
/// # Examples
///
/// ```
/// use parlab::backends::{feed_path, MapFeed};
///
/// let feed = MapFeed::open(None)?;
/// assert!(feed_path().exists());
/// assert!(feed_path().to_string_lossy().ends_with(&format!("feed-{}.sock", std::process::id())));
/// drop(feed);
/// assert!(!feed_path().exists());
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn feed_path() -> PathBuf {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    let name = format!("parlab-{uid}/feed-{}.sock", std::process::id());
    let path = std::env::temp_dir().join(&name);
    // sun_path holds 104 bytes on macOS, 108 on Linux (with the final NUL).
    if path.as_os_str().len() < 100 {
        path
    } else {
        Path::new("/tmp").join(name)
    }
}

/// Creates `dir` readable by this user only, or checks that it is one: a real folder (not a
/// link), owned by this user, that no one else may write to.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(dir)?;
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    if !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o022 != 0 {
        return Err(std::io::Error::other(
            "it is not a folder of this user's that only this user may write to",
        ));
    }
    Ok(())
}

fn set_receive_buffer(socket: &UnixDatagram, bytes: libc::c_int) {
    use std::os::fd::AsRawFd;
    // SAFETY: setsockopt reads one c_int we own; failure only leaves the default size.
    unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&bytes as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// The open feed of this process: its socket's path, when the socket is there and this user's
/// (one `stat`).
fn feed() -> Option<PathBuf> {
    let path = feed_path();
    let meta = std::fs::symlink_metadata(&path).ok()?;
    // SAFETY: getuid has no preconditions and cannot fail.
    (meta.uid() == unsafe { libc::getuid() }).then_some(path)
}

/// The page watching this process's maps, when a [`MapFeed`] was opened with one (a dashboard's
/// address): what a summary can link to.
///
/// # Examples
///
/// ```
/// use parlab::backends::{watched_at, MapFeed};
///
/// let feed = MapFeed::open(Some("http://127.0.0.1:1/?token=t"))?;
/// assert_eq!(watched_at().as_deref(), Some("http://127.0.0.1:1/?token=t"));
/// drop(feed);
/// assert_eq!(watched_at(), None);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn watched_at() -> Option<String> {
    let path = feed()?;
    std::fs::read_to_string(path.with_extension("page")).ok()
}

/// One map's reports to the open feed; made by [`Report::start`], which returns `None` when no
/// feed is open. Dropping it flushes the last spans and reports the end.
///
/// Each worker reports into a slot of its own (worker index modulo the slots), so workers
/// finishing tiny tasks side by side do not contend for one lock.
#[derive(Debug)]
pub(crate) struct Report {
    socket: UnixDatagram,
    map: u64,
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
    pub fn start(backend: &str, total: usize, workers: usize, origin: Instant) -> Option<Report> {
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
    pub fn spans(&self, worker: usize, spans: impl IntoIterator<Item = Span>) {
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
    pub fn succeeded(&self) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_feed_means_no_report_and_a_feed_hears_every_event_in_order() {
        // One test, so that no other test of this binary opens a feed meanwhile; the maps of
        // other tests running beside it report to the feed too, so only this map's events count.
        assert!(Report::start("demo", 1, 1, Instant::now()).is_none());
        let feed = MapFeed::open(None).expect("feed");
        let report = Report::start("demo", 3, 2, Instant::now()).expect("report");
        let map = report.map;
        let span = |task| Span {
            task,
            worker: task % 2,
            start: 0.0,
            end: 1.0,
        };
        report.spans(0, [span(0), span(1)]);
        report.spans(1, [span(2)]);
        report.succeeded();
        drop(report);
        let ours = |e: &MapEvent| match e {
            MapEvent::Started { map: m, .. }
            | MapEvent::Spans { map: m, .. }
            | MapEvent::Ended { map: m, .. } => *m == map,
        };
        // Every event of this map, up to its end (a minute at most, should one be lost).
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut events = Vec::new();
        while !matches!(events.last(), Some(MapEvent::Ended { .. })) && Instant::now() < deadline {
            events.extend(feed.recv_timeout(Duration::from_millis(100)).filter(ours));
        }
        assert!(matches!(
            &events[0],
            MapEvent::Started { total: 3, workers: 2, backend, .. } if backend == "demo"
        ));
        let spans: Vec<usize> = events
            .iter()
            .filter_map(|e| match e {
                MapEvent::Spans { spans, .. } => Some(spans.iter().map(|s| s.task)),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(spans, [0, 1, 2]);
        assert!(matches!(
            events.last(),
            Some(MapEvent::Ended {
                done: 3,
                ok: true,
                ..
            })
        ));
        drop(feed);
        assert!(!feed_path().exists());
    }
}
