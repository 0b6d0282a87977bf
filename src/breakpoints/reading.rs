//! Reading a free-text answer to a yes/no question: does the parallel version come out faster?
//!
//! The reader works the way a teacher reads, in three steps:
//!
//! 1. **Normalize**: lower case, curly quotes made straight, contractions spelled out
//!    ("wouldn't" → "would not", "I'd" → "I would"), words joined across hyphens
//!    ("non-parallelized" → "nonparallelized"), and the text cut into clauses at punctuation.
//!    Phrases that say "I don't know" ("no idea", "not sure", "it depends") are taken out, so
//!    their "no" and "not" are not read as an answer.
//! 2. **An answer word** at the start of a clause, after hedges such as "I'd say", "probably",
//!    "I think", decides: "yes", "y", "yeah", "sure", "of course", "I think so" read as yes;
//!    "no", "n", "nope", "never", "I doubt it", "not" read as no (a leading "not" only when its
//!    clause makes no comparison: "not slower" is a comparison).
//! 3. Otherwise **comparisons** decide: a comparative ("faster", "quicker", "slower", "takes
//!    longer", "speedup", "wins", "the same") with its subject ("parallel", "the cores" or
//!    "serial", "the non-parallelized version", "the plain loop"; "it" is the parallel version)
//!    and any negation before it in its clause. "Serial is quicker" and "it would not be faster"
//!    both say the parallel version is not faster. Clauses that end in "?" ask, they do not answer.
//!
//! Anything else ("maybe", "?", "no idea", an empty answer) cannot be read.

use super::words::{
    COMPARATIVES, CONJUNCTIONS, FILLERS, NEGATORS, NO, NON_ANSWERS, SO_VERBS, SUBJECTS, YES,
    YES_ALONE,
};
use super::Stance;

/// One clause: its words, and whether it ended in a question mark.
struct Clause {
    words: Vec<String>,
    question: bool,
}

/// What `answer` says: yes (the parallel version is faster), no, or unclear.
pub(crate) fn read_stance(answer: &str) -> Stance {
    let clauses = clauses(answer);
    for clause in &clauses {
        if let Some(stance) = answer_word(clause) {
            return stance;
        }
    }
    let (mut yes, mut no) = (0, 0);
    let mut first = None;
    for clause in clauses.iter().filter(|c| !c.question) {
        for sub in split_conjunctions(&clause.words) {
            for claim in comparisons(sub) {
                first.get_or_insert(claim);
                if claim {
                    yes += 1;
                } else {
                    no += 1;
                }
            }
        }
    }
    match (yes.cmp(&no), first) {
        (std::cmp::Ordering::Greater, _) => Stance::Yes,
        (std::cmp::Ordering::Less, _) => Stance::No,
        (_, Some(true)) => Stance::Yes,
        (_, Some(false)) => Stance::No,
        (_, None) => Stance::Unclear,
    }
}

/// Lower-cased text with contractions spelled out and quotes straightened.
fn normalize(answer: &str) -> String {
    let mut a = answer
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'");
    for (from, to) in [
        ("won't", "will not"),
        ("can't", "can not"),
        ("cannot", "can not"),
        ("shan't", "shall not"),
        ("ain't", "is not"),
        ("n't", " not"),
        ("i'd", "i would"),
        ("it'd", "it would"),
        ("'ll", " will"),
        ("i'm", "i am"),
        ("'re", " are"),
        ("'ve", " have"),
        ("'s", " is"),
    ] {
        a = a.replace(from, to);
    }
    a
}

/// The answer cut into clauses at punctuation, with "I don't know" phrases taken out.
fn clauses(answer: &str) -> Vec<Clause> {
    let text = normalize(answer);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let joins = |c: char| c == '-' || c == '\'';
        let inner = |j: usize| chars.get(j).is_some_and(|c| c.is_alphanumeric());
        if c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        if joins(c) && i > 0 && inner(i - 1) && inner(i + 1) {
            continue; // "non-parallelized", "o'clock": one word
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            out.push(Clause {
                words: std::mem::take(&mut words),
                question: c == '?',
            });
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    out.push(Clause {
        words,
        question: false,
    });
    out.into_iter()
        .flat_map(|c| {
            let question = c.question;
            remove_non_answers(c.words)
                .into_iter()
                .map(move |words| Clause { words, question })
        })
        .filter(|c| !c.words.is_empty())
        .collect()
}

/// `words` with every non-answer phrase cut out; the pieces around one become clauses.
fn remove_non_answers(words: Vec<String>) -> Vec<Vec<String>> {
    let mut pieces = vec![Vec::new()];
    let mut i = 0;
    'outer: while i < words.len() {
        for phrase in NON_ANSWERS {
            let end = i + phrase.len();
            if end <= words.len() && words[i..end].iter().zip(phrase.iter()).all(|(w, p)| w == p) {
                pieces.push(Vec::new());
                i = end;
                continue 'outer;
            }
        }
        if let Some(last) = pieces.last_mut() {
            last.push(words[i].clone());
        }
        i += 1;
    }
    pieces
}

