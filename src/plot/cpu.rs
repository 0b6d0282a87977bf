//! Per-core CPU utilization over time ([`CpuTrace`]), and [`Stacked`]: one chart above another,
//! such as a task stream over the CPU chart of the same run.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{color, Canvas, Chart, DrawResult};
use crate::backends::CpuTrace;

/// Plot width in pixels, as the task stream's.
const WIDTH: u32 = 1000;

impl Chart for CpuTrace {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 150 + 46 * (self.cores.clamp(1, 32) as u32 + 1))
    }

    /// One band per core (core 0 on top, like worker 0 in the task stream); in each band a bar
    /// per sampling interval, as high as the core was busy (full band: 100 %). The last band,
    /// in grey, is this process's own share of the machine (full band: every core), which tells
    /// its work from other programs'.
    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        area.fill(&WHITE)?;
        let rows = self.cores.max(1) + 1;
        let x_max = if self.seconds > 0.0 {
            self.seconds * 1.02
        } else {
            1.0
        };
        let title = format!(
            "CPU: per-core busy time, {} cores, {:.2} s — {:.2} cores busy on average \
             (this process: {:.2})",
            self.cores,
            self.seconds,
            self.total_busy(),
            self.process_cores()
        );
        let busy = &self.busy;
        let x_desc = format!(
            "seconds since the monitor started (bars: {:.0} ms intervals; /proc/stat, all \
             processes on the machine)",
            self.interval * 1e3
        );
        let mut chart = super::rows_chart(area, title, x_max, rows, x_desc, |r| {
            if r < busy.len() {
                format!("core {} ({:.0}% busy)", r, 100.0 * busy[r])
            } else {
                format!("this process ({:.2} cores)", self.process_cores())
            }
        })?;
        let band = |core: usize| {
            let top = rows as f64 - core as f64 - 0.12;
            (top - 0.76, top)
        };
        chart.draw_series((0..=self.cores).map(|core| {
            let (bottom, top) = band(core);
            Rectangle::new(
                [(0.0, bottom), (self.seconds, top)],
                RGBColor(235, 235, 235).filled(),
            )
        }))?;
        chart.draw_series(self.samples.iter().flat_map(|s| {
            s.busy.iter().enumerate().map(move |(core, &b)| {
                let (bottom, top) = band(core);
                Rectangle::new(
                    [(s.start, bottom), (s.end, bottom + b * (top - bottom))],
                    color(core).filled(),
                )
            })
        }))?;
        let share = self.cores.max(1) as f64;
        chart.draw_series(self.samples.iter().map(|s| {
            let (bottom, top) = band(self.cores);
            let height = (s.process / share).clamp(0.0, 1.0) * (top - bottom);
            Rectangle::new(
                [(s.start, bottom), (s.end, bottom + height)],
                RGBColor(90, 90, 90).filled(),
            )
        }))?;
        Ok(())
    }
}

/// Two charts, `.0` above `.1`, in one picture: for example a task stream over the CPU chart of
/// the same run.
///
/// # Examples
///
/// ```
/// use parlab::backends::CpuMonitor;
/// use parlab::plot::{svg, Stacked};
/// use parlab::prelude::*;
///
/// let pool = RayonPool::new(2)?;
/// let (run, cpu) = CpuMonitor::watch(|| squares_with(&pool, 0..100_000, &MapOptions::traced(true)))?;
/// let picture = svg(&Stacked(run?.trace.expect("traced"), cpu))?;
/// assert!(picture.as_str().contains("Task stream") && picture.as_str().contains("core 0"));
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Stacked<A, B>(pub A, pub B);

impl<A: Chart, B: Chart> Chart for Stacked<A, B> {
    fn size(&self) -> (u32, u32) {
        let (a, b) = (self.0.size(), self.1.size());
        (a.0.max(b.0), a.1 + b.1)
    }

    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        stack(&self.0, &self.1, area)
    }
}

/// [`Stacked`]'s drawing, compiled once (not per pair of chart types, nor in a notebook cell).
fn stack(
    upper: &dyn Chart,
    lower: &dyn Chart,
    area: &DrawingArea<Canvas<'_>, Shift>,
) -> DrawResult {
    let (top, bottom) = area.split_vertically(upper.size().1);
    upper.draw(&top)?;
    lower.draw(&bottom)
}
