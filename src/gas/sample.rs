//! Initial states: uniform positions, uniform directions, 2-D Maxwell–Boltzmann speeds.
//!
//! # The speed distribution as a scaled chi(2)
//!
//! The chi distribution with 2 degrees of freedom has density `f(x) = x exp(-x²/2)` (the
//! length of a vector of two standard normals). Put `v = s x` with `s = sqrt(kT/m)`. Densities
//! transform as `P(v) = f(v/s) / s`, so
//!
//! ```text
//! P(v) = (v / s²) exp(-v² / 2s²) = (m/kT) v exp(-m v² / 2kT),
//! ```
//!
//! exactly the 2-D Maxwell–Boltzmann distribution. A speed is therefore one chi(2) draw times
//! [`GasParams::speed_scale`]; its CDF is `1 - exp(-m v² / 2kT)` ([`speed_cdf`]).
//!
//! # Reproducible, whatever the number of workers
//!
//! Particle `i` draws from its own [`StdRng`] keyed by `(seed, i)` ([`particle_rng`]), so its
//! initial state does not depend on which worker samples it, on the block it belongs to, or on
//! how many particles there are.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use statrs::distribution::Chi;

use super::GasParams;

/// The random generator of particle `index` in a run with seed `seed`: a ChaCha12 [`StdRng`]
/// whose 256-bit key holds the seed and the index.
///
/// # Examples
///
/// ```
/// use rand::RngExt;
///
/// let a: f64 = parlab::gas::particle_rng(7, 3).random();
/// let b: f64 = parlab::gas::particle_rng(7, 3).random();
/// let c: f64 = parlab::gas::particle_rng(7, 4).random();
/// assert_eq!(a, b);
/// assert_ne!(a, c);
/// ```
pub fn particle_rng(seed: u64, index: u64) -> StdRng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&index.to_le_bytes());
    key[16..24].copy_from_slice(b"parlab-g");
    StdRng::from_seed(key)
}

/// Particles in structure-of-arrays layout: `x[i], y[i]` (m) and `vx[i], vy[i]` (m/s).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Particles {
    /// x positions, metres.
    pub x: Vec<f64>,
    /// y positions, metres.
    pub y: Vec<f64>,
    /// x velocities, m/s.
    pub vx: Vec<f64>,
    /// y velocities, m/s.
    pub vy: Vec<f64>,
}

impl Particles {
    /// Samples the initial state of particles `start..start + len` of a run with `params`:
    /// position uniform in the box, direction uniform in `[0, 2π)`, speed from chi(2) scaled
    /// by `sqrt(kT/m)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::gas::{GasParams, Particles};
    ///
    /// let params = GasParams::default();
    /// let all = Particles::sample(&params, 0, 10);
    /// let tail = Particles::sample(&params, 5, 5);
    /// assert_eq!(all.x[5..], tail.x[..]);
    /// assert!(all.x.iter().chain(&all.y).all(|&p| (0.0..1.0).contains(&p)));
    /// ```
    pub fn sample(params: &GasParams, start: usize, len: usize) -> Particles {
        let chi = Chi::new(2).expect("chi with 2 degrees of freedom is valid");
        let (side, scale) = (params.box_side, params.speed_scale());
        let mut p = Particles {
            x: Vec::with_capacity(len),
            y: Vec::with_capacity(len),
            vx: Vec::with_capacity(len),
            vy: Vec::with_capacity(len),
        };
        for i in start..start + len {
            let mut rng = particle_rng(params.seed, i as u64);
            p.x.push(side * rng.random::<f64>());
            p.y.push(side * rng.random::<f64>());
            let speed = scale * rng.sample(chi);
            let angle = std::f64::consts::TAU * rng.random::<f64>();
            let (sin, cos) = angle.sin_cos();
            p.vx.push(speed * cos);
            p.vy.push(speed * sin);
        }
        p
    }

    /// Number of particles.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Whether there are no particles.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// The speeds `sqrt(vx² + vy²)`, m/s.
    pub fn speeds(&self) -> Vec<f64> {
        self.vx
            .iter()
            .zip(&self.vy)
            .map(|(vx, vy)| vx.hypot(*vy))
            .collect()
    }

