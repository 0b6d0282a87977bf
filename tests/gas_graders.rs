//! Exercise 1's graders for the speeds and the start: each passes the library's answer and fails
//! each usual slip on the check that names it. The statistical checks are tried on many seeds,
//! to show that a right answer does not fail by chance. (The model's grader, the warm-up figure
//! and the reports students read: tests/gas_model_grader.rs.)

use std::f64::consts::TAU;
use std::sync::atomic::{AtomicU64, Ordering};

use parlab::gas::exercise::*;
use parlab::gas::{Sampler, Start};

mod gas_samplers;
use gas_samplers::*;

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
