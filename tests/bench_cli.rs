//! `parlab bench`: its JSON, its per-backend overhead rows, and its message when Python is absent.
#![cfg(feature = "cli")]

use std::process::Command;

fn bench(extra: &[&str], python: &str) -> (serde_json::Value, String) {
    bench_with(extra, &[("PARLAB_PYTHON", python)])
}

/// `parlab bench --json` on small inputs with `extra` arguments and `env` set.
fn bench_with(extra: &[&str], env: &[(&str, &str)]) -> (serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_parlab"))
        .args(["bench", "--json", "--repeat", "1", "--count", "20000"])
        .args(["--prime", "1000003", "--tasks", "2000"])
        .args(extra)
        .envs(env.iter().copied())
        .output()
        .expect("parlab runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).expect("one JSON object");
    (json, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn bench_json_has_kernels_and_every_backend() {
    let (json, _) = bench(&["--workers", "2"], "python3");
    for task in ["squares", "prime"] {
        assert_eq!(json[task]["one_core"]["runs"], 1);
        assert_eq!(json[task]["workers"], 2);
        assert!(json[task]["speedup"].as_f64().unwrap() > 0.0);
    }
    let rows = json["overhead"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["backend"].as_str().unwrap())
        .collect();
    let all: Vec<&str> = parlab::workloads::BackendKind::CPU
        .iter()
        .map(|k| k.name())
        .collect();
    assert_eq!(names, all);
    assert!(json["python"].is_null());
}

#[test]
fn bench_python_without_numpy_says_so() {
    let (json, stderr) = bench(&["--python"], "/nonexistent/python3");
    let notes = json["python"]["notes"].as_array().unwrap();
    assert!(
        notes[0].as_str().unwrap().contains("PARLAB_PYTHON"),
        "{notes:?}"
    );
    assert!(stderr.contains("skipping the Python side"));
}

#[test]
fn bench_c_reference_agrees_with_parlab() {
    // The machine's C compiler (`$CC` or `cc`): a missing one is a failure here, not a skip.
    let (json, _) = bench(&["--c", "--budget", "0.05"], "python3");
    assert!(json["c"]["compiler"].as_str().unwrap().contains("-O3"));
    // The C answers matched parlab's (a mismatch is a note), and the ratios are positive.
    let notes = json["c"]["notes"].as_array().unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    for key in ["squares_ratio", "prime_ratio"] {
        assert!(json["c"][key].as_f64().unwrap() > 0.0, "{key}");
    }
    assert_eq!(json["c"]["squares"]["runs"], 1);
}

#[test]
fn bench_c_reference_without_a_compiler_says_why() {
    let (json, _) = bench_with(
        &["--c", "--budget", "0.05"],
        &[("PARLAB_PYTHON", "python3"), ("CC", "/nonexistent/cc")],
    );
    assert!(json["c"]["compiler"]
        .as_str()
        .unwrap()
        .starts_with("/nonexistent/cc -O3"));
    assert!(json["c"]["squares"].is_null() && json["c"]["prime"].is_null());
    // The note says which compiler was tried.
    let notes = json["c"]["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].as_str().unwrap().contains("/nonexistent/cc"),
        "{notes:?}"
    );
}
