//! Ctrl-C (SIGINT) and SIGTERM to a running `parlab`: it exits within a second, non-zero, with a
//! message, and leaves no process behind (checked in `/proc`).
#![cfg(feature = "cli")]

mod procs;

use std::process::{Child, Command, Stdio};

use procs::children_of;
use std::time::{Duration, Instant};

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(')')
            .is_some_and(|(_, r)| !r.trim_start().starts_with('Z'))
    })
}

/// Starts `parlab args`, waits until it has `kids` children (or 1.5 s for none), sends `signal`
/// and checks the exit: within a second, code 128 + signal, a message, no process left.
fn interrupt(args: &[&str], kids: usize, signal: i32) -> Duration {
    let mut child: Child = Command::new(env!("CARGO_BIN_EXE_parlab"))
        .args(args)
        .stdin(Stdio::piped()) // `cluster start` waits on it; held open until the end
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("parlab starts");
    let pid = child.id();
    let started = Instant::now();
    let mut seen = Vec::new();
    while started.elapsed() < Duration::from_secs(30) {
        seen = children_of(pid);
        if (kids > 0 && seen.len() >= kids)
            || (kids == 0 && started.elapsed() > Duration::from_millis(1500))
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        seen.len() >= kids,
        "parlab {args:?} started {} children, expected {kids}",
        seen.len()
    );
    let sent = Instant::now();
    // SAFETY: kill has no memory preconditions; `pid` is our unreaped child.
    unsafe {
        libc::kill(pid as i32, signal);
    }
    let status = loop {
        if let Some(status) = child.try_wait().expect("waitable") {
            break status;
        }
        if sent.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            panic!("parlab {args:?} still running 5 s after signal {signal}");
        }
        std::thread::sleep(Duration::from_millis(2));
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
    assert!(
        took < Duration::from_secs(1),
        "parlab {args:?} took {took:?} to stop"
    );
    let left: Vec<u32> = seen.into_iter().filter(|&p| alive(p)).collect();
    assert!(left.is_empty(), "parlab {args:?} left processes {left:?}");
    took
}

#[test]
fn sigint_and_sigterm_stop_every_run_within_a_second() {
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
