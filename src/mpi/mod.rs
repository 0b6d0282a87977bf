//! The MPI backend (cargo feature `mpi`): the module's tasks across the ranks of an MPI job, with a
//! rayon pool inside every rank — hybrid MPI + threads, the way clusters are used.
//!
//! The module's Introduction sends work "to different computers in a connected cluster"; `mpi4py`
//! is how Python does that. Here the same job is `mpirun -n P parlab mpi squares` or
//! `mpirun -n P parlab mpi prime N`, on one machine, across machines with a hostfile, or under
//! Slurm (see the README, "Running on a cluster").
//!
//! # How the work is split
//!
//! - **Squares**: every rank squares its own contiguous range of seeds (computed from its rank, so
//!   nothing needs to be scattered), on its rayon pool; rank 0 collects them with one `gatherv`.
//!   The results are bit-identical to every other backend.
//! - **Gas** (Exercise 1) and any other kernel: [`MpiBackend`] maps a kernel over inputs split
//!   across the threads of the job and all-gathers the outputs, so [`crate::workloads::simulate`]
//!   runs across ranks unchanged and gives bit-identical statistics.
//! - **Prime**: the odd candidates are split into one subinterval per thread of the whole job,
//!   rank by rank in increasing order. While the threads divide, the rank's main thread runs a
//!   non-blocking all-reduce (`MPI_Iallreduce`, MIN) every few milliseconds of (smallest factor
//!   so far, finished?, failed?). A factor found on any rank stops every subinterval above it
//!   on every rank, and the smallest factor is still the one reported. Polling a non-blocking
//!   reduction, with sleeps in between, also keeps the waiting rank off the CPU: Open MPI's
//!   blocking calls busy-wait.
//!
//! # When things go wrong
//!
//! What MPI guarantees: errors in MPI calls are fatal by default (`MPI_ERRORS_ARE_FATAL`), a rank
//! that calls `MPI_Abort` takes the whole job down, and Open MPI's `mpirun` kills the job and
//! exits non-zero when a rank exits without `MPI_Finalize` or dies from a signal. So a dead rank
//! ends the job instead of leaving the others hanging in a collective.
//!
//! What parlab adds: every task starts with one agreement collective in which each rank reports
//! whether it accepted its arguments (validated identically on every rank) and a fingerprint of
//! them; failures in the local work are agreed on the same way before results are combined.
//! So either every rank goes on or every rank returns the same error — gathered from the
//! ranks that failed, printed once by rank 0 — and the job ends normally with a non-zero exit
//! code. The CLI turns a panic into [`Mpi::abort`], since the other ranks could not go on.
//!
//! Without `mpirun` a binary built with MPI runs as a job of one rank (an MPI "singleton").
//!
//! # Examples
//!
//! ```
//! use parlab::mpi::Mpi;
//!
//! // Run by `cargo test`, this process is a job of one rank; under `mpirun -n 4` it is one of 4.
//! let mpi = Mpi::init()?;
//! let pool = mpi.local_pool(Some(2))?;
//! if let Some(run) = mpi.squares(&pool, 0, 100_000)? {
//!     assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
//! }
//! let answer = mpi.check_prime(&pool, 1_000_003 * 999_983, parlab::workloads::Method::Trial)?;
//! assert_eq!(answer.factor, Some(999_983));
//! # Ok::<(), parlab::Error>(())
//! ```

use std::thread;
use std::time::Duration;

use ::mpi::collective::SystemOperation;
use ::mpi::datatype::PartitionMut;
use ::mpi::environment::Universe;
use ::mpi::topology::SimpleCommunicator;
use ::mpi::traits::*;
use ::mpi::{Count, Threading};

use crate::backends::{cpu_count, Backend, RayonPool};
use crate::{Error, Result};

mod map;
mod primes;
mod squares;

pub use map::MpiBackend;

/// The backend name in results and JSON.
pub const NAME: &str = "mpi";

/// How long a waiting rank sleeps between two looks at a pending non-blocking collective.
const POLL: Duration = Duration::from_micros(200);

