//! Exercise 1 as the student writes it: one [`Particle`], a step function for it, and the gas
//! run with that step function ([`run_block_with`]).
//!
//! A step function has the shape `fn(&mut Particle, dt, side)`: it moves the particle by one
//! time step `dt` (seconds) in the box `[0, side]²` (metres), bouncing elastically off the walls.
//! [`check_step`](super::check_step) says whether one is right; [`step_particle`] is the
//! library's own, for a student who is stuck.

use serde::{Deserialize, Serialize};

use super::block::BlockStart;
use super::{free_flight, BlockOutcome, GasBlock, Particles, Trajectory, WallHits};

/// One particle of the 2-D gas: position `(x, y)` in metres, velocity `(vx, vy)` in m/s.
///
/// # Examples
///
/// ```
/// use parlab::gas::Particle;
///
/// let p = Particle { x: 0.5, y: 0.25, vx: 300.0, vy: -400.0 };
/// assert_eq!(p.speed(), 500.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Particle {
    /// x position, metres.
    pub x: f64,
    /// y position, metres.
    pub y: f64,
    /// x velocity, m/s.
    pub vx: f64,
    /// y velocity, m/s.
    pub vy: f64,
}

impl Particle {
    /// The speed `sqrt(vx² + vy²)`, m/s.
    pub fn speed(&self) -> f64 {
        self.vx.hypot(self.vy)
    }

    /// Particle `i` of `particles`.
    ///
    /// # Panics
    ///
    /// When `i` is out of range.
    pub fn of(particles: &Particles, i: usize) -> Particle {
        Particle {
            x: particles.x[i],
            y: particles.y[i],
            vx: particles.vx[i],
            vy: particles.vy[i],
        }
    }
}

/// The library's step function (the exercise's solution): free flight for `dt`, folded into the
/// box by [`free_flight`] axis by axis, so any number of bounces in one step is exact and the
/// speed never changes. The same bits as the run's own loop ([`advance`](super::advance)).
///
/// # Examples
///
/// ```
/// use parlab::gas::{step_particle, Particle};
///
/// // 0.3 m from the right wall at 400 m/s for 1 ms: 0.4 m of flight, 0.1 m back after the bounce.
/// let mut p = Particle { x: 0.7, y: 0.5, vx: 400.0, vy: 0.0 };
/// step_particle(&mut p, 1e-3, 1.0);
/// assert!((p.x - 0.9).abs() < 1e-12);
/// assert_eq!(p.vx, -400.0);
/// ```
pub fn step_particle(p: &mut Particle, dt: f64, side: f64) {
    let (x, vx) = free_flight(p.x, p.vx, dt, side);
    let (y, vy) = free_flight(p.y, p.vy, dt, side);
    *p = Particle { x, y, vx, vy };
}

/// [`run_block`](super::run_block) with `step` moving each particle: the same sampled
/// particles, recorded paths and checks, so the result can be compared with the library's run
/// and plotted. Wall hits are counted as sign changes of a velocity component (exact while no
/// particle crosses the box in one step), with the mean of the speeds before and after as the
/// component's impulse.
///
/// # Examples
///
/// ```
/// use parlab::gas::{run_block, run_block_with, step_particle, GasBlock, GasParams};
///
/// let params = GasParams { particles: 20, steps: 300, record: 5, ..GasParams::default() };
/// let block = GasBlock { params, start: 0, len: 20 };
/// let mine = run_block_with(&block, &step_particle);
/// let library = run_block(&block);
/// assert_eq!(mine.paths, library.paths);
/// assert_eq!(mine.energy_end, library.energy_end);
/// assert_eq!(mine.hits, library.hits);
/// ```
pub fn run_block_with<S>(block: &GasBlock, step: &S) -> BlockOutcome
where
    S: Fn(&mut Particle, f64, f64) + ?Sized,
{
    let params = &block.params;
    let (side, dt) = (params.box_side, params.time_step());
    let every = params.recording_interval();
    let mut start = BlockStart::sample(block);
    let record = start.record;
    let p = &mut start.particles;
    let mut walls = WallHits::default();
    let mut paths = Vec::with_capacity(record);
    for i in 0..block.len {
        let mut q = Particle::of(p, i);
        let mut path = (i < record).then(|| Trajectory {
            index: block.start + i,
            x: vec![q.x],
            y: vec![q.y],
        });
        for s in 1..=params.steps {
            let (vx, vy) = (q.vx, q.vy);
            step(&mut q, dt, side);
            for (before, after) in [(vx, q.vx), (vy, q.vy)] {
                if before * after < 0.0 {
                    walls.hits += 1.0;
                    walls.impulse += 0.5 * (before.abs() + after.abs());
                }
            }
            if let Some(path) = path.as_mut().filter(|_| s % every == 0) {
                path.x.push(q.x);
                path.y.push(q.y);
            }
        }
        paths.extend(path);
        (p.x[i], p.y[i], p.vx[i], p.vy[i]) = (q.x, q.y, q.vx, q.vy);
    }
    start.finish(params, paths, walls)
}
