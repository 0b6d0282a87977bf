//! The GPU backend (cargo feature `gpu`) against the CPU: squares bit-identical to numpy, the
//! smallest factor exact, the gas's physics checks. In CI these run on Mesa's llvmpipe Vulkan
//! device (`mesa-vulkan-drivers`, installed by scripts/setup.sh); a machine with no adapter
//! fails them, it does not skip them.
#![cfg(feature = "gpu")]

use std::sync::OnceLock;

use parlab::gas::{free_flight, GasParams, Particles};
use parlab::gpu::{adapters, FlightPlan, Gpu};
use parlab::prelude::*;
use parlab::tasks::{random_square, smallest_factor_in, squares::squares_into, Subinterval};
use rand::{RngExt, SeedableRng};

/// One device for every test (compiling the shaders takes a while on llvmpipe).
fn gpu() -> &'static Gpu {
    static GPU: OnceLock<Gpu> = OnceLock::new();
    GPU.get_or_init(|| match Gpu::new() {
        Ok(gpu) => gpu,
        Err(e) => panic!("the gpu tests need an adapter: {e}"),
    })
}

fn rng() -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(2026)
}

#[test]
fn an_adapter_is_found_and_named() {
    let found = adapters();
    assert!(!found.is_empty(), "no adapter: install mesa-vulkan-drivers");
    let chosen = gpu().adapter();
    assert!(found.contains(chosen), "{chosen} not in {found:?}");
    eprintln!("running on {chosen}");
}

#[test]
fn squares_match_the_cpu_on_the_first_million_seeds() {
    let gpu_run = squares(gpu(), 0..1_000_000).unwrap();
    let mut cpu = vec![0; 1_000_000];
    squares_into(0, &mut cpu);
    assert_eq!(gpu_run.results, cpu);
    assert_eq!(gpu_run.first5(), [25, 25, 64, 64, 49]);
    assert_eq!(gpu_run.last5(), [81, 36, 1, 1, 1]);
    assert_eq!((gpu_run.backend, gpu_run.workers), ("gpu", 1));
}

#[test]
fn squares_match_numpy_on_random_u32_seeds() {
    let data = include_str!("data/numpy_squares.csv");
    let (seeds, numpy): (Vec<u32>, Vec<u32>) = data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("seed"))
        .map(|l| {
            let (s, v) = l.split_once(',').unwrap();
            (s.parse::<u32>().unwrap(), v.parse::<u32>().unwrap())
        })
        .unzip();
    assert!(seeds.len() > 4000 && seeds.contains(&u32::MAX));
    assert_eq!(gpu().squares_of(&seeds).unwrap(), numpy);
    // Fresh random seeds against the CPU reference, and ranges that start anywhere.
    let mut rng = rng();
    let fresh: Vec<u32> = (0..100_000).map(|_| rng.random()).collect();
    let cpu: Vec<u32> = fresh.iter().map(|&s| random_square(s)).collect();
    assert_eq!(gpu().squares_of(&fresh).unwrap(), cpu);
    for _ in 0..20 {
        let start: u32 = rng.random();
        let count = rng
            .random_range(1..3000u64)
            .min(u64::from(u32::MAX - start) + 1);
        let expected: Vec<u32> = (0..count)
            .map(|i| random_square(start + i as u32))
            .collect();
        assert_eq!(
            gpu().squares(start, count).unwrap(),
            expected,
            "start {start}"
        );
    }
}

#[test]
fn squares_wrap_past_the_last_seed_like_the_cpu() {
    let start = u32::MAX - 99;
    let mut cpu = vec![0; 300];
    squares_into(start, &mut cpu);
    assert_eq!(gpu().squares(start, 300).unwrap(), cpu);
    assert!(gpu().squares(0, (1 << 32) + 1).is_err());
}

#[test]
fn the_full_generator_path_gives_the_same_draws() {
    // short_draws = 0 sends every seed through the 624-word generator; 1 and 2 mix both paths.
    let start = 123_456_789;
    let expected: Vec<u32> = (0..20_000).map(|i| random_square(start + i)).collect();
    for short in [0, 1, 2] {
        let got = gpu().squares_with_short_path(start, 20_000, short).unwrap();
        assert_eq!(got, expected, "short_draws = {short}");
    }
    assert!(gpu().squares_with_short_path(0, 1, 228).is_err());
}

