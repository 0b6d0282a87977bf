//! The dask counterpart: delayed graphs, futures and bags give the module's answers.

use parlab::backends::MapOptions;
use parlab::dask::{Bag, Client, Dask, Graph};
use parlab::prelude::*;
use parlab::tasks::is_prime_miller_rabin;

const COUNT: u32 = 1_000_000;

fn reference() -> Vec<u32> {
    squares(&Sequential, 0..u64::from(COUNT)).unwrap().results
}

#[test]
fn the_dask_backend_squares_bit_identically_and_checks_primes() {
    let dask = Dask::new(2).unwrap();
    let run = squares_with(&dask, 0..u64::from(COUNT), &MapOptions::traced(true)).unwrap();
    assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
    assert_eq!(run.last5(), [81, 36, 1, 1, 1]);
    assert!(run.results == reference());
    let spans = run.trace.unwrap().spans;
    assert_eq!(spans.len(), 62, "one span per block");
    assert!(spans.iter().all(|s| s.worker < 2 && s.start <= s.end));

    let composite = check_prime(&dask, 1_000_003 * 999_983).unwrap();
    assert_eq!(composite.factor, Some(999_983));
    for n in [2, 9, 91, 97, parlab::table::MODULE_PRIME] {
        let answer = check_prime(&dask, n).unwrap();
        assert_eq!(answer.is_prime, is_prime_miller_rabin(n), "{n}");
    }
}

#[test]
fn delayed_per_seed_graph_matches() {
    let client = Client::new(2).unwrap();
    let g = Graph::new();
    let parts: Vec<_> = (0..10_000u32)
        .map(|s| g.delayed(random_square, s))
        .collect();
    let all = g.reduce(
        |xs: &[&u32]| xs.iter().map(|x| **x).collect::<Vec<u32>>(),
        &parts,
    );
    assert_eq!(g.len(), 20_001);
    let (squares, stream) = all
        .compute_with(&client, &MapOptions::traced(true))
        .unwrap();
    assert!(squares[..] == reference()[..10_000]);
    let spans = stream.unwrap().spans;
    assert_eq!(spans.len(), 20_001);
    // The reduction starts only after every square is done.
    let last = spans.last().unwrap();
    assert!(spans[..20_000].iter().all(|s| s.end <= last.start));
}

#[test]
fn a_diamond_runs_each_node_once_and_in_dependency_order() {
    let client = Client::new(2).unwrap();
    let g = Graph::new();
    let a = g.delayed(|x: u64| x + 1, 1); // 2
    let b = g.delayed1(|a: &u64| a * 10, &a); // 20
    let c = g.delayed1(|a: &u64| a * 100, &a); // 200
    let d = g.delayed2(|b: &u64, c: &u64| b + c, &b, &c);
    let (value, stream) = d.compute_with(&client, &MapOptions::traced(true)).unwrap();
    assert_eq!(value, 220);
    let spans = stream.unwrap().spans;
    assert_eq!(spans.len(), 5, "value, a, b, c, d: each once");
    let end = |node: usize| spans.iter().find(|s| s.task == node).unwrap().end;
    let start = |node: usize| spans.iter().find(|s| s.task == node).unwrap().start;
    assert!(start(4) >= end(2) && start(4) >= end(3));
    // Computing part of the graph runs only that part.
    let (value, stream) = b.compute_with(&client, &MapOptions::traced(true)).unwrap();
    assert_eq!((value, stream.unwrap().spans.len()), (20, 3));
}

#[test]
fn map_gather_and_bag_give_the_module_squares() {
    let client = Client::new(2).unwrap();
    let seeds: Vec<u32> = (0..20_000).collect();
    let futures = client.map(random_square, seeds.clone());
    let gathered = client.gather(futures).unwrap();
    assert!(gathered[..] == reference()[..20_000]);

    for npartitions in [1, 2, 7] {
        let bag = Bag::from_sequence(0..COUNT, npartitions)
            .unwrap()
            .map(random_square);
        assert_eq!(bag.npartitions(), npartitions);
        assert!(
            bag.compute(&client).unwrap() == reference(),
            "{npartitions}"
        );
    }
}

#[test]
fn panics_become_task_errors() {
    let client = Client::new(2).unwrap();
    let g = Graph::new();
    let bad = g.delayed(|x: u32| 10 / (x % 3), 3u32);
    let after = g.delayed1(|x: &u32| x + 1, &bad);
    let err = after.compute(&client).unwrap_err();
    assert!(matches!(err, Error::TaskFailed { task: 1, .. }), "{err}");

    let futures = client.map(|x: u32| 10 / x, [1, 0, 2]);
    let err = client.gather(futures).unwrap_err();
    assert!(matches!(err, Error::TaskFailed { task: 1, .. }), "{err}");

    let dask = BackendKind::Dask.build(2).unwrap();
    let err = dask
        .run_with(
            &kernel("div", |x: &u32| 10 / x),
            &[1, 2, 0],
            &MapOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::TaskFailed { task: 2, .. }), "{err}");
}

#[test]
fn the_gas_exercise_runs_on_dask_bit_identically() {
    let params = parlab::gas::GasParams {
        particles: 300,
        steps: 100,
        ..Default::default()
    };
    let on_dask = parlab::workloads::simulate(&Dask::new(2).unwrap(), &params).unwrap();
    let here = parlab::workloads::simulate(&Sequential, &params).unwrap();
    assert_eq!(on_dask.paths, here.paths);
    assert_eq!(on_dask.speeds, here.speeds);
}
