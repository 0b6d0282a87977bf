//! Exercise 1's graders for the speeds, the start and the model: each passes the library's
//! answer and fails each usual slip on the check that names it. The statistical checks are
//! tried on many seeds, to show that a right answer does not fail by chance.

use std::f64::consts::TAU;
use std::sync::atomic::{AtomicU64, Ordering};

use parlab::gas::exercise::*;
use parlab::gas::{Model, Report, Sampler, Start};

fn scaled_chi(k: u64, scale: f64, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let chi = Chi::new(k).unwrap();
    (0..n).map(|_| scale * rng.sample(chi)).collect()
}

fn kt_over_m(mass: f64, temperature: f64) -> f64 {
    BOLTZMANN * temperature / mass
}

/// The right answer, written as a student would with statrs' Chi::new(2).
fn right_speeds(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(2, kt_over_m(mass, temperature).sqrt(), n, seed)
}

/// The module's own density, x² exp(-x²/2): chi(3), the 3-D distribution.
fn chi3(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(3, kt_over_m(mass, temperature).sqrt(), n, seed)
}

/// chi(3) rescaled so that its mean is the 2-D one: only the shape is wrong.
fn chi3_right_mean(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    let pi = std::f64::consts::PI;
    scaled_chi(3, kt_over_m(mass, temperature).sqrt() * pi / 4.0, n, seed)
}

fn unscaled(n: usize, _mass: f64, _temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(2, 1.0, n, seed)
}

fn sqrt_2kt(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(2, (2.0 * kt_over_m(mass, temperature)).sqrt(), n, seed)
}

fn kt_not_sqrt(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(2, kt_over_m(mass, temperature), n, seed)
}

/// Treats the mass argument (kg) as atomic mass units.
fn mass_in_u(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    scaled_chi(
        2,
        kt_over_m(mass * ATOMIC_MASS_UNIT, temperature).sqrt(),
        n,
        seed,
    )
}

fn unseeded(n: usize, mass: f64, temperature: f64, _seed: u64) -> Vec<f64> {
    let chi = Chi::new(2).unwrap();
    let scale = kt_over_m(mass, temperature).sqrt();
    let mut rng = rand::rng();
    (0..n).map(|_| scale * rng.sample(chi)).collect()
}

fn one_short(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    right_speeds(n.saturating_sub(1), mass, temperature, seed)
}

fn failure<'a>(report: &'a Report, name: &str) -> &'a str {
    report
        .check(name)
        .and_then(|c| c.failure.as_deref())
        .unwrap_or_else(|| panic!("{name} passed:\n{report}"))
}

#[test]
fn check_speeds_passes_chi2_scaled_by_sqrt_kt_over_m_and_the_reference() {
    for f in [right_speeds as Sampler, reference::speeds] {
        let report = check_speeds(f);
        assert!(report.passed(), "{report}");
        assert_eq!(report.checks.len(), 4);
        assert!(report
            .to_string()
            .starts_with("Your speed sampler passes all 4 checks."));
    }
}

#[test]
fn check_speeds_fails_each_usual_slip_and_names_it() {
    let mean = "mean speed sqrt(πkT/2m)";
    let shape = "2-D Maxwell–Boltzmann";
    let slips: [(Sampler, &[&str], &str); 6] = [
        (chi3, &[mean, shape], "chi(3)"),
        (unscaled, &[mean, shape], "no scale factor"),
        (sqrt_2kt, &[mean, shape], "sqrt(2kT/m)"),
        (kt_not_sqrt, &[mean, shape], "kT/m"),
        (mass_in_u, &[mean, shape], "mass in u"),
        (chi3_right_mean, &[shape], "Kolmogorov–Smirnov"),
    ];
    for (f, failed, says) in slips {
        let report = check_speeds(f);
        assert_eq!(report.failed(), failed, "{report}");
        assert!(report.to_string().contains(says), "{says}:\n{report}");
    }
    let report = check_speeds(unseeded);
    assert_eq!(report.failed(), ["reproducible"], "{report}");
    let report = check_speeds(one_short);
    assert!(failure(&report, "returns n speeds").contains("returned 0 speeds"));
}

#[test]
fn check_speeds_reports_a_panic_and_skips_the_rest() {
    let report = check_speeds(|_, _, _, _| todo!("the speeds"));
    assert_eq!(report.failed().len(), 4);
    assert!(failure(&report, "returns n speeds").contains("panicked: not yet implemented"));
    assert!(failure(&report, "reproducible").starts_with("not run"));
}

static SALT: AtomicU64 = AtomicU64::new(0);

fn salted_speeds(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
    right_speeds(n, mass, temperature, seed ^ SALT.load(Ordering::Relaxed))
}

fn salted_start(speeds: &[f64], side: f64, seed: u64) -> Vec<Particle> {
    reference::start(speeds, side, seed ^ SALT.load(Ordering::Relaxed))
}

