//! The `parlab` command line: thin calls into the library.
//!
//! `squares` and `prime` report progress while they run (`--progress auto`, the default: an
//! indicatif bar when stderr is a terminal, otherwise a plain line at most once a second, so
//! short runs stay silent) and draw the task stream with `--trace FILE.png|FILE.svg`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::backends::{cpu_count, MapOptions};
use crate::workloads::{
    check_prime_with, squares_io_with, squares_with, AnyBackend, BackendKind, Method,
};
use crate::{plot, table, Error, Result};

mod bench;
mod breakpoint;
mod cluster;
mod cpu;
mod dashboard;
mod flags;
mod gas;
mod gpu;
mod interrupt;
#[cfg(feature = "mpi")]
mod mpi;
mod output;
mod progress;

pub(crate) use output::{prime_json, print_json, squares_json};
use output::{to_json, write};

use dashboard::DashboardArgs;
use progress::{ProgressMode, Reporter};

/// Reproduce the parallel-computing module's results on this machine.
#[derive(Debug, Parser)]
#[command(name = "parlab", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Square numpy's random numbers for seeds START..START+COUNT (15.1.1) and print the first and
    /// last five results and the time.
    Squares {
        /// First seed.
        #[arg(long, default_value_t = 0)]
        start: u32,
        /// Number of seeds.
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
        #[command(flatten)]
        run: RunArgs,
        /// Sleep this many seconds in every task: the I/O-bound variant of 15.2 (try --count 100).
        #[arg(long, value_name = "SECONDS")]
        io_sleep: Option<f64>,
    },
    /// Check whether N is prime (15.1.2) and print the verdict, the smallest factor and the time.
    Prime {
        /// The number to check (1 ..= 18446744073709551615).
        n: u64,
        #[command(flatten)]
        run: RunArgs,
        /// Algorithm: trial or miller-rabin.
        #[arg(long, default_value = "trial", value_parser = named(&Method::ALL, Method::name))]
        method: Method,
    },
    /// Measure the module's summary table on this machine: both tasks on every backend.
    Table {
        /// Seeds squared per backend (times are reported per 10^6).
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
        /// Number checked for primality.
        #[arg(long, default_value_t = table::MODULE_PRIME)]
        prime: u64,
        /// Workers per backend (default: all cores).
        #[arg(long)]
        workers: Option<usize>,
        /// Print JSON instead of markdown.
        #[arg(long)]
        json: bool,
        /// Also write table.md, table.json and table.svg into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        dashboard: DashboardArgs,
    },
    /// List the backends, one line each (the GPU last, with its adapter).
    Backends,
    /// List the GPU adapters wgpu finds (Vulkan, Metal, DX12, GL), and the one `--backend gpu`
    /// uses.
    Gpu,
    /// The engine cluster (ipyparallel): list, start.
    Cluster {
        #[command(subcommand)]
        command: cluster::ClusterCommand,
    },
    /// Measure the kernels on 1 core and all cores, every backend's per-task overhead, and
    /// (with --python) the module's Python side by side.
    Bench(bench::BenchArgs),
    /// Breakpoint 1 (15.1.2): the question asked on the terminal (or `--answer TEXT`), the
    /// answer graded, and the experiment that settles it.
    Breakpoint(breakpoint::BreakpointArgs),
    /// Exercise 1: a collisionless 2-D thermal gas; physics checks, trajectories, histogram.
    Gas(gas::GasArgs),
    /// Run a task across the ranks of an MPI job: `mpirun -n 4 parlab mpi prime N`.
    #[cfg(feature = "mpi")]
    Mpi(mpi::MpiArgs),
    /// Run a task across MPI ranks (this parlab was built without MPI: rebuild with
    /// `cargo build --release --features mpi`).
    #[cfg(not(feature = "mpi"))]
    #[command(disable_help_flag = true)]
    Mpi {
        /// The arguments of `parlab mpi`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

impl Command {
    /// The flag that sets this command's worker count, for its errors.
    fn workers_flag(&self) -> &'static str {
        match self {
            Command::Cluster {
                command: cluster::ClusterCommand::Start { .. },
            } => "--engines",
            _ => "--workers",
        }
    }
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Execution backend (see `parlab backends`), or gpu (cargo feature `gpu`).
    #[arg(long, default_value = "rayon", value_parser = named(&BackendKind::ALL, BackendKind::name))]
    backend: BackendKind,
    /// Workers (default: all cores).
    #[arg(long)]
    workers: Option<usize>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Draw the task stream (which worker ran each task, when) into FILE (.png or .svg).
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Draw per-core CPU utilization during the run into FILE (.png or .svg).
    #[arg(long, value_name = "FILE")]
    cpu: Option<PathBuf>,
    /// Progress while running: a bar on a terminal, plain lines otherwise (auto), or none.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
    #[command(flatten)]
    dashboard: DashboardArgs,
}

