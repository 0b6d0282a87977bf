//! [`check_speeds`]: whether a student's sampler draws speeds from the 2-D Maxwell–Boltzmann
//! distribution, for any mass and temperature.

use super::stat::{ks, SIGNIFICANCE};
use super::{guarded, n, percent, report, short, Outcome, Report};
use crate::gas::{ATOMIC_MASS_UNIT, BOLTZMANN};

/// A speed sampler: `(n, mass in kg, temperature in K, seed) -> n speeds in m/s`.
pub type Sampler = fn(usize, f64, f64, u64) -> Vec<f64>;

/// Samples per distribution the statistical checks draw.
const SAMPLES: usize = 200_000;

/// The gases tried: (name, mass in u, temperature in K, seed).
const GASES: [(&str, f64, f64, u64); 4] = [
    ("N2", 28.0134, 300.0, 11),
    ("He", 4.002_602, 40.0, 12),
    ("Xe", 131.293, 1000.0, 13),
    ("H2", 2.016, 5000.0, 14),
];

/// Largest relative error of the sample mean accepted: 5 standard errors of a right sampler
/// (the speed's spread is 52 % of its mean, so one standard error is 0.12 % at 200 000 samples).
const MEAN_TOLERANCE: f64 = 0.006;

const CHECKS: [(&str, &str); 4] = [
    (
        "returns n speeds",
        "n finite speeds >= 0 for n = 1, 10 and 1000, not all the same",
    ),
    (
        "reproducible",
        "the same seed gives the same speeds, another seed other speeds",
    ),
    (
        "mean speed sqrt(πkT/2m)",
        "the mean of 200 000 speeds is sqrt(πkT/2m) within 0.6 %, for N2, He, Xe and H2 at 40-5000 K",
    ),
    (
        "2-D Maxwell–Boltzmann",
        "a Kolmogorov–Smirnov test of 200 000 speeds against P(v) = (m/kT) v exp(-mv²/2kT) (p > 1e-6)",
    ),
];

/// Checks a speed sampler `f(n, mass, temperature, seed)` (mass in kg, temperature in K,
/// speeds in m/s) against the 2-D Maxwell–Boltzmann distribution `P(v) = (m/kT) v
/// exp(-mv²/2kT)`: it returns n finite speeds, is reproducible from its seed, has the mean speed
/// `sqrt(πkT/2m)` and passes a Kolmogorov–Smirnov test, for four gases from 40 K to 5000 K. When
/// the mean is off by a factor a usual slip gives (the 3-D distribution chi(3), the scale
/// `sqrt(2kT/m)` or `kT/m`, no scale at all, the mass in u), the failure says which.
///
/// # Examples
///
/// ```
/// use parlab::gas::check_speeds;
/// use parlab::gas::exercise::{Chi, RngExt, SeedableRng, StdRng, BOLTZMANN};
///
/// fn my_speeds(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
///     let mut rng = StdRng::seed_from_u64(seed);
///     let chi = Chi::new(2).unwrap();
///     let scale = (BOLTZMANN * temperature / mass).sqrt();
///     (0..n).map(|_| scale * rng.sample(chi)).collect()
/// }
/// assert!(check_speeds(my_speeds).passed());
///
/// // The 3-D distribution (Wikipedia's curve): chi with 3 degrees of freedom.
/// fn three_d(n: usize, mass: f64, temperature: f64, seed: u64) -> Vec<f64> {
///     let mut rng = StdRng::seed_from_u64(seed);
///     let chi = Chi::new(3).unwrap();
///     let scale = (BOLTZMANN * temperature / mass).sqrt();
///     (0..n).map(|_| scale * rng.sample(chi)).collect()
/// }
/// let report = check_speeds(three_d);
/// assert_eq!(report.failed(), ["mean speed sqrt(πkT/2m)", "2-D Maxwell–Boltzmann"]);
/// assert!(report.to_string().contains("chi(3)"));
/// ```
pub fn check_speeds(f: Sampler) -> Report {
    let mut samples: Vec<Option<Result<Vec<f64>, String>>> = vec![None; GASES.len()];
    let mut sample = |g: usize| -> Result<Vec<f64>, String> {
        samples[g]
            .get_or_insert_with(|| {
                let (_, amu, t, seed) = GASES[g];
                guarded("my_speeds", || f(SAMPLES, amu * ATOMIC_MASS_UNIT, t, seed))
            })
            .clone()
    };
    report(
        "Your speed sampler",
        "samples",
        &CHECKS,
        |check| match check {
            0 => shape(f),
            1 => reproducible(f),
            2 => per_gas(&mut sample, mean_failure),
            _ => per_gas(&mut sample, shape_failure),
        },
    )
}

fn shape(f: Sampler) -> Outcome {
    let mass = GASES[0].1 * ATOMIC_MASS_UNIT;
    let mut tried = 0;
    for count in [1, 10, 1000] {
        let v = match guarded("my_speeds", || f(count, mass, 300.0, 3)) {
            Ok(v) => v,
            Err(why) => return (tried + count, Some(why)),
        };
        tried += count;
        let case = format!("my_speeds({count}, {mass:.4e} kg, 300 K, seed 3)");
        if v.len() != count {
            return (tried, Some(format!("{case} returned {} speeds", v.len())));
        }
        if let Some((i, x)) = v
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || x.is_sign_negative() && **x != 0.0)
        {
            return (tried, Some(format!("{case}: speed {i} is {x}")));
        }
        if count > 1 && v.iter().all(|x| *x == v[0]) {
            return (
                tried,
                Some(format!("{case}: every speed is {} m/s", n(v[0]))),
            );
        }
    }
    (tried, None)
}

