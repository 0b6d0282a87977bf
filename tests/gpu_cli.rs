//! `parlab ... --backend gpu` and `parlab gpu` (cargo features `gpu` and `cli`): what the command
//! line finds and prints, and its one-line errors. Like tests/gpu.rs, these run on Mesa's llvmpipe
//! in CI and fail, not skip, on a machine with no adapter.
#![cfg(all(feature = "gpu", feature = "cli"))]

use parlab::gpu::Gpu;

/// The adapter parlab picks in this process: the one the program should name.
fn adapter_name() -> String {
    match Gpu::new() {
        Ok(gpu) => gpu.adapter().name.clone(),
        Err(e) => panic!("the gpu tests need an adapter: {e}"),
    }
}

fn parlab(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_parlab"));
    command.args(args).env("NODEVICE_SELECT", "1");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("parlab runs")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cli_runs_the_gpu_and_says_what_it_found() {
    let out = parlab(&["prime", "999999874000003969", "--backend", "gpu"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("999999937 is a factor"),
        "{}",
        stdout(&out)
    );
    let out = parlab(
        &["squares", "--count", "1000", "--backend", "gpu", "--json"],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["first5"], serde_json::json!([25, 25, 64, 64, 49]));
    let name = adapter_name();
    assert_eq!(v["adapter"], name.as_str());
    let out = parlab(
        &["gas", "--backend", "gpu", "--particles", "500", "--json"],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["backend"].as_str(), v["energy_drift"].as_f64()),
        (Some("gpu"), Some(0.0))
    );
    let listed = stdout(&parlab(&["gpu"], &[]));
    assert!(listed.contains(&name), "{listed}");
    let backends = stdout(&parlab(&["backends"], &[]));
    let last = backends.lines().last().unwrap();
    assert!(
        last.starts_with("gpu") && last.contains("adapter:"),
        "{last}"
    );
}

#[test]
fn cli_errors_on_the_gpu_are_one_line() {
    for (args, says) in [
        (
            &["squares", "--backend", "gpu", "--workers", "2"][..],
            "--workers",
        ),
        (
            &["squares", "--backend", "gpu", "--io-sleep", "0.1"][..],
            "--io-sleep",
        ),
        (
            &[
                "prime",
                "91",
                "--backend",
                "gpu",
                "--method",
                "miller-rabin",
            ][..],
            "miller-rabin",
        ),
        (
            &["gas", "--backend", "gpu", "--workers", "2"][..],
            "--workers",
        ),
    ] {
        let out = parlab(args, &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(says),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    // No adapter (DX12 does not exist on Linux): a clear error saying what to install.
    if cfg!(target_os = "linux") {
        let out = parlab(
            &["prime", "91", "--backend", "gpu"],
            &[("WGPU_BACKEND", "dx12")],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert!(
            err.contains("no GPU adapter found") && err.contains("mesa-vulkan-drivers"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        let out = parlab(&["gpu"], &[("WGPU_BACKEND", "dx12")]);
        assert!(!out.status.success());
    }
}
