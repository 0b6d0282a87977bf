//! The module's breakpoint questions: asked, answered by the reader, checked, then measured.
//!
//! Breakpoint 1 (15.1.2): *If a non-prime number's smallest prime factor lies within the first
//! subinterval, would you expect the parallelized version of the prime-finding code to be faster
//! than the non-parallelized version?* [`Breakpoint1::check`] says whether an answer holds and
//! why; [`Breakpoint1::experiment`] measures it so the answer is seen, not just told.

use serde::Serialize;

use crate::backends::{Backend, Sequential};
use crate::display::html_escape;
use crate::tasks::subinterval_limits;
use crate::workloads::check_prime;
use crate::workloads::kernels::ModuleScan;
use crate::Result;

mod notebook;
mod reading;
mod words;

pub use notebook::{Verdict, NOTEBOOK_PROMPT, NOTEBOOK_TRIES};

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

/// parlab's reply to an answer: the question, the answer, the verdict and, once the answer
/// could be read, why.
///
/// It prints itself (`Display`), shows as a coloured box in a notebook (`evcxr_display`) and
/// serializes to the JSON of `parlab breakpoint 1 --json`: `question, answer, holds,
/// explanation`.
#[derive(Clone, Debug, Serialize)]
pub struct Feedback {
    /// The question asked.
    pub question: &'static str,
    /// The answer, as given.
    pub answer: String,
    /// What the answer was read as.
    #[serde(skip)]
    pub stance: Stance,
    /// Whether the answer holds: `None` when it could not be read (then ask again).
    pub holds: Option<bool>,
    /// Why; `None` until the answer could be read, so an unclear answer does not give it away.
    pub explanation: Option<&'static str>,
}

impl std::fmt::Display for Feedback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.holds, self.explanation) {
            (Some(true), Some(why)) => write!(f, "Your answer holds.\n{why}"),
            (Some(false), Some(why)) => write!(f, "Your answer does not hold.\n{why}"),
            _ if self.answer.trim().is_empty() => {
                f.write_str("No answer yet: answer yes or no, and why.")
            }
            _ => f.write_str(
                "parlab could not read a yes or a no in that answer. Answer yes or no, and why \
                 (for example \"No, because ...\"), then try again.",
            ),
        }
    }
}

impl Feedback {
    /// Whether the answer could be read (yes or no), so that there is a verdict.
    pub fn is_graded(&self) -> bool {
        self.holds.is_some()
    }

    /// Shows the feedback as HTML in an evcxr notebook.
    pub fn evcxr_display(&self) {
        crate::display::evcxr("text/html", &self.to_html());
    }

