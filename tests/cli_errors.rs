//! The library's errors as the `parlab` command line tells them: each names the flag that set
//! the offending value (`src/cli/flags.rs`), where the library's own message names what to call
//! or pass instead (`tests/bad_input_lib.rs`).
#![cfg(feature = "cli")]

mod common;

use common::parlab;

/// The one `error:` line of a run that must fail.
fn error_of(args: &[&str]) -> String {
    let out = parlab(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} succeeded: {stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("{args:?}: no error line in {stderr}"));
    line.to_string()
}

#[test]
fn worker_errors_name_the_flag_of_the_command() {
    let e = error_of(&["squares", "--workers", "0", "--count", "10"]);
    assert!(e.contains("at least 1 worker, got 0"), "{e}");
    assert!(e.contains("omit --workers to use all"), "{e}");
    assert!(!e.contains("cpu_count"), "{e}");
    let e = error_of(&["squares", "--workers", "100000000", "--count", "10"]);
    assert!(e.contains("ask for fewer (--workers)"), "{e}");
    assert!(e.contains("PARLAB_MAX_WORKERS"), "{e}");
    let e = error_of(&["cluster", "start", "-n", "0"]);
    assert!(e.contains("omit --engines to use all"), "{e}");
}

#[test]
fn gas_errors_name_their_flags() {
    for (flag, value) in [
        ("--particles", "0"),
        ("--steps", "0"),
        ("--box", "-1"),
        ("--temperature", "-5"),
        ("--mass-amu", "0"),
        ("--dt", "-1"),
        ("--record-every", "0"),
    ] {
        let e = error_of(&["gas", flag, value]);
        assert!(e.starts_with("error: invalid "), "{flag}: {e}");
        assert!(e.contains(&format!("({flag})")), "{flag}: {e}");
    }
    let e = error_of(&["gas", "--particles", "1000000000000", "--steps", "1"]);
    assert!(e.contains("of memory"), "{e}");
    assert!(
        e.ends_with("(--particles, --record, --record-every)"),
        "{e}"
    );
    let e = error_of(&["gas", "--particles", "1000000", "--steps", "1000000000"]);
    assert!(
        e.contains("invalid run length (--particles, --steps)"),
        "{e}"
    );
}

#[test]
fn seed_errors_name_start_and_count() {
    let e = error_of(&["squares", "--start", "4294967295", "--count", "10"]);
    assert!(e.contains("invalid seed range (--start, --count)"), "{e}");
    assert!(e.contains("32-bit"), "{e}");
}
