//! A whole run: particles split into fixed blocks, each block sampled and moved by one kernel
//! call on any backend, the outcomes combined in block order.

use serde::{Deserialize, Serialize};

use super::{advance, fit_test, kinetic_temperature, wall_pressure, GasParams, Particles};
use crate::backends::{kernel, Backend};
use crate::Result;

/// The most particles per task (and the block of [`advance_on`](super::advance_on)).
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
    let (side, dt, mass) = (params.box_side, params.time_step(), params.mass());
    let every = params.recording_interval();
    let mut p = Particles::sample(params, block.start, block.len);
    let speeds = p.speeds();
    let energy_start = p.kinetic_energy(mass);
    let record = params.record.saturating_sub(block.start).min(block.len);
    let mut paths: Vec<Trajectory> = (0..record)
        .map(|j| Trajectory {
            index: block.start + j,
            x: vec![p.x[j]],
            y: vec![p.y[j]],
        })
        .collect();
    let walls = advance(&mut p, dt, side, params.steps, |step, chunk| {
        if step % every != 0 || chunk.first >= record {
            return;
        }
        let end = record.min(chunk.first + chunk.x.len());
        for (j, path) in paths.iter_mut().enumerate().take(end).skip(chunk.first) {
            path.x.push(chunk.x[j - chunk.first]);
            path.y.push(chunk.y[j - chunk.first]);
        }
    });
    let inside_box = |x: f64, y: f64| (0.0..=side).contains(&x) && (0.0..=side).contains(&y);
    let recorded = paths.iter().flat_map(|t| t.x.iter().zip(&t.y));
    let finals = p.x.iter().zip(&p.y);
    let (mut checked, mut inside) = (0, 0);
    for (x, y) in recorded.chain(finals) {
        checked += 1;
        inside += usize::from(inside_box(*x, *y));
    }
    BlockOutcome {
        speeds,
        energy_start,
        energy_end: p.kinetic_energy(mass),
        hits: walls.hits,
        impulse: walls.impulse,
        checked,
        inside,
        paths,
    }
}

/// The outcome of a run, with its physics checks: a value that prints itself (`Display`),
/// serializes to the CLI's JSON (`Serialize`; paths and speeds are left out) and makes charts
/// ([`GasRun::trajectory_chart`], [`GasRun::speed_histogram`]).
#[derive(Clone, Debug, Serialize)]
pub struct GasRun {
    /// Number of particles N.
    pub particles: usize,
    /// Number of steps.
    pub steps: usize,
    /// Time step, s.
    pub dt: f64,
    /// Box side L, m.
    #[serde(rename = "box")]
    pub box_side: f64,
    /// Nominal temperature T, K.
    pub temperature: f64,
    /// Particle mass, u.
    pub mass_amu: f64,
    /// Seed.
    pub seed: u64,
    /// Backend name.
    pub backend: &'static str,
    /// Workers of the backend.
    pub workers: usize,
    /// Wall time of sampling and moving all particles, s.
    pub seconds: f64,
    /// `N × steps / seconds`.
    pub particle_steps_per_second: f64,
    /// Relative change of the total kinetic energy, `(E_end - E_start) / E_start`.
    pub energy_drift: f64,
    /// Fraction of checked positions (recorded frames and final positions) inside the box.
    pub inside_fraction: f64,
    /// Mean initial speed, m/s.
    pub mean_speed: f64,
    /// `sqrt(pi kT / 2m)`, m/s.
    pub mean_speed_theory: f64,
    /// Chi-square goodness-of-fit p-value of the speeds against `P(v)`.
    pub fit_p_value: f64,
    /// Kinetic temperature of the sampled particles, `E / (N k)`, K.
    pub kinetic_temperature: f64,
    /// Number of wall hits.
    pub wall_hits: f64,
    /// Time-averaged wall pressure from momentum transfer, N/m.
    pub pressure: f64,
    /// Ideal-gas pressure `N k T_kinetic / L²`, N/m.
    pub pressure_ideal: f64,
    /// `pressure / pressure_ideal`.
    pub pressure_ratio: f64,
    /// `pressure / (N k T / L²)` with the nominal temperature.
    pub pressure_ratio_nominal: f64,
    /// Steps between recorded frames.
    pub record_every: usize,
    /// Paths of the first `params.record` particles.
    #[serde(skip)]
    pub paths: Vec<Trajectory>,
    /// Initial speeds of all particles, m/s.
    #[serde(skip)]
    pub speeds: Vec<f64>,
    /// The parameters of the run.
    #[serde(skip)]
    pub params: GasParams,
}

/// Runs the gas on `backend`: particles in blocks of [`block_len`], one task per block. The result
/// is bit-identical for every backend and worker count.
///
/// # Errors
///
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for bad parameters (see
/// [`GasParams::check`]); a backend failure.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let params = GasParams { particles: 500, steps: 200, ..GasParams::default() };
/// let seq = simulate(&Sequential, &params)?;
/// let par = simulate(&RayonPool::new(2)?, &params)?;
/// assert_eq!(seq.paths, par.paths);
/// assert_eq!(seq.energy_drift, 0.0);
/// assert_eq!(seq.inside_fraction, 1.0);
/// assert!(simulate(&Sequential, &GasParams { particles: 0, ..params }).is_err());
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn simulate<B: Backend + ?Sized>(backend: &B, params: &GasParams) -> Result<GasRun> {
    params.check()?;
    let len = block_len(params.particles);
    let blocks: Vec<GasBlock> = (0..params.particles)
        .step_by(len)
        .map(|start| GasBlock {
            params: params.clone(),
            start,
            len: len.min(params.particles - start),
        })
        .collect();
    let mapped = backend.map(&kernel("gas", run_block), &blocks)?;
    let mut total = BlockOutcome::default();
    for out in mapped.results {
        total.speeds.extend(out.speeds);
        total.energy_start += out.energy_start;
        total.energy_end += out.energy_end;
        total.hits += out.hits;
        total.impulse += out.impulse;
        total.checked += out.checked;
        total.inside += out.inside;
        total.paths.extend(out.paths);
    }
    let n = params.particles;
    let (dt, side) = (params.time_step(), params.box_side);
    let duration = dt * params.steps as f64;
    let pressure = wall_pressure(params.mass(), total.impulse, side, duration);
    let kinetic_t = kinetic_temperature(total.energy_start, n);
    let pressure_ideal = total.energy_start / (side * side);
    let seconds = mapped.seconds;
    Ok(GasRun {
        particles: n,
        steps: params.steps,
        dt,
        box_side: side,
        temperature: params.temperature,
        mass_amu: params.mass_amu,
        seed: params.seed,
        backend: backend.kind().name(),
        workers: backend.workers(),
        seconds,
        particle_steps_per_second: n as f64 * params.steps as f64 / seconds,
        energy_drift: (total.energy_end - total.energy_start) / total.energy_start,
        inside_fraction: total.inside as f64 / total.checked as f64,
        mean_speed: total.speeds.iter().sum::<f64>() / n as f64,
        mean_speed_theory: params.mean_speed_theory(),
        fit_p_value: fit_test(params, &total.speeds).p_value,
        kinetic_temperature: kinetic_t,
        wall_hits: total.hits,
        pressure,
        pressure_ideal,
        pressure_ratio: pressure / pressure_ideal,
        pressure_ratio_nominal: pressure / params.pressure_ideal_nominal(),
        record_every: params.recording_interval(),
        paths: total.paths,
        speeds: total.speeds,
        params: params.clone(),
    })
}
