//! One block of particles, sampled and moved: the unit of work a run maps over its backend.

use serde::{Deserialize, Serialize};

use super::{advance, GasParams, Particles, WallHits};

/// The most particles per task (and the block of `workloads::advance_on`).
pub const BLOCK: usize = 4096;

/// Particles per task for a gas of `particles`: about 64 tasks, between 16 and [`BLOCK`]
/// particles each, so that even the exercise's 100 particles keep every core busy. It depends on
/// N alone, never on the worker count, so every backend and worker count splits the gas the same
/// way and sums the same numbers in the same order.
///
/// # Examples
///
/// ```
/// use parlab::gas::{block_len, BLOCK};
///
/// assert_eq!(block_len(100), 16);
/// assert_eq!(block_len(10_000), 157);
/// assert_eq!(block_len(10_000_000), BLOCK);
/// ```
pub fn block_len(particles: usize) -> usize {
    particles.div_ceil(64).clamp(16, BLOCK)
}

/// The recorded path of one particle: positions at steps `0, every, 2 every, …`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    /// The particle's index.
    pub index: usize,
    /// x positions, metres.
    pub x: Vec<f64>,
    /// y positions, metres.
    pub y: Vec<f64>,
}

impl Trajectory {
    /// The path as `(x, y)` points.
    pub fn points(&self) -> Vec<(f64, f64)> {
        self.x.iter().copied().zip(self.y.iter().copied()).collect()
    }
}

/// One task: particles `start..start + len` of a run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GasBlock {
    /// The run's parameters.
    pub params: GasParams,
    /// First particle.
    pub start: usize,
    /// Number of particles.
    pub len: usize,
}

/// What one block reports back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockOutcome {
    /// Initial speeds, m/s.
    pub speeds: Vec<f64>,
    /// Kinetic energy at the start, J.
    pub energy_start: f64,
    /// Kinetic energy at the end, J.
    pub energy_end: f64,
    /// Wall hits.
    pub hits: f64,
    /// `Σ |v⊥|` over the wall hits, m/s.
    pub impulse: f64,
    /// Positions checked for being inside the box (recorded frames and final positions).
    pub checked: usize,
    /// How many of those were inside `[0, L]²`.
    pub inside: usize,
    /// Paths of the block's particles with index below `params.record`.
    pub paths: Vec<Trajectory>,
}

/// Samples and moves one block of particles; the kernel every backend maps.
///
/// # Examples
///
/// ```
/// use parlab::gas::{run_block, GasBlock, GasParams};
///
/// let params = GasParams { particles: 10, steps: 50, record: 3, ..GasParams::default() };
/// let out = run_block(&GasBlock { params, start: 0, len: 10 });
/// assert_eq!(out.paths.len(), 3);
/// assert_eq!(out.paths[0].x.len(), 51);
/// assert_eq!(out.energy_start, out.energy_end);
/// assert_eq!(out.inside, out.checked);
/// ```
pub fn run_block(block: &GasBlock) -> BlockOutcome {
    let params = &block.params;
    let (side, dt) = (params.box_side, params.time_step());
    let every = params.recording_interval();
    let mut start = BlockStart::sample(block);
    let record = start.record;
    let p = &mut start.particles;
    let mut paths: Vec<Trajectory> = (0..record)
        .map(|j| Trajectory {
            index: block.start + j,
            x: vec![p.x[j]],
            y: vec![p.y[j]],
        })
        .collect();
    let walls = advance(p, dt, side, params.steps, |step, chunk| {
        if step % every != 0 || chunk.first >= record {
            return;
        }
        let end = record.min(chunk.first + chunk.x.len());
        for (j, path) in paths.iter_mut().enumerate().take(end).skip(chunk.first) {
            path.x.push(chunk.x[j - chunk.first]);
            path.y.push(chunk.y[j - chunk.first]);
        }
    });
    start.finish(params, paths, walls)
}

/// A block's particles as sampled, with what its outcome keeps of the start: the part every way
/// of moving a block shares ([`run_block`], [`run_block_with`](super::run_block_with)).
pub(crate) struct BlockStart {
    /// The particles, moved in place by the caller.
    pub particles: Particles,
    /// Their initial speeds.
    speeds: Vec<f64>,
    /// Their initial kinetic energy, J.
    energy_start: f64,
    /// How many of them (the first ones) have their paths recorded.
    pub record: usize,
}

impl BlockStart {
    /// Samples `block`'s particles.
    pub(crate) fn sample(block: &GasBlock) -> Self {
        let params = &block.params;
        let particles = Particles::sample(params, block.start, block.len);
        BlockStart {
            speeds: particles.speeds(),
            energy_start: particles.kinetic_energy(params.mass()),
            record: params.record.saturating_sub(block.start).min(block.len),
            particles,
        }
    }

    /// The outcome once the particles have moved: every recorded and final position checked
    /// against the box.
    pub(crate) fn finish(
        self,
        params: &GasParams,
        paths: Vec<Trajectory>,
        walls: WallHits,
    ) -> BlockOutcome {
        let side = params.box_side;
        let inside_box = |x: f64, y: f64| (0.0..=side).contains(&x) && (0.0..=side).contains(&y);
        let p = &self.particles;
        let recorded = paths.iter().flat_map(|t| t.x.iter().zip(&t.y));
        let finals = p.x.iter().zip(&p.y);
        let (mut checked, mut inside) = (0, 0);
        for (x, y) in recorded.chain(finals) {
            checked += 1;
            inside += usize::from(inside_box(*x, *y));
        }
        BlockOutcome {
            energy_end: p.kinetic_energy(params.mass()),
            speeds: self.speeds,
            energy_start: self.energy_start,
            hits: walls.hits,
            impulse: walls.impulse,
            checked,
            inside,
            paths,
        }
    }
}
