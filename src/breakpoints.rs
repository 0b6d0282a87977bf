//! The module's breakpoint questions: asked, answered by the reader, checked, then measured.
//!
//! Breakpoint 1 (15.1.2): *If a non-prime number's smallest prime factor lies within the first
//! subinterval, would you expect the parallelized version of the prime-finding code to be faster
//! than the non-parallelized version?* [`Breakpoint1::check`] says whether an answer holds and
//! why; [`Breakpoint1::experiment`] measures it so the answer is seen, not just told.

use serde::Serialize;

use crate::backends::{Backend, Sequential};
use crate::tasks::subinterval_limits;
use crate::workloads::check_prime;
use crate::workloads::kernels::ModuleScan;
use crate::Result;

/// Breakpoint 1 of the module.
#[derive(Clone, Copy, Debug, Default)]
pub struct Breakpoint1;

/// What a reader's answer amounts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Stance {
    /// "Yes, the parallel version is faster."
    Yes,
    /// "No, it is not faster."
    No,
    /// Neither could be read from the answer.
    Unclear,
}

/// parlab's reply to an answer.
#[derive(Clone, Debug, Serialize)]
pub struct Feedback {
    /// What the answer was read as.
    pub stance: Stance,
    /// Whether the answer holds (`None` when it could not be read).
    pub holds: Option<bool>,
    /// Why.
    pub explanation: String,
}

impl std::fmt::Display for Feedback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = match self.holds {
            Some(true) => "Your answer holds.",
            Some(false) => "Your answer does not hold.",
            None => "Answer yes or no (and why), then run the cell again.",
        };
        write!(f, "{verdict}\n{}", self.explanation)
    }
}

impl Feedback {
    /// Shows the feedback as HTML in an evcxr notebook.
    pub fn evcxr_display(&self) {
        let colour = match self.holds {
            Some(true) => "green",
            Some(false) => "firebrick",
            None => "gray",
        };
        let text = self.to_string().replace('\n', "<br>");
        crate::display::evcxr(
            "text/html",
            &format!(
                "<div style=\"border-left: 4px solid {colour}; padding-left: 8px\">{text}</div>"
            ),
        );
    }
}

const WHY: &str = "No. The sequential loop stops as soon as it reaches the factor, which lies \
early in the range. The module's parallel version gains nothing there: only the first worker \
does useful work, yet `all(results)` waits for every other worker to scan its whole subinterval, \
and the pool must start and hand out the subintervals first. So the parallel run takes about \
(sqrt(n) / 2) / workers trial divisions while the sequential one takes only a handful. Even with \
early exit (parlab's TrialKernel stops the other workers once a smaller factor is known) the \
parallel version is at best as fast as the sequential one, plus the cost of starting workers.";

impl Breakpoint1 {
    /// The question, as the module asks it.
    pub const QUESTION: &'static str = "If a non-prime number's smallest prime factor lies within \
the first subinterval, would you expect the parallelized version of the prime-finding code to be \
faster than the non-parallelized version? If not, why not?";

    /// Reads a free-text answer ("no, because ...", "yes", "faster", "slower", ...) and says
    /// whether it holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::breakpoints::{Breakpoint1, Stance};
    ///
    /// let fb = Breakpoint1.check("No - the sequential loop finds the factor right away");
    /// assert_eq!((fb.stance, fb.holds), (Stance::No, Some(true)));
    /// assert_eq!(Breakpoint1.check("yes, more cores are faster").holds, Some(false));
    /// assert_eq!(Breakpoint1.check("").stance, Stance::Unclear);
    /// ```
    pub fn check(&self, answer: &str) -> Feedback {
        let stance = read_stance(answer);
        let holds = match stance {
            Stance::No => Some(true),
            Stance::Yes => Some(false),
            Stance::Unclear => None,
        };
        Feedback {
            stance,
            holds,
            explanation: WHY.to_string(),
        }
    }

    /// Measures the breakpoint on `backend` for `n`, a composite whose smallest factor lies in the
    /// first subinterval: sequential, parallel as the module does it (every subinterval scanned to
    /// its own first factor or end, then `all(results)`), and parallel with early exit.
    ///
    /// # Errors
    ///
    /// `n == 0` or a failing backend.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::prelude::*;
    /// use parlab::breakpoints::Breakpoint1;
    ///
    /// let threads = Threads::new(2)?;
    /// let e = Breakpoint1.experiment(&threads, 3 * 1_000_000_007)?;
    /// assert!(e.rows.iter().all(|r| r.factor == Some(3)));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn experiment<B: Backend + ?Sized>(&self, backend: &B, n: u64) -> Result<Experiment> {
        let sequential = check_prime(&Sequential, n)?;
        let subs = subinterval_limits(n, backend.workers())?;
        let module = backend.map(&ModuleScan, &subs)?;
        let early = check_prime(backend, n)?;
        let name = backend.name();
        Ok(Experiment {
            n,
            rows: vec![
                ExperimentRow {
                    version: "non-parallelized".into(),
                    seconds: sequential.seconds,
                    factor: sequential.factor,
                },
                ExperimentRow {
                    version: format!("parallel as in the module ({name}, waits for all)"),
                    seconds: module.seconds,
                    factor: module.results.into_iter().flatten().min(),
                },
                ExperimentRow {
                    version: format!("parallel with early exit ({name})"),
                    seconds: early.seconds,
                    factor: early.factor,
                },
            ],
        })
    }
}

fn read_stance(answer: &str) -> Stance {
    let a = answer.trim().to_lowercase();
    let words: Vec<&str> = a
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let first = words.first().copied().unwrap_or("");
    let says = |w: &str| words.contains(&w);
    if matches!(first, "no" | "nope" | "not") || a.contains("not faster") || says("slower") {
        Stance::No
    } else if matches!(first, "yes" | "yeah" | "yep") || says("faster") {
        Stance::Yes
    } else {
        Stance::Unclear
    }
}

/// One measured version in the breakpoint experiment.
#[derive(Clone, Debug, Serialize)]
pub struct ExperimentRow {
    /// Which version.
    pub version: String,
    /// Wall time, seconds.
    pub seconds: f64,
    /// Smallest factor it found.
    pub factor: Option<u64>,
}

/// The breakpoint experiment's measurements.
#[derive(Clone, Debug, Serialize)]
pub struct Experiment {
    /// The composite tested.
    pub n: u64,
    /// Sequential, module-style parallel, early-exit parallel.
    pub rows: Vec<ExperimentRow>,
}

impl std::fmt::Display for Experiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "n = {}", self.n)?;
        for r in &self.rows {
            let factor = r.factor.map_or("none".to_string(), |x| x.to_string());
            writeln!(
                f,
                "{:<55} {:>10.6} s   factor {factor}",
                r.version, r.seconds
            )?;
        }
        Ok(())
    }
}

impl Experiment {
    /// Shows the measurements as an HTML table in an evcxr notebook.
    pub fn evcxr_display(&self) {
        let mut html = format!(
            "<p>n = {}</p><table><tr><th>version</th><th>seconds</th><th>factor</th></tr>",
            self.n
        );
        for r in &self.rows {
            let factor = r.factor.map_or("none".to_string(), |x| x.to_string());
            html += &format!(
                "<tr><td>{}</td><td>{:.6}</td><td>{factor}</td></tr>",
                r.version, r.seconds
            );
        }
        html += "</table>";
        crate::display::evcxr("text/html", &html);
    }
}
