//! Breakpoint 1 in a notebook: one prompt, asked again while the answer cannot be graded, and
//! the verdict shown beside the measured experiment.

use super::{Breakpoint1, Experiment, Feedback};
use crate::backends::Backend;
use crate::display::html_escape;
use crate::Result;

/// The notebook's prompt. evcxr cuts a prompt at its first `:`, so this one has none.
pub const NOTEBOOK_PROMPT: &str = "Your answer (yes or no, and why) > ";

/// Answers a notebook prompt takes before it stops asking. A headless run whose prompt nobody
/// answers gets `""` back at once, every time; this bounds it.
pub const NOTEBOOK_TRIES: usize = 5;

/// The outcome of [`Breakpoint1::ask_in_notebook`]: the reader's graded (or last) answer and,
/// only when it was graded, the experiment that settles it.
///
/// A notebook cell ending in a `Verdict` shows the verdict and its explanation beside the table
/// of measurements; `Display` prints the same as text.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The answer and what it was read as.
    pub feedback: Feedback,
    /// The measurements; `None` while the answer is ungraded, so nothing gives the answer away.
    pub experiment: Option<Experiment>,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.feedback.answer.trim().is_empty() {
            writeln!(f, "Your answer: {}", self.feedback.answer.trim())?;
        }
        write!(f, "{}", self.feedback)?;
        match &self.experiment {
            Some(e) => write!(f, "\n\nMeasured on this machine:\n{e}"),
            None => write!(f, "\nRun this cell again to answer."),
        }
    }
}

impl Verdict {
    /// Shows the verdict beside the measured experiment, as HTML in an evcxr notebook.
    pub fn evcxr_display(&self) {
        crate::display::evcxr("text/html", &self.to_html());
    }

    /// The HTML [`evcxr_display`](Verdict::evcxr_display) shows.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::breakpoints::{Breakpoint1, Verdict};
    ///
    /// let unclear = Verdict { feedback: Breakpoint1.check("no idea"), experiment: None };
    /// assert!(!unclear.to_html().contains("<table"));
    /// assert!(unclear.to_html().contains("Run this cell again"));
    /// ```
    pub fn to_html(&self) -> String {
        let answer = match self.feedback.answer.trim() {
            "" => String::new(),
            a => format!("<p><b>Your answer:</b> {}</p>", html_escape(a)),
        };
        let right = match &self.experiment {
            Some(e) => format!(
                "<div style=\"flex: 1 1 360px\"><p><b>Measured on this machine</b></p>{}</div>",
                e.to_html()
            ),
            None => String::new(),
        };
        let again = if self.experiment.is_none() {
            "<p>Run this cell again to answer.</p>"
        } else {
            ""
        };
        format!(
            "<div style=\"display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start\">\
             <div style=\"flex: 1 1 360px\">{answer}{}{again}</div>{right}</div>",
            self.feedback.to_html()
        )
    }
}

impl Breakpoint1 {
    /// The breakpoint in a notebook cell: asks with `read` (`evcxr_input::get_string`, which
    /// shows [`NOTEBOOK_PROMPT`] and an input box under the cell), asks again while the answer cannot be graded (an
    /// empty submission, "maybe", "no idea"; at most [`NOTEBOOK_TRIES`] answers), and once it
    /// can, measures the answer on `backend` ([`Breakpoint1::experiment`] on
    /// [`Breakpoint1::EXPERIMENT_N`]). An ungraded answer gets no explanation and no experiment.
    ///
    /// # Errors
    ///
    /// A failing backend.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::breakpoints::Breakpoint1;
    /// use parlab::prelude::*;
    ///
    /// let mut typed = vec!["", "hmm", "No, the loop finds 3 first"].into_iter();
    /// let verdict = Breakpoint1.ask_in_notebook(|_| typed.next().unwrap_or("").to_string(), &Threads::new(2)?)?;
    /// assert_eq!(verdict.feedback.holds, Some(true));
    /// assert!(verdict.experiment.is_some());
    ///
    /// // Nobody at the prompt (a headless run): a few empty answers, no verdict, no experiment.
    /// let verdict = Breakpoint1.ask_in_notebook(|_| String::new(), &Threads::new(2)?)?;
    /// assert_eq!((verdict.feedback.holds, verdict.experiment.is_none()), (None, true));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn ask_in_notebook<B, R>(&self, mut read: R, backend: &B) -> Result<Verdict>
    where
        B: Backend + ?Sized,
        R: FnMut(&str) -> String,
    {
        let mut tries = 0;
        let feedback = self.ask(
            |_| {
                tries += 1;
                (tries <= NOTEBOOK_TRIES).then(|| read(NOTEBOOK_PROMPT))
            },
            |unclear| println!("{unclear}"),
        );
        let experiment = if feedback.is_graded() {
            Some(self.experiment(backend, Self::EXPERIMENT_N)?)
        } else {
            None
        };
        Ok(Verdict {
            feedback,
            experiment,
        })
    }
}
