//! Your own functions on forked engines: right answers on every view, functions from a library
//! loaded after the fork, and clear errors where it stops.

use std::path::{Path, PathBuf};
use std::time::Duration;

use parlab::cluster::{Cluster, Remote};
use parlab::prelude::*;
use serde::{Deserialize, Serialize};

mod procs;
use procs::gone;

fn random_square(myseed: u32) -> u32 {
    parlab::tasks::random_square(myseed)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Span {
    lo: u64,
    hi: u64,
}

fn sum_span(s: Span) -> (u64, String) {
    ((s.lo..s.hi).sum(), format!("{}..{}", s.lo, s.hi))
}

#[test]
fn your_own_fn_on_forked_engines_equals_sequential() {
    let cluster = Cluster::start(2).unwrap();
    assert!(cluster.forked());
    let n = 20_000u32;
    let reference = squares(&Sequential, 0..u64::from(n)).unwrap().results;
    let mine: Vec<u32> = (0..n).map(random_square).collect();
    assert_eq!(mine, reference);

    let lb = cluster
        .load_balanced()
        .map_sync(random_square, 0..n)
        .unwrap();
    assert_eq!(lb, reference);
    let dv = cluster.direct().map_sync(random_square, 0..n).unwrap();
    assert_eq!(dv, reference);
    let pending = cluster.direct().map(random_square, 0..n).unwrap();
    let traced = cluster
        .load_balanced()
        .map_with(
            random_square,
            &(0..100).collect::<Vec<u32>>(),
            &parlab::backends::MapOptions::traced(true),
        )
        .unwrap();
    assert_eq!(traced.results, reference[..100]);
    assert_eq!(traced.trace.unwrap().spans.len(), 100);
    assert_eq!(pending.result().unwrap(), reference);
    for engine in 0..2 {
        let one = cluster.engine(engine).apply(random_square, 4).unwrap();
        assert_eq!(one.result().unwrap(), reference[4]);
        assert_eq!(
            cluster.engine(engine).apply_sync(random_square, 5).unwrap(),
            reference[5]
        );
    }
    assert_eq!(
        cluster
            .load_balanced()
            .apply(random_square, 6)
            .unwrap()
            .result()
            .unwrap(),
        reference[6]
    );

    // Closures that capture nothing, structs and strings through serde.
    assert_eq!(
        cluster
            .direct()
            .map_sync(|x: u64| x * 3, vec![1, 2, 3])
            .unwrap(),
        [3, 6, 9]
    );
    let spans = vec![Span { lo: 0, hi: 10 }, Span { lo: 10, hi: 20 }];
    assert_eq!(
        cluster.load_balanced().map_sync(sum_span, spans).unwrap(),
        [(45, "0..10".to_string()), (145, "10..20".to_string())]
    );

    // The workloads on forked engines: squares' block kernel is shipped as code, the prime
    // check's trial division (a kernel with data) is found by name in the stock kernels.
    assert_eq!(
        squares(&cluster, 0..u64::from(n)).unwrap().results,
        reference
    );
    let check = check_prime(&cluster, 1_000_003 * 999_983).unwrap();
    assert_eq!((check.is_prime, check.factor), (false, Some(999_983)));
    assert!(check_prime(&cluster, 1_000_003).unwrap().is_prime);
}

#[test]
fn a_panic_is_the_tasks_error_and_the_engines_go_on() {
    fn picky(x: u32) -> u32 {
        assert!(x != 3, "three is not allowed");
        x
    }
    let cluster = Cluster::start(2).unwrap();
    let err = cluster.load_balanced().map_sync(picky, 0..6).unwrap_err();
    assert!(matches!(err, Error::TaskFailed { task: 3, .. }), "{err}");
    assert!(err.to_string().contains("three is not allowed"), "{err}");
    assert_eq!(cluster.direct().map_sync(picky, [4, 5]).unwrap(), [4, 5]);
}

#[test]
fn forked_engines_serve_the_stock_kernels_like_parlab_engine() {
    let forked = Cluster::start(1).unwrap();
    let exec = Cluster::builder()
        .engines(1)
        .engine(env!("CARGO_BIN_EXE_parlab-engine"))
        .start()
        .unwrap();
    assert!(!exec.forked());
    assert_eq!(forked.kernels(), exec.kernels());
    let square = Remote::<u32, u32>::named("random-square");
    assert_eq!(forked.engine(0).run(&square, &4).unwrap(), 49);
}

#[test]
fn engine_programs_refuse_plain_functions() {
    let exec = Cluster::builder()
        .engines(1)
        .engine(env!("CARGO_BIN_EXE_parlab-engine"))
        .start()
        .unwrap();
    let err = exec
        .load_balanced()
        .map_sync(random_square, 0..3)
        .unwrap_err();
    assert!(matches!(err, Error::Backend { .. }), "{err}");
    assert!(err.to_string().contains("program of its own"), "{err}");
    // A kernel that holds data (a closure made with kernel()) is refused on forked engines too.
    let forked = Cluster::start(1).unwrap();
    let base = 10u32;
    let err = forked
        .run(&kernel("plus", move |s: &u32| s + base), &[1])
        .unwrap_err();
    assert!(err.to_string().contains("map_sync"), "{err}");
    // So is a capturing closure given to the Backend trait's map, with a word on what to do.
    let err = forked.map(move |s: u32| s + base, [1]).unwrap_err();
    assert!(matches!(err, Error::Backend { .. }), "{err}");
    assert!(err.to_string().contains("write a `fn`"), "{err}");
}

#[test]
fn the_backend_trait_maps_plain_functions_on_forked_engines() {
    fn is_multiple(n: u64, d: u64) -> bool {
        n.is_multiple_of(d)
    }
    let cluster = Cluster::start(2).unwrap();
    let reference: Vec<u32> = (0..1000).map(random_square).collect();
    assert_eq!(cluster.map(random_square, 0..1000).unwrap(), reference);
    assert_eq!(cluster.map(|x: u64| x + 1, [1, 2]).unwrap(), [2, 3]);
    let pairs = vec![(10, 5), (10, 3)];
    assert_eq!(cluster.starmap(is_multiple, pairs).unwrap(), [true, false]);
    // Generic code over backends gets the same answers.
    fn squared_on<B: Backend>(backend: &B) -> Vec<u32> {
        backend.map(random_square, 0..1000).unwrap()
    }
    assert_eq!(squared_on(&cluster), squared_on(&Sequential));
}

/// Compiles `src` into a cdylib in `dir` (plain rustc, no dependencies: about a second).
fn cdylib(dir: &Path, name: &str, src: &str) -> PathBuf {
    let source = dir.join(format!("{name}.rs"));
    std::fs::write(&source, src).unwrap();
    let out = dir.join(format!("lib{name}.so"));
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let status = std::process::Command::new(rustc)
        .args(["--crate-type", "cdylib", "--edition", "2021", "-O", "-o"])
        .arg(&out)
        .arg(&source)
        .status()
        .unwrap();
    assert!(status.success(), "rustc failed on {}", source.display());
    out
}

/// Opens `lib` in this process and returns its Rust-ABI function `symbol`.
fn load(lib: &Path, symbol: &str) -> fn(u64) -> u64 {
    let path = std::ffi::CString::new(lib.to_str().unwrap()).unwrap();
    let name = std::ffi::CString::new(symbol).unwrap();
    // SAFETY: a library we just built; the symbol is a `#[no_mangle] pub fn(u64) -> u64`.
    unsafe {
        let handle = libc::dlopen(path.as_ptr(), libc::RTLD_NOW);
        assert!(!handle.is_null(), "dlopen {}", lib.display());
        let f = libc::dlsym(handle, name.as_ptr());
        assert!(!f.is_null(), "no {symbol}");
        std::mem::transmute::<*mut libc::c_void, fn(u64) -> u64>(f)
    }
}

fn maps_of(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap_or_default()
}

#[test]
fn a_function_from_a_library_loaded_later_reaches_engines_forked_before() {
    // The notebook case: engines forked in one cell, a function from a later cell's library.
    let cluster = Cluster::start(2).unwrap();
    let dir = std::env::temp_dir().join(format!("parlab-later-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = "#[no_mangle]\npub fn later(x: u64) -> u64 { x * x + 7 }\n";
    let lib = cdylib(&dir, "later", src);
    let pids = cluster.pids();
    assert!(pids.iter().all(|&p| !maps_of(p).contains("liblater")));
    let later = load(&lib, "later");
    let inputs: Vec<u64> = (0..1000).collect();
    let expected: Vec<u64> = inputs.iter().map(|&x| later(x)).collect();
    assert_eq!(
        cluster.direct().map_sync(later, inputs.clone()).unwrap(),
        expected
    );
    assert_eq!(
        cluster.load_balanced().map_sync(later, inputs).unwrap(),
        expected
    );
    // Each engine opened the library itself.
    assert!(pids.iter().all(|&p| maps_of(p).contains("liblater")));

    // Where it stops: a library whose file is gone cannot be opened by engines that lack it.
    let gone = cdylib(
        &dir,
        "gone",
        "#[no_mangle]\npub fn gone(x: u64) -> u64 { x + 1 }\n",
    );
    let f = load(&gone, "gone");
    std::fs::remove_file(&gone).unwrap();
    let err = cluster.load_balanced().map_sync(f, [1u64]).unwrap_err();
    assert!(matches!(err, Error::Backend { .. }), "{err}");
    assert!(err.to_string().contains("could not open"), "{err}");
    // ... and the engines still run the rest.
    assert_eq!(cluster.direct().map_sync(later, [1u64]).unwrap(), [8]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn forked_engines_are_gone_after_drop_even_when_busy() {
    fn nap(ms: u64) -> u64 {
        std::thread::sleep(Duration::from_millis(ms));
        ms
    }
    let cluster = Cluster::start(2).unwrap();
    let pids = cluster.pids();
    assert_eq!(cluster.direct().map_sync(nap, [1, 1]).unwrap(), [1, 1]);
    drop(cluster);
    // Dropping reaps them: gone at once.
    assert!(pids.iter().all(|&p| gone(p)), "{pids:?}");
}