    /// The HTML [`evcxr_display`](Feedback::evcxr_display) shows: the verdict in a box coloured
    /// green (holds), red (does not) or grey (ungraded).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::breakpoints::Breakpoint1;
    ///
    /// assert!(Breakpoint1.check("no").to_html().contains("green"));
    /// ```
    pub fn to_html(&self) -> String {
        let colour = match self.holds {
            Some(true) => "green",
            Some(false) => "firebrick",
            None => "gray",
        };
        let text = html_escape(&self.to_string()).replace('\n', "<br>");
        format!("<div style=\"border-left: 4px solid {colour}; padding-left: 8px\">{text}</div>")
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
    /// The composite the experiment checks by default: 3 × 489133282872437279, whose smallest
    /// factor, 3, lies in the first subinterval.
    pub const EXPERIMENT_N: u64 = 3 * 489_133_282_872_437_279;

    /// The question, as the module asks it.
    pub const QUESTION: &'static str = "If a non-prime number's smallest prime factor lies within \
the first subinterval, would you expect the parallelized version of the prime-finding code to be \
faster than the non-parallelized version? If not, why not?";

    /// Reads a free-text answer the way people write ("no, because ...", "I would not expect it
    /// to be faster", "serial is quicker", "probably not", "y") and says whether it holds; an
    /// answer that says neither yes nor no ("maybe", "no idea", "?", nothing) gets no verdict
    /// and no explanation, so it can be asked again. How answers are read: see the `reading`
    /// notes in the source (negations, comparatives, hedges).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::breakpoints::{Breakpoint1, Stance};
    ///
    /// let fb = Breakpoint1.check("No - the sequential loop finds the factor right away");
    /// assert_eq!((fb.stance, fb.holds), (Stance::No, Some(true)));
    /// assert!(fb.explanation.unwrap().contains("waits for every other worker"));
    /// assert_eq!(Breakpoint1.check("I would not expect it to be faster").holds, Some(true));
    /// assert_eq!(Breakpoint1.check("The serial version is quicker").holds, Some(true));
    /// assert_eq!(Breakpoint1.check("yes, more cores are faster").holds, Some(false));
    /// let unclear = Breakpoint1.check("No idea");
    /// assert_eq!((unclear.holds, unclear.explanation), (None, None));
    /// ```
    pub fn check(&self, answer: &str) -> Feedback {
        let stance = reading::read_stance(answer);
        let holds = match stance {
            Stance::No => Some(true),
            Stance::Yes => Some(false),
            Stance::Unclear => None,
        };
        Feedback {
            question: Self::QUESTION,
            answer: answer.to_string(),
            stance,
            holds,
            explanation: holds.map(|_| WHY),
        }
    }

    /// Asks until an answer can be graded: `read(prompt)` returns the next answer, or `None`
    /// when there are no more (end of input). Returns the graded feedback, or the last ungraded
    /// one when the answers ran out; every ungraded answer is shown to `unclear` first, so the
    /// caller can say "try again". A reader that never runs out (evcxr_input's `get_string`
    /// returns "" forever in a headless notebook) must end itself: return `None` after a few
    /// empty answers, as in the example.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::breakpoints::Breakpoint1;
    ///
    /// let mut answers = vec!["".to_string(), "dunno".into(), "nope, the loop stops at 3".into()].into_iter();
    /// let mut retries = 0;
    /// let fb = Breakpoint1.ask(|_prompt| answers.next(), |_| retries += 1);
    /// assert_eq!((fb.holds, retries), (Some(true), 2));
    ///
    /// // A prompt that only ever gets "" (headless): give up after three tries.
    /// let mut tries = 0;
    /// let headless = |_: &str| { tries += 1; (tries <= 3).then(String::new) };
    /// assert_eq!(Breakpoint1.ask(headless, |_| {}).holds, None);
    /// ```
    pub fn ask<R, U>(&self, mut read: R, mut unclear: U) -> Feedback
    where
        R: FnMut(&str) -> Option<String>,
        U: FnMut(&Feedback),
    {
        let mut last = self.check("");
        while let Some(answer) = read("Your answer (yes or no, and why): ") {
            last = self.check(answer.trim());
            if last.is_graded() {
                break;
            }
            unclear(&last);
        }
        last
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
        let module = backend.run(&ModuleScan, &subs)?;
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
                "{:<55} {:>10.3} ms   factor {factor}",
                html_escape(&r.version),
                r.seconds * 1e3
            )?;
        }
        Ok(())
    }
}

impl Experiment {
    /// Shows the measurements as an HTML table in an evcxr notebook.
    pub fn evcxr_display(&self) {
        crate::display::evcxr("text/html", &self.to_html());
    }

    /// The HTML table [`evcxr_display`](Experiment::evcxr_display) shows (times in ms).
    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<p>n = {}</p><table><tr><th>version</th><th>time (ms)</th><th>factor</th></tr>",
            self.n
        );
        for r in &self.rows {
            let factor = r.factor.map_or("none".to_string(), |x| x.to_string());
            html += &format!(
                "<tr><td>{}</td><td style=\"text-align: right\">{:.3}</td><td>{factor}</td></tr>",
                r.version,
                r.seconds * 1e3
            );
        }
        html + "</table>"
    }
}
