//! The bad-input sweep: every flag of every subcommand with empty, zero, negative, NaN,
//! infinite, huge and out-of-range values. Each run ends (a run that set to work on a huge value
//! instead of refusing it would not, within [`LIMIT`]), without a panic, and when it fails it
//! says why on one `error:` line. The library's public constructors get the same values.
#![cfg(feature = "cli")]

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

mod procs;

/// The most a run may take: a hang guard, generous for a busy machine.
const LIMIT: Duration = Duration::from_secs(30);

/// Values every numeric flag is tried with.
const VALUES: &[&str] = &[
    "",
    "0",
    "-1",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e300",
    "-1e300",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "abc",
];

/// What went wrong with one run, or `None`.
fn check(args: &[String]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("parlab-sweep-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_parlab"))
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("parlab starts");
    let status = procs::poll(LIMIT, || child.try_wait().expect("waitable"));
    if status.is_none() {
        // SAFETY: kills the process group of the child we started.
        unsafe {
            libc::kill(-(child.id() as i32), libc::SIGKILL);
        }
        let _ = child.wait();
    }
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    let last = stderr.lines().last().unwrap_or_default().to_string();
    let Some(status) = status else {
        return Some(format!("no answer within {LIMIT:?}; stderr: {last}"));
    };
    if stderr.contains("panicked") || status.code().is_none() {
        return Some(format!("{status}: {stderr}"));
    }
    if !status.success() && !stderr.contains("error:") {
        return Some(format!("{status} without an error line: {stderr}"));
    }
    None
}

/// `base` with `flag value` for every value (and `extra` values), all in parallel on two
/// threads; returns the failures.
fn sweep(cases: Vec<Vec<String>>) -> Vec<String> {
    let cases = std::sync::Mutex::new(cases.into_iter());
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some(args) = cases.lock().unwrap().next() else {
                    return;
                };
                if let Some(why) = check(&args) {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("parlab {}: {why}", args.join(" ")));
                }
            });
        }
    });
    failures.into_inner().unwrap()
}

fn cases(base: &[&str], flags: &[&str], extra: &[&str]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for flag in flags {
        for value in VALUES.iter().chain(extra) {
            let mut args: Vec<String> = base.iter().map(|s| s.to_string()).collect();
            if flag.is_empty() {
                args.push(value.to_string()); // a positional argument
            } else if let Some(i) = args.iter().position(|a| a == flag) {
                args[i + 1] = value.to_string(); // a flag of the base: replace its value
            } else {
                args.push(flag.to_string());
                args.push(value.to_string());
            }
            out.push(args);
        }
    }
    out
}

fn assert_none(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn squares_flags() {
    let base = ["squares", "--count", "1000", "--progress", "none"];
    let mut all = cases(
        &base,
        &["--start", "--count", "--workers", "--io-sleep"],
        &[],
    );
    all.extend(cases(
        &["squares", "--count", "20", "--progress", "none"],
        &["--backend", "--progress", "--trace"],
        &["nope", "x.txt", "/no/such/dir/t.png"],
    ));
    for backend in ["thread-executor", "process-pool", "cluster", "dask"] {
        all.extend(cases(
            &[
                "squares",
                "--count",
                "10",
                "--backend",
                backend,
                "--progress",
                "none",
            ],
            &["--workers", "--io-sleep"],
            &["0.001"],
        ));
    }
    assert_none(sweep(all));
}

#[test]
fn prime_flags() {
    let mut all = cases(&["prime"], &[""], &["1", "2", "999962000357"]);
    all.extend(cases(
        &["prime", "999962000357"],
        &[
            "--workers",
            "--backend",
            "--method",
            "--progress",
            "--trace",
        ],
        &["nope", "miller-rabin", "x.svg"],
    ));
    all.extend(cases(
        &["prime", "18446744073709551557", "--method", "miller-rabin"],
        &["--workers"],
        &[],
    ));
    assert_none(sweep(all));
}

#[test]
fn gas_flags() {
    let base = ["gas", "--particles", "100", "--steps", "10"];
    let flags = [
        "--particles",
        "--steps",
        "--dt",
        "--box",
        "--temperature",
        "--mass-amu",
        "--seed",
        "--record",
        "--record-every",
        "--workers",
        "--backend",
        "--out",
        "--histogram",
    ];
    assert_none(sweep(cases(&base, &flags, &["nope", "x.txt", "1e-300"])));
}

#[test]
fn table_cluster_and_bench_flags() {
    let mut all = cases(
        &["table", "--count", "1000", "--prime", "1000003"],
        &["--count", "--prime", "--workers", "--out"],
        &["/no/such/dir"],
    );
    all.extend(cases(&["cluster", "start"], &["-n", "--engines"], &[]));
    all.extend(cases(&["cluster"], &[""], &["list", "nope"]));
    all.extend(cases(&["backends"], &["--nope"], &[]));
    all.extend(cases(&["gpu"], &["--nope"], &[]));
    all.extend(cases(
        &[
            "bench", "--repeat", "1", "--count", "1000", "--tasks", "10", "--budget", "0.05",
        ],
        &[
            "--repeat",
            "--python-repeat",
            "--count",
            "--workers",
            "--tasks",
            "--budget",
            "--backend",
            "--flavor",
        ],
        &["nope"],
    ));
    assert_none(sweep(all));
}
