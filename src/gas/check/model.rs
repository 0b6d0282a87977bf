//! [`check_gas`]: whether a student's model of N particles records every particle's path over
//! the run, inside the box, with elastic walls and Maxwell–Boltzmann speeds.

use super::stat::{ks, SIGNIFICANCE};
use super::{guarded, n, percent, report, short, Outcome, Report};
use crate::gas::{GasParams, NITROGEN_AMU};

/// A model of the gas: `params -> paths`, where `paths[i][k]` is the position `(x, y)` (m) of
/// particle `i` after `k · every` steps of `params.time_step()`, `every =
/// params.recording_interval()` (1 up to 1000 steps), for `k = 0..=params.steps / every`.
pub type Model = fn(&GasParams) -> Vec<Vec<(f64, f64)>>;

/// Paths, as a [`Model`] returns them.
type Paths = Vec<Vec<(f64, f64)>>;

/// A check of one case's paths: the failure, if any.
type Judge = fn(&GasParams, &[Vec<(f64, f64)>]) -> Option<String>;

/// Steps at each end of a path over which a particle's speed is measured (the longest
/// displacement in a window: a step with a bounce is shorter, one without is `|v| dt`).
const WINDOW: usize = 50;

/// The runs the checks try. 0–2: shapes; 3: the long run for energy; 4–5: many particles for
/// the speed distribution (He with a time step of its own, so `params.time_step()` is tested).
fn cases() -> [GasParams; 6] {
    let base = GasParams {
        record: 0,
        record_every: Some(1),
        ..GasParams::default()
    };
    let helium = 4.002_602;
    [
        GasParams {
            particles: 7,
            steps: 50,
            ..base.clone()
        },
        GasParams {
            particles: 1,
            steps: 1,
            box_side: 2.5,
            seed: 3,
            ..base.clone()
        },
        GasParams {
            particles: 40,
            steps: 300,
            temperature: 100.0,
            mass_amu: helium,
            record_every: Some(7),
            seed: 4,
            ..base.clone()
        },
        GasParams {
            particles: 200,
            steps: 3000,
            seed: 5,
            ..base.clone()
        },
        GasParams {
            particles: 20_000,
            steps: WINDOW,
            seed: 6,
            ..base.clone()
        },
        GasParams {
            particles: 20_000,
            steps: WINDOW,
            box_side: 2.5,
            temperature: 40.0,
            mass_amu: helium,
            dt: Some(1e-6),
            seed: 7,
            ..base
        },
    ]
}

const CHECKS: [(&str, &str); 6] = [
    (
        "one path per particle",
        "N paths of steps / every + 1 positions each (the start and every `every` steps, \
         every = params.recording_interval()), for N = 1-200 and every = 1 and 7",
    ),
    (
        "inside the box",
        "every recorded position is in [0, L]², for L = 1 and 2.5 m",
    ),
    (
        "energy conserved",
        "each of 200 particles moves as fast over its last 50 steps as over its first 50, after \
         about 3 box crossings",
    ),
    (
        "speeds Maxwell–Boltzmann",
        "speeds |Δr|/dt of 20 000 particles (N2 at 300 K, He at 40 K with dt = 1 µs) pass a \
         Kolmogorov–Smirnov test against the 2-D P(v) (p > 1e-6)",
    ),
    (
        "reproducible",
        "the same params give the same paths, another seed other paths",
    ),
    (
        "the exercise's run",
        "your params: N2 (28.0134 u) at 300 K, at least 100 steps, a particle at the mean speed \
         moving at most L/10 per step; its paths inside the box",
    ),
];

