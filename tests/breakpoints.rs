//! Breakpoint 1: reading answers the way people write them, and the experiment behind the answer.

use parlab::breakpoints::{Breakpoint1, Stance};
use parlab::prelude::*;

/// Natural answers to Breakpoint 1 and the verdict a teacher gives each: `Some(true)` the answer
/// holds (it says no, the parallel version is not faster), `Some(false)` it does not (it says
/// yes), `None` it says neither and is asked again. Written down before the reader was.
const ANSWERS: &[(&str, Option<bool>)] = &[
    ("No", Some(true)),
    ("no, because the serial loop stops at the factor", Some(true)),
    ("No - the sequential loop finds the factor right away", Some(true)),
    ("Not faster: overhead", Some(true)),
    ("It would be slower", Some(true)),
    ("I would not expect it to be faster", Some(true)),
    ("I wouldn't expect it to be faster, because the other workers scan their whole subintervals", Some(true)),
    ("It wouldn't be faster", Some(true)),
    ("It won't be any faster", Some(true)),
    ("Serial is quicker", Some(true)),
    ("The non-parallelized version is faster", Some(true)),
    ("The sequential version would win", Some(true)),
    ("Probably not", Some(true)),
    ("I'd say no", Some(true)),
    ("n", Some(true)),
    ("N", Some(true)),
    ("Nope.", Some(true)),
    ("Nah, the overhead kills it", Some(true)),
    ("I don't think so", Some(true)),
    ("I don't think the parallel version would be faster", Some(true)),
    ("Not really", Some(true)),
    ("Not necessarily", Some(true)),
    ("Of course not", Some(true)),
    ("Absolutely not, the serial one finds 3 at once", Some(true)),
    ("I doubt it", Some(true)),
    ("Unlikely", Some(true)),
    ("Maybe not", Some(true)),
    ("Hmm, I guess not.", Some(true)),
    ("There would be no speedup", Some(true)),
    ("I don't expect any speedup since only the first worker does useful work", Some(true)),
    ("It takes longer in parallel", Some(true)),
    ("It will take about the same time or longer", Some(true)),
    ("About the same", Some(true)),
    ("Parallel code would lose to the plain loop here", Some(true)),
    ("No way, starting the pool alone costs more", Some(true)),
    ("I'm not sure, probably not", Some(true)),
    ("Faster? No.", Some(true)),
    ("parallelism doesn't help here", Some(true)),
    ("Yes", Some(false)),
    ("y", Some(false)),
    ("YES!", Some(false)),
    ("yes - 16 cores are faster than one", Some(false)),
    ("parallel is faster", Some(false)),
    ("It would be faster, since the cores share the work", Some(false)),
    ("I think so", Some(false)),
    ("Definitely faster", Some(false)),
    ("Probably", Some(false)),
    ("I'd expect the parallel version to be quicker", Some(false)),
    ("Yeah, more cores means more speed", Some(false)),
    ("The parallel one beats the serial loop", Some(false)),
    ("It should be faster than the sequential code", Some(false)),
    ("It would not be slower", Some(false)),
    ("Of course", Some(false)),
    ("No idea", None),
    ("maybe", None),
    ("maybe?", None),
    ("?", None),
    ("", None),
    ("I don't know", None),
    ("idk", None),
    ("not sure", None),
    ("It depends on the number of workers", None),
    ("Yes and no", None),
    ("hmm", None),
    ("asdf", None),
    ("Perhaps", None),
    ("Who knows", None),
    // Added after the first version of the reader was written (held out then: 29 of 30 right).
    ("Nope, it'd actually be slower", Some(true)),
    ("No, the sequential code finds the factor 3 immediately while parallel waits", Some(true)),
    ("Serial would be faster here", Some(true)),
    ("the serial one", None),
    ("I expect the serial version to finish first", Some(true)),
    ("not at all", Some(true)),
    ("Parallel should win because of more cores", Some(false)),
    ("yes, it would be faster", Some(false)),
    ("I would expect it to be faster", Some(false)),
    ("It isn't faster", Some(true)),
    ("No speedup, the first chunk already contains the factor", Some(true)),
    ("The parallel version wouldn't gain anything", Some(true)),
    ("More workers would make it quicker", Some(false)),
    ("nope", Some(true)),
    ("No, not faster", Some(true)),
    ("I'm not sure", None),
    ("i have no idea", None),
    ("Parallel is not faster than serial", Some(true)),
    ("Sequential is not slower", Some(true)),
    ("Surely", Some(false)),
    ("The parallelized code is slower due to overhead", Some(true)),
    ("No. Overhead.", Some(true)),
    ("It would be just as fast", Some(true)),
    ("Not as fast as the serial one", Some(true)),
    ("yea", Some(false)),
    ("Yes definitely", Some(false)),
    ("I guess it would be faster", Some(false)),
    ("hard to say", None),
    ("I'm not certain", None),
    ("no difference", Some(true)),
];

