//! `parlab cluster ...`: list and start engine clusters. Their speed is measured by
//! `parlab bench` (every backend's per-task overhead) and `parlab table --backend cluster`.

use std::io::BufRead;

use clap::Subcommand;

use crate::backends::cpu_count;
use crate::cluster::{self, Cluster};
use crate::Result;

/// The `cluster` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ClusterCommand {
    /// List the running clusters of this user (like `ipcluster list`).
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Start a cluster and keep it up until Enter or end of input (like `ipcluster start`).
    Start {
        /// Number of engines (default: all cores).
        #[arg(long, short = 'n')]
        engines: Option<usize>,
    },
}

pub(crate) fn run(command: ClusterCommand) -> Result<()> {
    match command {
        ClusterCommand::List { json } => {
            let clusters = cluster::list()?;
            if json {
                super::print_json(&clusters)?;
            } else if clusters.is_empty() {
                println!(
                    "no running clusters (in {})",
                    cluster::runtime_dir().display()
                );
            } else {
                for c in clusters {
                    println!("{c}");
                }
            }
            Ok(())
        }
        ClusterCommand::Start { engines } => {
            let cluster = Cluster::start(engines.unwrap_or_else(cpu_count))?;
            println!(
                "cluster {} started: engines {:?} ({})",
                cluster.id(),
                cluster.pids(),
                cluster.program().display()
            );
            println!("press Enter (or close stdin) to shut it down");
            let mut line = String::new();
            let _ = std::io::stdin().lock().read_line(&mut line);
            cluster.shutdown()
        }
    }
}