impl RunArgs {
    fn build(&self) -> Result<AnyBackend> {
        cpu::check_figure("--trace", self.trace.as_deref())?;
        cpu::check_figure("--cpu", self.cpu.as_deref())?;
        self.backend.build(self.workers.unwrap_or_else(cpu_count))
    }

    /// Refuses the flags that mean nothing on the GPU; true when the GPU was asked for.
    fn on_gpu(&self) -> Result<bool> {
        if self.backend != BackendKind::Gpu {
            return Ok(false);
        }
        gpu::refuse("--workers", self.workers.is_some())?;
        gpu::refuse("--trace", self.trace.is_some())?;
        gpu::refuse("--cpu", self.cpu.is_some())?;
        Ok(true)
    }

    fn options(&self, reporter: &Reporter) -> MapOptions {
        let options = MapOptions::traced(self.trace.is_some());
        match reporter.progress() {
            Some(p) => options.with_progress(p),
            None => options,
        }
    }

    fn save_trace(&self, trace: Option<&crate::backends::TaskStream>) -> Result<()> {
        if let (Some(path), Some(trace)) = (&self.trace, trace) {
            plot::save(trace, path)?;
            eprintln!(
                "wrote the task stream ({} tasks) to {}",
                trace.spans.len(),
                path.display()
            );
        }
        Ok(())
    }
}

/// Longest `--io-sleep` accepted, in seconds (an hour per task is already no lab exercise).
const MAX_SLEEP: f64 = 3600.0;

/// A clap parser for one of parlab's named enums: the help lists `all`'s names, and a value is
/// parsed by its [`FromStr`](std::str::FromStr), which says what the names are when it fails.
pub(crate) fn named<T>(
    all: &[T],
    name: fn(T) -> &'static str,
) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: Copy + Send + Sync + 'static + std::str::FromStr<Err = Error>,
{
    use clap::builder::TypedValueParser;
    let names: Vec<&'static str> = all.iter().map(|&t| name(t)).collect();
    clap::builder::PossibleValuesParser::new(names).try_map(|s: String| s.parse::<T>())
}

