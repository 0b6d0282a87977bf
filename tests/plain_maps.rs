//! Plain functions on every backend: the module's own functions (`fn` items and closures)
//! mapped on every in-process or forked backend give Sequential's results, in input order.
//! The cluster's variant lives with the cluster (`tests/cluster.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parlab::backends::delayed_star;
use parlab::dask::{Bag, Client, Dask, Graph};
use parlab::numpy::random::{randint, seed};
use parlab::numpy::RandomState;
use parlab::prelude::*;

/// The module's `random_square`, on numpy's shared generator.
fn random_square(myseed: u32) -> u32 {
    seed(myseed);
    let random_num = randint(0, 10);
    (random_num * random_num) as u32
}

/// The same with a generator of its own: no shared state, so safe on threads.
fn own_square(myseed: u32) -> u32 {
    let r = RandomState::new(myseed).randint(0, 10) as u32;
    r * r
}

/// The module's `is_primeP(n, a, b)`: no divisor of `n` in `a..b`.
#[allow(non_snake_case)]
fn is_primeP(n: u64, a: u64, b: u64) -> bool {
    (a..b).all(|x| !n.is_multiple_of(x))
}

/// Every backend but the cluster, by kind.
fn kinds() -> impl Iterator<Item = BackendKind> {
    BackendKind::CPU
        .into_iter()
        .filter(|k| *k != BackendKind::Cluster)
}

#[test]
fn every_backend_maps_plain_functions_as_sequential_does() {
    let seeds: Vec<u32> = (0..2000).chain([u32::MAX - 1, u32::MAX]).collect();
    let want: Vec<u32> = seeds
        .iter()
        .map(|&s| parlab::tasks::random_square(s))
        .collect();
    assert_eq!(Sequential.map(random_square, seeds.clone()).unwrap(), want);
    let offset = 7u64;
    let limits: Vec<(u64, u64, u64)> = vec![(91, 2, 7), (91, 7, 10), (97, 2, 10)];
    for kind in kinds() {
        let backend = kind.build(2).unwrap();
        let name = kind.name();
        // fn items, through the trait (generic code) ...
        assert_eq!(
            backend.map(own_square, seeds.clone()).unwrap(),
            want,
            "{name}"
        );
        // ... closures that capture, any iterable ...
        let shifted = backend.map(move |x: u64| x * 3 + offset, 0..50u64).unwrap();
        assert_eq!(
            shifted,
            (0..50).map(|x| x * 3 + 7).collect::<Vec<_>>(),
            "{name}"
        );
        // ... and starmap.
        let parts = backend.starmap(is_primeP, limits.clone()).unwrap();
        assert_eq!(parts, [true, false, true], "{name}"); // 91 = 7 * 13
    }
}

#[test]
fn forked_workers_each_own_numpys_shared_generator() {
    // A forked worker has its own copy of the shared state: the module-shaped function is right.
    let want: Vec<u32> = (0..3000).map(parlab::tasks::random_square).collect();
    let pool = ProcessPool::new(2).unwrap();
    assert_eq!(pool.map(random_square, 0..3000).unwrap(), want);
    assert_eq!(
        ProcessExecutor::new(2)
            .unwrap()
            .map(random_square, 0..300)
            .unwrap(),
        want[..300]
    );
    let calls = (0..300u32).map(|s| delayed(random_square, s));
    assert_eq!(Parallel::new(2).unwrap().call(calls).unwrap(), want[..300]);
}

/// An input and an output with no `Debug`, no `Clone` on the output and no `serde`.
#[derive(Clone)]
struct Opaque(u32);
struct Out(u32);

