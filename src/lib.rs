//! # parlab — the parallel-computing module, in Rust
//!
//! parlab reproduces a well-known course module on parallel computing (Python's `multiprocess`,
//! `concurrent.futures`, `joblib`, `ipyparallel` and `dask`) with Rust backends, from Jupyter
//! notebooks (evcxr) or the `parlab` command line.
//!
//! - [`tasks`]: the module's two tasks — numpy-identical random squaring and primality by trial
//!   division split into subintervals (done right), plus Miller–Rabin.
//! - [`backends`]: one [`Backend`](backends::Backend) trait; sequential, threads, rayon and a
//!   `ThreadPoolExecutor` counterpart; forked worker processes (`multiprocess.Pool`,
//!   `ProcessPoolExecutor`, `joblib.Parallel`) that work inside a notebook; task streams.
//! - [`cluster`]: long-lived engine processes, the `ipyparallel` counterpart.
//! - [`dask`]: delayed task graphs, futures and bags, the `dask` counterpart.
//! - [`table`]: the module's summary table, measured on this machine.
//! - [`gas`]: Exercise 1, a collisionless 2-D thermal gas, parallel over particles.
//! - [`plot`]: plotters figures, inline SVG in notebooks and PNG/SVG files from the CLI.
//! - `mpi` (cargo feature `mpi`): the tasks across the ranks of an MPI job (`mpirun`), with a
//!   rayon pool in every rank.
//!
//! ```
//! use parlab::prelude::*;
//!
//! let pool = BackendKind::Rayon.build(2)?;
//! let run = squares(&pool, 0, 10, false)?;
//! assert_eq!(run.results, [25, 25, 64, 64, 49, 9, 81, 16, 9, 25]);
//! let answer = check_prime(&pool, 489_133_282_872_437_279, Method::MillerRabin, false)?;
//! assert!(answer.is_prime);
//! # Ok::<(), parlab::Error>(())
//! ```
#![deny(missing_docs)]

pub mod backends;
pub mod bench;
pub mod breakpoints;
pub mod cli;
pub mod cluster;
pub mod dask;
mod error;
pub mod gas;
#[cfg(feature = "mpi")]
pub mod mpi;
pub mod plot;
pub mod prelude;
pub mod table;
pub mod tasks;

pub use error::{Error, Result};
