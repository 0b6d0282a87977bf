//! The report of [`check_step`](super::check_step): one [`StepCheck`] per check.

use serde::Serialize;

/// One check of a [`StepReport`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepCheck {
    /// Short name, such as `"energy conserved"`.
    pub name: &'static str,
    /// What is checked.
    pub what: &'static str,
    /// Particle-steps tried (up to and including the first failure).
    pub cases: usize,
    /// The first failing case, described; `None` when the check passes.
    pub failure: Option<String>,
}

impl StepCheck {
    /// Whether the check passes.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// What [`check_step`](super::check_step) found: one [`StepCheck`] per check. Prints itself (`Display`) and shows
/// as a table in a notebook (`evcxr_display`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepReport {
    /// The checks, in order.
    pub checks: Vec<StepCheck>,
}

impl StepReport {
    /// Whether every check passes.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(StepCheck::passed)
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
    pub fn check(&self, name: &str) -> Option<&StepCheck> {
        self.checks.iter().find(|c| c.name == name)
    }

    fn summary(&self) -> String {
        let passing = self.checks.iter().filter(|c| c.passed()).count();
        if self.passed() {
            format!("Your step function passes all {passing} checks.")
        } else {
            format!(
                "Your step function passes {passing} of {} checks.",
                self.checks.len()
            )
        }
    }

    /// Shows the report as an HTML table in an evcxr notebook.
    pub fn evcxr_display(&self) {
        let mut html = format!(
            "<p><b>{}</b></p><table><tr><th style=\"text-align: left\">check</th>\
             <th>result</th><th>particle-steps</th>\
             <th style=\"text-align: left\">first failing case</th></tr>",
            self.summary()
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
                escape(c.what),
                c.name,
                c.cases,
                escape(failure)
            );
        }
        html += "</table>";
        crate::display::evcxr("text/html", &html);
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl std::fmt::Display for StepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.summary())?;
        for c in &self.checks {
            let result = if c.passed() { "pass" } else { "FAIL" };
            write!(
                f,
                "\n  {result}  {:<28} ({} particle-steps)",
                c.name, c.cases
            )?;
            if let Some(why) = &c.failure {
                write!(f, "\n        first failing case: {why}")?;
            }
        }
        Ok(())
    }
}