#[test]
fn in_process_backends_need_no_serde_and_no_debug() {
    let inputs: Vec<Opaque> = (0..100).map(Opaque).collect();
    let f = |x: Opaque| {
        assert!(x.0 != 77, "seventy-seven");
        Out(x.0 * 2)
    };
    let ok = |r: Vec<Out>| r.into_iter().map(|o| o.0).collect::<Vec<_>>();
    let want: Vec<u32> = (0..77).map(|x| x * 2).collect();
    let good = || inputs[..77].to_vec();
    assert_eq!(ok(Sequential.map(f, good()).unwrap()), want);
    assert_eq!(ok(Threads::new(2).unwrap().map(f, good()).unwrap()), want);
    assert_eq!(ok(RayonPool::new(2).unwrap().map(f, good()).unwrap()), want);
    assert_eq!(
        ok(ThreadExecutor::new(2).unwrap().map(f, good()).unwrap()),
        want
    );
    assert_eq!(ok(Dask::new(2).unwrap().map(f, good()).unwrap()), want);
    let client = Client::new(2).unwrap();
    assert_eq!(ok(client.gather(client.map(f, good())).unwrap()), want);
    // A failing task is named by its index.
    let errors = [
        Sequential.map(f, inputs.clone()).err(),
        Threads::new(2).unwrap().map(f, inputs.clone()).err(),
        RayonPool::new(2).unwrap().map(f, inputs.clone()).err(),
        ThreadExecutor::new(2).unwrap().map(f, inputs.clone()).err(),
        Dask::new(2).unwrap().map(f, inputs.clone()).err(),
    ];
    for err in errors {
        match err {
            Some(Error::TaskFailed { task, message, .. }) => {
                assert_eq!(task, 77);
                assert_eq!(message, "panicked: seventy-seven");
            }
            other => panic!("expected task 77 to fail, got {other:?}"),
        }
    }
}

#[test]
fn process_backends_need_serde_on_the_output_only() {
    // The input has no Debug and no serde: it stays in the forked workers' memory.
    let inputs: Vec<Opaque> = (0..40).map(Opaque).collect();
    let want: Vec<u32> = (0..40).map(|x| x + 1).collect();
    let f = |x: Opaque| x.0 + 1;
    assert_eq!(
        ProcessPool::new(2).unwrap().map(f, inputs.clone()).unwrap(),
        want
    );
    assert_eq!(
        ProcessExecutor::new(2)
            .unwrap()
            .map(f, inputs.clone())
            .unwrap(),
        want
    );
    assert_eq!(
        Parallel::new(2).unwrap().map(f, inputs.clone()).unwrap(),
        want
    );
    let err = ProcessPool::new(2)
        .unwrap()
        .map(|x: Opaque| 10 / (x.0 % 7), inputs)
        .unwrap_err();
    assert!(
        matches!(&err, Error::TaskFailed { task: 0 | 7 | 14 | 21 | 28 | 35, input, .. } if input == "not shown"),
        "{err}"
    );
}

#[test]
fn map_with_traces_and_reports_progress() {
    let done = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&done);
    let options = MapOptions::default()
        .with_trace(true)
        .with_progress(Progress::new(move |u| seen.store(u.done, Ordering::SeqCst)));
    let mapped = Threads::new(2)
        .unwrap()
        .map_with(own_square, 0..100, &options)
        .unwrap();
    assert_eq!(mapped.results[..3], [25, 25, 64]);
    assert_eq!(mapped.trace.map(|t| t.spans.len()), Some(100));
    assert_eq!(done.load(Ordering::SeqCst), 100);
}

#[test]
fn joblib_delayed_star_and_dask_graphs_take_plain_functions() {
    let limits = [(91u64, 2u64, 7u64), (91, 7, 10)];
    let calls = limits.iter().map(|&l| delayed_star(is_primeP, l));
    let parts = Parallel::new(2)
        .unwrap()
        .prefer(Prefer::Threads)
        .call(calls)
        .unwrap();
    assert_eq!(parts, [true, false]);
    let client = Client::new(2).unwrap();
    let g = Graph::new();
    let squares: Vec<_> = (0..5).map(|s| g.delayed(own_square, s)).collect();
    let total = g.reduce(|xs: &[&u32]| xs.iter().copied().sum::<u32>(), &squares);
    assert_eq!(total.compute(&client).unwrap(), 25 + 25 + 64 + 64 + 49);
    let bag = Bag::from_sequence(0..1000u32, 3).unwrap().map(own_square);
    let want: Vec<u32> = (0..1000).map(parlab::tasks::random_square).collect();
    assert_eq!(bag.compute(&client).unwrap(), want);
}
