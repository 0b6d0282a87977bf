//! What the dashboard knows: the last map it heard of (from the map feed's events) and the
//! latest meter readings; [`Snapshot`] is that state as the page and `/api/snapshot` see it.

use std::collections::VecDeque;
use std::time::Instant;

use serde::Serialize;

use crate::backends::{MapEvent, MeterReading, Span};

/// Spans kept of one map; later ones are counted, not kept.
const MAX_SPANS: usize = 200_000;

/// Seconds of meter readings that make the snapshot's `cpu`.
const CPU_WINDOW: f64 = 1.0;

/// The dashboard's state at one moment: what `GET /api/snapshot` answers and the page draws.
///
/// `cpu` is every program's use of the cores (as a system monitor shows it), `process_cores`
/// this process's and its workers' own share, which other programs cannot inflate.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// Busy fraction of each core over the last second, 0 to 1.
    pub cpu: Vec<f64>,
    /// Cores' worth of CPU this process and its live workers used over the last second.
    pub process_cores: f64,
    /// Resident memory of this process and its live worker processes, bytes.
    pub memory_bytes: u64,
    /// Resident memory of this process alone, bytes.
    pub own_memory_bytes: u64,
    /// Live child processes (forked workers, cluster engines).
    pub children: usize,
    /// The map shown (0 before the first): it changes when a new map starts.
    pub map: u64,
    /// Its backend.
    pub backend: String,
    /// Whether it is still running.
    pub running: bool,
    /// Whether it returned its results, once it ended.
    pub ok: Option<bool>,
    /// Seconds since it began (its wall time once it ended).
    pub elapsed: f64,
    /// Tasks finished.
    pub tasks_done: usize,
    /// Tasks in the map.
    pub tasks_total: usize,
    /// Workers of its backend (the rows of the task stream).
    pub workers: usize,
    /// Tasks finished per second.
    pub rate: f64,
    /// Seconds left at that rate, while it runs and has finished a task.
    pub eta_seconds: Option<f64>,
    /// Index of the first of `spans` among the map's spans.
    pub span_offset: usize,
    /// Finished tasks (recent ones, or those after what the asker has seen).
    pub spans: Vec<Span>,
    /// Maps heard of since the dashboard started.
    pub maps_seen: usize,
}

impl Snapshot {
    /// The sum of `cpu`: about how many cores were busy.
    ///
    /// # Examples
    ///
    /// ```
    /// let snap = parlab::dashboard::Snapshot { cpu: vec![0.5, 1.0], ..Default::default() };
    /// assert_eq!(snap.busy_cores(), 1.5);
    /// ```
    pub fn busy_cores(&self) -> f64 {
        self.cpu.iter().sum()
    }
}

#[derive(Debug)]
struct MapView {
    id: u64,
    backend: String,
    total: usize,
    workers: usize,
    done: usize,
    /// Tasks reported through each slot of the map.
    slots: Vec<usize>,
    spans: Vec<Span>,
    started: Instant,
    ended: Option<(f64, bool)>,
}

/// The last map and the recent readings.
#[derive(Debug, Default)]
pub(crate) struct State {
    map: Option<MapView>,
    maps_seen: usize,
    readings: VecDeque<(f64, MeterReading)>,
}

impl State {
    /// Applies one event of the map feed.
    pub fn apply(&mut self, event: MapEvent) {
        match event {
            MapEvent::Started {
                map,
                backend,
                total,
                workers,
            } => {
                self.maps_seen += 1;
                self.map = Some(MapView {
                    id: map,
                    backend,
                    total,
                    workers,
                    done: 0,
                    slots: Vec::new(),
                    spans: Vec::new(),
                    started: Instant::now(),
                    ended: None,
                });
            }
            MapEvent::Spans {
                map,
                slot,
                done,
                spans,
            } => {
                if let Some(view) = self.map.as_mut().filter(|v| v.id == map) {
                    if slot < 4096 {
                        if view.slots.len() <= slot {
                            view.slots.resize(slot + 1, 0);
                        }
                        view.slots[slot] = view.slots[slot].max(done);
                        view.done = view.done.max(view.slots.iter().sum());
                    }
                    let room = MAX_SPANS.saturating_sub(view.spans.len());
                    view.spans.extend(spans.into_iter().take(room));
                }
            }
            MapEvent::Ended {
                map,
                done,
                seconds,
                ok,
            } => {
                if let Some(view) = self.map.as_mut().filter(|v| v.id == map) {
                    view.done = view.done.max(done);
                    view.ended = Some((seconds, ok));
                }
            }
        }
    }

    /// The map shown (0 before the first).
    pub fn map_id(&self) -> u64 {
        self.map.as_ref().map_or(0, |v| v.id)
    }

    /// Records a meter reading covering `seconds` of wall time.
    pub fn record(&mut self, seconds: f64, reading: MeterReading) {
        self.readings.push_back((seconds, reading));
        while self.readings.iter().map(|r| r.0).sum::<f64>() - self.readings[0].0 >= CPU_WINDOW
            && self.readings.len() > 1
        {
            self.readings.pop_front();
        }
    }

