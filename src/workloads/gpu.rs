//! The tasks and the gas on the GPU (cargo feature `gpu`): [`Gpu`] as a [`Target`] of the
//! workloads, with the same runs, results and physics checks as on a CPU backend, from its
//! shaders.
//!
//! The GPU has no workers to map closures over, so it is no [`Backend`](crate::backends::Backend);
//! its results carry backend `"gpu"` and 1 worker.

use std::time::Instant;

use rayon::prelude::*;

use super::gas::gas_run;
use super::primes::PrimeAnswer;
use super::{GasRun, Method, SquaresRun, Target};
use crate::backends::{cpu_count, MapOptions, RayonPool};
use crate::gas::{block_len, BlockOutcome, GasParams, Particles, Trajectory};
use crate::gpu::{FlightPlan, Gpu};
use crate::tasks::subinterval_limits;
use crate::{Error, Result};

/// The backend name GPU results carry.
pub(super) const GPU: &str = "gpu";

/// The workloads on the GPU, through [`squares`](super::squares),
/// [`check_prime`](super::check_prime) and [`simulate`](super::simulate) as on any backend.
/// Times cover the dispatches and the copies back (and, for the gas, sampling on the CPU).
///
/// - **squares**: MT19937 seeding and numpy's masked draw in a WGSL shader, bit-identical to
///   every CPU backend.
/// - **check_prime**: trial division of every candidate up to `sqrt(n)` in a WGSL shader (64-bit
///   remainders from 32-bit parts), with the smallest factor. Small and even numbers, and
///   Miller–Rabin, are answered on the host, as on every backend.
/// - **simulate**: the particles are sampled on the CPU exactly as for every backend, rounded to
///   f32, moved on the GPU ([`Gpu::fly`]), and checked like any [`GasRun`].
///
/// What f32 costs in the gas: the initial state is rounded to 24-bit mantissas (6e-8 relative),
/// and each step rounds the positions to about 6e-8 of the box side, so paths drift from the f64
/// ones by up to about 1e-6 of the side after thousands of steps, and a particle that ends within
/// that of a wall may count one wall hit more or less. Energy stays exact (speeds only change
/// sign; the energies are those of the f32 velocities), positions stay inside the box (the box
/// side as f32), and the pressure, a sum over millions of hits, is unchanged to 1e-5.
///
/// Each workload is one dispatch: [`MapOptions`] records no task stream and reports no progress
/// on the GPU, and a timeout is refused ([`Error::InvalidInput`]: a dispatch cannot be stopped).
///
/// # Errors
///
/// As on a backend; for the gas also [`Error::InvalidInput`] for more than 2^32 - 1 steps or a
/// time step or box side that f32 cannot hold; [`Error::Gpu`] when the device fails.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
///
/// let gpu = Gpu::new()?;
/// let run = squares(&gpu, 0..1_000_000)?;
/// assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
/// assert_eq!(run.last5(), [81, 36, 1, 1, 1]);
/// assert_eq!(run.backend, "gpu");
///
/// let answer = check_prime(&gpu, 1_000_003 * 999_983)?;
/// assert_eq!(answer.factor, Some(999_983));
/// assert!(check_prime(&gpu, 999_999_999_989)?.is_prime);
/// assert_eq!(check_prime(&gpu, 10)?.factor, Some(2));
/// assert!(check_prime(&gpu, 0).is_err());
///
/// let params = GasParams { particles: 2_000, steps: 500, ..GasParams::default() };
/// let run = simulate(&gpu, &params)?;
/// assert_eq!(run.energy_drift, 0.0);
/// assert_eq!(run.inside_fraction, 1.0);
/// let cpu = simulate(&Sequential, &params)?;
/// assert!((run.wall_hits - cpu.wall_hits).abs() <= 2.0);
/// # Ok::<(), parlab::Error>(())
/// ```
impl Target for Gpu {
    fn squares_on(&self, start: u32, count: u64, options: &MapOptions) -> Result<SquaresRun> {
        one_dispatch(options)?;
        let t0 = Instant::now();
        let results = self.squares(start, count)?;
        Ok(SquaresRun {
            backend: GPU,
            workers: 1,
            start,
            results,
            seconds: t0.elapsed().as_secs_f64(),
            trace: None,
        })
    }

    fn check_prime_on(&self, n: u64, method: Method, options: &MapOptions) -> Result<PrimeAnswer> {
        one_dispatch(options)?;
        PrimeAnswer::decide(n, method, GPU, 1, || {
            let factor = match subinterval_limits(n, 1)?.first() {
                Some(sub) => self.smallest_factor_in(n, sub.lo, sub.hi)?,
                None => None,
            };
            Ok((factor, None))
        })
    }

