//! `parlab squares|prime --trace FILE` draws the task stream; progress lines stay off short runs.
#![cfg(feature = "cli")]

mod common;

use common::parlab;

#[test]
fn squares_and_prime_write_task_stream_pictures() {
    let dir = std::env::temp_dir().join(format!("parlab-cli-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("squares.svg");
    let png = dir.join("prime.png");
    let out = parlab(&[
        "squares",
        "--count",
        "100000",
        "--backend",
        "process-pool",
        "--workers",
        "2",
        "--trace",
        svg.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"));
    assert!(text.contains("process-pool") && text.contains("7 tasks on 2 workers"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("tasks ("),
        "a short run printed progress: {stderr}"
    );

    let out = parlab(&[
        "prime",
        "999999999989",
        "--backend",
        "joblib",
        "--workers",
        "2",
        "--trace",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Number is prime."));
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);

    let bad = parlab(&["squares", "--count", "10", "--trace", "x.gif"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--trace"));
    std::fs::remove_dir_all(&dir).unwrap();
}
