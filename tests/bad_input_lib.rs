//! The bad-input sweep of the library: every public constructor and workload with zero, huge,
//! NaN, infinite and out-of-range values returns a typed error, quickly, and never panics; its
//! message says what to call or pass, in the library's words: it names no command-line flag
//! (the `parlab` program adds those, `tests/cli_errors.rs`).

use std::time::{Duration, Instant};

use parlab::cluster::Cluster;
use parlab::dask::{Client, Dask};
use parlab::gas::GasParams;
use parlab::prelude::*;

/// The first command-line flag (`--word`) `message` names, if any.
fn flag_in(message: &str) -> Option<&str> {
    message
        .match_indices("--")
        .map(|(i, _)| &message[i..])
        .find(|rest| rest[2..].starts_with(|c: char| c.is_ascii_lowercase()))
}

/// Runs `f`, which must fail within 5 s; returns the message, which names no flag.
fn fails<T: std::fmt::Debug>(what: &str, f: impl FnOnce() -> Result<T>) -> String {
    let started = Instant::now();
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{what} took {took:?}");
    match out {
        Ok(Err(e)) => {
            let m = e.to_string();
            assert_eq!(
                flag_in(&m),
                None,
                "{what}: a CLI flag in a library error: {m}"
            );
            m
        }
        Ok(Ok(v)) => panic!("{what} succeeded: {v:?}"),
        Err(_) => panic!("{what} panicked"),
    }
}

#[test]
fn every_constructor_refuses_zero_and_huge_worker_counts() {
    for workers in [0, 100_000, usize::MAX] {
        let mut messages = vec![
            fails("Threads", || Threads::new(workers)),
            fails("RayonPool", || RayonPool::new(workers)),
            fails("ThreadExecutor", || ThreadExecutor::new(workers)),
            fails("ProcessPool", || ProcessPool::new(workers)),
            fails("ProcessExecutor", || ProcessExecutor::new(workers)),
            fails("Parallel", || Parallel::new(workers)),
            fails("Cluster", || Cluster::start(workers)),
            fails("Dask", || Dask::new(workers)),
            fails("Client", || Client::new(workers)),
        ];
        for kind in BackendKind::ALL
            .into_iter()
            .filter(|k| *k != BackendKind::Sequential)
        {
            messages.push(fails(kind.name(), || kind.build(workers)));
        }
        for m in messages {
            let expected = if workers == 0 {
                "at least 1 worker"
            } else {
                "PARLAB_MAX_WORKERS"
            };
            assert!(m.contains(expected), "{workers}: {m}");
        }
    }
}

#[test]
fn workloads_refuse_out_of_range_requests() {
    let pool = Sequential;
    let m = fails("squares past u32", || {
        squares(&pool, 4_000_000_000..5_000_000_000)
    });
    assert!(m.contains("32-bit"), "{m}");
    let m = fails("squares from u64::MAX", || {
        squares(&pool, u64::MAX - 1..u64::MAX)
    });
    assert!(m.contains("32-bit"), "{m}");
    let m = fails("squares_io past u32", || {
        squares_io(&pool, 0..u64::MAX, Duration::ZERO)
    });
    assert!(m.contains("32-bit"), "{m}");
    let m = fails("prime 0", || check_prime(&pool, 0));
    assert!(m.contains("positive integer"), "{m}");
}

#[test]
fn gas_parameters_are_checked_before_anything_runs() {
    let base = GasParams::default();
    let floats = [
        0.0,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1e300,
    ];
    let mut bad: Vec<GasParams> = Vec::new();
    for v in floats {
        bad.push(GasParams {
            box_side: v,
            ..base.clone()
        });
        bad.push(GasParams {
            temperature: v,
            ..base.clone()
        });
        bad.push(GasParams {
            mass_amu: v,
            ..base.clone()
        });
        bad.push(GasParams {
            dt: Some(v),
            ..base.clone()
        });
    }
    bad.push(GasParams {
        particles: 0,
        ..base.clone()
    });
    bad.push(GasParams {
        steps: 0,
        ..base.clone()
    });
    bad.push(GasParams {
        record_every: Some(0),
        ..base.clone()
    });
    bad.push(GasParams {
        steps: usize::MAX,
        ..base.clone()
    });
    bad.push(GasParams {
        particles: usize::MAX,
        steps: 1,
        ..base.clone()
    });
    bad.push(GasParams {
        particles: 1_000_000_000_000,
        steps: 1,
        ..base.clone()
    });
    bad.push(GasParams {
        record_every: Some(1),
        steps: 1_000_000_000,
        particles: 10,
        ..base.clone()
    });
    for params in bad {
        let m = fails("simulate", || simulate(&Sequential, &params));
        assert!(
            m.starts_with("invalid") || m.contains("of memory"),
            "{params:?}: {m}"
        );
    }
}

#[test]
fn the_memory_check_says_the_figures() {
    let params = GasParams {
        particles: 1_000_000_000_000,
        steps: 1,
        ..GasParams::default()
    };
    let m = fails("simulate", || simulate(&Sequential, &params));
    assert!(
        m.contains("TiB of memory") && m.contains("is available"),
        "{m}"
    );
}

#[test]
fn errors_read_right_in_a_notebook() {
    let m = fails("ProcessPool::new(0)", || ProcessPool::new(0));
    assert_eq!(
        m,
        "a backend needs at least 1 worker, got 0; ask for 1 or more, e.g. \
         `parlab::backends::cpu_count()` for one per core"
    );
    let max = parlab::limits::max_workers().unwrap();
    let m = fails("Threads::new(max + 1)", || Threads::new(max + 1));
    assert!(m.contains(&format!("allows ({max}")), "{m}");
    assert!(m.contains("parlab::limits::max_workers()"), "{m}");
    assert!(!m.contains("per core"), "{m}");
    let m = fails("table of 0 seeds", || {
        parlab::table::measure(&[BackendKind::Sequential], 1, 0, 7, |_| {})
    });
    assert!(m.starts_with("invalid seed count: got 0"), "{m}");
    let m = fails("squares past u32", || {
        squares(&Sequential, 4_294_967_295..4_294_967_305)
    });
    assert!(m.contains("start lower or ask for fewer seeds"), "{m}");
    let m = fails("subinterval_limits", || {
        parlab::tasks::subinterval_limits(99, 0)
    });
    assert!(m.contains("at least 1 worker"), "{m}");
    assert_eq!(flag_in("e.g. --count 10"), Some("--count 10"));
    assert_eq!(flag_in("a range 1--2, a rule ---"), None);
}

#[test]
fn no_string_of_the_library_names_a_flag() {
    // The net under the sweep above: a string literal outside the command line (`src/cli`,
    // the binaries) with a `--flag` in it. Allowed: the Windows note's `wsl --install` and the
    // flags `parlab bench` passes to the module's Python script.
    const ALLOWED: [&str; 2] = ["wsl --install", ".args([\"--"];
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel == "cli" || rel == "bin" || rel == "main.rs" {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else if rel.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    if code.starts_with("//") || ALLOWED.iter().any(|a| line.contains(a)) {
                        continue;
                    }
                    if code.contains('"') || code.ends_with('\\') {
                        if let Some(flag) = flag_in(line) {
                            found.push(format!("src/{rel}:{}: {flag}", i + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "flags in library strings:\n{}",
        found.join("\n")
    );
}
