//! Exercise 1, the collisionless 2-D gas: exact walls, physics checks, worker independence.

use parlab::gas::{
    advance, fit_test, free_flight, run_block, speeds, step_axis, GasBlock, GasParams, Particles,
};
use parlab::plot::svg;
use parlab::prelude::*;

fn small(particles: usize, steps: usize) -> GasParams {
    GasParams {
        particles,
        steps,
        ..GasParams::default()
    }
}

/// Stepped positions and velocities against the closed-form reflection folding.
fn assert_matches_closed_form(params: &GasParams, tolerance: f64) {
    let start = Particles::sample(params, 0, params.particles);
    let mut p = start.clone();
    let (dt, side) = (params.time_step(), params.box_side);
    advance(&mut p, dt, side, params.steps, |_, _| {});
    let t = dt * params.steps as f64;
    for i in 0..p.len() {
        let (x, vx) = free_flight(start.x[i], start.vx[i], t, side);
        let (y, vy) = free_flight(start.y[i], start.vy[i], t, side);
        assert!(
            (p.x[i] - x).abs() <= tolerance * side,
            "x of {i}: {} vs {x}",
            p.x[i]
        );
        assert!(
            (p.y[i] - y).abs() <= tolerance * side,
            "y of {i}: {} vs {y}",
            p.y[i]
        );
        assert_eq!((p.vx[i], p.vy[i]), (vx, vy), "velocity of particle {i}");
    }
}

#[test]
fn stepping_agrees_with_the_closed_form() {
    assert_matches_closed_form(&small(600, 1000), 1e-9);
}

#[test]
fn many_bounces_per_step_agree_with_the_closed_form() {
    // The mean particle crosses 7 boxes per step: the general fold path.
    let params = GasParams {
        dt: Some(7.0 / GasParams::default().mean_speed_theory()),
        ..small(300, 50)
    };
    assert_matches_closed_form(&params, 1e-9);
    let run = simulate(&Sequential, &params).unwrap();
    assert_eq!(run.inside_fraction, 1.0);
    assert_eq!(run.energy_drift, 0.0);
}

#[test]
fn one_step_through_two_walls() {
    // From 0.2 at 2.5 box lengths per step: right wall, left wall, ends at 0.7 going right.
    let (mut x, mut v, mut hits) = (vec![0.2], vec![2.5], vec![0.0]);
    step_axis(&mut x, &mut v, &mut hits, 1.0, 1.0);
    assert!((x[0] - 0.7).abs() < 1e-12);
    assert_eq!((v[0], hits[0]), (2.5, 2.0));
    // Three walls (left, right, left): reversed, 0.3 from the left wall.
    let (mut x, mut v, mut hits) = (vec![0.5], vec![-2.8], vec![0.0]);
    step_axis(&mut x, &mut v, &mut hits, 1.0, 1.0);
    assert!((x[0] - 0.3).abs() < 1e-12, "{}", x[0]);
    assert_eq!((v[0], hits[0]), (2.8, 3.0));
}

#[test]
fn fast_and_general_steps_give_the_same_bits() {
    let params = small(256, 1);
    let p = Particles::sample(&params, 0, 256);
    let dt = 50.0 * params.time_step();
    let (mut xa, mut va, mut ha) = (p.x.clone(), p.vx.clone(), vec![0.0; 256]);
    // One very fast extra particle sends the whole slice through the general fold.
    let (mut xb, mut vb, mut hb) = (p.x.clone(), p.vx.clone(), vec![0.0; 257]);
    xb.push(0.5);
    vb.push(1e9);
    for _ in 0..100 {
        step_axis(&mut xa, &mut va, &mut ha, dt, 1.0);
        step_axis(&mut xb, &mut vb, &mut hb, dt, 1.0);
    }
    assert!(ha.iter().sum::<f64>() > 100.0, "the test must bounce");
    assert_eq!(xa[..], xb[..256]);
    assert_eq!(va[..], vb[..256]);
    assert_eq!(ha[..], hb[..256]);
}

