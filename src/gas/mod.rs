//! Exercise 1: a collisionless thermal gas of N particles in a square 2-D box.
//!
//! Particles start at random positions with random directions and 2-D Maxwell–Boltzmann speeds
//! ([`sample`]); they fly freely and bounce elastically off the walls ([`motion`]). Because they
//! never interact, the gas splits into independent blocks ([`run_block`]) that any backend runs
//! in parallel (`workloads::simulate`); the run checks its own physics
//! ([`stats`]): exact energy conservation, every position inside the box, the speed
//! distribution, the mean speed and the ideal-gas pressure.
//!
//! Exercise 1 itself, the step function for one [`Particle`], is the student's to write:
//! [`check_step`] says check by check whether it is right, and
//! `workloads::simulate_with_step` runs the gas with it on any
//! backend; [`step_particle`] is the library's solution.
//!
//! This module is physics only: functions of data in, data out, with no backend, chart or
//! command line in sight.
//!
//! ```
//! use parlab::prelude::*;
//!
//! let pool = RayonPool::new(2)?;
//! let run = simulate(&pool, &GasParams::default())?; // 100 N2 molecules at 300 K, 1000 steps
//! assert_eq!(run.inside_fraction, 1.0);
//! assert_eq!(run.energy_drift, 0.0);
//! let picture = parlab::plot::svg(&run.trajectory_chart(100))?; // shows inline in a notebook
//! assert!(picture.as_str().contains("Trajectories"));
//! # Ok::<(), parlab::Error>(())
//! ```

mod block;
mod check;
pub mod motion;
mod params;
mod particle;
pub mod sample;
pub mod stats;

pub use block::{block_len, run_block, BlockOutcome, GasBlock, Trajectory, BLOCK};
pub use check::{check_step, StepCheck, StepReport};
pub use motion::{advance, fold, free_flight, step_axis, ChunkState, Folded, WallHits};
pub use params::{GasParams, ATOMIC_MASS_UNIT, BOLTZMANN, NITROGEN_AMU};
pub use particle::{run_block_with, step_particle, Particle};
pub use sample::{particle_rng, speed_cdf, speed_pdf, speed_quantile, speeds, Particles};
pub use stats::{fit_test, kinetic_temperature, wall_pressure, FitTest};
