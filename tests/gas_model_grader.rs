//! Exercise 1's grader for the model of N particles (each slip fails the check that names it),
//! the warm-up figure, and the reports a student reads for a skeleton and a solution.

use parlab::gas::exercise::*;
use parlab::gas::{Model, Sampler};

mod gas_samplers;
use gas_samplers::*;

/// A model built from the reference's parts with one of them replaced.
fn model_with(
    params: &GasParams,
    speeds: Sampler,
    step: fn(&mut Particle, f64, f64),
) -> Vec<Vec<(f64, f64)>> {
    let v = speeds(
        params.particles,
        params.mass(),
        params.temperature,
        params.seed,
    );
    let (dt, side) = (params.time_step(), params.box_side);
    let every = params.recording_interval();
    reference::start(&v, side, reference::start_seed(params.seed))
        .into_iter()
        .map(|mut p| {
            let mut path = vec![(p.x, p.y)];
            for k in 1..=params.steps {
                step(&mut p, dt, side);
                if k % every == 0 {
                    path.push((p.x, p.y));
                }
            }
            path
        })
        .collect()
}

fn gas_no_walls(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    model_with(p, reference::speeds, no_walls)
}

fn gas_lossy(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    model_with(p, reference::speeds, loses_energy_at_walls)
}

fn gas_chi3(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    model_with(p, chi3, step_particle)
}

fn gas_mass_in_u(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    model_with(p, mass_in_u, step_particle)
}

/// Ignores `params.dt`: always the default time step.
fn gas_own_dt(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    reference::gas(&GasParams {
        dt: None,
        ..p.clone()
    })
}

/// Records every step, whatever the recording interval.
fn gas_every_step(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    reference::gas(&GasParams {
        record_every: Some(1),
        ..p.clone()
    })
}

/// Records after each step but not the start.
fn gas_no_start(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    let mut paths = reference::gas(p);
    for path in &mut paths {
        path.remove(0);
    }
    paths
}

fn gas_fixed_seed(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    reference::gas(&GasParams {
        seed: 0,
        ..p.clone()
    })
}

#[test]
fn check_gas_passes_the_reference_and_fails_each_slip() {
    let run = GasParams::default();
    let report = check_gas(reference::gas, &run);
    assert!(report.passed(), "{report}");
    assert!(report
        .to_string()
        .starts_with("Your model of the gas passes all 6 checks."));
    let slips: [(Model, &[&str]); 8] = [
        (gas_no_walls, &["inside the box", "the exercise's run"]),
        (gas_lossy, &["energy conserved"]),
        (gas_chi3, &["speeds Maxwell–Boltzmann"]),
        (
            gas_mass_in_u,
            &["energy conserved", "speeds Maxwell–Boltzmann"],
        ),
        (gas_own_dt, &["speeds Maxwell–Boltzmann"]),
        (
            gas_no_start,
            &[
                "one path per particle",
                "inside the box",
                "energy conserved",
                "speeds Maxwell–Boltzmann",
                "the exercise's run",
            ],
        ),
        (gas_fixed_seed, &["reproducible"]),
        (gas_every_step, &["one path per particle", "inside the box"]),
    ];
    for (f, failed) in slips {
        let report = check_gas(f, &run);
        assert_eq!(report.failed(), failed, "{report}");
    }
    assert!(failure(&check_gas(gas_lossy, &run), "energy conserved").contains("elastic wall"));
}

#[test]
fn check_gas_asks_for_the_exercises_run() {
    let runs = [
        (
            GasParams {
                temperature: 350.0,
                ..GasParams::default()
            },
            "300 K",
        ),
        (
            GasParams {
                mass_amu: 28.0 * 1.0e-3,
                ..GasParams::default()
            },
            "N2",
        ),
        (
            GasParams {
                steps: 50,
                ..GasParams::default()
            },
            "at least 100 steps",
        ),
        (
            GasParams {
                dt: Some(1e-3),
                ..GasParams::default()
            },
            "per step",
        ),
    ];
    for (run, says) in runs {
        let report = check_gas(reference::gas, &run);
        assert_eq!(report.failed(), ["the exercise's run"], "{report}");
        assert!(
            failure(&report, "the exercise's run").contains(says),
            "{report}"
        );
    }
    let side_two = GasParams {
        box_side: 2.0,
        ..GasParams::default()
    };
    assert!(check_gas(reference::gas, &side_two).passed());
}

