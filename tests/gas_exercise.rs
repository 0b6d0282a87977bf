//! Exercise 1 as an exercise: `check_step` on right and wrong step functions, and the gas run
//! with the student's step on every backend.

use parlab::gas::{check_step, step_particle, Particle};
use parlab::prelude::*;

mod gas_samplers;
use gas_samplers::{loses_energy_at_walls, no_walls};

/// The usual first solution: one reflection per wall per step.
fn one_bounce(p: &mut Particle, dt: f64, side: f64) {
    for (x, v) in [(&mut p.x, &mut p.vx), (&mut p.y, &mut p.vy)] {
        *x += *v * dt;
        if *x < 0.0 {
            *x = -*x;
            *v = -*v;
        } else if *x > side {
            *x = 2.0 * side - *x;
            *v = -*v;
        }
    }
}

#[test]
fn the_right_step_passes_every_check() {
    let report = check_step(step_particle);
    assert!(report.passed(), "{report}");
    assert_eq!(report.checks.len(), 5);
    assert!(report
        .checks
        .iter()
        .all(|c| c.cases > 0 && c.failure.is_none()));
    assert!(report
        .to_string()
        .starts_with("Your step function passes all 5 checks."));
}

#[test]
fn a_step_without_walls_fails_stays_in_the_box() {
    let report = check_step(no_walls);
    assert!(!report.passed());
    let failed = report.failed();
    assert!(failed.contains(&"stays in the box"), "{report}");
    assert!(!failed.contains(&"energy conserved"), "{report}");
    let why = report
        .check("stays in the box")
        .unwrap()
        .failure
        .clone()
        .unwrap();
    assert!(why.contains("outside the box"), "{why}");
    assert!(report.to_string().contains("FAIL  stays in the box"));
}

#[test]
fn a_step_that_loses_energy_at_the_walls_fails_energy_conserved() {
    let report = check_step(loses_energy_at_walls);
    let failed = report.failed();
    assert!(failed.contains(&"energy conserved"), "{report}");
    assert!(!failed.contains(&"stays in the box"), "{report}");
    let why = report
        .check("energy conserved")
        .unwrap()
        .failure
        .clone()
        .unwrap();
    assert!(why.contains("speed changed"), "{why}");
}

#[test]
fn a_one_bounce_step_fails_only_several_bounces() {
    let report = check_step(one_bounce);
    assert_eq!(report.failed(), ["several bounces in one step"], "{report}");
}

#[test]
fn a_panicking_step_fails_with_its_message_and_the_caller_goes_on() {
    let report = check_step(|_: &mut Particle, _: f64, _: f64| todo!("write the step"));
    assert_eq!(report.failed().len(), 5);
    let first = &report.checks[0];
    let why = first.failure.as_deref().unwrap();
    assert!(
        why.contains("panicked: not yet implemented: write the step"),
        "{why}"
    );
    assert_eq!(first.cases, 1);
    for check in &report.checks[1..] {
        let why = check.failure.as_deref().unwrap();
        assert!(
            why.starts_with("not run: the step function panicked in \"stays in the box\""),
            "{why}"
        );
        assert_eq!(check.cases, 0);
    }
}

#[test]
fn the_students_step_runs_on_every_in_process_backend_and_matches_the_library() {
    let params = GasParams {
        particles: 300,
        steps: 200,
        ..GasParams::default()
    };
    let library = simulate(&Sequential, &params).unwrap();
    let chart = parlab::plot::svg(&library.trajectory_chart(20)).unwrap();
    assert!(chart
        .as_str()
        .contains("Trajectories of 20 of 300 particles, 200 steps"));
    for kind in BackendKind::CPU {
        let backend = kind.build(2).unwrap();
        let result = simulate_with_step(&backend, &params, step_particle);
        if kind == BackendKind::Cluster {
            let err = result.unwrap_err().to_string();
            assert!(err.contains("closure") || err.contains("remote"), "{err}");
            continue;
        }
        let run = result.unwrap();
        assert_eq!(run.paths, library.paths, "{kind}");
        assert_eq!(run.energy_drift, 0.0, "{kind}");
        assert_eq!(run.inside_fraction, 1.0, "{kind}");
        assert_eq!(run.wall_hits, library.wall_hits, "{kind}");
        assert!((run.pressure_ratio / library.pressure_ratio - 1.0).abs() < 1e-12);
        // The same paths draw the same picture.
        let drawn = parlab::plot::svg(&run.trajectory_chart(20)).unwrap();
        assert!(drawn.as_str() == chart.as_str(), "{kind}");
    }
    let bad = simulate_with_step(&Sequential, &params, no_walls).unwrap();
    assert!(bad.inside_fraction < 1.0);
}

#[test]
fn a_traced_run_with_the_students_step_keeps_one_span_per_block_and_the_same_physics() {
    use parlab::workloads::simulate_with_step_options;
    let params = GasParams {
        particles: 5000,
        steps: 50,
        ..GasParams::default()
    };
    let pool = RayonPool::new(2).unwrap();
    let plain = simulate_with_step(&pool, &params, step_particle).unwrap();
    assert!(plain.trace.is_none());
    let traced =
        simulate_with_step_options(&pool, &params, step_particle, &MapOptions::traced(true))
            .unwrap();
    let stream = traced
        .trace
        .clone()
        .expect("a traced run keeps its task stream");
    let blocks = params
        .particles
        .div_ceil(parlab::gas::block_len(params.particles));
    assert_eq!(stream.spans.len(), blocks);
    assert_eq!(traced.paths, plain.paths);
    assert_eq!(traced.wall_hits, plain.wall_hits);
    let (_, cpu) = CpuMonitor::watch(|| ()).unwrap();
    let picture = parlab::plot::svg(&parlab::plot::Stacked(stream, cpu)).unwrap();
    assert!(picture.as_str().contains("Task stream"));
}
