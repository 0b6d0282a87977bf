//! Runs the module's Python cells (`scripts/module_python.py`) for a side-by-side comparison.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::{Error, Result};

/// The interpreter to use: `$PARLAB_PYTHON` when set, else `python3`.
///
/// # Examples
///
/// ```
/// assert!(!parlab::bench::python::interpreter().is_empty());
/// ```
pub fn interpreter() -> String {
    std::env::var("PARLAB_PYTHON")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "python3".to_string())
}

/// The script that reproduces the module's cells, in this crate's `scripts/` folder.
///
/// # Examples
///
/// ```
/// assert!(parlab::bench::python::script().ends_with("module_python.py"));
/// ```
pub fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/module_python.py")
}

/// Whether `python` runs and has numpy: `Ok(())`, or why not, in words a user can act on.
///
/// # Errors
///
/// [`Error::CannotRun`] when the interpreter cannot start, [`Error::ProgramFailed`] when numpy
/// is not installed for it.
///
/// # Examples
///
/// ```
/// let err = parlab::bench::python::has_numpy("/nonexistent/python").unwrap_err();
/// assert!(matches!(err, parlab::Error::CannotRun { .. }), "{err}");
/// assert!(err.to_string().contains("could not run"));
/// ```
pub fn has_numpy(python: &str) -> Result<()> {
    let out = Command::new(python)
        .args(["-c", "import numpy"])
        .output()
        .map_err(|source| cannot_run(python, source))?;
    if !out.status.success() {
        return Err(Error::ProgramFailed {
            program: python.to_string(),
            why: format!(
                "has no numpy: `{python} -m pip install numpy joblib multiprocess` (or set \
                 PARLAB_PYTHON to an interpreter that has it)"
            ),
        });
    }
    Ok(())
}

/// Runs the module's cells with `python` on the same workload and returns the script's JSON
/// (`squares`, `prime_check` and `overhead_us` hold seconds, seconds and µs per task).
///
/// # Errors
///
/// [`Error::CannotRun`] when the script cannot start, [`Error::ProgramFailed`] when it fails or
/// prints no JSON.
pub fn run(python: &str, count: u64, prime: u64, workers: usize, repeat: usize) -> Result<Value> {
    let fail = |why: String| Error::ProgramFailed {
        program: script().display().to_string(),
        why,
    };
    let out = Command::new(python)
        .arg(script())
        .args(["--count", &count.to_string()])
        .args(["--prime", &prime.to_string()])
        .args(["--workers", &workers.to_string()])
        .args(["--repeat", &repeat.max(1).to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|source| cannot_run(python, source))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let value: Value = text
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| fail("printed no JSON".into()))?;
    if let Some(e) = value.get("error") {
        return Err(fail(format!("reported an error: {e}")));
    }
    if !out.status.success() {
        return Err(fail(format!("exited with {}", out.status)));
    }
    Ok(value)
}

/// The error for a python that could not be started.
fn cannot_run(python: &str, source: std::io::Error) -> Error {
    Error::CannotRun {
        program: python.to_string(),
        hint: "set PARLAB_PYTHON to a python3 that has numpy".into(),
        source,
    }
}
