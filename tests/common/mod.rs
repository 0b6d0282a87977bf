//! Helpers the command-line tests share: run the `parlab` binary, read its JSON.
#![allow(dead_code)] // each test file uses some of them

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `parlab ARGS` with `stdin` as its standard input.
pub fn parlab_with_input(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the parlab binary starts");
    if let Some(mut input) = child.stdin.take() {
        // A run that exits before reading its input closes the pipe: not an error here.
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("the parlab binary runs")
}

/// Runs `parlab ARGS`.
pub fn parlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parlab"))
        .args(args)
        .output()
        .expect("the parlab binary runs")
}

/// Asserts that `out` succeeded (printing its stderr if not) and returns its stdout.
pub fn ok(args: &[&str], out: &Output) -> String {
    assert!(
        out.status.success(),
        "parlab {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one JSON object that `parlab ARGS` prints.
pub fn json(args: &[&str]) -> Value {
    let out = parlab(args);
    serde_json::from_str(&ok(args, &out)).expect("stdout is one JSON object")
}

/// The one JSON object that `parlab ARGS` prints, with `stdin` as its input.
pub fn json_with_input(args: &[&str], stdin: &str) -> Value {
    let out = parlab_with_input(args, stdin);
    serde_json::from_str(&ok(args, &out)).expect("stdout is one JSON object")
}