#[test]
fn energy_and_box_are_exact() {
    let run = simulate(&Sequential, &small(2000, 1000)).unwrap();
    assert_eq!(run.energy_drift, 0.0);
    assert_eq!(run.inside_fraction, 1.0);
    assert!(run.wall_hits > 0.0);
    for path in &run.paths {
        assert!(path
            .x
            .iter()
            .chain(&path.y)
            .all(|c| (0.0..=1.0).contains(c)));
    }
}

#[test]
fn identical_on_every_backend_and_worker_count() {
    let params = GasParams {
        record: 1000,
        ..small(5000, 40)
    };
    let base = simulate(&Sequential, &params).unwrap();
    assert_eq!(base.paths.len(), 1000, "recorded paths span several blocks");
    for kind in BackendKind::CPU {
        for workers in [1, 2, 3] {
            let run = simulate(&kind.build(workers).unwrap(), &params).unwrap();
            let what = format!("{kind} with {workers} workers");
            assert_eq!(run.paths, base.paths, "{what}");
            assert_eq!(run.speeds, base.speeds, "{what}");
            assert_eq!(run.pressure.to_bits(), base.pressure.to_bits(), "{what}");
            assert_eq!(run.wall_hits, base.wall_hits, "{what}");
            assert_eq!(
                run.fit_p_value.to_bits(),
                base.fit_p_value.to_bits(),
                "{what}"
            );
        }
    }
}

#[test]
fn a_particle_does_not_depend_on_its_block() {
    let params = small(100, 300);
    let whole = run_block(&GasBlock {
        params: params.clone(),
        start: 0,
        len: 100,
    });
    let mut parts = Vec::new();
    for (start, len) in [(0, 37), (37, 1), (38, 62)] {
        let out = run_block(&GasBlock {
            params: params.clone(),
            start,
            len,
        });
        parts.extend(out.paths);
    }
    assert_eq!(whole.paths, parts);
}

#[test]
fn the_seed_decides_and_particles_do_not_depend_on_n() {
    let a = simulate(&Sequential, &small(50, 10)).unwrap();
    let b = simulate(&Sequential, &small(80, 10)).unwrap();
    let c = simulate(
        &Sequential,
        &GasParams {
            seed: 1,
            ..small(50, 10)
        },
    )
    .unwrap();
    assert_eq!(a.paths[..], b.paths[..50]);
    assert_eq!(a.speeds, speeds(&small(50, 10), 50));
    assert_ne!(a.speeds, c.speeds);
}

#[test]
fn speeds_follow_maxwell_boltzmann() {
    let params = small(20_000, 1);
    let run = simulate(&RayonPool::new(2).unwrap(), &params).unwrap();
    assert!(run.fit_p_value > 0.001, "p = {}", run.fit_p_value);
    assert!((run.mean_speed / run.mean_speed_theory - 1.0).abs() < 0.01);
    assert!((run.kinetic_temperature / 300.0 - 1.0).abs() < 0.03);
    // Heavier particles (CO2, 44 u) are slower: N2 speeds fail the test for them.
    let co2 = GasParams {
        mass_amu: 44.0095,
        ..params.clone()
    };
    assert!(fit_test(&co2, &run.speeds).p_value < 1e-6);
    let theory = co2.mean_speed_theory() / params.mean_speed_theory();
    assert!((theory - (28.0134f64 / 44.0095).sqrt()).abs() < 1e-12);
}

#[test]
fn wall_pressure_is_the_ideal_gas_law() {
    // 20000 particles crossing about 10 boxes each.
    let params = GasParams {
        dt: Some(10.0 * GasParams::default().default_dt()),
        ..small(20_000, 1000)
    };
    let run = simulate(&RayonPool::new(2).unwrap(), &params).unwrap();
    assert!(
        (run.pressure_ratio - 1.0).abs() < 0.01,
        "{}",
        run.pressure_ratio
    );
    assert!((run.pressure_ratio_nominal - 1.0).abs() < 0.03);
    // Twice the box side: a quarter of the pressure (2-D: P = N k T / L^2).
    let big = simulate(
        &RayonPool::new(2).unwrap(),
        &GasParams {
            box_side: 2.0,
            dt: Some(20.0 * GasParams::default().default_dt()),
            ..params
        },
    )
    .unwrap();
    assert!((big.pressure / run.pressure * 4.0 - 1.0).abs() < 0.03);
}

