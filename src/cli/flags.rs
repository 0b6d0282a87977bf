//! The library's errors in the command line's words.
//!
//! The library's messages say what to call or pass (a notebook cell shows them as they are);
//! here the flag that set the value is named instead, and the CLI's defaults are told.

use crate::backends::cpu_count;
use crate::limits::MAX_WORKERS_VAR;
use crate::Error;

/// The flags that set each value the library names in its errors: an
/// [`Error::InvalidInput`]'s `what`, or an [`Error::TooLarge`]'s.
const FLAGS: &[(&str, &str)] = &[
    ("seed count", "--count"),
    ("seed range", "--start, --count"),
    ("squaring these seeds", "--count"),
    ("the table's squares", "--count"),
    ("kernel flavor", "--flavor"),
    ("particles", "--particles"),
    ("steps", "--steps"),
    ("box side", "--box"),
    ("temperature", "--temperature"),
    ("mass", "--mass-amu"),
    ("time step", "--dt"),
    ("record interval", "--record-every"),
    ("run length", "--particles, --steps"),
    ("this gas run", "--particles, --record, --record-every"),
    ("threads per rank", "--threads-per-rank"),
];

/// The flags that set the value the library calls `what`.
fn flags_of(what: &str) -> Option<&'static str> {
    FLAGS.iter().find(|(w, _)| *w == what).map(|&(_, f)| f)
}

/// `e` as the command line tells it: with the flags that set the offending value, and
/// `workers` (the flag that sets the worker count: `--workers`, `--engines`) for the worker
/// errors.
pub(crate) fn told(e: &Error, workers: &str) -> String {
    match e {
        Error::ZeroWorkers => format!(
            "a backend needs at least 1 worker, got 0; omit {workers} to use all {} cores",
            cpu_count()
        ),
        Error::TooManyWorkers { asked, max } => format!(
            "{asked} workers (threads, processes or engines) is more than this machine allows \
             ({max}); ask for fewer ({workers}), or set {MAX_WORKERS_VAR} to change the bound"
        ),
        Error::InvalidInput { what, why } => match flags_of(what) {
            Some(flags) => format!("invalid {what} ({flags}): {why}"),
            None => e.to_string(),
        },
        Error::TooLarge { what, .. } => match flags_of(what) {
            Some(flags) => format!("{e} ({flags})"),
            None => e.to_string(),
        },
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gas::GasParams;
    use crate::workloads::BackendKind;

    #[test]
    fn library_errors_get_their_flags() {
        let zero = BackendKind::Rayon.build(0).unwrap_err();
        let text = told(&zero, "--workers");
        assert!(text.contains("omit --workers to use all"), "{text}");
        assert!(!text.contains("cpu_count"), "{text}");
        let cluster = told(&zero, "--engines");
        assert!(cluster.contains("omit --engines"), "{cluster}");

        let many = Error::TooManyWorkers { asked: 9, max: 8 };
        assert!(told(&many, "--workers").contains("ask for fewer (--workers)"));

        let box_side = GasParams {
            box_side: -1.0,
            ..GasParams::default()
        };
        let text = told(&box_side.check().unwrap_err(), "--workers");
        assert!(
            text.starts_with("invalid box side (--box): got -1"),
            "{text}"
        );

        // Errors that name no value of a flag are told as the library tells them.
        let other = Error::invalid("--count", "got 0");
        assert_eq!(told(&other, "--workers"), other.to_string());
    }

    #[test]
    fn every_value_the_cli_maps_is_one_the_library_names() {
        // Each `what` above must still be raised by the library: a renamed value would lose
        // its flag silently. The gas's are checked here; the rest by tests/cli_errors.rs.
        let bad = GasParams {
            particles: 0,
            ..GasParams::default()
        };
        assert!(told(&bad.check().unwrap_err(), "").contains("(--particles)"));
    }
}
