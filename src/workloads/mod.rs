//! Workloads: the module's kernels run on a backend, and the one list of every backend.
//!
//! This layer sits above the kernels ([`tasks`](crate::tasks), [`gas`](crate::gas)) and the
//! executors ([`backends`](crate::backends), [`cluster`](crate::cluster),
//! [`dask`](crate::dask)), and joins them: [`squares`] maps the squaring kernel over blocks of
//! seeds, [`check_prime`] maps trial division over subintervals, [`simulate`] maps the gas over
//! blocks of particles; each runs on a [`Target`]: any backend, or the GPU (cargo feature `gpu`),
//! which runs their WGSL ports instead. [`BackendKind`] is the only place that knows every
//! backend, the GPU included;
//! [`kernels`] are the tasks as [`Kernel`](crate::backends::Kernel)s, also compiled into the
//! cluster's engines ([`engine_kernels`]), which [`Cluster::start`](crate::cluster::Cluster::start)
//! and [`Cluster::builder`](crate::cluster::Cluster::builder), defined here, give forked engines.
//!
//! ```
//! use parlab::prelude::*;
//!
//! let pool = BackendKind::Rayon.build(2)?;
//! let run = squares(&pool, 0..10)?;
//! assert_eq!(run.results, [25, 25, 64, 64, 49, 9, 81, 16, 9, 25]);
//! assert!(check_prime(&pool, 489_133_282_872_437_279)?.is_prime);
//! # Ok::<(), parlab::Error>(())
//! ```

mod cluster;
mod gas;
#[cfg(feature = "gpu")]
mod gpu;
pub mod kernels;
mod kinds;
mod primes;
mod squares;
mod student_step;
mod target;

pub use gas::{advance_on, simulate, GasRun};
pub use kernels::{engine_kernels, RandomSquare};
pub use kinds::{AnyBackend, BackendKind};
pub use primes::{check_prime, check_prime_with, IsPrimeWords, Method, PrimeAnswer};
pub use squares::{squares, squares_io, squares_io_with, squares_with, Dots, SquaresRun};
pub use student_step::{gas_paths_on, simulate_with_step, simulate_with_step_options};
pub use target::Target;

#[cfg(test)]
mod test;
