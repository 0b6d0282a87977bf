//! The gas exercise's charts: speed histograms against `P(v)`, and particle trajectories.

use super::{Histogram, Trajectories};
use crate::gas::{speed_pdf, speed_quantile, GasParams, Trajectory};
use crate::workloads::GasRun;

/// The warm-up plot: a density histogram of sampled `speeds` (from
/// [`gas::speeds`](crate::gas::speeds)) in `bins` bins, against the analytic `P(v)`.
///
/// # Examples
///
/// ```
/// use parlab::gas::{speeds, GasParams};
/// use parlab::plot::warm_up_histogram;
///
/// let params = GasParams::default();
/// let chart = warm_up_histogram(&params, &speeds(&params, 10_000), 50);
/// let picture = parlab::plot::svg(&chart)?;
/// assert!(picture.as_str().contains("P(v)"));
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn warm_up_histogram(params: &GasParams, speeds: &[f64], bins: usize) -> Histogram {
    speed_histogram(params, speeds.to_vec(), bins)
}

fn speed_histogram(params: &GasParams, speeds: Vec<f64>, bins: usize) -> Histogram {
    let top = speed_quantile(params, 1.0 - 1e-5);
    let curve = (0..=200)
        .map(|i| {
            let v = top * f64::from(i) / 200.0;
            (v, speed_pdf(params, v))
        })
        .collect();
    Histogram {
        title: format!(
            "2-D Maxwell–Boltzmann speeds: m = {} u, T = {} K ({} samples)",
            params.mass_amu,
            params.temperature,
            speeds.len()
        ),
        x_label: "speed v (m/s)".into(),
        y_label: "probability density (s/m)".into(),
        sample_label: format!("histogram, {bins} bins (density)"),
        samples: speeds,
        bins,
        curve: Some(("P(v) = (m/kT) v exp(-mv²/2kT)".into(), curve)),
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