/// Checks a model of the gas, `model(&params) -> paths`, on runs of its own and on `run`, the
/// parameters of the exercise's run (N₂ at 300 K, recorded over a couple of orders of magnitude
/// more than one step): one path per particle with a position at the start and every
/// `params.recording_interval()` steps ([`Model`]), all inside the box,
/// speeds that stay the same through the wall bounces and follow the 2-D Maxwell–Boltzmann
/// distribution, reproducible from the seed. Speeds are read off the paths: the longest step of
/// a particle in a window of 50 steps is `|v| dt`.
///
/// # Examples
///
/// ```
/// use parlab::gas::{check_gas, reference, GasParams};
///
/// let params = GasParams::default(); // 100 N2 molecules at 300 K in a 1 m box, 1000 steps
/// assert!(check_gas(reference::gas, &params).passed());
///
/// // Only the starting positions: nothing moves.
/// fn frozen(params: &GasParams) -> Vec<Vec<(f64, f64)>> {
///     let paths = reference::gas(&GasParams { steps: 1, ..params.clone() });
///     paths.into_iter().map(|p| vec![p[0]; params.steps + 1]).collect() // 1000 steps: every one
/// }
/// let report = check_gas(frozen, &params);
/// assert!(!report.passes("speeds Maxwell–Boltzmann"));
/// ```
pub fn check_gas(model: Model, run: &GasParams) -> Report {
    let cases = cases();
    let mut paths: Vec<Option<Result<Paths, String>>> = vec![None; cases.len()];
    let mut get = |c: usize| {
        paths[c]
            .get_or_insert_with(|| guarded("my_gas", || model(&cases[c])))
            .clone()
    };
    report(
        "Your model of the gas",
        "positions",
        &CHECKS,
        |check| match check {
            0 => each(&mut get, &cases, &[0, 1, 2, 3], |_, _| None),
            1 => each(&mut get, &cases, &[0, 1, 2, 3], inside),
            2 => each(&mut get, &cases, &[3], energy),
            3 => each(&mut get, &cases, &[4, 5], speeds),
            4 => reproducible(model, &cases[0], &mut get),
            _ => exercise(model, run),
        },
    )
}

/// Runs `judge` on the paths of each case in `which` that have the right shape.
fn each(
    get: &mut impl FnMut(usize) -> Result<Paths, String>,
    cases: &[GasParams],
    which: &[usize],
    judge: Judge,
) -> Outcome {
    let mut tried = 0;
    for &c in which {
        let params = &cases[c];
        tried += params.particles * (params.steps / params.recording_interval() + 1);
        let failure = match get(c) {
            Ok(paths) => shape(params, &paths).or_else(|| judge(params, &paths)),
            Err(why) => Some(why),
        };
        if failure.is_some() {
            return (tried, failure);
        }
    }
    (tried, None)
}

fn describe(p: &GasParams) -> String {
    let dt = p.time_step();
    format!(
        "N = {}, {} steps of dt = {} s recorded every {}, L = {} m, m = {} u, T = {} K, seed {}",
        p.particles,
        p.steps,
        short(dt),
        p.recording_interval(),
        p.box_side,
        p.mass_amu,
        p.temperature,
        p.seed
    )
}

fn shape(p: &GasParams, paths: &[Vec<(f64, f64)>]) -> Option<String> {
    if paths.len() != p.particles {
        return Some(format!(
            "{}: {} paths for {} particles",
            describe(p),
            paths.len(),
            p.particles
        ));
    }
    let every = p.recording_interval();
    let frames = p.steps / every + 1;
    paths.iter().position(|path| path.len() != frames).map(|i| {
        format!(
            "{}: path {i} has {} positions; it needs {frames} (the start and one every {every} \
             steps, params.recording_interval())",
            describe(p),
            paths[i].len(),
        )
    })
}

fn inside(p: &GasParams, paths: &[Vec<(f64, f64)>]) -> Option<String> {
    let side = p.box_side;
    let within = |c: f64| (0.0..=side).contains(&c);
    for (i, path) in paths.iter().enumerate() {
        if let Some(k) = path.iter().position(|&(x, y)| !(within(x) && within(y))) {
            let (x, y) = path[k];
            return Some(format!(
                "{}: particle {i} is at (x, y) = ({}, {}) m after step {k}, outside [0, {side}]²",
                describe(p),
                n(x),
                n(y)
            ));
        }
    }
    None
}

/// The longest displacement per time step over `steps` of `path`, m/s.
fn speed(path: &[(f64, f64)], steps: std::ops::Range<usize>, dt: f64) -> f64 {
    steps
        .map(|k| {
            let ((x0, y0), (x1, y1)) = (path[k], path[k + 1]);
            (x1 - x0).hypot(y1 - y0)
        })
        .fold(0.0, f64::max)
        / dt
}

