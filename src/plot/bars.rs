//! Horizontal bar charts: one bar per label, value written at the end of the bar.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{color, Canvas, Chart, DrawResult};

/// A horizontal bar chart, e.g. seconds per backend.
///
/// # Examples
///
/// ```
/// use parlab::plot::{svg, BarChart};
///
/// let chart = BarChart::new("Squares", "seconds per 10^6", vec![("rayon".into(), 0.02)]);
/// assert!(svg(&chart)?.as_str().contains("Squares"));
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct BarChart {
    /// Title above the chart.
    pub title: String,
    /// Label of the value axis.
    pub unit: String,
    /// `(label, value)` pairs, drawn top to bottom.
    pub bars: Vec<(String, f64)>,
}

impl BarChart {
    /// A chart of `bars` under `title`, values in `unit`.
    pub fn new(
        title: impl Into<String>,
        unit: impl Into<String>,
        bars: Vec<(String, f64)>,
    ) -> Self {
        BarChart {
            title: title.into(),
            unit: unit.into(),
            bars,
        }
    }
}

impl Chart for BarChart {
    fn size(&self) -> (u32, u32) {
        (900, 120 + 40 * self.bars.len().max(1) as u32)
    }

    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        area.fill(&WHITE)?;
        let n = self.bars.len().max(1);
        let max = self
            .bars
            .iter()
            .map(|b| b.1)
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max);
        let x_max = if max > 0.0 { max * 1.25 } else { 1.0 };
        let labels: Vec<&str> = self.bars.iter().map(|b| b.0.as_str()).collect();
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(230)
            .build_cartesian_2d(0.0..x_max, 0.0..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n * 2 + 1)
            .y_label_formatter(&|y| {
                let i = (n as f64 - y - 0.5).round();
                if (n as f64 - y - 0.5 - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len()
                {
                    labels[i as usize].to_string()
                } else {
                    String::new()
                }
            })
            .x_desc(&self.unit)
            .label_style(("sans-serif", 15))
            .draw()?;
        for (i, (label, value)) in self.bars.iter().enumerate() {
            let top = n as f64 - i as f64 - 0.15;
            let bottom = n as f64 - i as f64 - 0.85;
            let v = if value.is_finite() { *value } else { 0.0 };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, bottom), (v, top)],
                color(i).filled(),
            )))?;
            let text = if value.is_finite() {
                format!("{}", Sig(*value))
            } else {
                format!("{label}: n/a")
            };
            chart.draw_series(std::iter::once(Text::new(
                text,
                (v + x_max * 0.01, n as f64 - i as f64 - 0.62),
                ("sans-serif", 14),
            )))?;
        }
        Ok(())
    }
}

/// Formats a number with three significant digits.
pub(crate) struct Sig(pub f64);

impl std::fmt::Display for Sig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        if v == 0.0 || !v.is_finite() {
            return write!(f, "{v}");
        }
        let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
        write!(f, "{v:.digits$}")
    }
}