#[test]
fn at_least_95_percent_of_natural_answers_are_read_right() {
    assert!(ANSWERS.len() >= 40);
    let wrong: Vec<String> = ANSWERS
        .iter()
        .filter(|(answer, holds)| Breakpoint1.check(answer).holds != *holds)
        .map(|(answer, holds)| {
            format!(
                "{answer:?}: expected {holds:?}, got {:?}",
                Breakpoint1.check(answer).holds
            )
        })
        .collect();
    let right = ANSWERS.len() - wrong.len();
    let share = right as f64 / ANSWERS.len() as f64;
    println!(
        "{right} of {} answers read right ({:.1} %)",
        ANSWERS.len(),
        100.0 * share
    );
    assert!(
        share >= 0.95,
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_issues_examples_are_read_right() {
    for answer in [
        "I would not expect it to be faster",
        "It wouldn't be faster",
        "Serial is quicker",
        "The non-parallelized version is faster",
        "Probably not",
        "I'd say no",
        "n",
    ] {
        assert_eq!(Breakpoint1.check(answer).stance, Stance::No, "{answer:?}");
    }
    assert_eq!(Breakpoint1.check("y").stance, Stance::Yes);
    for answer in ["No idea", "maybe", "?", "", "   "] {
        assert_eq!(
            Breakpoint1.check(answer).stance,
            Stance::Unclear,
            "{answer:?}"
        );
    }
}

#[test]
fn only_a_graded_answer_reveals_the_explanation() {
    for answer in ["", "maybe?", "No idea", "I don't know"] {
        let fb = Breakpoint1.check(answer);
        assert_eq!((fb.holds, fb.explanation), (None, None), "{answer:?}");
        let shown = fb.to_string();
        assert!(!shown.contains("waits for every other worker"), "{shown}");
        assert!(shown.contains("yes or no"), "{shown}");
    }
    let fb = Breakpoint1.check("no");
    assert!(fb.to_string().starts_with("Your answer holds."));
    assert!(fb
        .explanation
        .unwrap()
        .contains("waits for every other worker"));
    let fb = Breakpoint1.check("yes");
    assert!(fb.to_string().starts_with("Your answer does not hold."));
    let json = serde_json::to_value(&fb).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["answer", "explanation", "holds", "question"]);
}

#[test]
fn asking_repeats_until_an_answer_can_be_graded() {
    let mut answers = ["", "?", "hmm", "Serial is quicker"]
        .map(String::from)
        .into_iter();
    let mut asked_again = 0;
    let fb = Breakpoint1.ask(|_| answers.next(), |_| asked_again += 1);
    assert_eq!((fb.holds, asked_again), (Some(true), 3));
    let fb = Breakpoint1.ask(|_| None, |_| unreachable!());
    assert_eq!(fb.holds, None);
}

#[test]
fn the_experiment_finds_the_smallest_factor_in_every_version() {
    // 101 is in the first subinterval; the cofactor is a prime near 10^12.
    let n = 101 * 999_999_999_989;
    for kind in BackendKind::CPU {
        let e = Breakpoint1.experiment(&kind.build(2).unwrap(), n).unwrap();
        assert_eq!(e.n, n);
        assert_eq!(e.rows.len(), 3);
        for row in &e.rows {
            assert_eq!(row.factor, Some(101), "{kind}: {}", row.version);
            // A measured wall time: set, positive and finite.
            assert!(
                row.seconds > 0.0 && row.seconds.is_finite(),
                "{kind}: {} took {} s",
                row.version,
                row.seconds
            );
        }
        assert!(e.to_string().contains("early exit"));
    }
}
