//! Finding the engine program, and starting engine processes.

use std::io::{BufReader, BufWriter};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::engine::{ENGINE_ID_VAR, PARENT_VAR};
use super::protocol::{read_frame, Reply, PROTOCOL};
use super::Engine;
use crate::{Error, Result};

/// Environment variable naming the engine program to use instead of the stock `parlab-engine`.
pub const ENGINE_VAR: &str = "PARLAB_ENGINE";

/// File name of the stock engine program.
pub(crate) const ENGINE_BIN: &str = "parlab-engine";

fn fail(message: impl Into<String>) -> Error {
    Error::Backend {
        backend: "cluster",
        message: message.into(),
    }
}

/// The engine program: `explicit` if given, else `$PARLAB_ENGINE`, else `parlab-engine` next to
/// the running program (the CLI, or an integration test one folder down in `deps/`), else the
/// one `scripts/setup-notebooks.sh` built in this crate's `target/release` when it is newer than
/// the sources (the notebook case: evcxr's own binary has no engine beside it), else built from
/// this crate's sources with cargo.
pub(crate) fn engine_path(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    if let Some(path) = std::env::var_os(ENGINE_VAR).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    if let Ok(exe) = std::env::current_exe() {
        let dir = exe.parent().map(Path::to_owned).unwrap_or_default();
        let candidates = [dir.join(ENGINE_BIN), dir.join("..").join(ENGINE_BIN)];
        if let Some(found) = candidates.into_iter().find(|p| p.is_file()) {
            return Ok(found);
        }
    }
    if let Some(built) = prebuilt() {
        return Ok(built);
    }
    build_with_cargo()
}

/// `target/release/parlab-engine` of this crate, if it exists and is newer than `Cargo.toml`,
/// `Cargo.lock` and every file under `src/`: then cargo would not rebuild it, and not even
/// asking cargo keeps a notebook cell from building anything.
fn prebuilt() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exe = root.join("target").join("release").join(ENGINE_BIN);
    let built = exe.metadata().ok()?.modified().ok()?;
    let mut pending = vec![
        root.join("src"),
        root.join("Cargo.toml"),
        root.join("Cargo.lock"),
    ];
    while let Some(path) = pending.pop() {
        let meta = path.metadata().ok()?;
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).ok()? {
                pending.push(entry.ok()?.path());
            }
        } else if meta.modified().ok()? > built {
            return None;
        }
    }
    Some(exe)
}

/// `cargo build --release --bin parlab-engine` on this crate's manifest; ≈0.2 s when up to date.
fn build_with_cargo() -> Result<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(&cargo)
        .args(["build", "--release", "--bin", ENGINE_BIN])
        .arg("--message-format=json-render-diagnostics")
        .arg("--manifest-path")
        .arg(&manifest)
        .env_remove("CARGO_TARGET_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("could not run cargo to build {ENGINE_BIN}: {e}; set {ENGINE_VAR} to an engine program")))?;
    // Say so only when cargo really builds: an up-to-date check takes a fraction of a second.
    let (out, err) = (child.stdout.take(), child.stderr.take());
    let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = read(out.map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let err = read(err.map(|p| Box::new(p) as Box<dyn std::io::Read + Send>));
    let started = std::time::Instant::now();
    let mut said = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => break Err(e),
        }
        if !said && started.elapsed() > std::time::Duration::from_secs(1) {
            // stdout, not stderr: in a notebook stderr is shown like an error. (The CLI never gets
            // here: its engine sits beside it.)
            println!("parlab: building {ENGINE_BIN} with cargo: not built yet, or its sources changed (about a minute; scripts/setup-notebooks.sh builds it ahead of time)");
            said = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    .map_err(|e| fail(format!("cargo building {ENGINE_BIN} failed to run: {e}")))?;
    let output = std::process::Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let built = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == ENGINE_BIN)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from));
    match built {
        Some(path) if output.status.success() => Ok(path),
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
            Err(fail(format!(
                "building {ENGINE_BIN} with cargo ({}) failed: {}; set {ENGINE_VAR} to an engine program",
                manifest.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            )))
        }
    }
}

/// Starts engine `id` from `program` on the calling thread, and waits for its hello.
///
/// The engine gets `PR_SET_PDEATHSIG` = `SIGKILL` (set between fork and exec), so it dies when
/// the thread that started it exits; it stays in our process group, so a Jupyter kernel restart
/// kills it too.
pub(crate) fn spawn(program: &Path, id: usize) -> Result<Engine> {
    let mut command = Command::new(program);
    command
        .env(ENGINE_ID_VAR, id.to_string())
        .env(PARENT_VAR, std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .map_err(|e| fail(format!("could not start engine {}: {e}", program.display())))?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(fail("engine pipes missing"));
    };
    let mut stdout = BufReader::with_capacity(1 << 16, stdout);
    let hello = read_frame::<Reply>(&mut stdout);
    let kernels = match hello {
        Ok(Some(Reply::Hello {
            protocol: PROTOCOL,
            kernels,
            ..
        })) => kernels,
        other => {
            let _ = child.kill();
            let _ = child.wait();
            let why = match other {
                Ok(Some(Reply::Hello { protocol, .. })) => {
                    format!("speaks protocol {protocol}, this parlab speaks {PROTOCOL}; rebuild it")
                }
                Ok(_) => "exited or said something other than hello".to_string(),
                Err(e) => e.to_string(),
            };
            return Err(fail(format!(
                "{} is not a working parlab engine: {why}",
                program.display()
            )));
        }
    };
    Ok(Engine {
        id,
        pid: child.id(),
        child,
        stdin: BufWriter::with_capacity(1 << 16, stdin),
        stdout,
        kernels,
        alive: true,
    })
}
