//! `--cpu FILE` and the `cpu_busy` JSON key of `squares`, `prime` and `gas`: the cores watched
//! while the run works.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::backends::{CpuMonitor, CpuTrace};
use crate::{plot, Error, Result};

/// The figure flag's check: `.png` or `.svg`, before any work is done.
pub(crate) fn check_figure(flag: &'static str, path: Option<&Path>) -> Result<()> {
    if let Some(path) = path {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase);
        if !matches!(ext.as_deref(), Some("png" | "svg")) {
            return Err(Error::invalid(
                flag,
                format!("{} must end in .png or .svg", path.display()),
            ));
        }
    }
    Ok(())
}

/// A CPU monitor for one run: started before the work, stopped after it.
pub(crate) struct Watch {
    monitor: Option<CpuMonitor>,
    chart: Option<PathBuf>,
}

impl Watch {
    /// Starts watching. Where the cores cannot be watched (no `/proc/stat`) that is an error
    /// only if `--cpu` asked for the chart; otherwise the JSON says `null`.
    pub(crate) fn start(chart: Option<&Path>) -> Result<Watch> {
        check_figure("--cpu", chart)?;
        let monitor = match CpuMonitor::start() {
            Ok(m) => Some(m),
            Err(e) if chart.is_some() => return Err(e),
            Err(_) => None,
        };
        Ok(Watch {
            monitor,
            chart: chart.map(Path::to_path_buf),
        })
    }

    /// Stops watching and draws the chart if `--cpu` asked for one.
    pub(crate) fn stop(self) -> Result<Option<CpuTrace>> {
        let Some(monitor) = self.monitor else {
            return Ok(None);
        };
        let trace = monitor.stop()?;
        if let Some(path) = &self.chart {
            plot::save(&trace, path)?;
            let busy: Vec<String> = trace
                .busy
                .iter()
                .map(|b| format!("{:.0}%", 100.0 * b))
                .collect();
            eprintln!(
                "wrote the CPU chart ({} cores busy {} on average) to {}",
                trace.cores,
                busy.join(", "),
                path.display()
            );
        }
        Ok(Some(trace))
    }
}

/// `value` (a JSON object) with `cpu_busy` (average busy fraction per core during the run,
/// machine-wide) and `cpu_process` (this process's CPU seconds per wall second), both `null`
/// when the cores could not be watched.
pub(crate) fn with_cpu(mut value: Value, trace: Option<&CpuTrace>) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.insert("cpu_busy".into(), json!(trace.map(|t| &t.busy)));
        object.insert(
            "cpu_process".into(),
            json!(trace.map(CpuTrace::process_cores)),
        );
    }
    value
}
