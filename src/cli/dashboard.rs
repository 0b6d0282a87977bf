//! `--dashboard` and `--dashboard-port P` of `squares`, `prime`, `gas` and `table`: a live
//! dashboard served while the run works, its address printed on stderr before the work starts.

use crate::dashboard::{self, Dashboard};
use crate::Result;

/// The dashboard flags.
#[derive(Debug, clap::Args)]
pub(crate) struct DashboardArgs {
    /// Serve a live dashboard (cores, task stream, progress, memory) on 127.0.0.1 while the run
    /// works; its address, with its token, is printed on stderr.
    #[arg(long)]
    dashboard: bool,
    /// The dashboard's port (implies --dashboard; default: a free port the system picks).
    #[arg(long, value_name = "PORT")]
    dashboard_port: Option<u16>,
}

impl DashboardArgs {
    /// Whether `--dashboard` or `--dashboard-port` was given.
    pub(crate) fn asked(&self) -> bool {
        self.dashboard || self.dashboard_port.is_some()
    }

    /// Starts the dashboard when asked for; it stops when the value is dropped.
    pub(crate) fn start(&self) -> Result<Option<Dashboard>> {
        if !self.asked() {
            return Ok(None);
        }
        let dash = dashboard::start_on(self.dashboard_port.unwrap_or(0))?;
        eprintln!(
            "dashboard: {} (open it in a browser; it stops when parlab ends)",
            dash.url()
        );
        Ok(Some(dash))
    }
}
