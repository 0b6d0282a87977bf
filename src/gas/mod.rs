//! Exercise 1: a collisionless thermal gas of N particles in a square 2-D box.
//!
//! Particles start at random positions with random directions and 2-D Maxwell–Boltzmann speeds
//! ([`sample`]); they fly freely and bounce elastically off the walls ([`motion`]). Because they
//! never interact, the gas splits into independent blocks that any backend runs in parallel
//! ([`simulate`]); the run checks its own physics ([`stats`]): exact energy conservation, every
//! position inside the box, the speed distribution, the mean speed and the ideal-gas pressure.
//!
//! ```
//! use parlab::prelude::*;
//!
//! let pool = RayonPool::new(2)?;
//! let run = simulate(&pool, &GasParams::default())?; // 100 N2 molecules at 300 K, 1000 steps
//! assert_eq!(run.inside_fraction, 1.0);
//! assert_eq!(run.energy_drift, 0.0);
//! let picture = parlab::plot::svg(&run.trajectory_chart(100))?; // shows inline in a notebook
//! assert!(picture.as_str().contains("Trajectories"));
//! # Ok::<(), parlab::Error>(())
//! ```

pub mod motion;
mod parallel;
mod params;
mod run;
pub mod sample;
pub mod stats;

pub use motion::{advance, fold, free_flight, step_axis, ChunkState, Folded, WallHits};
pub use parallel::advance_on;
pub use params::{GasParams, ATOMIC_MASS_UNIT, BOLTZMANN, NITROGEN_AMU};
pub use run::{block_len, run_block, simulate, BlockOutcome, GasBlock, GasRun, Trajectory, BLOCK};
pub use sample::{particle_rng, speed_cdf, speed_pdf, speed_quantile, speeds, Particles};
pub use stats::{fit_test, kinetic_temperature, wall_pressure, FitTest};

use crate::plot::{Histogram, Trajectories};

/// Speeds sampled for the warm-up histogram, as in the exercise.
pub const WARM_UP_SAMPLES: usize = 100_000;

/// The warm-up plot: a density histogram of the speeds of particles `0..n` in `bins` bins,
/// against the analytic `P(v)`.
///
/// # Examples
///
/// ```
/// use parlab::gas::{warm_up_histogram, GasParams};
///
/// let chart = warm_up_histogram(&GasParams::default(), 10_000, 50);
/// let picture = parlab::plot::svg(&chart)?;
/// assert!(picture.as_str().contains("P(v)"));
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn warm_up_histogram(params: &GasParams, n: usize, bins: usize) -> Histogram {
    speed_histogram(params, speeds(params, n), bins)
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

impl std::fmt::Display for GasRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "2-D gas: {} particles (m = {} u, T = {} K) in a {} m box, {} steps of {:.4e} s, seed {}",
            self.particles,
            self.mass_amu,
            self.temperature,
            self.box_side,
            self.steps,
            self.dt,
            self.seed
        )?;
        writeln!(
            f,
            "{} with {} workers: {:.3} s, {:.3e} particle-steps/s",
            self.backend, self.workers, self.seconds, self.particle_steps_per_second
        )?;
        writeln!(
            f,
            "energy drift {:e}, inside the box {:.6}",
            self.energy_drift, self.inside_fraction
        )?;
        writeln!(
            f,
            "mean speed {:.2} m/s (theory {:.2}); speed fit p-value {:.3}",
            self.mean_speed, self.mean_speed_theory, self.fit_p_value
        )?;
        write!(
            f,
            "pressure {:.4e} N/m vs ideal gas {:.4e} (kinetic T = {:.2} K): ratio {:.4} (nominal T: {:.4}), {} wall hits",
            self.pressure,
            self.pressure_ideal,
            self.kinetic_temperature,
            self.pressure_ratio,
            self.pressure_ratio_nominal,
            self.wall_hits
        )
    }
}
