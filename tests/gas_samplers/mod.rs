//! Speed samplers and step functions for the graders' tests, right and wrong, written as a
//! student would.
#![allow(dead_code)]

use parlab::gas::exercise::*;
use parlab::gas::Report;

pub fn scaled_chi(k: u64, scale: f64, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let chi = Chi::new(k).unwrap();
    (0..n).map(|_| scale * rng.sample(chi)).collect()
}

pub fn kt_over_m(mass: f64, temperature: f64) -> f64 {
    BOLTZMANN * temperature / mass
}

/// The right answer, written as a student would with statrs' Chi::new(2).
pub fn right_speeds(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(2, kt_over_m(mass, temperature).sqrt(), n, seed)
}

/// The module's own density, x² exp(-x²/2): chi(3), the 3-D distribution.
pub fn chi3(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(3, kt_over_m(mass, temperature).sqrt(), n, seed)
}

/// chi(3) rescaled so that its mean is the 2-D one: only the shape is wrong.
pub fn chi3_right_mean(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    let pi = std::f64::consts::PI;
    scaled_chi(3, kt_over_m(mass, temperature).sqrt() * pi / 4.0, n, seed)
}

pub fn unscaled(n: usize, _mass: f64, _temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(2, 1.0, n, seed)
}

pub fn sqrt_2kt(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(2, (2.0 * kt_over_m(mass, temperature)).sqrt(), n, seed)
}

pub fn kt_not_sqrt(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(2, kt_over_m(mass, temperature), n, seed)
}

/// Treats the mass argument (kg) as atomic mass units.
pub fn mass_in_u(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(
        2,
        kt_over_m(mass * ATOMIC_MASS_UNIT, temperature).sqrt(),
        n,
        seed,
    )
}

pub fn unseeded(n: usize, mass: f64, temperature: f64, _seed: u64) -> Vec<f64> {
    let chi = Chi::new(2).unwrap();
    let scale = kt_over_m(mass, temperature).sqrt();
    let mut rng = rand::rng();
    (0..n).map(|_| scale * rng.sample(chi)).collect()
}

pub fn one_short(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    right_speeds(n.saturating_sub(1), mass, temperature, seed)
}

pub fn failure<'a>(report: &'a Report, name: &str) -> &'a str {
    report
        .check(name)
        .and_then(|c| c.failure.as_deref())
        .unwrap_or_else(|| panic!("{name} passed:\n{report}"))
}

/// A step that forgot the walls.
pub fn no_walls(p: &mut Particle, dt: f64, _side: f64) {
    p.x += p.vx * dt;
    p.y += p.vy * dt;
}

/// A step that reflects right but loses 10 % of the speed at every bounce.
pub fn loses_energy_at_walls(p: &mut Particle, dt: f64, side: f64) {
    let (vx, vy) = (p.vx, p.vy);
    step_particle(p, dt, side);
    if p.vx != vx {
        p.vx *= 0.9;
    }
    if p.vy != vy {
        p.vy *= 0.9;
    }
}