    fn simulate_on(&self, params: &GasParams) -> Result<GasRun> {
        let plan = flight_plan(params)?;
        let t0 = Instant::now();
        let start = sample_f32(params)?;
        let mut particles = start.clone();
        let flight = self.fly(&mut particles, &plan)?;
        let mass = params.mass();
        let energy = |p: &[[f32; 4]]| {
            let sum: f64 = p.iter().map(|q| sq(q[2]) + sq(q[3])).sum();
            0.5 * mass * sum
        };
        let side = f64::from(plan.side);
        let inside = |xy: &[f32; 2]| xy.iter().all(|&c| (0.0..=side).contains(&f64::from(c)));
        let frames = flight.paths.iter().flatten();
        let finals: Vec<[f32; 2]> = particles.iter().map(|p| [p[0], p[1]]).collect();
        let (mut hits, mut impulse) = (0.0, 0.0);
        for (h, p) in flight.hits.iter().zip(&particles) {
            hits += f64::from(h[0]) + f64::from(h[1]);
            impulse +=
                f64::from(h[0]) * f64::from(p[2].abs()) + f64::from(h[1]) * f64::from(p[3].abs());
        }
        let outcome = BlockOutcome {
            speeds: start
                .iter()
                .map(|q| f64::from(q[2]).hypot(f64::from(q[3])))
                .collect(),
            energy_start: energy(&start),
            energy_end: energy(&particles),
            hits,
            impulse,
            checked: frames.clone().count() + finals.len(),
            inside: frames.filter(|xy| inside(xy)).count()
                + finals.iter().filter(|xy| inside(xy)).count(),
            paths: flight
                .paths
                .iter()
                .enumerate()
                .map(|(index, path)| Trajectory {
                    index,
                    x: path.iter().map(|p| f64::from(p[0])).collect(),
                    y: path.iter().map(|p| f64::from(p[1])).collect(),
                })
                .collect(),
        };
        let seconds = t0.elapsed().as_secs_f64();
        Ok(gas_run(GPU, 1, params, vec![outcome], seconds))
    }
}

/// Refuses what a single dispatch cannot do: stop at a timeout.
fn one_dispatch(options: &MapOptions) -> Result<()> {
    match options.timeout {
        Some(t) => Err(Error::invalid(
            "timeout",
            format!(
                "the GPU runs each workload as one dispatch, which cannot be stopped after {t:?}; \
                 leave the timeout out, or use a CPU backend"
            ),
        )),
        None => Ok(()),
    }
}

fn sq(v: f32) -> f64 {
    f64::from(v) * f64::from(v)
}

/// The run's steps, time step, box and recording as the shader takes them.
fn flight_plan(params: &GasParams) -> Result<FlightPlan> {
    let as_u32 = |what: &'static str, v: usize| {
        u32::try_from(v).map_err(|_| {
            Error::invalid(
                what,
                format!("{v} is more than the GPU's 2^32 - 1; ask for fewer"),
            )
        })
    };
    let plan = FlightPlan {
        dt: params.time_step() as f32,
        side: params.box_side as f32,
        steps: as_u32("steps", params.steps)?,
        record: params.record.min(params.particles),
        every: as_u32("record interval", params.recording_interval())?,
    };
    for (what, v) in [("time step", plan.dt), ("box side", plan.side)] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::invalid(
                what,
                format!("{v:e} is outside f32's range, which the GPU computes in; pick a value between 1e-37 and 1e38"),
            ));
        }
    }
    Ok(plan)
}

/// The run's initial particles, sampled as every backend samples them (in blocks, on all
/// cores), as f32 `[x, y, vx, vy]`.
fn sample_f32(params: &GasParams) -> Result<Vec<[f32; 4]>> {
    let n = params.particles;
    let len = block_len(n);
    let starts: Vec<usize> = (0..n).step_by(len).collect();
    let blocks: Vec<Vec<[f32; 4]>> = RayonPool::new(cpu_count())?.install(|| {
        starts
            .par_iter()
            .map(|&s| {
                let p = Particles::sample(params, s, len.min(n - s));
                (0..p.len())
                    .map(|i| [p.x[i], p.y[i], p.vx[i], p.vy[i]].map(|v| v as f32))
                    .collect()
            })
            .collect()
    })?;
    Ok(blocks.concat())
}
