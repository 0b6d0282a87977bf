//! `--dashboard` and `--dashboard-port P` on the CLI: the address on stderr before the work's
//! output, every command that takes them, and a port in use as a clear error.
#![cfg(feature = "cli")]

mod common;

use common::{ok, parlab};

/// The dashboard address in `stderr`, if any.
fn address(stderr: &str) -> Option<&str> {
    let start = stderr.find("http://127.0.0.1:")?;
    stderr[start..].split_whitespace().next()
}

#[test]
fn each_command_prints_the_address_with_its_token() {
    for args in [
        &["squares", "--count", "100000", "--dashboard"][..],
        &["prime", "999962000357", "--dashboard"],
        &["gas", "--particles", "2000", "--steps", "50", "--dashboard"],
        &[
            "table",
            "--count",
            "20000",
            "--prime",
            "999962000357",
            "--dashboard",
        ],
    ] {
        let out = parlab(args);
        ok(args, &out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let url = address(&stderr).unwrap_or_else(|| panic!("{args:?}: no address in {stderr}"));
        let token = url.split("/?token=").nth(1).unwrap_or("");
        assert_eq!(token.len(), 32, "{url}");
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{url}");
        // Printed first: before the progress lines and the work's own messages.
        assert!(
            stderr.starts_with("dashboard: http://127.0.0.1:"),
            "{stderr}"
        );
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = parlab(&["squares", "--count", "1000", "--dashboard-port", &port]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port} of 127.0.0.1 is in use")),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "no work was done: {:?}", out.stdout);
}
