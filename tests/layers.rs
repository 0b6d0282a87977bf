//! The module layers of `src/lib.rs`, checked on the source: every `crate::<module>` path in a
//! file (in `use` lines, grouped `use crate::{a::X, b::Y}` forms and inline paths) points to a
//! lower layer, no `super::super` path climbs out of its top-level module, and no source file
//! is over [`MAX_LINES`] lines.
//!
//! | layer | modules |
//! |---|---|
//! | 0 | `error`, `display`, `limits`: importable from everywhere |
//! | 1. kernels | `tasks`, `gas` |
//! | 2. executors | `backends`, `cluster`, `dask` (`cluster` and `dask` may import `backends`) |
//! | 3. workloads | `workloads`, `table`, `breakpoints`, `bench`, `mpi` |
//! | 4. presentation | `plot`, `cli` |
//! | 5 | `prelude`: imports anything, imported by nothing |
//!
//! `src/lib.rs`, `src/main.rs`, `src/prelude.rs`, `src/bin/*` and the unit-test files `test.rs`
//! are not checked; comments and string literals are skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The longest a source file may be.
const MAX_LINES: usize = 450;

/// Each top-level module's layer.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("display", 0),
    ("limits", 0),
    ("tasks", 1),
    ("gas", 1),
    ("backends", 2),
    ("cluster", 2),
    ("dask", 2),
    ("workloads", 3),
    ("table", 3),
    ("breakpoints", 3),
    ("bench", 3),
    ("mpi", 3),
    ("plot", 4),
    ("cli", 4),
    ("prelude", 5),
];

/// Modules every module may import.
const BELOW_ALL: &[&str] = &["error", "display", "limits"];

/// Imports allowed between two modules of the same layer: `(importer, imported)`.
///
/// Inside a layer the edges point one way too: the executors `cluster` and `dask` are built on
/// `backends` (its trait and runner); `workloads` is the base of layer 3, which `table`,
/// `breakpoints`, `bench` and `mpi` run; `cli` draws with `plot`.
const SAME_LAYER: &[(&str, &str)] = &[
    ("cluster", "backends"),
    ("dask", "backends"),
    ("table", "workloads"),
    ("breakpoints", "workloads"),
    ("bench", "workloads"),
    ("mpi", "workloads"),
    ("cli", "plot"),
];

/// Items `src/lib.rs` re-exports at the crate root, and the module they come from.
const ROOT_ITEMS: &[(&str, &str)] = &[("Error", "error"), ("Result", "error")];

/// Files the rule does not apply to, relative to `src/`.
const EXEMPT_FILES: &[&str] = &["lib.rs", "main.rs", "prelude.rs"];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

fn layer_name(module: &str) -> String {
    layer(module).map_or("no layer: add it to tests/layers.rs".into(), |l| {
        format!("layer {l}")
    })
}