    /// The state, with the spans from index `since` on (at most `max` of them), or the last
    /// `max` when `since` is `None`.
    pub fn snapshot(&self, since: Option<usize>, max: usize) -> Snapshot {
        let mut snap = Snapshot {
            maps_seen: self.maps_seen,
            ..Snapshot::default()
        };
        let wall: f64 = self.readings.iter().map(|r| r.0).sum();
        if let Some((_, last)) = self.readings.back() {
            let weight = |s: f64| if wall > 0.0 { s / wall } else { 0.0 };
            snap.cpu = vec![0.0; last.busy.len()];
            for (s, r) in &self.readings {
                for (c, b) in snap.cpu.iter_mut().zip(&r.busy) {
                    *c += b * weight(*s);
                }
                snap.process_cores += r.process_cores * weight(*s);
            }
            snap.memory_bytes = last.memory_bytes;
            snap.own_memory_bytes = last.own_memory_bytes;
            snap.children = last.children;
        }
        if let Some(view) = &self.map {
            let elapsed = view
                .ended
                .map_or_else(|| view.started.elapsed().as_secs_f64(), |(s, _)| s);
            let from = since.unwrap_or_else(|| view.spans.len().saturating_sub(max));
            let from = from.min(view.spans.len());
            snap.map = view.id;
            snap.backend.clone_from(&view.backend);
            snap.running = view.ended.is_none();
            snap.ok = view.ended.map(|(_, ok)| ok);
            snap.elapsed = elapsed;
            snap.tasks_done = view.done;
            snap.tasks_total = view.total;
            // A backend that did not say how many workers it has: the rows its spans name.
            let seen = view.spans.iter().map(|s| s.worker + 1).max().unwrap_or(0);
            snap.workers = view.workers.max(seen);
            snap.rate = if elapsed > 0.0 {
                view.done as f64 / elapsed
            } else {
                0.0
            };
            snap.eta_seconds = (snap.running && view.done > 0 && snap.rate > 0.0)
                .then(|| view.total.saturating_sub(view.done) as f64 / snap.rate);
            snap.span_offset = from;
            snap.spans = view.spans[from..(from + max).min(view.spans.len())].to_vec();
        }
        snap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(task: usize) -> Span {
        Span {
            task,
            worker: 3,
            start: 0.0,
            end: 0.5,
        }
    }

    #[test]
    fn spans_of_the_shown_map_accumulate_and_a_new_map_replaces_it() {
        let mut st = State::default();
        assert_eq!(st.snapshot(None, 10).map, 0);
        st.apply(MapEvent::Started {
            map: 7,
            backend: "demo".into(),
            total: 4,
            workers: 0,
        });
        st.apply(MapEvent::Spans {
            map: 7,
            slot: 0,
            done: 1,
            spans: vec![span(0)],
        });
        st.apply(MapEvent::Spans {
            map: 7,
            slot: 1,
            done: 1,
            spans: vec![span(1)],
        });
        st.apply(MapEvent::Spans {
            map: 8,
            slot: 0,
            done: 1,
            spans: vec![span(9)],
        });
        let snap = st.snapshot(Some(1), 10);
        assert_eq!((snap.tasks_done, snap.tasks_total, snap.workers), (2, 4, 4));
        assert_eq!((snap.span_offset, snap.spans.len()), (1, 1));
        assert!(snap.running && snap.eta_seconds.is_some());
        st.apply(MapEvent::Ended {
            map: 7,
            done: 4,
            seconds: 2.0,
            ok: true,
        });
        let snap = st.snapshot(None, 1);
        assert_eq!((snap.tasks_done, snap.rate, snap.ok), (4, 2.0, Some(true)));
        assert_eq!((snap.span_offset, snap.spans.len()), (1, 1));
        st.apply(MapEvent::Started {
            map: 8,
            backend: "next".into(),
            total: 1,
            workers: 1,
        });
        let snap = st.snapshot(None, 10);
        assert_eq!((snap.map, snap.tasks_done, snap.maps_seen), (8, 0, 2));
    }

    #[test]
    fn cpu_is_the_readings_of_the_last_second_weighted_by_their_length() {
        let mut st = State::default();
        let reading = |busy: f64| MeterReading {
            at: 0.0,
            busy: vec![busy, 1.0],
            process_cores: busy,
            memory_bytes: 10,
            own_memory_bytes: 5,
            children: 1,
        };
        st.record(5.0, reading(0.0)); // dropped: older than the window
        st.record(0.5, reading(1.0));
        st.record(0.25, reading(0.0));
        st.record(0.25, reading(0.0));
        let snap = st.snapshot(None, 0);
        assert_eq!(snap.cpu, [0.5, 1.0]);
        assert_eq!(snap.busy_cores(), 1.5);
        assert_eq!((snap.memory_bytes, snap.children), (10, 1));
    }
}
