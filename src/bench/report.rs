//! The whole `parlab bench` report: kernels, per-task overheads and the Python side by side.

use serde::Serialize;
use serde_json::Value;

use super::c_reference::CSide;
use super::{Overhead, Scaling};

/// The machine the figures were measured on.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// CPU model name.
    pub cpu: String,
    /// Logical cores.
    pub cores: usize,
    /// The kernel flavor measured.
    pub flavor: String,
}

/// One Python cell against the parlab figure for the same work.
#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
    /// `squares`, `prime_check` or `overhead_us`.
    pub group: String,
    /// The Python cell, e.g. `multiprocess_pool`.
    pub cell: String,
    /// Python's figure (seconds, or µs per task for overheads).
    pub python: f64,
    /// What it is compared with, e.g. `parlab 1 core`.
    pub against: String,
    /// parlab's figure in the same unit.
    pub parlab: f64,
    /// Python over parlab: how many times faster parlab is.
    pub ratio: f64,
}

/// The Python side: its raw JSON and the ratios, or why it did not run.
#[derive(Clone, Debug, Serialize)]
pub struct PythonSide {
    /// The script's JSON (absent when it did not run).
    pub figures: Option<Value>,
    /// Python over parlab, cell by cell.
    pub ratios: Vec<Ratio>,
    /// Notes: skipped cells, missing numpy, mismatching answers.
    pub notes: Vec<String>,
}

/// Everything `parlab bench` measured.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Where.
    pub machine: Machine,
    /// Squares on 1 core and on all cores.
    pub squares: Scaling,
    /// Trial division on 1 core and on all cores.
    pub prime: Scaling,
    /// Per-task overhead of every backend.
    pub overhead: Vec<Overhead>,
    /// The module's Python, when asked for.
    pub python: Option<PythonSide>,
    /// The C reference kernels, when asked for.
    pub c: Option<CSide>,
}

impl PythonSide {
    /// Compares the script's JSON `figures` with the parlab figures of `report`; `squares_sum`
    /// and `is_prime` are parlab's answers, which every Python cell must reproduce.
    pub fn compare(figures: Value, report: &Report, squares_sum: u64, is_prime: bool) -> Self {
        let mut ratios = Vec::new();
        let mut notes: Vec<String> = figures["notes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let w = report.squares.workers;
        let sides = [("squares", &report.squares), ("prime_check", &report.prime)];
        for (group, scaling) in sides {
            for (cell, v) in figures[group].as_object().into_iter().flatten() {
                let Some(python) = v.as_f64() else { continue };
                let serial = cell == "list_comprehension" || cell == "serial_is_prime";
                let (against, parlab) = if serial {
                    ("parlab 1 core".to_string(), scaling.one_core.median)
                } else {
                    (format!("parlab {w} cores"), scaling.all_cores.median)
                };
                ratios.push(Ratio {
                    group: group.into(),
                    cell: cell.clone(),
                    python,
                    against,
                    parlab,
                    ratio: python / parlab,
                });
            }
        }
        if let Some(best) = report
            .overhead
            .iter()
            .filter(|o| o.workers > 1)
            .min_by(|a, b| {
                a.micros_per_task
                    .median
                    .total_cmp(&b.micros_per_task.median)
            })
        {
            for (cell, v) in figures["overhead_us"].as_object().into_iter().flatten() {
                let Some(python) = v.as_f64() else { continue };
                let parlab = best.micros_per_task.median;
                ratios.push(Ratio {
                    group: "overhead_us".into(),
                    cell: cell.clone(),
                    python,
                    against: format!("parlab {}", best.backend),
                    parlab,
                    ratio: python / parlab,
                });
            }
        }
        // Serial cells first, then the pools, in the order of the groups.
        ratios.sort_by_key(|r| !(r.cell == "list_comprehension" || r.cell == "serial_is_prime"));
        let group_rank = |g: &str| {
            ["squares", "prime_check", "overhead_us"]
                .iter()
                .position(|x| *x == g)
        };
        ratios.sort_by_key(|r| group_rank(&r.group));
        for (cell, v) in figures["squares_sum"].as_object().into_iter().flatten() {
            if v.as_u64() != Some(squares_sum) {
                notes.push(format!(
                    "{cell}: sum of squares {v} differs from parlab's {squares_sum}"
                ));
            }
        }
        for (cell, v) in figures["is_prime"].as_object().into_iter().flatten() {
            if v.as_bool() != Some(is_prime) {
                notes.push(format!(
                    "{cell}: verdict {v} differs from parlab's {is_prime}"
                ));
            }
        }
        PythonSide {
            figures: Some(figures),
            ratios,
            notes,
        }
    }

    /// A Python side that did not run, and why.
    pub fn unavailable(why: String) -> Self {
        PythonSide {
            figures: None,
            ratios: Vec::new(),
            notes: vec![why],
        }
    }
}

fn ms(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

fn spread(s: &super::Stats) -> String {
    format!("{} [{} – {}]", ms(s.median), ms(s.min), ms(s.max))
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = &self.machine;
        writeln!(
            f,
            "machine: {}, {} cores; kernel flavor {}; medians of {} runs [min – max]",
            m.cpu, m.cores, m.flavor, self.squares.one_core.runs
        )?;
        writeln!(f, "\nkernels (1 core = sequential backend, same kernel):")?;
        for s in [&self.squares, &self.prime] {
            writeln!(f, "  {}", s.task)?;
            writeln!(
                f,
                "    1 core  {:<30} {} cores {:<30} speedup {:.2}x",
                spread(&s.one_core),
                s.workers,
                spread(&s.all_cores),
                s.speedup
            )?;
        }
        writeln!(f, "\nper-task overhead (no-op kernel):")?;
        for o in &self.overhead {
            let s = &o.micros_per_task;
            writeln!(
                f,
                "  {:<16} {} workers {:>8} tasks  {:>9.3} µs/task [{:.3} – {:.3}]",
                o.backend, o.workers, o.tasks, s.median, s.min, s.max
            )?;
        }
        if let Some(py) = &self.python {
            writeln!(f, "\nthe module's Python, same machine, same invocation:")?;
            if let Some(fig) = &py.figures {
                writeln!(f, "  python {} numpy {}", fig["python"], fig["numpy"])?;
            }
            for r in &py.ratios {
                let (p, q) = if r.group == "overhead_us" {
                    (format!("{:.2} µs", r.python), format!("{:.3} µs", r.parlab))
                } else {
                    (ms(r.python), ms(r.parlab))
                };
                writeln!(
                    f,
                    "  {:<12} {:<22} {:>10}  vs {:<16} {:>10}  {:>8.0}x",
                    r.group, r.cell, p, r.against, q, r.ratio
                )?;
            }
            for n in &py.notes {
                writeln!(f, "  note: {n}")?;
            }
        }
        if let Some(c) = &self.c {
            writeln!(
                f,
                "\nthe C reference kernels ({}, 1 core, same run):",
                c.compiler
            )?;
            let rows = [
                ("squares", c.squares, c.squares_ratio, &self.squares),
                ("prime", c.prime, c.prime_ratio, &self.prime),
            ];
            for (name, stats, ratio, parlab) in rows {
                if let (Some(stats), Some(ratio)) = (stats, ratio) {
                    writeln!(
                        f,
                        "  {name:<8} C {:<30} parlab {} cores {:>9} = {ratio:.4}x the C time",
                        spread(&stats),
                        parlab.workers,
                        ms(parlab.all_cores.median)
                    )?;
                }
            }
            for n in &c.notes {
                writeln!(f, "  note: {n}")?;
            }
        }
        Ok(())
    }
}
