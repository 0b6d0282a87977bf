//! Density histograms with analytic curves on top.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Canvas, Chart, DrawResult};

/// A histogram scaled as a probability density (bar areas sum to 1), against any number of
/// analytic density curves (the first solid red, the others dashed in other colours), with a
/// legend.
///
/// # Examples
///
/// ```
/// use parlab::plot::{svg, Histogram};
///
/// let chart = Histogram {
///     title: "Uniform".into(),
///     x_label: "x".into(),
///     y_label: "density".into(),
///     sample_label: "samples".into(),
///     samples: (0..1000).map(|i| (f64::from(i) + 0.5) / 1000.0).collect(),
///     bins: 10,
///     curves: vec![("1".into(), vec![(0.0, 1.0), (1.0, 1.0)])],
/// };
/// let (width, heights) = chart.densities();
/// assert_eq!(heights.len(), 10);
/// assert!(heights.iter().all(|h| (h - 1.0).abs() < 0.01));
/// assert!((heights.iter().sum::<f64>() * width - 1.0).abs() < 1e-12);
/// assert!(svg(&chart)?.as_str().contains("Uniform"));
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Histogram {
    /// Title above the chart.
    pub title: String,
    /// Label of the x axis (with units).
    pub x_label: String,
    /// Label of the y axis (with units).
    pub y_label: String,
    /// Legend entry of the bars.
    pub sample_label: String,
    /// The samples.
    pub samples: Vec<f64>,
    /// Number of bins between 0 and the largest sample.
    pub bins: usize,
    /// Legend entry and `(x, density)` points of each analytic curve.
    pub curves: Vec<(String, Vec<(f64, f64)>)>,
}

impl Histogram {
    /// The histogram with `label` as the bars' legend entry.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::gas::{speeds, GasParams};
    /// use parlab::plot::warm_up_histogram;
    ///
    /// let params = GasParams::default();
    /// let chart = warm_up_histogram(&params, &speeds(&params, 1000), 20).labelled("my_speeds");
    /// assert_eq!(chart.sample_label, "my_speeds");
    /// ```
    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.sample_label = label.into();
        self
    }

    /// Bin width and the density of each bin (count / (n × width)), bins starting at 0. Without
    /// curves the bins span the samples (0 to the largest); with curves they span the curves' x
    /// range, so that a sample far from the curves still leaves them readable: the samples
    /// beyond it count in n but in no bin ([`Histogram::beyond`]).
    pub fn densities(&self) -> (f64, Vec<f64>) {
        let bins = self.bins.max(1);
        let finite = self.samples.iter().copied().filter(|v| v.is_finite());
        let top = self
            .curve_top()
            .unwrap_or_else(|| finite.clone().fold(0.0_f64, f64::max));
        let width = if top > 0.0 { top / bins as f64 } else { 1.0 };
        let mut counts = vec![0usize; bins];
        let mut n = 0usize;
        for v in finite.filter(|v| *v >= 0.0) {
            n += 1;
            let i = (v / width) as usize;
            if self.curve_top().is_none() || i < bins {
                counts[i.min(bins - 1)] += 1;
            }
        }
        let scale = 1.0 / (n.max(1) as f64 * width);
        (width, counts.iter().map(|&c| c as f64 * scale).collect())
    }

    /// How many samples lie beyond the curves' x range (none without curves).
    pub fn beyond(&self) -> usize {
        self.curve_top()
            .map_or(0, |top| self.samples.iter().filter(|v| **v > top).count())
    }

    /// The largest x of the curves, when there are curves.
    fn curve_top(&self) -> Option<f64> {
        self.curves
            .iter()
            .flat_map(|c| c.1.iter().map(|p| p.0))
            .filter(|x| x.is_finite())
            .reduce(f64::max)
            .filter(|top| *top > 0.0)
    }
}

impl Histogram {
    /// The bars' legend entry, with what the chart leaves out of them.
    fn bars_label(&self, cut: bool) -> String {
        let mut label = self.sample_label.clone();
        let beyond = self.beyond();
        if beyond > 0 {
            label += &format!(" ({beyond} beyond the axis)");
        }
        if cut {
            label += " (bars cut at the top)";
        }
        label
    }
}

impl Chart for Histogram {
    fn size(&self) -> (u32, u32) {
        (900, 560)
    }

    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        area.fill(&WHITE)?;
        let (width, heights) = self.densities();
        let curve_points = || self.curves.iter().flat_map(|c| c.1.iter());
        let x_max = curve_points()
            .map(|p| p.0)
            .fold(width * heights.len() as f64, f64::max);
        let finite = |v: &f64| v.is_finite();
        let curve_peak = curve_points()
            .map(|p| p.1)
            .filter(finite)
            .fold(0.0_f64, f64::max);
        let bar_peak = heights
            .iter()
            .copied()
            .filter(finite)
            .fold(0.0_f64, f64::max);
        // Bars far above the curves are cut at 3 times the curves' peak, so the curves stay
        // readable next to a sample that is far off.
        let y_max = if curve_peak > 0.0 {
            curve_peak.max(bar_peak.min(3.0 * curve_peak))
        } else {
            bar_peak
        };
        let y_max = if y_max > 0.0 { y_max * 1.12 } else { 1.0 };
        let cut = y_max / 1.12;
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, ("sans-serif", 19))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17))
            .x_label_formatter(&|x| {
                if x_max >= 50.0 {
                    format!("{x:.0}")
                } else {
                    format!("{x:.2}")
                }
            })
            .y_label_formatter(&|y| format!("{y:.1e}"))
            .draw()?;
        let fill = RGBColor(110, 160, 220);
        chart
            .draw_series(heights.iter().enumerate().map(|(i, &h)| {
                let x0 = i as f64 * width;
                Rectangle::new(
                    [(x0, 0.0), (x0 + width, h.min(cut))],
                    fill.mix(0.7).filled(),
                )
            }))?
            .label(self.bars_label(bar_peak > cut))
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], fill.filled()));
        for (i, (label, points)) in self.curves.iter().enumerate() {
            let points = points.iter().copied();
            if i == 0 {
                chart
                    .draw_series(LineSeries::new(points, RED.stroke_width(3)))?
                    .label(label)
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(3)));
            } else {
                let colour = [RGBColor(40, 40, 40), RGBColor(130, 40, 160)][(i - 1) % 2];
                let style = colour.stroke_width(3);
                chart
                    .draw_series(DashedLineSeries::new(points, 10, 6, style))?
                    .label(label)
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 8, y)], style));
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(("sans-serif", 16))
            .draw()?;
        Ok(())
    }
}
