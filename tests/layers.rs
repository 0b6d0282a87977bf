//! The module layers of `src/lib.rs`, checked on the source. The test reads the layer table of
//! `src/lib.rs` itself (its "modules" and "may import" columns), so the docs and the check are
//! one text: every `crate::<module>` path in a file (in `use` lines, grouped
//! `use crate::{a::X, b::Y}` forms, inline paths and intra-doc links) must be one its module's
//! row allows, no `super::super` path climbs out of its top-level module, and no source file is
//! over [`MAX_LINES`] lines.
//!
//! A row's "may import" cell reads, clause by clause (`;` between them):
//!
//! - `nothing`, `layer 0 only`, `layer 0` or `layers 0–N`: the lower layers all of its modules
//!   may import;
//! - `` `a`, `b` and `c` also `x` `` (or `` `a` only `x` ``, or `` the others also `x` ``: the
//!   row's modules but `x`): more imports for those modules, within the layer or of one below;
//! - `never …`: a reminder of what the first clause leaves out; it adds nothing.
//!
//! `src/lib.rs`, `src/main.rs`, `src/prelude.rs` (imports anything, imported by nothing),
//! `src/bin/*` and the unit-test files `test.rs` are not checked; comments and string literals
//! are skipped.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

/// The longest a source file may be.
const MAX_LINES: usize = 450;

/// Items `src/lib.rs` re-exports at the crate root, and the module they come from.
const ROOT_ITEMS: &[(&str, &str)] = &[("Error", "error"), ("Result", "error")];

/// Files the rule does not apply to, relative to `src/`.
const EXEMPT_FILES: &[&str] = &["lib.rs", "main.rs", "prelude.rs"];

/// One row of the layer table in `src/lib.rs`.
#[derive(Debug)]
struct Row {
    layer: u8,
    modules: Vec<String>,
    /// The layers below that every module of the row may import (empty: none).
    lower: Option<RangeInclusive<u8>>,
    /// More imports: `(importer, imported)`.
    also: Vec<(String, String)>,
}

/// The names in backticks in `text`, with what stands in parentheses left out
/// (`` `gpu` (feature `gpu`) `` is `gpu`).
fn ticked(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Reads a "may import" cell (see the [module docs](self)).
fn may_import(
    cell: &str,
    modules: &[String],
) -> (Option<RangeInclusive<u8>>, Vec<(String, String)>) {
    let mut clauses = cell.split(';').map(str::trim);
    let first = clauses.next().unwrap_or("");
    let lower = if first == "nothing" {
        None
    } else if let Some(rest) = first.strip_prefix("layers 0–") {
        Some(0..=rest.trim().parse().expect("`layers 0–N`"))
    } else if first.starts_with("layer 0") {
        Some(0..=0)
    } else {
        panic!("src/lib.rs: a \"may import\" cell begins with {first:?}")
    };
    let mut also = Vec::new();
    for clause in clauses {
        if clause.starts_with("never ") {
            continue;
        }
        let (who, what) = clause
            .split_once(" also ")
            .or_else(|| clause.split_once(" only "))
            .unwrap_or_else(|| panic!("src/lib.rs: cannot read {clause:?}"));
        let imported = ticked(what);
        let importers = if who == "the others" {
            modules
                .iter()
                .filter(|m| !imported.contains(m))
                .cloned()
                .collect()
        } else {
            ticked(who)
        };
        assert!(
            !importers.is_empty() && !imported.is_empty(),
            "src/lib.rs: {clause:?}"
        );
        for a in &importers {
            for b in &imported {
                also.push((a.clone(), b.clone()));
            }
        }
    }
    (lower, also)
}

/// The layer table of `src/lib.rs`: its rows `| N. name | modules | holds | may import |`.
fn table() -> Vec<Row> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let rows: Vec<Row> = lib
        .lines()
        .filter_map(|line| line.strip_prefix("//! | "))
        .filter_map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let (number, _) = cells[0].split_once('.')?;
            let layer = number.parse().ok()?;
            let modules = ticked(cells[1]);
            let (lower, also) = may_import(cells[3].trim_end_matches(" |"), &modules);
            Some(Row {
                layer,
                modules,
                lower,
                also,
            })
        })
        .collect();
    assert_eq!(
        rows.iter().map(|r| r.layer).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4],
        "the layer table of src/lib.rs"
    );
    rows
}

fn row_of<'a>(rows: &'a [Row], module: &str) -> Option<&'a Row> {
    rows.iter().find(|r| r.modules.iter().any(|m| m == module))
}

fn layer_name(rows: &[Row], module: &str) -> String {
    row_of(rows, module).map_or(
        "in no layer: add it to the table in src/lib.rs".into(),
        |r| format!("layer {}", r.layer),
    )
}

/// Whether a file of module `from` may refer to `crate::to`, by the table.
fn allowed(rows: &[Row], from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    let (Some(a), Some(b)) = (row_of(rows, from), row_of(rows, to)) else {
        return false;
    };
    a.also.iter().any(|(x, y)| x == from && y == to)
        || (b.layer < a.layer && a.lower.as_ref().is_some_and(|l| l.contains(&b.layer)))
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
    let rows = table();
    let mut found = Vec::new();
    for (rel, module, depth, text) in checked_files() {
        if row_of(&rows, &module).is_none() {
            found.push(format!(
                "src/{rel}:1: {module} ({})",
                layer_name(&rows, &module)
            ));
        }
        let refs = scan(&text);
        for (line, first) in refs.crate_paths {
            let to = target(&first);
            if !allowed(&rows, &module, &to) {
                found.push(format!(
                    "src/{rel}:{line}: {module} ({}) imports {to} ({})",
                    layer_name(&rows, &module),
                    layer_name(&rows, &to)
                ));
            }
        }
        for (line, supers, inline) in refs.super_paths {
            if supers > depth + inline {
                found.push(format!(
                    "src/{rel}:{line}: {module} ({}) climbs out of {module} with {}",
                    layer_name(&rows, &module),
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
    let rows = table();
    let allowed = |from, to| allowed(&rows, from, to);
    assert_eq!(row_of(&rows, "table").map(|r| r.layer), Some(3));
    assert_eq!(
        row_of(&rows, "gpu").map(|r| r.modules.clone()),
        Some(
            ["backends", "cluster", "dask", "gpu"]
                .map(String::from)
                .to_vec()
        )
    );
    assert!(allowed("workloads", "backends") && !allowed("backends", "workloads"));
    assert!(!allowed("backends", "cluster") && !allowed("cluster", "dask"));
    assert!(allowed("cluster", "backends") && !allowed("plot", "prelude"));
    assert!(allowed("tasks", "error") && allowed("gas", "limits") && !allowed("tasks", "gas"));
    // Executors never import kernels, nor the floor anything above it.
    assert!(!allowed("backends", "tasks") && !allowed("cluster", "gas"));
    assert!(allowed("limits", "error") && !allowed("error", "limits"));
    assert!(!allowed("display", "error") && !allowed("workloads", "table"));
    assert!(allowed("table", "workloads") && allowed("cli", "dashboard"));
    assert!(!allowed("plot", "dashboard") && allowed("plot", "table"));

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
