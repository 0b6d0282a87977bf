//! `use parlab::prelude::*;` brings in what a notebook cell needs.

pub use crate::backends::{
    cpu_count, delayed, delayed_star, kernel, Backend, CpuMonitor, Kernel, MapOptions, Progress,
};
pub use crate::backends::{
    Parallel, Prefer, ProcessExecutor, ProcessPool, RayonPool, Sequential, ThreadExecutor, Threads,
};
pub use crate::cluster::{Cluster, Remote};
pub use crate::dask::{Bag, Client, Graph};
pub use crate::gas::{check_step, step_particle, GasParams, Particle, Particles, Trajectory};
#[cfg(feature = "gpu")]
pub use crate::gpu::Gpu;
pub use crate::plot::warm_up_histogram;
pub use crate::tasks::random_square;
pub use crate::workloads::{
    check_prime, check_prime_with, simulate, simulate_with_step, squares, squares_io, squares_with,
    BackendKind, GasRun, Method, RandomSquare, Target,
};
pub use crate::{Error, Result};
