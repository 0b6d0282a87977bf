//! Where a process's feed is, and the Unix calls around it: the socket's path (which must fit
//! in a socket address), a folder only this user may enter, the socket's receive buffer.

use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

/// Where this process's [`MapFeed`](super::MapFeed) socket is while one is open:
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
    let uid = uid();
    let name = format!("parlab-{uid}/feed-{}.sock", std::process::id());
    let path = std::env::temp_dir().join(&name);
    // sun_path holds 104 bytes on macOS, 108 on Linux (with the final NUL).
    if path.as_os_str().len() < 100 {
        path
    } else {
        Path::new("/tmp").join(name)
    }
}

/// The open feed of this process: its socket's path, when the socket is there and this user's
/// (one `stat`).
pub(super) fn feed() -> Option<PathBuf> {
    let path = feed_path();
    let meta = std::fs::symlink_metadata(&path).ok()?;
    (meta.uid() == uid()).then_some(path)
}

/// Creates `dir` readable by this user only, or checks that it is one: a real folder (not a
/// link), owned by this user, that no one else may write to.
pub(super) fn private_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let meta = std::fs::symlink_metadata(dir)?;
    let uid = uid();
    if !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o022 != 0 {
        return Err(std::io::Error::other(
            "it is not a folder of this user's that only this user may write to",
        ));
    }
    Ok(())
}

/// Asks for a receive buffer of `bytes` on `socket` (the kernel may give less).
pub(super) fn set_receive_buffer(socket: &UnixDatagram, bytes: libc::c_int) {
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

/// This process's user id.
fn uid() -> libc::uid_t {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}