/// A right answer with other seeds than the graders' own: 40 samplers and 40 starts, each
/// graded on 4 or 2 statistical samples, all pass (each statistical check fails a right answer
/// with probability below 10⁻⁶, so one failure here would point to a wrong test, not bad luck).
/// One test, so that the salt is never changed under another test.
#[test]
fn right_answers_with_other_seeds_pass_every_statistical_check() {
    for salt in 1..=40u64 {
        SALT.store(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15), Ordering::Relaxed);
        let report = check_speeds(salted_speeds);
        assert!(report.passed(), "salt {salt}:\n{report}");
        let report = check_start(salted_start);
        assert!(report.passed(), "salt {salt}:\n{report}");
    }
}

fn particle(v: f64, x: f64, y: f64, angle: f64) -> Particle {
    let (sin, cos) = angle.sin_cos();
    Particle {
        x,
        y,
        vx: v * cos,
        vy: v * sin,
    }
}

/// Starts built from three uniform numbers per particle: `(u1, u2, u3, v, side) -> particle`.
fn start_with(
    speeds: &[f64],
    side: f64,
    seed: u64,
    make: fn([f64; 3], f64, f64) -> Particle,
) -> Vec<Particle> {
    let mut rng = StdRng::seed_from_u64(seed);
    speeds
        .iter()
        .map(|&v| make([rng.random(), rng.random(), rng.random()], v, side))
        .collect()
}

fn diagonal(s: &[f64], side: f64, seed: u64) -> Vec<Particle> {
    start_with(s, side, seed, |u, v, l| {
        particle(v, l * u[0], l * u[0], TAU * u[2])
    })
}

fn unit_box(s: &[f64], side: f64, seed: u64) -> Vec<Particle> {
    start_with(s, side, seed, |u, v, _| particle(v, u[0], u[1], TAU * u[2]))
}

fn centred(s: &[f64], side: f64, seed: u64) -> Vec<Particle> {
    start_with(s, side, seed, |u, v, l| {
        particle(v, l * (u[0] - 0.5), l * (u[1] - 0.5), TAU * u[2])
    })
}

fn upwards(s: &[f64], side: f64, seed: u64) -> Vec<Particle> {
    start_with(s, side, seed, |u, v, l| {
        particle(v, l * u[0], l * u[1], 0.5 * TAU * u[2])
    })
}

/// Direction from a random point of the square [-1, 1]², normalized: more diagonals.
fn square_directions(s: &[f64], side: f64, seed: u64) -> Vec<Particle> {
    let mut rng = StdRng::seed_from_u64(seed);
    s.iter()
        .map(|&v| {
            let (x, y) = (side * rng.random::<f64>(), side * rng.random::<f64>());
            let (a, b) = (
                2.0 * rng.random::<f64>() - 1.0,
                2.0 * rng.random::<f64>() - 1.0,
            );
            particle(v, x, y, b.atan2(a))
        })
        .collect()
}

/// Each velocity component set to the speed: |v| is √2 too large.
fn components_are_speed(s: &[f64], side: f64, seed: u64) -> Vec<Particle> {
    start_with(s, side, seed, |u, v, l| {
        let (sin, cos) = (TAU * u[2]).sin_cos();
        Particle {
            x: l * u[0],
            y: l * u[1],
            vx: v * cos.signum(),
            vy: v * sin.signum(),
        }
    })
}

fn same_every_time(s: &[f64], side: f64, _seed: u64) -> Vec<Particle> {
    reference::start(s, side, 1)
}

#[test]
fn check_start_passes_the_reference_and_fails_each_slip() {
    let report = check_start(reference::start);
    assert!(report.passed(), "{report}");
    assert!(report
        .to_string()
        .starts_with("Your start passes all 6 checks."));
    let slips: [(Start, &[&str]); 7] = [
        (diagonal, &["positions uniform"]),
        (unit_box, &["inside the box", "positions uniform"]),
        (centred, &["inside the box", "positions uniform"]),
        (upwards, &["directions uniform"]),
        (square_directions, &["directions uniform"]),
        (components_are_speed, &["speeds kept", "directions uniform"]),
        (same_every_time, &["reproducible"]),
    ];
    for (f, failed) in slips {
        let report = check_start(f);
        assert_eq!(report.failed(), failed, "{report}");
    }
    assert!(failure(&check_start(diagonal), "positions uniform").contains("correlation 1.000"));
}

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

fn no_walls(p: &mut Particle, dt: f64, _side: f64) {
    p.x += p.vx * dt;
    p.y += p.vy * dt;
}

fn lossy_walls(p: &mut Particle, dt: f64, side: f64) {
    let (vx, vy) = (p.vx, p.vy);
    step_particle(p, dt, side);
    if p.vx != vx {
        p.vx *= 0.9;
    }
    if p.vy != vy {
        p.vy *= 0.9;
    }
}

fn gas_no_walls(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    model_with(p, reference::speeds, no_walls)
}

fn gas_lossy(p: &GasParams) -> Vec<Vec<(f64, f64)>> {
    model_with(p, reference::speeds, lossy_walls)
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
/// Written to target/tmp/warm-up-*.png for a look.
#[test]
fn the_warm_up_shows_the_histogram_against_both_curves() {
    use parlab::gas::{speed_pdf, speed_pdf_3d};
    use parlab::plot::{save, svg, warm_up_histogram};
    let params = GasParams::default();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
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
        save(&chart, dir.join(format!("warm-up-{name}.png"))).unwrap();
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
        save(&chart, dir.join(format!("warm-up-{name}.png"))).unwrap();
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
