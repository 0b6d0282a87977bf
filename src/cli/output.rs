//! What the command line writes: the JSON of `--json` and the files of `--out`.

use serde_json::json;

use crate::workloads::{PrimeAnswer, SquaresRun};
use crate::{Error, Result};

/// The JSON object of `parlab squares --json`, key for key.
pub(crate) fn squares_json(result: &SquaresRun, count: u64) -> serde_json::Value {
    json!({
        "task": "squares",
        "backend": result.backend,
        "workers": result.workers,
        "start": result.start,
        "count": count,
        "seconds": result.seconds,
        "first5": result.first5(),
        "last5": result.last5(),
    })
}

/// The JSON object of `parlab prime --json`, key for key.
pub(crate) fn prime_json(answer: &PrimeAnswer) -> serde_json::Value {
    json!({
        "task": "prime",
        "n": answer.n,
        "backend": answer.backend,
        "workers": answer.workers,
        "method": answer.method,
        "is_prime": answer.is_prime,
        "factor": answer.factor,
        "seconds": answer.seconds,
    })
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(Error::Json)
}

pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", to_json(value)?);
    Ok(())
}

pub(super) fn write(path: &std::path::Path, text: String) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io("write", path, e))
}
