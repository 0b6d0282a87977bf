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

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Span;

mod feed;
mod path;
mod report;

pub use feed::{watched_at, MapFeed};
pub use path::feed_path;
pub(crate) use report::Report;

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

#[cfg(test)]
mod tests {
    use std::time::Instant;

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
