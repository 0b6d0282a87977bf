//! Any kernel across ranks: [`MpiBackend`], a [`Backend`] whose map is collective, and the gas
//! exercise on it.

use std::time::Instant;

use super::{fingerprint_bytes, mpi_error, Mpi, NAME};
use crate::backends::{chunk_lengths, Backend, Kernel, MapOptions, Mapped, RayonPool};
use crate::gas::GasParams;
use crate::workloads::{simulate, GasRun};
use crate::Result;

/// Tag of a generic map in the argument fingerprint.
const TASK_MAP: u64 = 3;
/// Tag of the gas exercise in the argument fingerprint.
const TASK_GAS: u64 = 4;

/// The whole MPI job as one [`Backend`]: every rank maps its contiguous share of the inputs (one
/// share per thread of the job) on its rayon pool, and every rank gets all the results, in input
/// order (an all-gather of the outputs, serialized with serde). So any code written for a
/// backend — [`simulate`] for the gas, for one — runs across ranks unchanged and gives the same
/// numbers, because the outputs are combined in the same order.
///
/// Collective: every rank must make the same calls with the same inputs (checked: a rank with
/// other inputs makes every rank fail). [`name`](Backend::name) is `"rayon"`, the
/// backend inside each rank; results made by [`Mpi`]'s methods say "mpi".
/// [`workers`](Backend::workers) counts the threads of all ranks. No task stream is recorded.
#[derive(Debug)]
pub struct MpiBackend<'a> {
    mpi: &'a Mpi,
    pool: &'a RayonPool,
    threads: Vec<usize>,
}

impl Mpi {
    /// The job as a [`Backend`] with `pool` in every rank. Collective.
    ///
    /// # Errors
    ///
    /// On every rank, if the ranks cannot agree (see [`Mpi`]).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use parlab::prelude::*;
    /// use parlab::mpi::Mpi;
    ///
    /// let mpi = Mpi::init()?;
    /// let pool = mpi.local_pool(None)?;
    /// let job = mpi.backend(&pool)?;
    /// let squares = job.run(&kernel("square", |s: &u32| random_square(*s)), &[0, 1, 2])?;
    /// assert_eq!(squares.results, [25, 25, 64]); // on every rank
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn backend<'a>(&'a self, pool: &'a RayonPool) -> Result<MpiBackend<'a>> {
        let threads = self.start_task(pool, Ok(()), &[TASK_MAP])?;
        Ok(MpiBackend {
            mpi: self,
            pool,
            threads,
        })
    }

    /// Exercise 1, the 2-D thermal gas, across ranks: the particles' blocks are split across the
    /// threads of the job and the outcomes combined on every rank in block order, so the
    /// statistics are bit-identical to [`simulate`] on any backend for the same parameters (the
    /// timing fields aside). Collective; every rank gets the run.
    ///
    /// # Errors
    ///
    /// On every rank: invalid parameters, ranks given different parameters, a task failure.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use parlab::gas::GasParams;
    /// use parlab::mpi::Mpi;
    ///
    /// let mpi = Mpi::init()?;
    /// let pool = mpi.local_pool(None)?;
    /// let run = mpi.gas(&pool, &GasParams::default())?;
    /// assert_eq!(run.energy_drift, 0.0);
    /// if mpi.is_root() {
    ///     println!("{run}");
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn gas(&self, pool: &RayonPool, params: &GasParams) -> Result<GasRun> {
        let bytes = serde_json::to_vec(params).map_err(|e| mpi_error(e.to_string()))?;
        let local = params.check();
        self.start_task(pool, local, &[TASK_GAS, fingerprint_bytes(&bytes)])?;
        let mut run = simulate(&self.backend(pool)?, params)?;
        run.backend = NAME;
        Ok(run)
    }
}

impl Backend for MpiBackend<'_> {
    fn name(&self) -> &'static str {
        "rayon"
    }

    fn workers(&self) -> usize {
        self.threads.iter().sum()
    }

    fn run_with<K: Kernel>(
        &self,
        kernel: &K,
        inputs: &[K::Input],
        _options: &MapOptions,
    ) -> Result<Mapped<K::Output>> {
        let t0 = Instant::now();
        let (mpi, rank) = (self.mpi, self.mpi.rank());
        let encoded = serde_json::to_vec(inputs).map_err(|e| mpi_error(e.to_string()));
        let print = encoded.as_deref().map(fingerprint_bytes).unwrap_or(0);
        let threads = mpi.start_task(self.pool, encoded.map(drop), &[TASK_MAP, print])?;
        // One share per thread of the job; rank r takes its threads' shares, in rank order.
        let workers = threads.iter().sum();
        let per_thread: Vec<usize> = chunk_lengths(inputs.len(), workers).collect();
        let before: usize = threads[..rank].iter().sum();
        let first: usize = per_thread[..before].iter().sum();
        let len: usize = per_thread[before..before + threads[rank]].iter().sum();
        let local = self
            .pool
            .run(kernel, &inputs[first..first + len])
            .and_then(|m| serde_json::to_vec(&m.results).map_err(|e| mpi_error(e.to_string())));
        let mine = mpi.outcome(local)?;
        let mut results = Vec::with_capacity(inputs.len());
        for (r, part) in mpi.all_gather_bytes(&mine).iter().enumerate() {
            // Every rank decodes the same bytes: an error here is the same on every rank.
            let outputs: Vec<K::Output> = serde_json::from_slice(part)
                .map_err(|e| mpi_error(format!("results of rank {r}: {e}")))?;
            results.extend(outputs);
        }
        Ok(Mapped {
            results,
            seconds: t0.elapsed().as_secs_f64(),
            trace: None,
        })
    }
}
