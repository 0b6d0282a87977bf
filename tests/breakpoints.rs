//! Breakpoint 1: reading answers and the experiment behind the answer.

use parlab::breakpoints::{Breakpoint1, Stance};
use parlab::prelude::*;

#[test]
fn answers_are_read_and_judged() {
    let cases = [
        ("No", Stance::No, Some(true)),
        (
            "no, because the serial loop stops at the factor",
            Stance::No,
            Some(true),
        ),
        ("Not faster: overhead", Stance::No, Some(true)),
        ("It would be slower", Stance::No, Some(true)),
        ("Yes", Stance::Yes, Some(false)),
        (
            "yes - 16 cores are faster than one",
            Stance::Yes,
            Some(false),
        ),
        ("parallel is faster", Stance::Yes, Some(false)),
        ("", Stance::Unclear, None),
        ("maybe?", Stance::Unclear, None),
    ];
    for (answer, stance, holds) in cases {
        let fb = Breakpoint1.check(answer);
        assert_eq!((fb.stance, fb.holds), (stance, holds), "{answer:?}");
        assert!(fb.explanation.contains("waits for every other worker"));
    }
    assert!(Breakpoint1
        .check("no")
        .to_string()
        .starts_with("Your answer holds."));
}

#[test]
fn the_experiment_finds_the_smallest_factor_in_every_version() {
    // 101 is in the first subinterval; the cofactor is a prime near 10^12.
    let n = 101 * 999_999_999_989;
    for kind in BackendKind::ALL {
        let e = Breakpoint1.experiment(&kind.build(2).unwrap(), n).unwrap();
        assert_eq!(e.n, n);
        assert_eq!(e.rows.len(), 3);
        for row in &e.rows {
            assert_eq!(row.factor, Some(101), "{kind}: {}", row.version);
            assert!(row.seconds >= 0.0);
        }
        assert!(e.to_string().contains("early exit"));
    }
}