#[test]
fn the_module_numbers_on_the_gpu() {
    let answer = check_prime(gpu(), 999_999_874_000_003_969).unwrap();
    assert_eq!(answer.factor, Some(999_999_937));
    assert!(!answer.is_prime);
    assert_eq!(answer.backend, "gpu");
    let answer = check_prime(gpu(), 489_133_282_872_437_279).unwrap();
    assert!(answer.is_prime && answer.factor.is_none());
}

#[test]
fn the_smallest_factor_matches_the_cpu() {
    let pool = RayonPool::new(2).unwrap();
    for n in (1..1000).chain([999_962_000_357, 1_000_003 * 999_983, 3 * 1_000_003]) {
        let cpu = check_prime(&pool, n).unwrap();
        let gpu_answer = check_prime(gpu(), n).unwrap();
        assert_eq!(
            (gpu_answer.is_prime, gpu_answer.factor),
            (cpu.is_prime, cpu.factor),
            "n = {n}"
        );
    }
    // Subintervals anywhere below 2^32, numbers with and without 3 and 5 as factors (the wheel
    // and the plain scan), divisors above 2^31.
    let mut rng = rng();
    for case in 0..300 {
        let hi: u64 = if case % 3 == 0 {
            u64::from(u32::MAX) - rng.random_range(0..2000)
        } else {
            rng.random_range(10..=u64::from(u32::MAX))
        };
        let lo = (hi.saturating_sub(rng.random_range(0..20_000)).max(3)) | 1;
        let n = match case % 4 {
            0 => rng.random::<u64>(),
            1 => {
                let x = rng.random_range(lo..=hi.max(lo)) | 1;
                x * rng.random_range(1..=u64::MAX / x)
            }
            2 => 15 * rng.random_range(1..=u64::MAX / 15),
            _ => u64::from(u32::MAX) * rng.random_range(1..=u64::from(u32::MAX) + 1),
        };
        let sub = Subinterval {
            n,
            lo,
            hi: hi.max(lo),
        };
        let expected = smallest_factor_in(&sub);
        let got = gpu().smallest_factor_in(n, sub.lo, sub.hi).unwrap();
        assert_eq!(got, expected, "n = {n}, {}..={}", sub.lo, sub.hi);
    }
    assert!(gpu().smallest_factor_in(91, 4, 9).is_err());
    assert!(gpu().smallest_factor_in(91, 3, 1 << 32).is_err());
}

/// The CPU test's run: 20 000 particles crossing the box about 40 times.
fn pressure_params() -> GasParams {
    GasParams {
        particles: 20_000,
        steps: 4000,
        dt: Some(10.0 * GasParams::default().default_dt()),
        ..GasParams::default()
    }
}