fn energy(p: &GasParams, paths: &[Vec<(f64, f64)>]) -> Option<String> {
    let (dt, s) = (p.time_step(), p.steps);
    for (i, path) in paths.iter().enumerate() {
        let (first, last) = (speed(path, 0..WINDOW, dt), speed(path, s - WINDOW..s, dt));
        // A NaN speed fails too.
        if (last - first).abs() > 1e-9 * first || last.is_nan() || first.is_nan() {
            return Some(format!(
                "{}: particle {i} moves at {} m/s over its first {WINDOW} steps and at {} m/s \
                 over its last {WINDOW} (speeds read as the longest step / dt): an elastic wall \
                 keeps the speed, only the direction changes",
                describe(p),
                n(first),
                n(last)
            ));
        }
    }
    None
}

fn speeds(p: &GasParams, paths: &[Vec<(f64, f64)>]) -> Option<String> {
    let dt = p.time_step();
    let v: Vec<f64> = paths
        .iter()
        .map(|path| speed(path, 0..p.steps, dt))
        .collect();
    let a = p.mass() / p.kt();
    let test = ks(&v, |x| {
        if x <= 0.0 {
            0.0
        } else {
            -(-0.5 * a * x * x).exp_m1()
        }
    });
    (test.p_value < SIGNIFICANCE).then(|| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        format!(
            "{}: {} of the particles are slower than {} m/s, where P(v) puts {} \
             (Kolmogorov–Smirnov p = {:.1e}); mean speed {} m/s, sqrt(πkT/2m) = {} m/s \
             (check_speeds tests the sampler alone)",
            describe(p),
            percent(test.fraction),
            short(test.at),
            percent(test.expected),
            test.p_value,
            short(mean),
            short(p.mean_speed_theory())
        )
    })
}

fn reproducible(
    model: Model,
    case: &GasParams,
    get: &mut impl FnMut(usize) -> Result<Paths, String>,
) -> Outcome {
    let other = GasParams {
        seed: case.seed + 1,
        ..case.clone()
    };
    let tried = 3 * case.particles * (case.steps / case.recording_interval() + 1);
    let runs = (
        get(0),
        guarded("my_gas", || model(case)),
        guarded("my_gas", || model(&other)),
    );
    let (a, b, c) = match runs {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(why), ..) | (_, Err(why), _) | (.., Err(why)) => return (tried, Some(why)),
    };
    let failure = if a.is_empty() {
        Some(format!("{}: no paths to compare", describe(case)))
    } else if a != b {
        Some(format!(
            "{}: two calls gave different paths: seed every generator from params.seed",
            describe(case)
        ))
    } else if a == c {
        Some(format!(
            "{}: seeds {} and {} gave the same paths: params.seed is not used",
            describe(case),
            case.seed,
            other.seed
        ))
    } else {
        None
    };
    (tried, failure)
}

fn exercise(model: Model, run: &GasParams) -> Outcome {
    let dt = run.time_step();
    let per_step = run.mean_speed_theory() * dt / run.box_side;
    let failure = if let Err(e) = run.check() {
        Some(format!("your params: {e}"))
    } else if (run.temperature - 300.0).abs() > 1e-9 {
        Some(format!(
            "your params have T = {} K; the exercise's run is at 300 K",
            run.temperature
        ))
    } else if (run.mass_amu - NITROGEN_AMU).abs() > 0.05 {
        Some(format!(
            "your params have m = {} u; a nitrogen molecule N2 is {NITROGEN_AMU} u",
            run.mass_amu
        ))
    } else if run.steps < 100 {
        Some(format!(
            "your params record {} steps: the exercise asks for a span a couple of orders of \
             magnitude longer than the step, at least 100 steps",
            run.steps
        ))
    } else if per_step > 0.1 {
        Some(format!(
            "with dt = {} s a particle at the mean speed ({} m/s) crosses {} of the box per step: \
             take dt <= {} s, a tenth of the box per step or less",
            short(dt),
            short(run.mean_speed_theory()),
            short(per_step),
            short(0.1 * run.box_side / run.mean_speed_theory())
        ))
    } else {
        match guarded("my_gas", || model(run)) {
            Ok(paths) => shape(run, &paths).or_else(|| inside(run, &paths)),
            Err(why) => Some(why),
        }
    };
    (
        run.particles * (run.steps / run.recording_interval() + 1),
        failure,
    )
}
