//! [`check_step`]: whether a student's step function moves a particle right, check by check.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::cases::{bounce_cases, edge_cases, ordinary_cases, Case};
use super::{message, n, Check, Report, PANICKED};
use crate::gas::{free_flight, Particle};

/// Relative tolerance of the comparisons with the closed form (positions in box sides,
/// velocities in speeds): far above rounding, far below any mistake.
const TOLERANCE: f64 = 1e-9;

/// The five checks, in the order they are reported.
const CHECKS: [(&str, &str); 5] = [
    (
        "stays in the box",
        "after every step the particle is inside [0, L]² (ordinary steps: |v| dt < L/2)",
    ),
    (
        "energy conserved",
        "the speed is the same after every step: elastic walls change only the direction",
    ),
    (
        "agrees with free flight",
        "after k steps the particle is where free flight for k dt, reflected at the walls, puts it",
    ),
    (
        "several bounces in one step",
        "a particle that crosses the box more than once in one step (|v| dt up to 10 L) lands right",
    ),
    (
        "at rest or on a wall",
        "particles at rest, on a wall or in a corner, moving in, out or along it, stay right",
    ),
];

/// Which properties a check asks of every step.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Property {
    Inside,
    Energy,
    FreeFlight,
}

/// Checks a step function `step(&mut particle, dt, side)` of Exercise 1 against the physics:
/// the particle stays in the box, keeps its energy, agrees with closed-form free flight with
/// reflections ([`free_flight`]), lands right after several bounces in one step, and handles
/// particles at rest or on a wall. Each check reports the first case that fails; a panic in the
/// step function (a `todo!()`, say) fails the check with its message instead of stopping the
/// caller. Cases are fixed (seeded), so a report is reproducible.
///
/// A panic is reported once, on stderr, by the usual panic hook (parlab leaves the process's
/// hook alone); the checks after the one that panicked are not run and say so.
///
/// # Examples
///
/// ```
/// use parlab::gas::{check_step, step_particle, Particle};
///
/// assert!(check_step(step_particle).passed());
///
/// // Forgot the walls: flies straight through them.
/// let no_walls = |p: &mut Particle, dt: f64, _side: f64| {
///     p.x += p.vx * dt;
///     p.y += p.vy * dt;
/// };
/// let report = check_step(no_walls);
/// assert!(!report.passed());
/// assert!(report.failed().contains(&"stays in the box"));
/// assert!(report.check("energy conserved").unwrap().passed());
/// println!("{report}");
/// ```
pub fn check_step<S>(step: S) -> Report
where
    S: Fn(&mut Particle, f64, f64) + Sync,
{
    let ordinary = ordinary_cases();
    let groups: [(&[Case], &[Property]); 5] = [
        (&ordinary, &[Property::Inside]),
        (&ordinary, &[Property::Energy]),
        (&ordinary, &[Property::FreeFlight]),
        (&bounce_cases(), &ALL),
        (&edge_cases(), &ALL),
    ];
    let mut panicked: Option<&str> = None;
    let checks = CHECKS
        .iter()
        .zip(groups)
        .map(|(&(name, what), (cases, properties))| {
            let (cases, failure) = match panicked {
                Some(first) => (
                    0,
                    Some(format!(
                        "not run: the step function panicked in \"{first}\" (see above)"
                    )),
                ),
                None => verify(&step, cases, properties),
            };
            if panicked.is_none() && failure.as_deref().is_some_and(|f| f.contains(PANICKED)) {
                panicked = Some(name);
            }
            Check {
                name,
                what,
                cases,
                failure,
            }
        })
        .collect();
    Report {
        subject: "Your step function",
        unit: "particle-steps",
        checks,
    }
}

const ALL: [Property; 3] = [Property::Inside, Property::Energy, Property::FreeFlight];

/// Runs every case until the first failure: (particle-steps tried, the failure).
fn verify<S>(step: &S, cases: &[Case], properties: &[Property]) -> (usize, Option<String>)
where
    S: Fn(&mut Particle, f64, f64),
{
    let mut tried = 0;
    for case in cases {
        let mut p = case.start;
        for k in 1..=case.steps {
            tried += 1;
            let before = p;
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| step(&mut p, case.dt, case.side)))
            {
                let why = format!("the step function {PANICKED}: {}", message(&*panic));
                return (tried, Some(describe(case, k, &before, why)));
            }
            for property in properties {
                if let Some(why) = violation(*property, case, k, &p) {
                    return (tried, Some(describe(case, k, &before, why)));
                }
            }
        }
    }
    (tried, None)
}

/// What is wrong with `p`, the state after step `k` of `case`, as far as `property` goes.
fn violation(property: Property, case: &Case, k: usize, p: &Particle) -> Option<String> {
    let (side, s) = (case.side, case.start);
    match property {
        Property::Inside => {
            let inside = |c: f64| (0.0..=side).contains(&c);
            (!(inside(p.x) && inside(p.y))).then(|| {
                format!(
                    "it ended at (x, y) = ({}, {}), outside the box [0, {side}]²",
                    n(p.x),
                    n(p.y)
                )
            })
        }
        Property::Energy => {
            let (v0, v) = (s.vx * s.vx + s.vy * s.vy, p.vx * p.vx + p.vy * p.vy);
            // A NaN speed fails too: the comparison is then false.
            let kept = (v - v0).abs() <= 1e-12 * v0;
            (!kept).then(|| {
                format!(
                    "its speed changed from {} to {} m/s (kinetic energy ∝ speed²)",
                    n(s.speed()),
                    n(p.speed())
                )
            })
        }
        Property::FreeFlight => {
            let t = k as f64 * case.dt;
            let (x, vx) = free_flight(s.x, s.vx, t, side);
            let (y, vy) = free_flight(s.y, s.vy, t, side);
            let speed = s.speed();
            let ok = close(p.x, x, side)
                && close(p.y, y, side)
                && velocity_ok(p.vx, vx, x, side, speed)
                && velocity_ok(p.vy, vy, y, side, speed);
            (!ok).then(|| {
                format!(
                    "it is at (x, y) = ({}, {}) with v = ({}, {}); free flight with reflections \
                     puts it at ({}, {}) with v = ({}, {})",
                    n(p.x),
                    n(p.y),
                    n(p.vx),
                    n(p.vy),
                    n(x),
                    n(y),
                    n(vx),
                    n(vy)
                )
            })
        }
    }
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= TOLERANCE * scale
}

/// `v` agrees with the closed form's `v_ref`; on a wall either sign will do (whether a particle
/// exactly on the wall has bounced yet is a convention).
fn velocity_ok(v: f64, v_ref: f64, x_ref: f64, side: f64, speed: f64) -> bool {
    let scale = speed.max(f64::MIN_POSITIVE);
    let on_wall = close(x_ref, 0.0, side) || close(x_ref, side, side);
    close(v, v_ref, scale) || (on_wall && close(v, -v_ref, scale))
}

fn describe(case: &Case, k: usize, before: &Particle, why: String) -> String {
    let s = case.start;
    let from = if k > 1 {
        format!(
            " (before it: (x, y) = ({}, {}), v = ({}, {}))",
            n(before.x),
            n(before.y),
            n(before.vx),
            n(before.vy)
        )
    } else {
        String::new()
    };
    format!(
        "a particle starting at (x, y) = ({}, {}) m with v = ({}, {}) m/s, dt = {:e} s, L = {} m: \
         after step {k}{from} {why}",
        n(s.x),
        n(s.y),
        n(s.vx),
        n(s.vy),
        case.dt,
        case.side
    )
}
