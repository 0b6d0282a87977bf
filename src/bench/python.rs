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
/// The message to show: the interpreter is missing, or numpy is not installed for it.
///
/// # Examples
///
/// ```
/// let err = parlab::bench::python::has_numpy("/nonexistent/python").unwrap_err();
/// assert!(err.contains("could not run"));
/// ```
pub fn has_numpy(python: &str) -> std::result::Result<(), String> {
    match Command::new(python).args(["-c", "import numpy"]).output() {
        Err(e) => Err(format!(
            "could not run {python} ({e}); set PARLAB_PYTHON to a python3 that has numpy"
        )),
        Ok(out) if !out.status.success() => Err(format!(
            "{python} has no numpy: `{python} -m pip install numpy joblib multiprocess` \
             (or set PARLAB_PYTHON to an interpreter that has it)"
        )),
        Ok(_) => Ok(()),
    }
}

/// Runs the module's cells with `python` on the same workload and returns the script's JSON
/// (`squares`, `prime_check` and `overhead_us` hold seconds, seconds and µs per task).
///
/// # Errors
///
/// [`Error::Python`] when the script cannot start, fails, or prints no JSON.
pub fn run(python: &str, count: u64, prime: u64, workers: usize, repeat: usize) -> Result<Value> {
    let fail = Error::Python;
    let out = Command::new(python)
        .arg(script())
        .args(["--count", &count.to_string()])
        .args(["--prime", &prime.to_string()])
        .args(["--workers", &workers.to_string()])
        .args(["--repeat", &repeat.max(1).to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| fail(format!("could not run {python}: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let value: Value = text
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| fail(format!("{} printed no JSON", script().display())))?;
    if let Some(e) = value.get("error") {
        return Err(fail(e.to_string()));
    }
    if !out.status.success() {
        return Err(fail(format!(
            "{} exited with {}",
            script().display(),
            out.status
        )));
    }
    Ok(value)
}
