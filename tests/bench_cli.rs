//! `parlab bench`: its JSON, its per-backend overhead rows, and its message when Python is absent.
#![cfg(feature = "cli")]

use std::process::Command;

fn bench(extra: &[&str], python: &str) -> (serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_parlab"))
        .args(["bench", "--json", "--repeat", "1", "--count", "20000"])
        .args(["--prime", "1000003", "--tasks", "2000"])
        .args(extra)
        .env("PARLAB_PYTHON", python)
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
fn bench_c_reference_agrees_or_says_why() {
    let (json, _) = bench(&["--c", "--budget", "0.05"], "python3");
    assert!(json["c"]["compiler"].as_str().unwrap().contains("-O3"));
    let notes = json["c"]["notes"].as_array().unwrap();
    if json["c"]["squares"].is_null() {
        // No C compiler here: the note says which one was tried.
        assert!(!notes.is_empty(), "no C figures and no note");
    } else {
        // The C answers matched parlab's (a mismatch is a note), and the ratios are positive.
        assert!(notes.is_empty(), "{notes:?}");
        for key in ["squares_ratio", "prime_ratio"] {
            assert!(json["c"][key].as_f64().unwrap() > 0.0, "{key}");
        }
        assert_eq!(json["c"]["squares"]["runs"], 1);
    }
}
