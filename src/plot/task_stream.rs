//! A Gantt chart of a [`TaskStream`]: dask's "Task Stream" panel as a picture.
//!
//! One row per worker, time on the x axis, one coloured bar per task (a thin white edge
//! separates neighbours). Each row's label says how busy the worker was. With more than
//! [`MERGE_ABOVE`] tasks, bars closer than a pixel are merged into one bar per run, coloured by
//! worker and shaded by how much of the run was spent in tasks (pale: mostly overhead between
//! tiny tasks), so 10^4–10^6 tasks still draw quickly and read honestly.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{color, Canvas, Chart, DrawResult};
use crate::backends::{Span, TaskStream};

/// Above this many tasks, bars are merged per worker (see the module docs).
pub const MERGE_ABOVE: usize = 2000;

/// Plot width in pixels.
const WIDTH: u32 = 1000;

/// Merges each worker's spans that are less than `gap` seconds apart into runs
/// `(worker, start, end, seconds in tasks)`.
fn merged(spans: &[Span], rows: usize, gap: f64) -> Vec<(usize, f64, f64, f64)> {
    let mut per_worker: Vec<Vec<(f64, f64)>> = vec![Vec::new(); rows];
    for s in spans {
        per_worker[s.worker.min(rows - 1)].push((s.start, s.end));
    }
    let mut runs = Vec::new();
    for (w, mut list) in per_worker.into_iter().enumerate() {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut current: Option<(f64, f64, f64)> = None;
        for (start, end) in list {
            let busy = (end - start).max(0.0);
            current = match current {
                Some((s, e, b)) if start - e < gap => Some((s, e.max(end), b + busy)),
                Some((s, e, b)) => {
                    runs.push((w, s, e, b));
                    Some((start, end, busy))
                }
                None => Some((start, end, busy)),
            };
        }
        runs.extend(current.map(|(s, e, b)| (w, s, e, b)));
    }
    runs
}

impl Chart for TaskStream {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 150 + 46 * self.rows().min(32) as u32)
    }

    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        area.fill(&WHITE)?;
        let rows = self.rows();
        let wall = self.span_seconds();
        let x_max = if wall > 0.0 { wall * 1.02 } else { 1.0 };
        let busy = self.busy();
        let title = format!(
            "Task stream: {} — {} tasks on {} workers, {:.3} s",
            self.backend,
            self.spans.len(),
            self.workers,
            wall
        );
        let x_desc = if self.spans.len() > MERGE_ABOVE {
            "seconds since the map began (tasks < 1 px apart merged; pale = mostly gaps)"
        } else {
            "seconds since the map began"
        };
        let mut chart = super::rows_chart(area, title, x_max, rows, x_desc.into(), |r| {
            format!("worker {} ({:.0}% busy)", r, 100.0 * busy[r])
        })?;
        let row_box = |w: usize, start: f64, end: f64| {
            let top = rows as f64 - w.min(rows - 1) as f64 - 0.12;
            [(start, top - 0.76), (end, top)]
        };
        let pixel = x_max / f64::from(WIDTH - 200);
        if self.spans.len() > MERGE_ABOVE {
            let runs = merged(&self.spans, rows, pixel);
            chart.draw_series(runs.iter().map(|&(w, s, e, _)| {
                Rectangle::new(row_box(w, s, e.max(s + pixel)), WHITE.filled())
            }))?;
            chart.draw_series(runs.into_iter().map(|(w, s, e, b)| {
                let density = if e > s {
                    (b / (e - s)).clamp(0.15, 1.0)
                } else {
                    1.0
                };
                Rectangle::new(
                    row_box(w, s, e.max(s + pixel)),
                    color(w).mix(density).filled(),
                )
            }))?;
        } else {
            chart.draw_series(self.spans.iter().map(|s| {
                Rectangle::new(row_box(s.worker, s.start, s.end), color(s.task).filled())
            }))?;
            chart.draw_series(self.spans.iter().map(|s| {
                Rectangle::new(row_box(s.worker, s.start, s.end), WHITE.stroke_width(1))
            }))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_spans_merge_into_one_run_per_gap() {
        let span = |task, worker, start, end| Span {
            task,
            worker,
            start,
            end,
        };
        let spans = [
            span(0, 0, 0.0, 1.0),
            span(1, 0, 1.001, 2.0),
            span(2, 0, 3.0, 4.0),
            span(3, 1, 0.0, 0.5),
        ];
        let runs = merged(&spans, 2, 0.01);
        let ends: Vec<_> = runs.iter().map(|r| (r.0, r.1, r.2)).collect();
        assert_eq!(ends, [(0, 0.0, 2.0), (0, 3.0, 4.0), (1, 0.0, 0.5)]);
        assert!((runs[0].3 - 1.999).abs() < 1e-9);
    }
}
