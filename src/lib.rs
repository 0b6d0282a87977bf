//! # parlab — the parallel-computing module, in Rust
//!
//! parlab reproduces a well-known course module on parallel computing (Python's `multiprocess`,
//! `concurrent.futures`, `joblib`, `ipyparallel` and `dask`) with Rust backends, from Jupyter
//! notebooks (evcxr) or the `parlab` command line.
//!
//! ## Layers
//!
//! The modules sit in four layers on a floor of shared pieces; each imports only what its row
//! says (checked by `tests/layers.rs`, which reads this table), so data flows down and results
//! flow up. Kernels and executors know nothing of each other: an executor runs *any* kernel,
//! and the workloads are where the two meet.
//!
//! | layer | modules | what it holds | may import |
//! |---|---|---|---|
//! | 0. floor | `error` ([`Error`], `Result`), [`limits`], `display` | errors, how many workers and how much memory this machine allows, the display helpers (evcxr output, byte counts, HTML text, the named enums' macro) | nothing; `error` only `display`; `limits` only `error`; `limits` only `display` |
//! | 1. kernels | [`tasks`], [`gas`], [`numpy`] | the module's tasks, the gas physics and numpy's legacy generator: data in, data out | layer 0 only |
//! | 2. executors | [`backends`], [`cluster`], [`dask`], `gpu` (feature `gpu`) | the [`Backend`](backends::Backend) trait and what implements it; they run *any* kernel and name none; `gpu`: a GPU device and its own WGSL shaders (a GPU runs no closures) | layer 0; `cluster`, `dask` and `gpu` also `backends`; never layer 1 |
//! | 3. workloads | [`workloads`], [`table`], [`breakpoints`], `bench` (feature `cli`), `mpi` (feature `mpi`) | a kernel run on a backend; the one list of every backend ([`BackendKind`](workloads::BackendKind)) | layers 0–2; the others also `workloads` |
//! | 4. presentation | [`plot`], [`dashboard`], `cli` (feature `cli`) | figures, the live dashboard and the command line; they read values and never run work of their own | layers 0–3; `cli` also `plot` and `dashboard` |
//!
//! [`prelude`] gathers the common names of every layer; nothing inside parlab imports it.
//!
//! - [`tasks`]: numpy-identical random squaring and primality by trial division split into
//!   subintervals (done right), plus Miller–Rabin.
//! - [`numpy`]: numpy's legacy `RandomState` (`seed`, `randint`), bit-identical and lazily seeded,
//!   and its module-level `numpy::random::{seed, randint}`: the student's own `random_square`.
//! - [`gas`]: Exercise 1's physics, a collisionless 2-D thermal gas.
//! - [`backends`]: one [`Backend`](backends::Backend) trait; sequential, threads, rayon and a
//!   `ThreadPoolExecutor` counterpart; forked worker processes (`multiprocess.Pool`,
//!   `ProcessPoolExecutor`, `joblib.Parallel`) that work inside a notebook; task streams. Each
//!   maps your own function, `pool.map(random_square, 0..1_000_000)?`, or a library kernel.
//! - [`cluster`]: long-lived engine processes, the `ipyparallel` counterpart, running named
//!   kernels compiled into them.
//! - [`dask`]: delayed task graphs, futures and bags, the `dask` counterpart.
//! - `gpu` (cargo feature `gpu`): the two tasks and the gas as WGSL compute shaders on any GPU
//!   wgpu finds (Vulkan, Metal, DX12, GL), or on Mesa's llvmpipe without one; `squares(&gpu, ..)`,
//!   `check_prime(&gpu, n)` and `simulate(&gpu, &params)` run them.
//! - [`workloads`]: [`squares`](workloads::squares), [`check_prime`](workloads::check_prime)
//!   and [`simulate`](workloads::simulate) on any backend; [`BackendKind`](workloads::BackendKind).
//! - [`table`]: the module's summary table, measured on this machine.
//! - [`breakpoints`]: the module's Breakpoint 1, graded, with the experiment that answers it.
//! - [`plot`]: plotters figures, one [`Chart`](plot::Chart) trait for parlab's and yours: inline
//!   SVG in notebooks, SVG files, and PNG files with the cargo feature `png` (on with `cli`).
//! - [`dashboard`]: a live page in the browser (dask's dashboard): cores, task stream,
//!   progress and memory while maps run.
//! - `mpi` (cargo feature `mpi`): the tasks across the ranks of an MPI job (`mpirun`), with a
//!   rayon pool in every rank.
//! - `cli` and `bench` (cargo feature `cli`, on by default): the `parlab` program. Notebooks
//!   load the library without them: `:dep parlab = { path = "..", default-features = false }`.
//!
//! ```
//! use parlab::prelude::*;
//!
//! let pool = BackendKind::Rayon.build(2)?;
//! let run = squares(&pool, 0..10)?;
//! assert_eq!(run.results, [25, 25, 64, 64, 49, 9, 81, 16, 9, 25]);
//! let answer = check_prime_with(&pool, 489_133_282_872_437_279, Method::MillerRabin, &MapOptions::default())?;
//! assert!(answer.is_prime);
//! # Ok::<(), parlab::Error>(())
//! ```
#![deny(missing_docs)]

// 0. The floor, below every layer.
mod display;
mod error;
pub mod limits;

// 1. Kernels.
pub mod gas;
pub mod numpy;
pub mod tasks;

// 2. Executors.
pub mod backends;
pub mod cluster;
pub mod dask;
#[cfg(feature = "gpu")]
pub mod gpu;

// 3. Workloads.
#[cfg(feature = "cli")]
pub mod bench;
pub mod breakpoints;
#[cfg(feature = "mpi")]
pub mod mpi;
pub mod table;
pub mod workloads;

// 4. Presentation.
#[cfg(feature = "cli")]
pub mod cli;
pub mod dashboard;
pub mod plot;

pub mod prelude;

pub use error::{Error, Result};

/// parlab's version, from `Cargo.toml` (ipyparallel's `ipp.__version__`).
///
/// # Examples
///
/// ```
/// assert_eq!(parlab::VERSION, env!("CARGO_PKG_VERSION"));
/// assert_eq!(parlab::VERSION.split('.').count(), 3);
/// ```
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