fn reproducible(f: Sampler) -> Outcome {
    let mass = GASES[0].1 * ATOMIC_MASS_UNIT;
    let run = |seed| guarded("my_speeds", || f(1000, mass, 300.0, seed));
    let (a, b, c) = match (run(5), run(5), run(6)) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(why), ..) | (_, Err(why), _) | (.., Err(why)) => return (3000, Some(why)),
    };
    let failure = if a != b {
        Some(
            "my_speeds(1000, m, 300 K, seed 5) gave different speeds in two calls: seed the \
             generator from the seed argument (StdRng::seed_from_u64(seed)), so that a run can \
             be repeated, and split over workers with the same result"
                .to_string(),
        )
    } else if a == c {
        Some(
            "seeds 5 and 6 gave the same speeds: the seed argument is not used to seed the \
             generator"
                .to_string(),
        )
    } else {
        None
    };
    (3000, failure)
}

/// Runs `judge(gas, speeds)` on each gas's sample until the first failure.
fn per_gas(
    sample: &mut impl FnMut(usize) -> Result<Vec<f64>, String>,
    judge: fn(usize, &[f64]) -> Option<String>,
) -> Outcome {
    let mut tried = 0;
    for g in 0..GASES.len() {
        tried += SAMPLES;
        let failure = match sample(g) {
            Ok(v) if v.len() != SAMPLES => Some(format!(
                "{}: asked for {SAMPLES} speeds, got {}",
                gas_case(g),
                v.len()
            )),
            Ok(v) => judge(g, &v),
            Err(why) => Some(why),
        };
        if failure.is_some() {
            return (tried, failure);
        }
    }
    (tried, None)
}

/// `sqrt(kT/m)` of gas `g`, m/s.
fn scale(g: usize) -> f64 {
    let (_, amu, t, _) = GASES[g];
    (BOLTZMANN * t / (amu * ATOMIC_MASS_UNIT)).sqrt()
}

fn gas_case(g: usize) -> String {
    let (name, amu, t, seed) = GASES[g];
    format!(
        "{name} (m = {amu} u = {:.4e} kg) at T = {t} K, seed {seed}",
        amu * ATOMIC_MASS_UNIT
    )
}

fn mean_failure(g: usize, v: &[f64]) -> Option<String> {
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let theory = scale(g) * (std::f64::consts::PI / 2.0).sqrt();
    let ratio = mean / theory;
    ((ratio - 1.0).abs() > MEAN_TOLERANCE || !ratio.is_finite()).then(|| {
        format!(
            "{}: mean speed {} m/s, but the 2-D M–B mean sqrt(πkT/2m) is {} m/s (ratio {}){}",
            gas_case(g),
            short(mean),
            short(theory),
            short(ratio),
            diagnosis(g, ratio)
        )
    })
}

/// What a mean speed `ratio` times the right one suggests, as a sentence to append.
fn diagnosis(g: usize, ratio: f64) -> String {
    let pi = std::f64::consts::PI;
    let s = scale(g);
    let amu = ATOMIC_MASS_UNIT;
    let slips: [(f64, &str); 8] = [
        (4.0 / pi, "the 3-D distribution: chi(3) (Wikipedia's curve) where the 2-D gas needs chi(2)"),
        (4.0 * 2f64.sqrt() / pi, "chi(3) scaled by sqrt(2kT/m): the 3-D distribution; the 2-D gas needs chi(2) times sqrt(kT/m)"),
        (2f64.sqrt(), "the scale sqrt(2kT/m): chi(2) times sqrt(kT/m) is P(v)"),
        (1.0 / 2f64.sqrt(), "the scale sqrt(kT/2m): chi(2) times sqrt(kT/m) is P(v)"),
        (1.0 / s, "no scale factor: these are chi(2) values x; speeds are v = x sqrt(kT/m)"),
        (s, "the scale kT/m: the speed scale is its square root, sqrt(kT/m)"),
        (1.0 / amu.sqrt(), "the mass in u: the mass argument is already in kg"),
        (amu.sqrt(), "the mass converted to u: the mass argument is in kg, which k = 1.380649e-23 J/K needs"),
    ];
    slips
        .iter()
        .find(|(r, _)| (ratio / r - 1.0).abs() < 0.02)
        .map(|(_, why)| format!("; that factor looks like {why}"))
        .unwrap_or_default()
}

fn shape_failure(g: usize, v: &[f64]) -> Option<String> {
    let s2 = scale(g) * scale(g);
    let test = ks(v, |x| {
        if x <= 0.0 {
            0.0
        } else {
            -(-0.5 * x * x / s2).exp_m1()
        }
    });
    (test.p_value < SIGNIFICANCE).then(|| {
        format!(
            "{}: {} of your speeds are below {} m/s, where P(v) puts {} (Kolmogorov–Smirnov \
             p = {:.1e} < 1e-6)",
            gas_case(g),
            percent(test.fraction),
            short(test.at),
            percent(test.expected),
            test.p_value
        )
    })
}
