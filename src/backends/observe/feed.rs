//! The listening end: a [`MapFeed`] and the page it was opened for.

use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::path::{feed, feed_path, private_dir, set_receive_buffer};
use super::MapEvent;
use crate::{Error, Result};

/// Listens to every map of this process while it is open; see the [module docs](super).
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
