//! `parlab gas`: Exercise 1, the collisionless 2-D thermal gas.

use std::path::PathBuf;

use crate::backends::cpu_count;
use crate::gas::{speeds, GasParams, NITROGEN_AMU};
use crate::plot::warm_up_histogram;
use crate::workloads::{simulate, BackendKind};

/// Speeds sampled for the warm-up histogram, as in the exercise.
const WARM_UP_SAMPLES: usize = 100_000;
use crate::{plot, Result};

/// The physics flags of a gas run, shared by `parlab gas` and `parlab mpi gas`.
#[derive(Debug, clap::Args)]
pub(crate) struct GasParamArgs {
    /// Number of particles N.
    #[arg(long, default_value_t = 100)]
    particles: usize,
    /// Number of time steps.
    #[arg(long, default_value_t = 1000)]
    steps: usize,
    /// Time step in seconds (default: the mean particle crosses 1/1000 of the box per step).
    #[arg(long, allow_negative_numbers = true)]
    dt: Option<f64>,
    /// Side of the square box, metres.
    #[arg(long = "box", default_value_t = 1.0, allow_negative_numbers = true)]
    box_side: f64,
    /// Temperature, kelvin.
    #[arg(long, default_value_t = 300.0, allow_negative_numbers = true)]
    temperature: f64,
    /// Particle mass in atomic mass units (default: N2).
    #[arg(long, default_value_t = NITROGEN_AMU, allow_negative_numbers = true)]
    mass_amu: f64,
    /// Seed; the run does not depend on how the work is split (backend, workers, ranks).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Record the paths of this many particles (the first ones) for the trajectory plot.
    #[arg(long, default_value_t = 100)]
    record: usize,
    /// Record positions every this many steps (default: keep at most about 1000 frames).
    #[arg(long)]
    record_every: Option<usize>,
}

impl GasParamArgs {
    /// The parameters these flags describe.
    pub(crate) fn params(&self) -> GasParams {
        GasParams {
            particles: self.particles,
            steps: self.steps,
            dt: self.dt,
            box_side: self.box_side,
            temperature: self.temperature,
            mass_amu: self.mass_amu,
            seed: self.seed,
            record: self.record,
            record_every: self.record_every,
        }
    }
}

/// Flags of `parlab gas`.
#[derive(Debug, clap::Args)]
pub struct GasArgs {
    #[command(flatten)]
    physics: GasParamArgs,
    /// Execution backend, or gpu (cargo feature `gpu`).
    #[arg(long, default_value = "rayon", value_parser = super::named(&BackendKind::ALL, BackendKind::name))]
    backend: BackendKind,
    /// Workers (default: all cores).
    #[arg(long)]
    workers: Option<usize>,
    /// Write the trajectories of the recorded particles to this .png or .svg file.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write the warm-up histogram (100000 speeds, 50 bins, against P(v)) to this .png or .svg.
    #[arg(long, value_name = "FILE")]
    histogram: Option<PathBuf>,
    /// Draw per-core CPU utilization during the run into FILE (.png or .svg).
    #[arg(long, value_name = "FILE")]
    cpu: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    dashboard: super::dashboard::DashboardArgs,
}

/// Runs `parlab gas`.
pub(crate) fn run(args: GasArgs) -> Result<()> {
    let params = args.physics.params();
    params.check()?;
    let backend = match args.backend {
        BackendKind::Gpu => {
            super::gpu::refuse("--workers", args.workers.is_some())?;
            super::gpu::refuse("--cpu", args.cpu.is_some())?;
            super::gpu::refuse("--dashboard", args.dashboard.asked())?;
            None // opened below, after the figures' names are checked
        }
        kind => Some(kind.build(args.workers.unwrap_or_else(cpu_count))?),
    };
    let _dashboard = args.dashboard.start()?;
    super::cpu::check_figure("--out", args.out.as_deref())?;
    super::cpu::check_figure("--histogram", args.histogram.as_deref())?;
    let watch = super::cpu::Watch::start(args.cpu.as_deref())?;
    let backend = match backend {
        Some(backend) => backend,
        None => super::gpu::open()?.0,
    };
    let run = simulate(&backend, &params)?;
    let cpu_trace = watch.stop()?;
    if args.json {
        let value = serde_json::to_value(&run).map_err(crate::Error::Json)?;
        super::print_json(&super::cpu::with_cpu(value, cpu_trace.as_ref()))?;
    } else {
        println!("{run}");
    }
    if let Some(path) = &args.out {
        plot::save(&run.trajectory_chart(params.record), path)?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.histogram {
        plot::save(
            &warm_up_histogram(&params, &speeds(&params, WARM_UP_SAMPLES), 50),
            path,
        )?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
