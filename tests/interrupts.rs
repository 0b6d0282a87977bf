//! Ctrl-C (SIGINT) and SIGTERM to a running `parlab`: it exits non-zero with a message, and
//! leaves no process behind (checked in `/proc`). How long it took is printed, not asserted.
#![cfg(feature = "cli")]

mod procs;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use procs::{catches, children_of, cpu_seconds, gone, poll, wait_until};

/// Generous limits that only guard against a hang.
const HANG: Duration = Duration::from_secs(60);

/// Starts `parlab args`, waits until the run is under way (its signal watcher installed and
/// `kids` children started, or with none some CPU time used), sends `signal` and checks the
/// exit: code 128 + signal, a message, no process left. Returns how long the exit took.
fn interrupt(args: &[&str], kids: usize, signal: i32) -> Duration {
    let mut child: Child = Command::new(env!("CARGO_BIN_EXE_parlab"))
        .args(args)
        .stdin(Stdio::piped()) // `cluster start` waits on it; held open until the end
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("parlab starts");
    let pid = child.id();
    let mut seen = Vec::new();
    let under_way = wait_until(HANG, || {
        seen = children_of(pid);
        catches(pid, signal)
            && if kids > 0 {
                seen.len() >= kids
            } else {
                cpu_seconds(pid) >= 0.2
            }
    });
    assert!(
        under_way,
        "parlab {args:?} started {} children (expected {kids}); catches signal {signal}: {}",
        seen.len(),
        catches(pid, signal)
    );
    let sent = Instant::now();
    // SAFETY: kill has no memory preconditions; `pid` is our unreaped child.
    unsafe {
        libc::kill(pid as i32, signal);
    }
    let Some(status) = poll(HANG, || child.try_wait().expect("waitable")) else {
        let _ = child.kill();
        panic!("parlab {args:?} still running {HANG:?} after signal {signal}");
    };
    let took = sent.elapsed();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    assert_eq!(
        status.code(),
        Some(128 + signal),
        "parlab {args:?}: {status}, {stderr}"
    );
    assert!(stderr.contains("error: interrupted by SIG"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let left: Vec<u32> = seen.into_iter().filter(|&p| !gone(p)).collect();
    assert!(left.is_empty(), "parlab {args:?} left processes {left:?}");
    took
}

#[test]
fn sigint_and_sigterm_stop_every_run_and_leave_no_process() {
    let pool = [
        "squares",
        "--backend",
        "process-pool",
        "--workers",
        "2",
        "--count",
        "200",
        "--io-sleep",
        "1",
        "--progress",
        "none",
    ];
    let cluster = ["cluster", "start", "-n", "3"];
    let gas = ["gas", "--particles", "2000000", "--steps", "20000"];
    let gas_pool = [
        "gas",
        "--particles",
        "200000",
        "--steps",
        "20000",
        "--backend",
        "process-pool",
        "--workers",
        "2",
    ];
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let times = [
            interrupt(&pool, 2, signal),
            interrupt(&cluster, 3, signal),
            interrupt(&gas, 0, signal),
            interrupt(&gas_pool, 2, signal),
        ];
        eprintln!("signal {signal}: stopped in {times:?}");
    }
}
