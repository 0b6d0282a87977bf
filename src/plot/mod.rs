//! Figures with plotters: inline SVG in notebooks, PNG or SVG files from the CLI.
//!
//! Every figure is a value implementing [`Chart`], parlab's and your own alike; [`svg`] renders
//! it for a notebook (the returned [`Svg`] displays itself inline in evcxr) and [`save`] writes
//! a `.svg` file, or a `.png` with the cargo feature `png` (on with `cli`). Charts draw on a
//! [`Canvas`], parlab's plotters backend, so each chart's drawing code is compiled once.
//! Text is drawn with the DejaVu Sans font bundled in the crate, so no system fonts are needed.
//!
//! A [`TaskStream`](crate::backends::TaskStream) is a [`Chart`] too: a Gantt chart of which
//! worker ran each task when, standing in for dask's dashboard; so are the summary
//! [`Table`](crate::table::Table) (two bar charts) and the gas exercise's results
//! ([`GasRun::trajectory_chart`](crate::workloads::GasRun::trajectory_chart),
//! [`warm_up_histogram`]).
//!
//! A [`CpuTrace`](crate::backends::CpuTrace) is a [`Chart`] too: per-core utilization over time,
//! which [`Stacked`] puts under the task stream of the same run.
//!
//! This is the presentation layer: it reads values the layers below computed and never runs
//! work itself.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{Error, Result};

mod bars;
mod canvas;
mod cpu;
mod gas;
mod histogram;
mod table;
mod task_stream;
mod trajectories;

pub use bars::BarChart;
pub use canvas::{Canvas, CanvasError};
pub use cpu::Stacked;
pub use gas::{trajectories, warm_up_histogram};
pub use histogram::Histogram;
pub use task_stream::MERGE_ABOVE;
pub use trajectories::{simplify, Trajectories};

/// What a [`Chart`]'s drawing calls return: plotters' error on a [`Canvas`].
pub type DrawResult = std::result::Result<(), DrawingAreaErrorKind<CanvasError>>;

/// A figure: it knows its size and draws itself on a [`Canvas`]. [`svg`] renders any chart for
/// a notebook and [`save`] writes it to a file.
///
/// The trait is object-safe, and [`svg`] and [`save`] take `&dyn Chart`: each chart's drawing
/// code is compiled once, in parlab (or in your crate, for a chart of your own), and a notebook
/// cell that draws compiles one function call instead of instantiating plotters' drawing code,
/// which keeps drawing cells under a second in evcxr.
///
/// # Examples
///
/// A chart of your own draws with plotters' usual calls on the area it is given:
///
/// ```
/// use parlab::plot::{svg, Canvas, Chart, DrawResult};
/// use plotters::coord::Shift;
/// use plotters::prelude::*;
///
/// struct Squares(Vec<f64>);
///
/// impl Chart for Squares {
///     fn size(&self) -> (u32, u32) {
///         (600, 400)
///     }
///
///     fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
///         area.fill(&WHITE)?;
///         let n = self.0.len() as f64;
///         let top = self.0.iter().fold(1.0, |a: f64, &b| a.max(b));
///         let mut chart = ChartBuilder::on(area)
///             .caption("Squares", ("sans-serif", 20))
///             .margin(10)
///             .x_label_area_size(30)
///             .y_label_area_size(40)
///             .build_cartesian_2d(0.0..n, 0.0..top)?;
///         chart.configure_mesh().draw()?;
///         chart.draw_series(LineSeries::new(
///             self.0.iter().enumerate().map(|(i, &y)| (i as f64, y)),
///             &BLUE,
///         ))?;
///         Ok(())
///     }
/// }
///
/// let picture = svg(&Squares((0..10).map(|i| f64::from(i * i)).collect()))?;
/// assert!(picture.as_str().contains("width=\"600\"") && picture.as_str().contains("Squares"));
/// # Ok::<(), parlab::Error>(())
/// ```
pub trait Chart {
    /// Size in pixels, `(width, height)`.
    fn size(&self) -> (u32, u32) {
        (900, 500)
    }

    /// Draws the figure on `area`, which is [`size`](Chart::size) pixels large.
    ///
    /// # Errors
    ///
    /// Whatever plotters reports.
    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult;
}

impl<C: Chart + ?Sized> Chart for &C {
    fn size(&self) -> (u32, u32) {
        (**self).size()
    }

    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        (**self).draw(area)
    }
}

impl<C: Chart + ?Sized> Chart for Box<C> {
    fn size(&self) -> (u32, u32) {
        (**self).size()
    }

    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        (**self).draw(area)
    }
}

/// The bundled font, registered once per call (cheap, and safe in evcxr where each cell has its
/// own copy of the library's statics).
fn register_font() -> Result<()> {
    static DEJAVU: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
    for style in [FontStyle::Normal, FontStyle::Bold] {
        plotters::style::register_font("sans-serif", style, DEJAVU)
            .map_err(|_| Error::Plot("the bundled DejaVu Sans font is unreadable".into()))?;
    }
    Ok(())
}

/// An SVG document. In an evcxr notebook a cell ending in an `Svg` shows the picture inline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svg(pub String);

impl Svg {
    /// The SVG text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Shows the figure inline in an evcxr notebook (called by evcxr for a cell's value): as
    /// `image/svg+xml`, and as HTML that fits the picture to the window's width
    /// ([`fitted`](Svg::fitted)), which JupyterLab prefers (it shows an `image/svg+xml` output
    /// at full size, cut off in a narrower window).
    pub fn evcxr_display(&self) {
        crate::display::evcxr("image/svg+xml", &self.0);
        crate::display::evcxr("text/html", &self.fitted());
    }

