//! Figures with plotters: inline SVG in notebooks, PNG or SVG files from the CLI.
//!
//! Every figure is a value implementing [`Chart`]; [`svg`] renders it for a notebook (the
//! returned [`Svg`] displays itself inline in evcxr) and [`save`] writes a `.png` or `.svg` file.
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
mod cpu;
mod gas;
mod histogram;
mod table;
mod task_stream;
mod trajectories;

pub use bars::BarChart;
pub use cpu::Stacked;
pub use gas::{trajectories, warm_up_histogram};
pub use histogram::Histogram;
pub use task_stream::MERGE_ABOVE;
pub use trajectories::{simplify, Trajectories};

/// The error type of plotters' drawing calls on backend `DB`.
pub type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A figure that can draw itself on any plotters backend.
pub trait Chart {
    /// Size in pixels, `(width, height)`.
    fn size(&self) -> (u32, u32) {
        (900, 500)
    }

    /// Draws the figure on `area`.
    ///
    /// # Errors
    ///
    /// Whatever plotters reports.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
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

/// A figure of parlab's own (bar chart, histogram, trajectories, task stream, summary table),
/// drawn by code compiled into parlab.
///
/// [`svg`] and [`save`] take `&dyn Figure`, not a generic chart: a notebook cell that draws then
/// compiles one function call instead of instantiating plotters' drawing code for the chart
/// type, which keeps drawing cells under a second in evcxr. For a [`Chart`] of your own, use
/// [`chart_svg`] and [`chart_save`].
pub trait Figure {
    /// The figure as an SVG document.
    ///
    /// # Errors
    ///
    /// As [`chart_svg`].
    fn to_svg(&self) -> Result<Svg>;

    /// Writes the figure to `path` (`.png` or `.svg`).
    ///
    /// # Errors
    ///
    /// As [`chart_save`].
    fn save_to(&self, path: &Path) -> Result<()>;
}

/// Each chart type is a [`Figure`] through one concrete (not generic) impl, so its drawing code
/// is compiled here, once.
macro_rules! figures {
    ($($chart:ty),* $(,)?) => {$(
        impl Figure for $chart {
            fn to_svg(&self) -> Result<Svg> {
                chart_svg(self)
            }

            fn save_to(&self, path: &Path) -> Result<()> {
                chart_save(self, path)
            }
        }
    )*};
}

figures!(
    BarChart,
    Histogram,
    Trajectories,
    crate::backends::TaskStream,
    crate::backends::CpuTrace,
    Stacked<crate::backends::TaskStream, crate::backends::CpuTrace>,
    crate::table::Table,
);

impl<F: Figure + ?Sized> Figure for &F {
    fn to_svg(&self) -> Result<Svg> {
        (**self).to_svg()
    }

    fn save_to(&self, path: &Path) -> Result<()> {
        (**self).save_to(path)
    }
}

/// Renders `figure` to an SVG document; in a notebook, a cell ending in `svg(&figure)?` shows it.
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
pub fn svg(figure: &dyn Figure) -> Result<Svg> {
    figure.to_svg()
}

/// Writes `figure` to `path`: PNG for a `.png` name, SVG for `.svg`.
///
/// # Errors
///
/// [`Error::InvalidInput`] for another extension, [`Error::Io`] or [`Error::Plot`] when writing
/// fails.
///
/// # Examples
///
/// ```
/// use parlab::plot::{save, BarChart};
///
/// let chart = BarChart::new("Time", "seconds", vec![("sequential".into(), 1.5)]);
/// let path = std::env::temp_dir().join("parlab-doc-bars-figure.svg");
/// save(&chart, &path)?;
/// assert!(std::fs::read_to_string(&path)?.contains("sequential"));
/// assert!(save(&chart, "chart.gif").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save(figure: &dyn Figure, path: impl AsRef<Path>) -> Result<()> {
    figure.save_to(path.as_ref())
}

/// Renders any [`Chart`], yours included, to an SVG document. parlab's own charts are
/// [`Figure`]s: draw them with [`svg`].
///
/// # Errors
///
/// [`Error::Plot`] when drawing fails.
///
/// # Examples
///
/// ```
/// use parlab::plot::{chart_svg, BarChart};
///
/// let chart = BarChart::new("Time", "seconds", vec![("sequential".into(), 1.5), ("rayon".into(), 0.8)]);
/// let picture = chart_svg(&chart)?;
/// assert!(picture.as_str().starts_with("<svg"));
/// assert!(picture.as_str().contains("rayon"));
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn chart_svg<C: Chart>(chart: &C) -> Result<Svg> {
    register_font()?;
    let mut buffer = String::new();
    {
        let area = SVGBackend::with_string(&mut buffer, chart.size()).into_drawing_area();
        chart.draw(&area).map_err(plot_error)?;
        area.present().map_err(plot_error)?;
    }
    Ok(Svg(buffer))
}

/// Writes any [`Chart`] to `path`: PNG for a `.png` name, SVG for `.svg`. parlab's own charts
/// are [`Figure`]s: write them with [`save`].
///
/// # Errors
///
/// [`Error::InvalidInput`] for another extension, [`Error::Io`] or [`Error::Plot`] when writing
/// fails.
///
/// # Examples
///
/// ```
/// use parlab::plot::{chart_save, BarChart};
///
/// let chart = BarChart::new("Time", "seconds", vec![("sequential".into(), 1.5)]);
/// let path = std::env::temp_dir().join("parlab-doc-bars.png");
/// chart_save(&chart, &path)?;
/// assert!(std::fs::metadata(&path)?.len() > 1000);
/// assert!(chart_save(&chart, "chart.gif").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn chart_save<C: Chart>(chart: &C, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("svg") => {
            let doc = chart_svg(chart)?;
            std::fs::write(path, doc.0).map_err(|source| Error::io("write", path, source))
        }
        Some("png") => {
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
            let area = BitMapBackend::new(path, chart.size()).into_drawing_area();
            chart.draw(&area).map_err(plot_error)?;
            area.present().map_err(plot_error)
        }
        _ => Err(Error::invalid(
            "figure file name",
            format!("{} must end in .png or .svg", path.display()),
        )),
    }
}

fn plot_error<E: std::error::Error + Send + Sync + 'static>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::Plot(Box::new(e))
}

/// The chart [`rows_chart`] returns: seconds on x, rows on y.
pub(crate) type RowsChart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The frame the task stream and the CPU chart share: one labelled row per worker or core (row
/// 0 on top), time in seconds on the x axis up to `x_max`. `label(r)` names row `r`.
pub(crate) fn rows_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: String,
    x_max: f64,
    rows: usize,
    x_desc: String,
    label: impl Fn(usize) -> String,
) -> std::result::Result<RowsChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
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
