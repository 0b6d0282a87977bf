//! The module's summary table, measured on this machine.
//!
//! Like rayon's demo programs, every row checks its answer against the reference before its time
//! is shown: squares must equal the sequential results element by element, and the prime verdict
//! must equal Miller–Rabin's.

use serde::Serialize;

use crate::backends::{Backend, Sequential};
use crate::tasks::is_prime_miller_rabin;
use crate::workloads::{check_prime, squares, BackendKind};
use crate::{Error, Result};

/// The module's large prime.
pub const MODULE_PRIME: u64 = 489_133_282_872_437_279;

/// One row: a backend's times for both tasks.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Backend name.
    pub backend: &'static str,
    /// The Python library of the module this row stands for.
    pub stands_for: &'static str,
    /// Workers used.
    pub workers: usize,
    /// Wall time of the squares, in seconds.
    pub squares_seconds: f64,
    /// The same in the module's unit: seconds per 10^6 squares.
    pub squares_per_million: f64,
    /// Wall time of the primality check, in seconds.
    pub prime_seconds: f64,
    /// Sequential squares time over this row's.
    pub squares_speedup: f64,
    /// Sequential prime time over this row's.
    pub prime_speedup: f64,
}

/// The summary table.
#[derive(Clone, Debug, Serialize)]
pub struct Table {
    /// Seeds squared per row.
    pub count: u64,
    /// Number checked for primality.
    pub prime: u64,
    /// Is `prime` prime (the verdict every row agreed on)?
    pub is_prime: bool,
    /// One row per backend, sequential first.
    pub rows: Vec<Row>,
}

/// Measures both tasks on every backend in `kinds` with `workers` workers, calling `progress`
/// after each row. Squares are checked element by element against the sequential backend and
/// verdicts against Miller–Rabin; a mismatch is an error, never a row.
///
/// # Errors
///
/// Invalid arguments, a failing backend, or a result that differs from the reference.
///
/// # Examples
///
/// ```
/// use parlab::workloads::BackendKind;
///
/// let table = parlab::table::measure(&BackendKind::ALL, 2, 20_000, 1_000_003, |_| {})?;
/// assert_eq!(table.rows.len(), BackendKind::ALL.len());
/// assert!(table.is_prime);
/// assert!(table.to_markdown().contains("| threads"));
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn measure(
    kinds: &[BackendKind],
    workers: usize,
    count: u64,
    prime: u64,
    mut progress: impl FnMut(&Row),
) -> Result<Table> {
    if count == 0 {
        return Err(Error::invalid(
            "seed count (--count)",
            "got 0; the table times squaring at least 1 seed, e.g. --count 1000000",
        ));
    }
    crate::limits::check_memory(
        "the table's squares",
        count.saturating_mul(16),
        format!("it keeps the reference and one backend's results, 16 B per seed ({count} seeds); ask for fewer (--count)"),
    )?;
    let reference = squares(&Sequential, 0..count)?.results;
    let is_prime = is_prime_miller_rabin(prime);
    let mut rows: Vec<Row> = Vec::new();
    for &kind in kinds {
        let backend = kind.build(workers)?;
        let sq = squares(&backend, 0..count)?;
        if sq.results != reference {
            return Err(mismatch(
                kind,
                "squares differ from the sequential reference",
            ));
        }
        let pr = check_prime(&backend, prime)?;
        if pr.is_prime != is_prime {
            return Err(mismatch(kind, "prime verdict differs from Miller-Rabin"));
        }
        let (seq_sq, seq_pr) = rows.first().map_or((sq.seconds, pr.seconds), |r| {
            (r.squares_seconds, r.prime_seconds)
        });
        let row = Row {
            backend: kind.name(),
            stands_for: kind.stands_for(),
            workers: backend.workers(),
            squares_seconds: sq.seconds,
            squares_per_million: sq.seconds * 1e6 / count.max(1) as f64,
            prime_seconds: pr.seconds,
            squares_speedup: seq_sq / sq.seconds,
            prime_speedup: seq_pr / pr.seconds,
        };
        progress(&row);
        rows.push(row);
    }
    Ok(Table {
        count,
        prime,
        is_prime,
        rows,
    })
}

fn mismatch(kind: BackendKind, what: &str) -> Error {
    Error::Backend {
        backend: kind.name(),
        message: format!("{what}; this is a bug in parlab, please report it"),
    }
}

impl Table {
    /// The table in markdown, in the module's units.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "| backend | stands for | workers | squaring (s per 10^6) | speedup | prime {} (s) | speedup |\n\
             |:--|:--|--:|--:|--:|--:|--:|\n",
            self.prime
        );
        for r in &self.rows {
            s += &format!(
                "| {} | {} | {} | {:.4} | {:.2}x | {:.4} | {:.2}x |\n",
                r.backend,
                r.stands_for,
                r.workers,
                r.squares_per_million,
                r.squares_speedup,
                r.prime_seconds,
                r.prime_speedup
            );
        }
        s
    }

    /// The table as an HTML `<table>` (what a notebook shows).
    pub fn to_html(&self) -> String {
        let mut s = String::from(
            "<table><tr><th>backend</th><th>stands for</th><th>workers</th>\
             <th>squaring (s per 10^6)</th><th>speedup</th><th>prime (s)</th><th>speedup</th></tr>",
        );
        for r in &self.rows {
            s += &format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td><td>{:.2}x</td><td>{:.4}</td><td>{:.2}x</td></tr>",
                r.backend, r.stands_for, r.workers, r.squares_per_million, r.squares_speedup,
                r.prime_seconds, r.prime_speedup
            );
        }
        s + "</table>"
    }

    /// Shows the table as HTML in an evcxr notebook.
    pub fn evcxr_display(&self) {
        crate::display::evcxr("text/html", &self.to_html());
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_markdown())
    }
}
