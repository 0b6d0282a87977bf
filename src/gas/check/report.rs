//! The report every grader of Exercise 1 returns: one [`Check`] per property, each passing or
//! naming its first failing case.

use serde::Serialize;

use crate::display::html_escape;

/// One check of a [`Report`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Short name, such as `"energy conserved"`.
    pub name: &'static str,
    /// What is checked.
    pub what: &'static str,
    /// Cases tried (up to and including the first failure), counted in the report's
    /// [`unit`](Report::unit).
    pub cases: usize,
    /// The first failing case, described; `None` when the check passes.
    pub failure: Option<String>,
}

impl Check {
    /// Whether the check passes.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// The report of [`check_step`](super::check_step) (the name it had before the other graders).
pub type StepReport = Report;

/// One check of a [`StepReport`].
pub type StepCheck = Check;

/// What a grader ([`check_speeds`](super::check_speeds), [`check_start`](super::check_start),
/// [`check_step`](super::check_step), [`check_gas`](super::check_gas)) found: one [`Check`] per
/// property. Prints itself (`Display`) and shows as a table in a notebook (`evcxr_display`).
///
/// # Examples
///
/// ```
/// use parlab::gas::{check_step, step_particle};
///
/// let report = check_step(step_particle);
/// assert!(report.passed());
/// assert!(report.to_string().starts_with("Your step function passes all 5 checks."));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// What was graded, as the summary names it: `"Your step function"`.
    pub subject: &'static str,
    /// What [`Check::cases`] counts: `"particle-steps"`, `"samples"`, `"particles"`.
    pub unit: &'static str,
    /// The checks, in order.
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether every check passes.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(Check::passed)
    }

    /// Whether the check called `name` passes (false when there is none).
    pub fn passes(&self, name: &str) -> bool {
        self.check(name).is_some_and(Check::passed)
    }

    /// The names of the checks that fail.
    pub fn failed(&self) -> Vec<&'static str> {
        self.checks
            .iter()
            .filter(|c| !c.passed())
            .map(|c| c.name)
            .collect()
    }

    /// The check called `name`.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    fn summary(&self) -> String {
        let passing = self.checks.iter().filter(|c| c.passed()).count();
        if self.passed() {
            format!("{} passes all {passing} checks.", self.subject)
        } else {
            format!(
                "{} passes {passing} of {} checks.",
                self.subject,
                self.checks.len()
            )
        }
    }

    /// Shows the report as an HTML table in an evcxr notebook.
    pub fn evcxr_display(&self) {
        let mut html = format!(
            "<p><b>{}</b></p><table><tr><th style=\"text-align: left\">check</th>\
             <th>result</th><th>{}</th>\
             <th style=\"text-align: left\">first failing case</th></tr>",
            self.summary(),
            self.unit
        );
        for c in &self.checks {
            let (colour, result) = if c.passed() {
                ("green", "pass")
            } else {
                ("firebrick", "FAIL")
            };
            let failure = c.failure.as_deref().unwrap_or("");
            html += &format!(
                "<tr><td style=\"text-align: left; white-space: nowrap\" title=\"{}\">{}</td>\
                 <td style=\"color: {colour}\"><b>{result}</b></td><td>{}</td><td style=\"text-align: left\">{}</td></tr>",
                html_escape(c.what),
                c.name,
                c.cases,
                html_escape(failure)
            );
        }
        html += "</table>";
        crate::display::evcxr("text/html", &html);
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.summary())?;
        for c in &self.checks {
            let result = if c.passed() { "pass" } else { "FAIL" };
            write!(
                f,
                "\n  {result}  {:<28} ({} {})",
                c.name, c.cases, self.unit
            )?;
            if let Some(why) = &c.failure {
                write!(f, "\n        first failing case: {why}")?;
            }
        }
        Ok(())
    }
}