#[test]
fn recording_keeps_the_asked_frames() {
    let params = GasParams {
        record: 5,
        record_every: Some(7),
        ..small(1000, 100)
    };
    let run = simulate(&Sequential, &params).unwrap();
    assert_eq!(run.paths.len(), 5);
    assert!(run.paths.iter().all(|p| p.x.len() == 15 && p.y.len() == 15));
    assert_eq!(run.paths[4].index, 4);
    let out = run_block(&GasBlock {
        params: small(10, 5),
        start: 200,
        len: 10,
    });
    assert!(
        out.paths.is_empty(),
        "particles 200.. are past the first 100"
    );
}

#[test]
fn bad_input_names_the_value() {
    let cases = [
        (small(0, 10), "invalid particles:"),
        (small(10, 0), "invalid steps:"),
        (
            GasParams {
                box_side: 0.0,
                ..small(10, 10)
            },
            "invalid box side:",
        ),
        (
            GasParams {
                box_side: f64::INFINITY,
                ..small(10, 10)
            },
            "invalid box side:",
        ),
        (
            GasParams {
                temperature: -3.0,
                ..small(10, 10)
            },
            "invalid temperature:",
        ),
        (
            GasParams {
                mass_amu: 0.0,
                ..small(10, 10)
            },
            "invalid mass:",
        ),
        (
            GasParams {
                dt: Some(0.0),
                ..small(10, 10)
            },
            "invalid time step:",
        ),
        (
            GasParams {
                dt: Some(f64::NAN),
                ..small(10, 10)
            },
            "invalid time step:",
        ),
        (
            GasParams {
                record_every: Some(0),
                ..small(10, 10)
            },
            "invalid record interval:",
        ),
    ];
    // In the library's words (a notebook sets fields, not flags); `parlab gas` adds the flags.
    for (params, what) in cases {
        let err = simulate(&Sequential, &params).unwrap_err().to_string();
        assert!(err.starts_with(what) && !err.contains("--"), "{err}");
    }
}

#[test]
fn charts_and_json() {
    let run = simulate(&Sequential, &small(100, 200)).unwrap();
    let t = svg(&run.trajectory_chart(100)).unwrap();
    assert!(t.as_str().contains("Trajectories of 100 of 100 particles"));
    assert!(t.as_str().contains("x (m)"));
    let h = svg(&warm_up_histogram(
        &run.params,
        &speeds(&run.params, 5000),
        50,
    ))
    .unwrap();
    assert!(h.as_str().contains("P(v)") && h.as_str().contains("speed v (m/s)"));
    let json = serde_json::to_value(&run).unwrap();
    for key in [
        "particles",
        "steps",
        "dt",
        "box",
        "temperature",
        "mass_amu",
        "seed",
        "workers",
        "seconds",
        "energy_drift",
        "inside_fraction",
        "mean_speed",
        "mean_speed_theory",
        "fit_p_value",
        "pressure",
        "pressure_ideal",
        "pressure_ratio",
        "particle_steps_per_second",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert!(json.get("paths").is_none());
    assert!(run.to_string().contains("pressure"));
}

/// Runs the `parlab` program, which only the `cli` feature builds.
#[cfg(feature = "cli")]
#[test]
fn cli_reports_json_and_names_bad_flags() {
    let exe = env!("CARGO_BIN_EXE_parlab");
    let dir = std::env::temp_dir().join(format!("parlab-gas-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (t, h) = (dir.join("t.svg"), dir.join("h.png"));
    let out = std::process::Command::new(exe)
        .args([
            "gas",
            "--particles",
            "50",
            "--steps",
            "100",
            "--json",
            "--out",
        ])
        .arg(&t)
        .arg("--histogram")
        .arg(&h)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["particles"], 50);
    assert_eq!(json["inside_fraction"], 1.0);
    assert!(std::fs::metadata(&t).unwrap().len() > 1000);
    assert!(std::fs::metadata(&h).unwrap().len() > 1000);
    let bad = std::process::Command::new(exe)
        .args(["gas", "--temperature", "-5"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--temperature"));
    std::fs::remove_dir_all(&dir).ok();
}
