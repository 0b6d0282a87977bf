//! The `parlab` binary: JSON output, errors, the table files.
#![cfg(feature = "cli")]

mod common;

use common::{json, parlab};
use serde_json::Value;

#[test]
fn squares_json_has_the_module_numbers_on_every_backend() {
    for backend in ["sequential", "threads", "rayon", "thread-executor"] {
        let v = json(&["squares", "--backend", backend, "--json"]);
        assert_eq!(v["task"], "squares");
        assert_eq!(v["backend"], backend);
        assert_eq!(v["count"], 1_000_000);
        assert_eq!(v["first5"], serde_json::json!([25, 25, 64, 64, 49]));
        assert_eq!(v["last5"], serde_json::json!([81, 36, 1, 1, 1]));
        assert!(v["seconds"].as_f64().unwrap() > 0.0);
        assert!(v["workers"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn io_sleep_runs_the_15_2_variant() {
    let v = json(&[
        "squares",
        "--count",
        "100",
        "--io-sleep",
        "0.001",
        "--backend",
        "thread-executor",
        "--workers",
        "20",
        "--json",
    ]);
    assert_eq!(v["last5"], serde_json::json!([36, 16, 9, 16, 1]));
}

#[test]
fn prime_json_says_prime_or_gives_the_smallest_factor() {
    let v = json(&[
        "prime",
        "489133282872437279",
        "--backend",
        "rayon",
        "--json",
    ]);
    assert_eq!(v["task"], "prime");
    assert_eq!(v["is_prime"], true);
    assert_eq!(v["factor"], Value::Null);
    assert_eq!(v["method"], "trial");
    let v = json(&[
        "prime",
        "999962000357",
        "--backend",
        "threads",
        "--workers",
        "4",
        "--json",
    ]);
    assert_eq!(v["is_prime"], false);
    assert_eq!(v["factor"], 999_979);
    let v = json(&[
        "prime",
        "489133282872437279",
        "--method",
        "miller-rabin",
        "--json",
    ]);
    assert_eq!(
        (v["is_prime"].clone(), v["method"].clone()),
        (Value::Bool(true), "miller-rabin".into())
    );
}

#[test]
fn text_output_reads_like_the_module() {
    let out = parlab(&["prime", "489133282872437279"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Number is prime."), "{text}");
    assert!(text.contains("Execution time ="), "{text}");
    let out = parlab(&["squares", "--count", "10"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[25, 25, 64, 64, 49], ..., [9, 81, 16, 9, 25]"),
        "{text}"
    );
}

#[test]
fn bad_arguments_fail_with_a_message_and_no_panic() {
    for args in [
        &["prime", "0"][..],
        &["prime", "-5"],
        &["prime", "abc"],
        &["squares", "--workers", "0"],
        &["squares", "--backend", "nope"],
        &["squares", "--start", "4294967295", "--count", "2"],
        &["squares", "--io-sleep", "-1", "--count", "1"],
        &["table", "--out", "/proc/parlab-cannot-write-here"],
    ] {
        let out = parlab(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "parlab {args:?} should fail");
        assert!(!err.contains("panicked"), "parlab {args:?} panicked: {err}");
        assert!(err.len() > 10, "parlab {args:?}: no message");
    }
    let err = String::from_utf8(parlab(&["prime", "0"]).stderr).unwrap();
    assert!(err.contains("positive integer"), "{err}");
}

#[test]
fn table_prints_a_row_per_backend_and_writes_md_json_svg() {
    let dir = std::env::temp_dir().join(format!("parlab-table-{}", std::process::id()));
    let dir_s = dir.to_str().unwrap();
    let v = json(&[
        "table", "--count", "20000", "--prime", "1000003", "--out", dir_s, "--json",
    ]);
    let rows = v["rows"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["backend"].as_str().unwrap())
        .collect();
    let listed = String::from_utf8(parlab(&["backends"]).stdout).unwrap();
    // Every backend of the table, then the GPU (which is not in the table).
    assert_eq!(names.len() + 1, listed.lines().count());
    assert!(listed.lines().last().unwrap().starts_with("gpu "));
    for name in &names {
        assert!(listed.contains(name));
    }
    assert_eq!(names[0], "sequential");
    assert_eq!(rows[0]["squares_speedup"], 1.0);
    let md = std::fs::read_to_string(dir.join("table.md")).unwrap();
    assert_eq!(md.lines().count(), 2 + rows.len());
    let parsed: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("table.json")).unwrap()).unwrap();
    assert_eq!(parsed["rows"].as_array().unwrap().len(), rows.len());
    let svg = std::fs::read_to_string(dir.join("table.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Random squaring"));
    std::fs::remove_dir_all(dir).unwrap();
}
