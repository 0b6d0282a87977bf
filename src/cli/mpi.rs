//! `parlab mpi ...`: the tasks across the ranks of an MPI job. Rank 0 prints exactly what
//! `parlab squares` / `parlab prime` print, with backend "mpi" and workers = all threads of the job.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use clap::Subcommand;

use super::cpu::with_cpu;
use super::print_json;
use crate::mpi::Mpi;
use crate::workloads::Method;
use crate::{Error, Result};

/// `parlab mpi`: run under `mpirun -n P` (or `srun`); without it, parlab runs as one rank.
#[derive(Debug, clap::Args)]
pub(crate) struct MpiArgs {
    #[command(subcommand)]
    task: MpiTask,
    /// Rayon threads per rank (default: cores this rank may use / ranks on this machine, at
    /// least 1; Open MPI binds each rank to one core unless run with --bind-to none).
    #[arg(long, global = true, value_name = "T")]
    threads_per_rank: Option<usize>,
    /// Print one JSON object instead of text (on rank 0).
    #[arg(long, global = true)]
    json: bool,
    /// Fault injection for tests: rank R exits without MPI_Finalize before the task starts.
    #[arg(long, global = true, hide = true, value_name = "R")]
    die_on_rank: Option<usize>,
}

#[derive(Debug, Subcommand)]
enum MpiTask {
    /// Square numpy's random numbers for seeds START..START+COUNT across all ranks (15.1.1); rank 0
    /// gathers them and prints the first and last five results and the time.
    Squares {
        /// First seed.
        #[arg(long, default_value_t = 0)]
        start: u32,
        /// Number of seeds.
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
    },
    /// Check whether N is prime across all ranks (15.1.2); rank 0 prints the verdict, the
    /// smallest factor and the time.
    Prime {
        /// The number to check (1 ..= 18446744073709551615).
        n: u64,
        /// Algorithm: trial or miller-rabin.
        #[arg(long, default_value = "trial", value_parser = super::named(&Method::ALL, Method::name))]
        method: Method,
    },
    /// Exercise 1, the collisionless 2-D thermal gas, with the particles split across all ranks;
    /// rank 0 prints the statistics of `parlab gas` (the same numbers for the same seed).
    Gas(MpiGas),
}

/// The physics flags of `parlab gas` (the backend is MPI; plots stay on `parlab gas`).
#[derive(Debug, clap::Args)]
struct MpiGas {
    #[command(flatten)]
    physics: super::gas::GasParamArgs,
}

/// Runs `parlab mpi ...` on this rank. Errors that every rank agreed on are printed once, by
/// rank 0; a panic aborts the whole job, because the other ranks could not go on without it.
pub(crate) fn main(args: MpiArgs) -> ExitCode {
    let mpi = match Mpi::init() {
        Ok(mpi) => mpi,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if mpi.is_root() && mpi.size() == 1 {
        eprintln!(
            "note: running as a single MPI rank (started without mpirun, or with -n 1); \
             use `mpirun -n P parlab mpi ...` for P ranks"
        );
    }
    match panic::catch_unwind(AssertUnwindSafe(|| run(&mpi, &args))) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            if mpi.is_root() {
                eprintln!("error: {}", super::flags::told(&e, "--threads-per-rank"));
            }
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!(
                "error: rank {} panicked (message above); aborting the MPI job",
                mpi.rank()
            );
            mpi.abort(101)
        }
    }
}

fn run(mpi: &Mpi, args: &MpiArgs) -> Result<()> {
    let pool = mpi.local_pool(args.threads_per_rank)?;
    if args.die_on_rank == Some(mpi.rank()) {
        eprintln!(
            "rank {}: exiting without MPI_Finalize (--die-on-rank)",
            mpi.rank()
        );
        std::process::exit(3);
    }
    // Each rank watches its own machine's cores; rank 0 reports what it saw (`cpu_busy`,
    // `cpu_process`), so the JSON has the single-machine CLI's keys.
    let watch = super::cpu::Watch::start(None)?;
    match &args.task {
        MpiTask::Squares { start, count } => {
            let run = mpi.squares(&pool, *start, *count)?;
            let cpu = watch.stop()?;
            if let Some(run) = run {
                if args.json {
                    print_json(&with_cpu(super::squares_json(&run, *count), cpu.as_ref()))?;
                } else {
                    println!("{run}");
                }
            }
        }
        MpiTask::Prime { n, method } => {
            let answer = mpi.check_prime(&pool, *n, *method)?;
            let cpu = watch.stop()?;
            if mpi.is_root() {
                if args.json {
                    print_json(&with_cpu(super::prime_json(&answer), cpu.as_ref()))?;
                } else {
                    println!("{answer}");
                }
            }
        }
        MpiTask::Gas(gas) => {
            let run = mpi.gas(&pool, &gas.physics.params())?;
            let cpu = watch.stop()?;
            if mpi.is_root() {
                if args.json {
                    let value = serde_json::to_value(&run).map_err(Error::Json)?;
                    print_json(&with_cpu(value, cpu.as_ref()))?;
                } else {
                    println!("{run}");
                }
            }
        }
    }
    Ok(())
}
