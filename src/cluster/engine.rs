//! The engine side: the loop a `parlab-engine` process runs.

use std::io::{self, BufReader, BufWriter, Write};
use std::process::ExitCode;

use super::kernels::KernelRegistry;
use super::protocol::{monotonic_ns, read_frame, write_frame, Reply, Request, PROTOCOL};

/// Environment variable holding an engine's index in its cluster; set by the cluster for every
/// engine it starts.
pub const ENGINE_ID_VAR: &str = "PARLAB_ENGINE_ID";

/// Environment variable holding the process id of the engine's cluster.
pub(crate) const PARENT_VAR: &str = "PARLAB_ENGINE_PARENT";

/// True when this process was started by a [`Cluster`](super::Cluster) as an engine: lets one
/// program be both a notebook-free client and, when the cluster starts it, an engine.
///
/// # Examples
///
/// ```
/// // A test or a CLI is not an engine.
/// assert!(!parlab::cluster::is_engine());
/// ```
pub fn is_engine() -> bool {
    std::env::var_os(ENGINE_ID_VAR).is_some()
}

/// Serves `registry` as an engine on stdin/stdout until stdin closes: the whole `main` of an
/// engine program. `parlab-engine` is `engine_main(parlab::workloads::engine_kernels())`; a program of
/// your own can register more kernels and be used with
/// [`ClusterBuilder::engine`](super::ClusterBuilder::engine) (see `examples/custom_engine.rs`).
///
/// The engine dies with its cluster: the cluster sets `PR_SET_PDEATHSIG` when it starts the
/// process, and the engine exits at once when its parent is already gone.
///
/// # Examples
///
/// ```no_run
/// use parlab::cluster::engine_main;
///
/// fn main() -> std::process::ExitCode {
///     engine_main(parlab::workloads::engine_kernels().register("cube", |x: &u64| x.pow(3)))
/// }
/// ```
pub fn engine_main(registry: KernelRegistry) -> ExitCode {
    if let Some(parent) = std::env::var(PARENT_VAR)
        .ok()
        .and_then(|p| p.parse::<libc::pid_t>().ok())
    {
        // SAFETY: getppid has no preconditions.
        if unsafe { libc::getppid() } != parent {
            return ExitCode::FAILURE; // the cluster died before we started
        }
    }
    // Panics are reported to the cluster as messages; keep stderr quiet.
    std::panic::set_hook(Box::new(|_| {}));
    match serve(registry) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parlab-engine: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(registry: KernelRegistry) -> io::Result<()> {
    let mut input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let mut output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    write_frame(
        &mut output,
        &Reply::Hello {
            protocol: PROTOCOL,
            pid: std::process::id(),
            kernels: registry.infos(),
        },
    )?;
    output.flush()?;
    let kernels = registry.into_callables();
    while let Some(request) = read_frame::<Request>(&mut input)? {
        let Request::Task { id, kernel, input } = request;
        let start = monotonic_ns();
        let outcome = match kernels.get(kernel as usize) {
            Some(f) => f(&input),
            None => Err(format!("no kernel number {kernel}")),
        };
        let end = monotonic_ns();
        let reply = match outcome {
            Ok(output) => Reply::Done {
                id,
                start,
                end,
                output,
            },
            Err(message) => Reply::Failed { id, message },
        };
        write_frame(&mut output, &reply)?;
        output.flush()?;
    }
    Ok(())
}
