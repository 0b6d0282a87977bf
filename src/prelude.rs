//! `use parlab::prelude::*;` brings in what a notebook cell needs.

pub use crate::backends::{
    cpu_count, kernel, Backend, BackendKind, Kernel, RayonPool, Sequential, ThreadExecutor, Threads,
};
pub use crate::backends::{MapOptions, Parallel, Prefer, ProcessExecutor, ProcessPool, Progress};
pub use crate::cluster::Cluster;
pub use crate::dask::{Bag, Client, Graph};
pub use crate::gas::{simulate, warm_up_histogram, GasParams, GasRun, Particles, Trajectory};
pub use crate::tasks::{check_prime, random_square, squares, Method};
pub use crate::{Error, Result};
