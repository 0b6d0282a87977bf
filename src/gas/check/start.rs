//! [`check_start`]: whether a student's start puts the particles at random positions in the
//! box, moving in random directions at the given speeds.

use std::f64::consts::TAU;

use super::stat::{correlation, ks, SIGNIFICANCE};
use super::{guarded, n, percent, report, short, Outcome, Report};
use crate::gas::{speeds, GasParams, Particle};

/// A start: `(speeds in m/s, box side in m, seed) -> one particle per speed`.
pub type Start = fn(&[f64], f64, u64) -> Vec<Particle>;

/// Particles the statistical checks draw.
const SAMPLES: usize = 100_000;

/// The box sides tried, metres.
const SIDES: [f64; 3] = [1.0, 2.5, 0.01];

const CHECKS: [(&str, &str); 6] = [
    (
        "one particle per speed",
        "1, 10 and 100 000 speeds give as many particles",
    ),
    (
        "speeds kept",
        "particle i moves at speeds[i]: sqrt(vx² + vy²) = speeds[i]",
    ),
    (
        "inside the box",
        "every particle starts in [0, L]², for L = 1, 2.5 and 0.01 m",
    ),
    (
        "positions uniform",
        "x/L and y/L are uniform on [0, 1] (Kolmogorov–Smirnov, p > 1e-6) and uncorrelated",
    ),
    (
        "directions uniform",
        "the angle of (vx, vy) is uniform on [0, 2π) (Kolmogorov–Smirnov, p > 1e-6)",
    ),
    (
        "reproducible",
        "the same seed gives the same particles, another seed other particles",
    ),
];

/// Checks a start `f(speeds, side, seed)` of Exercise 1: one particle per speed, moving at that
/// speed, inside the box `[0, side]²`, with positions uniform over the box (x and y
/// independent), directions uniform over the circle, and reproducible from its seed.
///
/// # Examples
///
/// ```
/// use std::f64::consts::TAU;
/// use parlab::gas::{check_start, Particle};
/// use parlab::gas::exercise::{RngExt, SeedableRng, StdRng};
///
/// fn my_start(speeds: &[f64], side: f64, seed: u64) -> Vec<Particle> {
///     let mut rng = StdRng::seed_from_u64(seed);
///     speeds.iter().map(|&v| {
///         let (x, y) = (side * rng.random::<f64>(), side * rng.random::<f64>());
///         let (sin, cos) = (TAU * rng.random::<f64>()).sin_cos();
///         Particle { x, y, vx: v * cos, vy: v * sin }
///     }).collect()
/// }
/// assert!(check_start(my_start).passed());
///
/// // Angles in [0, π): every particle starts upwards.
/// fn upwards(speeds: &[f64], side: f64, seed: u64) -> Vec<Particle> {
///     let mut rng = StdRng::seed_from_u64(seed);
///     speeds.iter().map(|&v| {
///         let (x, y) = (side * rng.random::<f64>(), side * rng.random::<f64>());
///         let (sin, cos) = (0.5 * TAU * rng.random::<f64>()).sin_cos();
///         Particle { x, y, vx: v * cos, vy: v * sin }
///     }).collect()
/// }
/// assert_eq!(check_start(upwards).failed(), ["directions uniform"]);
/// ```
pub fn check_start(f: Start) -> Report {
    let speeds = speeds(&GasParams::default(), SAMPLES);
    let mut big: Option<Result<Vec<Particle>, String>> = None;
    let mut sample = || {
        big.get_or_insert_with(|| guarded("my_start", || f(&speeds, SIDES[1], 21)))
            .clone()
    };
    report("Your start", "particles", &CHECKS, |check| match check {
        0 => count(f, &speeds),
        1 => on_big(&mut sample, |p| kept(p, &speeds)),
        2 => inside(f, &speeds),
        3 => on_big(&mut sample, positions),
        4 => on_big(&mut sample, directions),
        _ => reproducible(f, &speeds),
    })
}

fn count(f: Start, speeds: &[f64]) -> Outcome {
    let mut tried = 0;
    for len in [1, 10, SAMPLES] {
        tried += len;
        let got = match guarded("my_start", || f(&speeds[..len], 1.0, 3)) {
            Ok(p) => p.len(),
            Err(why) => return (tried, Some(why)),
        };
        if got != len {
            return (
                tried,
                Some(format!(
                    "my_start(speeds, 1 m, seed 3) with {len} speeds returned {got} particles"
                )),
            );
        }
    }
    (tried, None)
}

