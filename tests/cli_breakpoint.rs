//! `parlab breakpoint 1`: graded answers from `--answer` and from standard input, as JSON and text.
#![cfg(feature = "cli")]

mod common;

use common::{json_with_input as json, parlab_with_input as parlab};
use serde_json::Value;

#[test]
fn a_negated_answer_holds_and_shows_the_measured_experiment() {
    let v = json(
        &[
            "breakpoint",
            "1",
            "--answer",
            "I would not expect it to be faster",
            "--json",
        ],
        "",
    );
    assert_eq!(v["holds"], true);
    assert_eq!(v["answer"], "I would not expect it to be faster");
    assert!(v["question"]
        .as_str()
        .unwrap()
        .starts_with("If a non-prime number"));
    assert!(v["explanation"]
        .as_str()
        .unwrap()
        .contains("waits for every other worker"));
    let rows = v["experiment"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["factor"] == 3));
}

#[test]
fn an_unclear_answer_gets_null_and_no_explanation() {
    for answer in ["No idea", "maybe", "?", ""] {
        let v = json(&["breakpoint", "1", "--answer", answer, "--json"], "");
        assert_eq!(v["holds"], Value::Null, "{answer:?}");
        assert_eq!(v["explanation"], Value::Null, "{answer:?}");
        assert_eq!(v["experiment"], Value::Null, "{answer:?}");
    }
    let v = json(
        &[
            "breakpoint",
            "1",
            "--answer",
            "yes",
            "--json",
            "--no-experiment",
        ],
        "",
    );
    assert_eq!(
        (v["holds"].clone(), v["experiment"].clone()),
        (false.into(), Value::Null)
    );
}

#[test]
fn standard_input_is_asked_again_until_an_answer_can_be_read() {
    let out = parlab(
        &["breakpoint", "1", "--no-experiment"],
        "\nno idea\nSerial is quicker\n",
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No answer yet"), "{text}");
    assert!(text.contains("could not read a yes or a no"), "{text}");
    assert!(text.contains("Your answer holds."), "{text}");
    let v = json(&["breakpoint", "1", "--json", "--no-experiment"], "n\n");
    assert_eq!(v["holds"], true);
    let v = json(&["breakpoint", "1", "--json"], "");
    assert_eq!(v["holds"], Value::Null);
}

#[test]
fn another_breakpoint_number_is_an_error_that_says_which_exist() {
    let out = parlab(&["breakpoint", "2"], "");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("one breakpoint, 1"), "{err}");
}
