//! The module layers of `src/lib.rs`, checked on the source: every `crate::<module>` path in a
//! file (in `use` lines, grouped `use crate::{a::X, b::Y}` forms and inline paths) points to a
//! lower layer, no `super::super` path climbs out of its top-level module, and no source file
//! is over [`MAX_LINES`] lines.
//!
//! | layer | modules |
//! |---|---|
//! | 0 | `error`, `display`, `limits`, `names`: importable from everywhere |
//! | 1. kernels | `tasks`, `gas`, `numpy` |
//! | 2. executors | `backends`, `cluster`, `dask` (`cluster` and `dask` may import `backends`) |
//! | 3. workloads | `workloads`, `table`, `breakpoints`, `bench`, `mpi` |
//! | 4. presentation | `plot`, `dashboard`, `cli` |
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
    ("names", 0),
    ("tasks", 1),
    ("gas", 1),
    ("numpy", 1),
    ("backends", 2),
    ("cluster", 2),
    ("dask", 2),
    ("gpu", 2),
    ("workloads", 3),
    ("table", 3),
    ("breakpoints", 3),
    ("bench", 3),
    ("mpi", 3),
    ("plot", 4),
    ("dashboard", 4),
    ("cli", 4),
    ("prelude", 5),
];

/// Modules every module may import.
const BELOW_ALL: &[&str] = &["error", "display", "limits", "names"];

/// Imports allowed among the modules below all: `(importer, imported)`.
const BELOW_ALL_EDGES: &[(&str, &str)] = &[
    ("error", "display"),
    ("limits", "error"),
    ("limits", "display"),
    ("names", "error"),
];

/// Imports allowed between two modules of the same layer: `(importer, imported)`.
///
/// Inside a layer the edges point one way too: the executors `cluster` and `dask` are built on
/// `backends` (its trait and runner); `workloads` is the base of layer 3, which `table`,
/// `breakpoints`, `bench` and `mpi` run; `cli` draws with `plot` and starts the `dashboard`.
const SAME_LAYER: &[(&str, &str)] = &[
    ("cluster", "backends"),
    ("dask", "backends"),
    ("table", "workloads"),
    ("breakpoints", "workloads"),
    ("bench", "workloads"),
    ("mpi", "workloads"),
    ("cli", "plot"),
    ("cli", "dashboard"),
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
    // Below all, one way too: `display` imports nothing, `error` builds on `display` (byte
    // counts in its messages), `limits` and `names` on both.
    if BELOW_ALL.contains(&from) {
        return to == from || BELOW_ALL_EDGES.contains(&(from, to));
    }
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

#[path = "layers/scan.rs"]
mod scan;

use scan::scan;

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
