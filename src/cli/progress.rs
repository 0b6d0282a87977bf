//! Progress of a long map on the command line: an indicatif bar on a terminal, plain lines
//! (at most one a second, so short runs print nothing) when stderr is a file or a pipe, where
//! indicatif would hide its bar and messages.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::backends::{Progress, ProgressUpdate};

/// How `--progress` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ProgressMode {
    /// A bar when stderr is a terminal, otherwise lines.
    Auto,
    /// An indicatif bar (hidden by indicatif when stderr is not a terminal).
    Bar,
    /// A plain line on stderr at most once a second.
    Lines,
    /// Nothing.
    None,
}

/// The reporter of one command: give [`Reporter::progress`] to the map, then call
/// [`Reporter::finish`] before printing the result.
pub(crate) struct Reporter {
    bar: Option<ProgressBar>,
    progress: Option<Progress>,
}

impl Reporter {
    pub fn new(mode: ProgressMode, label: &str) -> Self {
        let mode = match mode {
            ProgressMode::Auto if std::io::stderr().is_terminal() => ProgressMode::Bar,
            ProgressMode::Auto => ProgressMode::Lines,
            m => m,
        };
        match mode {
            ProgressMode::Bar => {
                let bar = ProgressBar::new(0);
                let style = ProgressStyle::with_template(
                    "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} tasks (eta {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                bar.set_style(style);
                bar.set_message(label.to_string());
                let b = bar.clone();
                let progress = Progress::new(move |u: &ProgressUpdate| {
                    b.set_length(u.total as u64);
                    b.set_position(u.done as u64);
                });
                Reporter {
                    bar: Some(bar),
                    progress: Some(progress),
                }
            }
            ProgressMode::Lines => {
                let label = label.to_string();
                let last = Mutex::new(Instant::now());
                let progress = Progress::new(move |u: &ProgressUpdate| {
                    let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
                    if last.elapsed() >= Duration::from_secs(1) && u.done < u.total {
                        *last = Instant::now();
                        eprintln!("{}", line(&label, u));
                    }
                });
                Reporter {
                    bar: None,
                    progress: Some(progress),
                }
            }
            _ => Reporter {
                bar: None,
                progress: None,
            },
        }
    }

    /// The callback for [`MapOptions`](crate::backends::MapOptions), if any.
    pub fn progress(&self) -> Option<Progress> {
        self.progress.clone()
    }

    /// Removes the bar before the result is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// One plain progress line.
fn line(label: &str, u: &ProgressUpdate) -> String {
    let pct = 100.0 * u.done as f64 / u.total.max(1) as f64;
    format!(
        "{label}: {}/{} tasks ({pct:.0}%) after {:.1} s",
        u.done, u.total, u.elapsed
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_line_says_how_far() {
        let u = ProgressUpdate {
            done: 31,
            total: 62,
            reports: 4,
            elapsed: 1.25,
        };
        assert_eq!(
            line("squares", &u),
            "squares: 31/62 tasks (50%) after 1.2 s"
        );
        assert!(Reporter::new(ProgressMode::None, "x").progress().is_none());
        assert!(Reporter::new(ProgressMode::Lines, "x").progress().is_some());
    }
}
