//! The words the answer reader knows: answer words, hedges, negators, comparatives, and the
//! names of the two versions.

/// Phrases that mean "I don't know"; removed before reading (longest first).
pub(super) const NON_ANSWERS: &[&[&str]] = &[
    &["i", "have", "no", "idea"],
    &["yes", "and", "no"],
    &["yes", "or", "no"],
    &["no", "idea"],
    &["no", "clue"],
    &["not", "a", "clue"],
    &["not", "sure"],
    &["not", "certain"],
    &["do", "not", "know"],
    &["does", "not", "know"],
    &["hard", "to", "say"],
    &["hard", "to", "tell"],
    &["can", "not", "say"],
    &["can", "not", "tell"],
    &["it", "depends"],
    &["who", "knows"],
    &["no", "comment"],
    &["no", "opinion"],
    &["either", "way"],
    &["depends"],
    &["unsure"],
    &["uncertain"],
    &["dunno"],
    &["idk"],
];

/// Answer words that mean yes at the start of a clause.
pub(super) const YES: &[&str] = &[
    "yes",
    "y",
    "yeah",
    "yea",
    "yep",
    "yup",
    "ya",
    "yah",
    "aye",
    "sure",
    "indeed",
    "affirmative",
];

/// Answer words that mean no at the start of a clause ("not" is handled apart).
pub(super) const NO: &[&str] = &[
    "no", "n", "nope", "nah", "nay", "never", "negative", "unlikely", "doubt", "doubtful",
];

/// Hedges and fillers skipped at the start of a clause before its answer word.
pub(super) const FILLERS: &[&str] = &[
    "i",
    "would",
    "will",
    "say",
    "think",
    "guess",
    "believe",
    "suppose",
    "reckon",
    "feel",
    "expect",
    "honestly",
    "well",
    "hmm",
    "hm",
    "um",
    "uh",
    "oh",
    "ok",
    "okay",
    "so",
    "the",
    "my",
    "answer",
    "is",
    "am",
    "do",
    "does",
    "maybe",
    "perhaps",
    "probably",
    "likely",
    "most",
    "very",
    "quite",
    "definitely",
    "absolutely",
    "certainly",
    "surely",
    "of",
    "course",
    "it",
];

/// Fillers that are a (hedged) yes when nothing follows them: "Probably." "Of course."
pub(super) const YES_ALONE: &[&str] = &[
    "probably",
    "likely",
    "definitely",
    "absolutely",
    "certainly",
    "surely",
    "course",
];

/// Verbs after which "so" means yes: "I think so".
pub(super) const SO_VERBS: &[&str] = &[
    "think", "guess", "believe", "suppose", "expect", "hope", "say",
];

/// Words that negate a comparison later in the clause.
pub(super) const NEGATORS: &[&str] = &[
    "not", "no", "never", "hardly", "barely", "neither", "nor", "nothing",
];

/// Words that start a new clause.
pub(super) const CONJUNCTIONS: &[&str] = &[
    "but", "because", "since", "although", "though", "whereas", "while", "however", "and",
    "unless", "cause", "cos",
];

/// Single-word comparatives: `+1` faster, `-1` slower, `0` the same speed.
pub(super) const COMPARATIVES: &[(&str, i8)] = &[
    ("faster", 1),
    ("quicker", 1),
    ("speedier", 1),
    ("sooner", 1),
    ("speedup", 1),
    ("outperform", 1),
    ("outperforms", 1),
    ("beat", 1),
    ("beats", 1),
    ("win", 1),
    ("wins", 1),
    ("benefit", 1),
    ("benefits", 1),
    ("help", 1),
    ("helps", 1),
    ("improve", 1),
    ("improves", 1),
    ("improvement", 1),
    ("gain", 1),
    ("gains", 1),
    ("advantage", 1),
    ("better", 1),
    ("shorter", 1),
    ("slower", -1),
    ("longer", -1),
    ("lose", -1),
    ("loses", -1),
    ("worse", -1),
    ("slowdown", -1),
    ("slows", -1),
    ("hurts", -1),
    ("pointless", -1),
    ("useless", -1),
    ("same", 0),
    ("equal", 0),
    ("equally", 0),
    ("similar", 0),
    ("comparable", 0),
    ("identical", 0),
];

/// Words that name the parallel version (`+1`) or the non-parallelized one (`-1`).
pub(super) const SUBJECTS: &[(&str, i8)] = &[
    ("parallel", 1),
    ("parallelized", 1),
    ("parallelised", 1),
    ("parallelism", 1),
    ("parallelization", 1),
    ("parallelisation", 1),
    ("multiprocessing", 1),
    ("multiprocess", 1),
    ("multicore", 1),
    ("cores", 1),
    ("workers", 1),
    ("processes", 1),
    ("threads", 1),
    ("pool", 1),
    ("concurrent", 1),
    ("multithreaded", 1),
    ("serial", -1),
    ("serially", -1),
    ("sequential", -1),
    ("sequentially", -1),
    ("nonparallel", -1),
    ("nonparallelized", -1),
    ("nonparallelised", -1),
    ("unparallelized", -1),
    ("unparallelised", -1),
    ("single", -1),
    ("singlethreaded", -1),
    ("loop", -1),
    ("original", -1),
    ("plain", -1),
    ("regular", -1),
    ("normal", -1),
];
