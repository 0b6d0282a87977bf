//! Exercise 1 (b) with the student's own code: their step function for one particle, run block
//! by block on any in-process backend, with the same physics checks as [`simulate`].

use std::sync::Arc;

use super::gas::{blocks, mapped_run, GasRun};
use crate::backends::{Backend, Kernel, MapOptions};
use crate::gas::{run_block_with, BlockOutcome, GasBlock, GasParams, Particle};
use crate::{Error, Result};

#[cfg(doc)]
use super::gas::simulate;

/// [`simulate`] with the student's step function (Exercise 1): `step(&mut particle, dt, side)`
/// moves each particle, block by block on `backend` ([`run_block_with`]); the result prints,
/// serializes and plots like any [`GasRun`], so part (b) of the exercise is done with the
/// student's own code. Check the step first with [`check_step`](crate::gas::check_step).
///
/// Wall hits (and so the pressure) are counted as velocity sign changes, exact while no particle
/// crosses the box in one step.
///
/// # Errors
///
/// As [`simulate`]; a step that panics fails the run with the panic's message. The
/// [`Cluster`](crate::cluster::Cluster) refuses: its engines are separate programs that do not
/// have the closure (use a thread or process backend).
///
/// # Examples
///
/// ```
/// use parlab::gas::{step_particle, Particle};
/// use parlab::prelude::*;
///
/// let params = GasParams { particles: 200, steps: 300, ..GasParams::default() };
/// let mine = simulate_with_step(&RayonPool::new(2)?, &params, step_particle)?;
/// let library = simulate(&Sequential, &params)?;
/// assert_eq!(mine.paths, library.paths);
/// assert_eq!(mine.energy_drift, 0.0);
/// // A step that loses 10 % of the speed at every bounce shows up in the run's checks.
/// let lossy = |p: &mut Particle, dt: f64, side: f64| {
///     let (vx, vy) = (p.vx, p.vy);
///     step_particle(p, dt, side);
///     if p.vx != vx { p.vx *= 0.9; }
///     if p.vy != vy { p.vy *= 0.9; }
/// };
/// let leaky = simulate_with_step(&ProcessPool::new(2)?, &params, lossy)?;
/// assert!(leaky.energy_drift < 0.0);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn simulate_with_step<B, S>(backend: &B, params: &GasParams, step: S) -> Result<GasRun>
where
    B: Backend + ?Sized,
    S: Fn(&mut Particle, f64, f64) + Send + Sync + 'static,
{
    simulate_with_step_options(backend, params, step, &MapOptions::default())
}

/// [`simulate_with_step`] with [`MapOptions`]: with `MapOptions::traced(true)` the run keeps its
/// task stream in [`GasRun::trace`], to draw over the cores' activity
/// ([`CpuMonitor`](crate::backends::CpuMonitor), `plot::Stacked`).
///
/// # Errors
///
/// As [`simulate_with_step`].
///
/// # Examples
///
/// ```
/// use parlab::gas::step_particle;
/// use parlab::prelude::*;
/// use parlab::workloads::simulate_with_step_options;
///
/// let params = GasParams { particles: 2000, steps: 100, ..GasParams::default() };
/// let pool = RayonPool::new(2)?;
/// let run = simulate_with_step_options(&pool, &params, step_particle, &MapOptions::traced(true))?;
/// assert_eq!(run.trace.map(|t| t.spans.len()), Some(63)); // blocks of 32 particles
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn simulate_with_step_options<B, S>(
    backend: &B,
    params: &GasParams,
    step: S,
    options: &MapOptions,
) -> Result<GasRun>
where
    B: Backend + ?Sized,
    S: Fn(&mut Particle, f64, f64) + Send + Sync + 'static,
{
    params.check()?;
    if backend.name() == "cluster" {
        return Err(Error::Backend {
            backend: "cluster",
            message: "the cluster's engines are separate programs and cannot run your step \
                      function (a closure in this process); run it on a thread or process \
                      backend instead, e.g. RayonPool, ProcessPool or BackendKind::Rayon"
                .into(),
        });
    }
    let kernel = StepBlocks {
        step: Arc::new(step),
    };
    let mapped = backend.run_with(&kernel, &blocks(params), options)?;
    Ok(mapped_run(backend, params, mapped))
}

/// The student's step function as a kernel: one block of particles per task. It has no
/// remote name, so only in-process backends run it.
struct StepBlocks<S> {
    step: Arc<S>,
}

impl<S> Clone for StepBlocks<S> {
    fn clone(&self) -> Self {
        StepBlocks {
            step: Arc::clone(&self.step),
        }
    }
}

impl<S> Kernel for StepBlocks<S>
where
    S: Fn(&mut Particle, f64, f64) + Send + Sync + 'static,
{
    type Input = GasBlock;
    type Output = BlockOutcome;

    fn call(&self, block: &GasBlock) -> BlockOutcome {
        run_block_with(block, &*self.step)
    }

    fn name(&self) -> &str {
        "gas with your step function"
    }
}
