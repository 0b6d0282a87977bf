//! Running clusters, one small JSON file each: what `parlab cluster list` shows (like
//! `ipcluster list`).
//!
//! A cluster writes `<id>.json` into [`runtime_dir`] when it starts and removes it at shutdown.
//! A cluster whose owner was killed leaves its file behind; [`list`] checks every engine's
//! process (its id *and* its start time, so a recycled pid does not count) and deletes the files
//! of clusters with no engine left.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Environment variable that overrides [`runtime_dir`].
pub const RUNTIME_DIR_VAR: &str = "PARLAB_RUNTIME_DIR";

/// One engine of a listed cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineEntry {
    /// Index in its cluster.
    pub id: usize,
    /// Process id.
    pub pid: u32,
    /// Start time of the process in clock ticks since boot (`/proc/PID/stat` field 22).
    pub start_ticks: u64,
}

impl EngineEntry {
    /// Is this very process still running (not exited, not a zombie, pid not recycled)?
    pub fn is_running(&self) -> bool {
        process_start_ticks(self.pid) == Some(self.start_ticks)
    }
}

/// A running cluster, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterEntry {
    /// The cluster's id.
    pub id: String,
    /// Process id of the program that owns the cluster (a notebook kernel, a CLI, a test).
    pub owner: u32,
    /// Start time, seconds since the Unix epoch.
    pub started: u64,
    /// The engine program, or for forked engines the program they are copies of.
    pub program: PathBuf,
    /// Whether the engines are forks of the owner (then they run its plain functions too).
    #[serde(default)]
    pub forked: bool,
    /// The engines.
    pub engines: Vec<EngineEntry>,
}

impl ClusterEntry {
    /// How many engines are still running.
    pub fn running(&self) -> usize {
        self.engines.iter().filter(|e| e.is_running()).count()
    }
}

impl std::fmt::Display for ClusterEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pids: Vec<String> = self.engines.iter().map(|e| e.pid.to_string()).collect();
        write!(
            f,
            "{:<24} owner {:<8} engines {}/{} running  pids {}  ({}{})",
            self.id,
            self.owner,
            self.running(),
            self.engines.len(),
            pids.join(","),
            if self.forked { "forked from " } else { "" },
            self.program.display()
        )
    }
}

/// Where cluster files live: `$PARLAB_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/parlab`, else
/// `/tmp/parlab-UID`.
///
/// # Examples
///
/// ```
/// assert!(parlab::cluster::runtime_dir().ends_with("parlab")
///     || parlab::cluster::runtime_dir().to_string_lossy().contains("parlab"));
/// ```
pub fn runtime_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(RUNTIME_DIR_VAR).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| Path::new(d).is_dir()) {
        Some(dir) => Path::new(&dir).join("parlab"),
        // SAFETY: getuid has no preconditions.
        None => std::env::temp_dir().join(format!("parlab-{}", unsafe { libc::getuid() })),
    }
}

/// Writes the cluster's file; returns its path.
pub(crate) fn register(entry: &ClusterEntry) -> Result<PathBuf> {
    let dir = runtime_dir();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    let path = dir.join(format!("{}.json", entry.id));
    let text = serde_json::to_string_pretty(entry).map_err(Error::Json)?;
    // Write then rename, so that `list` never sees half a file.
    let partial = dir.join(format!(".{}.json.partial", entry.id));
    std::fs::write(&partial, text).map_err(|e| Error::io("write", &partial, e))?;
    std::fs::rename(&partial, &path).map_err(|e| Error::io("write", &path, e))?;
    Ok(path)
}

/// The running clusters of this user, oldest first; files of clusters with no running engine
/// are deleted on the way.
///
/// # Errors
///
/// [`Error::Io`] when the runtime folder exists but cannot be read.
///
/// # Examples
///
/// ```
/// for cluster in parlab::cluster::list()? {
///     assert!(cluster.running() > 0);
/// }
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn list() -> Result<Vec<ClusterEntry>> {
    let dir = runtime_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("read", &dir, e)),
    };
    let mut clusters = Vec::new();
    for path in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let parsed = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<ClusterEntry>(&text).ok());
        match parsed {
            Some(entry) if entry.running() > 0 => clusters.push(entry),
            // Unreadable, or every engine gone: prune.
            _ => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    clusters.sort_by(|a, b| (a.started, &a.id).cmp(&(b.started, &b.id)));
    Ok(clusters)
}

/// Start time of a running (non-zombie) process, in clock ticks since boot; where there is no
/// `/proc` (macOS) 0 for any process that exists, so a recycled pid is not told apart.
#[cfg(not(target_os = "linux"))]
pub(crate) fn process_start_ticks(pid: u32) -> Option<u64> {
    // SAFETY: kill with signal 0 only checks that the process exists.
    (unsafe { libc::kill(pid as libc::pid_t, 0) } == 0).then_some(0)
}

/// Start time of a running (non-zombie) process, in clock ticks since boot.
#[cfg(target_os = "linux")]
pub(crate) fn process_start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    if matches!(fields.first(), Some(&"Z") | Some(&"X") | None) {
        return None;
    }
    fields.get(19)?.parse().ok()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn this_process_is_running_and_a_recycled_pid_is_not() {
        let me = std::process::id();
        let ticks = process_start_ticks(me).expect("our own /proc entry");
        let entry = EngineEntry {
            id: 0,
            pid: me,
            start_ticks: ticks,
        };
        assert!(entry.is_running());
        let recycled = EngineEntry {
            start_ticks: ticks + 1,
            ..entry
        };
        assert!(!recycled.is_running());
    }
}
