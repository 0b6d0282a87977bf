//! The library's answers to each part of Exercise 1, with the signatures the student's
//! functions have: what a notebook cell uses in place of a part that does not pass its grader
//! yet, and what the instructor's edition writes out.
//!
//! | part | the student writes | grader | here |
//! |:--|:--|:--|:--|
//! | speeds | `my_speeds(n, mass, temperature, seed)` | [`check_speeds`](super::check_speeds) | [`speeds`] |
//! | start | `my_start(speeds, side, seed)` | [`check_start`](super::check_start) | [`start`] |
//! | one step | `my_step(&mut p, dt, side)` | [`check_step`](super::check_step) | [`step_particle`] |
//! | one path | `my_path(p, dt, side, steps, every)` | (through the model's) | [`path`] |
//! | the model | `my_gas(&params)` | [`check_gas`](super::check_gas) | [`gas`] |

use std::f64::consts::TAU;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use statrs::distribution::Chi;

use super::{step_particle, GasParams, Particle, BOLTZMANN};

/// `n` speeds (m/s) from the 2-D Maxwell–Boltzmann distribution of particles of mass `mass`
/// (kg) at `temperature` (K): chi(2) samples (statrs' [`Chi`], the module's
/// `scipy.stats.chi.rvs(2)`) times `sqrt(kT/m)`, from a generator seeded with `seed`.
///
/// # Examples
///
/// ```
/// use parlab::gas::{reference, GasParams};
///
/// let params = GasParams::default(); // N2 at 300 K
/// let v = reference::speeds(100_000, params.mass(), params.temperature, 1);
/// let mean = v.iter().sum::<f64>() / v.len() as f64;
/// assert!((mean / params.mean_speed_theory() - 1.0).abs() < 0.01); // about 374 m/s
/// ```
pub fn speeds(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let chi = Chi::new(2).expect("chi with 2 degrees of freedom is valid");
    let scale = (BOLTZMANN * temperature / mass).sqrt();
    (0..n).map(|_| scale * rng.sample(chi)).collect()
}

/// One particle per speed (m/s): at a uniformly random position in the box `[0, side]²` (m),
/// moving in a uniformly random direction at that speed, from a generator seeded with `seed`.
///
/// # Examples
///
/// ```
/// use parlab::gas::reference;
///
/// let start = reference::start(&[300.0, 500.0], 1.0, 7);
/// assert_eq!(start.len(), 2);
/// assert!((start[1].speed() - 500.0).abs() < 1e-9);
/// assert!((0.0..=1.0).contains(&start[0].x));
/// ```
pub fn start(speeds: &[f64], side: f64, seed: u64) -> Vec<Particle> {
    let mut rng = StdRng::seed_from_u64(seed);
    speeds
        .iter()
        .map(|&v| {
            let (x, y) = (side * rng.random::<f64>(), side * rng.random::<f64>());
            let (sin, cos) = (TAU * rng.random::<f64>()).sin_cos();
            Particle {
                x,
                y,
                vx: v * cos,
                vy: v * sin,
            }
        })
        .collect()
}

/// The path of particle `p` over `steps` steps of `dt` (s) in the box `[0, side]²`, moved by
/// [`step_particle`]: its position at the start and after every `every` steps (1: every step),
/// `steps / every + 1` points.
///
/// # Examples
///
/// ```
/// use parlab::gas::{reference, Particle};
///
/// let p = Particle { x: 0.9, y: 0.5, vx: 100.0, vy: 0.0 };
/// let path = reference::path(p, 1e-3, 1.0, 2, 1);
/// assert_eq!(path.len(), 3);
/// assert!((path[2].0 - 0.9).abs() < 1e-12); // 0.1 m to the wall and back
/// let fine = reference::path(p, 1e-4, 1.0, 20, 1); // every step
/// assert_eq!(reference::path(p, 1e-4, 1.0, 20, 10), [fine[0], fine[10], fine[20]]);
/// ```
pub fn path(p: Particle, dt: f64, side: f64, steps: usize, every: usize) -> Vec<(f64, f64)> {
    let every = every.max(1);
    let mut p = p;
    let mut points = Vec::with_capacity(steps / every + 1);
    points.push((p.x, p.y));
    for k in 1..=steps {
        step_particle(&mut p, dt, side);
        if k % every == 0 {
            points.push((p.x, p.y));
        }
    }
    points
}

/// Particle `p` after `steps` steps of `dt` in the box `[0, side]²`, with nothing recorded:
/// the work of a long run whose paths would not fit in memory.
///
/// # Examples
///
/// ```
/// use parlab::gas::{reference, Particle};
///
/// let p = Particle { x: 0.5, y: 0.5, vx: 300.0, vy: -400.0 };
/// let end = reference::fly(p, 1e-4, 1.0, 1000);
/// assert_eq!((end.x, end.y), *reference::path(p, 1e-4, 1.0, 1000, 1).last().unwrap());
/// ```
pub fn fly(p: Particle, dt: f64, side: f64, steps: usize) -> Particle {
    let mut p = p;
    for _ in 0..steps {
        step_particle(&mut p, dt, side);
    }
    p
}

/// The seed of the start, `seed + 1` (wrapping): another stream than the speeds' (the same seed
/// for both would draw each particle's position from the same random numbers as its speed).
///
/// # Examples
///
/// ```
/// assert_eq!(parlab::gas::reference::start_seed(0), 1);
/// assert_eq!(parlab::gas::reference::start_seed(u64::MAX), 0);
/// ```
pub fn start_seed(seed: u64) -> u64 {
    seed.wrapping_add(1)
}

/// The model of the gas: `params.particles` particles with [`speeds`] (seed `params.seed`) and
/// a [`start`] (seed [`start_seed`]), each followed for `params.steps` steps of
/// `params.time_step()` by [`path`], recorded every `params.recording_interval()` steps (every
/// step up to 1000 steps). `paths[i][k]` is particle `i`'s position after `k` recording
/// intervals.
///
/// # Examples
///
/// ```
/// use parlab::gas::{reference, GasParams};
///
/// let params = GasParams { particles: 5, steps: 200, ..GasParams::default() };
/// let paths = reference::gas(&params);
/// assert_eq!(paths.len(), 5);
/// assert!(paths.iter().all(|p| p.len() == 201));
/// ```
pub fn gas(params: &GasParams) -> Vec<Vec<(f64, f64)>> {
    let v = speeds(
        params.particles,
        params.mass(),
        params.temperature,
        params.seed,
    );
    let (dt, side, steps) = (params.time_step(), params.box_side, params.steps);
    let every = params.recording_interval();
    start(&v, side, start_seed(params.seed))
        .into_iter()
        .map(|p| path(p, dt, side, steps, every))
        .collect()
}
