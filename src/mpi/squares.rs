//! Random squaring across ranks: contiguous seed ranges, one `gatherv` to rank 0.

use std::time::Instant;

use ::mpi::datatype::PartitionMut;
use ::mpi::traits::*;
use ::mpi::Count;

use super::{Mpi, NAME};
use crate::backends::{chunk_lengths, RayonPool};
use crate::tasks::squares::blocks;
use crate::workloads::{squares, SquaresRun};
use crate::{Error, Result};

/// Tag of the squares task in the argument fingerprint.
const TASK: u64 = 1;

impl Mpi {
    /// Squares the seeds `start..start + count` across all ranks, each rank on its rayon `pool`.
    ///
    /// Collective: every rank must call it with the same arguments. The seeds are split into one
    /// contiguous range per thread of the job, so a rank with more threads gets more seeds; rank 0
    /// gathers the results, bit-identical to [`squares`] on any backend.
    /// `workers` in the result is the number of threads of the whole job.
    ///
    /// Returns `Some` on rank 0 and `None` on the other ranks.
    ///
    /// # Errors
    ///
    /// On every rank: an invalid seed range, more than `i32::MAX` seeds (MPI counts are 32-bit),
    /// ranks given different arguments, or a task failure on any rank.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use parlab::mpi::Mpi;
    ///
    /// let mpi = Mpi::init()?;
    /// let pool = mpi.local_pool(None)?;
    /// if let Some(run) = mpi.squares(&pool, 0, 1_000_000)? {
    ///     assert_eq!(run.last5(), [81, 36, 1, 1, 1]);
    ///     println!("{run}");
    /// }
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn squares(&self, pool: &RayonPool, start: u32, count: u64) -> Result<Option<SquaresRun>> {
        let local = validate(start, count);
        let threads = self.start_task(pool, local, &[TASK, u64::from(start), count])?;
        let t0 = Instant::now();
        let (rank, workers) = (self.rank(), threads.iter().sum::<usize>());
        // One chunk per thread of the job; rank r takes its threads' chunks, in rank order.
        let per_thread: Vec<usize> = chunk_lengths(count as usize, workers).collect();
        let mut lens = Vec::with_capacity(self.size());
        let mut rest = per_thread.as_slice();
        for &t in &threads {
            let (mine, tail) = rest.split_at(t);
            lens.push(mine.iter().sum::<usize>());
            rest = tail;
        }
        // In u64: an idle last rank's first seed may be 2^32 (it squares nothing).
        let first = u64::from(start) + lens[..rank].iter().sum::<usize>() as u64;
        let first = first.min(u64::from(u32::MAX)) as u32;
        let local = squares(pool, u64::from(first)..u64::from(first) + lens[rank] as u64);
        let mine = self.outcome(local)?.results;
        let root = self.world.process_at_rank(0);
        if !self.is_root() {
            root.gather_varcount_into(&mine[..]);
            return Ok(None);
        }
        let counts: Vec<Count> = lens.iter().map(|&l| l as Count).collect();
        let displs: Vec<Count> = lens
            .iter()
            .scan(0, |acc, &l| {
                let d = *acc;
                *acc += l;
                Some(d as Count)
            })
            .collect();
        let mut results = vec![0u32; count as usize];
        {
            let mut partition = PartitionMut::new(&mut results[..], counts, &displs[..]);
            root.gather_varcount_into_root(&mine[..], &mut partition);
        }
        Ok(Some(SquaresRun {
            backend: NAME,
            workers,
            start,
            results,
            seconds: t0.elapsed().as_secs_f64(),
            trace: None,
        }))
    }
}

/// The checks every rank makes before the first collective.
fn validate(start: u32, count: u64) -> Result<()> {
    blocks(start, count)?;
    if count > i32::MAX as u64 {
        return Err(Error::invalid(
            "seed count",
            format!(
                "{count} seeds: the MPI backend gathers at most {} results (MPI counts are 32-bit)",
                i32::MAX
            ),
        ));
    }
    Ok(())
}