#[test]
fn the_gas_checks_hold_on_the_gpu() {
    let params = pressure_params();
    let run = simulate(gpu(), &params).unwrap();
    assert_eq!(run.energy_drift, 0.0);
    assert_eq!(run.inside_fraction, 1.0);
    assert!(
        (run.pressure_ratio - 1.0).abs() < 0.01,
        "{}",
        run.pressure_ratio
    );
    assert!((run.pressure_ratio_nominal - 1.0).abs() < 0.03);
    assert!(run.fit_p_value > 0.001, "{}", run.fit_p_value);
    // The same particles as the CPU run, up to f32: the same wall hits but for a handful.
    let cpu = simulate(&RayonPool::new(2).unwrap(), &params).unwrap();
    assert!(
        (run.wall_hits - cpu.wall_hits).abs() <= 1e-4 * cpu.wall_hits,
        "{} vs {}",
        run.wall_hits,
        cpu.wall_hits
    );
    assert!((run.pressure / cpu.pressure - 1.0).abs() < 1e-4);
    // Twice the box side: a quarter of the pressure (2-D: P = N k T / L^2).
    let big = simulate(
        gpu(),
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
fn gpu_paths_follow_the_closed_form_in_f32() {
    // Ordinary steps, and steps that cross the box several times (the fold).
    for (factor, tolerance) in [(1.0, 1e-4), (3000.0, 3e-3)] {
        let params = GasParams {
            particles: 4000,
            steps: 1000,
            dt: Some(factor * GasParams::default().default_dt()),
            record: 10,
            ..GasParams::default()
        };
        // The closed form from the f32-rounded start: what is left is the steps' rounding.
        let mut start = Particles::sample(&params, 0, params.particles);
        for v in [&mut start.x, &mut start.y, &mut start.vx, &mut start.vy] {
            v.iter_mut().for_each(|c| *c = f64::from(*c as f32));
        }
        let mut p: Vec<[f32; 4]> = (0..start.len())
            .map(|i| [start.x[i], start.y[i], start.vx[i], start.vy[i]].map(|v| v as f32))
            .collect();
        let dt = params.time_step();
        let plan = FlightPlan {
            dt: dt as f32,
            side: 1.0,
            steps: 1000,
            record: 10,
            every: 10,
        };
        let flight = gpu().fly(&mut p, &plan).unwrap();
        let t = 1000.0 * dt;
        let mut worst: f64 = 0.0;
        for (i, q) in p.iter().enumerate() {
            let (x, vx) = free_flight(start.x[i], start.vx[i], t, 1.0);
            let (y, vy) = free_flight(start.y[i], start.vy[i], t, 1.0);
            worst = worst
                .max((f64::from(q[0]) - x).abs())
                .max((f64::from(q[1]) - y).abs());
            assert!((0.0..=1.0).contains(&q[0]) && (0.0..=1.0).contains(&q[1]));
            assert_eq!(q[2].abs(), (vx as f32).abs(), "speed of particle {i}");
            assert_eq!(q[3].abs(), (vy as f32).abs(), "speed of particle {i}");
        }
        eprintln!("dt x {factor}: worst position error after 1000 steps {worst:.2e} of the box");
        assert!(worst < tolerance, "{worst}");
        assert_eq!(flight.paths.len(), 10);
        assert!(flight.paths.iter().all(|path| path.len() == 101));
        assert_eq!(flight.paths[3][0], [start.x[3] as f32, start.y[3] as f32]);
    }
}

#[test]
fn recorded_paths_and_bad_plans() {
    let params = GasParams {
        particles: 300,
        steps: 250,
        record: 7,
        record_every: Some(5),
        ..GasParams::default()
    };
    let run = simulate(gpu(), &params).unwrap();
    let cpu = simulate(&Sequential, &params).unwrap();
    assert_eq!(run.paths.len(), 7);
    for (g, c) in run.paths.iter().zip(&cpu.paths) {
        assert_eq!((g.index, g.x.len()), (c.index, c.x.len()));
        assert!(g.x.iter().zip(&c.x).all(|(a, b)| (a - b).abs() < 1e-5));
    }
    let mut p = [[0.5f32, 0.5, 1.0, 1.0]];
    let plan = FlightPlan {
        dt: 1e-3,
        side: 1.0,
        steps: 1,
        record: 0,
        every: 1,
    };
    assert!(gpu().fly(&mut p, &FlightPlan { every: 0, ..plan }).is_err());
    assert!(gpu()
        .fly(
            &mut p,
            &FlightPlan {
                dt: f32::NAN,
                ..plan
            }
        )
        .is_err());
    let tiny = GasParams {
        dt: Some(1e-300),
        ..params.clone()
    };
    assert!(simulate(gpu(), &tiny)
        .unwrap_err()
        .to_string()
        .contains("time step"));
    assert!(simulate(
        gpu(),
        &GasParams {
            particles: 0,
            ..params
        }
    )
    .is_err());
}

#[test]
fn the_gpu_is_a_backend_kind_that_runs_the_workloads_and_refuses_kernels() {
    let backend = BackendKind::Gpu.build(1).unwrap();
    assert_eq!((backend.name(), backend.workers()), ("gpu", 1));
    let run = squares(&backend, 0..1000).unwrap();
    assert_eq!(run.results, squares(&Sequential, 0..1000).unwrap().results);
    assert_eq!(run.backend, "gpu");
    let answer = check_prime(&backend, 1_000_003 * 999_983).unwrap();
    assert_eq!((answer.factor, answer.backend), (Some(999_983), "gpu"));
    let params = GasParams {
        particles: 500,
        steps: 100,
        ..GasParams::default()
    };
    assert_eq!(simulate(&backend, &params).unwrap().energy_drift, 0.0);
    // No closures, no kernels: a GPU runs only its shaders.
    let err = backend.map(|x: u32| x + 1, [1, 2]).unwrap_err().to_string();
    assert!(err.contains("only parlab's shaders"), "{err}");
    assert!(backend.run(&RandomSquare, &[0]).is_err());
    // One dispatch cannot be stopped midway: a timeout is refused, not ignored.
    let timed = MapOptions::default().with_timeout(std::time::Duration::from_secs(1));
    let err = squares_with(gpu(), 0..10, &timed).unwrap_err().to_string();
    assert!(err.contains("timeout"), "{err}");
}