/// The clause's answer word after its hedges, if it starts with one.
fn answer_word(clause: &Clause) -> Option<Stance> {
    let words = &clause.words;
    let mut hedged_yes = false;
    for (i, w) in words.iter().enumerate() {
        let w = w.as_str();
        if YES.contains(&w) {
            return Some(Stance::Yes);
        }
        if NO.contains(&w) {
            return Some(Stance::No);
        }
        if w == "not" {
            let compares = split_conjunctions(words)
                .iter()
                .any(|sub| !comparisons(sub).is_empty());
            return (!compares).then_some(Stance::No);
        }
        if w == "so" && i > 0 && SO_VERBS.contains(&words[i - 1].as_str()) {
            return Some(Stance::Yes);
        }
        if !FILLERS.contains(&w) {
            return None;
        }
        hedged_yes |= YES_ALONE.contains(&w);
    }
    (hedged_yes && !clause.question).then_some(Stance::Yes)
}

/// The clause cut at conjunctions ("..., because ...").
fn split_conjunctions(words: &[String]) -> Vec<&[String]> {
    words
        .split(|w| CONJUNCTIONS.contains(&w.as_str()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Every comparison in a clause, as "the parallel version is faster" (`true`) or not (`false`).
fn comparisons(words: &[String]) -> Vec<bool> {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut claims = Vec::new();
    for i in 0..w.len() {
        let Some(polarity) = comparative(&w, i) else {
            continue;
        };
        let negated = w[..i].iter().any(|x| NEGATORS.contains(x));
        if polarity == 0 {
            // "the same speed", "as fast as": not faster; "not as fast": slower. Either way no.
            claims.push(false);
            continue;
        }
        let subject = w[..i]
            .iter()
            .enumerate()
            .rev()
            .find_map(|(j, _)| subject(&w, j))
            .or_else(|| {
                let than = w[i..].iter().position(|x| *x == "than")? + i;
                (than..w.len()).find_map(|j| subject(&w, j)).map(|s| -s)
            })
            .unwrap_or(1);
        let sign = polarity * subject * if negated { -1 } else { 1 };
        claims.push(sign > 0);
    }
    claims
}

/// The comparative at word `i`, if any (`+1` faster, `-1` slower, `0` the same).
fn comparative(w: &[&str], i: usize) -> Option<i8> {
    let prev = if i > 0 { w[i - 1] } else { "" };
    match w[i] {
        "time" if prev == "more" => Some(-1),
        "time" if prev == "less" => Some(1),
        "up" if matches!(prev, "speed" | "speeds") => Some(1),
        "first" if matches!(prev, "finish" | "finishes" | "done" | "ends" | "end") => Some(1),
        "fast" | "quick" if prev == "as" => Some(0),
        "difference" | "different" if prev == "no" => Some(0),
        word => {
            let p = COMPARATIVES.iter().find(|(c, _)| *c == word)?.1;
            // "less helpful": "less" before a faster-word turns it round.
            Some(if prev == "less" && p > 0 { -p } else { p })
        }
    }
}

/// The version word `j` names: `+1` parallel, `-1` the non-parallelized one.
fn subject(w: &[&str], j: usize) -> Option<i8> {
    let next = w.get(j + 1).copied().unwrap_or("");
    let prev = if j > 0 { w[j - 1] } else { "" };
    match w[j] {
        "one" if matches!(next, "core" | "thread" | "process" | "worker" | "cpu") => Some(-1),
        "more" if matches!(next, "cores" | "workers" | "processes" | "threads") => Some(1),
        "parallel" | "parallelized" | "parallelised" if matches!(prev, "non" | "un" | "not") => {
            Some(-1)
        }
        word => SUBJECTS.iter().find(|(s, _)| *s == word).map(|&(_, s)| s),
    }
}
