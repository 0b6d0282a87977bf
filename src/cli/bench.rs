//! `parlab bench`: kernel and backend figures, and the module's Python side by side.

use crate::backends::cpu_count;
use crate::bench::{self, python, Machine, PythonSide, Report};
use crate::table::MODULE_PRIME;
use crate::tasks::{is_prime_miller_rabin, squares::squares_into, Flavor};
use crate::workloads::BackendKind;
use crate::{Error, Result};

/// Options of `parlab bench`.
#[derive(Debug, clap::Args)]
pub(super) struct BenchArgs {
    /// Runs per figure; medians and spread (min – max) are reported.
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Also run the module's Python cells (scripts/module_python.py) and print the ratios; the
    /// interpreter is $PARLAB_PYTHON or python3, with numpy (takes a few minutes).
    #[arg(long)]
    python: bool,
    /// Also compile the C reference kernels (src/bench/c_reference.c, with $CC or cc) and print
    /// parlab's all-core times as a fraction of theirs (numpy-style squares and plain trial
    /// division on one core, `--repeat` runs each).
    #[arg(long)]
    c: bool,
    /// Runs per Python cell.
    #[arg(long, default_value_t = 1)]
    python_repeat: usize,
    /// Seeds squared.
    #[arg(long, default_value_t = 1_000_000)]
    count: u64,
    /// Number checked by trial division.
    #[arg(long, default_value_t = MODULE_PRIME)]
    prime: u64,
    /// Workers of the parallel runs (default: all cores).
    #[arg(long)]
    workers: Option<usize>,
    /// Backend of the parallel kernel runs.
    #[arg(long, default_value = "rayon", value_parser = super::named(&BackendKind::CPU, BackendKind::name))]
    backend: BackendKind,
    /// Kernel flavor (default: the fastest this CPU runs).
    #[arg(long, value_parser = super::named(&Flavor::ALL, Flavor::name))]
    flavor: Option<Flavor>,
    /// No-op tasks per backend for the per-task overhead.
    #[arg(long, default_value_t = 100_000)]
    tasks: usize,
    /// Seconds a backend's overhead map may take; slower backends get fewer tasks.
    #[arg(long, default_value_t = 5.0)]
    budget: f64,
}

/// The most runs per figure (or per Python cell) `--repeat` may ask for.
const MAX_REPEAT: usize = 1000;

pub(super) fn run(args: BenchArgs) -> Result<()> {
    for (flag, value) in [
        ("--repeat", args.repeat),
        ("--python-repeat", args.python_repeat),
    ] {
        if !(1..=MAX_REPEAT).contains(&value) {
            return Err(Error::invalid(
                flag,
                format!("got {value}; give 1 to {MAX_REPEAT} runs per figure, e.g. {flag} 5"),
            ));
        }
    }
    crate::tasks::squares::blocks(0, args.count)?;
    crate::limits::check_memory(
        "the benchmark's squares",
        args.count.saturating_mul(16),
        format!(
            "it keeps two copies of the results, 16 B per seed ({} seeds); ask for fewer (--count)",
            args.count
        ),
    )?;
    let workers = args.workers.unwrap_or_else(cpu_count);
    let flavor = args.flavor.unwrap_or_else(Flavor::best);
    let parallel = args.backend.build(workers)?;
    let r = args.repeat;
    eprintln!(
        "bench: squares of {} seeds ({flavor}), {r} runs ...",
        args.count
    );
    let squares = bench::squares_scaling(&parallel, flavor, args.count, r)?;
    eprintln!(
        "bench: trial division of {} ({flavor}), {r} runs ...",
        args.prime
    );
    let prime = bench::prime_scaling(&parallel, flavor, args.prime, r)?;
    eprintln!(
        "bench: per-task overhead of {} backends ...",
        BackendKind::CPU.len()
    );
    let overhead = bench::overheads(&BackendKind::CPU, workers, args.tasks, r, args.budget)?;
    let mut report = Report {
        machine: Machine {
            cpu: bench::cpu_model(),
            cores: cpu_count(),
            flavor: flavor.name().to_string(),
        },
        squares,
        prime,
        overhead,
        python: None,
        c: None,
    };
    if args.c {
        eprintln!("bench: the C reference kernels, {r} runs each (seconds) ...");
        report.c = Some(bench::c_reference::CSide::measure(
            args.count,
            args.prime,
            r,
            report.squares.all_cores.median,
            report.prime.all_cores.median,
        ));
    }
    if args.python {
        let py = python::interpreter();
        report.python = Some(match python::has_numpy(&py) {
            Err(why) => {
                eprintln!("bench: skipping the Python side: {why}");
                PythonSide::unavailable(why.to_string())
            }
            Ok(()) => {
                eprintln!("bench: the module's Python cells with {py} (minutes) ...");
                let figures =
                    python::run(&py, args.count, args.prime, workers, args.python_repeat)?;
                let count = usize::try_from(args.count).unwrap_or(usize::MAX);
                let mut out = vec![0; count];
                squares_into(0, &mut out);
                let sum = out.iter().map(|&v| u64::from(v)).sum();
                let verdict = is_prime_miller_rabin(args.prime);
                PythonSide::compare(figures, &report, sum, verdict)
            }
        });
    }
    if args.json {
        super::print_json(&report)?;
    } else {
        print!("{report}");
    }
    Ok(())
}