/// An initialized MPI job, seen from one rank: rank, size, and the collectives parlab's tasks use.
///
/// MPI can be initialized once per process: keep this value for the whole program (in a
/// notebook, in a variable). Dropping it finalizes MPI.
pub struct Mpi {
    world: SimpleCommunicator,
    local_ranks: usize,
    threading: Threading,
    // Last field, dropped last: its drop calls MPI_Finalize.
    _universe: Universe,
}

impl std::fmt::Debug for Mpi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mpi")
            .field("rank", &self.rank())
            .field("size", &self.size())
            .field("local_ranks", &self.local_ranks)
            .field("threading", &self.threading)
            .finish()
    }
}

impl Mpi {
    /// Initializes MPI (thread level "funneled": rayon threads compute, only the calling thread
    /// talks to MPI). Started without `mpirun`, the process is a job of one rank.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when MPI was already initialized in this process.
    pub fn init() -> Result<Mpi> {
        let (universe, threading) = ::mpi::initialize_with_threading(Threading::Funneled)
            .ok_or_else(|| {
                mpi_error("MPI is already initialized in this process; keep the first `Mpi` value and reuse it")
            })?;
        let world = universe.world();
        let local_ranks = world.split_shared(world.rank()).size().max(1) as usize;
        Ok(Mpi {
            world,
            local_ranks,
            threading,
            _universe: universe,
        })
    }

    /// This process's rank, `0..size`.
    pub fn rank(&self) -> usize {
        self.world.rank() as usize
    }

    /// Number of ranks in the job.
    pub fn size(&self) -> usize {
        self.world.size() as usize
    }

    /// True on rank 0, the rank that reports results.
    pub fn is_root(&self) -> bool {
        self.rank() == 0
    }

    /// Ranks of this job on this machine (the size of the shared-memory communicator).
    pub fn local_ranks(&self) -> usize {
        self.local_ranks
    }

    /// The name of the machine this rank runs on.
    pub fn processor_name(&self) -> String {
        ::mpi::environment::processor_name().unwrap_or_else(|_| "?".to_string())
    }

    /// Threads per rank when none are asked for: the cores this rank may use divided by the ranks
    /// on this machine, at least 1. The core count honours the CPU binding `mpirun` applies (by
    /// default Open MPI binds each rank to one core when there are at most 2 ranks), so
    /// threads beyond 1 need `--bind-to none` or `--map-by slot:PE=T`.
    pub fn default_threads(&self) -> usize {
        (cpu_count() / self.local_ranks).max(1)
    }

    /// Builds this rank's rayon pool of `threads` threads ([`default_threads`](Mpi::default_threads)
    /// when `None`). Collective: every rank must call it, and all fail together if any rank fails.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for 0 threads, or the pool's error, on every rank.
    pub fn local_pool(&self, threads: Option<usize>) -> Result<RayonPool> {
        let local = match threads {
            Some(0) => Err(Error::invalid(
                "threads per rank",
                format!(
                    "got 0; give at least 1, or leave it out for cores / local ranks = {}",
                    self.default_threads()
                ),
            )),
            t => RayonPool::new(t.unwrap_or_else(|| self.default_threads())),
        };
        self.outcome(local)
    }

    /// Ends the whole job at once (`MPI_Abort`) with exit code `code`: for errors after the ranks
    /// started working together, which the other ranks could not learn about otherwise.
    pub fn abort(&self, code: i32) -> ! {
        self.world.abort(code)
    }

    /// The agreement every task starts with: one all-gather of (failed?, fingerprint of the
    /// arguments, threads) from every rank. Returns every rank's thread count.
    fn start_task(&self, pool: &RayonPool, local: Result<()>, args: &[u64]) -> Result<Vec<usize>> {
        let mine = [
            u64::from(local.is_err()),
            fingerprint(args),
            pool.workers() as u64,
        ];
        let mut all = vec![0u64; 3 * self.size()];
        self.world.all_gather_into(&mine[..], &mut all[..]);
        if all.chunks(3).any(|c| c[0] == 1) {
            return Err(self.compose_failure(local.err()));
        }
        if let Some(r) = all.chunks(3).position(|c| c[1] != all[1]) {
            return Err(mpi_error(format!(
                "rank {r} was given other arguments than rank 0; start every rank with the same command line"
            )));
        }
        Ok(all.chunks(3).map(|c| c[2] as usize).collect())
    }

