//! The module's summary table, measured on this machine.
//!
//! Like rayon's demo programs, every row checks its answer against the reference before its time
//! is shown: squares must equal the sequential results element by element, and the prime verdict
//! must equal Miller–Rabin's.

use serde::Serialize;

use crate::backends::{Backend, Sequential};
use crate::display::html_escape;
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
/// let table = parlab::table::measure(&BackendKind::CPU, 2, 20_000, 1_000_003, |_| {})?;
/// assert_eq!(table.rows.len(), BackendKind::CPU.len());
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
            "seed count",
            "got 0; the table times squaring at least 1 seed, e.g. 1000000",
        ));
    }
    crate::limits::check_memory(
        "the table's squares",
        count.saturating_mul(16),
        format!("it keeps the reference and one backend's results, 16 B per seed ({count} seeds); ask for fewer seeds"),
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
    Error::WrongResults {
        backend: kind.name(),
        what: what.to_string(),
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
                html_escape(r.backend), html_escape(r.stands_for), r.workers, r.squares_per_million, r.squares_speedup,
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

/// The module author's summary table (a laptop with 8 cores and 16 logical processors, Windows,
/// Python): for the parlab backend named `backend`, the package it stands for and the author's
/// times as printed there
/// (seconds per 10^6 squares, seconds for the prime check), with the notes the table needs.
/// `None` for backends the module's table has no row for (`threads`, `rayon`).
///
/// # Examples
///
/// ```
/// let author = parlab::table::module_author("dask").unwrap();
/// assert_eq!((author.package, author.squares, author.prime), ("dask", "67", "5.4"));
/// assert!(parlab::table::module_author("rayon").is_none());
/// ```
pub fn module_author(backend: &str) -> Option<&'static AuthorRow> {
    MODULE_AUTHOR.iter().find(|r| r.backend == backend)
}

/// One row of the module author's table, as printed there.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct AuthorRow {
    /// The parlab backend that stands for it.
    pub backend: &'static str,
    /// The module's package.
    pub package: &'static str,
    /// Seconds per 10^6 squares, as printed.
    pub squares: &'static str,
    /// Seconds for the prime check, as printed.
    pub prime: &'static str,
    /// What the numbers were measured on, where the module's table does not say.
    pub note: &'static str,
}

const fn author(
    backend: &'static str,
    package: &'static str,
    squares: &'static str,
    prime: &'static str,
    note: &'static str,
) -> AuthorRow {
    AuthorRow {
        backend,
        package,
        squares,
        prime,
        note,
    }
}

/// The module's "Summary of Results" (the author's laptop: 8 cores, 16 logical processors), row
/// by row, keyed by parlab backend.
pub const MODULE_AUTHOR: [AuthorRow; 7] = [
    author("sequential", "non-parallelized", "5.4", "28", ""),
    author("thread-executor", "concurrent.futures", "43", "—", "ThreadPoolExecutor; the module timed the prime with ProcessPoolExecutor only (5.6 s, in Spyder)"),
    author("process-pool", "multiprocess", "2.4", "4.1", ""),
    author("process-executor", "concurrent.futures", "312", "5.6", "ProcessPoolExecutor; the prime time ran in Spyder (a script, not the notebook)"),
    author("joblib", "joblib", "5.9", "3.7", ""),
    author("cluster", "ipyparallel", "1.3", "1.8", "1.8 s is In[28], one subinterval on one engine; the whole check took 3.68 s"),
    author("dask", "dask", "67", "5.4", "67 is the bag: 10^4 seeds in 15 partitions (0.67 s); per task it was 728 (client.map) and 1300 (delayed)"),
];

/// The measured table beside the module author's numbers; made by [`Table::beside_module`].
#[derive(Clone, Copy, Debug)]
pub struct BesideModule<'a>(&'a Table);

impl Table {
    /// This machine's rows beside the module author's (8 cores, 16 logical processors), for a
    /// notebook or a terminal.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::workloads::BackendKind;
    ///
    /// let table = parlab::table::measure(&[BackendKind::Sequential], 1, 1_000, 1_000_003, |_| {})?;
    /// let both = table.beside_module();
    /// assert!(both.to_html().contains(">28</td>"));
    /// assert!(both.to_string().contains("| non-parallelized | 5.4 | 28 |"));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn beside_module(&self) -> BesideModule<'_> {
        BesideModule(self)
    }
}

impl BesideModule<'_> {
    fn cells(&self) -> Vec<[String; 7]> {
        let t = self.0;
        t.rows
            .iter()
            .map(|r| {
                let a = module_author(r.backend);
                let text = |f: fn(&AuthorRow) -> &'static str| a.map_or("—", f).to_string();
                [
                    r.backend.to_string(),
                    format!("{:.4}", r.squares_per_million),
                    format!("{:.4}", r.prime_seconds),
                    text(|a| a.package),
                    text(|a| a.squares),
                    text(|a| a.prime),
                    text(|a| a.note),
                ]
            })
            .collect()
    }

    /// HTML with the two tables' columns side by side.
    pub fn to_html(&self) -> String {
        let workers = self.0.rows.iter().map(|r| r.workers).max().unwrap_or(0);
        let mut s = format!(
            "<table><tr><th></th><th colspan=\"2\">here ({workers} workers)</th>\
             <th colspan=\"4\">the module's author (8 cores, 16 logical processors)</th></tr>\
             <tr><th>backend</th><th>squaring (s per 10^6)</th><th>prime (s)</th>\
             <th>package</th><th>squaring (s per 10^6)</th><th>prime (s)</th><th>note</th></tr>"
        );
        for c in self.cells() {
            s += "<tr>";
            for (i, cell) in c.iter().enumerate() {
                // Names and notes read left to right; numbers line up on the right.
                let align = if matches!(i, 0 | 3 | 6) {
                    "left"
                } else {
                    "right"
                };
                let cell = html_escape(cell);
                s += &format!("<td style=\"text-align:{align}\">{cell}</td>");
            }
            s += "</tr>";
        }
        s + "</table>"
    }

    /// Shows the comparison as HTML in an evcxr notebook.
    pub fn evcxr_display(&self) {
        crate::display::evcxr("text/html", &self.to_html());
    }
}

impl std::fmt::Display for BesideModule<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "| backend | here: squaring (s per 10^6) | here: prime (s) | module: package | module: squaring | module: prime | note |"
        )?;
        writeln!(f, "|:--|--:|--:|:--|--:|--:|:--|")?;
        for c in self.cells() {
            writeln!(f, "| {} |", c.join(" | "))?;
        }
        Ok(())
    }
}
