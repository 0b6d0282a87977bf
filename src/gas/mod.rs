//! Exercise 1: a collisionless thermal gas of N particles in a square 2-D box.
//!
//! Particles start at random positions with random directions and 2-D Maxwell–Boltzmann speeds
//! ([`sample`]); they fly freely and bounce elastically off the walls ([`motion`]). Because they
//! never interact, the gas splits into independent blocks ([`run_block`]) that any backend runs
//! in parallel (`workloads::simulate`); the run checks its own physics
//! ([`stats`]): exact energy conservation, every position inside the box, the speed
//! distribution, the mean speed and the ideal-gas pressure.
//!
//! Exercise 1 itself is the student's to write, part by part, each with a grader that says
//! check by check whether it is right: the speeds ([`check_speeds`]), the start
//! ([`check_start`]), the step of one [`Particle`] ([`check_step`]) and the model of N particles
//! ([`check_gas`]). [`reference`](mod@reference) holds the library's answers with the same
//! signatures, and [`exercise`] everything the notebook's cells import. `workloads::simulate_with_step` runs the
//! library's fast gas with the student's step on any backend.
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
pub mod exercise;
pub mod motion;
mod params;
mod particle;
pub mod reference;
pub mod sample;
pub mod stats;

pub use block::{block_len, run_block, BlockOutcome, GasBlock, Trajectory, BLOCK};
pub use check::{
    check_gas, check_speeds, check_start, check_step, Check, Model, Report, Sampler, Start,
    StepCheck, StepReport,
};
pub use motion::{advance, fold, free_flight, step_axis, ChunkState, Folded, WallHits};
pub use params::{GasParams, ATOMIC_MASS_UNIT, BOLTZMANN, NITROGEN_AMU};
pub use particle::{run_block_with, step_particle, Particle};
pub use sample::{
    particle_rng, speed_cdf, speed_pdf, speed_pdf_3d, speed_quantile, speeds, Particles,
};
pub use stats::{fit_test, kinetic_temperature, wall_pressure, FitTest};
