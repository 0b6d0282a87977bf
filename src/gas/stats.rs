//! The physics checks: goodness of fit of the speeds, and the 2-D ideal-gas pressure.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::{speed_cdf, GasParams};

/// A chi-square goodness-of-fit test of speeds against the 2-D Maxwell–Boltzmann distribution.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FitTest {
    /// Number of bins, equally probable under `P(v)`.
    pub bins: usize,
    /// The statistic `Σ (observed - expected)² / expected`.
    pub statistic: f64,
    /// Probability of a statistic at least this large if the speeds follow `P(v)`: small values
    /// (say below 0.001) reject the distribution.
    pub p_value: f64,
}

/// Tests `speeds` against `P(v)` with chi-square over equally probable bins (bin `j` holds the
/// speeds whose CDF lies in `[j/k, (j+1)/k)`), `k = clamp(n/5, 2, 50)`, `k - 1` degrees of
/// freedom; the p-value comes from statrs' [`ChiSquared`].
///
/// # Examples
///
/// ```
/// use parlab::gas::{fit_test, speeds, GasParams};
///
/// let params = GasParams::default();
/// let good = fit_test(&params, &speeds(&params, 10_000));
/// assert_eq!(good.bins, 50);
/// assert!(good.p_value > 0.001);
/// // The same speeds are far too fast for a gas at 150 K.
/// let cold = GasParams { temperature: 150.0, ..params.clone() };
/// assert!(fit_test(&cold, &speeds(&params, 10_000)).p_value < 1e-6);
/// ```
pub fn fit_test(params: &GasParams, speeds: &[f64]) -> FitTest {
    let n = speeds.len();
    let bins = (n / 5).clamp(2, 50);
    let mut observed = vec![0usize; bins];
    for &v in speeds {
        let j = (speed_cdf(params, v) * bins as f64) as usize;
        observed[j.min(bins - 1)] += 1;
    }
    let expected = n as f64 / bins as f64;
    let statistic = if n == 0 {
        0.0
    } else {
        observed
            .iter()
            .map(|&o| (o as f64 - expected).powi(2) / expected)
            .sum()
    };
    let p_value = ChiSquared::new((bins - 1) as f64)
        .map(|d| d.sf(statistic))
        .unwrap_or(f64::NAN);
    FitTest {
        bins,
        statistic,
        p_value,
    }
}

/// The time-averaged pressure on the walls of a square box, N/m (2-D pressure is force per
/// length): the momentum transferred, `2m Σ|v⊥|` over all wall hits, divided by the perimeter
/// `4L` and the duration.
///
/// # Examples
///
/// ```
/// // One particle of 1 kg at 1 m/s bouncing across a 1 m box: one hit per second, 2 kg m/s
/// // each, spread over a 4 m perimeter.
/// assert_eq!(parlab::gas::wall_pressure(1.0, 10.0, 1.0, 10.0), 0.5);
/// ```
pub fn wall_pressure(mass: f64, impulse: f64, side: f64, seconds: f64) -> f64 {
    2.0 * mass * impulse / (4.0 * side * seconds)
}

/// The kinetic temperature of particles with total kinetic energy `energy` (J): in 2-D each
/// particle has two degrees of freedom, `kT = <m v²>/2 = energy / N`.
///
/// # Examples
///
/// ```
/// use parlab::gas::{kinetic_temperature, BOLTZMANN};
///
/// assert!((kinetic_temperature(10.0 * BOLTZMANN * 300.0, 10) - 300.0).abs() < 1e-9);
/// ```
pub fn kinetic_temperature(energy: f64, particles: usize) -> f64 {
    energy / (particles as f64 * super::BOLTZMANN)
}