/// Whether a file of module `from` may refer to `crate::to`.
fn allowed(from: &str, to: &str) -> bool {
    if to == from || BELOW_ALL.contains(&to) || SAME_LAYER.contains(&(from, to)) {
        return true;
    }
    match (layer(from), layer(to)) {
        (Some(a), Some(b)) => b < a,
        _ => false,
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `src/`-relative path with `/` separators.
fn relative(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The file's top-level module and how many module levels below it the file sits
/// (`tasks/mod.rs`: 0, `tasks/primes.rs`: 1, `tasks/primes/wheel.rs`: 2, `table.rs`: 0).
fn module_of(rel: &str) -> (String, usize) {
    let parts: Vec<&str> = rel.split('/').collect();
    let top = parts[0].trim_end_matches(".rs").to_string();
    let last = parts[parts.len() - 1];
    let depth = if last == "mod.rs" {
        parts.len() - 2
    } else {
        parts.len() - 1
    };
    (top, depth)
}

/// `text` with comments and the contents of string and char literals blanked out (newlines
/// kept), so that offsets and line numbers stay those of the file.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.extend("  ".chars());
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.extend("  ".chars());
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '"' {
            // A raw string `r#"..."#` has its hashes (already copied) right before the quote.
            let hashes = out.iter().rev().take_while(|&&h| h == '#').count();
            let before = out.len() - hashes;
            let raw = before > 0
                && out[before - 1] == 'r'
                && (before < 2 || !ident(out[before - 2]) || out[before - 2] == 'b');
            out.push('"');
            i += 1;
            while i < chars.len() {
                if !raw && chars[i] == '\\' {
                    out.push(' ');
                    out.push(blank(chars.get(i + 1).copied().unwrap_or(' ')));
                    i += 2;
                } else if chars[i] == '"'
                    && (!raw || (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')))
                {
                    out.push('"');
                    i += 1;
                    break;
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A char literal ('x', '\n', '\u{7f}'); anything else after a quote is a lifetime.
            out.push('\'');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                out.extend(std::iter::repeat_n(' ', skip));
                i += skip;
            }
            out.push('\'');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// What one file refers to.
#[derive(Debug, Default)]
struct Refs {
    /// `(line, module)` of every `crate::module` path.
    crate_paths: Vec<(usize, String)>,
    /// `(line, number of supers, enclosing inline modules)` of every `super::` path.
    super_paths: Vec<(usize, usize, usize)>,
}

/// The first path segment of each item of a `{...}` group that starts at `open` (a `{`).
fn group_items(code: &[char], open: usize) -> Vec<(usize, String)> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut at_item = true;
    let mut i = open;
    while i < code.len() {
        match code[i] {
            '{' => {
                depth += 1;
                if depth == 1 {
                    at_item = true;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => at_item = true,
            c if depth == 1 && at_item && (c.is_alphanumeric() || c == '_') => {
                let start = i;
                while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
                    i += 1;
                }
                items.push((start, code[start..i].iter().collect()));
                at_item = false;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    items
}

fn scan(text: &str) -> Refs {
    let code: Vec<char> = code_only(text).chars().collect();
    let mut line_of = Vec::with_capacity(code.len());
    let mut line = 1;
    for &c in &code {
        line_of.push(line);
        if c == '\n' {
            line += 1;
        }
    }
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let word_at = |i: usize, w: &str| {
        let w: Vec<char> = w.chars().collect();
        code.get(i..i + w.len()) == Some(&w[..])
            && (i == 0 || !ident(code[i - 1]))
            && code.get(i + w.len()).is_none_or(|&c| !ident(c))
    };
    let skip_ws = |mut i: usize| {
        while i < code.len() && code[i].is_whitespace() {
            i += 1;
        }
        i
    };
    let mut refs = Refs::default();
    let mut braces = 0usize;
    // Brace depths at which inline `mod name {` blocks opened.
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut pending_mod = false;
    let mut i = 0;
    while i < code.len() {
        match code[i] {
            '{' => {
                braces += 1;
                if pending_mod {
                    inline_mods.push(braces);
                    pending_mod = false;
                }
            }
            '}' => {
                if inline_mods.last() == Some(&braces) {
                    inline_mods.pop();
                }
                braces = braces.saturating_sub(1);
            }
            ';' => pending_mod = false,
            _ if word_at(i, "mod") => pending_mod = true,
            _ if word_at(i, "crate") && code.get(i + 5..i + 7) == Some(&[':', ':'][..]) => {
                let after = skip_ws(i + 7);
                if code.get(after) == Some(&'{') {
                    for (at, item) in group_items(&code, after) {
                        if item != "self" {
                            refs.crate_paths.push((line_of[at], item));
                        }
                    }
                } else {
                    let end = (after..code.len())
                        .find(|&j| !ident(code[j]))
                        .unwrap_or(code.len());
                    let name: String = code[after..end].iter().collect();
                    if !name.is_empty() {
                        refs.crate_paths.push((line_of[i], name));
                    }
                }
                i += 7;
                continue;
            }
            _ if word_at(i, "super") && code.get(i + 5..i + 7) == Some(&[':', ':'][..]) => {
                let mut supers = 0;
                let mut j = i;
                while word_at(j, "super") && code.get(j + 5..j + 7) == Some(&[':', ':'][..]) {
                    supers += 1;
                    j = skip_ws(j + 7);
                }
                refs.super_paths
                    .push((line_of[i], supers, inline_mods.len()));
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    refs
}

/// The module a `crate::<first>` path refers to.
fn target(first: &str) -> String {
    ROOT_ITEMS
        .iter()
        .find(|(item, _)| *item == first)
        .map_or(first, |&(_, module)| module)
        .to_string()
}

/// Every source file checked: `src/`-relative path, top-level module, depth, text.
fn checked_files() -> Vec<(String, String, usize, String)> {
    rust_files(&src())
        .into_iter()
        .filter_map(|path| {
            let rel = relative(&path);
            let exempt = EXEMPT_FILES.contains(&rel.as_str())
                || rel.starts_with("bin/")
                || path.file_name().is_some_and(|n| n == "test.rs");
            if exempt {
                return None;
            }
            let (module, depth) = module_of(&rel);
            let text = std::fs::read_to_string(&path).unwrap();
            Some((rel, module, depth, text))
        })
        .collect()
}

fn violations() -> Vec<String> {
    let mut found = Vec::new();
    for (rel, module, depth, text) in checked_files() {
        if layer(&module).is_none() {
            found.push(format!("src/{rel}:1: {module} ({})", layer_name(&module)));
        }
        let refs = scan(&text);
        for (line, first) in refs.crate_paths {
            let to = target(&first);
            if !allowed(&module, &to) {
                found.push(format!(
                    "src/{rel}:{line}: {module} ({}) imports {to} ({})",
                    layer_name(&module),
                    layer_name(&to)
                ));
            }
        }
        for (line, supers, inline) in refs.super_paths {
            if supers > depth + inline {
                found.push(format!(
                    "src/{rel}:{line}: {module} ({}) climbs out of {module} with {}",
                    layer_name(&module),
                    "super::".repeat(supers)
                ));
            }
        }
    }
    found
}

#[test]
fn every_module_imports_only_from_lower_layers() {
    let found = violations();
    for v in &found {
        eprintln!("{v}");
    }
    assert!(
        found.is_empty(),
        "{} layer violations (see the table in src/lib.rs):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn no_source_file_is_over_the_line_limit() {
    let mut long: BTreeMap<String, usize> = BTreeMap::new();
    for path in rust_files(&src()) {
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        if lines > MAX_LINES {
            long.insert(format!("src/{}", relative(&path)), lines);
        }
    }
    let report: Vec<String> = long
        .iter()
        .map(|(f, n)| format!("{f}: {n} lines (at most {MAX_LINES})"))
        .collect();
    for r in &report {
        eprintln!("{r}");
    }
    assert!(
        report.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        report.join("\n")
    );
}

/// The scanner finds what it must, so the rule cannot pass by finding nothing.
#[test]
fn the_scanner_finds_known_imports() {
    let files = checked_files();
    assert!(
        files.len() > 40,
        "only {} files found under src/",
        files.len()
    );
    let (_, module, depth, text) = files
        .iter()
        .find(|(rel, ..)| rel == "workloads/squares.rs")
        .expect("src/workloads/squares.rs is scanned");
    assert_eq!((module.as_str(), *depth), ("workloads", 1));
    let refs = scan(text);
    assert!(
        refs.crate_paths.iter().any(|(_, m)| m == "backends"),
        "{:?}",
        refs.crate_paths
    );
    let table = layer("table").unwrap();
    assert!(allowed("workloads", "backends") && !allowed("backends", "workloads"));
    assert!(!allowed("backends", "cluster") && !allowed("cluster", "dask"));
    assert!(allowed("cluster", "backends") && !allowed("plot", "prelude"));
    assert!(allowed("tasks", "error") && table == 3);

    let sample = r#"//! crate::cli in a doc comment
use crate::{
    backends::{Backend, MapOptions}, // crate::plot in a comment
    Error,
};
/* crate::cli in a block comment */
fn f() -> &'static str {
    let _ = crate::tasks::random_square(1);
    let _ = '{';
    "crate::cli in a string"
}
mod inner {
    use super::super::x;
}
use super::super::y;
"#;
    let refs = scan(sample);
    assert_eq!(
        refs.crate_paths,
        [
            (3, "backends".to_string()),
            (4, "Error".to_string()),
            (8, "tasks".to_string())
        ]
    );
    assert_eq!(refs.super_paths, [(13, 2, 1), (15, 2, 0)]);
    assert_eq!(module_of("tasks/primes/wheel.rs"), ("tasks".into(), 2));
    assert_eq!(module_of("tasks/mod.rs"), ("tasks".into(), 0));
    assert_eq!(module_of("table.rs"), ("table".into(), 0));
}
