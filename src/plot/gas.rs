//! The gas exercise's charts: speed histograms against `P(v)`, and particle trajectories.

use super::{Histogram, Trajectories};
use crate::gas::{speed_pdf, speed_pdf_3d, GasParams, Trajectory};
use crate::workloads::GasRun;

/// The warm-up plot: a density histogram of sampled `speeds` (the student's `my_speeds`, or
/// [`gas::speeds`](crate::gas::speeds)) in `bins` bins, against the 2-D Maxwell–Boltzmann
/// `P(v)` the gas needs (solid red) and, dashed, the 3-D curve Wikipedia plots
/// ([`speed_pdf_3d`]), so that the difference is seen: the 3-D curve peaks at `sqrt(2kT/m)`,
/// the 2-D one at `sqrt(kT/m)`. Name the bars with [`Histogram::labelled`].
///
/// # Examples
///
/// ```
/// use parlab::gas::{speeds, GasParams};
/// use parlab::plot::warm_up_histogram;
///
/// let params = GasParams::default();
/// let chart = warm_up_histogram(&params, &speeds(&params, 10_000), 50);
/// assert_eq!(chart.curves.len(), 2);
/// let picture = parlab::plot::svg(&chart)?;
/// assert!(picture.as_str().contains("P(v)") && picture.as_str().contains("3-D"));
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn warm_up_histogram(params: &GasParams, speeds: &[f64], bins: usize) -> Histogram {
    speed_histogram(params, speeds.to_vec(), bins)
}

fn speed_histogram(params: &GasParams, speeds: Vec<f64>, bins: usize) -> Histogram {
    // Past 5.5 sqrt(kT/m) both densities are below 1e-5 of their peaks.
    let top = 5.5 * params.speed_scale();
    let curve = |pdf: fn(&GasParams, f64) -> f64| {
        (0..=300)
            .map(|i| {
                let v = top * f64::from(i) / 300.0;
                (v, pdf(params, v))
            })
            .collect()
    };
    Histogram {
        title: format!(
            "{} speeds: mean {} m/s (2-D M–B: {:.0} m/s) at m = {} u, T = {} K",
            speeds.len(),
            mean_text(&speeds),
            params.mean_speed_theory(),
            params.mass_amu,
            params.temperature
        ),
        x_label: "speed v (m/s)".into(),
        y_label: "probability density (s/m)".into(),
        sample_label: format!("histogram, {bins} bins (density)"),
        samples: speeds,
        bins,
        curves: vec![
            (
                "2-D M–B: P(v) = (m/kT) v exp(-mv²/2kT)".into(),
                curve(speed_pdf),
            ),
            (
                "3-D M–B (Wikipedia): 4πv² (m/2πkT)^3/2 exp(-mv²/2kT)".into(),
                curve(speed_pdf_3d),
            ),
        ],
    }
}

/// Your paths in the box: `paths[i][k]` is particle `i`'s position after `k` steps of a run
/// with `params` (what the exercise's `my_gas(&params)` returns), drawn like
/// [`GasRun::trajectory_chart`].
///
/// # Examples
///
/// ```
/// use parlab::gas::{reference, GasParams};
/// use parlab::plot::{svg, trajectories};
///
/// let params = GasParams { particles: 10, steps: 300, ..GasParams::default() };
/// let chart = trajectories(&reference::gas(&params), &params);
/// assert_eq!(chart.paths.len(), 10);
/// assert!(svg(&chart)?.as_str().contains("Trajectories of 10 particles"));
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn trajectories(paths: &[Vec<(f64, f64)>], params: &GasParams) -> Trajectories {
    Trajectories {
        title: format!(
            "Trajectories of {} particles, {} steps of {:.3} µs (dots: start)",
            paths.len(),
            params.steps,
            params.time_step() * 1e6
        ),
        side: params.box_side,
        paths: paths.to_vec(),
    }
}

/// The mean of `speeds` with 4 significant digits (scientific notation when far from 1 m/s).
fn mean_text(speeds: &[f64]) -> String {
    let mean = speeds.iter().sum::<f64>() / speeds.len().max(1) as f64;
    if mean != 0.0 && mean.is_finite() && !(0.1..1e5).contains(&mean.abs()) {
        format!("{mean:.3e}")
    } else {
        format!("{mean:.4}")
    }
}

impl GasRun {
    /// The paths of the first `n` recorded particles inside the box outline.
    pub fn trajectory_chart(&self, n: usize) -> Trajectories {
        let paths: Vec<_> = self.paths.iter().take(n).map(Trajectory::points).collect();
        Trajectories {
            title: format!(
                "Trajectories of {} of {} particles, {} steps of {:.3} µs (dots: start)",
                paths.len(),
                self.particles,
                self.steps,
                self.dt * 1e6
            ),
            side: self.box_side,
            paths,
        }
    }

    /// A density histogram of the run's initial speeds in `bins` bins against `P(v)`.
    pub fn speed_histogram(&self, bins: usize) -> Histogram {
        speed_histogram(&self.params, self.speeds.clone(), bins)
    }
}
