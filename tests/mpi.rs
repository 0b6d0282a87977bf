//! `parlab mpi` (squares, prime, gas) under `mpirun` with 2 and 4 ranks (oversubscribed on small
//! machines), compared with the single-machine CLI; bad arguments, a dead rank and mismatched ranks end the job with
//! a clear error instead of a hang. Needs Open MPI's `mpirun`: with the `mpi` feature on, a
//! missing `mpirun` is a failure, not a skip. Needs the `cli` feature too (the `parlab` binary).
#![cfg(all(feature = "mpi", feature = "cli"))]

use std::process::{Command, Output};
use std::sync::Mutex;

use serde_json::Value;

const EXE: &str = env!("CARGO_BIN_EXE_parlab");
/// Longest a job may take before `timeout` stops it: a hang fails the test instead of CI.
const LIMIT_S: &str = "120";

/// One MPI job at a time: the jobs oversubscribe the cores already.
static JOBS: Mutex<()> = Mutex::new(());

/// `mpirun -n NP --oversubscribe parlab ARGS`, under `timeout`. Root is allowed through Open MPI's
/// environment variables (the same as `--allow-run-as-root`).
fn mpirun(np: usize, args: &[&str]) -> Output {
    let np = np.to_string();
    let mut full = vec!["-n", &np, EXE];
    full.extend_from_slice(args);
    mpirun_raw(&full)
}

fn mpirun_raw(args: &[&str]) -> Output {
    let _one_at_a_time = JOBS.lock().unwrap_or_else(|e| e.into_inner());
    let out = Command::new("timeout")
        .args(["-k", "10", LIMIT_S, "mpirun", "--oversubscribe"])
        .args(args)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .output()
        .expect("could not run `timeout`");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(127),
        "mpirun not found: the `mpi` feature needs Open MPI (bash scripts/setup.sh): {stderr}"
    );
    assert_ne!(
        out.status.code(),
        Some(124),
        "mpirun {args:?} timed out: {stderr}"
    );
    out
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// The single-machine CLI's answer, from the same binary (no MPI involved).
fn single(args: &[&str]) -> Value {
    json(&Command::new(EXE).args(args).output().expect("run parlab"))
}

fn same(mpi: &Value, single: &Value, keys: &[&str]) {
    assert_eq!(mpi["backend"], "mpi");
    let names = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
    assert_eq!(
        names(mpi),
        names(single),
        "the same JSON keys as the single-machine CLI"
    );
    for k in keys {
        assert_eq!(mpi[k], single[k], "{k}: mpi {mpi} vs single {single}");
    }
}

#[test]
fn squares_match_the_single_machine_cli() {
    let keys = ["task", "start", "count", "first5", "last5"];
    let cases = [
        (2, "12345", "300001"),
        (4, "12345", "300001"),
        (4, "12345", "10"),
        (4, "0", "3"),
        (2, "4294967295", "1"), // the last seed; rank 1 idle
    ];
    for (np, start, count) in cases {
        let args = ["squares", "--start", start, "--count", count, "--json"];
        let want = single(&args);
        let mut mpi_args = vec!["mpi", "--threads-per-rank", "1"];
        mpi_args.extend_from_slice(&args);
        let got = json(&mpirun(np, &mpi_args));
        same(&got, &want, &keys);
        assert_eq!(got["workers"], np, "workers = ranks x threads");
    }
    // Two threads per rank, more threads than seeds: every seed still once, in order.
    let want = single(&["squares", "--count", "7", "--json"]);
    let got = json(&mpirun(
        4,
        &[
            "mpi",
            "squares",
            "--count",
            "7",
            "--threads-per-rank",
            "2",
            "--json",
        ],
    ));
    same(&got, &want, &keys);
    assert_eq!(got["workers"], 8);
}

#[test]
fn prime_matches_the_single_machine_cli() {
    let keys = ["task", "n", "method", "is_prime", "factor"];
    let cases: [(usize, &[&str]); 7] = [
        (2, &["489133282872437279"]),
        (4, &["489133282872437279"]),
        (2, &["999962000357"]),  // 999979 * 999983
        (4, &["1000002999949"]), // 999983 * 1000003: the factor is found by the last rank
        (4, &["97"]),            // 4 candidates for 4 ranks x 2 threads: idle threads
        (4, &["25"]),
        (4, &["91", "--method", "miller-rabin"]),
    ];
    for (np, rest) in cases {
        let mut args = vec!["prime"];
        args.extend_from_slice(rest);
        args.push("--json");
        let want = single(&args);
        let mut mpi_args = vec!["mpi", "--threads-per-rank", "2"];
        mpi_args.extend_from_slice(&args);
        let got = json(&mpirun(np, &mpi_args));
        same(&got, &want, &keys);
        assert_eq!(got["workers"], 2 * np);
    }
}

#[test]
fn gas_statistics_match_the_single_machine_cli() {
    let cases: [(usize, &[&str]); 3] = [
        (2, &[]), // the exercise: 100 particles
        (4, &["--particles", "3000", "--steps", "300", "--seed", "7"]),
        (
            4,
            &["--particles", "20", "--steps", "100", "--record", "20"],
        ), // 2 blocks, 8 threads
    ];
    for (np, rest) in cases {
        let mut args = vec!["gas"];
        args.extend_from_slice(rest);
        args.push("--json");
        let want = single(&args);
        let mut mpi_args = vec!["mpi", "--threads-per-rank", "2"];
        mpi_args.extend_from_slice(&args);
        let got = json(&mpirun(np, &mpi_args));
        let timing = [
            "backend",
            "workers",
            "seconds",
            "particle_steps_per_second",
            "cpu_busy",
            "cpu_process",
        ];
        let keys: Vec<&str> = want
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let stats: Vec<&str> = keys.into_iter().filter(|k| !timing.contains(k)).collect();
        assert!(stats.contains(&"pressure") && stats.contains(&"fit_p_value"));
        same(&got, &want, &stats);
        assert_eq!(got["workers"], 2 * np);
    }
    let out = mpirun(2, &["mpi", "gas", "--particles", "0"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("a gas needs at least 1 particle").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn bad_argument_fails_on_every_rank_with_one_message() {
    let out = mpirun(4, &["mpi", "prime", "0"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("error: invalid number: 0 is neither prime")
            .count(),
        1,
        "{stderr}"
    );
    let out = mpirun(2, &["mpi", "--threads-per-rank", "0", "squares"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let said = "invalid threads per rank (--threads-per-rank): got 0";
    assert_eq!(stderr.matches(said).count(), 1, "{stderr}");
}

#[test]
fn ranks_with_different_arguments_are_refused() {
    let out = mpirun_raw(&[
        "-n", "1", EXE, "mpi", "prime", "97", ":", "-n", "1", EXE, "mpi", "prime", "91",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rank 1 was given other arguments"),
        "{stderr}"
    );
}

#[test]
fn a_dead_rank_ends_the_job_instead_of_hanging() {
    let out = mpirun(
        2,
        &["mpi", "prime", "489133282872437279", "--die-on-rank", "1"],
    );
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no result from a broken job");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rank 1: exiting without MPI_Finalize"),
        "{stderr}"
    );
}

#[test]
fn without_mpirun_it_runs_as_one_rank_and_says_so() {
    let _one_at_a_time = JOBS.lock().unwrap_or_else(|e| e.into_inner());
    let out = Command::new(EXE)
        .args(["mpi", "squares", "--count", "10", "--json"])
        .output()
        .expect("run parlab");
    let got = json(&out);
    same(
        &got,
        &single(&["squares", "--count", "10", "--json"]),
        &["first5", "last5"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("single MPI rank"));
}
