//! A live dashboard, dask's counterpart: a page in the browser that shows, while a map runs,
//! the cores busy, the task stream (workers × time, tasks appearing as they finish), progress
//! (done / total, rate, time left) and the memory of this process and its workers.
//!
//! [`start`] serves it from this process on `127.0.0.1` with a random token in the address
//! (`http://127.0.0.1:PORT/?token=T`; without the token every path answers 403). Every map of
//! the process — every backend, the forked process workers and the cluster's engines included
//! — reports to it through the executors' map feed ([`MapFeed`]) until the [`Dashboard`] is
//! dropped; the page keeps the last map on screen after it ends. `GET /api/snapshot?token=T`
//! answers the same state as JSON ([`Snapshot`]).
//!
//! The server is std only (no crate to compile, a few hundred lines): a thread per open
//! connection, server-sent events every [`UPDATE_INTERVAL`]. The page is one self-contained
//! HTML file (no CDN), drawn on canvases.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::backends::{MapFeed, Meter};
use crate::{Error, Result};

mod server;
mod state;

use server::Shared;
pub use server::{SNAPSHOT_SPANS, UPDATE_INTERVAL};
pub use state::Snapshot;

/// How often the cores and memory are read.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(250);

/// A running dashboard; it stops (and maps stop reporting) when dropped.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let dash = parlab::dashboard::start()?;
/// assert!(dash.url().starts_with("http://127.0.0.1:") && dash.url().contains("/?token="));
/// squares(&RayonPool::new(2)?, 0..100_000)?;
/// // The map's last reports reach the dashboard a moment after it returns.
/// # let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
/// let snap = loop {
///     let snap = dash.snapshot();
///     if snap.backend == "rayon" && !snap.running {
///         break snap;
///     }
/// #   assert!(std::time::Instant::now() < deadline, "{snap:?}");
///     std::thread::yield_now();
/// };
/// assert_eq!((snap.backend.as_str(), snap.tasks_done), ("rayon", snap.tasks_total));
/// assert!(!snap.running && snap.workers == 2);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct Dashboard {
    url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

/// Starts a dashboard on a free port the system picks; see the [module docs](self).
///
/// # Errors
///
/// [`Error::DashboardPort`], [`Error::MapFeed`] or [`Error::System`] when no socket or thread
/// can be made (the map feed needs Linux), [`Error::Backend`] when the CPU monitor cannot start.
pub fn start() -> Result<Dashboard> {
    start_on(0)
}

/// Starts a dashboard on `port` of 127.0.0.1 (0: a free one the system picks).
///
/// # Errors
///
/// [`Error::DashboardPort`] saying so when the port is in use, or as [`start`].
///
/// # Examples
///
/// ```
/// let first = parlab::dashboard::start()?;
/// let err = parlab::dashboard::start_on(first.port()).unwrap_err();
/// assert!(err.to_string().contains("in use"), "{err}");
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn start_on(port: u16) -> Result<Dashboard> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|source| Error::DashboardPort { port, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| Error::DashboardPort { port, source })?;
    let token = format!("{:032x}", rand::random::<u128>());
    let url = format!("http://127.0.0.1:{}/?token={token}", addr.port());
    let shared = Arc::new(Shared::new(token));
    let feed = MapFeed::open(Some(&url))?;
    let meter = Meter::start()?;
    let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .name(name.into())
            .spawn(f)
            .map_err(|source| Error::System {
                what: "start a dashboard thread",
                source,
            })
    };
    let watcher = {
        let shared = Arc::clone(&shared);
        spawn(
            "parlab-dashboard",
            Box::new(move || watch(feed, meter, &shared)),
        )?
    };
    let mut dash = Dashboard {
        url,
        addr,
        shared: Arc::clone(&shared),
        threads: vec![watcher],
    };
    dash.threads.push(spawn(
        "parlab-dashboard-server",
        Box::new(move || server::serve(listener, shared)),
    )?);
    Ok(dash)
}

/// Hears the map feed and reads the meter every [`SAMPLE_INTERVAL`] until told to stop.
fn watch(feed: MapFeed, mut meter: Meter, shared: &Shared) {
    let mut last = Instant::now();
    let mut next = last + SAMPLE_INTERVAL;
    while !shared.stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= next {
            if let Ok(reading) = meter.read() {
                shared.lock().record((now - last).as_secs_f64(), reading);
            }
            last = now;
            next = now + SAMPLE_INTERVAL;
        }
        if let Some(event) = feed.recv_timeout(next.saturating_duration_since(now)) {
            shared.lock().apply(event);
        }
    }
}

impl Dashboard {
    /// The address to open, token included: `http://127.0.0.1:PORT/?token=T`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The state now, as `GET /api/snapshot` answers it (the last [`SNAPSHOT_SPANS`] spans).
    pub fn snapshot(&self) -> Snapshot {
        self.shared.lock().snapshot(None, SNAPSHOT_SPANS)
    }

    /// Shows the link in a notebook (evcxr calls it for a cell's value).
    pub fn evcxr_display(&self) {
        crate::display::evcxr("text/html", &self.html());
    }

    /// The link as HTML: what a notebook shows.
    ///
    /// # Examples
    ///
    /// ```
    /// let dash = parlab::dashboard::start()?;
    /// assert!(dash.html().contains(&format!("href=\"{}\"", dash.url())));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn html(&self) -> String {
        format!(
            "<div><b>parlab dashboard</b>: <a href=\"{0}\" target=\"_blank\" rel=\"noopener\">{0}</a> \
             — opens in a new tab; every map of this kernel shows there until the dashboard \
             value is dropped.</div>",
            self.url
        )
    }
}

impl std::fmt::Display for Dashboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dashboard: {}", self.url)
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