    /// Agrees on the outcome of local work: `Ok` everywhere, or the same error everywhere.
    fn outcome<T>(&self, local: Result<T>) -> Result<T> {
        let failed = if local.is_err() {
            self.rank() as u64
        } else {
            u64::MAX
        };
        if self.all_min([failed])[0] == u64::MAX {
            return local;
        }
        Err(self.compose_failure(local.err()))
    }

    /// Element-wise MIN over all ranks, as a non-blocking all-reduce polled with sleeps, so a rank
    /// that waits for slower ranks leaves its core to them.
    fn all_min<const N: usize>(&self, send: [u64; N]) -> [u64; N] {
        let mut recv = [0u64; N];
        ::mpi::request::scope(|scope| {
            let mut request = self.world.immediate_all_reduce_into(
                scope,
                &send[..],
                &mut recv[..],
                SystemOperation::min(),
            );
            loop {
                match request.test() {
                    Ok(_) => break,
                    Err(pending) => {
                        request = pending;
                        thread::sleep(POLL);
                    }
                }
            }
        });
        recv
    }

    /// Collective: every rank's bytes, on every rank, in rank order.
    fn all_gather_bytes(&self, mine: &[u8]) -> Vec<Vec<u8>> {
        let mut lens: Vec<Count> = vec![0; self.size()];
        self.world
            .all_gather_into(&(mine.len() as Count), &mut lens[..]);
        let displs: Vec<Count> = lens
            .iter()
            .scan(0, |acc, &l| {
                let d = *acc;
                *acc += l;
                Some(d)
            })
            .collect();
        let mut buf = vec![0u8; lens.iter().map(|&l| l as usize).sum()];
        {
            let mut partition = PartitionMut::new(&mut buf[..], lens.clone(), &displs[..]);
            self.world.all_gather_varcount_into(mine, &mut partition);
        }
        lens.iter()
            .zip(&displs)
            .map(|(&l, &d)| buf[d as usize..][..l as usize].to_vec())
            .collect()
    }

    /// Collective: gathers the messages of the ranks that failed and returns one error saying
    /// which ranks failed and why. A rank's own error comes back as it was when every rank
    /// failed the same way (e.g. a bad argument).
    fn compose_failure(&self, local: Option<Error>) -> Error {
        let text = local.as_ref().map(|e| e.to_string()).unwrap_or_default();
        let messages: Vec<(usize, String)> = self
            .all_gather_bytes(text.as_bytes())
            .into_iter()
            .enumerate()
            .filter(|(_, bytes)| !bytes.is_empty())
            .map(|(r, bytes)| (r, String::from_utf8_lossy(&bytes).into_owned()))
            .collect();
        let size = self.size();
        let composed = compose(&messages, size);
        match local {
            Some(e) if e.to_string() == composed => e,
            _ => mpi_error(composed),
        }
    }
}

/// One line from the failed ranks' messages: the message alone when every rank failed the same
/// way, otherwise "rank 2: ...; ranks 1, 3: ...".
fn compose(messages: &[(usize, String)], size: usize) -> String {
    let mut groups: Vec<(Vec<usize>, &str)> = Vec::new();
    for (rank, text) in messages {
        match groups.iter_mut().find(|(_, t)| *t == text) {
            Some((ranks, _)) => ranks.push(*rank),
            None => groups.push((vec![*rank], text)),
        }
    }
    match groups.as_slice() {
        [] => "a rank failed without a message".to_string(),
        [(ranks, text)] if ranks.len() == size => text.to_string(),
        _ => groups
            .iter()
            .map(|(ranks, text)| {
                let list: Vec<String> = ranks.iter().map(usize::to_string).collect();
                let noun = if ranks.len() == 1 { "rank" } else { "ranks" };
                format!("{noun} {}: {text}", list.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// FNV-1a over the words: equal arguments give equal fingerprints on every rank and machine.
fn fingerprint(words: &[u64]) -> u64 {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    fingerprint_bytes(&bytes)
}

/// FNV-1a over bytes.
fn fingerprint_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn mpi_error(message: impl Into<String>) -> Error {
    Error::Backend {
        backend: NAME,
        message: message.into(),
    }
}

#[cfg(test)]
mod test;