    /// The SVG, scaled down to the width of its container when that is narrower (for HTML).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::plot::Svg;
    ///
    /// let svg = Svg("<svg width=\"900\" height=\"500\" viewBox=\"0 0 900 500\"></svg>".into());
    /// assert!(svg.fitted().starts_with("<svg style=\"max-width: 100%; height: auto\" width=\"900\""));
    /// ```
    pub fn fitted(&self) -> String {
        self.0
            .replacen("<svg ", "<svg style=\"max-width: 100%; height: auto\" ", 1)
    }
}

impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Renders `chart`, one of parlab's or your own, to an SVG document; in a notebook, a cell
/// ending in `svg(&chart)?` shows it.
///
/// # Errors
///
/// [`Error::Plot`] when drawing fails.
///
/// # Examples
///
/// ```
/// use parlab::plot::{svg, BarChart};
///
/// let chart = BarChart::new("Time", "seconds", vec![("sequential".into(), 1.5), ("rayon".into(), 0.8)]);
/// let picture = svg(&chart)?;
/// assert!(picture.as_str().starts_with("<svg"));
/// assert!(picture.as_str().contains("rayon"));
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn svg(chart: &dyn Chart) -> Result<Svg> {
    register_font()?;
    let mut buffer = String::new();
    {
        let area = Canvas::svg(&mut buffer, chart.size()).into_drawing_area();
        chart.draw(&area).map_err(plot_error)?;
        area.present().map_err(plot_error)?;
    }
    Ok(Svg(buffer))
}

/// Writes `chart` to `path`: SVG for a `.svg` name, PNG for `.png` (with the cargo feature
/// `png`, which `cli` turns on; notebooks show figures inline with [`svg`] and leave it off).
///
/// # Errors
///
/// [`Error::InvalidInput`] for another extension, or for `.png` without the feature `png`;
/// [`Error::Io`] or [`Error::Plot`] when writing fails.
///
/// # Examples
///
/// ```
/// use parlab::plot::{save, BarChart};
///
/// let chart = BarChart::new("Time", "seconds", vec![("sequential".into(), 1.5)]);
/// let path = std::env::temp_dir().join("parlab-doc-bars.svg");
/// save(&chart, &path)?;
/// assert!(std::fs::read_to_string(&path)?.contains("sequential"));
/// assert!(save(&chart, "chart.gif").is_err());
///
/// let png = std::env::temp_dir().join("parlab-doc-bars.png");
/// if cfg!(feature = "png") {
///     save(&chart, &png)?;
///     assert!(std::fs::metadata(&png)?.len() > 1000);
/// } else {
///     assert!(save(&chart, &png).unwrap_err().to_string().contains("feature `png`"));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save(chart: &dyn Chart, path: impl AsRef<Path>) -> Result<()> {
    save_to(chart, path.as_ref())
}

/// [`save`], compiled once.
fn save_to(chart: &dyn Chart, path: &Path) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => {
            let doc = svg(chart)?;
            std::fs::write(path, doc.0).map_err(|source| Error::io("write", path, source))
        }
        Some("png") => save_png(chart, path),
        _ => Err(Error::invalid(
            "figure file name",
            format!("{} must end in .png or .svg", path.display()),
        )),
    }
}

#[cfg(feature = "png")]
fn save_png(chart: &dyn Chart, path: &Path) -> Result<()> {
    register_font()?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(Error::Io {
                action: "write",
                path: path.to_owned(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("folder {} does not exist", dir.display()),
                ),
            });
        }
    }
    let area = Canvas::png(path, chart.size()).into_drawing_area();
    chart.draw(&area).map_err(plot_error)?;
    area.present().map_err(plot_error)
}

#[cfg(not(feature = "png"))]
fn save_png(_chart: &dyn Chart, path: &Path) -> Result<()> {
    Err(Error::invalid(
        "figure file name",
        format!(
            "{} is a PNG file, and writing PNG needs parlab's cargo feature `png` (on with `cli`; \
             notebooks leave it off); save as .svg instead, or show the chart inline with svg(&chart)",
            path.display()
        ),
    ))
}

/// The one place a drawing error becomes parlab's [`Error`].
fn plot_error(e: DrawingAreaErrorKind<CanvasError>) -> Error {
    Error::Plot(Box::new(e))
}

/// The chart [`rows_chart`] returns: seconds on x, rows on y.
pub(crate) type RowsChart<'a, 'b> = ChartContext<
    'a,
    Canvas<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The frame the task stream and the CPU chart share: one labelled row per worker or core (row
/// 0 on top), time in seconds on the x axis up to `x_max`. `label(r)` names row `r`.
pub(crate) fn rows_chart<'a, 'b>(
    area: &'a DrawingArea<Canvas<'b>, Shift>,
    title: String,
    x_max: f64,
    rows: usize,
    x_desc: String,
    label: impl Fn(usize) -> String,
) -> std::result::Result<RowsChart<'a, 'b>, DrawingAreaErrorKind<CanvasError>> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(170)
        .build_cartesian_2d(0.0..x_max, 0.0..rows as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(2 * rows + 1)
        .y_label_formatter(&|y| {
            // Labels sit at row centres; the ticks between them stay blank.
            let i = rows as f64 - y - 0.5;
            let r = i.round();
            if (i - r).abs() < 1e-6 && r >= 0.0 && (r as usize) < rows {
                label(r as usize)
            } else {
                String::new()
            }
        })
        .x_desc(x_desc)
        .label_style(("sans-serif", 14))
        .draw()?;
    Ok(chart)
}

/// A palette of clearly distinct colours, cycled by index.
pub fn color(i: usize) -> RGBColor {
    let c = Palette99::pick(i).to_rgba();
    RGBColor(c.0, c.1, c.2)
}
