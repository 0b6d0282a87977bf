//! Exercise 1 on a backend: the gas split into blocks of particles, one kernel call per block,
//! the outcomes combined in block order and checked against the physics.

use rayon::prelude::*;
use serde::Serialize;

use super::kernels::GasBlocks;
use super::Target;

use crate::backends::{Backend, Mapped, RayonPool, TaskStream};
use crate::gas::motion::advance_slices;
use crate::gas::{
    block_len, fit_test, kinetic_temperature, wall_pressure, BlockOutcome, GasBlock, GasParams,
    Particles, Trajectory, WallHits, BLOCK,
};
use crate::Result;

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
    /// Which worker ran each block when, if the run was traced
    /// ([`simulate_with_step_options`](super::simulate_with_step_options) with
    /// [`MapOptions::traced`](crate::backends::MapOptions::traced)).
    #[serde(skip)]
    pub trace: Option<TaskStream>,
}

/// Runs the gas on `target`: particles in blocks of [`block_len`], one task per block. The result
/// is bit-identical for every backend and worker count. On the GPU (cargo feature `gpu`) the
/// particles are sampled on the CPU as for every backend and moved in f32: the same checks,
/// paths within about 1e-6 of the box side (what f32 costs is told at [`Target`]'s
/// implementation for `Gpu`).
///
/// # Errors
///
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for bad parameters (see
/// [`GasParams::check`]); a backend (or GPU) failure.
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
pub fn simulate<T: Target + ?Sized>(target: &T, params: &GasParams) -> Result<GasRun> {
    params.check()?;
    target.simulate_on(params)
}

/// [`simulate`] on a backend: the blocks mapped with [`GasBlocks`].
pub(super) fn on_backend<B: Backend + ?Sized>(backend: &B, params: &GasParams) -> Result<GasRun> {
    let mapped = backend.run(&GasBlocks, &blocks(params))?;
    Ok(mapped_run(backend, params, mapped))
}

/// The gas cut into blocks of [`block_len`] particles, one task each.
pub(super) fn blocks(params: &GasParams) -> Vec<GasBlock> {
    let len = block_len(params.particles);
    (0..params.particles)
        .step_by(len)
        .map(|start| GasBlock {
            params: params.clone(),
            start,
            len: len.min(params.particles - start),
        })
        .collect()
}

/// The blocks' outcomes of a map on `backend`, combined with the physics checks.
pub(super) fn mapped_run<B: Backend + ?Sized>(
    backend: &B,
    params: &GasParams,
    mapped: Mapped<BlockOutcome>,
) -> GasRun {
    let mut run = gas_run(
        backend.name(),
        backend.workers(),
        params,
        mapped.results,
        mapped.seconds,
    );
    run.trace = mapped.trace;
    run
}

/// Blocks' outcomes combined in block order, with the physics checks: every way of running the
/// gas (a backend's map, the GPU) ends here.
pub(super) fn gas_run(
    backend: &'static str,
    workers: usize,
    params: &GasParams,
    outcomes: Vec<BlockOutcome>,
    seconds: f64,
) -> GasRun {
    let mut total = BlockOutcome::default();
    for out in outcomes {
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
    GasRun {
        particles: n,
        steps: params.steps,
        dt,
        box_side: side,
        temperature: params.temperature,
        mass_amu: params.mass_amu,
        seed: params.seed,
        backend,
        workers,
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
        trace: None,
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

/// [`advance`](crate::gas::advance) on `pool`: the particles are cut into fixed blocks of [`BLOCK`], the blocks are
/// moved in parallel, and the wall hits are summed in block order. Positions, velocities and
/// the returned [`WallHits`] are bit-identical to `advance` block by block, whatever the number
/// of workers. No recording: this is the loop the benchmark times.
///
/// # Examples
///
/// ```
/// use parlab::gas::{advance, GasParams, Particles, BLOCK};
/// use parlab::prelude::*;
/// use parlab::workloads::advance_on;
///
/// let params = GasParams::default();
/// let start = Particles::sample(&params, 0, BLOCK + 100);
/// let dt = params.time_step();
/// let (mut a, mut b) = (start.clone(), start);
/// let walls = advance_on(&RayonPool::new(2)?, &mut a, dt, 1.0, 300)?;
/// let mut first = Particles {
///     x: b.x[..BLOCK].to_vec(), y: b.y[..BLOCK].to_vec(),
///     vx: b.vx[..BLOCK].to_vec(), vy: b.vy[..BLOCK].to_vec(),
/// };
/// advance(&mut first, dt, 1.0, 300, |_, _| {});
/// assert_eq!(a.x[..BLOCK], first.x[..]);
/// assert!(walls.hits > 0.0);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn advance_on(
    pool: &RayonPool,
    particles: &mut Particles,
    dt: f64,
    side: f64,
    steps: usize,
) -> Result<WallHits> {
    let Particles { x, y, vx, vy } = particles;
    let parts: Vec<WallHits> = pool.install(|| {
        x.par_chunks_mut(BLOCK)
            .zip(y.par_chunks_mut(BLOCK))
            .zip(vx.par_chunks_mut(BLOCK))
            .zip(vy.par_chunks_mut(BLOCK))
            .map(|(((x, y), vx), vy)| advance_slices([x, y, vx, vy], dt, side, steps, |_, _| {}))
            .collect()
    })?;
    let mut total = WallHits::default();
    for part in parts {
        total += part;
    }
    Ok(total)
}