/// Runs `judge` on the start of [`SAMPLES`] particles in a box of side 2.5 m.
fn on_big(
    sample: &mut impl FnMut() -> Result<Vec<Particle>, String>,
    judge: impl Fn(&[Particle]) -> Option<String>,
) -> Outcome {
    match sample() {
        Ok(p) if p.len() != SAMPLES => (
            SAMPLES,
            Some(format!("asked for {SAMPLES} particles, got {}", p.len())),
        ),
        Ok(p) => (SAMPLES, judge(&p)),
        Err(why) => (SAMPLES, Some(why)),
    }
}

fn kept(particles: &[Particle], speeds: &[f64]) -> Option<String> {
    particles
        .iter()
        .zip(speeds)
        .enumerate()
        .find(|(_, (p, v))| {
            let gap = (p.speed() - **v).abs();
            gap.is_nan() || gap > 1e-12 * **v
        })
        .map(|(i, (p, v))| {
            format!(
                "particle {i} was given speed {} m/s but has v = ({}, {}) m/s, speed {} m/s",
                n(*v),
                n(p.vx),
                n(p.vy),
                n(p.speed())
            )
        })
}

fn inside(f: Start, speeds: &[f64]) -> Outcome {
    let mut tried = 0;
    for side in SIDES {
        let sample = &speeds[..10_000];
        tried += sample.len();
        let particles = match guarded("my_start", || f(sample, side, 4)) {
            Ok(p) => p,
            Err(why) => return (tried, Some(why)),
        };
        let within = |c: f64| (0.0..=side).contains(&c);
        if let Some((i, p)) = particles
            .iter()
            .enumerate()
            .find(|(_, p)| !(within(p.x) && within(p.y)))
        {
            return (
                tried,
                Some(format!(
                    "box side L = {side} m, seed 4: particle {i} starts at (x, y) = ({}, {}) m, \
                     outside [0, {side}]²",
                    n(p.x),
                    n(p.y)
                )),
            );
        }
    }
    (tried, None)
}

fn positions(p: &[Particle]) -> Option<String> {
    let side = SIDES[1];
    let uniform = |u: f64| u.clamp(0.0, 1.0);
    for (axis, values) in [
        ("x", p.iter().map(|p| p.x / side).collect::<Vec<_>>()),
        ("y", p.iter().map(|p| p.y / side).collect()),
    ] {
        let test = ks(&values, uniform);
        if test.p_value < SIGNIFICANCE {
            return Some(format!(
                "{SAMPLES} particles in a box of side {side} m, seed 21: {} of them have \
                 {axis}/L at or below {}, where uniform positions put {} (Kolmogorov–Smirnov \
                 p = {:.1e}): {axis} is not uniform over [0, L]",
                percent(test.fraction),
                short(test.at),
                percent(test.expected),
                test.p_value
            ));
        }
    }
    let x: Vec<f64> = p.iter().map(|p| p.x).collect();
    let y: Vec<f64> = p.iter().map(|p| p.y).collect();
    let r = correlation(&x, &y);
    // One standard error of r is 1/sqrt(n) = 0.003; 6 of them fail a right start 2e-9 of the time.
    (r.abs() > 6.0 / (SAMPLES as f64).sqrt()).then(|| {
        format!(
            "{SAMPLES} particles, seed 21: x and y have correlation {r:.3}: draw them from two \
             independent random numbers"
        )
    })
}

fn directions(p: &[Particle]) -> Option<String> {
    let angles: Vec<f64> = p
        .iter()
        .map(|p| p.vy.atan2(p.vx).rem_euclid(TAU) / TAU)
        .collect();
    let test = ks(&angles, |u| u.clamp(0.0, 1.0));
    (test.p_value < SIGNIFICANCE).then(|| {
        format!(
            "{SAMPLES} particles, seed 21: {} of them move at angles (from the +x axis, \
             counterclockwise) at or below {}°, where uniform directions put {} \
             (Kolmogorov–Smirnov p = {:.1e}): directions are not uniform over the circle",
            percent(test.fraction),
            short(360.0 * test.at),
            percent(test.expected),
            test.p_value
        )
    })
}

fn reproducible(f: Start, speeds: &[f64]) -> Outcome {
    let sample = &speeds[..1000];
    let run = |seed| guarded("my_start", || f(sample, 1.0, seed));
    let (a, b, c) = match (run(5), run(5), run(6)) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(why), ..) | (_, Err(why), _) | (.., Err(why)) => return (3000, Some(why)),
    };
    let failure = if a != b {
        Some(
            "my_start(speeds, 1 m, seed 5) gave different particles in two calls: seed the \
             generator from the seed argument (StdRng::seed_from_u64(seed))"
                .to_string(),
        )
    } else if a == c {
        Some("seeds 5 and 6 gave the same particles: the seed argument is not used".to_string())
    } else {
        None
    };
    (3000, failure)
}
