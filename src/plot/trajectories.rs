//! Particle paths inside a square box.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Canvas, Chart, DrawResult};

/// Paths in the square box `[0, side]²`, one colour per path (hues spread around the colour
/// wheel), the box outlined, starting points marked with dots. Points on a straight stretch are
/// merged before drawing ([`simplify`]), so a path is drawn as its bounce-to-bounce segments.
///
/// # Examples
///
/// ```
/// use parlab::plot::{svg, Trajectories};
///
/// let chart = Trajectories {
///     title: "Two particles".into(),
///     side: 1.0,
///     paths: vec![vec![(0.1, 0.1), (0.9, 0.5)], vec![(0.5, 0.9), (0.2, 0.2)]],
/// };
/// assert!(svg(&chart)?.as_str().contains("Two particles"));
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Trajectories {
    /// Title above the chart.
    pub title: String,
    /// Side of the box, metres.
    pub side: f64,
    /// One list of `(x, y)` points (metres) per particle.
    pub paths: Vec<Vec<(f64, f64)>>,
}

impl Chart for Trajectories {
    fn size(&self) -> (u32, u32) {
        (760, 800)
    }

    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        area.fill(&WHITE)?;
        let side = if self.side.is_finite() && self.side > 0.0 {
            self.side
        } else {
            1.0
        };
        let pad = 0.03 * side;
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, ("sans-serif", 20))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(65)
            .build_cartesian_2d(-pad..side + pad, -pad..side + pad)?;
        chart
            .configure_mesh()
            .x_desc("x (m)")
            .y_desc("y (m)")
            .label_style(("sans-serif", 15))
            .axis_desc_style(("sans-serif", 17))
            .light_line_style(WHITE)
            .draw()?;
        for (i, path) in self.paths.iter().enumerate() {
            // Golden-ratio hue steps keep neighbours apart; fixed lightness keeps every path visible.
            let hue = (i as f64 * 0.618_033_988_75).fract();
            let c = HSLColor(hue, 0.85, if i % 2 == 0 { 0.36 } else { 0.5 });
            let line = simplify(path, side);
            chart.draw_series(LineSeries::new(line, c.stroke_width(1)))?;
            if let Some(&start) = path.first() {
                chart.draw_series(std::iter::once(Circle::new(start, 3, c.filled())))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            [
                (0.0, 0.0),
                (side, 0.0),
                (side, side),
                (0.0, side),
                (0.0, 0.0),
            ],
            BLACK.stroke_width(2),
        )))?;
        Ok(())
    }
}

/// Drops the interior points of straight stretches of `path` (turns below rounding, relative to
/// the box side), keeping the first and last points and every corner.
///
/// # Examples
///
/// ```
/// use parlab::plot::simplify;
///
/// let path = [(0.1, 0.1), (0.2, 0.2), (0.3, 0.3), (0.2, 0.4), (0.1, 0.5)];
/// assert_eq!(simplify(&path, 1.0), [(0.1, 0.1), (0.3, 0.3), (0.1, 0.5)]);
/// ```
pub fn simplify(path: &[(f64, f64)], side: f64) -> Vec<(f64, f64)> {
    let tolerance = 1e-12 * side * side;
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(path.len().min(64));
    for (i, &p) in path.iter().enumerate() {
        if let (Some(&a), Some(&c)) = (out.last(), path.get(i + 1)) {
            let cross = (p.0 - a.0) * (c.1 - p.1) - (p.1 - a.1) * (c.0 - p.0);
            let dot = (p.0 - a.0) * (c.0 - p.0) + (p.1 - a.1) * (c.1 - p.1);
            if cross.abs() <= tolerance && dot > 0.0 {
                continue;
            }
        }
        out.push(p);
    }
    out
}