/// Parses the command line, runs it, prints errors as one line, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = interrupt::install() {
        eprintln!("warning: {e}");
    }
    #[cfg(feature = "mpi")]
    if let Command::Mpi(args) = cli.command {
        return mpi::main(args);
    }
    let workers = cli.command.workers_flag();
    let outcome = run(cli);
    interrupt::settle();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", flags::told(&e, workers));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Squares {
            start,
            count,
            run,
            io_sleep,
        } => {
            if count == 0 {
                return Err(Error::invalid(
                    "--count",
                    "got 0; square at least 1 seed, e.g. --count 1000000",
                ));
            }
            if let Some(s) = io_sleep.filter(|s| !(s.is_finite() && (0.0..=MAX_SLEEP).contains(s)))
            {
                return Err(Error::invalid(
                    "--io-sleep",
                    format!("{s:.3e} is not a number of seconds from 0 to {MAX_SLEEP}, e.g. --io-sleep 0.1"),
                ));
            }
            if run.on_gpu()? {
                gpu::refuse("--io-sleep", io_sleep.is_some())?;
                gpu::refuse("--dashboard", run.dashboard.asked())?;
                return gpu::squares(start, count, run.json);
            }
            let _dashboard = run.dashboard.start()?;
            let backend = run.build()?;
            let seeds = u64::from(start)..u64::from(start).saturating_add(count);
            let reporter = Reporter::new(run.progress, "squares");
            let watch = cpu::Watch::start(run.cpu.as_deref())?;
            let result = match io_sleep {
                None => squares_with(&backend, seeds, &run.options(&reporter))?,
                Some(s) => squares_io_with(
                    &backend,
                    seeds,
                    Duration::try_from_secs_f64(s)
                        .map_err(|e| Error::invalid("--io-sleep", e.to_string()))?,
                    &run.options(&reporter),
                )?,
            };
            let cpu_trace = watch.stop()?;
            reporter.finish();
            run.save_trace(result.trace.as_ref())?;
            if run.json {
                print_json(&cpu::with_cpu(
                    squares_json(&result, count),
                    cpu_trace.as_ref(),
                ))
            } else {
                println!("{result}");
                Ok(())
            }
        }
        Command::Prime { n, run, method } => {
            if run.on_gpu()? {
                gpu::refuse("--method miller-rabin", method == Method::MillerRabin)?;
                gpu::refuse("--dashboard", run.dashboard.asked())?;
                return gpu::prime(n, run.json);
            }
            let _dashboard = run.dashboard.start()?;
            let backend = run.build()?;
            let reporter = Reporter::new(run.progress, "prime");
            let watch = cpu::Watch::start(run.cpu.as_deref())?;
            let answer = check_prime_with(&backend, n, method, &run.options(&reporter))?;
            let cpu_trace = watch.stop()?;
            reporter.finish();
            run.save_trace(answer.trace.as_ref())?;
            if run.json {
                print_json(&cpu::with_cpu(prime_json(&answer), cpu_trace.as_ref()))
            } else {
                println!("{answer}");
                Ok(())
            }
        }
        Command::Table {
            count,
            prime,
            workers,
            json,
            out,
            dashboard,
        } => {
            if let Some(dir) = &out {
                std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
            }
            if count == 0 {
                return Err(Error::invalid(
                    "--count",
                    "got 0; the table times squaring at least 1 seed, e.g. --count 1000000",
                ));
            }
            let workers = workers.unwrap_or_else(cpu_count);
            let _dashboard = dashboard.start()?;
            eprintln!(
                "measuring {} backends with {workers} workers: {count} squares and is {prime} prime?",
                BackendKind::CPU.len()
            );
            let t = table::measure(&BackendKind::CPU, workers, count, prime, |row| {
                eprintln!(
                    "  {:<16} squares {:.3} s, prime {:.3} s",
                    row.backend, row.squares_seconds, row.prime_seconds
                )
            })?;
            if json {
                print_json(&t)?;
            } else {
                print!("{t}");
            }
            if let Some(dir) = out {
                write(&dir.join("table.md"), t.to_markdown())?;
                write(&dir.join("table.json"), to_json(&t)?)?;
                plot::save(&t, dir.join("table.svg"))?;
                eprintln!(
                    "wrote table.md, table.json and table.svg in {}",
                    dir.display()
                );
            }
            Ok(())
        }
        Command::Cluster { command } => cluster::run(command),
        Command::Bench(args) => bench::run(args),
        #[cfg(feature = "mpi")]
        Command::Mpi(_) => unreachable!("`parlab mpi` is dispatched by `main`"),
        #[cfg(not(feature = "mpi"))]
        Command::Mpi { .. } => Err(Error::Backend {
            backend: "mpi",
            message: "this parlab was built without MPI; install Open MPI (scripts/setup.sh) and \
                      rebuild with `cargo build --release --features mpi`"
                .to_string(),
        }),
        Command::Backends => {
            for kind in BackendKind::ALL {
                let description = match kind {
                    BackendKind::Gpu => gpu::description(),
                    kind => kind.description().to_string(),
                };
                println!(
                    "{:<16} {:<40} {description}",
                    kind.name(),
                    kind.stands_for()
                );
            }
            Ok(())
        }
        Command::Gpu => gpu::list(),
        Command::Gas(args) => gas::run(args),
        Command::Breakpoint(args) => breakpoint::run(args),
    }
}
