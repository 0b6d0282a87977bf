//! Watching the cores from the CLI: `cpu_busy` in the JSON of squares, prime and gas, and
//! `--cpu FILE` charts.
#![cfg(feature = "cli")]

mod common;

use common::{json, parlab};
use serde_json::Value;

fn assert_cpu_keys(v: &Value) {
    let busy = v["cpu_busy"].as_array().expect("cpu_busy is a list");
    assert_eq!(busy.len(), parlab::backends::cpu_count());
    for b in busy {
        let b = b.as_f64().unwrap();
        assert!((0.0..=1.0).contains(&b), "{b}");
    }
    assert!(v["cpu_process"].as_f64().unwrap() >= 0.0);
}

#[test]
fn squares_prime_and_gas_json_carry_cpu_busy_per_core() {
    assert_cpu_keys(&json(&["squares", "--count", "200000", "--json"]));
    assert_cpu_keys(&json(&["prime", "999962000357", "--json"]));
    let v = json(&["gas", "--particles", "20000", "--steps", "200", "--json"]);
    assert_cpu_keys(&v);
    assert_eq!(v["energy_drift"], 0.0);
}

#[test]
fn cpu_charts_are_written_as_png_and_svg() {
    let dir = std::env::temp_dir().join(format!("parlab-cli-cpu-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("cpu.png");
    let svg = dir.join("cpu.svg");
    let out = parlab(&["squares", "--cpu", png.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrote the CPU chart"));
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    let out = parlab(&[
        "gas",
        "--particles",
        "10000",
        "--cpu",
        svg.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("core 0") && text.contains("this process"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_cpu_file_name_fails_before_any_work() {
    for cmd in [&["squares"][..], &["prime", "97"], &["gas"]] {
        let mut args = cmd.to_vec();
        args.extend(["--cpu", "cores.gif"]);
        let out = parlab(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--cpu") && err.contains(".png or .svg"),
            "{err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
