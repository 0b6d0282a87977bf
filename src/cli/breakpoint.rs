//! `parlab breakpoint 1`: the module's Breakpoint 1, asked on the terminal (or answered with
//! `--answer`), graded, and shown next to the measured experiment.

use std::io::{BufRead, IsTerminal, Write};

use serde_json::json;

use crate::backends::cpu_count;
use crate::breakpoints::{Breakpoint1, Feedback};
use crate::workloads::BackendKind;
use crate::{Error, Result};

/// Flags of `parlab breakpoint`.
#[derive(Debug, clap::Args)]
pub struct BreakpointArgs {
    /// Which breakpoint (the module has one: 1).
    number: u32,
    /// The answer, for scripts; without it parlab asks on the terminal until it can read a yes
    /// or a no.
    #[arg(long, value_name = "TEXT")]
    answer: Option<String>,
    /// Print one JSON object: question, answer, holds (true, false, or null when the answer
    /// could not be read: ask again), explanation (null until graded), experiment.
    #[arg(long)]
    json: bool,
    /// Skip the experiment that measures the answer.
    #[arg(long)]
    no_experiment: bool,
    /// The composite the experiment checks (its smallest factor should be small).
    #[arg(long, default_value_t = Breakpoint1::EXPERIMENT_N)]
    n: u64,
    /// Backend of the experiment's parallel versions.
    #[arg(long, default_value = "rayon", value_parser = super::named(&BackendKind::CPU, BackendKind::name))]
    backend: BackendKind,
    /// Workers of the experiment (default: all cores).
    #[arg(long)]
    workers: Option<usize>,
}

/// Runs `parlab breakpoint`.
pub(crate) fn run(args: BreakpointArgs) -> Result<()> {
    if args.number != 1 {
        return Err(Error::invalid(
            "breakpoint number",
            format!(
                "the module has one breakpoint, 1; got {}: run `parlab breakpoint 1`",
                args.number
            ),
        ));
    }
    let feedback = match &args.answer {
        Some(answer) => Breakpoint1.check(answer),
        None => ask(args.json)?,
    };
    let experiment = if feedback.is_graded() && !args.no_experiment {
        let backend = args.backend.build(args.workers.unwrap_or_else(cpu_count))?;
        Some(Breakpoint1.experiment(&backend, args.n)?)
    } else {
        None
    };
    if args.json {
        return super::print_json(&json!({
            "question": feedback.question,
            "answer": feedback.answer,
            "holds": feedback.holds,
            "explanation": feedback.explanation,
            "experiment": experiment,
        }));
    }
    if args.answer.is_some() {
        println!(
            "{}\n\nYour answer: {}\n",
            Breakpoint1::QUESTION,
            feedback.answer
        );
    }
    println!("{feedback}");
    if let Some(e) = experiment {
        println!("\nMeasured on this machine:\n{e}");
    }
    Ok(())
}

/// Asks on the terminal (prompts on stderr when stdout carries JSON) until an answer can be
/// graded or the input ends.
fn ask(json: bool) -> Result<Feedback> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let say = |text: &str| {
        if json {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    };
    say(&format!("{}\n", Breakpoint1::QUESTION));
    let mut lines = stdin.lock().lines();
    let mut failure = None;
    let feedback = Breakpoint1.ask(
        |prompt| {
            if interactive {
                if json {
                    eprint!("{prompt}");
                } else {
                    print!("{prompt}");
                }
                let _ = std::io::stdout().flush();
                let _ = std::io::stderr().flush();
            }
            match lines.next()? {
                Ok(line) => Some(line),
                Err(e) => {
                    failure = Some(e);
                    None
                }
            }
        },
        |unclear| say(&format!("{unclear}\n")),
    );
    match failure {
        Some(e) => Err(Error::io("read", std::path::Path::new("standard input"), e)),
        None => Ok(feedback),
    }
}