    /// Total kinetic energy `Σ m (vx² + vy²) / 2`, joules, for particles of mass `mass` kg.
    pub fn kinetic_energy(&self, mass: f64) -> f64 {
        let sum: f64 = self
            .vx
            .iter()
            .zip(&self.vy)
            .map(|(vx, vy)| vx * vx + vy * vy)
            .sum();
        0.5 * mass * sum
    }
}

/// The speeds of particles `0..n` of a run with `params` — the same speeds the run's particles
/// get, so a histogram of this sample describes the run.
///
/// # Examples
///
/// ```
/// use parlab::gas::{speeds, GasParams};
///
/// let params = GasParams::default();
/// let v = speeds(&params, 20_000);
/// let mean = v.iter().sum::<f64>() / v.len() as f64;
/// assert!((mean / params.mean_speed_theory() - 1.0).abs() < 0.02);
/// ```
pub fn speeds(params: &GasParams, n: usize) -> Vec<f64> {
    Particles::sample(params, 0, n).speeds()
}

/// The 2-D Maxwell–Boltzmann density `P(v) = (m/kT) v exp(-m v²/2kT)`, per m/s.
///
/// # Examples
///
/// ```
/// use parlab::gas::{speed_pdf, GasParams};
///
/// let params = GasParams::default();
/// // The mode is at sqrt(kT/m), where P = exp(-1/2) / sqrt(kT/m).
/// let s = params.speed_scale();
/// assert!((speed_pdf(&params, s) * s - (-0.5f64).exp()).abs() < 1e-12);
/// assert_eq!(speed_pdf(&params, -1.0), 0.0);
/// ```
pub fn speed_pdf(params: &GasParams, v: f64) -> f64 {
    if v < 0.0 {
        return 0.0;
    }
    let a = params.mass() / params.kt();
    a * v * (-0.5 * a * v * v).exp()
}

/// The cumulative distribution `1 - exp(-m v²/2kT)` of [`speed_pdf`].
///
/// # Examples
///
/// ```
/// use parlab::gas::{speed_cdf, GasParams};
///
/// let params = GasParams::default();
/// assert_eq!(speed_cdf(&params, 0.0), 0.0);
/// assert!(speed_cdf(&params, 5000.0) > 0.999_999);
/// ```
pub fn speed_cdf(params: &GasParams, v: f64) -> f64 {
    if v <= 0.0 {
        return 0.0;
    }
    -(-0.5 * params.mass() / params.kt() * v * v).exp_m1()
}

/// The speed below which a fraction `q` of the particles lie: the inverse of [`speed_cdf`],
/// `sqrt(-2 kT/m ln(1 - q))` (infinite for `q >= 1`).
///
/// # Examples
///
/// ```
/// use parlab::gas::{speed_cdf, speed_quantile, GasParams};
///
/// let params = GasParams::default();
/// let median = speed_quantile(&params, 0.5);
/// assert!((speed_cdf(&params, median) - 0.5).abs() < 1e-12);
/// ```
pub fn speed_quantile(params: &GasParams, q: f64) -> f64 {
    params.speed_scale() * (-2.0 * (-q).ln_1p()).sqrt()
}

/// The 3-D Maxwell–Boltzmann density `4π v² (m/2πkT)^{3/2} exp(-mv²/2kT)`, per m/s: the curve
/// Wikipedia plots (chi with 3 degrees of freedom scaled by `sqrt(kT/m)`), which is *not* the
/// 2-D gas's [`speed_pdf`]. Drawn beside it in the warm-up figure.
///
/// # Examples
///
/// ```
/// use parlab::gas::{speed_pdf_3d, GasParams};
///
/// let params = GasParams::default();
/// // The 3-D mode is at sqrt(2kT/m), about 422 m/s for N2 at 300 K.
/// let mode = (2.0f64).sqrt() * params.speed_scale();
/// assert!(speed_pdf_3d(&params, mode) > speed_pdf_3d(&params, 0.98 * mode));
/// assert!(speed_pdf_3d(&params, mode) > speed_pdf_3d(&params, 1.02 * mode));
/// ```
pub fn speed_pdf_3d(params: &GasParams, v: f64) -> f64 {
    if v < 0.0 {
        return 0.0;
    }
    let a = params.mass() / params.kt();
    (2.0 / std::f64::consts::PI).sqrt() * a.powf(1.5) * v * v * (-0.5 * a * v * v).exp()
}
