//! The graders of Exercise 1, one per part the student writes, each returning a [`Report`]
//! that says check by check whether the part is right and names the first failing case:
//! [`check_speeds`] (the 2-D Maxwell–Boltzmann sampler), [`check_start`] (random positions and
//! directions), [`check_step`] (one time step with elastic walls) and [`check_gas`] (the model of
//! N particles recorded over a span of time).
//!
//! A grader runs the student's function inside `catch_unwind`: a panic (a `todo!()`, say) fails
//! the check with its message instead of stopping the notebook. Every case is seeded, so a report
//! is reproducible; the statistical checks fail a right answer with a probability below 10⁻⁶.

use std::panic::{catch_unwind, AssertUnwindSafe};

mod cases;
mod model;
mod report;
mod speeds;
mod start;
mod stat;
mod step;

pub use model::{check_gas, Model};
pub use report::{Check, Report, StepCheck, StepReport};
pub use speeds::{check_speeds, Sampler};
pub use start::{check_start, Start};
pub use step::check_step;

/// How a failure caused by a panic reads.
const PANICKED: &str = "panicked";

/// Runs `f`, turning a panic into the text of a failing case.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|panic| format!("{what} {PANICKED}: {}", message(&*panic)))
}

/// One check's outcome before it is named: (cases tried, the first failure).
type Outcome = (usize, Option<String>);

/// Builds a report from `(name, what)` pairs and their outcomes; once a check fails because the
/// student's code panicked, the checks after it are not run and say so (the panic hook has
/// already printed the message once).
fn report(
    subject: &'static str,
    unit: &'static str,
    checks: &[(&'static str, &'static str)],
    mut run: impl FnMut(usize) -> Outcome,
) -> Report {
    let mut panicked: Option<&str> = None;
    let checks = checks
        .iter()
        .enumerate()
        .map(|(i, &(name, what))| {
            let (cases, failure) = match panicked {
                Some(first) => (
                    0,
                    Some(format!(
                        "not run: your function panicked in \"{first}\" (see above)"
                    )),
                ),
                None => run(i),
            };
            if failure.as_deref().is_some_and(|f| f.contains(PANICKED)) {
                panicked.get_or_insert(name);
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
        subject,
        unit,
        checks,
    }
}

/// `x` with 10 significant digits, trailing zeros dropped: enough to see a difference the
/// checks flag, short enough to read.
fn n(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (9 - x.abs().log10().floor() as i32).clamp(0, 17) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `x` with 4 significant digits, in scientific notation when it is very large or small.
fn short(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-3..1e6).contains(&x.abs()) {
        format!("{x:.3e}")
    } else {
        let decimals = if x == 0.0 || !x.is_finite() {
            0
        } else {
            (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize
        };
        format!("{x:.decimals$}")
    }
}

/// A fraction as a percentage with 3 significant digits (0.01 % and below as "< 0.01 %").
fn percent(fraction: f64) -> String {
    let p = 100.0 * fraction;
    if p > 0.0 && p < 0.01 {
        "< 0.01 %".to_string()
    } else {
        format!("{} %", short(p))
    }
}

fn message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}