/// The warm-up figure: 100 000 of a sampler's speeds in 50 bins with the 2-D curve and
/// Wikipedia's 3-D one. A right sampler's bars follow the 2-D curve, chi(3)'s the 3-D one.
/// Written to target/tmp/warm-up-*.png for a look (.svg without the feature `png`).
#[test]
fn the_warm_up_shows_the_histogram_against_both_curves() {
    use parlab::gas::{speed_pdf, speed_pdf_3d};
    use parlab::plot::{save, svg, warm_up_histogram};
    let params = GasParams::default();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let ext = if cfg!(feature = "png") { "png" } else { "svg" };
    for (name, f, pdf) in [
        (
            "right",
            right_speeds as Sampler,
            speed_pdf as fn(&GasParams, f64) -> f64,
        ),
        ("chi3", chi3, speed_pdf_3d),
    ] {
        let sample = f(100_000, params.mass(), params.temperature, 1);
        let chart =
            warm_up_histogram(&params, &sample, 50).labelled(format!("{name}: 100 000 speeds"));
        let (width, heights) = chart.densities();
        let worst = heights
            .iter()
            .enumerate()
            .map(|(i, h)| (h - pdf(&params, (i as f64 + 0.5) * width)).abs())
            .fold(0.0, f64::max);
        let peak = pdf(
            &params,
            params.speed_scale() * if name == "right" { 1.0 } else { 2f64.sqrt() },
        );
        assert!(worst < 0.06 * peak, "{name}: {worst} vs peak {peak}");
        let picture = svg(&chart).unwrap();
        for text in [
            "2-D M–B",
            "3-D M–B (Wikipedia)",
            "100 000 speeds",
            "speed v (m/s)",
        ] {
            assert!(picture.as_str().contains(text), "{text}");
        }
        save(&chart, dir.join(format!("warm-up-{name}.{ext}"))).unwrap();
    }
    // Far-off samples leave the curves readable: speeds near 0 are cut at the top, speeds far
    // above the curves are counted beyond the axis.
    for (name, f, says) in [
        ("unscaled", unscaled as Sampler, "(bars cut at the top)"),
        ("mass-in-u", mass_in_u, "(100000 beyond the axis)"),
    ] {
        let sample = f(100_000, params.mass(), params.temperature, 1);
        let chart = warm_up_histogram(&params, &sample, 50).labelled(name);
        let picture = svg(&chart).unwrap();
        assert!(picture.as_str().contains(says), "{name}");
        assert!(picture.as_str().contains("2-D M–B"), "{name}");
        save(&chart, dir.join(format!("warm-up-{name}.{ext}"))).unwrap();
    }
}

/// The report a student reads for a wrong and a right answer of each part, as the notebook's
/// skeletons and solutions give them (printed for `--nocapture`; the summaries are asserted).
#[test]
fn each_grader_reports_a_skeleton_and_a_solution() {
    fn skeleton_speeds(n: usize, _mass: f64, _temperature: f64, seed: u64) -> Vec<f64> {
        scaled_chi(2, 1.0, n, seed)
    }
    fn skeleton_start(speeds: &[f64], side: f64, _seed: u64) -> Vec<Particle> {
        let centre = |&v: &f64| Particle {
            x: 0.5 * side,
            y: 0.5 * side,
            vx: v,
            vy: 0.0,
        };
        speeds.iter().map(centre).collect()
    }
    fn skeleton_gas(_params: &GasParams) -> Vec<Vec<(f64, f64)>> {
        Vec::new()
    }
    let run = GasParams::default();
    let reports = [
        (
            check_speeds(skeleton_speeds),
            "Your speed sampler passes 2 of 4 checks.",
        ),
        (
            check_speeds(reference::speeds),
            "Your speed sampler passes all 4 checks.",
        ),
        (
            check_start(skeleton_start),
            "Your start passes 3 of 6 checks.",
        ),
        (
            check_start(reference::start),
            "Your start passes all 6 checks.",
        ),
        (
            check_step(no_walls),
            "Your step function passes 1 of 5 checks.",
        ),
        (
            check_step(step_particle),
            "Your step function passes all 5 checks.",
        ),
        (
            check_gas(skeleton_gas, &run),
            "Your model of the gas passes 0 of 6 checks.",
        ),
        (
            check_gas(reference::gas, &run),
            "Your model of the gas passes all 6 checks.",
        ),
    ];
    for (report, summary) in reports {
        println!("{report}\n");
        assert!(report.to_string().starts_with(summary), "{report}");
    }
}
